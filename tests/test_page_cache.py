import gzip
import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from simulator.selectors import preset_data
from tests.conftest import LESSON_4_URL

pytestmark = pytest.mark.django_db


def nonce_of(response) -> str:
    return re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)


def test_a_cached_lesson_page_needs_no_query(client, django_assert_num_queries):
    client.get(LESSON_4_URL)
    with django_assert_num_queries(0):
        response = client.get(LESSON_4_URL)
    assert response.status_code == 200
    assert "54,271" in response.content.decode()


def test_each_response_carries_its_own_nonce(client):
    first, second = client.get(LESSON_4_URL), client.get(LESSON_4_URL)
    assert nonce_of(first) != nonce_of(second)
    for response in (first, second):
        html = response.content.decode()
        assert f'nonce="{nonce_of(response)}"' in html
        assert "placeholder" not in html


def test_the_cached_form_token_is_valid_for_each_visitor():
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        html = visitor.get("/simulator/?preset=two-isolated").content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        response = visitor.post(
            "/simulator/", {**preset_data("two-isolated").dict(), "csrfmiddlewaretoken": token}
        )
        assert response.status_code == 303  # accepted: on to the scenario's address


def test_saving_a_lesson_refreshes_the_cached_page(client, lesson_4):
    client.get(LESSON_4_URL)
    lesson_4.title = "Isolated or Cross?"
    lesson_4.save()
    assert "Isolated or Cross?" in client.get(LESSON_4_URL).content.decode()
    lesson_4.is_published = False
    lesson_4.save()
    assert client.get(LESSON_4_URL).status_code == 404


def test_a_visitor_with_quiz_history_gets_their_own_page(client):
    html = client.get(LESSON_4_URL).content.decode()  # fills the shared cache
    quiz_url = re.search(r'href="(/quiz/[^"]+/)"', html.split("Test your understanding")[1])
    client.post(quiz_url.group(1))  # starts an attempt: the visitor now has quiz history
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LESSON_4_URL).status_code == 200
    assert any("quiz" in query["sql"] for query in queries.captured_queries)


def test_a_cached_page_is_sent_compressed_as_one_valid_gzip_stream(client):
    plain = client.get(LESSON_4_URL).content.decode()
    for _ in range(2):  # the first fills the cache, the second comes from it
        response = client.get(LESSON_4_URL, HTTP_ACCEPT_ENCODING="gzip, br")
        assert response["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response["Vary"]
        html = gzip.decompress(response.content).decode()
        assert f'nonce="{nonce_of(response)}"' in html
        assert len(response.content) < len(html) / 2
    # The same page apart from its nonce and token.
    strip = re.compile(r'nonce="[^"]+"|value="[A-Za-z0-9]{64}"')
    assert strip.sub("", html) == strip.sub("", plain)


@pytest.mark.parametrize(
    "typed", ["csp-nonce-placeholder-7f3a", "csrf-token-placeholder-7f3a", "nonce", "token"]
)
def test_text_typed_into_a_cached_page_comes_back_as_typed(client, typed):
    """The simulator's page for an address is cached with the fields as typed; text
    that looks like the cache's markers stays text, not the response's nonce or token."""
    url = "/simulator/?" + urlencode({**preset_data("two-isolated").dict(), "balance": typed})
    for _ in range(2):  # rendered, then from the cache
        response = client.get(url)
        assert response.status_code == 422
        assert f'value="{typed}"' in response.content.decode()
