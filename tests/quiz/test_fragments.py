"""The verdict on a choice question, kept rendered (quiz.feedback, quiz/question.html)."""

import re

from django.core.cache import caches
from django.test import Client

from quiz.models import Question
from tests.quiz.conftest import item, question_url, right_answer, start, wrong_answer

HTMX = {"HTTP_HX_REQUEST": "true"}


def first_of_kind(attempt, kind: str):
    return next(
        entry
        for entry in attempt.items.select_related("question").order_by("number")
        if entry.question.kind == kind
    )


def answered(client: Client, attempt, entry, data: dict) -> str:
    html = client.post(question_url(attempt, entry.number), data, **HTMX).content.decode()
    # What differs between attempts: their addresses.
    return re.sub(r"/quiz/attempts/\d+/", "/quiz/attempts/N/", html)


def test_the_same_choice_reads_the_same_kept_or_rendered(margin_quiz):
    fragments = caches["fragments"]
    first, second = Client(), Client()
    one, two = start(first), start(second)
    entry = first_of_kind(one, Question.Kind.SINGLE)
    other = item(two, entry.number)
    rendered = answered(first, one, entry, right_answer(entry))
    kept = fragments._cache.copy()
    assert len(kept) == 2  # the locked question and the verdict
    assert answered(second, two, other, right_answer(other)) == rendered
    assert fragments._cache.keys() == kept.keys()  # read, not made again
    third_client = Client()
    third = start(third_client)
    wrong = answered(third_client, third, item(third, entry.number), wrong_answer(entry))
    assert "Not quite" in wrong and len(fragments._cache) == 4  # another choice, its own


def test_another_choice_gets_its_own_verdict(margin_quiz):
    first, second = Client(), Client()
    one, two = start(first), start(second)
    entry = first_of_kind(one, Question.Kind.SINGLE)
    assert "Correct" in answered(first, one, entry, right_answer(entry))
    other = item(two, entry.number)
    html = answered(second, two, other, wrong_answer(other))
    assert "Not quite" in html and "Correct</h2>" not in html


def test_a_content_edit_shows_at_once(margin_quiz):
    one, two = start(client_one := Client()), start(client_two := Client())
    entry = first_of_kind(one, Question.Kind.SINGLE)
    answered(client_one, one, entry, right_answer(entry))
    question = entry.question
    question.explanation = "Edited in the admin."
    question.save()
    other = item(two, entry.number)
    assert "Edited in the admin." in answered(client_two, two, other, right_answer(other))


def test_a_numeric_answer_is_never_kept(margin_quiz, client):
    attempt = start(client)
    entry = first_of_kind(attempt, Question.Kind.NUMERIC)
    assert "Correct" in answered(client, attempt, entry, right_answer(entry))
    assert not caches["fragments"]._cache
