"""Reads: the progress page, the lessons a learner has read, their data for download."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch
from django.urls import reverse

from accounts.models import LessonRead, ReviewItem
from lessons.models import Lesson, Level
from quiz.models import Attempt, AttemptQuestion, Choice, Quiz
from quiz.numeric import show_answer
from quiz.visitors import Owner


def read_lesson_ids(*, owner: Owner | None) -> set[int]:
    """Lessons the learner has read: reached the end of, or taken the quiz of."""
    return set(LessonRead.objects.owned_by(owner).values_list("lesson_id", flat=True))


def lesson_is_read(*, lesson: Lesson, owner: Owner | None) -> bool:
    return LessonRead.objects.owned_by(owner).filter(lesson=lesson).exists()


def review_question(*, attempt: Attempt) -> AttemptQuestion:
    """The one question a review attempt asks, with its choices and any answer."""
    item = (
        AttemptQuestion.objects.filter(attempt=attempt)
        .select_related("question", "response")
        .prefetch_related(
            Prefetch("question__choices", queryset=Choice.objects.order_by("position")),
            Prefetch("response__choices", queryset=Choice.objects.order_by()),
        )
        .get()
    )
    item.attempt = attempt
    return item


@dataclass(frozen=True, slots=True)
class QuizRecord:
    """The learner's record on a lesson's quiz."""

    quiz: Quiz
    best: int | None  # best whole-quiz percentage, None if never finished
    last: Attempt | None  # the latest whole-quiz attempt, finished or not

    @property
    def passed(self) -> bool:
        return self.best is not None and self.best >= self.quiz.pass_mark


@dataclass(frozen=True, slots=True)
class LessonRecord:
    lesson: Lesson
    read: bool
    quiz: QuizRecord | None


@dataclass(slots=True)
class LevelRecord:
    level: Level
    lessons: list[LessonRecord] = field(default_factory=list)

    @property
    def read_count(self) -> int:
        return sum(record.read for record in self.lessons)


@dataclass(frozen=True, slots=True)
class NextStep:
    action: str  # the link's words
    url: str
    why: str


@dataclass(frozen=True, slots=True)
class ReviewSummary:
    due: int
    under_way: int  # not yet answered right twice in a row, due or not
    next_due_at: datetime | None  # the soonest date among those not yet due


@dataclass(frozen=True, slots=True)
class Progress:
    levels: list[LevelRecord]
    next_step: NextStep | None
    review: ReviewSummary
    has_history: bool


def review_summary(items: list[ReviewItem], *, at: datetime) -> ReviewSummary:
    under_way = [item for item in items if not item.is_done]
    later = [item.due_at for item in under_way if not item.is_due(at)]
    return ReviewSummary(
        due=sum(item.is_due(at) for item in under_way),
        under_way=len(under_way),
        next_due_at=min(later, default=None),
    )


def progress_for(*, owner: Owner | None, review: list[ReviewItem], at: datetime) -> Progress:
    """Every published level's lessons, read or not, with each quiz's best score and
    last attempt; the next step; and the review (the items as review_sync left them).
    A fixed number of queries."""
    lessons = list(
        Lesson.objects.published()
        .select_related("level")
        .only("level", "number", "slug", "title", *(f"level__{name}" for name in LEVEL_FIELDS))
    )
    quizzes: dict[int, Quiz] = {}
    for quiz in Quiz.objects.published().only("lesson_id", "slug", "title", "pass_mark"):
        quizzes.setdefault(quiz.lesson_id, quiz)
    attempts = list(
        Attempt.objects.owned_by(owner)
        .full()
        .only("quiz_id", "started_at", "finished_at", "percent", "correct", "total", "passed")
        .order_by("-started_at", "-pk")
    )
    read = set(LessonRead.objects.owned_by(owner).values_list("lesson_id", flat=True))

    best: dict[int, int] = {}
    last: dict[int, Attempt] = {}
    for attempt in attempts:  # newest first
        last.setdefault(attempt.quiz_id, attempt)
        if attempt.percent is not None:
            best[attempt.quiz_id] = max(best.get(attempt.quiz_id, 0), attempt.percent)

    levels: dict[int, LevelRecord] = {}
    for lesson in lessons:
        quiz = quizzes.get(lesson.pk)
        record = None
        if quiz is not None:
            record = QuizRecord(quiz=quiz, best=best.get(quiz.pk), last=last.get(quiz.pk))
        level = levels.setdefault(lesson.level_id, LevelRecord(level=lesson.level))
        level.lessons.append(
            LessonRecord(
                lesson=lesson,
                read=lesson.pk in read,
                quiz=record,
            )
        )
    records = list(levels.values())
    return Progress(
        levels=records,
        next_step=_next_step(records, attempts),
        review=review_summary(review, at=at),
        has_history=bool(attempts or read or review),
    )


LEVEL_FIELDS = ("kind", "name", "slug", "position", "description")


def _next_step(levels: list[LevelRecord], attempts: list[Attempt]) -> NextStep | None:
    """Finish a quiz left half-way; else the first lesson of the path not read, or
    read but with its quiz not passed. None once every lesson and quiz is done."""
    unfinished = next((attempt for attempt in attempts if not attempt.is_finished), None)
    quiz_titles = {
        record.quiz.quiz.pk: record.quiz.quiz.title
        for level in levels
        for record in level.lessons
        if record.quiz is not None
    }
    if unfinished is not None and unfinished.quiz_id in quiz_titles:
        return NextStep(
            action=f"Finish the quiz “{quiz_titles[unfinished.quiz_id]}”",
            url=unfinished.get_resume_url(),
            why="You stopped part-way through it.",
        )
    for level in levels:
        if level.level.kind != Level.Kind.TRACK:
            continue
        for record in level.lessons:
            lesson = record.lesson
            name = f"{level.level.item_label} {lesson.number}: {lesson.title}"
            if not record.read:
                return NextStep(
                    action=f"Read {name}",
                    url=lesson.get_absolute_url(),
                    why="It is the first lesson on the path that you have not read yet.",
                )
            if record.quiz is not None and not record.quiz.passed:
                quiz = record.quiz.quiz
                taken = record.quiz.best is not None
                return NextStep(
                    action=f"{'Retake' if taken else 'Take'} the quiz “{quiz.title}”",
                    url=quiz.get_absolute_url(),
                    why=(
                        f"Your best score is {record.quiz.best}%; the pass mark is "
                        f"{quiz.pass_mark}%."
                        if taken
                        else f"You have read {name} but not passed its quiz yet."
                    ),
                )
    return None


# --------------------------------------------------------------------------- your data


def learner_export(*, owner: Owner | None, user, at: datetime) -> dict:
    """Everything the academy keeps about the learner, as JSON-ready data."""
    attempts = (
        Attempt.objects.owned_by(owner)
        .select_related("quiz__lesson")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=AttemptQuestion.objects.select_related("question", "response")
                .prefetch_related(
                    Prefetch("response__choices", queryset=Choice.objects.order_by("position"))
                )
                .order_by("number"),
            )
        )
        .order_by("started_at", "pk")
    )
    reads = LessonRead.objects.owned_by(owner).select_related("lesson__level").order_by("read_at")
    review = (
        ReviewItem.objects.owned_by(owner)
        .select_related("question__quiz")
        .order_by("question__quiz__slug", "question__position")
    )
    account = None
    if user is not None:
        account = {
            "email": user.email,
            "joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        }
    return {
        "exported_at": at.isoformat(),
        "account": account,
        "lessons_read": [
            {
                "lesson": read.lesson.title,
                "url": read.lesson.get_absolute_url(),
                "read_at": read.read_at.isoformat(),
            }
            for read in reads
        ],
        "quiz_attempts": [_attempt_data(attempt) for attempt in attempts],
        "review": [
            {
                "quiz": item.question.quiz.title,
                "question": item.question.position,
                "missed_at": item.missed_at.isoformat(),
                "due_at": None if item.is_done else item.due_at.isoformat(),
                "times_back": item.returns,
                "right_in_a_row": item.right_in_a_row,
                "done_at": item.done_at.isoformat() if item.done_at else None,
            }
            for item in review
        ],
    }


def _attempt_data(attempt: Attempt) -> dict:
    kind = "review" if attempt.is_review else "retry" if attempt.is_retry else "quiz"
    return {
        "quiz": attempt.quiz.title,
        "url": reverse("quiz:detail", kwargs={"slug": attempt.quiz.slug}),
        "kind": kind,
        "started_at": attempt.started_at.isoformat(),
        "finished_at": attempt.finished_at.isoformat() if attempt.finished_at else None,
        "correct": attempt.correct,
        "total": attempt.total,
        "percent": attempt.percent,
        "passed": attempt.passed,
        "questions": [_item_data(item) for item in attempt.items.all()],
    }


def _item_data(item: AttemptQuestion) -> dict:
    data: dict = {"number": item.number, "prompt": item.prompt}
    if item.figures:
        data["figures"] = item.shown_figures
    response = getattr(item, "response", None)
    if response is None:
        data["answer"] = None
        return data
    if item.question.is_numeric:
        computation = item.question.computation_spec
        data["answer"] = response.text
        data["right_answer"] = (
            show_answer(computation, response.expected) if computation is not None else None
        )
    else:
        data["answer"] = [choice.text for choice in response.choices.all()]
    data["correct"] = response.is_correct
    data["answered_at"] = response.answered_at.isoformat()
    return data
