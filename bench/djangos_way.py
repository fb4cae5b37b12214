"""Django's way for the departures the academy keeps, for bench/ablation.py to measure
them against: the quiz answer read and written through the ORM, one write path for
SQLite and PostgreSQL. Nothing of the site imports this."""

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from quiz.models import Attempt, AttemptQuestion, Response
from quiz.selectors import AnswerTarget, question_content
from quiz.services import (
    AlreadyAnswered,
    Answer,
    AttemptFinished,
    Refused,
    _graded_response,
    _reload,
)
from quiz.visitors import Owner


def answer_target(*, attempt_id: int, number: int, owner: Owner | None) -> AnswerTarget | None:
    """quiz.selectors.answer_target through the ORM: the item with its attempt and
    whether it is answered, then the numbers still open."""
    if owner is None:
        return None
    try:
        item = (
            AttemptQuestion.objects.filter(owner.filter(prefix="attempt__"))
            .select_related("attempt")
            .annotate(answered=Exists(Response.objects.filter(item=OuterRef("pk"))))
            .get(attempt_id=attempt_id, number=number)
        )
    except AttemptQuestion.DoesNotExist:
        return None
    others = list(
        AttemptQuestion.objects.filter(attempt_id=attempt_id, response__isnull=True)
        .exclude(number=number)
        .order_by("number")
        .values_list("number", flat=True)
    )
    content = question_content(item.question_id)
    item.question = content.question
    item.attempt.quiz = content.question.quiz
    return AnswerTarget(
        item=item,
        answered=item.answered,
        next_number=next((n for n in others if n > number), others[0] if others else None),
        sections=content.sections,
    )


def answer_submit(*, item: AttemptQuestion, answer: Answer) -> Response:
    """quiz.services.answer_submit through the ORM, the same on both databases."""
    attempt = item.attempt
    response = _graded_response(item=item, answer=answer)
    try:
        with transaction.atomic():
            open_attempt = Attempt.objects.filter(pk=attempt.pk, finished_at__isnull=True)
            if not open_attempt.update(answered=F("answered") + 1):
                raise AttemptFinished()
            attempt.answered = open_attempt.values_list("answered", flat=True).get()
            response.save(force_insert=True)
            if answer.choice_ids:
                chosen = Response.choices.through
                chosen.objects.bulk_create(
                    chosen(response=response, choice_id=pk) for pk in answer.choice_ids
                )
            if attempt.answered == attempt.total:
                attempt_finish(attempt=attempt)
    except IntegrityError:
        _reload(attempt)
        raise AlreadyAnswered() from None
    except Refused:
        _reload(attempt)
        raise
    item.response = response
    response.chosen_ids = frozenset(answer.choice_ids)
    return response


def attempt_finish(*, attempt: Attempt) -> Attempt:
    """quiz.services.attempt_finish through the ORM."""
    correct = Response.objects.filter(item__attempt=attempt, is_correct=True).count()
    attempt.finished_at = timezone.now()
    attempt.correct = correct
    attempt.percent = (200 * correct + attempt.total) // (2 * attempt.total)
    attempt.passed = correct * 100 >= attempt.quiz.pass_mark * attempt.total
    attempt.save(update_fields=["correct", "percent", "passed", "finished_at"])
    return attempt
