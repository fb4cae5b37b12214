"""The learner's progress on lesson pages and the Learn page, registered with
lessons.registry: "Mark as read" at the end of each lesson, "Read" beside lessons."""

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html

from accounts import icons
from accounts.selectors import lesson_is_read, read_lesson_ids
from lessons.models import Lesson
from quiz.visitors import owner_from_request

READ_MARK = format_html('<span class="read-mark">{} Read</span>', icons.READ)


class LessonProgressSection:
    """A plain form that marks the lesson read when the learner presses its button
    (nothing marks it by itself), a link to that form on the shared page, or the
    words saying it is read."""

    def is_personal(self, request: HttpRequest) -> bool:
        # Someone with a session record may have read this lesson.
        return owner_from_request(request) is not None

    def render(self, *, request: HttpRequest, lesson: Lesson) -> str:
        owner = owner_from_request(request)
        context = {
            "lesson": lesson,
            "read": lesson_is_read(lesson=lesson, owner=owner),
            # The shared page (no record yet) sets no cookie, so it has no form with a token.
            "personal": owner is not None,
            "read_url": reverse("progress:read", kwargs={"lesson_id": lesson.pk}),
        }
        return render_to_string("accounts/_lesson_progress.html", context, request=request)

    def marks(self, *, request: HttpRequest) -> dict[int, str]:
        return dict.fromkeys(read_lesson_ids(owner=owner_from_request(request)), READ_MARK)
