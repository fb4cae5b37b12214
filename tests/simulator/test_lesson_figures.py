"""The figures the lessons print are the engine's: recomputed here, formatted as the
lesson writes them, and looked up in the lesson text."""

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from simulator.engine import Account, Mode, Position, evaluate, liquidation_price

CONTENT = Path(__file__).resolve().parents[2] / "content" / "beginner"
LESSON_3 = (CONTENT / "03-liquidation-and-maintenance-margin.md").read_text()
LESSON_4 = (CONTENT / "04-isolated-vs-cross-margin.md").read_text()
BTC, ETH = Decimal(60000), Decimal(3000)


def whole(value: Decimal) -> str:
    """As the lessons write an approximate price: 'about 54,271'."""
    return f"{value.to_integral_value(rounding=ROUND_HALF_UP):,}"


def cents(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def one_decimal_percent(fraction: Decimal) -> str:
    return f"{(fraction * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def dollars(value: Decimal) -> str:
    return f"${value.to_integral_value(rounding=ROUND_HALF_UP):,}"


def lesson_account(mode: Mode) -> Account:
    return Account(
        Decimal(5000),
        [
            Position.from_notional("BTC", "long", 10000, BTC, 10, mode=mode),
            Position.from_notional("ETH", "long", 2500, ETH, 5, mode=mode),
        ],
    )


def test_lesson_4_isolated_example():
    account = lesson_account(Mode.ISOLATED)
    price = liquidation_price(account, 0)
    assert f"about {whole(price)}" in LESSON_4  # about 54,271
    assert f"about {one_decimal_percent((BTC - price) / BTC)}" in LESSON_4  # about 9.5%
    after = evaluate(account, {"BTC": BTC * Decimal("0.88"), "ETH": ETH})
    assert after.positions[0].liquidated
    assert f"lose its {dollars(after.total_lost)} of margin" in LESSON_4  # $1,000
    assert f"**still {dollars(after.free_balance)}**" in LESSON_4  # $3,500
    assert f"**{dollars(after.equity)}**" in LESSON_4  # $4,000


def test_lesson_4_cross_example():
    account = lesson_account(Mode.CROSS)
    price = liquidation_price(account, 0, {"BTC": BTC, "ETH": ETH})
    assert f"about {whole(price)}, a fall of about {one_decimal_percent((BTC - price) / BTC)}" in (
        LESSON_4
    )  # about 30,226, a fall of about 49.6%
    after = evaluate(account, {"BTC": BTC * Decimal("0.88"), "ETH": ETH})
    assert after.liquidated == ()
    loss = -after.positions[0].unrealized_pnl
    assert f"= {dollars(loss)}" in LESSON_4  # $1,200
    assert f"**{dollars(after.equity)}**" in LESSON_4  # $3,800
    # With ETH up 10%, BTC's cross liquidation price moves to about 28,726.
    richer = liquidation_price(account, 0, {"BTC": BTC, "ETH": ETH * Decimal("1.1")})
    assert f"from about {whole(price)} to about {whole(richer)}" in LESSON_4


def test_lesson_4_single_trades():
    isolated = Account(Decimal(5000), [Position.from_notional("ETH", "long", 5000, ETH, 10)])
    price = liquidation_price(isolated, 0)
    assert f"falls to about {whole(price)}" in LESSON_4  # about 2,714
    crash = evaluate(isolated, {"ETH": Decimal(1)})
    assert f"lose **exactly {dollars(crash.total_lost)}**" in LESSON_4  # $500
    assert f"The other {dollars(crash.equity)} is untouched" in LESSON_4  # $4,500
    cross = Account(
        Decimal(5000), [Position.from_notional("ETH", "long", 5000, ETH, 10, mode=Mode.CROSS)]
    )
    # "practically to zero": the whole $5,000 backs a $5,000 position.
    assert liquidation_price(cross, 0) < Decimal("0.000001")
    assert "practically to zero" in LESSON_4


@pytest.mark.parametrize(
    ("leverage", "margin", "expected"),
    [(10, 600, "54,271.36"), (5, 1200, "48,241"), (2, 3000, "30,151"), (10, 900, "51,256")],
)
def test_lesson_3_liquidation_prices(leverage, margin, expected):
    position = Position("BTC", "long", Decimal("0.1"), BTC, leverage, margin=Decimal(margin))
    price = liquidation_price(Account(Decimal(margin), [position]), 0)
    shown = cents(price) if "." in expected else whole(price)
    assert shown == expected
    assert expected in LESSON_3


def test_lesson_3_maintenance_margin_at_the_liquidation_price():
    position = Position("BTC", "long", Decimal("0.1"), BTC, 10)
    account = Account(Decimal(600), [position])
    price = liquidation_price(account, 0)
    assert f"${cents(account.maintenance_margin(0, price))}" in LESSON_3  # $27.14
