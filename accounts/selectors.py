"""Reads: the progress page, the lessons a learner has read, their data for download."""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import connection
from django.db.models import Prefetch
from django.urls import reverse

from accounts.models import LessonRead, ReviewItem
from core.page_cache import PAGE_CACHE_SECONDS, VERSION_KEY
from lessons.models import Lesson, Level
from quiz.models import Attempt, AttemptQuestion, Choice, Quiz
from quiz.numeric import show_answer
from quiz.visitors import Owner


def read_lesson_ids(*, owner: Owner | None) -> set[int]:
    """Lessons the learner has read: reached the end of, or taken the quiz of."""
    return set(LessonRead.objects.owned_by(owner).values_list("lesson_id", flat=True))


def record_version(*, owner: Owner | None) -> str:
    """A fingerprint of everything the learner's record holds, in one statement: it
    changes with every attempt started, answer given, lesson read and review moved,
    so a page built from the record can be cached under it (core.page_cache).

    Plain SQL, for the same reason as the quiz answer's (quiz.selectors.answer_target):
    it is read on every visit to the progress page, and building it with the ORM
    cost more than the rest of a cached visit.
    """
    if owner is None:
        return "none"
    quote = connection.ops.quote_name
    parts, params = [], []
    for model, aggregates in [
        (Attempt, ("COUNT(*)", "MAX(t.id)", "SUM(t.answered)")),
        (LessonRead, ("COUNT(*)", "MAX(t.id)")),
        (ReviewItem, ("COUNT(*)", "MAX(t.due_at)", "SUM(t.right_in_a_row)")),
    ]:
        owned, owned_params = owner.where("t")
        table = quote(model._meta.db_table)
        for aggregate in aggregates:
            # Table names from the models, values as parameters.
            parts.append(f"(SELECT {aggregate} FROM {table} t WHERE {owned})")  # noqa: S608
            params += owned_params
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        row = cursor.fetchone()
    return f"{owner.visitor}:{owner.user_id}:" + ":".join(map(str, row))


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


# --------------------------------------------------------------------------- the progress page


@dataclass(frozen=True, slots=True)
class OutlineQuiz:
    pk: int
    title: str
    url: str
    pass_mark: int


@dataclass(frozen=True, slots=True)
class OutlineLesson:
    pk: int
    label: str  # "Lesson 4"
    title: str
    url: str
    quiz: OutlineQuiz | None


@dataclass(frozen=True, slots=True)
class OutlineLevel:
    name: str
    slug: str
    is_track: bool  # on the learning path (not the Strategies)
    lessons: tuple[OutlineLesson, ...]


def course_outline() -> tuple[OutlineLevel, ...]:
    """Every published level with its lessons and their quizzes, the same for every
    learner: kept in the cache with the pages, and renewed with them when content
    is saved (core.page_cache)."""
    version = cache.get_or_set(VERSION_KEY, 1, None)
    return cache.get_or_set(f"progress-outline:{version}", _outline, PAGE_CACHE_SECONDS)


def _outline() -> tuple[OutlineLevel, ...]:
    quizzes: dict[int, OutlineQuiz] = {}
    for quiz in Quiz.objects.published().only("lesson_id", "slug", "title", "pass_mark"):
        quizzes.setdefault(
            quiz.lesson_id,
            OutlineQuiz(
                pk=quiz.pk, title=quiz.title, url=quiz.get_absolute_url(), pass_mark=quiz.pass_mark
            ),
        )
    levels: dict[int, tuple[Level, list[OutlineLesson]]] = {}
    lessons = Lesson.objects.published().select_related("level")
    for lesson in lessons.only(
        "level",
        "number",
        "slug",
        "title",
        "level__kind",
        "level__name",
        "level__slug",
        "level__position",
    ):
        level, found = levels.setdefault(lesson.level_id, (lesson.level, []))
        found.append(
            OutlineLesson(
                pk=lesson.pk,
                label=f"{level.item_label} {lesson.number}",
                title=lesson.title,
                url=lesson.get_absolute_url(),
                quiz=quizzes.get(lesson.pk),
            )
        )
    return tuple(
        OutlineLevel(
            name=level.name,
            slug=level.slug,
            is_track=level.kind == Level.Kind.TRACK,
            lessons=tuple(found),
        )
        for level, found in levels.values()
    )


@dataclass(frozen=True, slots=True)
class LastAttempt:
    """The latest whole-quiz attempt at a quiz, finished or not."""

    started_at: datetime
    finished: bool
    correct: int | None
    total: int
    percent: int | None
    url: str  # its results, or where it stopped


@dataclass(frozen=True, slots=True)
class LessonRecord:
    lesson: OutlineLesson
    read: bool
    best: int | None = None  # the best whole-quiz percentage, None if none finished
    last: LastAttempt | None = None

    @property
    def passed(self) -> bool:
        quiz = self.lesson.quiz
        return quiz is not None and self.best is not None and self.best >= quiz.pass_mark


@dataclass(frozen=True, slots=True)
class LevelRecord:
    level: OutlineLevel
    lessons: list[LessonRecord]

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
    Two queries, whatever the learner's history: their attempts, their lessons read."""
    attempts = (
        Attempt.objects.owned_by(owner)
        .full()
        .order_by("-started_at", "-pk")
        .values_list("pk", "quiz_id", "started_at", "finished_at", "correct", "total", "percent")
    )
    read = read_lesson_ids(owner=owner)
    best: dict[int, int] = {}
    last: dict[int, LastAttempt] = {}
    unfinished = None
    for pk, quiz_id, started_at, finished_at, correct, total, percent in attempts:  # newest first
        if quiz_id not in last:
            finished = finished_at is not None
            name = "quiz:results" if finished else "quiz:resume"
            last[quiz_id] = LastAttempt(
                started_at=started_at,
                finished=finished,
                correct=correct,
                total=total,
                percent=percent,
                url=reverse(name, kwargs={"attempt_id": pk}),
            )
            if not finished and unfinished is None:
                unfinished = (quiz_id, last[quiz_id].url)
        if percent is not None:
            best[quiz_id] = max(best.get(quiz_id, 0), percent)
    levels = []
    for level in course_outline():
        records = []
        for lesson in level.lessons:
            quiz_id = lesson.quiz.pk if lesson.quiz is not None else None
            records.append(
                LessonRecord(
                    lesson=lesson,
                    read=lesson.pk in read,
                    best=best.get(quiz_id),
                    last=last.get(quiz_id),
                )
            )
        levels.append(LevelRecord(level=level, lessons=records))
    return Progress(
        levels=levels,
        next_step=_next_step(levels, unfinished),
        review=review_summary(review, at=at),
    )


def _next_step(levels: list[LevelRecord], unfinished: tuple[int, str] | None) -> NextStep | None:
    """Finish the quiz left half-way most recently; else the first lesson of the path
    not read, or read but with its quiz not passed. None once all are done."""
    records = [record for level in levels if level.level.is_track for record in level.lessons]
    if unfinished is not None:
        quiz_id, url = unfinished
        for record in records:
            quiz = record.lesson.quiz
            if quiz is not None and quiz.pk == quiz_id:
                return NextStep(
                    action=f"Finish the quiz “{quiz.title}”",
                    url=url,
                    why="You stopped part-way through it.",
                )
    for record in records:
        lesson, quiz = record.lesson, record.lesson.quiz
        name = f"{lesson.label}: {lesson.title}"
        if not record.read:
            return NextStep(
                action=f"Read {name}",
                url=lesson.url,
                why="It is the first lesson on the path that you have not read yet.",
            )
        if quiz is not None and not record.passed:
            taken = record.best is not None
            return NextStep(
                action=f"{'Retake' if taken else 'Take'} the quiz “{quiz.title}”",
                url=quiz.url,
                why=(
                    f"Your best score is {record.best}%; the pass mark is {quiz.pass_mark}%."
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
