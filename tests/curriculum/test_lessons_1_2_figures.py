"""The figures beginner lessons 1 and 2 print are the engine's: recomputed here and
looked up in the lesson text (lessons 3 and 4: tests/simulator/test_lesson_figures.py)."""

from decimal import Decimal
from pathlib import Path

import pytest

from core.numbers import money
from simulator.engine import Account, Position, evaluate, funding_payment

CONTENT = Path(__file__).resolve().parents[2] / "content" / "beginner"
LESSON_1 = (CONTENT / "01-what-is-a-perpetual-future.md").read_text()
LESSON_2 = (CONTENT / "02-leverage-and-margin.md").read_text()
BTC = Decimal(60000)


def dollars(value: Decimal) -> str:
    return money(value, trim=True)


def position(side: str, leverage: int = 10) -> Position:
    return Position("BTC", side, Decimal("0.1"), BTC, leverage)


def pnl(side: str, price: int) -> Decimal:
    account = Account(Decimal(10000), [position(side)])
    return evaluate(account, {"BTC": price}).positions[0].unrealized_pnl


def test_lesson_1_long_and_short_pnl():
    assert f"you gain 0.1 × 1,000 = {dollars(pnl('long', 61000))}" in LESSON_1  # $100
    assert f"If it falls to 59,000, you lose {dollars(-pnl('long', 59000))}" in LESSON_1
    assert f"+{dollars(pnl('short', 59000))} if BTC falls to 59,000" in LESSON_1
    assert f"-{dollars(-pnl('short', 61000))} if it rises to 61,000" in LESSON_1
    # Linear: every 1,000 move changes 0.1 BTC by the same amount, at any price.
    for low in (30000, 90000):
        move = position("long").unrealized_pnl(Decimal(low + 1000)) - position(
            "long"
        ).unrealized_pnl(Decimal(low))
        assert f"changes a 0.1 BTC position by exactly {dollars(move)}" in LESSON_1


def test_lesson_1_funding_payment():
    worth_10000 = Position.from_notional("BTC", "long", 10000, BTC, 1)
    paid = funding_payment(worth_10000, rate=Decimal("0.0001"), price=BTC)
    received = funding_payment(worth_10000, rate=Decimal("-0.0001"), price=BTC)
    assert f"You pay $10,000 × 0.01% = {dollars(paid)} to traders" in LESSON_1
    assert f"you would receive {dollars(-received)} instead" in LESSON_1


def test_lesson_2_notional_and_margin():
    assert f"0.1 × 60,000 = {dollars(position('long').notional)}" in LESSON_2
    for leverage, phrase in [
        (10, "A $10,000 position at 10x leverage needs $10,000 ÷ 10 = {}"),
        (5, "The same $10,000 position at 5x needs {}"),
        (2, "and at 2x it needs {}"),
    ]:
        margin = Position.from_notional("BTC", "long", 10000, BTC, leverage).initial_margin
        assert phrase.format(dollars(margin)) in LESSON_2
    assert f"at 10x needs {dollars(position('long').initial_margin)} of margin" in LESSON_2


@pytest.mark.parametrize(("leverage", "row"), [(1, "| 1x |"), (5, "| 5x |"), (10, "| 10x |")])
def test_lesson_2_return_on_margin_table(leverage, row):
    held = position("long", leverage)
    gain = held.unrealized_pnl(Decimal(63000))
    percent = gain / held.initial_margin * 100
    assert f"{row} {dollars(held.initial_margin)} | {percent:.0f}% |" in LESSON_2


def test_lesson_2_pnl_and_the_10_percent_move():
    assert f"PnL = 0.1 × 3,000 = **+{dollars(pnl('long', 63000))}**" in LESSON_2
    assert f"PnL = 0.1 × (−3,000) = **−{dollars(-pnl('long', 57000))}**" in LESSON_2
    held = position("long")
    loss = -held.unrealized_pnl(Decimal(54000))
    assert loss == held.initial_margin  # a 10% fall at 10x takes the whole margin
    assert f"loses 0.1 × 6,000 = {dollars(loss)}, which is your entire {dollars(loss)}" in LESSON_2
