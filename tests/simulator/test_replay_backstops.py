"""The replay's backstops: partial liquidation by each venue's rule, the insurance fund
and auto-deleveraging around the account (simulator/engine/replay/, docs/engine.md,
"Replaying a path")."""

from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from simulator.engine import (
    Account,
    Bracket,
    EngineError,
    Market,
    Mode,
    Position,
    Shortfall,
    TierBasis,
    Trader,
    Wallet,
    bankruptcy_price,
    collateral_liquidation_price,
    liquidation_price,
)
from simulator.engine.replay import EventKind, PathPoint, replay

D = Decimal
TINY = D("1E-18")


def kinds(result, kind):
    return [event for event in result.events if event.kind is kind]


def falling(start, end, steps, symbol="BTC", hours=1):
    return [
        PathPoint(D(n * hours), {symbol: start + (end - start) * D(n) / steps})
        for n in range(steps + 1)
    ]


def hyperliquid_long(quantity=10, leverage=10, balance=100000):
    return Account(
        D(balance),
        [Position("BTC", "long", D(quantity), D(60000), D(leverage))],
        venue="hyperliquid",
    )


# ------------------------------------------------------------------ partial liquidation


def test_hyperliquid_closes_20_percent_at_the_liquidation_price_and_the_rest_stays_open():
    account = hyperliquid_long()  # 600,000 USDC of BTC: above 100,000
    result = replay(account, falling(D(60000), D(54000), 6))
    first = result.events[0] if result.events[0].kind is not EventKind.RATIO else None
    (step, *_) = kinds(result, EventKind.PARTIAL)
    assert first is None or first.kind is not EventKind.LIQUIDATION
    (order,) = step.orders
    assert order.quantity_before == 10
    assert order.closed == 2  # 20%
    assert order.remaining == 8
    assert order.price == liquidation_price(account, 0)  # at the engine's price
    assert "Hyperliquid" in order.rule and "20%" in order.rule
    assert step.positions == ()  # nothing closed wholly
    # Its loss is the part's, paid from the margin, never the whole margin.
    assert step.amount == 2 * (D(60000) - order.price)
    # The rest goes on, with a lower liquidation price, and is stepped again later.
    after = result.moments[-1]
    assert after.account.positions[0].quantity <= 8


def test_hyperliquid_each_later_step_is_again_20_percent_after_the_cooldown():
    result = replay(hyperliquid_long(), falling(D(60000), D(50000), 20))
    steps = kinds(result, EventKind.PARTIAL)
    assert len(steps) >= 2
    for step in steps:
        (order,) = step.orders
        assert order.closed == order.quantity_before * D("0.2")
    # An hour apart: far beyond 30 s, so each is 20% again.
    assert all(b.time - a.time > D(30) / 3600 for a, b in pairwise(steps))


def test_hyperliquid_inside_the_cooldown_the_whole_position_goes():
    account = hyperliquid_long()
    inside = liquidation_price(account, 0) - 200  # a jump past the line, short of bankruptcy
    assert inside > bankruptcy_price(account, 0)
    result = replay(
        account, [PathPoint(D(0), {"BTC": D(60000)}), PathPoint(D(1), {"BTC": inside}, gap=True)]
    )
    (step,) = kinds(result, EventKind.PARTIAL)
    (whole,) = kinds(result, EventKind.LIQUIDATION)
    assert step.orders[0].closed == 2
    assert whole.time == step.time
    assert whole.orders[0].closed == 8  # what was left, all of it
    assert "cooldown" in whole.orders[0].rule


def test_hyperliquid_small_position_goes_whole():
    account = hyperliquid_long(quantity=1)  # 60,000 USDC: not above 100,000
    result = replay(account, falling(D(60000), D(50000), 10))
    assert not kinds(result, EventKind.PARTIAL)
    (event,) = kinds(result, EventKind.LIQUIDATION)
    assert event.orders[0].closed == 1
    assert "not above 100,000" in event.orders[0].rule


def test_binance_closes_the_whole_position_at_once_and_names_the_rule():
    account = Account(D(100000), [Position("BTC", "long", D(10), D(60000), D(10))])
    result = replay(account, falling(D(60000), D(50000), 10))
    assert not kinds(result, EventKind.PARTIAL)
    (event,) = kinds(result, EventKind.LIQUIDATION)
    assert event.orders[0].closed == 10
    assert event.orders[0].rule == "Binance USDS-M: the whole position at once"


def test_okx_reduces_a_position_in_tier_3_to_tier_1s_maximum():
    """OKX's example (Forced Partial or Full Liquidation): 15,000 swaps in tier 3, tier 1
    up to 2,000: 13,000 closed, the 2,000 left in full if still short. Our stored BTC
    table has two tiers, so the tiers here are made up with OKX's sizes."""
    tiers = [
        Bracket(D(0), D("0.01"), TierBasis.QUANTITY),
        Bracket(D("2000.01"), D("0.015"), TierBasis.QUANTITY),
        Bracket(D("10000.01"), D("0.02"), TierBasis.QUANTITY),
    ]
    account = Account(
        D(300000),
        [Position("XYZ", "long", D(15000), D(100), D(10))],
        venue="okx",
        brackets={"XYZ": tiers},
    )
    result = replay(account, falling(D(100), D(50), 50, symbol="XYZ"))
    step = kinds(result, EventKind.PARTIAL)[0]
    (order,) = step.orders
    assert order.closed == 13000 and order.remaining == 2000  # OKX's figures
    assert order.price == liquidation_price(account, 0)
    assert order.rule == "OKX: tier 3: reduced to tier 1's maximum 2,000"
    # The 2,000 left are in tier 1: liquidated in full when their turn comes.
    (whole,) = kinds(result, EventKind.LIQUIDATION)
    assert whole.orders[0].closed == 2000 and "tier 1: liquidated in full" in whole.orders[0].rule


# ------------------------------------------------------------------ the fund and ADL


def gap_long(venue="binance"):
    """A 10x long of 1 BTC at 60,000 and a 2x short of 1 BTC at 60,000, isolated; BTC
    jumps to 50,000, past the long's bankruptcy price 54,000."""
    account = Account(
        D(50000),
        [
            Position("BTC", "long", D(1), D(60000), D(10)),
            Position("BTC", "short", D(1), D(60000), D(2)),
        ],
        venue=venue,
    )
    path = [PathPoint(D(0), {"BTC": D(60000)}), PathPoint(D(1), {"BTC": D(50000)}, gap=True)]
    return account, path


def test_without_a_market_no_fund_or_adl_events():
    account, path = gap_long()
    result = replay(account, path)
    assert not kinds(result, EventKind.FUND) and not kinds(result, EventKind.ADL)
    assert result.final.fund is None


def test_the_fund_pays_a_gaps_shortfall_when_it_can():
    account, path = gap_long()
    result = replay(account, path, market=Market(fund=D(100000)))
    (liquidation,) = kinds(result, EventKind.LIQUIDATION)
    (draw,) = kinds(result, EventKind.FUND)
    assert liquidation.beyond_bankruptcy
    assert draw.fund.shortfall == -liquidation.insurance == D(4000)  # 54,000 - 50,000
    assert draw.fund.bankruptcy_price == bankruptcy_price(account, 0) == D(54000)
    assert draw.fund.fund_used == D(4000) and draw.fund.fund_after == D(96000)
    assert draw.positions == (0,) and draw.fund.source == "yours"
    assert not kinds(result, EventKind.ADL)
    assert result.final.fund == D(96000)


def test_an_empty_fund_deleverages_your_own_profitable_short_at_the_bankruptcy_price():
    account, path = gap_long()
    result = replay(account, path, market=Market(fund=D(1000)))
    (draw,) = kinds(result, EventKind.FUND)
    (adl,) = kinds(result, EventKind.ADL)
    assert draw.fund.fund_used == 1000 and draw.fund.deleveraged == 3000
    assert draw.fund.fund_after == 0
    assert adl.positions == (1,)  # the account's own short
    step = adl.deleveraged
    assert step.rank == 1 and step.price == D(54000)
    # Closing at 54,000 instead of its mark 50,000 takes 4,000 per BTC: 3,000 needs 0.75.
    assert step.closed == D("0.75") and step.taken == D(3000)
    assert step.reason.startswith("Ranked 1 of 1 (")
    (short,) = result.final.account.positions
    assert short.quantity == D("0.25")


def test_adl_ranks_other_traders_with_yours_and_takes_the_highest_first():
    account, path = gap_long()
    market = Market(
        fund=D(0),
        traders=[
            # 20x short at 60,000: far higher profit x leverage than the account's 2x.
            Trader("Trader A", "BTC", "short", D(1), D(60000), D(3000)),
        ],
    )
    result = replay(account, path, market=market)
    (first,) = kinds(result, EventKind.ADL)
    assert first.deleveraged.name == "Trader A" and first.positions == ()
    assert first.deleveraged.rank == 1 and "Ranked 1 of 2" in first.deleveraged.reason
    # 1 BTC closed at 54,000 instead of 50,000: the whole shortfall, so the account's
    # short (ranked 2) is untouched.
    assert first.deleveraged.whole and first.deleveraged.taken == D(4000)
    assert first.fund.deleveraged == D(4000)
    assert result.final.account.positions[0].quantity == 1


def test_other_traders_shortfalls_at_their_hour_deleverage_your_short():
    account = Account(D(50000), [Position("BTC", "short", D(1), D(60000), D(2))])
    path = falling(D(60000), D(40000), 4)
    market = Market(
        fund=D(500),
        shortfalls=[Shortfall(D(2), "BTC", "long", D(2500), D(55000))],
    )
    result = replay(account, path, market=market)
    (draw,) = kinds(result, EventKind.FUND)
    (adl,) = kinds(result, EventKind.ADL)
    assert draw.time == 2 and draw.fund.source == "market"
    assert draw.fund.fund_used == 500
    assert adl.positions == (0,)
    # BTC is at 50,000 at hour 2: closing at 55,000 costs the short 5,000 per BTC.
    assert adl.deleveraged.closed == D("0.4") and adl.amount == 2000


def test_a_market_on_a_symbol_the_account_does_not_hold_is_refused():
    account, path = gap_long()
    with pytest.raises(EngineError, match="ETH"):
        replay(account, path, market=Market(D(0), [Trader("T", "ETH", "short", 1, 3000, 300)]))
    with pytest.raises(EngineError, match="named T"):
        Market(D(0), [Trader("T", "BTC", "short", 1, 1, 1), Trader("T", "BTC", "short", 1, 1, 1)])
    with pytest.raises(EngineError, match="negative"):
        Market(D(-1))


# ------------------------------------------------------------------ properties

prices = st.integers(min_value=20000, max_value=90000).map(D)


@st.composite
def cases(draw):
    venue = draw(st.sampled_from(["binance", "hyperliquid", "okx", "bybit"]))
    mode = draw(st.sampled_from([Mode.ISOLATED, Mode.CROSS]))
    positions = [
        Position(
            "BTC",
            draw(st.sampled_from(["long", "short"])),
            D(draw(st.integers(1, 40))) / 4,
            D(60000),
            D(draw(st.integers(2, 50))),
            mode=mode,
        )
        for _ in range(draw(st.integers(1, 3)))
    ]
    margins = sum(p.isolated_margin for p in positions)
    balance = margins + D(draw(st.integers(0, 200000)))
    steps = draw(st.lists(st.tuples(prices, st.booleans()), min_size=1, max_size=8))
    path = [PathPoint(D(0), {"BTC": D(60000)})]
    path += [PathPoint(D(n) / 2, {"BTC": p}, gap=g) for n, (p, g) in enumerate(steps, start=1)]
    traders = [
        Trader(
            f"T{n}",
            "BTC",
            side,
            D(draw(st.integers(1, 20))) / 4,
            D(60000),
            D(draw(st.integers(1000, 90000))),
        )
        for n, side in enumerate(draw(st.lists(st.sampled_from(["long", "short"]), max_size=4)))
    ]
    market = Market(D(draw(st.integers(0, 50000))), traders)
    return Account(balance, positions, venue=venue), path, market


@example(  # ADL's partial close of a trader that rounds to the whole of it
    (
        Account(
            D("9642.857142857142857142857143"),
            [
                Position("BTC", "long", D("0.25"), D(60000), D(7)),
                Position("BTC", "long", D("0.25"), D(60000), D(2)),
            ],
        ),
        [PathPoint(D(0), {"BTC": D(60000)}), PathPoint(D("0.5"), {"BTC": D(20000)}, gap=True)],
        Market(D(0), [Trader("T0", "BTC", "short", D("0.25"), D(60000), D(1000))]),
    )
)
@settings(max_examples=60, deadline=None)
@given(cases())
def test_properties_of_steps_fund_and_losses(case):
    account, path, market = case
    result = replay(account, path, market=market)
    for event in kinds(result, EventKind.PARTIAL):
        for order in event.orders:
            if account.venue == "hyperliquid" and order.closed < order.quantity_before:
                # A partial step never closes more than the venue's step.
                assert order.closed == order.quantity_before * D("0.2")
    for event in kinds(result, EventKind.FUND):
        draw = event.fund
        books = draw.fund_before - draw.shortfall + draw.deleveraged + draw.uncovered
        assert abs(draw.fund_after - books) < TINY  # 28 digits: a hair of rounding
        # Never negative; what is left uncovered is only what the opposite side could
        # not give: then nothing on it that gains from the close is left open.
        assert draw.fund_after >= 0
        if draw.uncovered > TINY:
            assert draw.fund_after == 0
    # The trader never loses more than the wallet: equity never below zero.
    assert all(moment.equity >= D("-1E-9") for moment in result.moments)
    # What liquidations took, less the profits their orders realized into the wallet,
    # is never more than the wallet the account started with.
    steps = kinds(result, EventKind.LIQUIDATION) + kinds(result, EventKind.PARTIAL)
    taken = sum((event.amount for event in steps), D(0))
    closes = steps + kinds(result, EventKind.ADL)
    gained = sum((max(o.realized, D(0)) for event in closes for o in event.orders), D(0))
    assert taken - gained <= account.balance + TINY


# ------------------------------------------------------------------ coin collateral


def btc_long_cross(balance=1):
    return Account(balance, [Position("BTC", "long", D(1), D(60000), D(10), mode=Mode.CROSS)])


def test_a_btc_long_on_btc_collateral_is_lost_where_the_engine_says_and_sooner():
    """1 BTC long at 10x on 0.2 BTC (Binance 95%): liquidated at the engine's
    collateral_liquidation_price, above where the same long on the USDT those coins
    were worth at the start (11,400) goes."""
    wallet = Wallet({"BTC": D("0.2")}, "binance")
    path = falling(D(60000), D(40000), 20)
    result = replay(btc_long_cross(), path, wallet=wallet)
    (event,) = kinds(result, EventKind.LIQUIDATION)
    expected = collateral_liquidation_price(btc_long_cross(D(11400)), 0, wallet)
    assert abs(event.marks["BTC"] - expected) < TINY  # 28 digits either way
    assert result.moments[0].collateral == D(11400)  # 0.2 x 60,000 x 95%
    usdt = replay(btc_long_cross(D(11400)), path)
    (plain,) = kinds(usdt, EventKind.LIQUIDATION)
    assert event.marks["BTC"] > plain.marks["BTC"] and event.time < plain.time
    # The cross wallet lost is what the coins were worth there, not at the start.
    assert event.amount == D("0.2") * event.marks["BTC"] * D("0.95")


def test_a_wallet_of_usdt_counted_at_100_percent_replays_as_the_single_asset_account():
    path = falling(D(60000), D(40000), 20)
    on_wallet = replay(btc_long_cross(), path, wallet=Wallet({"USDT": 9000}, "bybit"))
    plain = replay(btc_long_cross(D(9000)), path)
    assert on_wallet.events == plain.events
    assert [m.equity for m in on_wallet.moments] == [m.equity for m in plain.moments]


def test_a_wallet_is_refused_for_isolated_positions_and_for_coins_the_path_cannot_price():
    isolated = Account(D(6000), [Position("BTC", "long", D(1), D(60000), D(10))])
    path = falling(D(60000), D(50000), 2)
    with pytest.raises(EngineError, match="every position is cross"):
        replay(isolated, path, wallet=Wallet({"BTC": 1}))
    with pytest.raises(EngineError, match="holds ETH"):
        replay(btc_long_cross(), path, wallet=Wallet({"ETH": 1}))


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 40).map(lambda n: D(n) / 20),
    st.integers(0, 20000).map(D),
    st.sampled_from(["binance", "bybit"]),
    st.lists(st.tuples(prices, st.booleans()), min_size=1, max_size=6),
)
def test_on_coin_collateral_the_equity_never_goes_below_zero(coins, usdt, venue, steps):
    wallet = Wallet({"BTC": coins, "USDT": usdt}, venue)
    path = [PathPoint(D(0), {"BTC": D(60000)})]
    path += [PathPoint(D(n), {"BTC": p}, gap=g) for n, (p, g) in enumerate(steps, start=1)]
    result = replay(btc_long_cross(), path, wallet=wallet)
    assert all(moment.equity >= D("-1E-9") for moment in result.moments)
    for moment in result.moments:
        if moment.account.positions:
            assert moment.collateral == wallet.collateral_value(
                {"BTC": moment.marks["BTC"], "USDT": 1}
            ) or kinds(result, EventKind.PARTIAL)
