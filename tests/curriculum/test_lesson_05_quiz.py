"""Lesson 5's quiz: each computation agrees with the engine for hand-picked figures, every
mistake it knows gets its own feedback, and the quiz as loaded can be taken to the end."""

from decimal import Decimal

import pytest

from core.numbers import MINUS
from quiz.computations import COMPUTATIONS, Unusable
from quiz.grading import grade_numeric
from quiz.models import AttemptQuestion, Quiz
from simulator.engine import Account, Position, evaluate, liquidation_price
from tests.curriculum.checks_05_06 import (
    assert_drawn_figures_make_questions,
    assert_quiz_is_well_formed,
    take_to_the_end,
)

SLUG = "mark-price"
ENTRY = Decimal(60000)
# The lesson's examples as quiz figures.
PNL = {"quantity": "0.1", "mark": "58500", "last": "58000"}
RATIO = {"margin": "600", "leverage": "10", "mark": "58500", "last": "58000"}
WICK = {"balance": "2000", "margin": "600", "leverage": "10", "mark": "57600", "last": "53700"}


def solve(key: str, figures: dict):
    return COMPUTATIONS[key].solve(figures)


def lesson_long(margin: str = "600", leverage: str = "10", balance: str = "600") -> Account:
    position = Position.from_notional(
        "BTCUSDT", "long", Decimal(margin) * Decimal(leverage), ENTRY, Decimal(leverage)
    )
    return Account(Decimal(balance), [position])


def at(account: Account, price: str):
    return evaluate(account, {"BTCUSDT": Decimal(price)}).positions[0]


def test_the_unrealized_loss_is_measured_at_the_mark():
    result = solve("l5_unrealized_loss_at_mark", PNL)
    account = lesson_long()
    assert result.answer == -at(account, "58500").unrealized_pnl == 150
    assert result.mistakes == {
        "last_price": -at(account, "58000").unrealized_pnl,  # 200
        "position_value": at(account, "58500").notional,  # 5,850
    }


@pytest.mark.parametrize(
    "figures",
    [
        {**PNL, "last": "58500"},  # no gap between the last price and the mark
        {**PNL, "mark": "61000", "last": "60500"},  # a profit: no loss to ask about
    ],
)
def test_a_loss_question_needs_a_loss_and_a_lower_last_price(figures):
    with pytest.raises(Unusable):
        solve("l5_unrealized_loss_at_mark", figures)


def test_the_margin_ratio_is_the_engines_at_the_mark():
    result = solve("l5_margin_ratio_at_mark", RATIO)
    account = lesson_long()
    mark, last = at(account, "58500"), at(account, "58000")
    assert result.answer == mark.margin_ratio * 100 == Decimal("6.5")
    assert result.mistakes == {
        "inverted": mark.margin_balance / mark.maintenance_margin * 100,
        "no_loss": mark.maintenance_margin / 600 * 100,
        "last_price": last.margin_ratio * 100,  # 7.25
    }
    assert result.working["margin_balance"] == 450
    assert result.working["maintenance_margin"] == Decimal("29.25")


def test_a_mark_past_the_liquidation_price_is_no_margin_ratio_question():
    with pytest.raises(Unusable):
        solve("l5_margin_ratio_at_mark", {**RATIO, "mark": "54000", "last": "53500"})


def test_a_last_price_that_liquidates_is_not_offered_as_a_ratio_mistake():
    result = solve("l5_margin_ratio_at_mark", {**RATIO, "last": "54000"})
    assert "last_price" not in result.mistakes


def test_after_the_wick_the_account_is_valued_at_the_mark():
    result = solve("l5_equity_after_wick", WICK)
    account = lesson_long(balance="2000")
    at_mark = evaluate(account, {"BTCUSDT": Decimal(57600)})
    at_last = evaluate(account, {"BTCUSDT": Decimal(53700)})
    assert not at_mark.positions[0].liquidated and at_last.positions[0].liquidated
    assert result.answer == at_mark.equity == 1760
    assert result.mistakes == {
        "liquidated_on_last": at_last.equity,  # 1,400: the margin lost
        "loss_at_last": 2000 + at_last.positions[0].unrealized_pnl,  # 1,370
        "no_loss": 2000,
    }
    assert result.working["liquidation_price"] == liquidation_price(account, 0)


@pytest.mark.parametrize(
    "figures",
    [
        {**WICK, "last": "55000"},  # the wick stops short of the liquidation price
        {**WICK, "mark": "54000"},  # the mark itself goes past it
    ],
)
def test_a_wick_question_needs_the_last_price_past_the_liquidation_price_and_the_mark_not(
    figures,
):
    with pytest.raises(Unusable):
        solve("l5_equity_after_wick", figures)


# ----------------------------------------------------------------------------- the quiz


@pytest.fixture
def quiz(db) -> Quiz:
    return Quiz.objects.select_related("lesson").get(slug=SLUG)


def test_the_quiz_is_well_formed(quiz):
    assert_quiz_is_well_formed(quiz, numeric_keys={key for key in COMPUTATIONS if key[:3] == "l5_"})


def test_drawn_figures_always_make_questions(quiz):
    assert_drawn_figures_make_questions(quiz)


@pytest.mark.parametrize(
    ("key", "figures", "mistake", "words"),
    [
        ("l5_unrealized_loss_at_mark", PNL, "last_price", "the mark price, 58,500"),
        ("l5_unrealized_loss_at_mark", PNL, "position_value", "worth at the mark, $5,850"),
        ("l5_margin_ratio_at_mark", RATIO, "last_price", "at the mark price, 58,500"),
        ("l5_margin_ratio_at_mark", RATIO, "inverted", "$29.25 ÷ $450"),
        ("l5_margin_ratio_at_mark", RATIO, "no_loss", "the margin balance is $450"),
        ("l5_equity_after_wick", WICK, "liquidated_on_last", "its $600 of margin gone"),
        ("l5_equity_after_wick", WICK, "loss_at_last", "where the loss is $240"),
        ("l5_equity_after_wick", WICK, "no_loss", "the long is $240 down"),
    ],
)
def test_each_mistake_is_recognised_with_its_feedback(quiz, key, figures, mistake, words):
    question = quiz.questions.get(computation=key)
    entry = AttemptQuestion(question=question, number=1, seed=0, figures=figures)
    value = entry.mistakes[mistake]
    grade = grade_numeric(
        value=value,
        answer=entry.solution.answer,
        mistakes=entry.mistakes,
        tolerance=question.tolerance,
    )
    assert not grade.is_correct
    assert grade.mistake == mistake
    feedback = entry.mistake_feedback(mistake)
    assert words in feedback
    assert "{" not in feedback and "{" not in entry.explanation


def test_the_explanations_read_the_lesson_figures(quiz):
    question = quiz.questions.get(computation="l5_margin_ratio_at_mark")
    entry = AttemptQuestion(question=question, number=1, seed=0, figures=RATIO)
    assert "$29.25 ÷ $450 = 6.5%" in entry.explanation
    question = quiz.questions.get(computation="l5_equity_after_wick")
    entry = AttemptQuestion(question=question, number=1, seed=0, figures=WICK)
    assert "about 54,271" in entry.explanation
    assert f"$2,000 {MINUS} $240 = $1,760" in entry.explanation


def test_the_quiz_can_be_taken_to_the_end(client, quiz):
    take_to_the_end(client, quiz)
