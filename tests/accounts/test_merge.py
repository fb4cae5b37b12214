"""On log-in, what the visitor did in this browser moves to their account: none
lost, none twice, into an account that already has some."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts import services
from accounts.models import INTERVALS, LessonRead, ReviewItem
from lessons.models import Lesson
from quiz import services as quiz_services
from quiz.models import Attempt, Question, Quiz
from quiz.visitors import Owner
from tests.accounts.conftest import PASSWORD, answer_all, confirmation_link, log_in, make_learner
from tests.quiz.conftest import start
from tests.visitors import visitor_of

pytestmark = pytest.mark.django_db


def record(user) -> dict:
    """Everything the account holds, in a comparable form."""
    return {
        "attempts": sorted(Attempt.objects.filter(user=user).values_list("pk", flat=True)),
        "read": sorted(LessonRead.objects.filter(user=user).values_list("lesson_id", flat=True)),
        "review": sorted(
            ReviewItem.objects.filter(user=user).values_list("question_id", flat=True)
        ),
    }


def read(client: Client, lesson: Lesson) -> None:
    assert client.post(f"/progress/read/{lesson.pk}/").status_code == 302


def test_signing_up_brings_the_half_done_quiz_to_the_new_account(client, margin_quiz):
    attempt = start(client)
    lesson = Lesson.objects.published().first()
    read(client, lesson)
    client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    client.post(confirmation_link("new@example.com"))  # confirms, and logs in
    attempt.refresh_from_db()
    assert attempt.user is not None and attempt.user.email == "new@example.com"
    assert record(attempt.user)["read"] == sorted([lesson.pk, margin_quiz.lesson_id])
    # On a fresh browser, the same account finds the attempt.
    laptop = Client()
    log_in(laptop, "new@example.com")
    assert laptop.get(attempt.get_question_url(1)).status_code == 200
    assert laptop.get("/quiz/").context["has_history"]


def test_a_merge_into_an_account_that_has_some_already_loses_nothing_and_doubles_nothing(
    margin_quiz, clock
):
    learner = make_learner()
    lessons = list(Lesson.objects.published()[:3])
    # On the laptop, logged in: lessons 1 and 2 read, an attempt with questions 2 and 3 wrong.
    laptop = Client()
    log_in(laptop, learner.email)
    read(laptop, lessons[0])
    read(laptop, lessons[1])
    answer_all(laptop, start(laptop), wrong={2, 3})
    laptop.get("/progress/")  # brings the review up to date
    # On the phone, not logged in: lessons 2 and 3 read, an attempt with 3 and 4 wrong.
    phone = Client()
    clock.forward(hours=2)
    read(phone, lessons[1])
    read(phone, lessons[2])
    answer_all(phone, start(phone), wrong={3, 4})
    phone.get("/progress/")
    unfinished = start(phone)
    before = record(learner)
    anonymous = sorted(
        Attempt.objects.filter(visitor=visitor_of(phone)).values_list("pk", flat=True)
    )
    log_in(phone, learner.email)
    after = record(learner)
    assert after["attempts"] == sorted(before["attempts"] + anonymous)
    assert after["read"] == sorted({lesson.pk for lesson in lessons} | {margin_quiz.lesson_id})
    questions = dict(margin_quiz.questions.values_list("position", "pk"))
    assert after["review"] == sorted(questions[n] for n in (2, 3, 4))
    assert not ReviewItem.objects.filter(user__isnull=True).exists()
    assert not LessonRead.objects.filter(user__isnull=True).exists()
    # Lesson 2 keeps the laptop's earlier time; question 3 its later miss.
    kept = LessonRead.objects.get(user=learner, lesson=lessons[1])
    assert kept.read_at < LessonRead.objects.get(user=learner, lesson=lessons[2]).read_at
    review_3 = ReviewItem.objects.get(user=learner, question_id=questions[3])
    assert review_3.missed_at > ReviewItem.objects.get(question_id=questions[2]).missed_at
    # Both devices now see the same record, the unfinished attempt included.
    assert phone.get(unfinished.get_question_url(1)).status_code == 200
    assert laptop.get(unfinished.get_question_url(1)).status_code == 200


def test_logging_in_again_moves_nothing_twice(client, learner, margin_quiz):
    start(client)
    read(client, Lesson.objects.published().first())
    log_in(client, learner.email)
    first = record(learner)
    client.post("/accounts/logout/")
    log_in(client, learner.email)
    assert record(learner) == first


def test_someone_else_logging_in_on_the_same_browser_takes_nothing_of_the_first(margin_quiz):
    first, second = make_learner("a@example.com"), make_learner("b@example.com")
    shared = Client()
    log_in(shared, first.email)
    start(shared)
    read(shared, Lesson.objects.published().first())
    # No log-out: Django starts a fresh session for another user.
    log_in(shared, second.email)
    assert record(second) == {"attempts": [], "read": [], "review": []}
    assert len(record(first)["attempts"]) == 1


def _item(question: Question, owner: Owner, **fields) -> ReviewItem:
    now = timezone.now()
    defaults = {"missed_at": now, "due_at": now + INTERVALS[0]}
    return ReviewItem.objects.create(
        question=question, visitor=owner.visitor, user_id=owner.user_id, **(defaults | fields)
    )


def test_two_reviews_of_one_question_become_one(learner, margin_quiz):
    """The one still under way wins; of two under way, the sooner date and the shorter run."""
    now = timezone.now()
    questions = list(margin_quiz.questions.order_by("position")[:3])
    mine, theirs = Owner(visitor="", user_id=learner.pk), Owner(visitor="t" * 32)
    # 1: done in the account, under way in the browser.
    _item(questions[0], mine, done_at=now, returns=2, right_in_a_row=2)
    _item(questions[0], theirs, due_at=now + timedelta(days=3), returns=1, right_in_a_row=1)
    # 2: under way in both.
    _item(questions[1], mine, due_at=now + timedelta(days=7), returns=2, right_in_a_row=1)
    _item(questions[1], theirs, due_at=now + timedelta(days=1), returns=0, right_in_a_row=0)
    # 3: under way in the account, done in the browser.
    _item(questions[2], mine, due_at=now + timedelta(days=3), returns=1, right_in_a_row=1)
    _item(questions[2], theirs, done_at=now, returns=2, right_in_a_row=2)
    services.learner_claim(visitor=theirs.visitor, user=learner)
    items = {item.question_id: item for item in ReviewItem.objects.all()}
    assert len(items) == 3 and ReviewItem.objects.count() == 3
    first, second, third = (items[question.pk] for question in questions)
    assert (first.is_done, first.due_at, first.right_in_a_row) == (
        False,
        now + timedelta(days=3),
        1,
    )
    assert (second.due_at, second.returns, second.right_in_a_row) == (
        now + timedelta(days=1),
        0,
        0,
    )
    assert (third.is_done, third.due_at) == (False, now + timedelta(days=3))
    assert {item.user_id for item in items.values()} == {learner.pk}


def test_a_pending_review_question_moves_with_its_review(client, learner, margin_quiz, clock):
    answer_all(client, start(client), wrong={2})
    clock.forward(days=1, hours=1)
    client.post("/progress/review/next/")
    pending = Attempt.objects.get(is_review=True)
    log_in(client, learner.email)
    item = ReviewItem.objects.get()
    assert (item.user, item.attempt) == (learner, pending)


def test_the_claim_needs_a_token_of_this_browser(learner, margin_quiz):
    owner = Owner(visitor="x" * 32)
    quiz_services.attempt_start(quiz=Quiz.objects.get(pk=margin_quiz.pk), owner=owner)
    services.learner_claim(visitor="", user=learner)
    assert record(learner)["attempts"] == []
