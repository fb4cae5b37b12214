import re
from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import Client, RequestFactory
from django.views import defaults

from tests.accounts.conftest import log_in, make_learner
from tests.quiz.conftest import question_url, start

pytestmark = pytest.mark.django_db


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_fails_when_the_database_does_not_answer(client):
    with mock.patch("academy.views.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    assert "Disallow: /admin/" in response.content.decode()


def test_not_found_page_uses_the_site_layout(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We could not find that page" in html
    assert 'aria-label="Main"' in html and "Skip to main content" in html


def test_csrf_failure_page_explains_what_to_do():
    response = Client(enforce_csrf_checks=True).post("/simulator/", {"balance": "5000"})
    assert response.status_code == 403
    assert "Your form expired" in response.content.decode()
    assert "HX-Refresh" not in response


def test_csrf_failure_under_htmx_reloads_the_page():
    response = Client(enforce_csrf_checks=True).post(
        "/simulator/", {"balance": "5000"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 403
    assert response["HX-Refresh"] == "true"


@pytest.mark.parametrize(
    ("view", "status", "text"),
    [
        (defaults.server_error, 500, "Sorry, something went wrong on our side"),
        (defaults.bad_request, 400, "Something in that request was not right"),
        (defaults.permission_denied, 403, "You cannot do that here"),
    ],
)
def test_error_pages_render_in_the_layout(view, status, text):
    request = RequestFactory().get("/")
    args = (request,) if view is defaults.server_error else (request, Exception("x"))
    response = view(*args)
    assert response.status_code == status
    html = response.content.decode()
    assert text in html
    assert "Margin Academy" in html


@pytest.mark.parametrize(
    ("url", "current"),
    [
        ("/learn/", "Learn"),
        ("/learn/beginner/isolated-vs-cross-margin/", "Learn"),
        ("/simulator/", "Simulator"),
        ("/simulator/methodology/", "Simulator"),
        ("/tools/", "Tools"),
        ("/tools/liquidation-price/", "Tools"),
        ("/quiz/", "Quiz"),
        ("/quiz/history/", "Quiz"),
        ("/", None),
    ],
)
def test_the_navigation_marks_the_section_the_address_belongs_to(client, url, current):
    html = client.get(url).content.decode()
    nav = html[html.index('aria-label="Main"') : html.index("</nav>")]
    marked = re.findall(r'aria-current="page">([^<]+)</a>', nav)
    # The links are there twice, in the wide screen's row and the phone's menu.
    assert marked == ([current] * 2 if current else [])


def test_personal_pages_are_private_to_shared_caches(client):
    """Pages of one visitor's own (their attempts, progress, account, review, history)
    say Cache-Control: private, not only Vary: Cookie; pages the same for everyone
    without a form do not."""
    make_learner()
    attempt = start(client)
    urls = [question_url(attempt, 1), "/quiz/history/", "/progress/", "/progress/review/"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "private" in response.get("Cache-Control", ""), url
    log_in(client, "learner@example.com")
    for url in [*urls, "/accounts/", "/accounts/data/", "/accounts/email/"]:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert "private" in response.get("Cache-Control", ""), url
    assert "private" not in Client().get("/robots.txt").get("Cache-Control", "")
