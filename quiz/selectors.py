"""Reads: quizzes with the visitor's best score, attempts and their questions."""

from django.db.models import (
    Count,
    OuterRef,
    PositiveSmallIntegerField,
    Prefetch,
    Subquery,
    Value,
    prefetch_related_objects,
)

from lessons.models import Lesson
from quiz.models import Attempt, AttemptQuestion, Choice, Quiz, Response
from quiz.visitors import Owner


def _best_score(owner: Owner | None, *, quiz: str = "pk"):
    """The visitor's best whole-quiz percentage for the quiz at OuterRef(quiz)."""
    if owner is None:
        return Value(None, output_field=PositiveSmallIntegerField())
    best = (
        Attempt.objects.owned_by(owner)
        .full()
        .finished()
        .filter(quiz=OuterRef(quiz))
        .order_by("-percent")
        .values("percent")[:1]
    )
    return Subquery(best, output_field=PositiveSmallIntegerField())


def quiz_list(*, owner: Owner | None):
    """Published quizzes with question_count and best_score (None if never finished)."""
    return (
        Quiz.objects.published()
        .select_related("lesson__level")
        .annotate(question_count=Count("questions"), best_score=_best_score(owner))
    )


def best_scores(*, owner: Owner) -> dict[int, int]:
    """The visitor's best whole-quiz percentage by lesson id, for quizzes they finished."""
    rows = quiz_list(owner=owner).values_list("lesson_id", "best_score")
    return {lesson_id: score for lesson_id, score in rows if score is not None}


def quiz_for_lesson(*, lesson: Lesson, owner: Owner | None) -> Quiz | None:
    """The lesson's published quiz with question_count and best_score, in one query."""
    return quiz_list(owner=owner).filter(lesson=lesson).order_by("pk").first()


def unfinished_attempt(*, quiz: Quiz, owner: Owner | None) -> Attempt | None:
    """The latest attempt at the whole quiz that the visitor left unfinished."""
    return (
        Attempt.objects.owned_by(owner)
        .full()
        .filter(quiz=quiz, finished_at__isnull=True)
        .order_by("-started_at", "-pk")
        .first()
    )


def owned_attempt(*, attempt_id: int, owner: Owner | None) -> Attempt | None:
    return (
        Attempt.objects.owned_by(owner)
        .select_related("quiz__lesson__level")
        .filter(pk=attempt_id)
        .first()
    )


def _chosen(lookup: str) -> Prefetch:
    # Only which choices were picked matters, and Choice's default ordering joins four tables.
    return Prefetch(lookup, queryset=Choice.objects.order_by())


def _items(attempt: Attempt):
    return (
        AttemptQuestion.objects.filter(attempt=attempt)
        .select_related("question", "response")
        .prefetch_related(
            Prefetch("question__choices", queryset=Choice.objects.order_by("position")),
            _chosen("response__choices"),
        )
        .order_by("number")
    )


def load_chosen(response: Response) -> None:
    """Fetch the choices of a response just recorded, as `_items` would have."""
    prefetch_related_objects([response], _chosen("choices"))


def attempt_item(*, attempt: Attempt, number: int) -> AttemptQuestion | None:
    """One question of the attempt, with its choices and any response."""
    item = _items(attempt).filter(number=number).first()
    if item is not None:
        item.attempt = attempt
    return item


def attempt_items(*, attempt: Attempt) -> list[AttemptQuestion]:
    items = list(_items(attempt))
    for item in items:
        item.attempt = attempt
    return items


def unanswered_numbers(*, attempt: Attempt) -> list[int]:
    return list(
        attempt.items.filter(response__isnull=True)
        .order_by("number")
        .values_list("number", flat=True)
    )


def next_number(*, attempt: Attempt, after: int = 0) -> int | None:
    """The next unanswered question after `after`, wrapping round; None when all are done."""
    numbers = unanswered_numbers(attempt=attempt)
    return next((n for n in numbers if n > after), numbers[0] if numbers else None)


def attempt_history(*, owner: Owner | None):
    """The visitor's attempts at quizzes and retries; reviews are the review page's."""
    attempts = Attempt.objects.owned_by(owner).filter(is_review=False)
    return attempts.select_related("quiz", "retry_of")
