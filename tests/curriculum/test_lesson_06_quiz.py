"""Lesson 6's quiz: each computation agrees with the engine for hand-picked figures, every
mistake it knows gets its own feedback, and the quiz as loaded can be taken to the end."""

from decimal import Decimal

import pytest

from core.numbers import money
from quiz.computations import COMPUTATIONS
from quiz.grading import grade_numeric
from quiz.models import AttemptQuestion, Quiz
from simulator.engine import Account, Position, funding_payment, liquidation_price, with_funding
from tests.curriculum.checks_05_06 import (
    assert_drawn_figures_make_questions,
    assert_quiz_is_well_formed,
    take_to_the_end,
)

SLUG = "funding-rates"
ENTRY = Decimal(60000)
# The lesson's position: $10,000 of BTC at 10x ($1,000 of margin), three days at +0.1%.
PAYMENT = {"size": "10000", "leverage": "10", "rate": "0.01", "mark": "63000"}
DAYS = {"size": "10000", "leverage": "10", "rate": "0.1", "days": "3"}


def solve(key: str, figures: dict):
    return COMPUTATIONS[key].solve(figures)


def position(side: str, leverage: int = 10) -> Position:
    return Position.from_notional("BTCUSDT", side, 10000, ENTRY, leverage)


def after(side: str, rate: str, payments: int) -> Account:
    """The lesson's isolated position after `payments` at `rate` (a fraction), mark at entry."""
    opened = position(side)
    account = Account(opened.initial_margin, [opened])
    return with_funding(account, rates={"BTCUSDT": Decimal(rate)}, intervals=payments)


def margin_after(side: str, rate: str, payments: int) -> Decimal:
    return after(side, rate, payments).positions[0].margin


def price_after(rate: str, payments: int) -> Decimal:
    return liquidation_price(after("long", rate, payments), 0)


def test_one_payment_is_the_value_at_the_mark_times_the_rate():
    result = solve("l6_funding_payment", PAYMENT)
    long = position("long")
    paid = funding_payment(long, rate=Decimal("0.0001"), price=63000)
    assert result.answer == paid == Decimal("1.05")  # the lesson's "you would pay $1.05"
    assert result.mistakes == {
        "margin": long.initial_margin * Decimal("0.0001"),  # $0.10
        "entry_value": funding_payment(long, rate=Decimal("0.0001"), price=ENTRY),  # $1.00
        "not_divided": funding_payment(long, rate=Decimal("0.01"), price=63000),  # $105
        "per_day": paid * 3,
    }


def test_a_short_receives_a_positive_rate_for_three_days():
    result = solve("l6_margin_after_funding", DAYS)
    assert result.answer == margin_after("short", "0.001", 9) == 1090  # as in the lesson
    assert result.mistakes == {
        "wrong_sign": margin_after("short", "-0.001", 9),  # 910: paid instead
        "one_per_day": margin_after("short", "0.001", 3),  # 1,030
        "hourly": margin_after("short", "0.001", 72),  # 1,720
        "on_margin": margin_after("short", "0.0001", 9),  # 0.1% of the $1,000 margin: 1,009
    }
    assert result.working["payment"] == 10
    assert result.working["payments"] == 9


def test_a_long_pays_and_its_liquidation_price_creeps_up():
    result = solve("l6_liquidation_after_funding", DAYS)
    assert result.answer == price_after("0.001", 9)  # about 54,814, as in the lesson
    assert result.mistakes == {
        "before_funding": price_after("0.001", 0),  # about 54,271
        "one_per_day": price_after("0.001", 3),
        "on_margin": price_after("0.0001", 9),
        "wrong_sign": price_after("-0.001", 9),
    }
    assert result.answer > result.mistakes["before_funding"]
    assert result.working["margin_after"] == 910


def test_the_liquidation_price_after_funding_does_not_depend_on_the_size():
    # Both the margin and every payment grow with the size: only leverage, rate and time count.
    small = solve("l6_liquidation_after_funding", {**DAYS, "size": "5000"})
    large = solve("l6_liquidation_after_funding", {**DAYS, "size": "50000"})
    assert small.answer == large.answer


# ----------------------------------------------------------------------------- the quiz


@pytest.fixture
def quiz(db) -> Quiz:
    return Quiz.objects.select_related("lesson").get(slug=SLUG)


def test_the_quiz_is_well_formed(quiz):
    assert_quiz_is_well_formed(quiz, numeric_keys={key for key in COMPUTATIONS if key[:3] == "l6_"})


def test_drawn_figures_always_make_questions(quiz):
    assert_drawn_figures_make_questions(quiz)


@pytest.mark.parametrize(
    ("key", "figures", "mistake", "words"),
    [
        ("l6_funding_payment", PAYMENT, "margin", "your margin, $1,000"),
        ("l6_funding_payment", PAYMENT, "entry_value", "at 63,000 it is worth $10,500"),
        ("l6_funding_payment", PAYMENT, "not_divided", "multiplies by 0.01 instead of 0.01%"),
        ("l6_funding_payment", PAYMENT, "per_day", "three payments"),
        ("l6_margin_after_funding", DAYS, "wrong_sign", "receives $10 each time"),
        ("l6_margin_after_funding", DAYS, "one_per_day", "9 payments in 3 days"),
        ("l6_margin_after_funding", DAYS, "hourly", "every 8 hours: 3 payments a day"),
        ("l6_margin_after_funding", DAYS, "on_margin", "$10 each time"),
        ("l6_liquidation_after_funding", DAYS, "before_funding", "before any funding"),
        ("l6_liquidation_after_funding", DAYS, "one_per_day", "9 payments in 3 days"),
        ("l6_liquidation_after_funding", DAYS, "on_margin", "the payments total $90"),
        ("l6_liquidation_after_funding", DAYS, "wrong_sign", "longs pay shorts"),
    ],
)
def test_each_mistake_is_recognised_with_its_feedback(quiz, key, figures, mistake, words):
    question = quiz.questions.get(computation=key)
    entry = AttemptQuestion(question=question, number=1, seed=0, figures=figures)
    grade = grade_numeric(
        value=entry.mistakes[mistake],
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
    question = quiz.questions.get(computation="l6_liquidation_after_funding")
    entry = AttemptQuestion(question=question, number=1, seed=0, figures=DAYS)
    assert "about 54,271" in entry.explanation
    assert "$90 in all" in entry.explanation
    assert "leaving $910" in entry.explanation
    assert "at $54,814.07" in entry.explanation


def test_the_choice_question_on_one_payment_has_the_engines_figures(quiz):
    question = quiz.questions.get(prompt__contains="worth $20,000 at the mark")
    long = Position.from_notional("BTCUSDT", "long", 20000, ENTRY, 20)
    rate = Decimal("0.0001")
    right = question.choices.get(is_correct=True)
    assert right.text == money(funding_payment(long, rate=rate, price=ENTRY))  # $2.00
    wrong = {choice.text for choice in question.choices.filter(is_correct=False)}
    assert wrong == {
        money(long.initial_margin * rate),  # on the margin: $0.10
        money(funding_payment(long, rate=rate * 100, price=ENTRY)),  # 0.01 as a number: $200
        money(funding_payment(long, rate=rate, price=ENTRY) * 3),  # a day: $6.00
    }


def test_the_quiz_can_be_taken_to_the_end(client, quiz):
    take_to_the_end(client, quiz)
