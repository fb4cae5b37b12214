"""The visitor's token in its own signed cookie (quiz.visitors): no session for an
anonymous learner, and no way into another browser's or account's record."""

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client

from quiz.models import Attempt
from quiz.visitors import COOKIE, SESSION_KEY
from tests.accounts.conftest import log_in, make_learner
from tests.quiz.conftest import item, question_url, right_answer, start
from tests.visitors import be_visitor, visitor_of

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_starting_a_quiz_sets_a_signed_http_only_cookie_and_no_session(client, margin_quiz):
    attempt = start(client)
    cookie = client.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE
    assert attempt.visitor == visitor_of(client)
    assert cookie.value != attempt.visitor  # signed, not the bare token
    assert settings.SESSION_COOKIE_NAME not in client.cookies
    assert not Session.objects.exists()


def test_an_answer_and_the_pages_after_it_work_without_a_session(client, margin_quiz):
    attempt = start(client)
    response = client.post(question_url(attempt, 1), right_answer(item(attempt, 1)), **HTMX)
    assert "Correct" in response.content.decode()
    assert "Cookie" in response["Vary"]  # the page is this browser's
    # The results wait for the rest of the answers: the attempt is this browser's.
    assert client.get(attempt.get_results_url())["Location"] == question_url(attempt, 2)
    assert not Session.objects.exists()


def test_a_tampered_or_foreign_cookie_reaches_nothing(client, margin_quiz):
    attempt = start(client)
    signed = client.cookies[COOKIE].value
    for value in [
        attempt.visitor,  # the bare token, unsigned
        signed[:-2] + ("AA" if not signed.endswith("AA") else "BB"),  # a changed signature
        "x" * 500,
        "",
    ]:
        stranger = Client()
        stranger.cookies[COOKIE] = value
        assert stranger.get(question_url(attempt, 1)).status_code == 404
        assert visitor_of(stranger) is None


def test_logging_out_drops_the_token(client, margin_quiz, learner):
    log_in(client, learner.email)
    attempt = start(client)
    response = client.post("/accounts/logout/")
    assert response.cookies[COOKIE].value == ""  # deleted
    assert visitor_of(client) is None
    assert client.get(question_url(attempt, 1)).status_code == 404


def test_a_second_account_in_the_same_browser_reaches_nothing_of_the_first(client, margin_quiz):
    first, second = make_learner("first@example.com"), make_learner("second@example.com")
    log_in(client, first.email)
    attempt = start(client)  # carries this browser's token and the first account
    client.force_login(second)  # without logging out: the browser keeps its token
    export = client.get("/accounts/data/download/").json()
    assert export["account"]["email"] == second.email
    assert export["quiz_attempts"] == []
    assert visitor_of(client) == attempt.visitor
    assert client.get(question_url(attempt, 1)).status_code == 404
    assert client.get(attempt.get_results_url()).status_code == 404
    assert Attempt.objects.get(pk=attempt.pk).user == first


def test_a_token_kept_in_the_session_before_the_cookie_moves_to_a_cookie(client, margin_quiz):
    owner_attempt = start(Client())
    session = SessionStore()
    session[SESSION_KEY] = owner_attempt.visitor
    session.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    response = client.get(question_url(owner_attempt, 1))
    assert response.status_code == 200
    assert visitor_of(client) == owner_attempt.visitor


def test_a_given_token_is_the_visitors(client, margin_quiz):
    attempt = start(Client())
    be_visitor(client, attempt.visitor)
    assert client.get(question_url(attempt, 1)).status_code == 200
