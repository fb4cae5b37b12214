"""Lesson 11's quiz: its computations agree with the engine's collateral tables and the
lesson's worked examples, every figure its questions can draw makes a question whose
mistakes are told apart, and a learner can take it to the end."""

import itertools
from decimal import Decimal
from pathlib import Path

import pytest

from quiz.computations import COMPUTATIONS
from quiz.models import Question, Quiz
from tests.curriculum.quiz_checks_7_8 import (
    check_numeric_questions,
    check_shape,
    figures_not_in_the_lesson,
    take_to_the_end,
)

LESSON = Path(__file__).resolve().parents[2] / "content/advanced/11-collateral-and-haircuts.md"
CENT = Decimal("0.01")


def solve(key: str, figures: dict):
    return COMPUTATIONS[key].solve(figures)


def test_the_lessons_wallet():
    result = solve("l11_collateral_value", {"btc": "0.2", "eth": "3", "usdt": "5000"})
    assert result.answer == Decimal("24949.50")  # the lesson's
    assert result.mistakes == {
        "no_haircut": 26000,
        "haircut": Decimal("1050.50"),
        "all_at_95": 24700,
    }


@pytest.mark.parametrize(
    ("btc", "counted", "last_ratio"),
    [("25", "23.8", "0.9"), ("12", "11.7", "0.95"), ("45", "40.8", "0.8"), ("5", "4.9", "0.98")],
)
def test_bybits_tiers_each_on_its_part(btc, counted, last_ratio):
    result = solve("l11_tiered_value", {"btc": btc})
    assert result.answer == Decimal(counted) * 60000
    assert result.working["counted_btc"] == Decimal(counted)
    assert result.mistakes["whole_at_last_tier"] == Decimal(btc) * 60000 * Decimal(last_ratio)
    assert result.mistakes["first_tier"] == Decimal(btc) * 60000 * Decimal("0.98")


@pytest.mark.parametrize("btc", ["0.4", "0.8", "1"])
def test_the_long_on_btc_solves_the_lessons_equation(btc):
    """btc x 0.95 x P + (P - 60,000) - 0.005 x P = 0; held as USDT instead,
    value + (P - 60,000) - 0.005 x P = 0."""
    result = solve("l11_liquidation_on_btc", {"btc": btc})
    held = Decimal(btc)
    assert result.answer == pytest.approx(
        60000 / (held * Decimal("0.95") + Decimal("0.995")), abs=Decimal("1e-18")
    )
    value = held * Decimal("0.95") * 60000
    assert result.mistakes["as_usdt"] == pytest.approx((60000 - value) / Decimal("0.995"))
    assert result.mistakes["no_haircut"] == pytest.approx(60000 / (held + Decimal("0.995")))
    if btc == "1":
        assert result.answer.quantize(CENT) == Decimal("30848.33")
        assert result.mistakes["as_usdt"].quantize(CENT) == Decimal("3015.08")


def test_the_margin_ratio_at_a_fall_of_30_percent():
    result = solve("l11_margin_ratio", {"fall": "30"})
    assert result.answer.quantize(CENT) == Decimal("0.96")  # the lesson's 0.96%
    assert result.working["equity"] == 21900 and result.working["maintenance"] == 210
    assert result.mistakes["no_pnl"] == Decimal(210) / Decimal(39900) * 100
    assert result.mistakes["no_haircut"] == Decimal(210) / Decimal(24000) * 100


@pytest.fixture
def quiz(db) -> Quiz:
    return Quiz.objects.get(slug="collateral-and-haircuts")


def test_the_quiz_has_the_shape_the_issue_asks(quiz):
    check_shape(quiz, LESSON)
    assert quiz.lesson.slug == "collateral-and-haircuts"
    assert quiz.questions.filter(kind=Question.Kind.NUMERIC).count() == 4


def every_draw_is_a_question(quiz: Quiz) -> None:
    """The figures are lists: try every combination, not just a few draws."""
    for question in quiz.questions.filter(kind=Question.Kind.NUMERIC):
        names = list(question.figures)
        for drawn in itertools.product(*(question.figures[name]["choices"] for name in names)):
            figures = {name: str(value) for name, value in zip(names, drawn, strict=True)}
            result = question.computation_spec.solve(figures)
            values = [result.answer, *result.mistakes.values()]
            for i, value in enumerate(values):
                for other in values[i + 1 :]:
                    assert not question.tolerance.allows(value=value, target=other), figures


def test_every_figure_a_question_can_draw_makes_a_question(quiz):
    every_draw_is_a_question(quiz)


def test_every_numeric_question_explains_and_recognises_its_mistakes(quiz):
    check_numeric_questions(quiz)


def test_a_learner_takes_it_to_the_end(client, quiz):
    results = take_to_the_end(client, quiz)
    total = quiz.questions.count()
    assert f"{total} out of {total} (100%)" in results


def test_the_quiz_prints_only_the_lessons_figures(quiz):
    assert figures_not_in_the_lesson(quiz, LESSON) == set()
