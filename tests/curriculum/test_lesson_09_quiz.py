"""Lesson 9's numeric questions: each computation's answer and mistakes agree with the
engine for hand-picked figures, worked out here another way; the quiz file loads and
every drawn question reads and grades."""

from decimal import Decimal

import pytest

from quiz.computations import COMPUTATIONS, Unusable
from quiz.models import Quiz
from simulator.engine import Account, Position, bankruptcy_price, evaluate, liquidation_price
from tests.curriculum.quiz_checks import check_drawn_questions

BTC = Decimal(60_000)
SLUG = "how-liquidation-happens"


def cents(value) -> Decimal:
    """Two results computed different ways agree to far below a cent."""
    return Decimal(value).quantize(Decimal("0.01"))


def solve(key: str, **figures):
    return COMPUTATIONS[key].solve({name: str(value) for name, value in figures.items()})


def isolated(side: str, size, leverage, entry=BTC) -> Account:
    position = Position.from_notional("BTCUSDT", side, size, entry, leverage)
    return Account(position.isolated_margin, [position])


@pytest.mark.parametrize(
    ("entry", "size", "leverage"), [(60_000, 10_000, 10), (50_000, 25_000, 20), (80_000, 2_000, 5)]
)
def test_bankruptcy_price(entry, size, leverage):
    result = solve("l9_bankruptcy_price", entry=entry, size=size, leverage=leverage)
    # Bybit's published formula for a long with no added margin: entry x (1 - 1/leverage).
    assert result.answer == Decimal(entry) * (1 - Decimal(1) / leverage)
    long = isolated("long", size, leverage, Decimal(entry))
    assert result.mistakes["liquidation_price"] == liquidation_price(long, 0)
    assert result.mistakes["margin_as_price"] == entry - Decimal(size) / leverage
    # Adding the margin per coin gives the same position's bankruptcy price as a short.
    short = isolated("short", size, leverage, Decimal(entry))
    assert cents(result.mistakes["short_side"]) == cents(bankruptcy_price(short, 0))


def test_the_lessons_bankruptcy_price():
    result = solve("l9_bankruptcy_price", entry=60_000, size=10_000, leverage=10)
    assert result.answer == 54_000
    assert result.working["per_coin"].quantize(Decimal(1)) == 6_000


@pytest.mark.parametrize(("size", "leverage"), [(10_000, 10), (30_000, 25), (5_000, 5)])
def test_insurance_fund(size, leverage):
    result = solve("l9_insurance_fund", size=size, leverage=leverage)
    account = isolated("long", size, leverage)
    price = liquidation_price(account, 0)
    # At the liquidation price, what is left is the maintenance margin there...
    assert result.answer == account.maintenance_margin(0, price).quantize(Decimal("0.01"))
    # ... which is the distance to the bankruptcy price times the size in BTC.
    quantity = account.positions[0].quantity
    gap = price - bankruptcy_price(account, 0)
    assert abs(result.answer - quantity * gap) < Decimal("0.01")
    assert result.mistakes == {
        "whole_margin": Decimal(size) / leverage,
        "price_difference": gap,
        "maintenance_at_entry": Decimal(size) * Decimal("0.005"),
        "nothing_left": 0,
    }


def test_the_lessons_insurance_fund_figure():
    assert solve("l9_insurance_fund", size=10_000, leverage=10).answer == Decimal("45.23")


@pytest.mark.parametrize(
    ("size", "leverage", "fall", "shortfall"),
    [(10_000, 10, 12, 200), (20_000, 20, 15, 2_000), (50_000, 25, 20, 8_000)],
)
def test_gap_shortfall(size, leverage, fall, shortfall):
    result = solve("l9_gap_shortfall", size=size, leverage=leverage, fall=fall)
    # The loss at the gap price less the margin: size x fall - size / leverage.
    assert result.answer == shortfall
    gap = BTC * (1 - Decimal(fall) / 100)
    account = isolated("long", size, leverage)
    loss = -account.positions[0].unrealized_pnl(gap)
    assert result.mistakes["whole_loss"] == loss
    assert result.mistakes["margin"] == account.positions[0].isolated_margin
    liquidation = liquidation_price(account, 0)
    assert result.mistakes["from_liquidation"] == account.positions[0].quantity * (
        liquidation - gap
    )


def test_a_fall_short_of_the_bankruptcy_price_is_no_gap():
    with pytest.raises(Unusable):
        solve("l9_gap_shortfall", size=10_000, leverage=10, fall=9)


@pytest.mark.parametrize(
    ("balance", "size", "leverage", "fall"), [(5_000, 10_000, 10, 12), (3_000, 20_000, 20, 20)]
)
def test_gap_trader_loss(balance, size, leverage, fall):
    result = solve("l9_gap_trader_loss", balance=balance, size=size, leverage=leverage, fall=fall)
    margin = Decimal(size) / leverage
    assert result.answer == margin  # an isolated position loses its margin, never more
    position = Position.from_notional("BTCUSDT", "long", size, BTC, leverage)
    gap = BTC * (1 - Decimal(fall) / 100)
    after = evaluate(Account(Decimal(balance), [position]), {"BTCUSDT": gap})
    assert after.equity == balance - margin
    loss = -position.unrealized_pnl(gap)
    assert result.mistakes == {
        "owes_gap": loss,
        "shortfall": loss - margin,
        "whole_balance": balance,
    }


@pytest.mark.django_db
def test_the_quiz_loads_with_nine_questions_four_numeric():
    quiz = Quiz.objects.get(slug=SLUG)
    assert quiz.lesson.slug == SLUG and quiz.lesson.number == 9
    kinds = list(quiz.questions.order_by("position").values_list("kind", flat=True))
    assert len(kinds) == 9
    assert kinds.count("numeric") == 4


@pytest.mark.django_db
def test_drawn_questions_read_and_recognise_their_mistakes():
    check_drawn_questions(SLUG)
