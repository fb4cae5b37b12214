"""What a learner keeps: the lessons they read and the questions they are reviewing.

Owned as quiz attempts are (quiz.visitors): by the visitor's session token, and
by the user once they log in. Each lesson and question appears once per learner:
once per user for an account, once per token before that.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q

from lessons.models import Lesson
from quiz.models import Attempt, Question

# A missed question comes back after 1 day, then 3, 7 and 21 (and every 21 after
# that), until it is answered right this many times in a row.
INTERVALS = (timedelta(days=1), timedelta(days=3), timedelta(days=7), timedelta(days=21))
RIGHT_IN_A_ROW = 2


class OwnedQuerySet(models.QuerySet):
    def owned_by(self, owner) -> "OwnedQuerySet":
        """Rows of this visitor (their browser's token) or user; none for an unknown visitor."""
        if owner is None:
            return self.none()
        return self.filter(owner.filter())


def _one_per_learner(field: str, name: str) -> list[models.UniqueConstraint]:
    return [
        models.UniqueConstraint(
            fields=["user", field], condition=Q(user__isnull=False), name=f"{name}_once_per_user"
        ),
        models.UniqueConstraint(
            fields=["visitor", field],
            condition=Q(user__isnull=True),
            name=f"{name}_once_per_visitor",
        ),
    ]


class LessonRead(models.Model):
    """A lesson the learner read to its end."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    visitor = models.CharField(max_length=32, db_index=True, help_text="The browser's token.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="lessons_read",
    )
    read_at = models.DateTimeField()

    objects = OwnedQuerySet.as_manager()

    class Meta:
        constraints = _one_per_learner("lesson", "lesson_read")

    def __str__(self) -> str:
        return f"{self.lesson} read"


class ReviewItem(models.Model):
    """A question the learner got wrong, and when it comes back for review."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    visitor = models.CharField(max_length=32, db_index=True, help_text="The browser's token.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="review_items",
    )
    missed_at = models.DateTimeField(help_text="When a quiz last counted it wrong.")
    due_at = models.DateTimeField(help_text="When it comes back.")
    returns = models.PositiveSmallIntegerField(
        default=0, help_text="How many times it has come back and been answered."
    )
    right_in_a_row = models.PositiveSmallIntegerField(default=0)
    done_at = models.DateTimeField(
        null=True, blank=True, help_text=f"When it was answered right {RIGHT_IN_A_ROW} in a row."
    )
    attempt = models.OneToOneField(
        Attempt,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The one-question review attempt asking it now, until its answer counts.",
    )

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = _one_per_learner("question", "review_item")

    def __str__(self) -> str:
        return f"Review of {self.question}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def is_due(self, at: datetime) -> bool:
        return not self.is_done and self.due_at <= at

    def missed(self, at: datetime) -> None:
        """A quiz counted it wrong again at `at`: its review starts over."""
        self.missed_at = at
        self.due_at = at + INTERVALS[0]
        self.returns = 0
        self.right_in_a_row = 0
        self.done_at = None

    def answered(self, *, is_correct: bool, at: datetime) -> None:
        """It came back and was answered at `at`: done after enough right in a row,
        else it comes back after the next interval."""
        self.returns += 1
        self.right_in_a_row = self.right_in_a_row + 1 if is_correct else 0
        if self.right_in_a_row >= RIGHT_IN_A_ROW:
            self.done_at = at
        else:
            self.due_at = at + INTERVALS[min(self.returns, len(INTERVALS) - 1)]

    @classmethod
    def first_miss(cls, *, question_id: int, owner, at: datetime) -> "ReviewItem":
        return cls(
            question_id=question_id,
            visitor=owner.visitor,
            user_id=owner.user_id,
            missed_at=at,
            due_at=at + INTERVALS[0],
        )
