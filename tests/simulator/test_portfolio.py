"""Portfolio margin (`simulator.engine.portfolio`): Binance's uniMMR and its levels.

Every published figure we found, to its published precision (the table in
docs/engine.md, "Portfolio margin", lists them), the errors a learner reads, and
properties (hypothesis), among them that a USDT-only account's ratio is today's
engine's cross margin balance over its maintenance margin.
"""

from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from simulator.engine import (
    BINANCE_PORTFOLIO_MARGIN,
    Account,
    CollateralRule,
    CollateralSchedule,
    EngineError,
    Mode,
    PortfolioLevel,
    PortfolioRule,
    Position,
    Side,
    Wallet,
    evaluate,
    get_portfolio_rule,
    portfolio_level,
    portfolio_margin,
)
from tests.simulator.test_engine_properties import decimals, draw_brackets, positions, prices

D = Decimal
PM_PRO = (
    "https://binance.com/en-IN/support/faq/binance-portfolio-margin-pro-maintenance-margin-"
    "ratio-calculation-5e33af8e6ac04d57a1d0a3398e0a0752"
)


def at_100_percent(*assets: str) -> CollateralSchedule:
    rules = [CollateralRule.flat(asset, 1) for asset in assets]
    return CollateralSchedule("example", "the example's rates", rules)


def example_account() -> Account:
    """The USDⓈ-M part of Binance's Portfolio Margin Pro example (wallet 5,000 USDT)."""
    return Account(
        5000,
        [
            Position("BTCUSDT", Side.SHORT, D("0.05"), D(52000), D(10), Mode.CROSS),
            Position("BTCUSDT_20220624", Side.LONG, D("0.04"), D(52350), D(10), Mode.CROSS),
        ],
    )


EXAMPLE_MARKS = {"BTCUSDT": 40000, "BTCUSDT_20220624": 42000}


# Published worked examples


def test_binance_pm_pro_example_futures_pnl_600_and_minus_414():
    """Binance, *Binance Portfolio Margin Pro Maintenance Margin Ratio Calculation*,
    "Collateral Calculation and Liquidation Example" (PM_PRO): BTCUSDT_PERP short 0.05 BTC
    at 52,000, mark 40,000; BTCUSDT_20220624 long 0.04 BTC at 52,350, mark 42,000 (MMR
    bracket 0.5%, wallet 5,000 USDT). Published "Unrealized PnL": 600 USDT and -414 USDT.
    The example's futuresAsset + futuresUnrealPnL is then 5,000 + 186 in USDT's line.
    """
    result = portfolio_margin(example_account(), marks=EXAMPLE_MARKS)
    assert [line.unrealized_pnl for line in result.positions] == [D(600), D(-414)]
    (usdt,) = result.assets
    assert (usdt.futures_asset, usdt.unrealized_pnl, usdt.equity) == (D(5000), D(186), D(5186))


def test_binance_pm_pro_example_margin_equity_and_margin_mm():
    """Binance, PM_PRO, the same example's margin account: USDT 1,000 held, no loan; BTC
    0.1 held, 0.04 borrowed; ETH 20 held, 15 borrowed. Published "Equity = MarginAsset -
    MarginLoan": 1,000; 0.06; 5; "Margin MM" (∑MarginMM = ∑ Loan x MMR): 0; 0.004; 1.5.
    The page's table of MMR by leverage is not in our copy; 0.004 / 0.04 = 1.5 / 15 =
    10%, the rate passed here. The example's own result (its uniMMR) is not in our copy
    either, nor its index prices and collateral rates: the prices here are ours.
    """
    wallet = Wallet({"USDT": 1000, "BTC": "0.1", "ETH": 20}, at_100_percent("USDT", "BTC", "ETH"))
    result = portfolio_margin(
        Account(0, []),
        wallet=wallet,
        loans={"BTC": "0.04", "ETH": 15},
        loan_rate="0.1",
        prices={"BTC": 40000, "ETH": 3000},
    )
    rows = {row.asset: row for row in result.assets}
    assert {a: rows[a].equity for a in ("USDT", "BTC", "ETH")} == {
        "USDT": D(1000),
        "BTC": D("0.06"),
        "ETH": D(5),
    }
    assert {a: rows[a].loan_maintenance for a in ("USDT", "BTC", "ETH")} == {
        "USDT": D(0),
        "BTC": D("0.004"),
        "ETH": D("1.5"),
    }
    # In USD at our prices: 0.004 x 40,000 + 1.5 x 3,000.
    assert result.margin_maintenance == D(4660)


@pytest.mark.parametrize(
    ("ratio", "level"),
    [
        ("1.5000001", "trade freely"),
        ("1.5", "margin call"),
        ("1.2000001", "margin call"),
        ("1.2", "reduce-only"),
        ("1.0500001", "reduce-only"),
        ("1.05", "liquidation"),
        ("1.0000001", "liquidation"),
        ("1", "liquidation, claim for loss"),
        ("0.5", "liquidation, claim for loss"),
    ],
)
def test_binance_pm_pro_status_table(ratio, level):
    """Binance, PM_PRO, "Portfolio Margin Pro Account uniMMR | Status": "uniMMR > 150%:
    You can trade freely"; "120% < uniMMR ≤ 150%": a reminder to transfer funds, repay
    or reduce; "105% < uniMMR ≤ 120%": "The system refuses to accept new orders ... will
    still accept new Reduce Order"; "100% < uniMMR ≤ 105%: Liquidation will take place";
    "uniMMR ≤ 100%": a liquidation notice and "Binance may also make a claim for Loss".
    Each bound belongs to the level below it.
    """
    assert portfolio_level(ratio).name == level
    assert portfolio_level(ratio).liquidation == level.startswith("liquidation")


def test_binance_liquidation_below_105_percent():
    """Binance, *How Does Liquidation Work in the Binance Portfolio Margin Account*
    (2022-04-18), https://www.binance.com/en/support/faq/ff4b1ab6c27b4ed6b3ebe8e4ed1572f8:
    "Liquidation occurs when an account's Unified Maintenance Margin ratio (uniMMR) falls
    below 105%". Published threshold: 1.05.
    """
    assert BINANCE_PORTFOLIO_MARGIN.liquidation_threshold == D("1.05")


def test_binance_formula_min_counts_a_debt_in_full():
    """Binance, PM_PRO: "∑Equity = ∑min((MarginAsset - MarginLoan + futuresAsset +
    futuresUnrealPnL) x assetIndexPrice x collateralRate, (...) x assetIndexPrice)". An
    asset held counts at its collateral rate (BTC at Binance's 95% here), a debt (ETH
    borrowed beyond what is held) in full; the uniMMR FAQ's "∑adjustedEquity = ∑Equity -
    OpenLoss x assetIndexPrice" takes the open loss off.
    """
    wallet = Wallet({"BTC": 1, "ETH": 1}, "binance")
    result = portfolio_margin(
        Account(0, []),
        wallet=wallet,
        loans={"ETH": 3},
        loan_rate="0.1",
        prices={"BTC": 40000, "ETH": 2000},
        open_loss=100,
    )
    rows = {row.asset: row for row in result.assets}
    assert rows["BTC"].adjusted_value == D(38000)  # 40,000 x 95%
    assert rows["ETH"].adjusted_value == D(-4000)  # -2 x 2,000, no rate
    assert result.actual_equity == D(36000)
    assert result.adjusted_equity == D(33900)
    assert result.maintenance == D(600)  # 3 x 10% x 2,000
    assert result.ratio == D(33900) / D(600)


def test_binance_negative_adjusted_equity_liquidates_without_maintenance():
    """Binance, *How does liquidation work in the Binance unified account* (announcement,
    stored under its Chinese title), https://binance.com/fr/support/announcement/
    %E5%B9%A3%E5%AE%89%E7%B5%B1%E4%B8%80%E5%B8%B3%E6%88%B6%E7%9A%84%E5%BC%B7%E8%A1%8C%E5%B9%B3%E5%80%89%E5%A6%82%E4%BD%95%E9%81%8B%E4%BD%9C-d0c3558829fa41eabeeaf3c32dbe1dad:
    "liquidation can occur when your Portfolio Margin Account Adjusted Equity falls below
    0, even if there are no open positions, loans, or orders", as when "a user has a
    negative balance in one asset and a positive balance in another" and BTC falls.
    The example's holdings are not in our copy; ours: 1 BTC at 95% and 20,000 USDT owed
    (a loan at a rate of 0 stands for the negative balance, which has no maintenance).
    """
    wallet = Wallet({"BTC": 1}, "binance")
    owed = {"loans": {"USDT": 20000}, "loan_rate": 0}
    before = portfolio_margin(Account(0, []), wallet=wallet, prices={"BTC": 30000}, **owed)
    after = portfolio_margin(Account(0, []), wallet=wallet, prices={"BTC": 15000}, **owed)
    assert (before.maintenance, before.adjusted_equity) == (0, D(8500))
    assert before.level.name == "trade freely"
    assert after.adjusted_equity == D(-5750)
    assert after.liquidated


# The account as a whole


def test_no_maintenance_no_ratio_and_free_to_trade():
    result = portfolio_margin(Account(1000, []))
    assert result.ratio is None
    assert result.level.name == "trade freely"
    assert result.loss_to_liquidation is None


def test_loss_to_liquidation_is_equity_above_105_percent_of_maintenance():
    account = Account(1000, [Position("BTCUSDT", "long", 1, 60000, 100, "cross")])
    result = portfolio_margin(account, marks={"BTCUSDT": 60000})
    assert result.maintenance == D(300)  # 0.5% of 60,000
    assert result.ratio == D(1000) / D(300)
    assert result.loss_to_liquidation == D(1000) - D("1.05") * D(300)
    # An open loss of exactly that much puts the account at 105%: liquidated.
    at = portfolio_margin(account, marks={"BTCUSDT": 60000}, open_loss=D(685))
    assert at.ratio == D("1.05")
    assert at.level.name == "liquidation"
    assert at.loss_to_liquidation == 0
    above = portfolio_margin(account, marks={"BTCUSDT": 60000}, open_loss=D("684.99"))
    assert above.level.name == "reduce-only"


# Errors a learner reads


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rule": "okx"}, "OKX's portfolio margin takes each risk unit's maintenance margin"),
        ({"rule": "bybit"}, "Bybit's Portfolio Margin mode takes the maintenance margin"),
        ({"rule": "kraken"}, "There is no portfolio-margin rule for 'kraken'"),
        ({"loans": {"BTC": 1}}, "Give the maintenance margin rate of the margin loans"),
        ({"loans": {"BTC": -1}, "loan_rate": "0.1"}, "The loan of BTC cannot be negative"),
        ({"open_loss": -5}, "The open loss cannot be negative"),
        ({"prices": {"BTC": "abc"}}, "The price of BTC must be a number"),
        ({"wallet": {"USDT": 1}}, "The margin assets must be a Wallet"),
        ({"loans": {"BTC": 1}, "loan_rate": "0.1"}, "No price was given for BTC"),
    ],
)
def test_errors_name_what_is_wrong(kwargs, message):
    account = Account(1000, [Position("BTCUSDT", "long", 1, 60000, 100, "cross")])
    with pytest.raises(EngineError, match=message):
        portfolio_margin(account, **kwargs)


def test_a_missing_price_and_an_asset_not_taken_are_named():
    wallet = Wallet({"BTC": 1}, "binance")
    with pytest.raises(EngineError, match="No price was given for BTC"):
        portfolio_margin(Account(0, []), wallet=wallet)
    # The futures wallet's USDT needs a rate from the wallet's schedule too.
    btc_only = Wallet({"BTC": 1}, at_100_percent("BTC"))
    with pytest.raises(EngineError, match="does not take USDT as collateral"):
        portfolio_margin(Account(1000, []), wallet=btc_only, prices={"BTC": 10})


def test_isolated_positions_and_other_venues_are_refused():
    isolated = Account(1000, [Position("BTCUSDT", "long", 1, 60000, 100, "isolated")])
    with pytest.raises(EngineError, match="make every position cross"):
        portfolio_margin(isolated)
    okx = Account(1000, [Position("BTCUSDT", "long", 1, 60000, 100, "cross")], venue="okx")
    with pytest.raises(EngineError, match="venue='binance'"):
        portfolio_margin(okx)


def test_a_rule_of_ones_own_must_have_decreasing_thresholds():
    with pytest.raises(EngineError, match="must decrease"):
        PortfolioRule(
            "mine",
            "My rule",
            (
                PortfolioLevel("a", "", D(1)),
                PortfolioLevel("b", "", D(2)),
                PortfolioLevel("c", "", None),
            ),
        )
    with pytest.raises(EngineError, match="the last none"):
        PortfolioRule(
            "mine", "My rule", (PortfolioLevel("a", "", D(1)), PortfolioLevel("b", "", D(0)))
        )
    assert get_portfolio_rule(BINANCE_PORTFOLIO_MARGIN) is BINANCE_PORTFOLIO_MARGIN


# Properties


@st.composite
def cross_accounts(draw):
    count = draw(st.integers(1, 4))
    symbols = [draw(st.sampled_from(("BTC", "ETH", "SOL"))) for _ in range(count)]
    held = [draw(positions(symbol, mode=Mode.CROSS)) for symbol in symbols]
    brackets = draw_brackets(draw, "binance", symbols)
    account = Account(draw(decimals("0", "300000", 2)), held, brackets)
    return account, {symbol: draw(prices) for symbol in account.symbols}


@settings(deadline=None)
@given(cross_accounts())
def test_a_usdt_account_is_todays_cross_margin_balance_over_maintenance(case):
    """Where the rules coincide (USDT alone at 100%, every position cross, Binance's
    brackets), uniMMR is today's cross margin balance over its maintenance margin (to
    1e-20: the sums are taken in another order), and the lowest level, at or below 100%,
    is exactly today's liquidation."""
    account, marks = case
    ours = portfolio_margin(account, marks=marks)
    today = evaluate(account, marks)
    assert ours.adjusted_equity == today.cross_equity
    assert ours.maintenance == today.cross_maintenance_margin
    if today.cross_maintenance_margin > 0:
        assert ours.ratio is not None
        theirs = today.cross_equity / today.cross_maintenance_margin
        assert abs(ours.ratio - theirs) <= D("1e-20") * max(D(1), abs(theirs))
        claim = ours.level is BINANCE_PORTFOLIO_MARGIN.levels[-1]
        assert claim == today.cross_liquidated


@settings(deadline=None)
@given(cross_accounts(), decimals("0.01", "100000", 2))
def test_the_ratio_falls_as_losses_grow(case, loss):
    """A loss taken from the equity (an open loss here) lowers the ratio, and never
    raises the level."""
    account, marks = case
    before = portfolio_margin(account, marks=marks)
    after = portfolio_margin(account, marks=marks, open_loss=loss)
    assume(before.ratio is not None)
    assert after.ratio is not None and after.ratio < before.ratio
    levels = BINANCE_PORTFOLIO_MARGIN.levels
    assert levels.index(after.level) >= levels.index(before.level)


@settings(deadline=None)
@given(decimals("0.001", "40", 3), prices, decimals("0", "300000", 2), st.data())
def test_a_short_loses_ratio_as_the_price_rises(quantity, entry, balance, data):
    """A short loses as the price rises and its maintenance margin grows with the price,
    so while the equity is positive the ratio falls strictly."""
    account = Account(balance, [Position("BTC", "short", quantity, entry, 10, "cross")])
    low = data.draw(prices)
    high = data.draw(prices.filter(lambda p: p > low))
    a = portfolio_margin(account, marks={"BTC": low})
    b = portfolio_margin(account, marks={"BTC": high})
    assume(b.adjusted_equity > 0)
    assert a.ratio is not None and b.ratio is not None
    assert b.ratio < a.ratio


@given(decimals("-2", "5", 4), decimals("-2", "5", 4))
def test_levels_are_ordered(r1, r2):
    """Thresholds decrease down the table, and a lower ratio never gets a higher level."""
    thresholds = [level.above for level in BINANCE_PORTFOLIO_MARGIN.levels[:-1]]
    assert all(a > b for a, b in pairwise(thresholds))
    levels = BINANCE_PORTFOLIO_MARGIN.levels
    low, high = sorted((r1, r2))
    assert levels.index(portfolio_level(low)) >= levels.index(portfolio_level(high))
