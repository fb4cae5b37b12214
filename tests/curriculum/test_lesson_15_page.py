"""Lesson 15's page: it renders in the Advanced level with its learning objectives, its
two simulators work without JavaScript (the value comes from the address), and it leads
to its quiz and to the replay of March 2020."""

import pytest

from tests.curriculum.test_lesson_09_page import results

pytestmark = pytest.mark.django_db

URL = "/learn/advanced/liquidation-cascades/"


def test_the_page_renders_its_objectives_simulators_and_links(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="what-you-will-learn"' in html
    assert 'id="cluster"' in html and 'id="low"' in html and "not available" not in html
    assert "BTC \u22125%: 6,935.00" in results(html, "cluster")
    assert 'href="/quiz/liquidation-cascades/"' in html
    assert 'href="/simulator/replay/?path=black-thursday-2020"' in html


def test_the_cluster_takes_its_move_from_the_address(client):
    html = client.get(URL, {"cluster": "-1"}).content.decode()
    assert "BTC \u22121%: 7,227.00" in results(html, "cluster")


def test_the_level_lists_the_lesson(client):
    html = client.get("/learn/advanced/").content.decode()
    assert 'href="/learn/advanced/liquidation-cascades/"' in html
