"""Reads: quizzes with the visitor's best score, attempts and their questions."""

import time
from dataclasses import dataclass
from functools import lru_cache, partial

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Count,
    OuterRef,
    PositiveSmallIntegerField,
    Prefetch,
    Q,
    Subquery,
    Value,
)

from core import rows
from core.page_cache import PAGE_CACHE_SECONDS, content_version
from lessons.models import Lesson
from quiz.models import Attempt, AttemptQuestion, Choice, Question, Quiz, Response, lesson_sections
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
        .annotate(
            question_count=Count("questions", filter=Q(questions__is_retired=False)),
            best_score=_best_score(owner),
        )
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


def _items(**filters):
    return (
        AttemptQuestion.objects.filter(**filters)
        .select_related("question", "response")
        .prefetch_related(
            Prefetch("question__choices", queryset=Choice.objects.order_by("position")),
            _chosen("response__choices"),
        )
        .order_by("number")
    )


def owned_item(*, attempt_id: int, number: int, owner: Owner | None) -> AttemptQuestion | None:
    """One question of the visitor's attempt with the attempt (and its quiz), any
    response and its choices, and the question from `question_content`."""
    if owner is None:
        return None
    item = (
        AttemptQuestion.objects.filter(owner.filter(prefix="attempt__"))
        .filter(attempt_id=attempt_id, number=number)
        .select_related("attempt", "response")
        .prefetch_related(_chosen("response__choices"))
        .first()
    )
    if item is not None:
        content = question_content(item.question_id)
        item.question = content.question
        item.attempt.quiz = content.question.quiz
    return item


@dataclass(frozen=True, slots=True)
class QuestionContent:
    """A question as every attempt shares it: with its choices (in order), its quiz,
    the quiz's lesson and level, and the lesson's sections (heading id to title)."""

    question: Question
    sections: dict[str, str]


# This process's copies of the cached question contents: key -> (content, until).
_held: dict[str, tuple[QuestionContent, float]] = {}


HELD_AT_MOST = 1000  # entries a process keeps (the academy has about 100 questions)
HELD_SECONDS = 5


def question_content(question_id: int) -> QuestionContent:
    """From the cache while the content is unchanged (two queries to fill it): saving
    content moves the content version on, at once for every process sharing the cache;
    a process with a cache of its own catches up within PAGE_CACHE_SECONDS, as pages do.

    Each process also holds what it read for a few seconds: unpickling the entry on
    every quiz answer cost half as much as the answer's SQL. The copy is shared by
    the requests of the process, so it is only ever read.
    """
    key = f"quiz-question:{content_version()}:{question_id}"
    held = _held.get(key)
    now = time.monotonic()
    if held is not None and held[1] > now:
        return held[0]
    content = cache.get_or_set(key, partial(_question_content, question_id), PAGE_CACHE_SECONDS)
    if len(_held) > HELD_AT_MOST:  # old versions' keys, never read again
        _held.clear()
    _held[key] = (content, now + HELD_SECONDS)
    return content


def _question_content(question_id: int) -> QuestionContent:
    question = (
        Question.objects.select_related("quiz__lesson__level")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("position")))
        .get(pk=question_id)
    )
    lesson = question.quiz.lesson
    sections = lesson_sections(lesson)
    del lesson.rendered  # kept apart, as sections: the whole page need not go in the entry
    return QuestionContent(question=question, sections=sections)


@dataclass(frozen=True, slots=True)
class AnswerTarget:
    """What recording an answer needs, read at once.

    `item` comes with its attempt and with its question from `question_content`;
    `answered` says whether it has an answer already, and `next_number` is the next
    question after it without one, wrapping round (None if it is the last open one),
    both as they stood before this answer.
    """

    item: AttemptQuestion
    answered: bool
    next_number: int | None
    sections: dict[str, str]


def answer_target(*, attempt_id: int, number: int, owner: Owner | None) -> AnswerTarget | None:
    """The visitor's question to answer, in one statement; None if it is not theirs.

    The answer is the site's most frequent write, and through the ORM the queries
    alone took most of its time (building them, not running them), so this reads
    with one statement of plain SQL (SQLite and PostgreSQL alike) and builds the
    instances as the ORM would (core.rows).
    """
    if owner is None:
        return None
    owned, owned_params = owner.where("a")
    sql = _answer_target_sql(owned)
    with connection.cursor() as cursor:
        cursor.execute(sql, [attempt_id, number, *owned_params])
        row = cursor.fetchone()
    if row is None:
        return None
    split = rows.width(AttemptQuestion)
    rest = split + rows.width(Attempt)
    item = rows.from_row(AttemptQuestion, row[:split])
    attempt = rows.from_row(Attempt, row[split:rest])
    answered, next_after, next_before = row[rest:]
    content = question_content(item.question_id)
    item.question = content.question
    attempt.quiz = content.question.quiz
    item.attempt = attempt
    return AnswerTarget(
        item=item,
        answered=bool(answered),
        next_number=next_after if next_after is not None else next_before,
        sections=content.sections,
    )


@lru_cache(maxsize=8)
def _answer_target_sql(owned: str) -> str:
    """The statement for one owner condition (a handful of shapes): built once."""
    quote = connection.ops.quote_name
    items = quote(AttemptQuestion._meta.db_table)
    responses = quote(Response._meta.db_table)
    # Table names from the models, values as parameters.
    unanswered = (
        f"SELECT MIN(o.number) FROM {items} o WHERE o.attempt_id = i.attempt_id "  # noqa: S608
        f"AND NOT EXISTS (SELECT 1 FROM {responses} r WHERE r.item_id = o.id)"
    )
    return (
        f"SELECT {rows.columns(AttemptQuestion, 'i')}, {rows.columns(Attempt, 'a')}, "  # noqa: S608
        f"EXISTS (SELECT 1 FROM {responses} r WHERE r.item_id = i.id), "
        f"({unanswered} AND o.number > i.number), ({unanswered} AND o.number <> i.number) "
        f"FROM {items} i JOIN {quote(Attempt._meta.db_table)} a ON a.id = i.attempt_id "
        f"WHERE i.attempt_id = %s AND i.number = %s AND {owned}"
    )


def attempt_items(*, attempt: Attempt) -> list[AttemptQuestion]:
    items = list(_items(attempt=attempt))
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
    if attempt.is_finished:
        return None
    numbers = unanswered_numbers(attempt=attempt)
    return next((n for n in numbers if n > after), numbers[0] if numbers else None)


def attempt_history(*, owner: Owner | None):
    """The visitor's attempts at quizzes and retries; reviews are the review page's, and
    checks answered in lessons are the lessons'."""
    attempts = Attempt.objects.owned_by(owner).filter(is_review=False, is_check=False)
    return attempts.select_related("quiz", "retry_of")
