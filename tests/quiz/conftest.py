"""Helpers for the quiz tests: the shipped margin quiz and a way to answer it."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from core.numbers import money
from quiz.models import Attempt, AttemptQuestion, Question, Quiz

QUIZ_URL = "/quiz/isolated-vs-cross-margin/"


@pytest.fixture
def margin_quiz(db) -> Quiz:
    return Quiz.objects.get(slug="isolated-vs-cross-margin")


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("editor", password="x-long-password")
    client.force_login(user)
    return client


def start(client: Client) -> Attempt:
    """Start the margin quiz as this client and return the new attempt."""
    response = client.post(QUIZ_URL)
    assert response.status_code == 302
    attempt_id = int(re.search(r"/attempts/(\d+)/", response["Location"]).group(1))
    return Attempt.objects.get(pk=attempt_id)


def item(attempt: Attempt, number: int) -> AttemptQuestion:
    return attempt.items.select_related("question").get(number=number)


def question_url(attempt: Attempt, number: int) -> str:
    return f"/quiz/attempts/{attempt.pk}/questions/{number}/"


def right_answer(entry: AttemptQuestion) -> dict:
    """The post that answers this question correctly (read from the server side)."""
    question = entry.question
    if question.kind == Question.Kind.NUMERIC:
        return {"answer": money(entry.solution.answer, trim=True)}
    correct = [
        str(pk) for pk in question.choices.filter(is_correct=True).values_list("pk", flat=True)
    ]
    return {"answer": correct if question.kind == Question.Kind.MULTIPLE else correct[0]}


def wrong_answer(entry: AttemptQuestion) -> dict:
    question = entry.question
    if question.kind == Question.Kind.NUMERIC:
        return {"answer": str(entry.solution.answer * 3 + 777)}
    wrong = question.choices.filter(is_correct=False).values_list("pk", flat=True).first()
    return {"answer": [str(wrong)] if question.kind == Question.Kind.MULTIPLE else str(wrong)}


def first_mistake(entry: AttemptQuestion) -> tuple[str, Decimal, str]:
    """A common mistake this numeric question recognises: its key, value and feedback."""
    key, value = next(iter(entry.mistakes.items()))
    return key, value, entry.mistake_feedback(key)


def answer_all(client: Client, attempt: Attempt, *, wrong: set[int] = frozenset(), **extra) -> None:
    for entry in attempt.items.select_related("question").order_by("number"):
        data = wrong_answer(entry) if entry.number in wrong else right_answer(entry)
        response = client.post(question_url(attempt, entry.number), data, **extra)
        assert response.status_code in (200, 302), response.content.decode()[:500]
