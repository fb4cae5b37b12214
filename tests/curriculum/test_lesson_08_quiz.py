"""Lesson 8's quiz: its computations agree with the engine and Binance's published rule
for hand-picked figures, every size its questions can draw makes a question whose
mistakes are told apart, the tiers its prompts quote are Binance's, and a learner can
take it to the end."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from quiz.computations import COMPUTATIONS
from quiz.models import Question, Quiz
from simulator.engine import maintenance_amounts
from simulator.engine.venues import get_venue
from tests.curriculum.quiz_checks_7_8 import (
    check_numeric_questions,
    check_shape,
    figures_not_in_the_lesson,
    take_to_the_end,
)

LESSON = Path(__file__).resolve().parents[2] / "content/intermediate/08-maintenance-tiers.md"
BINANCE = get_venue("binance")
TIERS = BINANCE.table("BTC").tiers
TINY = Decimal("1e-9")


def solve(key: str, figures: dict):
    return COMPUTATIONS[key].solve(figures)


@pytest.mark.parametrize(
    ("size", "answer", "mistakes"),
    [
        # $400,000 in tier 2: 0.5% - $50
        ("400000", 1950, {"no_amount": 2000, "above_floor_only": 1750, "first_tier": 1600}),
        # $4,000,000 in tier 4: 1% - $11,450
        ("4000000", 28550, {"no_amount": 40000, "above_floor_only": 10000, "first_tier": 16000}),
        # $20,000,000 in tier 5: 2% - $131,450
        (
            "20000000",
            268550,
            {"no_amount": 400000, "above_floor_only": 160000, "first_tier": 80000},
        ),
    ],
)
def test_the_maintenance_margin_on_binances_tiers(size, answer, mistakes):
    result = solve("l8_maintenance_margin", {"size": size})
    assert result.answer == answer
    assert result.mistakes == mistakes


@pytest.mark.parametrize(
    ("size", "answer", "mistakes"),
    [
        (
            "1000000",
            950,
            {"last_step_only": 900, "floor_times_rate": 3900, "from_first_rate": 1500},
        ),
        (
            "5000000",
            11450,
            {"last_step_only": 10500, "floor_times_rate": 30000, "from_first_rate": 18000},
        ),
    ],
)
def test_the_maintenance_amount(size, answer, mistakes):
    result = solve("l8_maintenance_amount", {"size": size})
    assert result.answer == answer
    assert result.mistakes == mistakes
    assert result.answer in maintenance_amounts(BINANCE.brackets("BTC"))


def binance_formula(size: int, leverage: int, rate: Decimal, amount: Decimal) -> Decimal:
    """Binance's isolated long: LP = (WB + amount - q x E) ÷ (q x rate - q)."""
    entry = Decimal(60000)
    quantity = Decimal(size) / entry
    margin = Decimal(size) / leverage
    return (margin + amount - quantity * entry) / (quantity * rate - quantity)


@pytest.mark.parametrize(
    ("size", "leverage", "rate", "amount"),
    [
        (5_000_000, 20, Decimal("0.01"), Decimal(11450)),  # the lesson's large long
        (1_000_000, 10, Decimal("0.0065"), Decimal(950)),
        (20_000_000, 10, Decimal("0.02"), Decimal(131450)),
    ],
)
def test_the_liquidation_price_of_a_large_long(size, leverage, rate, amount):
    result = solve("l8_large_liquidation_price", {"size": str(size), "leverage": str(leverage)})
    assert result.answer == pytest.approx(binance_formula(size, leverage, rate, amount), abs=TINY)
    assert result.working["rate_percent"] == rate * 100 and result.working["amount"] == amount
    mistakes = result.mistakes
    assert mistakes["first_tier"] == pytest.approx(
        binance_formula(size, leverage, Decimal("0.004"), Decimal(0)), abs=TINY
    )
    assert mistakes["no_amount"] == pytest.approx(
        binance_formula(size, leverage, rate, Decimal(0)), abs=TINY
    )
    assert mistakes["textbook"] == pytest.approx(
        binance_formula(size, leverage, Decimal("0.005"), Decimal(0)), abs=TINY
    )
    if size == 5_000_000:
        assert f"{result.answer.quantize(Decimal('0.01')):,}" == "57,436.97"  # the lesson's


@pytest.fixture
def quiz(db) -> Quiz:
    return Quiz.objects.get(slug="maintenance-tiers")


def test_the_quiz_has_the_shape_the_issue_asks(quiz):
    check_shape(quiz, LESSON)
    assert quiz.lesson.slug == "maintenance-tiers"


def test_the_prompts_quote_binances_tiers(quiz):
    amounts = maintenance_amounts(BINANCE.brackets("BTC"))
    line = re.compile(r"^Tier (\d), from \$([\d,]+): ([\d.]+)%(?:, \$([\d,]+))?$", re.M)
    for question in quiz.questions.exclude(computation=""):
        found = line.findall(question.prompt)
        assert [int(n) for n, *_ in found] == [1, 2, 3, 4, 5], question.computation
        for number, floor, rate, amount in found:
            tier = TIERS[int(number) - 1]
            assert Decimal(floor.replace(",", "")) == tier.floor
            assert Decimal(rate) / 100 == tier.rate
            if amount:
                assert Decimal(amount.replace(",", "")) == amounts[int(number) - 1]


def test_every_size_a_question_can_draw_makes_a_question(quiz):
    """The figures are lists of sizes: try each one, not just a few draws."""
    for question in quiz.questions.filter(kind=Question.Kind.NUMERIC):
        computation = question.computation_spec
        sizes = question.figures["size"]["choices"]
        leverages = question.figures.get("leverage", {"choices": [None]})["choices"]
        tolerance = question.tolerance
        for size in sizes:
            for leverage in leverages:
                figures = {"size": size} | ({"leverage": leverage} if leverage else {})
                result = computation.solve(figures)
                values = [result.answer, *result.mistakes.values()]
                for i, value in enumerate(values):
                    for other in values[i + 1 :]:
                        assert not tolerance.allows(value=value, target=other), figures
                # The tier the question assumes is the one at the liquidation price.
                if "liquidation_value" in result.working:
                    entry_tier = solve("l8_maintenance_margin", {"size": size}).working["tier"]
                    assert result.working["tier"] == entry_tier, figures


def test_every_numeric_question_explains_and_recognises_its_mistakes(quiz):
    check_numeric_questions(quiz)


def test_a_learner_takes_it_to_the_end(client, quiz):
    results = take_to_the_end(client, quiz)
    total = quiz.questions.count()
    assert f"{total} out of {total} (100%)" in results


def test_the_quiz_prints_the_lessons_figures(quiz):
    floor = get_venue("okx").table("ETH").tiers[1].floor  # 300.1 ETH, OKX's tier 2
    # "0.5% of the whole $900,300 instead of 0.4% of $900,000": the two OKX positions' values.
    assert figures_not_in_the_lesson(quiz, LESSON) == {f"${300 * 3000:,}", f"${floor * 3000:,.0f}"}
