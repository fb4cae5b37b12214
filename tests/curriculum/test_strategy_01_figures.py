"""Strategy 1, "A hedged pair in cross margin": every figure it prints is the engine's,
recomputed here, formatted as the page writes it and looked up in its text; the two
replays are the replay view's own."""

from decimal import Decimal

import pytest

from core.numbers import number, price
from simulator.engine import (
    Account,
    Mode,
    Position,
    evaluate,
    liquidation_price,
    liquidation_prices,
    trading_fee,
    with_funding,
)
from simulator.engine.venues import get_venue
from tests.curriculum.strategy_checks import (
    about,
    cash,
    liquidations,
    one_place,
    page,
    replayed,
)

PAGE = page("01-hedged-pair.md")
BTC, ETH = Decimal(60_000), Decimal(3_000)
BALANCE = Decimal(3_000)


def pair(mode: Mode = Mode.CROSS) -> Account:
    """Long BTC and short ETH, $10,000 each at 10x ($1,000 of margin each), in $3,000."""
    return Account(
        BALANCE,
        [
            Position.from_notional("BTC", "long", 10_000, BTC, 10, mode=mode),
            Position.from_notional("ETH", "short", 10_000, ETH, 10, mode=mode),
        ],
    )


def at(btc_move: str, eth_move: str) -> dict[str, Decimal]:
    return {"BTC": BTC * (1 + Decimal(btc_move)), "ETH": ETH * (1 + Decimal(eth_move))}


def test_the_setup():
    long, short = pair().positions
    assert cash(long.isolated_margin) == cash(short.isolated_margin) == "$1,000"
    assert "futures account of **$3,000**" in PAGE
    assert "worth $10,000 at 10x, opened at 60,000, with $1,000 of margin" in PAGE
    assert "worth $10,000 at 10x, opened at 3,000, with $1,000 of margin" in PAGE


def test_the_pair_makes_or_loses_the_gap_between_the_coins():
    better = evaluate(pair(), at("-0.1", "-0.2"))
    long, short = better.positions
    assert better.liquidated == ()
    assert f"The long loses **{cash(-long.unrealized_pnl)}**" in PAGE  # $1,000
    assert f"the short gains **{cash(short.unrealized_pnl)}**" in PAGE  # $2,000
    assert f"Your equity rises to **{cash(better.equity)}**" in PAGE  # $4,000

    worse = evaluate(pair(), at("-0.2", "-0.1"))
    long, short = worse.positions
    assert f"the long would lose **{cash(-long.unrealized_pnl)}**" in PAGE  # $2,000
    assert f"the short would gain **{cash(short.unrealized_pnl)}**" in PAGE  # $1,000
    assert f"your equity would drop to **{cash(worse.equity)}**" in PAGE  # $2,000


def test_isolated_each_leg_stands_on_its_own_margin():
    account = pair(Mode.ISOLATED)
    long_price, short_price = liquidation_prices(account)
    assert f"the long at about **{about(long_price)}**" in PAGE  # 54,271
    assert f"the short at about **{about(short_price)}**" in PAGE  # 3,284
    assert one_place((BTC - long_price) / BTC) == one_place((short_price - ETH) / ETH) == "9.5%"
    assert "about 9.5% away" in PAGE
    # "A fall of 10% in both coins liquidates the long", though the short gained as much.
    both = evaluate(account, at("-0.1", "-0.1"))
    assert both.liquidated == (0,)
    assert cash(both.positions[1].unrealized_pnl) == cash(-both.positions[0].unrealized_pnl)
    assert "A fall of 10% in both coins liquidates the long" in PAGE


def test_cross_puts_the_whole_account_behind_both_legs():
    account = pair()
    btc_price = liquidation_price(account, 0, {"BTC": BTC, "ETH": ETH})
    eth_price = liquidation_price(account, 1, {"BTC": BTC, "ETH": ETH})
    assert f"BTC would have to fall to about **{about(btc_price)}**" in PAGE  # 42,513
    assert f"ETH would have to rise to about **{about(eth_price)}**" in PAGE  # 3,866


def test_both_fall_25_percent_in_cross():
    account = pair()
    marks = at("-0.25", "-0.25")
    assert marks == {"BTC": 45_000, "ETH": 2_250}
    assert "BTC to 45,000 and ETH to 2,250" in PAGE
    after = evaluate(account, marks)
    long, short = after.positions
    assert after.liquidated == ()
    assert f"The long has lost **{cash(-long.unrealized_pnl)}**" in PAGE  # $2,500
    assert -long.unrealized_pnl / account.positions[0].isolated_margin == Decimal("2.5")
    assert "two and a half times its own margin" in PAGE
    assert f"The short has gained **{cash(short.unrealized_pnl)}**" in PAGE  # $2,500
    assert f"Your equity is still **{cash(after.equity)}**" in PAGE  # $3,000
    assert f"only **{cash(after.cross_maintenance_margin)}** of maintenance" in PAGE  # $75
    assert f"a calm **{one_place(long.margin_ratio)}**" in PAGE  # 2.5%
    lower = liquidation_price(account, 0, {"BTC": BTC, "ETH": marks["ETH"]})
    assert f"BTC's liquidation price has moved down to about **{about(lower)}**" in PAGE  # 27,362


def test_with_btc_down_25_percent_a_small_eth_rise_liquidates_the_cross_account():
    # The widget's starting point: BTC at 45,000; how far may ETH rise?
    price = liquidation_price(pair(), 1, {"BTC": BTC * Decimal("0.75"), "ETH": ETH})
    assert f"ETH has only to rise to about **{about(price)}**" in PAGE  # 3,123
    assert f"**{one_place((price - ETH) / ETH)}** above its entry" in PAGE  # 4.1%


@pytest.mark.django_db
def test_the_replay_where_both_fall_together():
    isolated, cross = replayed("s1-together")
    (lost,) = liquidations(isolated)
    long_price = liquidation_prices(pair(Mode.ISOLATED))[0]
    assert lost.positions == (0,) and not lost.gap
    assert lost.marks["BTC"] == long_price
    assert f"the long is liquidated at **{price(long_price)}**" in PAGE  # 54,271.36
    assert f"at about **hour {about(lost.time)}** of the fall" in PAGE  # 19.1
    assert f"You lose its {cash(lost.amount)}" in PAGE  # $1,000
    assert isolated.final.marks == {"BTC": BTC, "ETH": ETH}
    assert f"the account holds **{cash(isolated.final.equity)}**" in PAGE  # $2,000
    assert isolated.final.equity * 3 == BALANCE * 2  # "lost a third of the account"
    assert "lost a third of the account on a round trip" in PAGE
    assert liquidations(cross) == []
    assert [e for e in cross.events if e.kind == "ratio"] == []  # "no warning"
    assert f"the account ends with **{cash(cross.final.equity)}**, where it began" in PAGE
    assert cross.final.equity == BALANCE
    assert "(/simulator/replay/?path=s1-together)" in PAGE


@pytest.mark.django_db
def test_the_replay_where_the_legs_come_apart():
    isolated, cross = replayed("s1-decouple")
    (lost,) = liquidations(isolated)
    short_price = liquidation_prices(pair(Mode.ISOLATED))[1]
    assert lost.positions == (1,) and lost.marks["BTC"] == BTC
    assert lost.marks["ETH"] == short_price
    assert f"the short is liquidated at **{price(short_price)}**" in PAGE  # 3,283.58
    assert f"at about **hour {number(lost.time, 1)}**" in PAGE  # 13.5
    assert isolated.final.open == (0,)  # the long, unhedged
    assert f"and the account holds **{cash(isolated.final.equity)}**" in PAGE  # $2,000

    (gone,) = liquidations(cross)
    assert gone.cross and gone.positions == (0, 1)
    eth_price = liquidation_price(pair(), 1, {"BTC": BTC, "ETH": ETH})
    assert gone.marks["ETH"] == eth_price
    assert f"when ETH reaches **{price(eth_price)}**" in PAGE  # 3,865.67
    assert f"at about **hour {about(gone.time)}**" in PAGE  # 41.22
    assert f"You lose the whole **{cash(gone.amount)}**" in PAGE  # $3,000
    assert cross.final.equity == 0
    assert isolated.final.marks["ETH"] == ETH * Decimal("1.35")
    assert "ETH rallies 35%" in PAGE and "(/simulator/replay/?path=s1-decouple)" in PAGE


def test_what_can_go_wrong():
    at_entry = evaluate(pair(), {"BTC": BTC, "ETH": ETH})
    assert f"**{cash(at_entry.cross_maintenance_margin)}** at the entry prices" in PAGE  # $100

    rates = {"BTC": Decimal("0.0003"), "ETH": Decimal("0.0001")}
    assert "If BTC's rate is 0.03% and ETH's is 0.01%" in PAGE
    long_pays = BALANCE - with_funding(pair(), rates={"BTC": rates["BTC"]}, intervals=1).balance
    short_gets = with_funding(pair(), rates={"ETH": rates["ETH"]}, intervals=1).balance - BALANCE
    assert f"the long pays **${long_pays:.2f}**" in PAGE  # $3.00
    assert f"the short receives **${short_gets:.2f}**" in PAGE  # $1.00
    once = pair().balance - with_funding(pair(), rates=rates, intervals=1).balance
    assert f"you pay **${once:.2f}** every 8 hours" in PAGE  # $2.00
    assert get_venue("binance").funding_hours == 8
    month = pair().balance - with_funding(pair(), rates=rates, intervals=3 * 30).balance
    assert f"**{cash(month)}** over 30 days" in PAGE  # $180

    rate = get_venue("binance").taker_fee
    assert f"taker rate of {(rate * 100).normalize()}%" in PAGE  # 0.05%
    one = trading_fee(10_000, rate)
    assert f"costs **{cash(one)}** a trade, **{cash(4 * one)}** in all" in PAGE  # $5, $20

    # Closing the short after both fell 25%: it banks its gain; the long is alone.
    long, short = pair().positions
    assert f"closing the short banks its {cash(short.unrealized_pnl(ETH * Decimal('0.75')))}" in (
        PAGE
    )
    further = long.unrealized_pnl(Decimal(45_000)) - long.unrealized_pnl(Decimal(36_000))
    assert "a further fall of BTC to 36,000" in PAGE
    assert f"costs another **{cash(further)}**" in PAGE  # $1,500
