"""Checks every curriculum quiz must pass, shared by the tests of each lesson's quiz:
its shape (as issue 12 asks), its numeric questions asked with many draws, and a
learner taking it to the end."""

import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

from django.test import Client

from quiz.grading import grade_numeric
from quiz.models import Attempt, AttemptQuestion, Question, Quiz

OBJECTIVE = re.compile(r"^\d+\. ", re.M)


def objectives_of(lesson: Path) -> int:
    """How many learning objectives the lesson's "What you will learn" list holds."""
    text = lesson.read_text()
    section = text.split("{#objectives}", 1)[1].split("\n## ", 1)[0]
    return len(OBJECTIVE.findall(section))


def check_shape(quiz: Quiz, lesson: Path) -> None:
    questions = list(quiz.questions.prefetch_related("choices"))
    assert len(questions) >= 8
    numeric = [q for q in questions if q.is_numeric]
    assert len(numeric) >= 3
    count = objectives_of(lesson)
    assert {q.objective for q in questions} == set(range(1, count + 1))  # each one checked
    for question in numeric:
        computation = question.computation_spec
        assert set(question.mistakes) == set(computation.mistakes), question.computation
    places = Counter()
    for question in questions:
        if question.kind == Question.Kind.SINGLE:
            choices = list(question.choices.all())
            assert all(choice.feedback for choice in choices)
            places[next(i for i, c in enumerate(choices) if c.is_correct)] += 1
    assert len(places) >= 2  # the right answer is not always in the same place


def ask(question: Question, seed: int) -> AttemptQuestion:
    return AttemptQuestion(
        question=question, number=1, seed=seed, figures=question.draw_figures(seed=seed)
    )


def check_numeric_questions(quiz: Quiz, seeds: range = range(8)) -> None:
    """Every draw explains with no placeholder left, and each mistake's value, typed, is
    recognised as that mistake (or one with the same value), with its feedback."""
    for question in quiz.questions.filter(kind=Question.Kind.NUMERIC):
        for seed in seeds:
            entry = ask(question, seed)
            texts = [entry.prompt, entry.explanation]
            texts += [entry.mistake_feedback(key) for key in entry.mistakes]
            for text in texts:
                assert "{" not in text, (question.computation, text)
            for key, value in entry.mistakes.items():
                grade = grade_numeric(
                    value=value,
                    answer=entry.solution.answer,
                    mistakes=entry.mistakes,
                    tolerance=question.tolerance,
                )
                assert not grade.is_correct, (question.computation, key, entry.figures)
                assert entry.mistakes[grade.mistake] == value, (question.computation, key)


def typed(entry: AttemptQuestion) -> str:
    """The right answer as a learner would type it: to the cent, with no $ sign."""
    return f"{entry.solution.answer.quantize(Decimal('0.01')):f}"


def take_to_the_end(client: Client, quiz: Quiz) -> str:
    """Answer every question right; the results page."""
    client.post(quiz.get_absolute_url())
    attempt = Attempt.objects.filter(quiz=quiz).latest("pk")
    items = attempt.items.select_related("question").order_by("number")
    for item in items:
        if item.question.is_numeric:
            answer = {"answer": typed(item)}
        else:
            answer = {"answer": [c.pk for c in item.question.choices.all() if c.is_correct]}
        assert client.post(item.get_absolute_url(), answer).status_code == 302
    return client.get(attempt.get_results_url()).content.decode()


FIGURE = re.compile(r"\$\d[\d,]*(?:\.\d+)?|\d[\d,]*\.\d+%?|\d+%")


def figures_not_in_the_lesson(quiz: Quiz, lesson: Path) -> set[str]:
    """The figures the quiz's fixed texts print that its lesson does not (where the lesson's
    figures test recomputes them). Numeric prompts quote their venue's data, checked apart."""
    texts = [quiz.intro]
    for question in quiz.questions.prefetch_related("choices"):
        texts += [question.explanation, *question.mistakes.values()]
        if not question.is_numeric:
            texts.append(question.prompt)
        for choice in question.choices.all():
            texts += [choice.text, choice.feedback]
    text = lesson.read_text()
    return {
        figure.rstrip(",.")
        for figure in FIGURE.findall(" ".join(texts))
        if figure.rstrip(",.") not in text
    }
