"""Strategy 4, "A delta-neutral funding trade in perpetuals": every figure it prints is
the engine's, recomputed here, formatted as the page writes it and looked up in its
text; the replays are the replay view's own, each leg in its own account.

The two legs are on two venues, so they are two `Account`s: a short on Binance and a
long on Bybit, neither of which sees the other."""

from decimal import Decimal

import pytest

from core.numbers import number, price
from simulator.engine import (
    Account,
    Mode,
    Position,
    evaluate,
    funding_payment,
    liquidation_price,
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

PAGE = page("04-delta-neutral-funding.md")
BTC = Decimal(60_000)
BALANCE = Decimal(3_000)  # each venue's futures account
HIGH, LOW = Decimal("0.0003"), Decimal("0.0001")  # Binance's and Bybit's rates in the example
NAMES = {
    "binance": "Binance",
    "bybit": "Bybit",
    "okx": "OKX",
    "hyperliquid": "Hyperliquid",
    "dydx": "dYdX",
}
VENUES = tuple(NAMES)


def leg(
    side: str,
    *,
    venue: str,
    mode: Mode = Mode.ISOLATED,
    leverage: int = 5,
    margin: Decimal | None = None,
    tiered: bool = False,
) -> Account:
    """One leg, $10,000 of BTC, alone in its venue's $3,000 account."""
    brackets = {"BTC": get_venue(venue).brackets("BTC")} if tiered else None
    position = Position.from_notional("BTC", side, 10_000, BTC, leverage, mode=mode, margin=margin)
    return Account(BALANCE, [position], venue=venue, brackets=brackets)


def short(mode: Mode = Mode.ISOLATED, **kwargs) -> Account:
    return leg("short", venue="binance", mode=mode, **kwargs)


def long(mode: Mode = Mode.ISOLATED, **kwargs) -> Account:
    return leg("long", venue="bybit", mode=mode, **kwargs)


def move(at: Decimal) -> str:
    return one_place(abs(at - BTC) / BTC)


def test_the_setup():
    for account in (short(), long()):
        assert cash(account.positions[0].isolated_margin) == "$2,000"
        assert account.positions[0].quantity * 6 == 1
    assert short().venue == "binance" and long().venue == "bybit"
    assert "a $10,000 BTC short at 5x with **$2,000** of margin" in PAGE
    assert "a $10,000 BTC long at 5x with **$2,000** of margin" in PAGE
    assert PAGE.count("in a futures account that holds **$3,000**") == 2
    assert "Each leg is 1/6 of a bitcoin" in PAGE
    assert f"Together that is **{cash(2 * BALANCE)}**" in PAGE  # $6,000


def test_the_legs_cancel_each_others_price_risk():
    up = BTC * Decimal("1.1")
    assert "If BTC rises 10% to 66,000" in PAGE and up == 66_000
    lost = evaluate(short(), {"BTC": up}).positions[0].unrealized_pnl
    gained = evaluate(long(), {"BTC": up}).positions[0].unrealized_pnl
    assert f"the short on Binance loses **{cash(-lost)}**" in PAGE  # $1,000
    assert f"the long on Bybit gains **{cash(gained)}**" in PAGE
    assert lost + gained == 0


def test_what_it_earns_is_the_gap_between_the_rates():
    received = -funding_payment(short().positions[0], rate=HIGH, price=BTC)
    paid = funding_payment(long().positions[0], rate=LOW, price=BTC)
    assert "BTC's rate is **+0.03%** every 8 hours on Binance and **+0.01%** on Bybit" in PAGE
    assert f"receives 0.03% of its value every 8 hours, **${received:.2f}** a payment" in PAGE
    assert f"Your long on Bybit pays 0.01%, **${paid:.2f}** a payment" in PAGE
    net = received - paid
    assert f"What is left is **${net:.2f}** every 8 hours" in PAGE  # $2.00
    hours = {get_venue(key).funding_hours for key in ("binance", "bybit")}
    assert hours == {8}
    assert f"{cash(net * 24 // 8)} a day" in PAGE  # $6

    month_short = with_funding(short(), rates={"BTC": HIGH}, intervals=90)
    month_long = with_funding(long(), rates={"BTC": LOW}, intervals=90)
    earned = month_short.balance + month_long.balance - 2 * BALANCE
    assert f"or **{cash(earned)}** over 30 days" in PAGE  # $180

    same = funding_payment(long().positions[0], rate=HIGH, price=BTC)
    assert same == received
    assert f"the long would have paid **${same:.2f}** a payment" in PAGE

    short_margin = month_short.positions[0].isolated_margin
    long_margin = month_long.positions[0].isolated_margin
    assert f"has grown to **{cash(short_margin)}**" in PAGE  # $2,270
    assert f"has shrunk to **{cash(long_margin)}**" in PAGE  # $1,910
    before, after = liquidation_price(short(), 0), liquidation_price(month_short, 0)
    assert after > before
    assert f"from about **{about(before)}** to about **{about(after)}**; the long's" in PAGE
    before, after = liquidation_price(long(), 0), liquidation_price(month_long, 0)
    assert after > before  # towards the market
    assert f"from about **{about(before)}** to about **{about(after)}**." in PAGE


def test_four_fees_eat_the_first_payments():
    binance = trading_fee(10_000, get_venue("binance").taker_fee)
    bybit = trading_fee(10_000, get_venue("bybit").taker_fee)
    assert f"**{cash(binance)}** a trade on Binance at 0.05%" in PAGE  # $5
    assert f"**{cash(bybit)}** on Bybit at 0.055%" in PAGE  # $5.50
    total = 2 * (binance + bybit)
    assert f"**{cash(total)}** in all" in PAGE  # $21
    net = -funding_payment(short().positions[0], rate=HIGH, price=BTC) - funding_payment(
        long().positions[0], rate=LOW, price=BTC
    )
    count = total / net
    assert f"the first **{number(count, 1)}** payments" in PAGE  # 10.5
    assert f"the first {number(count, 1)} payments of the gap" in PAGE
    assert f"{cash(total)}** to open and close both legs" in PAGE
    assert count * 8 / 24 == Decimal("3.5") and "three and a half days" in PAGE


def test_each_leg_has_its_own_liquidation_price():
    short_isolated, short_cross = (
        liquidation_price(short(), 0),
        liquidation_price(short(Mode.CROSS), 0),
    )
    long_isolated, long_cross = liquidation_price(long(), 0), liquidation_price(long(Mode.CROSS), 0)
    assert short_isolated > BTC > long_isolated
    assert f"at about **{about(short_isolated)}** in isolated margin, a rise of about " in PAGE
    assert f"a rise of about **{move(short_isolated)}**" in PAGE  # 19.4%
    assert f"at about **{about(short_cross)}**, a rise of about **{move(short_cross)}**" in PAGE
    assert f"at about **{about(long_isolated)}** in isolated margin, a fall of about " in PAGE
    assert f"a fall of about **{move(long_isolated)}**" in PAGE  # 19.6%
    assert f"at about **{about(long_cross)}**, a fall of about **{move(long_cross)}**" in PAGE

    # At the short's liquidation price: its margin gone, the long's gain stranded on Bybit.
    gain = evaluate(long(), {"BTC": short_isolated}).positions[0].unrealized_pnl
    assert evaluate(short(), {"BTC": short_isolated}).total_lost == 2_000
    assert f"At {about(short_isolated)} the short's $2,000 is gone" in PAGE
    assert f"shows a gain of about **{cash(round(gain))}**" in PAGE  # $1,940
    assert f"you are down only about **{cash(round(2_000 - gain))}**" in PAGE  # $60
    binance_left = BALANCE - 2_000
    bybit_back = evaluate(long(), {"BTC": BTC}).equity
    assert f"you hold **{cash(binance_left)}** on Binance and **{cash(bybit_back)}** on Bybit" in (
        PAGE
    )
    assert f"**{cash(binance_left + bybit_back)}** of the $6,000" in PAGE  # $4,000


def test_what_the_two_simulators_show():
    assert evaluate(short(), {"BTC": BTC * Decimal("1.2")}).liquidated == (0,)
    assert evaluate(long(), {"BTC": BTC * Decimal("0.8")}).liquidated == (0,)
    assert "preset=s4-short-leg control=move:BTC min=0 max=40 value=20" in PAGE
    assert "preset=s4-long-leg control=move:BTC min=-40 max=0 value=-20" in PAGE


def test_when_the_rates_turn():
    s, lo = short().positions[0], long().positions[0]
    minus = Decimal("-0.0001")
    assert "Binance's rate turns to \u22120.01% while Bybit's stays at +0.01%" in PAGE
    short_pays, long_pays = (
        funding_payment(s, rate=minus, price=BTC),
        funding_payment(lo, rate=LOW, price=BTC),
    )
    assert f"Now the short pays **${short_pays:.2f}** and the long pays **${long_pays:.2f}**" in (
        PAGE
    )
    assert f"you pay **${short_pays + long_pays:.2f}** every 8 hours" in PAGE  # $2.00

    both = Decimal("-0.0003")
    assert "Say both turn to \u22120.03%" in PAGE
    short_pays = funding_payment(s, rate=both, price=BTC)
    long_gets = -funding_payment(lo, rate=both, price=BTC)
    assert f"The short pays **${short_pays:.2f}** and the long receives **${long_gets:.2f}**" in (
        PAGE
    )
    assert short_pays == long_gets and "the trade earns nothing" in PAGE


@pytest.mark.django_db
def test_the_replay_of_a_rally():
    isolated, cross = replayed("s4-rally")
    assert "+0.03% on Binance and +0.01% on Bybit" in PAGE
    (lost,) = liquidations(isolated)
    received = payments(isolated)
    assert all(event.amount < 0 for event in received)
    funding = -sum(event.amount for event in received)
    assert f"the short receives {len(received)} payments, **{cash(funding)}** in all" in PAGE
    assert not lost.gap
    assert f"is liquidated at **{price(lost.marks['BTC'])}**" in PAGE  # 71,781.09
    assert f"at about **hour {about(lost.time)}**" in PAGE  # 57
    assert lost.amount == 2_000 + funding
    assert f"its whole margin, **{cash(lost.amount)}**" in PAGE  # $2,023.33
    assert isolated.final.marks["BTC"] == BTC
    assert f"The Binance account ends with **{cash(isolated.final.equity)}**" in PAGE

    assert liquidations(cross) == []
    got = payments(cross)
    cross_funding = -sum(event.amount for event in got)
    assert f"receives **{cash(cross_funding)}** in {len(got)} payments" in PAGE  # $60.75, 18
    assert f"The Binance account ends with **{cash(cross.final.equity)}**" in PAGE

    # The long on Bybit, on the same path at its own rate: the page's second link.
    other_isolated, other_cross = replayed("s4-rally", account="s4-long-leg", funding="0.01")
    assert liquidations(other_isolated) == liquidations(other_cross) == []
    assert other_isolated.final.equity == other_cross.final.equity
    paid = payments(other_isolated)
    assert f"It pays {len(paid)} payments, **{cash(sum(e.amount for e in paid))}** in all" in PAGE
    bybit = other_isolated.final.equity
    assert f"its account ends with **{cash(bybit)}**." in PAGE  # $2,979.75
    assert "(/simulator/replay/?path=s4-rally&account=s4-long-leg&funding=0.01)" in PAGE

    assert f"you end with **{cash(isolated.final.equity + bybit)}** of your $6,000" in PAGE
    total = cross.final.equity + bybit
    assert f"you end with **{cash(total)}**, the **{cash(total - 2 * BALANCE)}**" in PAGE
    assert "(/simulator/replay/?path=s4-rally)" in PAGE


@pytest.mark.django_db
def test_the_replay_of_a_crash_with_the_rates_turned():
    isolated, cross = replayed("s4-crash")
    assert "\u22120.03% every 8 hours on both venues" in PAGE
    (lost,) = liquidations(isolated)
    assert payments(isolated) == [] and lost.time < 8
    assert "before the first payment" in PAGE
    assert lost.marks["BTC"] == liquidation_price(long(), 0)
    assert f"the long is liquidated at **{price(lost.marks['BTC'])}**" in PAGE  # 48,241.21
    assert f"at about **hour {about(lost.time)}**, before" in PAGE  # 7
    assert f"and loses its **{cash(lost.amount)}**" in PAGE  # $2,000
    assert f"The Bybit account ends with **{cash(isolated.final.equity)}**" in PAGE

    (gone,) = liquidations(cross)
    (received,) = payments(cross)
    assert received.amount < 0 and gone.cross and not gone.gap
    assert f"receives one payment of **{cash(-received.amount)}**" in PAGE  # $2.30
    assert f"but at **{price(gone.marks['BTC'])}**, at about **hour {about(gone.time)}**" in PAGE
    assert cross.final.equity == 0
    assert f"You lose the whole **{cash(gone.amount)}** in it" in PAGE  # $3,002.30

    bottom = min(moment.marks["BTC"] for moment in isolated.moments)
    assert f"At the bottom, {about(bottom)}" in PAGE and bottom == BTC * Decimal("0.65")
    gain = evaluate(short(), {"BTC": bottom}).positions[0].unrealized_pnl
    assert f"showed a gain of **{cash(gain)}**" in PAGE  # $3,500
    assert gain > gone.amount

    other_isolated, other_cross = replayed("s4-crash", account="s4-short-leg")
    assert liquidations(other_isolated) == liquidations(other_cross) == []
    paid = payments(other_isolated)
    assert all(event.amount > 0 for event in paid)  # the short pays at a negative rate
    assert f"It pays {len(paid)} payments, **{cash(sum(e.amount for e in paid))}** in all" in PAGE
    binance = other_isolated.final.equity
    assert other_cross.final.equity == binance
    assert f"its account ends with **{cash(binance)}**." in PAGE  # $2,982.85
    assert "(/simulator/replay/?path=s4-crash&account=s4-short-leg)" in PAGE
    assert f"you end with **{cash(isolated.final.equity + binance)}** if the long" in PAGE
    assert f"and **{cash(cross.final.equity + binance)}** if it was in cross" in PAGE
    assert "(/simulator/replay/?path=s4-crash)" in PAGE


def test_what_can_go_wrong():
    topped = short(margin=Decimal(2_500))
    assert f"Adding **{cash(500)}** to the short's margin" in PAGE
    before, after = liquidation_price(short(), 0), liquidation_price(topped, 0)
    assert f"from about {about(before)} to about **{about(after)}**" in PAGE  # 74,627
    assert f"about {move(before)} (the short) or {move(liquidation_price(long(), 0))}" in PAGE

    ten_short = short(leverage=10)
    ten_long = long(leverage=10)
    assert cash(ten_short.positions[0].isolated_margin) == "$1,000"
    up, down = liquidation_price(ten_short, 0), liquidation_price(ten_long, 0)
    assert f"the short goes at about **{about(up)}**" in PAGE  # 65,672
    assert f"the long at about **{about(down)}**" in PAGE  # 54,271
    assert move(up) == move(down) == "9.5%"
    assert f"after a move of about **{move(up)}** either way" in PAGE


def test_where_the_venues_differ():
    hourly = {key for key in VENUES if get_venue(key).funding_hours == 1}
    assert hourly == {"hyperliquid", "dydx"}
    assert all(get_venue(key).funding_hours == 8 for key in ("binance", "bybit", "okx"))
    assert "Every 8 hours on Binance, Bybit and OKX, every hour on Hyperliquid and dYdX" in PAGE
    an_hour = funding_payment(long().positions[0], rate=LOW, price=BTC)
    assert f"0.01% an hour on a $10,000 position is **${an_hour:.2f}** an hour" in PAGE
    assert f"**${an_hour * 8:.2f}** over 8 hours, eight times" in PAGE

    for key in VENUES:
        venue = get_venue(key)
        every = "every hour" if venue.funding_hours == 1 else f"every {venue.funding_hours} hours"
        down = liquidation_price(leg("long", venue=key, tiered=True), 0)
        up = liquidation_price(leg("short", venue=key, tiered=True), 0)
        name = NAMES[key]
        row = f'<th scope="row">{name}</th><td>{every}</td>'
        row += f"<td>{price(down)}</td><td>{price(up)}</td>"
        assert row in PAGE, row

    # The rules the page names, as the engine holds them.
    assert get_venue("binance").brackets("BTC")[0].rate == Decimal("0.004")
    assert get_venue("okx").fee_in_maintenance
    assert get_venue("hyperliquid").brackets("BTC")[0].rate == Decimal("0.0125")
    assert get_venue("dydx").brackets("BTC")[0].rate == Decimal("0.03")
    dydx = liquidation_price(leg("long", venue="dydx", tiered=True), 0)
    assert f"A leg on dYdX is liquidated after a move of about {move(dydx)}, not " in PAGE
    assert f"not {move(liquidation_price(long(), 0))}." in PAGE
