"""Checks the quizzes of lessons 5 and 6 share: the shape issue 12 asks of a quiz, figures
that always make a question, and a learner taking it to the end."""

import re
from decimal import Decimal

from django.test import Client

from quiz.computations import COMPUTATIONS
from quiz.models import Attempt, Question, Quiz

CENT = Decimal("0.01")


def objectives(body: str) -> int:
    """How many learning objectives the lesson lists under "What you will learn"."""
    section = body.split("{#what-you-will-learn}", 1)[1].split("\n## ", 1)[0]
    return len(re.findall(r"^\d+\. ", section, re.M))


def assert_quiz_is_well_formed(quiz: Quiz, *, numeric_keys: set[str]) -> None:
    questions = list(quiz.questions.prefetch_related("choices").order_by("position"))
    numeric = [q for q in questions if q.kind == Question.Kind.NUMERIC]
    assert len(questions) >= 8
    assert len(numeric) >= 3
    assert {q.computation for q in numeric} == numeric_keys
    listed = objectives(quiz.lesson.body)
    assert listed >= 4
    # Every objective is checked, and no question names one the lesson does not list.
    assert {q.objective for q in questions} == set(range(1, listed + 1))
    right_places = set()
    for question in questions:
        assert question.explanation.strip()
        if question.kind == Question.Kind.NUMERIC:
            # Every mistake the engine can tell apart is recognised, with its own feedback.
            assert set(question.mistakes) == set(COMPUTATIONS[question.computation].mistakes)
            assert all(text.strip() for text in question.mistakes.values())
            continue
        choices = list(question.choices.order_by("position"))
        assert all(choice.feedback.strip() for choice in choices)
        if question.kind == Question.Kind.SINGLE:
            right_places.add(next(i for i, c in enumerate(choices) if c.is_correct))
    assert len(right_places) >= 3  # the right answer is not always in the same place


def assert_drawn_figures_make_questions(quiz: Quiz, seeds: range = range(40)) -> None:
    """Figures drawn for any attempt have a positive answer no recognised mistake lands on."""
    for question in quiz.questions.filter(kind=Question.Kind.NUMERIC):
        computation = COMPUTATIONS[question.computation]
        for seed in seeds:
            result = computation.solve(question.draw_figures(seed=seed))
            assert result.answer > 0
            for key, value in result.mistakes.items():
                if key in question.mistakes:
                    assert not question.tolerance.allows(value=value, target=result.answer)
            assert set(result.working) == computation.working_names


def take_to_the_end(client: Client, quiz: Quiz) -> None:
    """Start the quiz, answer every question right, and see the result page."""
    assert client.post(quiz.get_absolute_url()).status_code == 302
    attempt = Attempt.objects.get(quiz=quiz)
    items = list(attempt.items.select_related("question").order_by("number"))
    for item in items:
        if item.question.kind == Question.Kind.NUMERIC:
            answer = {"answer": str(item.solution.answer.quantize(CENT))}
        else:
            answer = {"answer": [c.pk for c in item.question.choices.all() if c.is_correct]}
        response = client.post(item.get_absolute_url(), answer)
        assert response.status_code == 302, response.content.decode()[:500]
    results = client.get(attempt.get_results_url()).content.decode()
    assert f"{len(items)} out of {len(items)} (100%)" in results
    assert "You passed" in results
