"""The glossary's pages: an index and a page per term, public and cached; lessons link
their terms; hostile addresses get a 404, never a 500."""

import re

import pytest
from django.test import Client

from glossary.models import Term
from tests.conftest import LESSON_4_URL

pytestmark = pytest.mark.django_db


def test_the_index_lists_every_term_with_its_definition(client):
    html = client.get("/glossary/").content.decode()
    for term in Term.objects.all():
        assert f'href="{term.get_absolute_url()}"' in html
        assert term.definition.replace("'", "&#x27;") in html


def test_a_term_page_shows_the_term_its_names_at_each_venue_and_its_lessons(client):
    response = client.get("/glossary/maintenance-tier/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "Maintenance tier</h1>" in html
    assert '<th scope="row">Bybit</th><td>Risk limit</td>' in html
    assert '<th scope="row">Binance</th><td>Leverage bracket</td>' in html
    assert 'href="/learn/intermediate/maintenance-tiers/"' in html
    assert "Also called: bracket, leverage bracket, risk limit" in html


@pytest.mark.parametrize("url", ["/glossary/", "/glossary/mark-price/"])
def test_pages_are_served_from_the_page_cache(url, django_assert_num_queries):
    Client().get(url)
    with django_assert_num_queries(0):
        assert Client().get(url).status_code == 200


def test_saving_a_term_refreshes_its_cached_page(client):
    client.get("/glossary/wick/")
    term = Term.objects.get(slug="wick")
    term.definition = "A new sentence."
    term.save()
    assert "A new sentence." in client.get("/glossary/wick/").content.decode()


def test_the_footer_links_to_the_glossary(client):
    assert 'href="/glossary/">Glossary</a>' in client.get("/").content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/glossary/no-such-term/",
        "/glossary/MARK-PRICE/",
        "/glossary/mark_price/",
        "/glossary/" + "a" * 5000 + "/",
        "/glossary/%E2%82%BF/",
        "/glossary/%00/",
        "/glossary/mark-price/extra/",
        "/glossary/..%2F..%2Fetc%2Fpasswd/",
        "/glossary/<script>/",
        "/glossary/1%20OR%201=1/",
    ],
)
def test_odd_addresses_are_a_404(client, path):
    assert client.get(path).status_code == 404


def test_a_lesson_links_its_terms_with_their_definitions(client):
    html = client.get(LESSON_4_URL).content.decode()
    links = re.findall(r'<a class="glossary-link" href="([^"]+)" aria-describedby="([^"]+)"', html)
    assert ("/glossary/liquidation-price/", "glossary-def-liquidation-price") in links
    for _, described_by in links:
        assert f'id="{described_by}"' in html
    assert "js/glossary.js" in html


def test_a_lesson_does_not_link_the_terms_it_teaches(client):
    html = client.get(LESSON_4_URL).content.decode()
    assert 'href="/glossary/isolated-margin/"' not in html
    assert 'href="/glossary/cross-margin/"' not in html


def test_a_strategy_links_its_terms(client):
    html = client.get("/strategies/cash-and-carry/").content.decode()
    assert 'class="glossary-link" href="/glossary/funding-rate/"' in html
    assert 'class="glossary-link" href="/glossary/cash-and-carry/"' not in html
