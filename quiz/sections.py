"""The quiz's block on its lesson's page, registered with lessons.registry.

The lessons app shows it without importing the quiz: it asks each registered
section whether a visitor sees something of their own (then the page is not
served from the shared cache) and for its HTML.
"""

from django.http import HttpRequest
from django.template.loader import render_to_string

from lessons.models import Lesson
from quiz.selectors import best_scores, quiz_for_lesson
from quiz.visitors import owner_from_request


class LessonQuizSection:
    """ "Test your understanding": the question count, the visitor's best score, the way in."""

    def is_personal(self, request: HttpRequest) -> bool:
        # Someone who has started a quiz may have a best score to see.
        return owner_from_request(request) is not None

    def render(self, *, request: HttpRequest, lesson: Lesson) -> str:
        quiz = quiz_for_lesson(lesson=lesson, owner=owner_from_request(request))
        if quiz is None:
            return ""
        return render_to_string("quiz/_lesson_quiz.html", {"quiz": quiz}, request=request)

    def marks(self, *, request: HttpRequest) -> dict[int, str]:
        owner = owner_from_request(request)
        if owner is None:
            return {}
        return {
            lesson_id: f"Your best quiz score: {score}%"
            for lesson_id, score in best_scores(owner=owner).items()
        }
