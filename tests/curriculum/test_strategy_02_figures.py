"""Strategy 2, "Cash-and-carry, and how it can still be liquidated": every figure it
prints is the engine's, recomputed here, formatted as the page writes it and looked up
in its text; the two replays are the replay view's own.

The engine has no spot market: the coin bought outright is worth quantity x price, and
its gain is the profit of a long of that quantity (`Position.unrealized_pnl`), which
nothing liquidates."""

from decimal import Decimal

import pytest

from core.numbers import price
from simulator.engine import (
    Account,
    Mode,
    Position,
    bankruptcy_price,
    evaluate,
    funding_payment,
    liquidation_price,
    quantity_for,
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
    payments,
    replayed,
)

PAGE = page("02-cash-and-carry.md")
BTC = Decimal(60_000)
FUTURES = Decimal(3_000)  # the futures account; the coin is bought with another $10,000
COINS = quantity_for(10_000, BTC)  # 1/6 BTC, bought on the spot market
SPOT = Position("BTC", "long", COINS, BTC, 1)  # only its profit and loss is used


def short(mode: Mode = Mode.ISOLATED, leverage: int = 5) -> Position:
    return Position.from_notional("BTC", "short", 10_000, BTC, leverage, mode=mode)


def futures(mode: Mode = Mode.ISOLATED) -> Account:
    return Account(FUTURES, [short(mode)])


def coin_value(at: Decimal) -> Decimal:
    return COINS * at


def test_the_setup():
    assert short().quantity == COINS
    assert COINS * 6 == 1 and "buys 1/6 of a bitcoin" in PAGE
    assert cash(short().isolated_margin) == "$2,000"
    assert "a $10,000 short at 5x with **$2,000** of margin" in PAGE
    assert "in a futures account that holds **$3,000**" in PAGE
    assert cash(10_000 + FUTURES) == "$13,000" and "Together that is $13,000" in PAGE


def test_the_legs_cancel_each_others_price_risk():
    up = BTC * Decimal("1.1")
    assert "If BTC rises 10% to 66,000" in PAGE and up == 66_000
    after = evaluate(futures(), {"BTC": up})
    assert f"the coin you hold gains **{cash(SPOT.unrealized_pnl(up))}**" in PAGE  # $1,000
    assert f"the short loses **{cash(-after.positions[0].unrealized_pnl)}**" in PAGE
    assert cash(SPOT.unrealized_pnl(up) + after.positions[0].unrealized_pnl) == "$0"
    down = evaluate(futures(), {"BTC": BTC * Decimal("0.9")})
    assert cash(SPOT.unrealized_pnl(BTC * Decimal("0.9")) + down.positions[0].unrealized_pnl) == (
        "$0"
    )


def test_what_funding_brings_in():
    quiet, hot = Decimal("0.0001"), Decimal("0.0005")
    received = -funding_payment(short(), rate=quiet, price=BTC)
    assert "At a rate of +0.01%" in PAGE
    assert f"the short receives **${received:.2f}** a payment" in PAGE  # $1.00
    hours = get_venue("binance").funding_hours
    assert hours == 8 and "every 8 hours" in PAGE
    per_day = 24 // hours
    assert f"That is {cash(received * per_day)} a day" in PAGE  # $3
    month = with_funding(futures(), rates={"BTC": quiet}, intervals=per_day * 30)
    assert f"or **{cash(month.balance - FUTURES)}** over 30 days" in PAGE  # $90
    assert f"each payment is **${-funding_payment(short(), rate=hot, price=BTC):.2f}**" in PAGE
    assert "In a hot market at +0.05%" in PAGE

    # Received funding grows the isolated margin and moves the liquidation price away.
    assert f"the margin has grown to **{cash(month.positions[0].isolated_margin)}**" in PAGE
    before = liquidation_price(futures(), 0)
    after = liquidation_price(month, 0)
    assert after > before
    assert f"from about **{about(before)}** to about **{about(after)}**" in PAGE  # 71,642 72,179

    paid = funding_payment(short(), rate=-quiet, price=BTC)
    assert f"at \u22120.01% you pay **${paid:.2f}** a payment" in PAGE  # $1.00

    rate = get_venue("binance").taker_fee
    assert f"**{cash(trading_fee(10_000, rate))}** in taker fees at 0.05%" in PAGE  # $5
    assert rate == Decimal("0.0005")


def test_the_short_has_its_own_liquidation_price():
    isolated = liquidation_price(futures(), 0)
    cross = liquidation_price(futures(Mode.CROSS), 0)
    assert f"it is liquidated at about **{about(isolated)}**" in PAGE  # 71,642
    assert f"a rally of about **{one_place((isolated - BTC) / BTC)}**" in PAGE  # 19.4%
    assert f"and it is liquidated at about **{about(cross)}**" in PAGE  # 77,612
    assert f"a rally of about **{one_place((cross - BTC) / BTC)}**" in PAGE  # 29.4%
    assert f"go at a rally of about {one_place((isolated - BTC) / BTC)}" in PAGE  # the widget
    assert isolated < bankruptcy_price(futures(), 0) < cross

    # At the isolated liquidation price: the coin's gain, the margin gone.
    coin = coin_value(isolated)
    assert f"At {about(isolated)} the coin you hold is worth about **{cash(round(coin))}**" in PAGE
    gain = SPOT.unrealized_pnl(isolated)
    assert f"a gain of about **{cash(round(gain))}**" in PAGE  # $1,940
    margin = futures().positions[0].isolated_margin
    assert evaluate(futures(), {"BTC": isolated}).total_lost == margin
    assert f"you are down only about **{cash(round(margin - gain))}** overall" in PAGE  # $60

    # Back at 60,000, with the short gone.
    left = FUTURES - margin
    assert f"the coin is worth **{cash(coin_value(BTC))}** again" in PAGE  # $10,000
    assert f"the futures account holds the **{cash(left)}**" in PAGE  # $1,000
    total = coin_value(BTC) + left
    assert f"you have **{cash(total)}** of the $13,000" in PAGE  # $11,000
    assert f"**{cash(10_000 + FUTURES - total)}** down on a trade" in PAGE  # $2,000


def test_more_leverage_on_the_short_brings_its_liquidation_price_closer():
    two = Account(Decimal(5_000), [short(leverage=2)])
    assert f"needs **{cash(two.positions[0].isolated_margin)}** of margin" in PAGE  # $5,000
    at = liquidation_price(two, 0)
    assert f"liquidated only at about **{about(at)}**" in PAGE  # 89,552
    assert f"a rally of about **{one_place((at - BTC) / BTC)}**" in PAGE  # 49.3%
    assert at > liquidation_price(futures(), 0)


@pytest.mark.django_db
def test_the_replay_of_a_25_percent_rally_and_back():
    isolated, cross = replayed("s2-rally")
    assert "0.05% every 8 hours" in PAGE
    (lost,) = liquidations(isolated)
    received = payments(isolated)
    assert all(event.amount < 0 for event in received)  # a short receives
    assert f"the short receives {len(received)} payments" in PAGE  # 9
    funding = -sum(event.amount for event in received)
    assert f"**{cash(funding)}** in all" in PAGE  # $49.69
    assert not lost.gap
    assert f"It is liquidated at **{price(lost.marks['BTC'])}**, higher than" in PAGE  # 71,938.43
    before = liquidation_price(futures(), 0)
    assert lost.marks["BTC"] > before and f"higher than {about(before)} because" in PAGE
    assert f"at about **hour {about(lost.time)}**" in PAGE  # 76
    assert cash(lost.amount) == cash(futures().positions[0].isolated_margin + funding)
    assert f"its whole margin, **{cash(lost.amount)}**" in PAGE  # $2,049.69
    assert isolated.final.marks["BTC"] == BTC
    assert f"The account ends with **{cash(isolated.final.equity)}**" in PAGE  # $1,000
    with_coin = isolated.final.equity + coin_value(BTC)
    assert f"so with the coin you have **{cash(with_coin)}**" in PAGE  # $11,000

    assert liquidations(cross) == []
    got = payments(cross)
    assert f"**{cash(-sum(e.amount for e in got))}** in {len(got)} payments" in PAGE  # $135, 24
    assert f"the account ends with **{cash(cross.final.equity)}**" in PAGE  # $3,135
    assert f"With the coin: **{cash(cross.final.equity + coin_value(BTC))}**" in PAGE
    assert "(/simulator/replay/?path=s2-rally)" in PAGE


@pytest.mark.django_db
def test_the_replay_of_a_35_percent_rally_and_back():
    isolated, cross = replayed("s2-squeeze")
    (short_lost,) = liquidations(isolated)
    assert f"The isolated short is liquidated at **{price(short_lost.marks['BTC'])}**" in PAGE
    assert f"at about **hour {about(short_lost.time)}**" in PAGE  # 54
    (gone,) = liquidations(cross)
    assert gone.cross and not gone.gap
    assert f"The cross account goes at **{price(gone.marks['BTC'])}**" in PAGE  # 77,958.33
    assert f"at about **hour {about(gone.time)}**" in PAGE  # 82
    assert gone.amount > FUTURES  # the funding received went with it
    assert f"you lose the whole **{cash(gone.amount)}** in it" in PAGE  # $3,058.02
    assert "(/simulator/replay/?path=s2-squeeze)" in PAGE


def test_what_the_venues_count_is_stated_with_its_figure():
    assert "after a **5%** haircut on their value" in PAGE
    assert "every 8 hours on Binance, Bybit and OKX" in PAGE
    hourly = {key for key in ("hyperliquid", "dydx") if get_venue(key).funding_hours == 1}
    assert hourly == {"hyperliquid", "dydx"}
    assert all(get_venue(key).funding_hours == 8 for key in ("binance", "bybit", "okx"))
    assert "every hour on Hyperliquid and dYdX" in PAGE
