"""Reads: quizzes with the visitor's best score, attempts and their questions."""

from dataclasses import dataclass

from django.db.models import (
    Count,
    OuterRef,
    PositiveSmallIntegerField,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.urls import reverse

from lessons.models import Lesson
from quiz.models import Attempt, AttemptQuestion, Choice, Question, Quiz, Response
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


@dataclass(frozen=True, slots=True)
class LessonQuiz:
    """What a lesson page shows of its quiz."""

    slug: str
    question_count: int
    best_score: int | None

    def get_absolute_url(self) -> str:
        return reverse("quiz:detail", kwargs={"slug": self.slug})


def with_quiz(lessons: QuerySet[Lesson], *, owner: Owner | None) -> QuerySet[Lesson]:
    """Lessons with their published quiz and the visitor's best score, in the same query."""
    quiz = Quiz.objects.published().filter(lesson=OuterRef("pk")).order_by("pk")
    questions = (
        Question.objects.filter(quiz=OuterRef("quiz_id"))
        .values("quiz")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return lessons.annotate(
        quiz_id=Subquery(quiz.values("pk")[:1]),
        quiz_slug=Subquery(quiz.values("slug")[:1]),
        quiz_question_count=Subquery(questions[:1], output_field=PositiveSmallIntegerField()),
        quiz_best_score=_best_score(owner, quiz="quiz_id"),
    )


def lesson_quiz(lesson: Lesson) -> LessonQuiz | None:
    """The quiz of a lesson fetched through `with_quiz`; None if it has none published."""
    if lesson.quiz_slug is None:
        return None
    return LessonQuiz(
        slug=lesson.quiz_slug,
        question_count=lesson.quiz_question_count or 0,
        best_score=lesson.quiz_best_score,
    )


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
    return Attempt.objects.owned_by(owner).select_related("quiz", "retry_of")
