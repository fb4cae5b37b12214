"""Your data: everything kept about a learner as JSON, and deleting it all."""

import html
import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client

from accounts.models import LessonRead, ReviewItem
from lessons.models import Lesson
from quiz.models import Attempt, AttemptQuestion, Response
from tests.accounts.conftest import PASSWORD, answer_all, log_in, make_learner
from tests.quiz.conftest import start

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def reauthenticate(client: Client) -> None:
    """Enter the password again, as deleting an account asks."""
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302, text(response)


def download(client: Client) -> dict:
    response = client.get("/accounts/data/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="margin-academy-data.json"'
    assert "no-store" in response["Cache-Control"]
    return json.loads(response.content)


def test_download_everything_as_json(client, learner, margin_quiz, clock):
    lesson = Lesson.objects.published().first()
    client.post(f"/progress/read/{lesson.pk}/")
    attempt = start(client)
    answer_all(client, attempt, wrong={2, 6})
    client.get("/progress/")
    log_in(client, learner.email)
    data = download(client)
    assert data["account"]["email"] == learner.email
    # The lesson read to its end, and the one whose quiz was taken.
    assert [read["lesson"] for read in data["lessons_read"]] == [
        lesson.title,
        margin_quiz.lesson.title,
    ]
    [quiz] = data["quiz_attempts"]
    assert (quiz["quiz"], quiz["kind"], quiz["correct"], quiz["total"]) == (
        margin_quiz.title,
        "quiz",
        8,
        10,
    )
    questions = quiz["questions"]
    assert [q["correct"] for q in questions] == [n not in {2, 6} for n in range(1, 11)]
    numeric = questions[5]
    assert numeric["figures"] and numeric["answer"] and numeric["right_answer"]
    assert isinstance(questions[0]["answer"], list)  # the choices' words
    assert sorted(item["question"] for item in data["review"]) == [2, 6]


def test_a_visitor_without_an_account_can_download_theirs_too(client, margin_quiz):
    assert download(client)["quiz_attempts"] == []
    start(client)
    data = download(client)
    assert data["account"] is None
    assert len(data["quiz_attempts"]) == 1


def test_delete_the_account_and_everything_tied_to_it(client, margin_quiz, clock):
    learner = make_learner()
    other = make_learner("other@example.com")
    other_client = Client()
    log_in(other_client, other.email)
    answer_all(other_client, start(other_client), wrong={2})
    other_client.get("/progress/")
    # Before logging in, in this browser; then logged in, on two devices.
    answer_all(client, start(client), wrong={3})
    client.post(f"/progress/read/{Lesson.objects.published().first().pk}/")
    log_in(client, learner.email)
    client.get("/progress/")
    phone = Client()
    log_in(phone, learner.email)
    start(phone)
    assert Attempt.objects.filter(user=learner).count() == 2
    theirs = (
        Attempt.objects.filter(user=other).count(),
        ReviewItem.objects.filter(user=other).count(),
        LessonRead.objects.filter(user=other).count(),
    )

    reauthenticate(client)
    page = text(client.get("/accounts/data/delete/"))
    assert "Delete your account" in page
    response = client.post("/accounts/data/delete/", {})
    assert response.status_code == 422
    assert "Tick the box to confirm that you want everything deleted" in text(response)
    assert get_user_model().objects.filter(pk=learner.pk).exists()

    response = client.post("/accounts/data/delete/", {"confirm": "on"})
    assert response["Location"] == "/accounts/data/deleted/"
    assert not get_user_model().objects.filter(pk=learner.pk).exists()
    assert not EmailAddress.objects.filter(email=learner.email).exists()
    assert Attempt.objects.filter(user=other).count() == theirs[0]
    assert ReviewItem.objects.filter(user=other).count() == theirs[1]
    # Nothing of theirs is left anywhere, under the account or the browser's token.
    assert Attempt.objects.count() == theirs[0]
    assert AttemptQuestion.objects.exclude(attempt__user=other).count() == 0
    assert Response.objects.exclude(item__attempt__user=other).count() == 0
    assert LessonRead.objects.count() == theirs[2]
    assert ReviewItem.objects.count() == theirs[1]
    # Logged out here, and the other device's session finds nothing either.
    assert "Kept in this browser only" in text(client.get("/progress/"))
    assert "Kept in this browser only" in text(phone.get("/progress/"))
    assert not Client().login(username=learner.username, password=PASSWORD)


def test_deleting_an_account_asks_for_its_password_first(client, learner):
    log_in(client, learner.email)
    response = client.get("/accounts/data/delete/")
    assert response["Location"] == "/accounts/reauthenticate/?next=%2Faccounts%2Fdata%2Fdelete%2F"
    page = text(client.post(response["Location"], {"password": "not-it"}))
    assert "<title>Error: Confirm it is you" in page
    assert get_user_model().objects.filter(pk=learner.pk).exists()
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response["Location"] == "/accounts/data/delete/"
    assert "Yes, delete my account" in text(client.get(response["Location"]))
    assert get_user_model().objects.filter(pk=learner.pk).exists()


def test_a_visitor_without_an_account_can_delete_this_browsers_record(client, margin_quiz):
    other = Client()
    start(other)
    answer_all(client, start(client), wrong={2})
    client.post(f"/progress/read/{Lesson.objects.published().first().pk}/")
    client.get("/progress/")
    assert "Delete this browser" in text(client.get("/accounts/data/delete/"))
    response = client.post("/accounts/data/delete/", {"confirm": "on"})
    assert response["Location"] == "/accounts/data/deleted/"
    # Only the other visitor's record is left.
    assert Attempt.objects.count() == 1
    assert LessonRead.objects.count() == 1
    assert not ReviewItem.objects.exists()


def test_the_data_pages_render(client, learner):
    assert "Download your data (JSON)" in text(client.get("/accounts/data/"))
    log_in(client, learner.email)
    page = text(client.get("/accounts/data/"))
    assert "Delete your account" in page
    assert "Everything is deleted" in text(client.get("/accounts/data/deleted/"))
    assert client.post("/accounts/data/download/").status_code == 405
