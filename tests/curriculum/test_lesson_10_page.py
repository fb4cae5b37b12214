"""Lesson 10's page: it renders with its learning objectives, both simulators work
without JavaScript (the value comes from the address), and it leads to its quiz."""

import pytest

from tests.curriculum.test_lesson_09_page import results

pytestmark = pytest.mark.django_db

URL = "/learn/intermediate/hedging-in-cross-margin/"


def test_the_page_renders_its_objectives_and_simulators(client):
    html = client.get(URL).content.decode()
    assert 'id="what-you-will-learn"' in html
    assert "not available" not in html
    assert "BTC \u221212%: 52,800.00" in results(html, "btc-hedge")
    assert "BTC \u221210%: 54,000.00" in results(html, "btc-eth-hedge")
    assert 'href="/quiz/hedging-in-cross-margin/"' in html


def test_the_simulators_take_their_values_from_the_address(client):
    html = client.get(URL, {"btc_hedge": "30", "btc_eth_hedge": "-40"}).content.decode()
    assert "BTC 30%: 78,000.00" in results(html, "btc-hedge")
    assert "BTC \u221240%: 36,000.00" in results(html, "btc-eth-hedge")


def test_the_hedge_widget_names_both_legs_apart(client):
    # Issue 27, item 8: it read "BTC long liquidated ...; BTC keeps running".
    outcome = results(client.get(URL).content.decode(), "btc-hedge")
    assert "All isolated: BTC long liquidated, you lose $1,000.00; BTC short keeps running" in (
        outcome
    )
    assert "BTC keeps running" not in outcome
