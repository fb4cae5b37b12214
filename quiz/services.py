"""Writes: starting attempts, recording graded answers, finishing attempts."""

import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import cache

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from quiz.grading import grade_choices, grade_numeric
from quiz.models import Attempt, AttemptQuestion, Question, Quiz, Response
from quiz.numeric import FigureSpecError
from quiz.visitors import Owner

STORED = Decimal("0.0001")


class Refused(Exception):
    """An answer or request the quiz will not take; nothing was changed."""


class NotInAttempt(Refused):
    def __init__(self) -> None:
        super().__init__("That question is not part of this attempt, so nothing was recorded.")


class AttemptFinished(Refused):
    def __init__(self) -> None:
        super().__init__(
            "This attempt is finished, so it takes no more answers. Nothing was changed."
        )


class AlreadyAnswered(Refused):
    def __init__(self) -> None:
        super().__init__(
            "You have already answered this question. Your first answer stands; "
            "nothing was changed."
        )


class ForeignChoice(Refused):
    def __init__(self) -> None:
        super().__init__(
            "That answer is not one of this question's options, so it was not recorded. "
            "Nothing was changed."
        )


class RepeatedChoice(Refused):
    def __init__(self) -> None:
        super().__init__(
            "That answer names the same option more than once, so it was not recorded. "
            "Nothing was changed."
        )


class QuestionUnusable(Refused):
    def __init__(self, number: int) -> None:
        super().__init__(
            f"Question {number} of this quiz could not draw its figures just now, so no "
            "attempt was started. Please try again; if it keeps happening, tell us."
        )


class NothingToRetry(Refused):
    def __init__(self) -> None:
        super().__init__("You got every question right, so there is nothing to retry.")


class MissedRetired(Refused):
    def __init__(self) -> None:
        super().__init__(
            "The questions you missed have since been taken out of the quiz, so there is "
            "nothing to retry. Nothing was changed."
        )


# Attempts one visitor may start at one quiz (retries included) within an hour: more
# than anyone learning needs, and a bound on the rows one visitor can make.
ATTEMPTS_PER_HOUR = 20


class TooManyAttempts(Refused):
    def __init__(self, minutes: int) -> None:
        wait = "a minute" if minutes <= 1 else f"{minutes} minutes"
        super().__init__(
            f"You have started {ATTEMPTS_PER_HOUR} attempts at this quiz in the last hour, "
            f"the most we allow. You can start another in {wait}; your attempts so far "
            "are all kept."
        )


@dataclass(frozen=True, slots=True)
class Answer:
    """What the learner sent, already parsed: choice ids, or a number and its text."""

    choice_ids: tuple[int, ...] = ()
    number: Decimal | None = None
    text: str = ""


def new_seed() -> int:
    return secrets.randbits(62)


@transaction.atomic
def attempt_start(
    *,
    quiz: Quiz,
    owner: Owner,
    questions: Sequence[Question] | None = None,
    retry_of: Attempt | None = None,
    is_review: bool = False,
    capped: bool = False,
) -> Attempt:
    """A new attempt at the quiz (or at some of its questions), with fresh figures.

    capped: a visitor's own start, refused past ATTEMPTS_PER_HOUR at the quiz.
    """
    if questions is None:
        questions = list(quiz.questions.live().order_by("position"))
    if not questions:
        raise Refused("This quiz has no questions yet.")
    if capped:
        _check_attempt_cap(quiz=quiz, owner=owner)
    attempt = Attempt.objects.create(
        quiz=quiz,
        visitor=owner.visitor,
        user_id=owner.user_id,
        retry_of=retry_of,
        is_review=is_review,
        total=len(questions),
    )
    items = []
    for number, question in enumerate(questions, start=1):
        seed = new_seed()
        figures = {}
        if question.is_numeric:
            try:
                figures = question.draw_figures(seed=seed)
            except FigureSpecError:
                # The admin checks twenty draws; an unlucky seed must not be a 500.
                raise QuestionUnusable(number) from None
        items.append(
            AttemptQuestion(
                attempt=attempt, question=question, number=number, seed=seed, figures=figures
            )
        )
    AttemptQuestion.objects.bulk_create(items)
    return attempt


def _check_attempt_cap(*, quiz: Quiz, owner: Owner) -> None:
    """Raise TooManyAttempts if the owner started ATTEMPTS_PER_HOUR at the quiz (reviews
    aside) in the last hour."""
    now = timezone.now()
    window = now - timedelta(hours=1)
    recent = list(
        Attempt.objects.owned_by(owner)
        .filter(quiz=quiz, is_review=False, is_check=False, started_at__gt=window)
        .order_by("-started_at")
        .values_list("started_at", flat=True)[:ATTEMPTS_PER_HOUR]
    )
    if len(recent) >= ATTEMPTS_PER_HOUR:
        # Free again once the oldest of them is an hour old.
        seconds = (recent[-1] - window).total_seconds()
        raise TooManyAttempts(max(1, math.ceil(seconds / 60)))


def attempt_retry_missed(*, attempt: Attempt, owner: Owner) -> Attempt:
    """A new attempt at only the questions this finished attempt got wrong (and its
    quiz still asks)."""
    if not attempt.is_finished:
        raise Refused("Finish this attempt before retrying the questions you missed.")
    missed = [
        item.question
        for item in attempt.items.select_related("question", "response").order_by("number")
        if not item.response.is_correct
    ]
    if not missed:
        raise NothingToRetry()
    missed = [question for question in missed if not question.is_retired]
    if not missed:
        raise MissedRetired()
    return attempt_start(
        quiz=attempt.quiz, owner=owner, questions=missed, retry_of=attempt, capped=True
    )


@transaction.atomic
def attempt_settle(*, attempt: Attempt) -> Attempt:
    """Finish an open attempt that has every question it holds answered, yet fewer
    than its total: one whose questions content loading deleted before it retired
    them. It is scored on the questions it kept; any other attempt is left as it is."""
    if attempt.is_finished:
        return attempt
    locked = Attempt.objects.select_for_update().filter(pk=attempt.pk, finished_at__isnull=True)
    if not locked.exists():
        _reload(attempt)
        return attempt
    held = attempt.items.count()
    answered = attempt.items.filter(response__isnull=False).count()
    if held == 0 or answered < held or held == attempt.total:
        return attempt
    locked.update(total=held, answered=answered)
    attempt.total, attempt.answered = held, answered
    return attempt_finish(attempt=attempt)


def check_answerable(*, attempt: Attempt, answered: bool) -> None:
    """Nothing if a question of the attempt can take an answer now; else the reason, raised.

    `answered` says whether the question has an answer already.
    """
    if attempt.is_finished:
        raise AttemptFinished()
    if answered:
        raise AlreadyAnswered()


def answer_submit(*, item: AttemptQuestion, answer: Answer) -> Response:
    """Grade and record one answer to `item` (fetched with its question and its
    attempt); finish the attempt once every question is answered, updating
    `item.attempt` too.

    `item` may be stale, so what a concurrent request could have changed is left
    to the database. Counting the answer on the attempt row, only while the
    attempt is open, is one UPDATE that returns the new count and holds the row
    until commit (answers to one attempt queue): no row means the attempt is
    finished, the total means this answer finishes it. The one-to-one response
    refuses a second answer to the item. A refusal rolls the whole answer back.

    Plain SQL, as for the read (quiz.selectors.answer_target), the same on SQLite
    and PostgreSQL: through the ORM the answer took half as much CPU again
    (docs/performance.md), much of it while SQLite's single write lock was held.
    """
    attempt = item.attempt
    # Graded before the transaction: the engine's work need not hold the write lock.
    response = _graded_response(item=item, answer=answer)
    values = [f.get_db_prep_save(f.pre_save(response, True), connection) for f in _fields()]
    _record(attempt=attempt, response=response, values=values, answer=answer)
    response._state.adding = False
    response._state.db = connection.alias
    item.response = response
    response.chosen_ids = frozenset(answer.choice_ids)  # what the feedback shows, unfetched
    return response


def _record(*, attempt: Attempt, response: Response, values: list, answer: Answer) -> None:
    count_answer, insert_response, insert_chosen = _statements()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(count_answer, [attempt.pk])
            counted = cursor.fetchone()
            if counted is None:
                raise AttemptFinished()
            attempt.answered = counted[0]
            cursor.execute(insert_response, values)
            response.pk = cursor.fetchone()[0]
            if answer.choice_ids:
                rows = ", ".join(["(%s, %s)"] * len(answer.choice_ids))
                cursor.execute(
                    f"{insert_chosen} VALUES {rows}",
                    [value for pk in answer.choice_ids for value in (response.pk, pk)],
                )
            if attempt.answered == attempt.total:
                attempt_finish(attempt=attempt)
    except IntegrityError:
        _reload(attempt)
        raise AlreadyAnswered() from None
    except Refused:
        _reload(attempt)
        raise


@cache
def _fields() -> list:
    """The response's columns as the INSERT writes them (each value prepared as the ORM
    prepares it, auto_now_add included)."""
    return [f for f in Response._meta.concrete_fields if not f.primary_key]


@cache
def _statements() -> tuple[str, str, str]:
    quote = connection.ops.quote_name
    attempts = quote(Attempt._meta.db_table)
    columns = ", ".join(quote(f.column) for f in _fields())
    through = Response.choices.through._meta
    # Table and column names from the models, values as parameters.
    return (
        f"UPDATE {attempts} SET answered = answered + 1 "  # noqa: S608
        "WHERE id = %s AND finished_at IS NULL RETURNING answered",
        f"INSERT INTO {quote(Response._meta.db_table)} ({columns}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(_fields()))}) RETURNING id",
        f"INSERT INTO {quote(through.db_table)} (response_id, choice_id)",
    )


def _reload(attempt: Attempt) -> None:
    """After a refusal: the attempt as stored, for the page that explains it."""
    attempt.refresh_from_db(fields=["answered", "finished_at", "correct", "percent", "passed"])


def _graded_response(*, item: AttemptQuestion, answer: Answer) -> Response:
    question = item.question
    if question.is_numeric:
        if answer.number is None or answer.choice_ids:
            raise ForeignChoice()
        solution = item.solution
        grade = grade_numeric(
            value=answer.number,
            answer=solution.answer,
            mistakes=item.mistakes,
            tolerance=question.tolerance,
        )
        return Response(
            item=item,
            text=answer.text[:60],
            number=answer.number.quantize(STORED),
            expected=solution.answer.quantize(STORED),
            mistake=grade.mistake,
            is_correct=grade.is_correct,
        )
    flags = {choice.pk: choice.is_correct for choice in question.choices.all()}
    chosen = set(answer.choice_ids)
    if not chosen or not chosen <= set(flags) or answer.number is not None:
        raise ForeignChoice()
    if question.kind == Question.Kind.SINGLE and len(chosen) != 1:
        raise ForeignChoice()
    is_correct = grade_choices(
        chosen=chosen,
        correct={pk for pk, correct in flags.items() if correct},
        multiple=question.kind == Question.Kind.MULTIPLE,
    )
    return Response(item=item, is_correct=is_correct)


def attempt_finish(*, attempt: Attempt) -> Attempt:
    """Score the attempt: how many right, the percentage (rounded half up), pass or not.

    Runs inside the answer's transaction, so on SQLite every other answer waits for
    it: two plain statements (built once, as the answer's are) took 0.06 ms where the
    ORM's count and save took 0.75 ms.
    """
    count_correct, save_score = _finish_statements()
    attempt.finished_at = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(count_correct, [attempt.pk])
        correct = cursor.fetchone()[0]
        attempt.correct = correct
        attempt.percent = (200 * correct + attempt.total) // (2 * attempt.total)
        attempt.passed = correct * 100 >= attempt.quiz.pass_mark * attempt.total
        values = [
            f.get_db_prep_save(getattr(attempt, f.attname), connection) for f in _score_fields()
        ]
        cursor.execute(save_score, [*values, attempt.pk])
    return attempt


@cache
def _score_fields() -> list:
    """The attempt's columns the score writes, in the UPDATE's order."""
    names = ("correct", "percent", "passed", "finished_at")
    return [Attempt._meta.get_field(name) for name in names]


@cache
def _finish_statements() -> tuple[str, str]:
    quote = connection.ops.quote_name
    items = AttemptQuestion._meta
    item_key = Response._meta.get_field("item").column
    correct = Response._meta.get_field("is_correct").column
    attempt_key = items.get_field("attempt").column
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in _score_fields())
    # Table and column names from the models, values as parameters.
    return (
        f"SELECT COUNT(*) FROM {quote(Response._meta.db_table)} AS response "  # noqa: S608
        f"JOIN {quote(items.db_table)} AS item "
        f"ON item.{quote(items.pk.column)} = response.{quote(item_key)} "
        f"WHERE item.{quote(attempt_key)} = %s AND response.{quote(correct)}",
        f"UPDATE {quote(Attempt._meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {quote(Attempt._meta.pk.column)} = %s",
    )
