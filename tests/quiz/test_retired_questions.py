"""A question taken out of a quiz file is retired, never deleted: the attempts that
asked it keep it, answered or not, can still be finished, and read whole."""

import re

import pytest
from django.db.models import RestrictedError

from core.content import load_content
from quiz.models import Attempt, Question, Response
from tests.quiz.conftest import answer_all, question_url, right_answer, start, wrong_answer
from tests.quiz.test_admin import change_page_data
from tests.quiz.test_content_files import read, write

pytestmark = pytest.mark.django_db

REMOVED = 3  # a question in the middle: the ones after it move up


def rows_of(html: str) -> int:
    return len(re.findall(r'<li class="quiz-review-item', html))


def answer(client, attempt: Attempt, number: int, *, right: bool = True) -> None:
    entry = attempt.items.select_related("question").get(number=number)
    data = right_answer(entry) if right else wrong_answer(entry)
    response = client.post(question_url(attempt, number), data)
    assert response.status_code == 302, response.content.decode()[:300]


def results(client, attempt: Attempt) -> str:
    response = client.get(f"/quiz/attempts/{attempt.pk}/results/")
    assert response.status_code == 200, response.get("Location")
    return response.content.decode()


def without_question(content, number: int) -> dict:
    data = read(content)
    removed = data["questions"].pop(number - 1)
    write(content, data)
    return removed


def test_removing_a_question_keeps_every_answer_and_both_attempts_can_be_read(
    client, content, margin_quiz
):
    total = margin_quiz.questions.count()
    full = start(client)
    answer_all(client, full, wrong={REMOVED})
    partly = start(client)
    for number in (1, 2, 5):
        answer(client, partly, number)
    removed = partly.items.get(number=REMOVED).question
    later = partly.items.get(number=REMOVED + 1).question

    without_question(content, REMOVED)
    load_content(content)

    removed.refresh_from_db()
    assert removed.is_retired
    later.refresh_from_db()
    assert later.position == REMOVED and not later.is_retired  # moved up, the same question
    assert margin_quiz.questions.live().count() == total - 1
    assert Response.objects.filter(item__attempt=full).count() == total

    # The unfinished attempt still asks the retired question, as it was, and finishes.
    page = client.get(question_url(partly, REMOVED))
    assert page.status_code == 200
    assert removed.prompt.split("{")[0][:40] in page.content.decode()
    detail = client.get("/quiz/isolated-vs-cross-margin/")
    assert detail.status_code == 200
    assert f"You stopped after 3 of {total} questions" in detail.content.decode()
    for number in range(1, total + 1):
        if number not in (1, 2, 5):
            answer(client, partly, number)
    partly.refresh_from_db()
    assert partly.is_finished
    assert (partly.correct, partly.total) == (total, total)

    for attempt, correct in ((full, total - 1), (partly, total)):
        html = results(client, attempt)
        assert rows_of(html) == total
        assert f"{correct} out of {total}" in html

    # A new attempt asks only the questions the file has; a retry skips the retired one.
    fresh = start(client)
    assert fresh.total == total - 1
    assert removed.pk not in fresh.items.values_list("question_id", flat=True)
    refused = client.post(f"/quiz/attempts/{full.pk}/retry/")
    assert refused.status_code == 409
    assert "taken out of the quiz" in refused.content.decode()


def test_putting_the_question_back_brings_the_same_question_back(client, content, margin_quiz):
    attempt = start(client)
    answer(client, attempt, REMOVED)
    original = read(content)
    removed = attempt.items.get(number=REMOVED).question
    without_question(content, REMOVED)
    load_content(content)
    write(content, original)
    load_content(content)
    removed.refresh_from_db()
    assert not removed.is_retired and removed.position == REMOVED
    assert margin_quiz.questions.count() == margin_quiz.questions.live().count()
    assert start(client).items.get(number=REMOVED).question_id == removed.pk
    assert client.get(question_url(attempt, REMOVED)).status_code == 200


def test_rewording_a_question_edits_it_in_place(content, margin_quiz):
    question = margin_quiz.questions.get(position=1)
    data = read(content)
    data["questions"][0]["prompt"] = "What is margin, in one word?"
    write(content, data)
    load_content(content)
    question.refresh_from_db()
    assert question.prompt == "What is margin, in one word?"
    assert not Question.objects.filter(is_retired=True).exists()


def test_a_change_an_answer_cannot_carry_makes_a_new_question(client, content, margin_quiz):
    """Dropping a choice that an answer picked would lose the answer: the old question
    is retired with it, and the file's becomes a new one."""
    attempt = start(client)
    entry = attempt.items.select_related("question").get(number=1)
    picked = entry.question.choices.order_by("-position").first()
    assert client.post(question_url(attempt, 1), {"answer": str(picked.pk)}).status_code == 302
    data = read(content)
    kept = data["questions"][0]["choices"][: picked.position - 1]
    for position, choice in enumerate(kept):
        choice["correct"] = position == 0
    data["questions"][0]["choices"] = kept
    write(content, data)
    load_content(content)
    old = Question.objects.get(pk=entry.question_id)
    assert old.is_retired and old.choices.filter(pk=picked.pk).exists()
    assert margin_quiz.questions.live().get(position=1).pk != old.pk
    html = client.get(question_url(attempt, 1)).content.decode()
    assert picked.text in html


def test_an_asked_question_cannot_be_deleted_but_its_quiz_can(client, margin_quiz):
    attempt = start(client)
    with pytest.raises(RestrictedError):
        attempt.items.get(number=1).question.delete()
    margin_quiz.lesson.quizzes.all().delete()
    assert not Attempt.objects.filter(pk=attempt.pk).exists()


def test_an_attempt_that_lost_a_question_before_this_fix_is_scored_on_the_rest(client, margin_quiz):
    """What the old loader left: an open attempt whose one open question was deleted."""
    attempt = start(client)
    last = attempt.total
    for number in range(1, last):
        answer(client, attempt, number)
    attempt.items.get(number=last).delete()
    detail = client.get("/quiz/isolated-vs-cross-margin/")
    assert detail.status_code == 200
    attempt.refresh_from_db()
    assert attempt.is_finished and attempt.total == last - 1
    assert rows_of(results(client, attempt)) == last - 1


def test_the_admin_says_why_an_asked_question_cannot_be_deleted(admin_client, margin_quiz):
    attempt = start(admin_client)
    question = attempt.items.get(number=1).question
    data = change_page_data(admin_client, margin_quiz)
    data["questions-0-DELETE"] = "on"
    response = admin_client.post(f"/admin/quiz/quiz/{margin_quiz.pk}/change/", data)
    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in (
        response.content.decode()
    )
    assert Question.objects.filter(pk=question.pk).exists()
    page = admin_client.get(f"/admin/quiz/question/{question.pk}/delete/")
    assert page.status_code == 200
    assert "would require deleting the following protected related objects" in (
        page.content.decode()
    )
