"""Bad input to the quiz: a clear message or a 4xx, nothing stored that a page could
not show again, never a 500."""

import importlib
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import DataError, connection, transaction

from quiz import services
from quiz.models import Attempt, Question, Response
from quiz.numeric import OUT_OF_RANGE
from tests.quiz.conftest import (
    QUIZ_URL,
    answer_all,
    question_url,
    right_answer,
    start,
    wrong_answer,
)

pytestmark = pytest.mark.django_db

PAST_THE_DATABASE = [2**63, 2**64 + 1, 10**30]


def number_of(attempt: Attempt, kind: str) -> int:
    return attempt.items.filter(question__kind=kind).order_by("number").first().number


def answer_rest(client, attempt: Attempt) -> None:
    for entry in attempt.items.filter(response__isnull=True).select_related("question"):
        response = client.post(question_url(attempt, entry.number), right_answer(entry))
        assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.is_finished


def every_page_of(client, attempt: Attempt) -> None:
    """The pages that show the attempt's stored answers, each a success."""
    for number in range(1, attempt.total + 1):
        assert client.get(question_url(attempt, number)).status_code == 200
    assert client.get(f"/quiz/attempts/{attempt.pk}/results/").status_code == 200
    assert client.get("/quiz/history/").status_code == 200
    assert client.get("/accounts/data/download/").status_code == 200
    assert client.get("/progress/review/").status_code == 200
    assert client.post(f"/quiz/attempts/{attempt.pk}/retry/").status_code == 302


# --------------------------------------------------------------------------- numeric answers


@pytest.mark.parametrize("typed", ["12345678901234567890", "100,000,000,000", "-1e11", "1.23456"])
def test_a_numeric_answer_outside_the_stated_range_is_refused_and_kept(client, margin_quiz, typed):
    attempt = start(client)
    number = number_of(attempt, Question.Kind.NUMERIC)
    response = client.post(question_url(attempt, number), {"answer": typed})
    html = response.content.decode()
    if typed == "-1e11":  # not digits at all: the usual message
        assert "Enter the amount in digits" in html
    else:
        assert response.status_code == 200
        assert OUT_OF_RANGE in html
        assert f'value="{typed}"' in html
    assert Response.objects.count() == 0


def test_the_largest_answer_taken_is_stored_exactly_and_every_page_shows_it(client, margin_quiz):
    attempt = start(client)
    number = number_of(attempt, Question.Kind.NUMERIC)
    typed = "-99,999,999,999.9999"
    response = client.post(question_url(attempt, number), {"answer": typed})
    assert response.status_code == 302
    stored = Response.objects.get()
    assert stored.number == Decimal("-99999999999.9999")
    assert stored.text == typed
    answer_rest(client, attempt)
    every_page_of(client, attempt)
    assert "99,999,999,999" in client.get(question_url(attempt, number)).content.decode()


def test_an_answer_stored_before_the_range_no_longer_breaks_a_page(client, margin_quiz):
    """A 20-digit answer that SQLite kept as 1e+20: the migration drops the number,
    which no page could read back, and keeps the text and the verdict."""
    attempt = start(client)
    number = number_of(attempt, Question.Kind.NUMERIC)
    entry = attempt.items.select_related("question").get(number=number)
    client.post(question_url(attempt, number), wrong_answer(entry))
    if connection.vendor != "sqlite":
        # PostgreSQL's numeric(15, 4) column refuses such a number outright: it can only
        # be there on SQLite, which kept any value it was given.
        with pytest.raises(DataError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE quiz_response SET number = %s", [Decimal("1e20")])
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE quiz_response SET number = %s, text = %s",
            [1e20, "100000000000000000000"],
        )
    migration = importlib.import_module("quiz.migrations.0010_response_numbers_out_of_range")
    migration.clear_numbers_out_of_range(apps, None)
    answer_rest(client, attempt)
    stored = Response.objects.get(item=entry)
    assert stored.number is None and stored.text == "100000000000000000000"
    every_page_of(client, attempt)
    assert "100000000000000000000" in client.get(question_url(attempt, number)).content.decode()


# --------------------------------------------------------------------------- numbers in addresses


@pytest.mark.parametrize("huge", PAST_THE_DATABASE)
def test_attempt_and_question_numbers_past_the_database_are_404(client, margin_quiz, huge):
    attempt = start(client)  # a visitor with a cookie
    for path in [
        f"/quiz/attempts/{huge}/",
        f"/quiz/attempts/{huge}/results/",
        f"/quiz/attempts/{huge}/questions/1/",
        f"/quiz/attempts/{attempt.pk}/questions/{huge}/",
        f"/progress/review/{huge}/",
    ]:
        assert client.get(path).status_code == 404, path
    for path in [
        f"/quiz/attempts/{huge}/retry/",
        f"/quiz/attempts/{huge}/questions/1/",
        f"/quiz/attempts/{attempt.pk}/questions/{huge}/",
        f"/progress/read/{huge}/",
    ]:
        assert client.post(path, {"answer": "1"}).status_code == 404, path


def test_the_largest_id_is_still_an_address(client, margin_quiz):
    start(client)
    assert client.get(f"/quiz/attempts/{2**63 - 1}/").status_code == 404  # none of theirs


# --------------------------------------------------------------------------- limits


def test_attempts_at_a_quiz_are_capped_per_hour_with_a_clear_message(client, margin_quiz):
    for _ in range(services.ATTEMPTS_PER_HOUR):
        start(client)
    response = client.post(QUIZ_URL, follow=True)
    assert response.redirect_chain == [(QUIZ_URL, 302)]
    html = response.content.decode()
    assert f"You have started {services.ATTEMPTS_PER_HOUR} attempts at this quiz" in html
    assert "You can start another in 60 minutes" in html
    assert Attempt.objects.count() == services.ATTEMPTS_PER_HOUR
    # A retry is an attempt too.
    last = Attempt.objects.first()
    answer_all(client, last, wrong={1})
    refused = client.post(f"/quiz/attempts/{last.pk}/retry/")
    assert refused.status_code == 429
    assert "the most we allow" in refused.content.decode()
    # An hour on, the oldest no longer counts.
    oldest = Attempt.objects.order_by("started_at").first()
    Attempt.objects.filter(pk=oldest.pk).update(
        started_at=oldest.started_at - timedelta(hours=1, seconds=1)
    )
    start(client)


def test_history_comes_in_pages(client, margin_quiz):
    visitor = start(client).visitor
    Attempt.objects.bulk_create(
        Attempt(quiz=margin_quiz, visitor=visitor, total=10) for _ in range(29)
    )
    rows = re.compile(r'<th scope="row">')
    first = client.get("/quiz/history/").content.decode()
    assert len(rows.findall(first)) == 25
    assert "page 1 of 2" in first and 'href="?page=2"' in first
    second = client.get("/quiz/history/?page=2").content.decode()
    assert len(rows.findall(second)) == 5
    assert 'href="?page=1"' in second
    for page in ["0", "abc", "99", str(2**64)]:
        assert client.get(f"/quiz/history/?page={page}").status_code == 200


# --------------------------------------------------------------------------- choices


@pytest.mark.parametrize("htmx", [False, True])
def test_a_choice_sent_twice_is_refused_as_malformed(client, margin_quiz, htmx):
    attempt = start(client)
    number = number_of(attempt, Question.Kind.MULTIPLE)
    question = attempt.items.get(number=number).question
    choice = str(question.choices.first().pk)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(question_url(attempt, number), {"answer": [choice, choice]}, **headers)
    assert response.status_code == 400
    assert "names the same option more than once" in response.content.decode()
    assert "already answered" not in response.content.decode()
    assert Response.objects.count() == 0
    # Nothing stood in the way of a proper answer afterwards.
    assert client.post(question_url(attempt, number), {"answer": [choice]}).status_code == 302
