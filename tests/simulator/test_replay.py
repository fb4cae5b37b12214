"""Replaying an account along a path: hand-worked cases, the engine's single-price
results at every step, and properties (simulator/engine/replay/, docs/engine.md)."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.engine import (
    Account,
    EngineError,
    Mode,
    Position,
    bankruptcy_price,
    evaluate,
    liquidation_price,
    with_mode,
)
from simulator.engine.replay import EventKind, PathPoint, replay

D = Decimal
CENT = D("0.01")


def lesson_4(mode: Mode = Mode.ISOLATED) -> Account:
    return Account(
        D(5000),
        [
            Position.from_notional("BTC", "long", 10000, D(60000), 10, mode=mode),
            Position.from_notional("ETH", "long", 2500, D(3000), 5, mode=mode),
        ],
    )


def lesson_4_path() -> list[PathPoint]:
    """60,000 to 52,800 in 1% steps an hour, then to 30,000 in one step."""
    points = [PathPoint(D(hour), {"BTC": D(60000) * (1 - D(hour) / 100)}) for hour in range(13)]
    return [*points, PathPoint(D(13), {"BTC": D(30000)})]


def liquidations(result):
    return [event for event in result.events if event.kind is EventKind.LIQUIDATION]


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT)


def test_lesson_4_isolated_loses_a_at_its_liquidation_price_and_keeps_b():
    account = lesson_4()
    result = replay(account, lesson_4_path())
    (event,) = liquidations(result)
    assert event.positions == (0,)
    assert cents(event.marks["BTC"]) == D("54271.36")
    assert event.marks["BTC"] == liquidation_price(account, 0)  # exactly the engine's
    assert event.amount == D(1000)  # A's margin, no more
    assert not event.gap
    # It happens between hour 9 (54,600) and hour 10 (54,000), on the straight line.
    assert 9 < event.time < 10
    assert result.final.open == (1,)
    assert cents(result.final.equity) == D(4000)  # the lesson's $4,000
    at_52800 = result.moments[12]
    assert cents(at_52800.marks["BTC"]) == D(52800)
    assert cents(at_52800.equity) == D(4000)


def test_lesson_4_cross_survives_52800_and_loses_both_near_30226():
    account = lesson_4(Mode.CROSS)
    result = replay(account, lesson_4_path())
    at_52800 = result.moments[12]
    assert at_52800.open == (0, 1)
    assert cents(at_52800.equity) == D(3800)  # the lesson's $3,800
    (event,) = liquidations(result)
    assert event.cross and event.positions == (0, 1)  # every position at once
    expected = liquidation_price(account, 0, {"BTC": D(60000), "ETH": D(3000)})
    assert cents(event.marks["BTC"]) == cents(expected) == D("30226.13")
    assert event.amount == D(5000)  # the whole cross wallet
    assert 12 < event.time < 13
    assert result.final.open == () and result.final.equity == 0


def test_each_step_agrees_with_the_engine_at_that_price():
    account = lesson_4()
    result = replay(account, lesson_4_path())
    for moment in result.moments:
        single = evaluate(account, moment.marks)
        # Prices only fall, so what is liquidated at a step is what the engine says there.
        assert set(single.liquidated) == set(range(2)) - set(moment.open)
        assert cents(moment.equity) == cents(single.equity)


def test_a_gap_through_the_bankruptcy_price_is_filled_at_the_step_and_the_fund_covers_the_rest():
    account = Account(D(5000), [Position.from_notional("BTC", "long", 10000, D(60000), 10)])
    assert cents(bankruptcy_price(account, 0)) == D(54000)
    path = [PathPoint(D(0), {}), PathPoint(D(1), {"BTC": D(50000)}, gap=True)]
    result = replay(account, path)
    (event,) = liquidations(result)
    assert event.gap and event.beyond_bankruptcy
    assert event.time == 1 and event.marks["BTC"] == D(50000)  # the step's price
    assert event.amount == D(1000)  # the trader loses the margin only
    # 1/6 BTC fell 10,000: a loss of 1,666.67, 666.67 beyond the margin.
    assert cents(event.insurance) == D("-666.67")
    assert cents(result.final.equity) == D(4000)


def test_one_rule_a_straight_step_past_the_bankruptcy_price_fills_at_the_liquidation_price():
    # Issue 27: 57,000 to 53,000 in one step was reported as a gap past the bankruptcy
    # price (54,000), the fund covering $166.67. Unmarked, the step is a straight line.
    account = Account(D(5000), [Position.from_notional("BTC", "long", 10000, D(60000), 10)])
    path = [PathPoint(D(0), {"BTC": D(57000)}), PathPoint(D(1), {"BTC": D(53000)})]
    (event,) = liquidations(replay(account, path))
    assert not event.gap and not event.beyond_bankruptcy
    assert event.marks["BTC"] == liquidation_price(account, 0)  # 54,271.36
    assert event.time == (D(57000) - event.marks["BTC"]) / 4000  # on the line
    assert event.amount == D(1000) and cents(event.insurance) == D("45.23")
    # Marked as a gap, the same step jumps: filled at 53,000, the fund covers $166.67.
    gapped = [path[0], PathPoint(D(1), {"BTC": D(53000)}, gap=True)]
    (event,) = liquidations(replay(account, gapped))
    assert event.gap and event.time == 1 and event.marks["BTC"] == D(53000)
    assert event.amount == D(1000) and cents(event.insurance) == D("-166.67")


def test_a_gap_short_of_the_bankruptcy_price_fills_at_the_gap_and_the_fund_receives_the_rest():
    account = Account(D(5000), [Position.from_notional("BTC", "long", 10000, D(60000), 10)])
    # 54,100: past the liquidation price (54,271.36), short of the bankruptcy price.
    path = [PathPoint(D(0), {}), PathPoint(D(2), {"BTC": D(54100)}, gap=True)]
    (event,) = liquidations(replay(account, path))
    assert event.gap and not event.beyond_bankruptcy
    assert event.time == 2 and event.marks["BTC"] == D(54100)
    assert cents(event.insurance) == D("16.67")  # 1,000 - 1/6 x 5,900


def test_a_gap_holds_the_price_until_its_time_then_jumps():
    account = Account(D(5000), [Position.from_notional("BTC", "long", 6000, D(60000), 10)])
    path = [PathPoint(D(0), {}), PathPoint(D(16), {"BTC": D(63000)}, gap=True)]
    result = replay(account, path, funding={"BTC": D("0.001")})
    first, second = (event for event in result.events if event.kind is EventKind.FUNDING)
    # Funding at hour 8 is paid at the price held (60,000), at hour 16 after the jump.
    assert first.time == 8 and first.marks["BTC"] == D(60000)
    assert second.time == 16 and second.marks["BTC"] == D(63000)
    # The equity is flat to hour 16 (but for funding), then jumps: two corners at hour 16.
    at_16 = [equity for time, equity in result.curve if time == 16]
    assert at_16[0] == D(5000) - first.amount and at_16[-1] == result.final.equity
    assert result.final.equity == D(5000) - first.amount + 300 - second.amount


def test_a_step_that_stops_at_the_bankruptcy_price_is_no_gap():
    account = Account(D(5000), [Position.from_notional("BTC", "long", 10000, D(60000), 10)])
    result = replay(account, [PathPoint(D(0), {}), PathPoint(D(1), {"BTC": D(54000)})])
    (event,) = liquidations(result)
    assert not event.gap and event.marks["BTC"] == liquidation_price(account, 0)
    # Filled at the liquidation price: what is left of the margin goes to the fund.
    assert event.insurance > 0


def test_funding_drains_an_isolated_position_to_liquidation():
    # $1,000 margin on $10,000 at a flat price; 0.96% every 8 hours costs $96 a time.
    account = Account(D(5000), [Position.from_notional("BTC", "long", 10000, D(60000), 10)])
    points = [PathPoint(D(hour), {}) for hour in range(0, 97, 8)]
    result = replay(account, points, funding={"BTC": D("0.0096")})
    paid = [event for event in result.events if event.kind is EventKind.FUNDING]
    assert [event.time for event in paid] == [8 * n for n in range(1, 11)]
    assert all(cents(event.amount) == D(96) for event in paid)
    (event,) = liquidations(result)
    # After nine payments $136 is left, above the maintenance margin (0.5% of $10,000,
    # $50); after ten, $40 is not.
    assert event.time == 80 and event.marks["BTC"] == D(60000)
    assert cents(event.amount) == cents(event.insurance) == D(40)
    assert cents(result.final.funding) == D(960)
    # Nothing is paid once the position is gone.
    assert result.final.equity == D(4000)


def test_funding_is_paid_between_points_at_the_mark_of_that_moment():
    account = Account(D(5000), [Position.from_notional("BTC", "long", 6000, D(60000), 10)])
    # From 60,000 to 63,000 over 16 hours: at hour 8 the mark is 61,500.
    points = [PathPoint(D(0), {}), PathPoint(D(16), {"BTC": D(63000)})]
    result = replay(account, points, funding={"BTC": D("0.001")})
    first, second = (event for event in result.events if event.kind is EventKind.FUNDING)
    assert first.time == 8 and first.marks["BTC"] == D(61500)
    assert first.amount == D("0.1") * D(61500) * D("0.001")
    assert second.time == 16 and second.marks["BTC"] == D(63000)


def test_a_short_funded_by_longs_receives_it():
    account = Account(D(5000), [Position.from_notional("ETH", "short", 3000, D(3000), 5)])
    result = replay(account, [PathPoint(D(0), {}), PathPoint(D(8), {})], funding={"ETH": "0.001"})
    (event,) = [event for event in result.events if event.kind is EventKind.FUNDING]
    assert event.amount == D(-3)  # received: 1 ETH x 3,000 x 0.1%
    assert result.final.equity == D(5003)


def test_a_short_squeezed_by_a_rally():
    account = Account(D(5000), [Position.from_notional("ETH", "short", 3000, D(3000), 10)])
    # Liquidated where 300 + (3,000 - P) = 0.5% x P: P = 3,300 / 1.005.
    expected = D(3300) / D("1.005")
    assert liquidation_price(account, 0) == expected
    result = replay(account, [PathPoint(D(0), {}), PathPoint(D(30), {"ETH": D(3300)})])
    (event,) = liquidations(result)
    assert cents(event.marks["ETH"]) == D("3283.58") and not event.gap
    assert event.time == 30 * (expected - 3000) / 300
    assert event.amount == D(300)


def test_the_margin_ratio_crossing_50_and_80_percent_is_noted_once_each():
    account = Account(D(5000), [Position.from_notional("BTC", "long", 10000, D(60000), 10)])
    points = [
        PathPoint(D(0), {}),
        PathPoint(D(1), {"BTC": D(54600)}),  # margin balance 100, maintenance 45.50: 45.5%
        PathPoint(D(2), {"BTC": D(54450)}),  # 75 and 45.375: 60.5%
        PathPoint(D(3), {"BTC": D(54350)}),  # 58.33 and 45.29: 77.6%
        PathPoint(D(4), {"BTC": D(54320)}),  # 53.33 and 45.27: 84.9%
    ]
    result = replay(account, points)
    ratios = [event for event in result.events if event.kind is EventKind.RATIO]
    assert [(event.time, event.threshold) for event in ratios] == [
        (D(2), D("0.5")),
        (D(4), D("0.8")),
    ]
    assert ratios[0].positions == (0,) and not ratios[0].cross


def test_a_position_underwater_at_the_start_is_liquidated_at_once():
    result = replay(lesson_4(), [PathPoint(D(0), {"BTC": D(50000)})])
    (event,) = liquidations(result)
    assert event.time == 0 and event.gap


def test_the_end_says_what_is_left():
    result = replay(lesson_4(), lesson_4_path())
    end = result.events[-1]
    assert end.kind is EventKind.END and end.positions == (1,) and cents(end.amount) == D(4000)


def test_the_equity_curve_is_exact_at_the_liquidation():
    account = lesson_4()
    result = replay(account, lesson_4_path())
    (event,) = liquidations(result)
    at = [point for point in result.curve if point[0] == event.time]
    # Just before: A's margin balance is still in the equity; just after, it is gone.
    before, after = at
    single = evaluate(account, {"BTC": event.marks["BTC"], "ETH": D(3000)})
    assert cents(after[1]) == cents(single.equity) == D(4000)
    assert cents(before[1] - after[1]) == cents(event.insurance)  # what went to the fund


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ([], "The path is empty"),
        ([PathPoint(D(1), {})], "The path must start at time 0"),
        ([PathPoint(D(0), {}), PathPoint(D(0), {})], "times must increase"),
        ([PathPoint(D(0), {"SOL": D(1)})], "holds no position on it"),
        ([PathPoint(D(0), {"BTC": D(0)})], "must be above zero"),
        ([PathPoint(D(0), {"BTC": D(-5)})], "must be above zero"),
        ([PathPoint(D(0), {"BTC": "lots"})], "must be a number"),
        ([PathPoint(D(0), {"BTC": D("NaN")})], "must be a finite number"),
        ([PathPoint(D(0), {}, gap=True)], "Point 1 is marked as a gap, but the path starts"),
        ([PathPoint(D(0), {}), PathPoint(D(1), {}, gap="yes")], "gap must be True or False"),
    ],
)
def test_a_bad_path_is_refused_with_a_reason(path, message):
    with pytest.raises(EngineError, match=message):
        replay(lesson_4(), path)


def test_a_funding_rate_for_a_symbol_not_held_is_refused():
    with pytest.raises(EngineError, match="does not hold"):
        replay(lesson_4(), [PathPoint(D(0), {})], funding={"SOL": "0.001"})


# --------------------------------------------------------------------------- properties

prices = st.decimals(min_value=D(100), max_value=D(120000), places=2)
fractions = st.decimals(min_value=D("0.01"), max_value=D("0.99"), places=2)
modes = st.sampled_from([Mode.ISOLATED, Mode.CROSS])
venues = st.sampled_from(["binance", "bybit", "hyperliquid", "dydx"])


@st.composite
def accounts(draw):
    positions = []
    for symbol, entry in (("BTC", D(60000)), ("ETH", D(3000))):
        for _ in range(draw(st.integers(0, 2))):
            positions.append(
                Position.from_notional(
                    symbol,
                    draw(st.sampled_from(["long", "short"])),
                    draw(st.integers(500, 20000)),
                    entry,
                    draw(st.integers(1, 50)),
                    mode=draw(modes),
                )
            )
    if not positions:
        positions.append(Position.from_notional("BTC", "long", 5000, D(60000), 10))
    needed = sum((p.isolated_margin for p in positions), start=D(0))
    balance = needed + draw(st.integers(0, 20000))
    return Account(balance, positions, venue=draw(venues))


def marks_for(account, btc, eth):
    return {symbol: {"BTC": btc, "ETH": eth}[symbol] for symbol in account.symbols}


@settings(max_examples=150, deadline=None)
@given(accounts(), prices, prices)
def test_one_step_from_the_entry_equals_evaluate_at_its_end(account, btc, eth):
    marks = marks_for(account, btc, eth)
    result = replay(account, [PathPoint(D(0), {}), PathPoint(D(1), marks)])
    single = evaluate(account, marks)
    assert set(result.liquidated) == set(single.liquidated)
    assert abs(result.final.equity - single.equity) < D("1E-12")


@settings(max_examples=100, deadline=None)
@given(accounts(), prices, prices)
def test_a_gap_from_the_entry_equals_evaluate_at_its_end(account, btc, eth):
    marks = marks_for(account, btc, eth)
    result = replay(account, [PathPoint(D(0), {}), PathPoint(D(1), marks, gap=True)])
    single = evaluate(account, marks)
    assert set(result.liquidated) == set(single.liquidated)
    assert abs(result.final.equity - single.equity) < D("1E-12")
    assert all(event.gap for event in liquidations(result))


@settings(max_examples=100, deadline=None)
@given(accounts(), prices, prices)
def test_without_a_gap_nothing_is_filled_past_its_bankruptcy_price(account, btc, eth):
    marks = marks_for(account, btc, eth)
    for mode in (Mode.ISOLATED, Mode.CROSS):
        result = replay(with_mode(account, mode), [PathPoint(D(0), {}), PathPoint(D(1), marks)])
        assert not any(e.gap or e.beyond_bankruptcy for e in liquidations(result))


@settings(max_examples=150, deadline=None)
@given(accounts(), prices, prices, fractions)
def test_splitting_a_step_on_its_line_never_changes_what_ends_liquidated(account, btc, eth, s):
    end = marks_for(account, btc, eth)
    start = {
        symbol: next(p.entry_price for p in account.positions if p.symbol == symbol)
        for symbol in account.symbols
    }
    middle = {symbol: start[symbol] + s * (end[symbol] - start[symbol]) for symbol in start}
    whole = replay(account, [PathPoint(D(0), {}), PathPoint(D(1), end)])
    split = replay(account, [PathPoint(D(0), {}), PathPoint(s, middle), PathPoint(D(1), end)])
    assert set(whole.liquidated) == set(split.liquidated)


@settings(max_examples=60, deadline=None)
@given(accounts(), st.lists(st.tuples(prices, prices), min_size=1, max_size=8))
def test_the_trader_never_loses_more_than_the_account(account, steps):
    points = [PathPoint(D(0), {})] + [
        PathPoint(D(n), marks_for(account, btc, eth)) for n, (btc, eth) in enumerate(steps, 1)
    ]
    for mode in (Mode.ISOLATED, Mode.CROSS):
        result = replay(with_mode(account, mode), points)
        for moment in result.moments:
            # Margins of 28 significant digits summed in another order can differ in the last
            # digit (1E-25 here); the same tolerance as the equity check below.
            assert moment.lost <= account.balance + D("1E-12")
            if not moment.open:  # all gone: what is left is the balance less the margins lost
                assert abs(moment.equity - (account.balance - moment.lost)) < D("1E-12")
