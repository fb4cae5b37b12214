import pytest
from django.core.management import call_command

from lessons.content import shipped_lessons
from lessons.models import Lesson


def test_every_shipped_lesson_has_its_header_and_a_body():
    lessons = shipped_lessons()
    assert [lesson.number for lesson in lessons] == [1, 2, 3, 4]
    for lesson in lessons:
        assert lesson.title and lesson.summary and lesson.slug
        assert lesson.body.lstrip().startswith("## ")


@pytest.mark.django_db
def test_load_lessons_restores_the_shipped_text(lesson_4):
    lesson_4.body = "Edited in the admin."
    lesson_4.save()
    call_command("load_lessons", stdout=None)
    lesson_4.refresh_from_db()
    assert "54,271" in lesson_4.body
    assert Lesson.objects.count() == 4
