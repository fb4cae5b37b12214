"""Worked examples for the margin engine: the lesson brief and exchanges' own docs.

Pure Python: no Django, no database.
"""

from decimal import Decimal

import pytest

from simulator.engine import (
    DEFAULT_BRACKETS,
    Account,
    Bracket,
    EngineError,
    Mode,
    Position,
    Side,
    bracket_for,
    compare_modes,
    equity_curve,
    evaluate,
    liquidation_price,
    liquidation_prices,
    maintenance_amounts,
    margin_for,
    quantity_for,
    with_mode,
)

CENT = Decimal("0.01")
D = Decimal


def cents(value: Decimal | None) -> Decimal:
    assert value is not None
    return value.quantize(CENT)


def close(a: Decimal, b: Decimal, places: int = 18) -> bool:
    return abs(a - b) <= Decimal(10) ** -places * max(1, abs(a), abs(b))


# --------------------------------------------------------------------------- lesson brief

# Lesson 4, "Isolated vs cross margin": BTC 60,000 and ETH 3,000 at entry, no fees,
# 0.5% maintenance margin rate, account $5,000.
BTC_ENTRY = D(60000)
ETH_ENTRY = D(3000)
BTC_AFTER_FALL = BTC_ENTRY * D("0.88")  # a 12% fall


def position_a(mode: Mode = Mode.ISOLATED) -> Position:
    """Long BTC, $1,000 margin, 10x, $10,000 notional."""
    return Position.from_notional("BTCUSDT", Side.LONG, 10000, BTC_ENTRY, 10, mode=mode)


def position_b(mode: Mode = Mode.ISOLATED) -> Position:
    """Long ETH, $500 margin, 5x, $2,500 notional."""
    return Position.from_notional("ETHUSDT", Side.LONG, 2500, ETH_ENTRY, 5, mode=mode)


def lesson_account(mode: Mode) -> Account:
    return Account(D(5000), (position_a(mode), position_b(mode)))


def test_lesson_positions_have_the_stated_margins():
    assert position_a().initial_margin == 1000
    assert position_a().notional == 10000
    assert position_b().initial_margin == 500
    assert position_b().notional == 2500


def test_lesson_isolated_liquidation_price():
    account = lesson_account(Mode.ISOLATED)
    lp = liquidation_price(account, 0)
    assert cents(lp) == D("54271.36")
    # The brief's check: 9000 / (0.1666... x 0.995).
    assert close(lp, D(9000) / (D(1) / 6 * D("0.995")))
    state = evaluate(account, {"BTCUSDT": BTC_ENTRY, "ETHUSDT": ETH_ENTRY}).positions[0]
    assert state.distance_to_liquidation.quantize(D("0.001")) == D("0.095")  # about 9.5%


def test_lesson_isolated_after_a_12_percent_fall():
    result = evaluate(
        lesson_account(Mode.ISOLATED), {"BTCUSDT": BTC_AFTER_FALL, "ETHUSDT": ETH_ENTRY}
    )
    a, b = result.positions
    assert a.liquidated
    assert a.lost == 1000
    assert result.total_lost == 1000
    # B is unchanged.
    assert not b.liquidated
    assert b.unrealized_pnl == 0
    assert b.margin_balance == 500
    assert result.free_balance == 3500
    assert result.equity == 4000


def test_lesson_cross_liquidation_price():
    account = lesson_account(Mode.CROSS)
    lp = liquidation_price(account, 0, {"ETHUSDT": ETH_ENTRY})
    assert cents(lp) == D("30226.13")
    # The brief's check: (5000 - 12.5 - 10000) / (-0.1666... x 0.995).
    assert close(lp, (D(5000) - D("12.5") - D(10000)) / (-(D(1) / 6) * D("0.995")))
    state = evaluate(account, {"BTCUSDT": BTC_ENTRY, "ETHUSDT": ETH_ENTRY}).positions[0]
    assert state.distance_to_liquidation.quantize(D("0.001")) == D("0.496")  # about 49.6%


def test_lesson_cross_after_a_12_percent_fall():
    result = evaluate(lesson_account(Mode.CROSS), {"BTCUSDT": BTC_AFTER_FALL, "ETHUSDT": ETH_ENTRY})
    assert result.equity == 3800
    assert result.liquidated == ()
    assert result.total_lost == 0
    assert not result.cross_liquidated


def test_lesson_single_isolated_long_loses_at_most_its_margin():
    position = Position.from_notional("BTCUSDT", "long", 5000, BTC_ENTRY, 10)
    assert position.initial_margin == 500
    account = Account(D(5000), [position])
    for crash in ("50000", "30000", "1", "0.0001"):
        result = evaluate(account, {"BTCUSDT": D(crash)})
        assert result.total_lost == 500
        assert result.equity == 4500
    curve = equity_curve(account, "BTCUSDT", D("0.01"), BTC_ENTRY)
    assert min(point.equity for point in curve.points) == 4500


def test_lesson_side_by_side_comparison():
    isolated, cross = compare_modes(
        lesson_account(Mode.ISOLATED), {"BTCUSDT": BTC_AFTER_FALL, "ETHUSDT": ETH_ENTRY}
    )
    assert (isolated.equity, isolated.total_lost) == (4000, 1000)
    assert (cross.equity, cross.total_lost) == (3800, 0)


# --------------------------------------------------------------------------- exchanges


# Binance, "How to Calculate Liquidation Price of USDS-M Futures Contracts"
# https://www.binance.com/en/support/faq/how-to-calculate-liquidation-price-of-usd%E2%93%A2-m-futures-contracts-b3c689c1f50a44cabb3a84e663b81d93
# Published figures: a BTCUSDT position of 264,000 USDT has a 1% maintenance margin
# rate; one of 500,000 USDT has a maintenance amount of 1,300 USDT, because the
# Level 3 amount = 250,000 x (1% - 0.5%) + 50 = 1,300. The first two levels
# (0.4% from 0 and 0.5% from 50,000, Level 2 amount 50) are those of the BTCUSDT
# table the FAQ links to; the same tiers appear in the table reverse-engineered
# from Binance's front end, https://gist.github.com/highfestiva/b71e76f51eed84d56c1be8ebbcc286b5
BINANCE_BTCUSDT = (
    Bracket(D(0), D("0.004")),
    Bracket(D(50000), D("0.005")),
    Bracket(D(250000), D("0.01")),
)


def test_binance_maintenance_amounts():
    assert maintenance_amounts(BINANCE_BTCUSDT) == (0, 50, 1300)
    assert D(250000) * (D("0.01") - D("0.005")) + 50 == 1300


def test_binance_bracket_lookup():
    bracket, _ = bracket_for(BINANCE_BTCUSDT, D(264000))
    assert bracket.rate == D("0.01")
    _, amount = bracket_for(BINANCE_BTCUSDT, D(500000))
    assert amount == 1300


def test_binance_maintenance_margin_formula():
    # Maintenance Margin = Position Notional x MMR - Maintenance Amount, same FAQ.
    account = Account(
        D(500000), [Position("BTCUSDT", "long", 10, 50000, 1)], {"BTCUSDT": BINANCE_BTCUSDT}
    )
    assert account.maintenance_margin(0, D(50000)) == D(500000) * D("0.01") - 1300


def test_binance_isolated_is_the_cross_formula_with_its_own_wallet():
    # Same FAQ: "In Isolated margin mode, WB is isolatedWalletBalance of the isolated
    # position, TMM=0, UPNL=0". An isolated position and a lone cross position whose
    # cross wallet equals that margin share one liquidation price.
    isolated = Account(D(5000), [position_a(Mode.ISOLATED)])
    alone = Account(D(1000), [position_a(Mode.CROSS)])
    assert liquidation_price(isolated, 0) == liquidation_price(alone, 0)


# Bybit, "Liquidation Price (USDT Contract)", Example 1 (Long)
# https://testnet.bybit.com/en-US/help-center/s/article/Liquidation-Price-USDT-Contract
# "Trader A placed a long entry of 1 BTC at 20,000 USDT with 50x leverage. Assuming
# the Maintenance Margin Rate (MMR) is 0.5% and no extra margin is added:
# Initial Margin = 400 USDT, Maintenance Margin = 100 USDT, LP = 19,700 USDT".
def test_bybit_initial_and_maintenance_margin():
    account = Account(D(400), [Position("BTCUSDT", "long", 1, 20000, 50)])
    assert account.positions[0].initial_margin == 400
    # Bybit takes the maintenance margin on the entry value: ours at the entry price.
    assert account.maintenance_margin(0, D(20000)) == 100


def test_bybit_liquidation_price_with_entry_value_maintenance():
    """Bybit's LP = entry - (IM - MM_entry) / size: MM frozen at the entry value.

    Our rule recomputes MM at the mark, so the same position liquidates a little
    lower (19,698.49). A maintenance margin frozen at 100 USDT is, under our rules,
    a 0% rate on a pot 100 USDT smaller: a lone cross position (whose wallet has no
    minimum) with 400 - 100 = 300 USDT and a 0% bracket reproduces Bybit's figure.
    docs/engine.md ("Where exchanges differ") explains the difference.
    """
    ours = Account(D(400), [Position("BTCUSDT", "long", 1, 20000, 50)])
    assert cents(liquidation_price(ours, 0)) == D("19698.49")

    initial, maintenance_at_entry = D(400), D(100)
    adapted = Account(
        initial - maintenance_at_entry,
        [Position("BTCUSDT", "long", 1, 20000, 50, mode=Mode.CROSS)],
        {"BTCUSDT": [Bracket(D(0), D(0))]},
    )
    assert liquidation_price(adapted, 0) == D("19700")


# Bybit, "Bankruptcy Price (USDT Contract)", as listed in the Bybit Help Center:
# https://www.bybitx.global/fil-PH/help-center/search-result?page=46&pageSize=10&query=trade
# "traders hold a 1BTC Long position with an entry price at 10,000USDT, leverage is
# 50x. Bankruptcy Price= 10,000 x (1 - 2%) = 9,800 USDT". The bankruptcy price is the
# 0% margin level, i.e. our liquidation price with a 0% maintenance rate.
def test_bybit_bankruptcy_price():
    account = Account(
        D(200), [Position("BTCUSDT", "long", 1, 10000, 50)], {"BTCUSDT": [Bracket(D(0), D(0))]}
    )
    assert liquidation_price(account, 0) == D("9800")
    short = Account(
        D(200), [Position("BTCUSDT", "short", 1, 10000, 50)], {"BTCUSDT": [Bracket(D(0), D(0))]}
    )
    assert liquidation_price(short, 0) == D("10200")  # the same page's short rule


# Hyperliquid, "Margin tiers"
# https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margin-tiers
# maintenance_margin_rate(tier n) = initial margin rate at max leverage of tier n / 2,
# "For example, at 20x max leverage, maintenance_margin_rate = 2.5%"; the deduction
# is deduction(n-1) + lower_bound(n) x (rate(n) - rate(n-1)), Binance's formula.
# Mainnet BTC: 0-150M at 40x, >150M at 20x.
def hyperliquid_rate(max_leverage: int) -> Decimal:
    return 1 / D(max_leverage) / 2


def test_hyperliquid_maintenance_rate_and_deduction():
    assert hyperliquid_rate(20) == D("0.025")
    btc = (Bracket(D(0), hyperliquid_rate(40)), Bracket(D(150_000_000), hyperliquid_rate(20)))
    assert maintenance_amounts(btc) == (0, D(150_000_000) * (D("0.025") - D("0.0125")))
    assert maintenance_amounts(btc)[1] == 1_875_000
    # "total maintenance margin [is] a continuous function of position size".
    account = Account(
        D(0), [Position("BTC", "long", 1, 150_000_000, 1, mode=Mode.CROSS)], {"BTC": btc}
    )
    at_boundary = account.maintenance_margin(0, D(150_000_000))
    assert at_boundary == D(150_000_000) * D("0.0125")
    assert close(account.maintenance_margin(0, D(150_000_000) - D("1e-12")), at_boundary)


# Hyperliquid, "Liquidations" (https://hyperliquid.gitbook.io/hyperliquid-docs/trading/liquidations):
# liq_price = price - side x margin_available / position_size / (1 - l x side), with
# l = 1 / maintenance leverage (formula as printed in the docs of HyENA, a HIP-3 market
# that inherits Hyperliquid's liquidation engine: https://docs.hyena.trade/trading/liquidation).
# Hyperliquid prints no worked numbers, so this checks that its formula and ours give
# the same price for the lesson's position, long and short, at l = 0.5%.
@pytest.mark.parametrize("side", [Side.LONG, Side.SHORT])
def test_hyperliquid_liquidation_formula_agrees(side: Side):
    position = Position.from_notional("BTC", side, 10000, BTC_ENTRY, 10)
    account = Account(D(1000), [position])
    l_rate = D("0.005")
    margin_available = position.isolated_margin - l_rate * position.notional
    theirs = BTC_ENTRY - side.sign * margin_available / position.quantity / (1 - l_rate * side.sign)
    ours = liquidation_price(account, 0)
    assert close(ours, theirs)
    assert cents(ours) == (D("54271.36") if side is Side.LONG else D("65671.64"))


# --------------------------------------------------------------------------- rules


def test_short_liquidates_above_entry():
    account = Account(D(1000), [Position("BTCUSDT", "short", 1, 10000, 10)])
    lp = liquidation_price(account, 0)
    # (1000 + 10000) / (1 x 0.005 + 1)
    assert lp == D(11000) / D("1.005")
    assert evaluate(account, {"BTCUSDT": lp + CENT}).positions[0].liquidated
    assert not evaluate(account, {"BTCUSDT": lp - CENT}).positions[0].liquidated


def test_bracket_is_recomputed_at_the_liquidation_price():
    # 5 BTC at 60,000 = 300,000 notional, in Binance's 1% bracket at entry. At 2x the
    # 1% bracket gives LP 30,040.40, where the notional (150,202) is in the 0.5%
    # bracket; recomputing with that bracket gives 30,140.70, which is consistent.
    account = Account(
        D(150000), [Position("BTCUSDT", "long", 5, 60000, 2)], {"BTCUSDT": BINANCE_BTCUSDT}
    )
    naive = (D(150000) + 1300 - D(300000)) / (5 * D("0.01") - 5)
    assert cents(naive) == D("30040.40")
    lp = liquidation_price(account, 0)
    expected = (D(150000) + 50 - D(300000)) / (5 * D("0.005") - 5)
    assert lp == expected
    assert cents(lp) == D("30140.70")
    state = evaluate(account, {"BTCUSDT": lp}).positions[0]
    assert close(state.margin_balance, state.maintenance_margin)


def test_long_with_enough_collateral_never_liquidates():
    account = Account(D(20000), [Position("BTCUSDT", "long", 1, 10000, 1, margin=D(15000))])
    assert liquidation_price(account, 0) is None
    state = evaluate(account, {"BTCUSDT": D("0.01")}).positions[0]
    assert not state.liquidated
    assert state.distance_to_liquidation is None


def test_added_margin_moves_the_liquidation_price_away():
    plain = Account(D(5000), [Position("BTCUSDT", "long", 1, 10000, 10)])
    added = Account(D(5000), [Position("BTCUSDT", "long", 1, 10000, 10, margin=D(1500))])
    assert liquidation_price(added, 0) < liquidation_price(plain, 0)
    result = evaluate(added, {"BTCUSDT": D(1)})
    assert result.total_lost == 1500  # the whole isolated margin, added margin included


def test_already_liquidated_position_still_reports_the_formula_price():
    account = lesson_account(Mode.ISOLATED)
    state = evaluate(account, {"BTCUSDT": BTC_AFTER_FALL, "ETHUSDT": ETH_ENTRY}).positions[0]
    assert state.liquidated
    assert cents(state.liquidation_price) == D("54271.36")
    assert state.distance_to_liquidation < 0


def test_cross_liquidation_loses_the_cross_wallet_only():
    account = Account(
        D(5000),
        [
            Position.from_notional("BTCUSDT", "long", 10000, BTC_ENTRY, 10, mode=Mode.CROSS),
            Position.from_notional("ETHUSDT", "long", 2500, ETH_ENTRY, 5),  # isolated
        ],
    )
    assert account.cross_wallet == 4500
    lp = liquidation_price(account, 0)
    result = evaluate(account, {"BTCUSDT": lp - 1, "ETHUSDT": ETH_ENTRY})
    assert result.cross_liquidated
    assert result.positions[0].liquidated and not result.positions[1].liquidated
    assert result.cross_lost == 4500
    assert result.total_lost == 4500
    assert result.equity == 500  # the isolated ETH position survives
    assert result.free_balance == 0


def test_cross_positions_share_the_pot_and_one_liquidation_price_per_symbol():
    account = Account(
        D(3000),
        [
            Position("BTCUSDT", "long", 1, 60000, 20, mode=Mode.CROSS),
            Position("BTCUSDT", "long", 1, 50000, 20, mode=Mode.CROSS),
            Position("ETHUSDT", "short", 10, 3000, 20, mode=Mode.CROSS),
        ],
    )
    marks = {"BTCUSDT": D(55000), "ETHUSDT": D(3000)}
    lps = liquidation_prices(account, marks)
    assert lps[0] == lps[1]
    # Both BTC positions move together: at their shared LP the pot is exhausted.
    result = evaluate(account, {**marks, "BTCUSDT": lps[0]})
    assert close(result.cross_equity, result.cross_maintenance_margin)
    assert evaluate(account, {**marks, "BTCUSDT": lps[0] - CENT}).cross_liquidated
    assert not evaluate(account, {**marks, "BTCUSDT": lps[0] + CENT}).cross_liquidated
    # The short ETH liquidates the pot above the mark.
    assert lps[2] > 3000
    assert evaluate(account, {**marks, "ETHUSDT": lps[2] + CENT}).cross_liquidated


def test_cross_sunk_by_other_symbols_has_no_liquidation_price():
    account = Account(
        D(1000),
        [
            Position("BTCUSDT", "long", 1, 60000, 100, mode=Mode.CROSS),
            Position("ETHUSDT", "short", 1, 3000, 100, mode=Mode.CROSS),
        ],
    )
    # With BTC at 50,000 the pot is gone whatever ETH does: every ETH price liquidates.
    assert liquidation_price(account, 1, {"BTCUSDT": D(50000)}) is None
    assert evaluate(account, {"BTCUSDT": D(50000), "ETHUSDT": D(1)}).cross_liquidated


def test_margin_ratio_and_free_balance():
    result = evaluate(lesson_account(Mode.CROSS), {"BTCUSDT": BTC_AFTER_FALL, "ETHUSDT": 3000})
    a = result.positions[0]
    assert a.margin_balance == 3800
    assert close(a.margin_ratio, D("56.5") / 3800)
    assert result.free_balance == 3800 - 1500
    isolated = evaluate(lesson_account(Mode.ISOLATED), {"BTCUSDT": 60000, "ETHUSDT": 3000})
    assert isolated.positions[0].margin_ratio == D(50) / 1000


def test_free_balance_never_below_zero():
    account = Account(D(100), [Position("BTCUSDT", "long", 1, 10000, 50, mode=Mode.CROSS)])
    assert evaluate(account, {"BTCUSDT": D(9950)}).free_balance == 0


def test_nothing_liquidated_means_equity_is_balance_plus_pnl():
    result = evaluate(lesson_account(Mode.ISOLATED), {"BTCUSDT": 62000, "ETHUSDT": 2900})
    assert result.liquidated == ()
    assert result.equity == 5000 + result.total_unrealized_pnl


def test_helpers():
    assert quantity_for(10000, 60000) == D(1) / 6
    assert margin_for("2500", "5") == 500
    assert (Bracket(D(0), D("0.005")),) == DEFAULT_BRACKETS
    assert Position("BTC", "LONG", "0.5", "60000", "10").side is Side.LONG


# --------------------------------------------------------------------------- equity curve


def test_equity_curve_isolated_lesson():
    curve = equity_curve(lesson_account(Mode.ISOLATED), "BTCUSDT", 50000, 70000)
    lp = liquidation_price(lesson_account(Mode.ISOLATED), 0)
    prices = [p.price for p in curve.points]
    assert prices == [50000, lp, lp, 70000]
    equities = [p.equity for p in curve.points]
    assert equities[0] == equities[1] == 4000  # A liquidated: cross wallet + B
    # Just above the LP, A's margin balance equals its maintenance margin.
    assert close(equities[2] - 4000, lp / 6 * D("0.005"))
    assert close(equities[3], D(5000) + D(10000) / 6)
    assert [p.liquidated for p in curve.points] == [(0,), (0,), (), ()]
    assert [s.liquidated for s in curve.segments] == [(0,), ()]


def test_equity_curve_cross_lesson_matches_evaluate():
    account = lesson_account(Mode.CROSS)
    curve = equity_curve(account, "BTCUSDT", 10000, 90000, {"ETHUSDT": ETH_ENTRY})
    lp = liquidation_price(account, 0)
    assert [p.price for p in curve.points] == [10000, lp, lp, 90000]
    assert curve.points[0].equity == 0
    for price in (D(20000), D(40000), D(52800), D(80000)):
        segment = next(s for s in curve.segments if s.start < price < s.end)
        expected = evaluate(account, {"BTCUSDT": price, "ETHUSDT": ETH_ENTRY}).equity
        assert close(segment.equity_at(price), expected)


def test_equity_curve_may_start_at_zero():
    account = lesson_account(Mode.ISOLATED)
    curve = equity_curve(account, "BTCUSDT", 0, 90000)
    assert curve.points[0].price == 0
    assert curve.points[0].equity == 4000
    assert curve.points[0].liquidated == (0,)
    short = Account(D(2000), [Position("BTCUSDT", "short", 1, 10000, 10)])
    assert equity_curve(short, "BTCUSDT", 0, 1).points[0].equity == 2000 + 10000


def test_equity_curve_short_jumps_at_its_liquidation_price():
    account = Account(D(2000), [Position("BTCUSDT", "short", 1, 10000, 10)])
    lp = liquidation_price(account, 0)
    curve = equity_curve(account, "BTCUSDT", 9000, 12000)
    assert [p.price for p in curve.points] == [9000, lp, lp, 12000]
    assert [p.liquidated for p in curve.points] == [(), (), (0,), (0,)]
    assert curve.points[-1].equity == 1000


def test_equity_curve_ignores_bracket_boundaries():
    # Brackets bend the maintenance margin, not the equity: no corner at 50,000 / 5.
    account = Account(
        D(100000), [Position("BTCUSDT", "long", 5, 60000, 5)], {"BTCUSDT": BINANCE_BTCUSDT}
    )
    lp = liquidation_price(account, 0)
    assert lp < 50000
    curve = equity_curve(account, "BTCUSDT", lp + 1, 60000)
    assert [p.price for p in curve.points] == [lp + 1, 60000]


def test_equity_curve_several_positions_on_one_symbol():
    account = Account(
        D(10000),
        [
            Position("BTCUSDT", "long", 1, 60000, 20),
            Position("BTCUSDT", "short", D("0.5"), 60000, 20),
            Position("BTCUSDT", "long", 1, 60000, 10, mode=Mode.CROSS),
            Position("ETHUSDT", "long", 1, 3000, 10, mode=Mode.CROSS),
        ],
    )
    marks = {"ETHUSDT": D(3000)}
    curve = equity_curve(account, "BTCUSDT", 30000, 90000, marks)
    lps = liquidation_prices(account, {"BTCUSDT": D(60000), **marks})
    inside = sorted(p for p in lps[:3] if p is not None and 30000 < p < 90000)
    assert sorted({p.price for p in curve.points}) == [30000, *inside, 90000]
    for segment in curve.segments:
        middle = (segment.start + segment.end) / 2
        result = evaluate(account, {"BTCUSDT": middle, **marks})
        assert close(segment.equity_at(middle), result.equity)
        assert segment.liquidated == result.liquidated


# --------------------------------------------------------------------------- modes


def test_with_mode_round_trip_keeps_added_margin():
    account = Account(
        D(5000), [Position("BTCUSDT", "long", 1, 10000, 10, margin=D(1500)), position_b()]
    )
    cross = with_mode(account, "cross")
    assert all(p.mode is Mode.CROSS for p in cross.positions)
    assert cross.cross_wallet == 5000
    back = with_mode(cross, Mode.ISOLATED)
    assert back == account
    assert back.positions[0].margin == 1500


def test_with_mode_refuses_isolated_margins_beyond_the_wallet():
    account = Account(D(1000), [Position("BTCUSDT", "long", 1, 10000, 5, mode=Mode.CROSS)])
    with pytest.raises(EngineError, match="more than the wallet balance"):
        with_mode(account, Mode.ISOLATED)


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"quantity": 0}, "quantity must be greater than zero"),
        ({"quantity": -1}, "quantity must be greater than zero"),
        ({"entry_price": 0}, "entry price must be greater than zero"),
        ({"leverage": 0}, "leverage must be greater than zero"),
        ({"quantity": 0.5}, "float"),
        ({"quantity": "abc"}, "must be a number"),
        ({"quantity": "NaN"}, "finite"),
        ({"side": "up"}, "'long' or 'short'"),
        ({"mode": "portfolio"}, "'isolated' or 'cross'"),
        ({"margin": 0}, "isolated margin must be greater than zero"),
        ({"margin": -5}, "isolated margin must be greater than zero"),
        ({"symbol": " "}, "needs a symbol"),
    ],
)
def test_position_rejects_nonsense(kwargs, message):
    fields = {"symbol": "BTCUSDT", "side": "long", "quantity": 1, "entry_price": 10000}
    fields |= {"leverage": 10, **kwargs}
    with pytest.raises(EngineError, match=message):
        Position(**fields)


def test_a_mark_of_zero_is_the_asset_going_to_zero():
    result = evaluate(lesson_account(Mode.ISOLATED), {"BTCUSDT": 0, "ETHUSDT": ETH_ENTRY})
    btc = result.positions[0]
    assert btc.liquidated
    assert btc.distance_to_liquidation is None  # no distance from a price of zero
    assert result.equity == 4000
    cross = evaluate(lesson_account(Mode.CROSS), {"BTCUSDT": 0, "ETHUSDT": ETH_ENTRY})
    assert cross.cross_liquidated
    assert cross.equity == 0


def test_the_default_venue_is_binance_and_the_default_table_flat():
    account = lesson_account(Mode.ISOLATED)
    assert account.venue == "binance"
    assert account.taker_fee is None
    assert account.brackets == {}
    assert Account(D(5000), account.positions, None) == account
    same = Account(D(5000), account.positions, venue="binance")
    assert liquidation_prices(same) == liquidation_prices(account)
    # Binance's rule has no fee in it: an edited taker fee changes nothing.
    edited = Account(D(5000), account.positions, taker_fee=D("0.001"))
    assert liquidation_prices(edited) == liquidation_prices(account)


def test_bracket_tables_are_checked_against_the_venue_rule():
    with pytest.raises(EngineError, match="mix floors on the notional and on the size"):
        Account(
            D(0),
            [],
            {"X": [Bracket(D(0), D("0.01")), Bracket(D(5), D("0.02"), basis="quantity")]},
        )
    with pytest.raises(EngineError, match="must stay below 100%"):
        Account(D(0), [], {"X": [Bracket(D(0), D("0.9995"))]}, venue="okx", taker_fee="0.001")
    with pytest.raises(EngineError, match="taker fee rate must be below 100%"):
        Account(D(0), [], taker_fee=1)
    with pytest.raises(EngineError, match="bracket basis must be"):
        Bracket(D(0), D("0.01"), basis="volume")


def test_engine_error_is_a_value_error():
    assert issubclass(EngineError, ValueError)


def test_missing_or_bad_marks():
    account = lesson_account(Mode.ISOLATED)
    with pytest.raises(EngineError, match="No mark price was given for ETHUSDT"):
        evaluate(account, {"BTCUSDT": 60000})
    with pytest.raises(EngineError, match="cannot be negative"):
        evaluate(account, {"BTCUSDT": 60000, "ETHUSDT": -1})
    with pytest.raises(EngineError, match="float"):
        evaluate(account, {"BTCUSDT": 60000.0, "ETHUSDT": 3000})
    with pytest.raises(EngineError, match="No mark price was given for ETHUSDT"):
        equity_curve(account, "BTCUSDT", 1, 2, {"BTCUSDT": 60000})


def test_bad_accounts():
    with pytest.raises(EngineError, match="cannot be negative"):
        Account(D(-1), [])
    with pytest.raises(EngineError, match="more than the wallet balance"):
        Account(D(1000), [position_a(), position_b()])
    with pytest.raises(EngineError, match="must start at a notional of 0"):
        Account(D(0), [], {"BTCUSDT": [Bracket(D(10), D("0.01"))]})
    with pytest.raises(EngineError, match="strictly increase"):
        Account(D(0), [], {"X": [Bracket(D(0), D("0.01")), Bracket(D(0), D("0.02"))]})
    with pytest.raises(EngineError, match="must not decrease"):
        Account(D(0), [], {"X": [Bracket(D(0), D("0.02")), Bracket(D(5), D("0.01"))]})
    with pytest.raises(EngineError, match="below 1"):
        Bracket(D(0), D(1))
    with pytest.raises(EngineError, match="is empty"):
        Account(D(0), [], {"X": []})


def test_bad_index_and_range():
    account = lesson_account(Mode.ISOLATED)
    with pytest.raises(EngineError, match="no position 2"):
        liquidation_price(account, 2)
    with pytest.raises(EngineError, match="below the highest"):
        equity_curve(account, "BTCUSDT", 70000, 50000)
    with pytest.raises(EngineError, match="cannot be negative"):
        equity_curve(account, "BTCUSDT", -1, 50000)
    with pytest.raises(EngineError, match="no position on SOLUSDT"):
        equity_curve(account, "SOLUSDT", 1, 2)
