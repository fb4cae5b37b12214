"""Lesson 13's quiz: its computations agree with the venues' published rules, worked out
here another way for hand-picked figures; the OKX tiers its prompt quotes are the
venue's; every figure a question can draw makes a question whose mistakes are told
apart; and a learner can take it to the end."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from quiz.computations import COMPUTATIONS
from quiz.models import Quiz
from simulator.engine.venues import get_venue
from tests.curriculum.quiz_checks import check_drawn_questions
from tests.curriculum.quiz_checks_7_8 import check_shape, figures_not_in_the_lesson, take_to_the_end

LESSON = (
    Path(__file__).resolve().parents[2] / "content/advanced/13-partial-liquidation-and-backstops.md"
)
SLUG = "partial-liquidation-and-backstops"
D = Decimal


def solve(key: str, **figures):
    return COMPUTATIONS[key].solve({name: str(value) for name, value in figures.items()})


@pytest.mark.parametrize(
    ("quantity", "price", "answer", "mistakes"),
    [
        # 10 BTC at 57,000: $570,000, above 100,000 USDC: 20%.
        (10, 57000, 2, {"whole": 10, "remaining": 8}),
        # 1.5 BTC at 63,000: $94,500, not above: the whole.
        (D("1.5"), 63000, D("1.5"), {"twenty_percent": D("0.3"), "remaining": D("1.2")}),
        # 2 BTC at 52,000: $104,000, just above.
        (2, 52000, D("0.4"), {"whole": 2, "remaining": D("1.6")}),
    ],
)
def test_hyperliquids_first_order(quantity, price, answer, mistakes):
    result = solve("l13_hyperliquid_first_order", quantity=quantity, price=price)
    assert result.answer == answer
    assert result.mistakes == mistakes


@pytest.mark.parametrize(
    ("seconds", "answer", "mistakes"),
    [
        # 10 BTC: the first order closes 2 and leaves 8.
        (12, 8, {"no_cooldown": D("1.6"), "of_original": 2}),  # inside 30 s: the whole
        (29, 8, {"no_cooldown": D("1.6"), "of_original": 2}),
        (30, D("1.6"), {"still_cooling": 8, "of_original": 2}),  # the cooldown is over at 30 s
        (45, D("1.6"), {"still_cooling": 8, "of_original": 2}),
    ],
)
def test_hyperliquids_next_order(seconds, answer, mistakes):
    result = solve("l13_hyperliquid_next_order", quantity=10, price=57000, seconds=seconds)
    assert result.answer == answer
    assert result.mistakes == mistakes
    assert result.working["rest"] == 8


@pytest.mark.parametrize(
    ("size", "answer", "below"),
    [(700, 400, 600), (1000, 700, 600), (1800, 1500, 1200), (3000, 2700, 2400), (4000, 3700, 3600)],
)
def test_okx_closes_down_to_tier_1(size, answer, below):
    """OKX: "Number of Swaps to be closed = Number of Swaps held - max Number of Swaps
    acceptable for Tier 1"; tier 1 of ETH is 3,000 contracts of 0.1 ETH, 300 ETH."""
    result = solve("l13_okx_closed", size=size)
    assert result.answer == size - 300 == answer
    assert result.mistakes == {"left": 300, "one_tier_down": size - below, "whole": size}


def hyperliquid_long(size: int, leverage: int, share: Decimal) -> Decimal:
    """Where margin + q x (P - 60,000) = share x q x P x 1.25%, solved by hand."""
    quantity = D(size) / 60000
    margin = D(size) / leverage
    return (quantity * 60000 - margin) / (quantity * (1 - share * D("0.0125")))


@pytest.mark.parametrize(("size", "leverage"), [(600_000, 20), (200_000, 10), (6_000_000, 40)])
def test_the_backstop_price(size, leverage):
    result = solve("l13_backstop_price", size=size, leverage=leverage)
    tiny = D("1e-18")
    assert result.answer == pytest.approx(hyperliquid_long(size, leverage, D(2) / 3), abs=tiny)
    assert result.mistakes["liquidation"] == pytest.approx(
        hyperliquid_long(size, leverage, D(1)), abs=tiny
    )
    bankrupt = 60000 * (1 - D(1) / leverage)
    assert result.mistakes["bankruptcy"] == pytest.approx(bankrupt, abs=tiny)
    assert result.mistakes["one_third"] == pytest.approx(
        hyperliquid_long(size, leverage, D(1) / 3), abs=tiny
    )
    if (size, leverage) == (600_000, 20):
        assert f"{result.answer:,.2f}" == "57,478.99"  # the lesson's


@pytest.fixture
def quiz(db) -> Quiz:
    return Quiz.objects.get(slug=SLUG)


def test_the_quiz_has_the_shape_the_issue_asks(quiz):
    check_shape(quiz, LESSON)
    assert quiz.lesson.slug == SLUG
    assert quiz.questions.exclude(computation="").count() == 4


def test_the_prompt_quotes_okxs_eth_tiers(quiz):
    okx = get_venue("okx").table("ETH").tiers
    (question,) = quiz.questions.filter(computation="l13_okx_closed")
    found = re.findall(r"^Tier (\d): up to ([\d,]+) ETH$", question.prompt, re.M)
    assert [int(n) for n, _ in found] == [1, 2, 3, 4, 5, 6]
    for number, top in found:
        # A tier's largest size is one contract (0.1 ETH) below where the next starts.
        assert D(top.replace(",", "")) == okx[int(number)].floor - D("0.1")


def test_drawn_questions_read_and_recognise_their_mistakes(quiz):
    check_drawn_questions(SLUG)


def test_a_learner_takes_it_to_the_end(client, quiz):
    results = take_to_the_end(client, quiz)
    total = quiz.questions.count()
    assert f"{total} out of {total} (100%)" in results


def test_the_quiz_prints_the_lessons_figures(quiz):
    assert figures_not_in_the_lesson(quiz, LESSON) == set()
