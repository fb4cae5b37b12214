"""Shared checks for a lesson quiz's numeric questions, as the content loaded them."""

from decimal import Decimal

from quiz.computations import COMPUTATIONS
from quiz.grading import grade_numeric
from quiz.models import AttemptQuestion, Question
from quiz.numeric import draw_figures


def numeric_questions(slug: str) -> list[Question]:
    questions = Question.objects.filter(quiz__slug=slug, kind=Question.Kind.NUMERIC)
    return list(questions.order_by("position"))


def check_drawn_questions(slug: str, seeds: range = range(25)) -> None:
    """Every seed draws figures whose texts are filled in and whose mistakes are recognised."""
    for question in numeric_questions(slug):
        computation = COMPUTATIONS[question.computation]
        # The file recognises every mistake its computation can detect.
        assert set(question.mistakes) == set(computation.mistakes), question.computation
        for seed in seeds:
            figures = draw_figures(
                computation=computation,
                spec=question.figures,
                seed=seed,
                tolerance=question.tolerance,
                mistakes=set(question.mistakes),
            )
            entry = AttemptQuestion(question=question, number=1, seed=seed, figures=figures)
            assert entry.solution.answer > 0
            texts = [entry.prompt, entry.explanation]
            texts += [entry.mistake_feedback(key) for key in entry.mistakes]
            assert not [text for text in texts if "{" in text], (question.computation, figures)
            for key, value in entry.mistakes.items():
                grade = grade_numeric(
                    value=Decimal(value),
                    answer=entry.solution.answer,
                    mistakes=entry.mistakes,
                    tolerance=question.tolerance,
                )
                assert not grade.is_correct
                assert grade.mistake == key, (question.computation, figures, key, grade.mistake)
