"""The learner's progress on lesson pages and the Learn page, registered with
lessons.registry: "Mark as read" at the end of each lesson, "Read" beside lessons."""

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.html import format_html

from accounts import icons
from accounts.selectors import lesson_is_read, read_lesson_ids
from lessons.models import Lesson
from quiz.visitors import owner_from_request

READ_MARK = format_html('<span class="read-mark">{} Read</span>', icons.READ)


class LessonProgressSection:
    """A plain form that marks the lesson read (htmx posts it when the reader reaches
    it), or the words saying it is read."""

    def is_personal(self, request: HttpRequest) -> bool:
        # Someone with a session record may have read this lesson.
        return owner_from_request(request) is not None

    def render(self, *, request: HttpRequest, lesson: Lesson, csrf_token: str) -> str:
        read = lesson_is_read(lesson=lesson, owner=owner_from_request(request))
        return render_to_string(
            "accounts/_lesson_progress.html",
            {"lesson": lesson, "read": read, "csrf_token": csrf_token},
            request=request,
        )

    def marks(self, *, request: HttpRequest) -> dict[int, str]:
        return dict.fromkeys(read_lesson_ids(owner=owner_from_request(request)), READ_MARK)
