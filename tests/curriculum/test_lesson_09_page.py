"""Lesson 9's page: it renders with its learning objectives, its simulator works without
JavaScript (the value comes from the address), and it leads to its quiz."""

import re

import pytest

pytestmark = pytest.mark.django_db

URL = "/learn/intermediate/how-liquidation-happens/"


def results(html: str, widget: str) -> str:
    """The text of one widget's outcome."""
    found = re.search(rf'id="{widget}-outcome".*?</div>\s*<p id="{widget}-open"', html, re.S)
    assert found, widget
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0)))


def test_the_page_renders_its_objectives_and_simulator(client):
    html = client.get(URL).content.decode()
    assert 'id="what-you-will-learn"' in html
    assert 'id="gap"' in html and "not available" not in html
    assert "BTC \u221212%: 52,800.00" in results(html, "gap")
    assert 'href="/quiz/how-liquidation-happens/"' in html


def test_the_simulator_takes_its_value_from_the_address(client):
    html = client.get(URL, {"gap": "-9"}).content.decode()
    assert "BTC \u22129%: 54,600.00" in results(html, "gap")
