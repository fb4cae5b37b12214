"""Lesson 7's quiz: its computations agree with the engine and the exchanges' rules for
hand-picked figures, the rates its prompts quote are the venues', and a learner can
take it to the end."""

from decimal import Decimal
from pathlib import Path

import pytest

from quiz.computations import COMPUTATIONS
from quiz.models import Quiz
from simulator.engine import Account, Position, bankruptcy_price, liquidation_fee
from simulator.engine.venues import get_venue
from tests.curriculum.quiz_checks_7_8 import (
    check_numeric_questions,
    check_shape,
    figures_not_in_the_lesson,
    take_to_the_end,
)

LESSON = Path(__file__).resolve().parents[2] / "content/intermediate/07-fees-and-liquidation.md"
TEN_K = {"size": "10000", "leverage": "10"}  # the lesson's long: $10,000 of BTC at 10x
CENT = Decimal("0.01")
TINY = Decimal("1e-9")


def solve(key: str, figures: dict):
    return COMPUTATIONS[key].solve(figures)


def rounded(values: dict) -> dict:
    return {key: value.quantize(CENT) for key, value in values.items()}


def test_the_fee_to_open():
    result = solve("l7_opening_fee", TEN_K)
    assert result.answer == 5  # $10,000 x 0.05%
    assert result.mistakes == {
        "on_margin": Decimal("0.5"),  # $1,000 x 0.05%
        "maker": 2,  # $10,000 x 0.02%
        "both_ways": 10,
        "percent_as_number": 500,  # $10,000 x 0.05
    }
    assert result.working == {"margin": 1000}
    assert solve("l7_opening_fee", {"size": "25000", "leverage": "20"}).answer == Decimal("12.5")


def test_the_round_trip():
    result = solve("l7_round_trip_fee", {**TEN_K, "rise": "10"})
    assert result.answer == Decimal("10.5")  # $5 to open, $5.50 to close at $11,000
    assert result.mistakes == {"counted_once": 5, "entry_value_twice": 10, "on_margin": 1}
    assert result.working["exit_value"] == 11000
    assert result.working["share_of_margin"] == Decimal("1.05")
    other = solve("l7_round_trip_fee", {"size": "20000", "leverage": "5", "rise": "4"})
    assert other.answer == Decimal("10") + Decimal("10.4")  # $20,800 at the close


def test_bybits_liquidation_fee_is_the_taker_fee_at_the_bankruptcy_price():
    result = solve("l7_bybit_liquidation_fee", TEN_K)
    assert result.answer == Decimal("4.95")  # 0.055% of $9,000 at 54,000
    assert rounded(result.mistakes) == {
        "at_entry": Decimal("5.50"),
        "at_liquidation_price": Decimal("4.97"),  # 0.055% of $9,045.23 at 54,271.36
        "on_margin": Decimal("0.55"),
    }
    assert result.working["bankruptcy_price"] == pytest.approx(Decimal(54000))
    # The rule reproduces the published example of Bybit's order cost (as copied by a
    # third party): 1 BTC long at 10,000 and 50x, taker 0.075%, closing fee 7.35.
    position = Position("BTC", "long", 1, 10000, 50)
    account = Account(Decimal(200), [position], venue="bybit", taker_fee=Decimal("0.00075"))
    bankruptcy = bankruptcy_price(account, 0)
    assert bankruptcy == 9800
    assert liquidation_fee(account, 0, bankruptcy) == Decimal("7.35")


def okx_formula(leverage: Decimal, rate: Decimal) -> Decimal:
    """OKX's isolated long, solved for the price: (E - m/Q) ÷ (1 - MMR - fee)."""
    entry = Decimal(60000)
    return (entry - entry / leverage) / (1 - rate)


def test_okxs_liquidation_price_counts_the_fee_once():
    okx = get_venue("okx")
    tier, fee = okx.brackets("BTC")[0].rate, okx.taker_fee
    for size, leverage in [(10000, 10), (25000, 20), (4000, 5)]:
        figures = {"size": str(size), "leverage": str(leverage)}
        result = solve("l7_okx_liquidation_price", figures)
        lev = Decimal(leverage)
        assert result.answer == pytest.approx(okx_formula(lev, tier + fee), abs=TINY)
        assert result.mistakes["textbook"] == pytest.approx(
            okx_formula(lev, Decimal("0.005")), abs=TINY
        )
        assert result.mistakes["fee_twice"] == pytest.approx(
            okx_formula(lev, tier + 2 * fee), abs=TINY
        )
        assert result.mistakes["bankruptcy"] == pytest.approx(60000 - 60000 / lev, abs=TINY)
        assert result.working["rate_percent"] == Decimal("0.55")
    lesson = solve("l7_okx_liquidation_price", TEN_K)
    assert f"{lesson.answer.quantize(CENT):,}" == "54,298.64"  # the lesson's figure


@pytest.fixture
def quiz(db) -> Quiz:
    return Quiz.objects.get(slug="fees-and-liquidation")


def test_the_quiz_has_the_shape_the_issue_asks(quiz):
    check_shape(quiz, LESSON)
    assert quiz.lesson.slug == "fees-and-liquidation"


def test_the_prompts_quote_the_venues_rates(quiz):
    binance, bybit, okx = get_venue("binance"), get_venue("bybit"), get_venue("okx")

    def shown(rate: Decimal) -> str:
        return f"{(rate * 100).normalize():f}%"

    prompts = {q.computation: q.prompt for q in quiz.questions.exclude(computation="")}
    assert f"the taker fee is {shown(binance.taker_fee)}" in prompts["l7_opening_fee"]
    assert f"the maker fee {shown(binance.maker_fee)}" in prompts["l7_opening_fee"]
    assert f"(taker fee {shown(binance.taker_fee)})" in prompts["l7_round_trip_fee"]
    assert f"the taker fee, {shown(bybit.taker_fee)}" in prompts["l7_bybit_liquidation_fee"]
    assert bybit.liquidation_fee_is_taker
    okx_prompt = prompts["l7_okx_liquidation_price"]
    assert f"maintenance rate is {shown(okx.brackets('BTC')[0].rate)}" in okx_prompt
    assert f"the taker fee, {shown(okx.taker_fee)}" in okx_prompt


def test_every_numeric_question_explains_and_recognises_its_mistakes(quiz):
    check_numeric_questions(quiz)


def test_a_learner_takes_it_to_the_end(client, quiz):
    results = take_to_the_end(client, quiz)
    total = quiz.questions.count()
    assert f"{total} out of {total} (100%)" in results


def test_the_quiz_prints_the_lessons_figures(quiz):
    taker = get_venue("binance").taker_fee
    assert figures_not_in_the_lesson(quiz, LESSON) == {f"{taker:f}"}  # "0.05%, which is 0.0005"
