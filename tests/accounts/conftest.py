"""Helpers for the accounts tests: learners with and without an account, and a clock to move."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

PASSWORD = "a-long-pass-phrase-42"


def make_learner(email: str = "learner@example.com", *, password: str = PASSWORD):
    """A user with a confirmed email address, as sign-up and confirmation leave them."""
    user = get_user_model().objects.create_user(
        username=email.split("@")[0], email=email, password=password
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def log_in(client: Client, email: str, password: str = PASSWORD):
    """Log in through allauth's form, as a learner does (so the visitor's record moves)."""
    response = client.post("/accounts/login/", {"login": email, "password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def confirmation_link(email: str) -> str:
    """The address of the link in the last email sent to `email`."""
    message = next(m for m in reversed(mail.outbox) if email in m.to)
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body).group(1)


class Clock:
    """accounts.clock.now, moved by the test."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self):
        return timezone.now() + self.offset

    def forward(self, **delta) -> None:
        self.offset += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    moved = Clock()
    monkeypatch.setattr("accounts.clock.now", moved)
    return moved


@pytest.fixture
def learner(db):
    return make_learner()


@pytest.fixture
def margin_quiz(db):
    from quiz.models import Quiz

    return Quiz.objects.get(slug="isolated-vs-cross-margin")


def wrong_answer(entry) -> dict:
    """A post that answers this question wrong; for a numeric one, a plain amount far off
    (never in exponent form, which the quiz rightly refuses as not a number)."""
    from quiz.models import Question
    from tests.quiz import conftest as quiz_helpers

    if entry.question.kind == Question.Kind.NUMERIC:
        return {"answer": str(int(abs(entry.solution.answer) * 3 + 777))}
    return quiz_helpers.wrong_answer(entry)


def answer_all(client: Client, attempt, *, wrong=frozenset(), **extra) -> None:
    """Answer every question of the attempt, those numbered in `wrong` wrongly."""
    from tests.quiz.conftest import question_url, right_answer

    for entry in attempt.items.select_related("question").order_by("number"):
        data = wrong_answer(entry) if entry.number in wrong else right_answer(entry)
        response = client.post(question_url(attempt, entry.number), data, **extra)
        assert response.status_code in (200, 302), response.content.decode()[:500]
        assert hasattr(type(entry).objects.get(pk=entry.pk), "response"), entry.number
