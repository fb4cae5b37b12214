"""Quizzes from the content folder (docs/authoring.md).

    content/<level-slug>/NN-<slug>.quiz.yaml    the quiz of the lesson NN-<slug>.md beside it

A file is checked twice over: its shape by the schema below, then every value
by the models' own validation (`full_clean`, `Question.clean`, `choice_problems`),
the same rules the admin applies. Loaded by `manage.py load_content`
(core.content), which keeps admin edits: the snapshot a quiz is compared by
covers its questions and choices too, so editing one question in the admin
keeps the whole quiz as edited.
"""

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

import pydantic
from django.core.exceptions import ValidationError
from django.db.models import Prefetch

from core.content import ContentRun
from lessons.content import lesson_for_file, read_lesson_file
from lessons.models import Lesson
from quiz.models import AttemptQuestion, Choice, Question, Quiz, Response, choice_problems

QUIZ_SUFFIX = ".quiz.yaml"

# Model fields under the names the files give them.
FILE_NAMES = {
    "lesson_section": "section",
    "is_correct": "correct",
    "is_published": "published",
    "tolerance_percent": "tolerance, percent",
    "tolerance_minimum": "tolerance, minimum",
}


class _Strict(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", strict=True)


# YAML reads 1 as an int and 0.5 as a Decimal; both are fine here.
Amount = Annotated[Decimal, pydantic.Field(strict=False)]


class ChoiceFile(_Strict):
    text: str
    correct: bool
    feedback: str = ""


class ToleranceFile(_Strict):
    percent: Amount = Decimal("0.5")
    minimum: Amount = Decimal(1)


class QuestionFile(_Strict):
    kind: Literal["single", "multiple", "numeric"]
    objective: Annotated[int, pydantic.Field(ge=1)] | None = None
    section: str
    prompt: str
    explanation: str
    choices: list[ChoiceFile] = []
    computation: str = ""
    figures: dict[str, Any] = {}
    tolerance: ToleranceFile = ToleranceFile()
    mistakes: dict[str, str] = {}


class QuizFile(_Strict):
    title: str
    slug: str | None = None  # default: the lesson's
    intro: str = ""
    pass_mark: int = 80
    published: bool = True
    questions: Annotated[list[QuestionFile], pydantic.Field(min_length=1)]


# ----------------------------------------------------------------------------- snapshots


def quiz_snapshot(quiz: Quiz, questions: list[tuple[Question, list[Choice]]]) -> dict:
    """A quiz with its questions and choices, in one form for a file's values and a row's."""
    return {
        "lesson": quiz.lesson_id,
        "title": quiz.title,
        "slug": quiz.slug,
        "intro": quiz.intro,
        "pass_mark": quiz.pass_mark,
        "published": quiz.is_published,
        "questions": [
            {
                "position": question.position,
                "kind": question.kind,
                "objective": question.objective,
                "section": question.lesson_section,
                "prompt": question.prompt,
                "explanation": question.explanation,
                "computation": question.computation,
                "figures": question.figures,
                "tolerance": [
                    Decimal(question.tolerance_percent),
                    Decimal(question.tolerance_minimum),
                ],
                "mistakes": question.mistakes,
                "choices": [
                    {
                        "position": choice.position,
                        "text": choice.text,
                        "correct": choice.is_correct,
                        "feedback": choice.feedback,
                    }
                    for choice in choices
                ],
            }
            for question, choices in questions
        ],
    }


def stored_snapshot(quiz: Quiz) -> dict:
    """The snapshot of a quiz as the database holds it now."""
    questions = (
        Question.objects.filter(quiz=quiz)
        .live()
        .order_by("position")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("position")))
    )
    return quiz_snapshot(quiz, [(question, list(question.choices.all())) for question in questions])


# ----------------------------------------------------------------------------- loading


def load_quizzes(run: ContentRun) -> None:
    slugs: dict[str, Path] = {}
    for path in sorted(run.root.glob(f"*/*{QUIZ_SUFFIX}")):
        _load_quiz(run, path, slugs)


def stored_figures(value: Any) -> Any:
    """Figures as the admin's JSON holds them: numbers as strings, exactly as written."""
    if isinstance(value, Mapping):
        return {str(key): stored_figures(item) for key, item in value.items()}
    if isinstance(value, list):
        return [stored_figures(item) for item in value]
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return str(value)
    return value


def _renamed(error: ValidationError) -> ValidationError:
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {FILE_NAMES.get(name, name): errors for name, errors in error.error_dict.items()}
    )


def _lesson(run: ContentRun, path: Path) -> Lesson | None:
    """The quiz's lesson, with the body its file gives it (see below); None if it has none."""
    lesson_path = path.with_name(path.name.removesuffix(QUIZ_SUFFIX) + ".md")
    if not lesson_path.is_file():
        run.problem(
            path,
            "",
            f"has no lesson beside it: a quiz is named after its lesson, here {lesson_path.name}",
        )
        return None
    lesson = lesson_for_file(lesson_path)
    # The lesson file's own mistakes are the lessons loader's to report.
    read = read_lesson_file(ContentRun(run.root), lesson_path)
    if lesson is None or read is None:
        run.problem(path, "", f"its lesson, {lesson_path.name}, could not be loaded: fix it first")
        return None
    # Sections are checked against the lesson as its file has it, so that the files
    # are right or wrong by themselves: an admin's edit to the lesson changes neither.
    lesson.body = read[1]
    return lesson


def _load_quiz(run: ContentRun, path: Path, slugs: dict[str, Path]) -> None:
    problems = len(run.problems)
    data = run.read_yaml(path)
    if len(run.problems) > problems:
        return
    spec = run.schema(path, QuizFile, data)
    lesson = _lesson(run, path)
    if spec is None:
        return
    slug = spec.slug or (lesson.slug if lesson else path.name.removesuffix(QUIZ_SUFFIX))
    if slug in slugs:
        run.problem(path, "slug", f"“{slug}” is also the slug of {run.name(slugs[slug])}")
    slugs[slug] = path
    row = Quiz.objects.filter(slug=slug).first()
    quiz = Quiz(
        pk=row.pk if row else None,
        lesson=lesson,
        title=spec.title.strip(),
        slug=slug,
        intro=spec.intro.strip(),
        pass_mark=spec.pass_mark,
        is_published=spec.published,
    )
    quiz._state.adding = row is None  # so its own slug is not taken for another quiz's
    try:
        quiz.full_clean(exclude=[] if lesson else ["lesson"])
    except ValidationError as error:
        run.model_errors(path, _renamed(error))
    questions = [
        _question(run, path, quiz, number, item)
        for number, item in enumerate(spec.questions, start=1)
    ]
    if len(run.problems) > problems or lesson is None:
        return  # nothing is written from a file with a mistake
    if not run.should_write(
        label=f"Quiz {slug}",
        row=row,
        incoming=quiz_snapshot(quiz, questions),
        current=lambda: stored_snapshot(row),
    ):
        return
    _write(quiz, questions, row)
    run.stamp(quiz, stored_snapshot(quiz))


def _question(
    run: ContentRun, path: Path, quiz: Quiz, number: int, item: QuestionFile
) -> tuple[Question, list[Choice]]:
    where = f"question {number}"
    question = Question(
        quiz=quiz,
        position=number,
        kind=item.kind,
        objective=item.objective,
        lesson_section=item.section,
        prompt=item.prompt.strip(),
        explanation=item.explanation.strip(),
        computation=item.computation,
        figures=stored_figures(item.figures),
        mistakes={key: text.strip() for key, text in item.mistakes.items()},
        tolerance_percent=item.tolerance.percent,
        tolerance_minimum=item.tolerance.minimum,
    )
    try:
        question.full_clean(exclude=["quiz"])
    except ValidationError as error:
        run.model_errors(path, _renamed(error), where=where)
    choices = []
    for position, given in enumerate(item.choices, start=1):
        choice = Choice(
            question=question,
            position=position,
            text=given.text.strip(),
            is_correct=given.correct,
            feedback=given.feedback.strip(),
        )
        try:
            choice.full_clean(exclude=["question"])
        except ValidationError as error:
            run.model_errors(path, _renamed(error), where=f"{where}, choice {position}")
        choices.append(choice)
    for problem in choice_problems(item.kind, [choice.is_correct for choice in choices]):
        run.problem(path, f"{where}, choices", problem)
    return question, choices


QUESTION_FIELDS = (
    "kind",
    "objective",
    "lesson_section",
    "prompt",
    "explanation",
    "computation",
    "figures",
    "mistakes",
    "tolerance_percent",
    "tolerance_minimum",
)
# Above any position a file gives: where questions wait while they change places.
ASIDE = 10_000


def _write(quiz: Quiz, questions: list[tuple[Question, list[Choice]]], row: Quiz | None) -> None:
    """Write the file's questions over the stored ones they are (`_matches`); a stored
    question the file no longer has, or changes beyond what its answers allow, is
    retired, never deleted: attempts that asked it keep it, answers and all."""
    quiz.content_hash = row.content_hash if row else ""
    quiz.save()
    matches = _matches(quiz, questions)
    kept = [match.pk for match in matches if match is not None]
    quiz.questions.live().exclude(pk__in=kept).update(is_retired=True)
    # Live positions are unique, so the kept questions step aside before taking theirs.
    for (question, _), match in zip(questions, matches, strict=True):
        if match is not None:
            Question.objects.filter(pk=match.pk).update(
                position=ASIDE + question.position, is_retired=False
            )
    for (question, choices), match in zip(questions, matches, strict=True):
        fields = {name: getattr(question, name) for name in QUESTION_FIELDS}
        if match is None:
            match = Question.objects.create(quiz=quiz, position=question.position, **fields)
        else:
            Question.objects.filter(pk=match.pk).update(position=question.position, **fields)
        for choice in choices:
            Choice.objects.update_or_create(
                question=match,
                position=choice.position,
                defaults={
                    "text": choice.text,
                    "is_correct": choice.is_correct,
                    "feedback": choice.feedback,
                },
            )
        # No answer picked these (`_can_carry`).
        match.choices.filter(position__gt=len(choices)).delete()


def _matches(quiz: Quiz, questions: list[tuple[Question, list[Choice]]]) -> list[Question | None]:
    """Which stored question each of the file's is, in the file's order: the one with
    its prompt (a live one first, else a retired one, which comes back), else the live
    one at its position (the same question reworded). None for a new question."""
    free = list(quiz.questions.order_by("position", "pk"))
    found: list[Question | None] = [None] * len(questions)

    def match(pick) -> None:
        for index, (question, _) in enumerate(questions):
            if found[index] is None:
                same = next((stored for stored in free if pick(stored, question)), None)
                if same is not None:
                    found[index] = same
                    free.remove(same)

    match(lambda stored, question: not stored.is_retired and stored.prompt == question.prompt)
    match(lambda stored, question: stored.is_retired and stored.prompt == question.prompt)
    match(lambda stored, question: not stored.is_retired and stored.position == question.position)
    return [
        stored if stored is not None and _can_carry(stored, question, choices) else None
        for stored, (question, choices) in zip(found, questions, strict=True)
    ]


def _can_carry(stored: Question, question: Question, choices: list[Choice]) -> bool:
    """Whether the stored question may become the file's: yes unless attempts asked it
    and the file changes what their answers mean (its kind or computation) or drops a
    choice one of them picked. Otherwise the file's is a new question."""
    if not AttemptQuestion.objects.filter(question=stored).exists():
        return True
    if (stored.kind, stored.computation) != (question.kind, question.computation):
        return False
    picked = Response.choices.through.objects.filter(
        choice__question=stored, choice__position__gt=len(choices)
    )
    return not picked.exists()
