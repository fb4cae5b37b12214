"""No one reaches another learner's attempts, progress or review: each is tried."""

import html

import pytest
from django.test import Client

from accounts.models import LessonRead, ReviewItem
from lessons.models import Lesson
from quiz.models import Attempt, Quiz, Response
from tests.accounts.conftest import answer_all, log_in, make_learner
from tests.quiz.conftest import item, question_url, right_answer, start

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def snapshot() -> tuple:
    """Everything a learner could change."""
    return (
        list(Attempt.objects.order_by("pk").values_list("pk", "user", "finished_at", "correct")),
        list(Response.objects.order_by("pk").values_list("pk", "is_correct")),
        list(LessonRead.objects.order_by("pk").values_list("pk", "user", "lesson")),
        list(
            ReviewItem.objects.order_by("pk").values_list(
                "pk", "user", "due_at", "returns", "right_in_a_row", "attempt"
            )
        ),
    )


@pytest.fixture
def alice(db, margin_quiz, clock):
    """A learner with everything: an unfinished attempt, a finished one with two
    misses, a lesson read, and a review question asked and not yet answered."""
    user = make_learner("alice@example.com")
    client = Client()
    log_in(client, user.email)
    client.post(f"/progress/read/{Lesson.objects.published().first().pk}/")
    answer_all(client, start(client), wrong={2, 3})
    unfinished = start(client)
    clock.forward(days=1, hours=1)
    client.post("/progress/review/next/")
    client.user = user
    client.unfinished = unfinished
    client.review = Attempt.objects.get(user=user, is_review=True)
    return client


@pytest.fixture
def mallory(db):
    user = make_learner("mallory@example.com")
    client = Client()
    log_in(client, user.email)
    client.user = user
    return client


def test_another_account_cannot_see_or_answer_the_attempts(alice, mallory):
    before = snapshot()
    attempt = alice.unfinished
    for url in (
        question_url(attempt, 1),
        attempt.get_results_url(),
        attempt.get_resume_url(),
        f"/progress/review/{alice.review.pk}/",
        question_url(alice.review, 1),
    ):
        assert mallory.get(url).status_code == 404, url
    assert mallory.post(question_url(attempt, 1), right_answer(item(attempt, 1))).status_code == 404
    review_item = item(alice.review, 1)
    for url in (f"/progress/review/{alice.review.pk}/", question_url(alice.review, 1)):
        assert mallory.post(url, right_answer(review_item)).status_code == 404, url
    assert mallory.post(f"/quiz/attempts/{attempt.pk}/retry/").status_code == 404
    assert snapshot() == before


def test_another_account_sees_none_of_the_progress_or_review(alice, mallory):
    page = text(mallory.get("/progress/"))
    assert "Read</span>" not in page
    assert page.count("Not taken yet") == Quiz.objects.published().count()
    assert "No questions to review." in page
    assert "read-mark" not in text(mallory.get("/learn/"))
    assert "You have read this lesson." not in text(
        mallory.get(Lesson.objects.published().first().get_absolute_url())
    )
    assert list(mallory.get("/quiz/history/").context["attempts"]) == []


def test_another_accounts_review_never_asks_the_others_questions(alice, mallory):
    before = snapshot()
    response = mallory.post("/progress/review/next/")
    assert response["Location"] == "/progress/review/"
    assert snapshot() == before


def test_another_accounts_data_and_deletion_leave_the_others_alone(alice, mallory):
    data = mallory.get("/accounts/data/download/").json()
    assert data["account"]["email"] == "mallory@example.com"
    assert data["quiz_attempts"] == data["lessons_read"] == data["review"] == []
    before = snapshot()
    mallory.post("/accounts/reauthenticate/", {"password": "a-long-pass-phrase-42"})
    assert mallory.post("/accounts/data/delete/", {"confirm": "on"}).status_code == 302
    assert snapshot() == before


def test_marking_a_lesson_read_marks_it_for_oneself_only(alice, mallory):
    lesson = Lesson.objects.published().first()
    mallory.post(f"/progress/read/{lesson.pk}/")
    assert LessonRead.objects.filter(lesson=lesson).count() == 2
    assert set(LessonRead.objects.values_list("user", flat=True)) == {
        alice.user.pk,
        mallory.user.pk,
    }


def test_a_visitor_without_the_session_reaches_nothing(alice):
    stranger = Client()
    for url in (question_url(alice.unfinished, 1), f"/progress/review/{alice.review.pk}/"):
        assert stranger.get(url).status_code == 404
    assert stranger.get("/accounts/data/download/").json()["quiz_attempts"] == []
    assert "No questions to review." in text(stranger.get("/progress/"))


def test_after_logging_out_the_browser_reaches_nothing_of_the_account(alice):
    alice.post("/accounts/logout/")
    assert alice.get(question_url(alice.unfinished, 1)).status_code == 404
    assert alice.get("/accounts/data/download/").json()["quiz_attempts"] == []
    assert "Not read yet" in text(alice.get("/progress/"))
    # Nothing done now, logged out, reaches the account either.
    before = ReviewItem.objects.filter(user=alice.user).count()
    answer_all(alice, start(alice), wrong={5})
    alice.get("/progress/")
    assert ReviewItem.objects.filter(user=alice.user).count() == before
