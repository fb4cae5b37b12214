"""The answer's fast path: the question's content from the cache, the item read in one
statement, the attempt's answer count kept by the write."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client

from quiz import selectors, services
from quiz.forms import AnswerForm
from quiz.models import Attempt, Question, Response
from quiz.visitors import Owner
from tests.quiz.conftest import answer_all, item, question_url, right_answer, start, wrong_answer

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_an_edit_to_a_question_reaches_the_next_answer(client, margin_quiz):
    attempt = start(client)
    entry = item(attempt, 1)
    client.get(question_url(attempt, 1))  # puts the question's content in the cache
    question = Question.objects.get(pk=entry.question_id)
    question.explanation = "An explanation edited in the admin."
    question.save()
    page = client.post(question_url(attempt, 1), right_answer(entry), **HTMX).content.decode()
    assert "An explanation edited in the admin." in page


def test_an_edit_to_the_right_choice_grades_the_next_answer(client, margin_quiz):
    attempt = start(client)
    entry = item(attempt, 1)
    client.get(question_url(attempt, 1))
    was_right = entry.question.choices.get(is_correct=True)
    now_right = entry.question.choices.filter(is_correct=False).first()
    was_right.is_correct, now_right.is_correct = False, True
    was_right.save()
    now_right.save()
    client.post(question_url(attempt, 1), {"answer": str(now_right.pk)}, **HTMX)
    assert Response.objects.get(item=entry).is_correct


def test_the_answer_count_follows_every_answer_and_a_refusal_leaves_it(client, margin_quiz):
    attempt = start(client)
    answer_all(client, attempt, wrong={2})
    attempt.refresh_from_db()
    assert (attempt.answered, attempt.total, attempt.correct) == (10, 10, 9)
    client.post(question_url(attempt, 3), right_answer(item(attempt, 3)))
    attempt.refresh_from_db()
    assert attempt.answered == 10


def test_next_question_skips_answered_ones_and_wraps_round(client, margin_quiz):
    attempt = start(client)
    for number in (3, 4):
        client.post(question_url(attempt, number), wrong_answer(item(attempt, number)))
    page = client.post(question_url(attempt, 2), right_answer(item(attempt, 2)), **HTMX)
    assert f'href="{question_url(attempt, 5)}">Next question</a>' in page.content.decode()
    for number in range(5, 11):
        client.post(question_url(attempt, number), right_answer(item(attempt, number)))
    page = client.post(question_url(attempt, 1), right_answer(item(attempt, 1)), **HTMX)
    assert f'href="{attempt.get_results_url()}">See your results</a>' in page.content.decode()


def test_a_logged_in_user_answers_their_attempt_from_a_new_session(margin_quiz):
    user = get_user_model().objects.create_user("ada", password="x-long-password")
    first = Client()
    first.force_login(user)
    attempt = start(first)
    second = Client()
    second.force_login(user)  # no visitor token in this session: the user owns it
    response = second.post(question_url(attempt, 1), right_answer(item(attempt, 1)), **HTMX)
    assert response.status_code == 200
    assert Response.objects.filter(item__attempt=attempt).count() == 1


def test_a_visitor_without_a_token_owns_no_attempt_of_a_user_without_one(margin_quiz):
    user = get_user_model().objects.create_user("ada", password="x-long-password")
    attempt = services.attempt_start(quiz=margin_quiz, owner=Owner(visitor="", user_id=user.pk))
    other = get_user_model().objects.create_user("bob", password="x-long-password")
    target = selectors.answer_target(
        attempt_id=attempt.pk, number=1, owner=Owner(visitor="", user_id=other.pk)
    )
    assert target is None


def test_attempts_started_before_the_count_get_their_answers_counted(margin_quiz):
    owner = Owner(visitor="v")
    attempt = services.attempt_start(quiz=margin_quiz, owner=owner)
    for number in (1, 2, 3):
        entry = item(attempt, number)
        choice = entry.question.choices.first()
        answer = (
            services.Answer(number=entry.solution.answer, text="x")
            if entry.question.is_numeric
            else services.Answer(choice_ids=(choice.pk,))
        )
        services.answer_submit(item=entry, answer=answer)
    untouched = services.attempt_start(quiz=margin_quiz, owner=owner)
    Attempt.objects.update(answered=0)
    migration = importlib.import_module("quiz.migrations.0005_attempt_answered")
    migration.count_answers(apps, schema_editor=None)
    assert Attempt.objects.get(pk=attempt.pk).answered == 3
    assert Attempt.objects.get(pk=untouched.pk).answered == 0


def test_answers_read_before_the_others_were_counted_still_finish_the_attempt(margin_quiz):
    """Each item read with its attempt as it stood before any answer (as ten requests
    in flight at once would): the one that turns out to be last still scores it."""
    owner = Owner(visitor="v")
    attempt = services.attempt_start(quiz=margin_quiz, owner=owner)
    targets = [
        selectors.answer_target(attempt_id=attempt.pk, number=number, owner=owner)
        for number in range(1, attempt.total + 1)
    ]
    for target in targets:
        entry = target.item
        assert entry.attempt.answered == 0  # stale for all but the first
        services.answer_submit(item=entry, answer=_right(entry))
    attempt.refresh_from_db()
    assert attempt.is_finished
    assert (attempt.answered, attempt.correct, attempt.percent) == (10, 10, 100)
    assert Response.objects.filter(item__attempt=attempt).count() == 10


def test_finishing_stores_the_score_rounded_half_up(margin_quiz):
    """The score as stored, read back: 3 right of 8 is 37.5%, kept as 38 and a fail."""
    owner = Owner(visitor="v")
    attempt = services.attempt_start(quiz=margin_quiz, owner=owner)
    for number in (1, 2, 3):
        entry = selectors.answer_target(attempt_id=attempt.pk, number=number, owner=owner).item
        services.answer_submit(item=entry, answer=_right(entry))
    attempt.refresh_from_db()
    attempt.total = 8  # as if the quiz had eight questions
    services.attempt_finish(attempt=attempt)
    stored = Attempt.objects.get(pk=attempt.pk)
    assert (stored.correct, stored.percent, stored.passed) == (3, 38, False)
    assert stored.finished_at == attempt.finished_at


def _right(entry) -> services.Answer:
    """The right answer, as the form reads it from the post a learner would send."""
    form = AnswerForm(right_answer(entry), item=entry)
    assert form.is_valid(), form.errors
    return form.answer()
