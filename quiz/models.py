from collections.abc import Iterable
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from core.models import LoadedFromContent
from lessons.models import Lesson
from quiz import numeric
from quiz.computations import COMPUTATIONS, Computation, Result, computation_choices

RESERVED_SLUGS = {"history", "attempts"}


class QuizQuerySet(models.QuerySet):
    def published(self) -> "QuizQuerySet":
        return self.filter(is_published=True, lesson__is_published=True)


class Quiz(LoadedFromContent):
    """The "test your understanding" at the end of a lesson."""

    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="quizzes")
    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    intro = models.TextField(blank=True, help_text="Shown on the quiz's start page.")
    pass_mark = models.PositiveSmallIntegerField(
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="The percentage of questions to get right to pass.",
    )
    is_published = models.BooleanField("published", default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuizQuerySet.as_manager()

    class Meta:
        ordering = ["lesson__level__position", "lesson__number", "title"]
        verbose_name_plural = "quizzes"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quiz:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": f"“{self.slug}” is taken by a quiz page; pick another."})


class QuestionQuerySet(models.QuerySet):
    def live(self) -> "QuestionQuerySet":
        """The questions a new attempt may ask: those its quiz's file still has."""
        return self.filter(is_retired=False)


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", "Single choice"
        MULTIPLE = "multiple", "Multiple choice (select all that apply)"
        NUMERIC = "numeric", "Numeric (figures drawn per attempt)"

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(help_text="Order in the quiz, from 1.")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    prompt = models.TextField(
        help_text="The question, shown as the legend of the answer fieldset. Numeric "
        "questions may use their figures, e.g. {balance}."
    )
    explanation = models.TextField(
        help_text="Shown once answered, right or wrong. Numeric questions may use their "
        "figures, {answer} and the computation's working values."
    )
    lesson_section = models.SlugField(
        max_length=80,
        help_text="The id of the lesson heading this checks, e.g. isolated-margin: the "
        "feedback links back to it.",
    )
    objective = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The number of the lesson's learning objective it checks."
    )
    computation = models.CharField(
        max_length=60,
        blank=True,
        choices=computation_choices,
        # The list of computations is added in clean_fields: a migration would freeze it here.
        error_messages={"invalid_choice": "There is no computation “%(value)s”"},
        help_text="Numeric only: what the margin engine computes from the figures.",
    )
    figures = models.JSONField(
        default=dict,
        blank=True,
        help_text='Numeric only: per figure {"min": "500", "max": "2000", "step": "100"} '
        'or {"choices": ["10", "20"]}; drawn afresh for each attempt.',
    )
    mistakes = models.JSONField(
        default=dict,
        blank=True,
        help_text='Numeric only: the common mistakes to recognise, {"key": "feedback"}; the '
        "feedback may use the same placeholders as the explanation.",
    )
    tolerance_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.5"),
        validators=[MinValueValidator(0)],
        help_text="Numeric only: an answer this close (in percent) counts as right…",
    )
    tolerance_minimum = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(0)],
        help_text="…or this close in dollars, whichever is larger.",
    )
    is_retired = models.BooleanField(
        "retired",
        default=False,
        help_text="Taken out of its quiz's file: kept for the attempts that asked it, "
        "asked in no new one.",
    )

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["quiz", "position"]
        constraints = [
            # A retired question keeps the position it had; a live one may take it.
            models.UniqueConstraint(
                fields=["quiz", "position"],
                condition=models.Q(is_retired=False),
                name="unique_live_question_position",
            )
        ]

    def __str__(self) -> str:
        return f"Question {self.position}"

    @property
    def is_numeric(self) -> bool:
        return self.kind == self.Kind.NUMERIC

    def clean_fields(self, exclude=None) -> None:
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            if "computation" in error.error_dict:
                known = "; the margin engine knows " + ", ".join(COMPUTATIONS) + "."
                error.error_dict["computation"] = [
                    ValidationError(message + known)
                    for message in error.message_dict["computation"]
                ]
            raise

    @property
    def computation_spec(self) -> Computation | None:
        return COMPUTATIONS.get(self.computation)

    @property
    def tolerance(self) -> numeric.Tolerance:
        return numeric.Tolerance(
            percent=Decimal(self.tolerance_percent), minimum=Decimal(self.tolerance_minimum)
        )

    def draw_figures(self, *, seed: int) -> dict[str, str]:
        """This question's figures for one attempt (numeric questions only).

        Raises numeric.FigureSpecError if its ranges give no usable figures.
        """
        computation = self.computation_spec
        if computation is None:
            raise numeric.FigureSpecError("The question has no computation.")
        return numeric.draw_figures(
            computation=computation,
            spec=self.figures,
            seed=seed,
            tolerance=self.tolerance,
            mistakes=set(self.mistakes) if isinstance(self.mistakes, dict) else set(),
        )

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        try:
            lesson = self.quiz.lesson
        except (Quiz.DoesNotExist, Lesson.DoesNotExist):
            lesson = None  # the quiz form has its own errors to show first
        if lesson is not None and self.lesson_section not in lesson_sections(lesson):
            errors["lesson_section"] = [
                f"The lesson has no heading with the id “{self.lesson_section}”."
            ]
        if self.is_numeric:
            errors.update(self._numeric_errors())
        else:
            for name in ("computation", "figures", "mistakes"):
                if getattr(self, name):
                    errors[name] = [
                        "Only numeric questions have a computation, figures and mistakes: "
                        "clear them."
                    ]
        if errors:
            raise ValidationError(errors)

    def _numeric_errors(self) -> dict[str, list[str]]:
        computation = self.computation_spec
        if computation is None:
            # An unknown name is already refused by the field's own choices.
            missing = {"computation": ["Pick what the margin engine computes."]}
            return {} if self.computation else missing
        errors: dict[str, list[str]] = {}
        well_formed = isinstance(self.mistakes, dict) and all(
            isinstance(text, str) and text.strip() for text in self.mistakes.values()
        )
        mistakes = self.mistakes if isinstance(self.mistakes, dict) else {}
        if not well_formed:
            errors["mistakes"] = ['Give each mistake as "key": "the feedback to show", in words.']
        unknown = set(mistakes) - set(computation.mistakes)
        if unknown:
            known = "; ".join(f"{key} ({label})" for key, label in computation.mistakes.items())
            names = ", ".join(sorted(unknown))
            errors.setdefault("mistakes", []).append(
                f"This computation cannot recognise {names}. It knows: {known}."
            )
        try:
            numeric.check_spec(
                computation=computation,
                spec=self.figures,
                tolerance=self.tolerance,
                mistakes=set(mistakes) & set(computation.mistakes),
            )
        except numeric.FigureSpecError as error:
            errors["figures"] = [str(error)]
        # The prompt is shown before answering: figures only, never the working.
        if (problem := _unknown_placeholders([self.prompt], computation.figure_names)) is not None:
            errors["prompt"] = [problem]
        allowed = computation.figure_names | computation.working_names | {"answer"}
        if (problem := _unknown_placeholders([self.explanation], allowed)) is not None:
            errors["explanation"] = [problem]
        feedback = [text for text in mistakes.values() if isinstance(text, str)]
        if (problem := _unknown_placeholders(feedback, allowed)) is not None:
            errors.setdefault("mistakes", []).append(problem)
        return errors


def _unknown_placeholders(texts: list[str], allowed: set[str]) -> str | None:
    unknown = set().union(*(numeric.placeholders(text) for text in texts)) - allowed
    if not unknown:
        return None
    return (
        f"Unknown placeholders: {', '.join(sorted(unknown))}. "
        f"Available: {', '.join(sorted(allowed))}."
    )


def lesson_sections(lesson: Lesson) -> dict[str, str]:
    """Heading id to title, for every heading on the lesson page, subsections included."""
    sections: dict[str, str] = {}
    stack = list(lesson.rendered.headings)
    while stack:
        heading = stack.pop()
        sections[heading.id] = heading.title
        stack.extend(heading.children)
    return sections


def choice_problems(kind: str, correct_flags: Iterable[bool]) -> list[str]:
    """What is wrong with a question's set of choices, in words for the author."""
    flags = list(correct_flags)
    if kind == Question.Kind.NUMERIC:
        return ["A numeric question has no choices: delete them."] if flags else []
    problems = []
    if len(flags) < 2:
        problems.append("Give at least two choices.")
    if kind == Question.Kind.SINGLE and sum(flags) != 1:
        problems.append("Mark exactly one choice as correct.")
    if kind == Question.Kind.MULTIPLE and not any(flags):
        problems.append("Mark at least one choice as correct.")
    return problems


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    is_correct = models.BooleanField("correct", default=False)
    feedback = models.TextField(blank=True, help_text="Shown when the learner picks this choice.")

    class Meta:
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="unique_choice_position")
        ]

    def __str__(self) -> str:
        return self.text


class AttemptQuerySet(models.QuerySet):
    def owned_by(self, owner) -> "AttemptQuerySet":
        """Attempts of this visitor (their browser's token) or user; none for an unknown visitor."""
        if owner is None:
            return self.none()
        return self.filter(owner.filter())

    def finished(self) -> "AttemptQuerySet":
        return self.filter(finished_at__isnull=False)

    def full(self) -> "AttemptQuerySet":
        """Whole-quiz attempts, not retries of missed questions, reviews nor checks."""
        return self.filter(retry_of__isnull=True, is_review=False, is_check=False)


class Attempt(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    visitor = models.CharField(max_length=32, db_index=True, help_text="The browser's token.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quiz_attempts",
    )
    retry_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retries"
    )
    is_review = models.BooleanField(
        default=False,
        help_text="One question brought back by the learner's review (the accounts app), "
        "not an attempt at the quiz: it counts toward no score.",
    )
    is_check = models.BooleanField(
        default=False,
        help_text="One question answered inside its lesson (a check embed), not an attempt "
        "at the quiz: it counts toward no score, and a miss comes back for review.",
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveSmallIntegerField()
    answered = models.PositiveSmallIntegerField(
        default=0,
        help_text="How many of its questions have an answer: counted as each is recorded, "
        "so that recording one learns, in the same statement, whether it was the last.",
    )
    correct = models.PositiveSmallIntegerField(null=True, blank=True)
    percent = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.quiz} attempt {self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    @property
    def is_retry(self) -> bool:
        return self.retry_of_id is not None

    def get_resume_url(self) -> str:
        return reverse("quiz:resume", kwargs={"attempt_id": self.pk})

    def get_results_url(self) -> str:
        return reverse("quiz:results", kwargs={"attempt_id": self.pk})

    def get_question_url(self, number: int) -> str:
        return reverse("quiz:question", kwargs={"attempt_id": self.pk, "number": number})


class AttemptQuestion(models.Model):
    """A question as asked in one attempt, with that attempt's figures."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    # An asked question is retired, never deleted, unless its whole quiz goes.
    question = models.ForeignKey(Question, on_delete=models.RESTRICT, related_name="+")
    number = models.PositiveSmallIntegerField(help_text="Position in the attempt, from 1.")
    seed = models.BigIntegerField(help_text="Seeds the draw of the figures.")
    figures = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["attempt", "number"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "number"], name="unique_attempt_number"),
            models.UniqueConstraint(fields=["attempt", "question"], name="unique_attempt_question"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt}, question {self.number}"

    def get_absolute_url(self) -> str:
        return self.attempt.get_question_url(self.number)

    @property
    def shown_figures(self) -> dict[str, str]:
        computation = self.question.computation_spec
        if computation is None or not self.figures:
            return {}
        return numeric.shown(computation.figures, self.figures)

    @property
    def prompt(self) -> str:
        return numeric.fill(self.question.prompt, self.shown_figures)

    @cached_property
    def solution(self) -> Result | None:
        computation = self.question.computation_spec
        if not self.question.is_numeric or computation is None:
            return None
        return computation.solve(self.figures)

    @cached_property
    def values(self) -> dict[str, str]:
        """What this attempt's texts may quote: figures, working values and the answer."""
        solution = self.solution
        if solution is None:
            return {}
        computation = self.question.computation_spec
        return {
            **self.shown_figures,
            **numeric.shown(computation.working, solution.working),
            "answer": numeric.show_answer(computation, solution.answer),
        }

    @property
    def mistakes(self) -> dict[str, Decimal]:
        """The question's recognised mistakes that apply to these figures, in grading order."""
        solution = self.solution
        if solution is None:
            return {}
        recognised = self.question.mistakes
        return {key: value for key, value in solution.mistakes.items() if key in recognised}

    def mistake_feedback(self, key: str) -> str:
        return numeric.fill(self.question.mistakes.get(key, ""), self.values)

    @property
    def explanation(self) -> str:
        if self.solution is None:
            return self.question.explanation
        return numeric.fill(self.question.explanation, self.values)


class Response(models.Model):
    """The learner's one answer to an attempt's question, graded on the server."""

    item = models.OneToOneField(AttemptQuestion, on_delete=models.CASCADE, related_name="response")
    choices = models.ManyToManyField(Choice, blank=True, related_name="+")
    text = models.CharField(max_length=60, blank=True, help_text="A numeric answer as typed.")
    # Only what the answer form takes (numeric.in_answer_range): exact on both databases.
    number = models.DecimalField(
        max_digits=numeric.ANSWER_DIGITS,
        decimal_places=numeric.ANSWER_PLACES,
        null=True,
        blank=True,
        help_text="The answer as read; empty for one typed before answers had a range.",
    )
    expected = models.DecimalField(
        max_digits=numeric.ANSWER_DIGITS,
        decimal_places=numeric.ANSWER_PLACES,
        null=True,
        blank=True,
        help_text="The engine's answer when graded.",
    )
    mistake = models.CharField(max_length=60, blank=True, help_text="The common mistake matched.")
    is_correct = models.BooleanField()
    answered_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Answer to {self.item}"

    @property
    def mistake_feedback(self) -> str:
        return self.item.mistake_feedback(self.mistake) if self.mistake else ""

    @cached_property
    def chosen_ids(self) -> frozenset[int]:
        """The choices picked (prefetch `choices` to read many; a new response sets it)."""
        return frozenset(choice.pk for choice in self.choices.all())
