"""Lesson 10, "Hedging in cross margin and hedge mode": every figure it prints is the
engine's, recomputed here, formatted as the lesson writes it, and looked up in the text.

The engine holds two positions on one symbol as two positions (hedge mode); in cross
they share the symbol's mark and the cross wallet."""

from decimal import Decimal

from django.conf import settings

from simulator.engine import (
    Account,
    Mode,
    Position,
    evaluate,
    funding_payment,
    liquidation_price,
    liquidation_prices,
    trading_fee,
    with_fees,
    with_funding,
)
from simulator.engine.venues import get_venue
from tests.simulator.test_lesson_figures import dollars, one_decimal_percent, whole

LESSON = (settings.CONTENT_DIR / "intermediate" / "10-hedging-in-cross-margin.md").read_text()
BTC, ETH = Decimal(60_000), Decimal(3_000)
BALANCE = Decimal(5_000)


def leg(symbol: str, side: str, price: Decimal, mode: Mode = Mode.CROSS) -> Position:
    """One leg of the lesson's hedges: $10,000 at 10x, $1,000 of margin."""
    return Position.from_notional(symbol, side, 10_000, price, 10, mode=mode)


def btc_hedge(mode: Mode = Mode.CROSS) -> Account:
    return Account(BALANCE, [leg("BTC", "long", BTC, mode), leg("BTC", "short", BTC, mode)])


def btc_eth_hedge() -> Account:
    return Account(BALANCE, [leg("BTC", "long", BTC), leg("ETH", "short", ETH)])


def test_the_setup():
    assert btc_hedge().positions[0].isolated_margin == 1_000
    assert "two legs worth $10,000 each, opened at 10x ($1,000 of margin each)" in LESSON


def test_a_perfect_hedge_in_cross_does_not_move():
    account = btc_hedge()
    fall = BTC * Decimal("0.88")
    after = evaluate(account, {"BTC": fall})
    long, short = after.positions
    assert f"BTC falls 12%, to {whole(fall)}" in LESSON  # 52,800
    assert f"The long loses **{dollars(-long.unrealized_pnl)}**" in LESSON  # $1,200
    assert f"the short gains **{dollars(short.unrealized_pnl)}**" in LESSON
    assert after.liquidated == ()
    assert f"Your equity is still **{dollars(after.equity)}**" in LESSON  # $5,000
    rise = BTC * Decimal("1.3")
    assert f"rises 30%, to {whole(rise)}, your equity is again " in LESSON  # 78,000
    assert f"again **{dollars(evaluate(account, {'BTC': rise}).equity)}**" in LESSON


def test_the_perfect_hedge_still_has_a_far_liquidation_price():
    account = btc_hedge()
    at_entry = evaluate(account, {"BTC": BTC})
    assert f"the two add up: **{dollars(at_entry.cross_maintenance_margin)}**" in LESSON  # $100
    both = liquidation_prices(account)
    assert both[0] == both[1]  # one symbol, one mark: one liquidation price
    assert f"the whole $5,000 at **{whole(both[0])}**" in LESSON  # 3,000,000
    assert whole(both[0] / BTC) == "50"
    assert "fifty times the entry" in LESSON
    # Above it, the two maintenance margins exceed the wallet.
    beyond = evaluate(account, {"BTC": both[0] * Decimal("1.01")})
    assert beyond.cross_liquidated


def test_the_same_hedge_in_isolated():
    account = btc_hedge(Mode.ISOLATED)
    long_price, short_price = liquidation_prices(account)
    assert f"the long at about **{whole(long_price)}**" in LESSON  # 54,271
    assert f"the short at about **{whole(short_price)}**" in LESSON  # 65,672
    for price in (long_price, short_price):
        assert one_decimal_percent(abs(price - BTC) / BTC) == "9.5%"
    assert "each about **9.5%** from the entry" in LESSON
    assert "beyond about 9.5% in either direction" in LESSON

    after = evaluate(account, {"BTC": BTC * Decimal("0.88")})
    long, short = after.positions
    assert after.liquidated == (0,)
    assert f"it loses its **{dollars(long.lost)}** of margin" in LESSON  # $1,000
    assert f"The short gains **{dollars(short.unrealized_pnl)}**" in LESSON  # $1,200
    assert f"The account is worth **{dollars(after.equity)}**" in LESSON  # $5,200

    # The short alone, in the wallet that is left, with BTC back at 60,000.
    naked = Account(account.balance - long.lost, [account.positions[1]])
    back = evaluate(naked, {"BTC": BTC})
    assert f"the account is worth **{dollars(back.equity)}**" in LESSON  # $4,000
    assert f"you have lost {dollars(BALANCE - back.equity)}" in LESSON  # $1,000


def test_the_imperfect_hedge():
    account = btc_eth_hedge()
    together = evaluate(account, {"BTC": BTC * Decimal("0.88"), "ETH": ETH * Decimal("0.88")})
    assert together.liquidated == ()
    assert f"your equity stays at **{dollars(together.equity)}**" in LESSON  # $5,000

    apart = evaluate(account, {"BTC": BTC * Decimal("0.9"), "ETH": ETH * Decimal("1.1")})
    long, short = apart.positions
    assert (
        f"the long {dollars(-long.unrealized_pnl)} and the short {dollars(-short.unrealized_pnl)}"
        in (LESSON)
    )  # $1,000 each
    assert f"Your equity drops to **{dollars(apart.equity)}**" in LESSON  # $3,000
    # "a single position only half as much": the BTC long alone would have lost $1,000.
    assert -long.unrealized_pnl * 2 == BALANCE - apart.equity

    risen = liquidation_price(account, 0, {"BTC": BTC, "ETH": ETH * Decimal("1.1")})
    flat = liquidation_price(account, 0, {"BTC": BTC, "ETH": ETH})
    assert f"BTC falls to about **{whole(risen)}**" in LESSON  # 36,513
    assert f"that price would be about **{whole(flat)}**" in LESSON  # 30,452
    assert 6_000 < risen - flat < 7_000
    assert "more than 6,000 closer" in LESSON


def test_fees_on_both_legs():
    rate = get_venue("binance").taker_fee
    assert f"taker rate of {(rate * 100).normalize()}%" in LESSON  # 0.05%
    account = btc_hedge()
    opening = account.balance - with_fees(account).balance
    assert f"opening both $10,000 legs costs **{dollars(opening)}**" in LESSON  # $10
    closing = sum(trading_fee(p.notional, rate) for p in account.positions)
    assert f"closing them at the same prices costs **{dollars(closing)}** again" in LESSON


def test_funding_on_both_legs():
    # One symbol: the long pays exactly what the short receives.
    long, short = btc_hedge().positions
    rate = Decimal("0.0001")
    assert (
        funding_payment(long, rate=rate, price=BTC) + funding_payment(short, rate=rate, price=BTC)
        == 0
    )
    # Two symbols: BTC 0.01% (longs pay), ETH -0.005% (shorts pay): both legs pay.
    account = btc_eth_hedge()
    rates = {"BTC": rate, "ETH": Decimal("-0.00005")}
    assert "if BTC's rate is 0.01% (longs pay) and ETH's is \u22120.005% (shorts pay)" in LESSON
    once = account.balance - with_funding(account, rates=rates, intervals=1).balance
    assert f"**${once:.2f}** every 8 hours" in LESSON  # $1.50
    assert get_venue("binance").funding_hours == 8
    month = account.balance - with_funding(account, rates=rates, intervals=3 * 30).balance
    assert f"or **{dollars(month)}** over 30 days" in LESSON  # $135
