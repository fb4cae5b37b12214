"""What a question page or the results page shows about a question and its answer.

Before a question is answered only its prompt and the choices' text leave the
server; correct flags, feedback and explanations only once it is answered.
"""

from dataclasses import dataclass
from functools import partial

from django.utils.functional import SimpleLazyObject

from core.page_cache import content_version
from quiz import numeric
from quiz.models import AttemptQuestion, Question, lesson_sections


@dataclass(frozen=True, slots=True)
class Option:
    value: int
    text: str
    id: str
    chosen: bool = False
    correct: bool = False


@dataclass(frozen=True, slots=True)
class Feedback:
    is_correct: bool
    your_answer: tuple[str, ...]
    right_answer: tuple[str, ...]
    notes: tuple[str, ...]
    explanation: str
    section_url: str
    section_title: str


def _response(item: AttemptQuestion):
    return getattr(item, "response", None)


def options_for(item: AttemptQuestion) -> list[Option]:
    """The choices of an answered question, marked chosen and correct.

    Before an answer the form shows the choices' text only (quiz.forms).
    """
    response = _response(item)
    if response is None:
        raise ValueError("Correct flags are shown only once the question is answered.")
    chosen = response.chosen_ids
    return [
        Option(
            value=choice.pk,
            text=choice.text,
            id=f"answer_{index}",
            chosen=choice.pk in chosen,
            correct=choice.is_correct,
        )
        for index, choice in enumerate(item.question.choices.all())
    ]


def feedback_for(item: AttemptQuestion, *, sections: dict[str, str]) -> Feedback | None:
    """The verdict, both answers, notes and explanation; None while unanswered."""
    response = _response(item)
    if response is None:
        return None
    question = item.question
    if question.is_numeric:
        computation = question.computation_spec
        assert computation is not None  # a numeric question names one
        # As read; as typed for an answer from before answers had a range (no number).
        your_answer = (
            numeric.show_answer(computation, response.number)
            if response.number is not None
            else response.text,
        )
        right_answer = (numeric.show_answer(computation, response.expected),)
        notes = (response.mistake_feedback,) if response.mistake_feedback else ()
    else:
        chosen_ids = response.chosen_ids
        choices = list(question.choices.all())
        chosen = [choice for choice in choices if choice.pk in chosen_ids]
        your_answer = tuple(choice.text for choice in chosen)
        right_answer = tuple(choice.text for choice in choices if choice.is_correct)
        several = question.kind == Question.Kind.MULTIPLE and len(chosen) > 1
        notes = tuple(
            f"“{choice.text}”: {choice.feedback}" if several else choice.feedback
            for choice in chosen
            if choice.feedback
        )
    lesson = item.attempt.quiz.lesson
    return Feedback(
        is_correct=response.is_correct,
        your_answer=your_answer,
        right_answer=right_answer,
        notes=notes,
        explanation=item.explanation,
        section_url=f"{lesson.get_absolute_url()}#{question.lesson_section}",
        section_title=sections.get(question.lesson_section, lesson.title),
    )


def feedback_when_shown(
    item: AttemptQuestion, *, sections: dict[str, str] | None = None
) -> SimpleLazyObject:
    """feedback_for an answered item, worked out only if the page draws it: not where
    the verdict is kept rendered (quiz/question.html). Without `sections`, the
    lesson's own."""

    def work_out() -> Feedback | None:
        return feedback_for(item, sections=sections or lesson_sections(item.attempt.quiz.lesson))

    return SimpleLazyObject(work_out)


def question_context(item: AttemptQuestion, *, form, feedback: Feedback | None) -> dict:
    """What a page asking a question puts in quiz/question.html's partials (the quiz's
    own page and the review's): the form to answer with its errors, or once answered
    the locked question with the choices marked and the feedback."""
    answered = feedback is not None
    return {
        "answered": answered,
        "fragment_key": _fragment_key(item) if answered else "",
        "item": item,
        "prompt": item.prompt,
        "kind": item.question.kind,
        "form": None if answered else form,  # answered: a result to read, not a form
        "errors": [] if answered else form.error_summary(),
        # Called by the template only if it draws the choices, not when it has them kept.
        "options": partial(options_for, item) if answered and not item.question.is_numeric else [],
        "typed": item.response.text if answered else "",
        "feedback": feedback,
    }


def _fragment_key(item: AttemptQuestion) -> str:
    """What the locked question and the verdict depend on, for keeping them rendered
    (quiz/question.html): for a choice question, its content and the choices picked;
    none for a numeric one, whose figures are the attempt's own."""
    if item.question.is_numeric:
        return ""
    chosen = ",".join(str(pk) for pk in sorted(item.response.chosen_ids))
    return f"{content_version()}:{item.question_id}:{chosen}"
