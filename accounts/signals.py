from django.http import HttpRequest

from accounts.services import learner_claim, lesson_mark_read
from quiz.models import Attempt
from quiz.visitors import Owner, visitor_from_request


def claim_on_log_in(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """On log-in (after sign-up and email confirmation too), what the visitor did in
    this browser moves to their account (the browser keeps its token)."""
    if request is None:
        return
    learner_claim(visitor=visitor_from_request(request) or "", user=user)


def read_on_quiz_start(sender, instance: Attempt, created: bool, **kwargs) -> None:
    """Taking a lesson's quiz counts as having read the lesson."""
    if not created or instance.is_review or instance.retry_of_id is not None:
        return
    lesson_mark_read(
        lesson=instance.quiz.lesson,
        owner=Owner(visitor=instance.visitor, user_id=instance.user_id),
        at=instance.started_at,
    )
