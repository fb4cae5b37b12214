"""Lesson 12's quiz: its computations agree with the engine's Binance Portfolio Margin rule
and the lesson's worked examples, every figure its questions can draw makes a question
whose mistakes are told apart, and a learner can take it to the end."""

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
from tests.curriculum.test_lesson_11_quiz import every_draw_is_a_question

LESSON = Path(__file__).resolve().parents[2] / "content/advanced/12-portfolio-margin.md"
CENT = Decimal("0.01")


def solve(key: str, figures: dict):
    return COMPUTATIONS[key].solve(figures)


def test_the_unimmr_of_the_lessons_pair():
    """$1,000 wallet, BTC down 7% to 55,800: equity $160 over $115.80 = 138.17%."""
    result = solve("l12_unimmr", {"balance": "1000", "fall": "7"})
    assert result.answer.quantize(CENT) == Decimal("138.17")
    assert result.working["equity"] == 160 and result.working["maintenance"] == Decimal("115.8")
    assert result.mistakes["inverse"] == Decimal("72.375")
    assert result.mistakes["no_pnl"] == Decimal(1000) / Decimal("115.8") * 100
    assert result.mistakes["entry_maintenance"] == Decimal(160) / Decimal(120) * 100


@pytest.mark.parametrize(("fall", "answer"), [("0", "874"), ("7", "38.41")])
def test_the_loss_to_liquidation_is_down_to_105_percent(fall, answer):
    result = solve("l12_loss_to_liquidation", {"balance": "1000", "fall": fall})
    assert result.answer == Decimal(answer)  # the lesson's
    equity, maintenance = result.working["equity"], result.working["maintenance"]
    assert result.mistakes == {
        "at_100": equity - maintenance,
        "at_120": equity - Decimal("1.2") * maintenance,
        "at_150": equity - Decimal("1.5") * maintenance,
    }


def test_the_adjusted_equity_with_btc_in_the_margin_account():
    """0.1 BTC at 55,200 x 95% = $5,244, and $40 of USDT at 99.99%: $5,283.996."""
    result = solve("l12_adjusted_equity", {"btc": "0.1", "balance": "1000", "fall": "8"})
    assert result.answer == Decimal("5283.996")
    assert result.working["btc_value"] == 5244 and result.working["usdt"] == 40
    assert result.mistakes["no_haircut"] == 5520 + 40
    assert result.mistakes["btc_at_entry"] == Decimal("5700") + Decimal("39.996")
    assert result.mistakes["no_pnl"] == 5244 + Decimal("999.9")


@pytest.fixture
def quiz(db) -> Quiz:
    return Quiz.objects.get(slug="portfolio-margin")


def test_the_quiz_has_the_shape_the_issue_asks(quiz):
    check_shape(quiz, LESSON)
    assert quiz.lesson.slug == "portfolio-margin"
    assert quiz.questions.filter(kind=Question.Kind.NUMERIC).count() == 3


def test_every_figure_a_question_can_draw_makes_a_question(quiz):
    every_draw_is_a_question(quiz)


def test_every_numeric_question_explains_and_recognises_its_mistakes(quiz):
    check_numeric_questions(quiz)


def test_a_learner_takes_it_to_the_end(client, quiz):
    results = take_to_the_end(client, quiz)
    total = quiz.questions.count()
    assert f"{total} out of {total} (100%)" in results


def test_the_quiz_prints_only_the_lessons_figures(quiz):
    # The ratios its level questions ask about, each placed by the lesson's table.
    assert figures_not_in_the_lesson(quiz, LESSON) == {"110%", "130%", "140%", "400%"}
