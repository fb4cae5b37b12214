"""Lesson 9, "How liquidation really happens": every figure it prints is the engine's,
recomputed here, formatted as the lesson writes it, and looked up in the lesson text."""

from decimal import Decimal
from fractions import Fraction

from django.conf import settings

from simulator.engine import (
    Account,
    Position,
    bankruptcy_price,
    bracket_for,
    evaluate,
    liquidation_fee,
    liquidation_price,
)
from simulator.engine.venues import get_venue
from tests.simulator.test_lesson_figures import cents, dollars, one_decimal_percent, whole

LESSON = (settings.CONTENT_DIR / "intermediate" / "09-how-liquidation-happens.md").read_text()
BTC = Decimal(60_000)
BYBIT = get_venue("bybit")


def dollars_cents(value: Decimal) -> str:
    """$45.23, as the lesson writes an amount with cents."""
    return f"${cents(value)}"


def long_btc(**kwargs) -> Position:
    """The lesson's position: a $10,000 long at 10x from 60,000, $1,000 of isolated margin."""
    return Position.from_notional("BTC", "long", 10_000, BTC, 10, **kwargs)


def lesson_account(side: str = "long") -> Account:
    position = Position.from_notional("BTC", side, 10_000, BTC, 10)
    return Account(Decimal(5_000), [position])


def test_the_running_example():
    account = lesson_account()
    position = account.positions[0]
    assert position.isolated_margin == 1_000
    assert Fraction(position.quantity).limit_denominator(1_000) == Fraction(1, 6)
    assert "which is 1/6 of a bitcoin" in LESSON
    price = liquidation_price(account, 0)
    assert f"Its liquidation price is **{cents(price)}**" in LESSON  # 54,271.36
    assert f"about {one_decimal_percent((BTC - price) / BTC)} below the entry" in LESSON  # 9.5%


def test_bybits_own_tier_gives_the_lessons_figures():
    # "0.5% ... which is also Bybit's rate for a BTCUSDT position this small"
    bracket, _ = bracket_for(BYBIT.brackets("BTC"), 10_000)
    assert bracket.rate == Decimal("0.005")
    flat = lesson_account()
    on_bybit = Account(
        Decimal(5_000), [long_btc()], brackets={"BTC": BYBIT.brackets("BTC")}, venue="bybit"
    )
    assert liquidation_price(on_bybit, 0) == liquidation_price(flat, 0)
    assert bankruptcy_price(on_bybit, 0) == bankruptcy_price(flat, 0)


def test_partial_liquidation_on_bybits_tiers():
    tiers = BYBIT.brackets("BTC")

    def maintenance(size: int) -> Decimal:
        position = Position.from_notional("BTC", "long", size, BTC, 20)
        account = Account(Decimal(size), [position], brackets={"BTC": tiers}, venue="bybit")
        return account.maintenance_margin(0, BTC)

    third, _ = bracket_for(tiers, 3_000_000)
    assert tiers.index(third) == 2  # the third tier
    assert f"its third tier ({third.rate * 100:.2f}%)" in LESSON  # 0.63%
    assert f"needs **{dollars(maintenance(3_000_000))}** of maintenance margin" in LESSON
    assert tiers[1].floor == 2_000_000  # the first tier ends where the second begins
    assert f"it needs only **{dollars(maintenance(2_000_000))}**" in LESSON  # $10,000


def test_the_bankruptcy_price():
    account = lesson_account()
    position = account.positions[0]
    bankrupt = bankruptcy_price(account, 0)
    per_coin = position.isolated_margin / position.quantity
    assert f"which is {dollars(per_coin)} per bitcoin" in LESSON  # $6,000
    assert f"60,000 \u2212 {whole(per_coin)} = **{whole(bankrupt)}**" in LESSON  # 54,000
    # Bybit's published formula, entry x (1 - 1/leverage), is the same price.
    assert BTC * (1 - Decimal(1) / 10) == bankrupt.quantize(Decimal("0.01"))
    assert f"60,000 \u00d7 0.9 = {whole(bankrupt)}" in LESSON


def test_the_table_of_both_prices():
    long, short = lesson_account("long"), lesson_account("short")
    row = '<tr><th scope="row">{}</th><td>{}</td><td>{}</td></tr>'
    for name, account in [("Long", long), ("Short", short)]:
        liquidation, bankrupt = liquidation_price(account, 0), bankruptcy_price(account, 0)
        assert row.format(name, cents(liquidation), whole(bankrupt)) in LESSON
    # The liquidation price comes first on both sides.
    assert bankruptcy_price(long, 0) < liquidation_price(long, 0) < BTC
    assert BTC < liquidation_price(short, 0) < bankruptcy_price(short, 0)


def test_what_is_left_at_the_liquidation_price():
    account = lesson_account()
    position = account.positions[0]
    price = liquidation_price(account, 0)
    left = position.isolated_margin + position.unrealized_pnl(price)
    assert cents(left) == cents(account.maintenance_margin(0, price))
    assert f"**{dollars_cents(left)}** is left" in LESSON  # $45.23
    assert f"that {dollars_cents(left)} above the bankruptcy price" in LESSON


def test_bybits_fee_to_close_at_the_bankruptcy_price():
    account = Account(
        Decimal(5_000), [long_btc()], brackets={"BTC": BYBIT.brackets("BTC")}, venue="bybit"
    )
    bankrupt = bankruptcy_price(account, 0)
    assert f"its taker fee, {(BYBIT.taker_fee * 100).normalize()}%" in LESSON  # 0.055%
    value = account.positions[0].quantity * bankrupt
    fee = liquidation_fee(account, 0, bankrupt)
    assert f"of the {dollars(value)} the position is worth there, **{dollars_cents(fee)}**" in (
        LESSON
    )  # $9,000 and $4.95


def test_the_gap_through_the_bankruptcy_price():
    account = lesson_account()
    position = account.positions[0]
    gap = BTC * Decimal("0.88")
    assert f"to **{whole(gap)}**" in LESSON  # 52,800
    loss = -position.unrealized_pnl(gap)
    assert f"it has lost **{dollars(loss)}**" in LESSON  # $1,200
    assert f"its margin was only **{dollars(position.isolated_margin)}**" in LESSON
    after = evaluate(account, {"BTC": gap})
    assert after.total_lost == position.isolated_margin  # the trader loses the margin only
    shortfall = loss - after.total_lost
    assert f"The missing **{dollars(shortfall)}**" in LESSON  # $200
    assert f"covers the {dollars(shortfall)} shortfall" in LESSON
