"""Two editors on one lesson: a save from a form opened before the other's save is
refused with a message, and what was typed stays in the form (core/edit_conflicts.py)."""

import pytest

from quiz.models import Quiz
from tests.admin_pages import page_data

pytestmark = pytest.mark.django_db
STALE = "Someone else saved this"


def test_a_lesson_saved_by_someone_else_meanwhile_is_not_overwritten(admin_client, lesson_4):
    url = f"/admin/lessons/lesson/{lesson_4.pk}/change/"
    mine = page_data(admin_client.get(url))
    theirs = page_data(admin_client.get(url))
    theirs["title"] = "Their title"
    assert admin_client.post(url, theirs).status_code == 302

    mine["summary"] = "My summary, typed with care."
    response = admin_client.post(url, mine)
    assert response.status_code == 200
    html = response.content.decode()
    assert STALE in html
    assert "My summary, typed with care." in html  # nothing typed is lost
    lesson_4.refresh_from_db()
    assert lesson_4.title == "Their title"
    assert lesson_4.summary != "My summary, typed with care."

    # Saving the form as it came back is on purpose: it replaces their version.
    again = page_data(response)
    assert admin_client.post(url, again).status_code == 302
    lesson_4.refresh_from_db()
    assert lesson_4.summary == "My summary, typed with care."


def test_a_lesson_row_of_a_level_page_is_checked_too(admin_client, lesson_4):
    level_url = f"/admin/lessons/level/{lesson_4.level_id}/change/"
    mine = page_data(admin_client.get(level_url))
    theirs = page_data(admin_client.get(f"/admin/lessons/lesson/{lesson_4.pk}/change/"))
    theirs["title"] = "Their title"
    admin_client.post(f"/admin/lessons/lesson/{lesson_4.pk}/change/", theirs)

    row = next(k for k, v in mine.items() if k.endswith("-title") and v == lesson_4.title)
    mine[row] = "My title"
    response = admin_client.post(level_url, mine)
    assert response.status_code == 200
    assert STALE in response.content.decode()
    lesson_4.refresh_from_db()
    assert lesson_4.title == "Their title"


def test_a_quiz_saved_by_someone_else_meanwhile_is_not_overwritten(admin_client, lesson_4):
    quiz = Quiz.objects.get(lesson=lesson_4)
    url = f"/admin/quiz/quiz/{quiz.pk}/change/"
    before = admin_client.get(url)
    Quiz.objects.filter(pk=quiz.pk).update(pass_mark=70)  # someone else's save
    mine = page_data(before)
    assert mine["pass_mark"] != 70
    response = admin_client.post(url, {**mine, "title": "My title"})
    assert response.status_code == 200
    assert STALE in response.content.decode()
    quiz.refresh_from_db()
    assert quiz.pass_mark == 70 and quiz.title != "My title"
    assert admin_client.post(url, page_data(response)).status_code == 302
    quiz.refresh_from_db()
    assert quiz.title == "My title"
