"""Writes: lessons read, the review schedule, a visitor's record moving to their
account on log-in, and deleting everything a learner left."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max

from accounts.models import LessonRead, ReviewItem
from lessons.models import Lesson
from quiz.models import Attempt, Response
from quiz.services import attempt_start
from quiz.visitors import Owner, attempts_claim

SCHEDULE_FIELDS = ["missed_at", "due_at", "returns", "right_in_a_row", "done_at", "attempt"]


def lesson_mark_read(*, lesson: Lesson, owner: Owner, at: datetime) -> bool:
    """Record that the learner reached the end of the lesson; False if already recorded."""
    if LessonRead.objects.owned_by(owner).filter(lesson=lesson).exists():
        return False
    try:
        with transaction.atomic():
            LessonRead.objects.create(
                lesson=lesson, visitor=owner.visitor, user_id=owner.user_id, read_at=at
            )
    except IntegrityError:  # the same mark from another tab, a moment earlier
        return False
    return True


def review_sync(*, owner: Owner | None, at: datetime) -> list[ReviewItem]:
    """The learner's review items, brought up to date: every question a quiz counted
    wrong is in review (again, if missed since), and a review question answered on
    the quiz's own page has its answer counted."""
    if owner is None:
        return []
    # A question retired from its quiz (quiz/content.py) is asked no more, review included.
    live = ReviewItem.objects.owned_by(owner).filter(question__is_retired=False)
    items = {item.question_id: item for item in live}
    asked = [item for item in items.values() if item.attempt_id is not None]
    if asked:
        _count_answered_elsewhere(asked, at=at)
    misses = (
        Response.objects.filter(
            is_correct=False,
            item__attempt__in=Attempt.objects.owned_by(owner).filter(is_review=False),
            item__question__is_retired=False,
        )
        .values_list("item__question_id")
        .annotate(last=Max("answered_at"))
        .order_by()
    )
    new, changed = [], []
    for question_id, last in misses:
        item = items.get(question_id)
        if item is None:
            items[question_id] = item = ReviewItem.first_miss(
                question_id=question_id, owner=owner, at=last
            )
            new.append(item)
        elif last > item.missed_at:
            item.missed(last)
            changed.append(item)
    if changed:
        ReviewItem.objects.bulk_update(changed, SCHEDULE_FIELDS)
    if new:
        # Another tab may have added the same question a moment earlier: that one stands.
        ReviewItem.objects.bulk_create(new, ignore_conflicts=True)
    return list(items.values())


def _count_answered_elsewhere(items: list[ReviewItem], *, at: datetime) -> None:
    """Count the answers to review questions that reached the quiz's own page instead."""
    verdicts = dict(
        Response.objects.filter(item__attempt__in=[item.attempt_id for item in items])
        .values_list("item__attempt_id", "is_correct")
        .order_by()
    )
    for item in items:
        if item.attempt_id in verdicts:
            review_count_answer(
                attempt_id=item.attempt_id, is_correct=verdicts[item.attempt_id], at=at
            )
            item.refresh_from_db()


def review_count_answer(*, attempt_id: int, is_correct: bool, at: datetime) -> bool:
    """Move the review item that the attempt asked along its schedule; False if its
    answer was already counted."""
    with transaction.atomic():
        item = ReviewItem.objects.select_for_update().filter(attempt_id=attempt_id).first()
        if item is None:
            return False
        item.answered(is_correct=is_correct, at=at)
        item.attempt = None
        item.save(update_fields=SCHEDULE_FIELDS)
    return True


def review_next(*, owner: Owner, at: datetime) -> Attempt | None:
    """The one-question attempt asking the learner's next due question (fresh figures
    for a numeric one); None when nothing is due."""
    review_sync(owner=owner, at=at)
    with transaction.atomic():
        item = (
            ReviewItem.objects.owned_by(owner)
            .select_for_update(of=("self",))
            .filter(done_at__isnull=True, due_at__lte=at, question__is_retired=False)
            .order_by("due_at", "pk")
            .first()
        )
        if item is None:
            return None
        if item.attempt_id is not None:
            return item.attempt  # asked already and not yet answered: the same figures
        question = item.question
        attempt = attempt_start(
            quiz=question.quiz, owner=owner, questions=[question], is_review=True
        )
        item.attempt = attempt
        item.save(update_fields=["attempt"])
    return attempt


@transaction.atomic
def learner_claim(*, visitor: str, user) -> None:
    """Move what a visitor did before logging in to their account: attempts, lessons
    read and review. Where the account has the same lesson or question already, the
    two become one: nothing lost, nothing twice."""
    if not visitor:
        return
    # Two log-ins at once (two tabs) take turns.
    get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
    attempts_claim(visitor=visitor, user_id=user.pk)
    _claim_lessons_read(visitor=visitor, user=user)
    _claim_review(visitor=visitor, user=user)


def _claim_lessons_read(*, visitor: str, user) -> None:
    theirs = {read.lesson_id: read for read in LessonRead.objects.filter(user=user)}
    anonymous = list(LessonRead.objects.filter(visitor=visitor, user__isnull=True))
    twice = [read for read in anonymous if read.lesson_id in theirs]
    earlier = []
    for read in twice:
        kept = theirs[read.lesson_id]
        if read.read_at < kept.read_at:
            kept.read_at = read.read_at
            earlier.append(kept)
    LessonRead.objects.filter(pk__in=[read.pk for read in twice]).delete()
    LessonRead.objects.bulk_update(earlier, ["read_at"])
    LessonRead.objects.filter(visitor=visitor, user__isnull=True).update(user=user)


def _claim_review(*, visitor: str, user) -> None:
    theirs = {item.question_id: item for item in ReviewItem.objects.filter(user=user)}
    anonymous = list(ReviewItem.objects.filter(visitor=visitor, user__isnull=True))
    twice = [item for item in anonymous if item.question_id in theirs]
    # Delete first: the kept item may take over the other's review attempt.
    ReviewItem.objects.filter(pk__in=[item.pk for item in twice]).delete()
    for item in twice:
        _combine(theirs[item.question_id], item)
    ReviewItem.objects.bulk_update([theirs[item.question_id] for item in twice], SCHEDULE_FIELDS)
    ReviewItem.objects.filter(visitor=visitor, user__isnull=True).update(user=user)


def _combine(kept: ReviewItem, other: ReviewItem) -> None:
    """One review of a question from two: the one still under way wins; of two under
    way, the sooner date and the shorter run of right answers."""
    kept.missed_at = max(kept.missed_at, other.missed_at)
    if other.is_done:
        return
    if kept.is_done:
        kept.due_at, kept.returns, kept.right_in_a_row = (
            other.due_at,
            other.returns,
            other.right_in_a_row,
        )
        kept.done_at, kept.attempt_id = None, other.attempt_id
        return
    kept.due_at = min(kept.due_at, other.due_at)
    kept.returns = min(kept.returns, other.returns)
    kept.right_in_a_row = min(kept.right_in_a_row, other.right_in_a_row)
    kept.attempt_id = kept.attempt_id or other.attempt_id


@transaction.atomic
def learner_delete(*, owner: Owner | None, user=None) -> None:
    """Delete every attempt, lesson read and review item of the learner, and their
    account if they have one."""
    if owner is not None:
        Attempt.objects.owned_by(owner).delete()
        ReviewItem.objects.owned_by(owner).delete()
        LessonRead.objects.owned_by(owner).delete()
    if user is not None:
        Attempt.objects.filter(user=user).delete()
        user.delete()  # its lessons read, review items and email addresses go with it
