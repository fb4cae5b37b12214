"""Collateral in several assets (`simulator.engine.collateral`).

Every published worked example we found, to its published precision (the table in
docs/engine.md, "Collateral", lists them), the errors a learner reads, how a coin
wallet joins today's single-asset account, and properties (hypothesis).
"""

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.engine import (
    BINANCE_MULTI_ASSETS,
    BYBIT_UTA,
    Account,
    Bracket,
    CollateralRule,
    CollateralSchedule,
    CollateralTier,
    EngineError,
    Mode,
    Position,
    TierBasis,
    Wallet,
    collateral_liquidation_price,
    collateral_value,
    evaluate,
    liquidation_price,
    multi_assets_margin_ratio,
)
from simulator.engine.venues import VENUES
from tests.simulator.test_engine_properties import decimals, draw_brackets, positions, prices

D = Decimal


def rounded(value: Decimal, places: str) -> Decimal:
    return value.quantize(D(places), rounding=ROUND_HALF_UP)


def own(*rules: CollateralRule) -> CollateralSchedule:
    """A schedule holding exactly the example's own ratios."""
    return CollateralSchedule("example", "the example's venue", rules)


# Published worked examples


def test_binance_multi_assets_haircuts_bnb_and_ada():
    """Binance, *Multi-Assets Mode* (USDS-M Futures trading rules, "Multi-Assets Info"),
    https://www.binance.com/en-NG/futures/trading-rules/perpetual/multi-asset-info:
    "BNB with a market value of $1000 will be valued at $950 and ADA with a market value
    of $1,000 will be valued at $900 when used as margin in multi-assets mode". Inputs:
    Binance's ratios (BNB 95%, ADA 90%, from *What Is Multi-Assets Mode*); BNB and ADA
    each worth $1,000. Published: 950 and 900.
    """
    wallet = Wallet({"BNB": 2, "ADA": 2000}, "binance")
    rows = {row.asset: row for row in wallet.holdings({"BNB": 500, "ADA": "0.5"})}
    assert rows["BNB"].market_value == 1000
    assert rows["BNB"].collateral_value == 950
    assert rows["ADA"].market_value == 1000
    assert rows["ADA"].collateral_value == 900
    assert rows["ADA"].haircut == 100


def test_binance_multi_assets_table_is_the_faqs():
    """Binance, *What Is Multi-Assets Mode* (2021-05-28),
    https://www.binance.com/en-NG/support/faq/29b45c485d664028b9ca1cdf90b24f6f, table
    "Collateral Value Ratio": BTC, ETH, BNB 95%; XRP, ADA, DOT, SOL 90%; USDT 99.99%;
    BUSD 100%; USDC 99.99%.
    """
    ratios = {asset: rule.tiers[0].ratio for asset, rule in BINANCE_MULTI_ASSETS.rules.items()}
    assert ratios == {
        "BTC": D("0.95"),
        "ETH": D("0.95"),
        "BNB": D("0.95"),
        "XRP": D("0.9"),
        "ADA": D("0.9"),
        "DOT": D("0.9"),
        "SOL": D("0.9"),
        "USDT": D("0.9999"),
        "BUSD": D(1),
        "USDC": D("0.9999"),
    }
    assert all(len(rule.tiers) == 1 for rule in BINANCE_MULTI_ASSETS.rules.values())


def binance_2022_wallet() -> Wallet:
    stable = own(CollateralRule.flat("USDT", 1), CollateralRule.flat("USDC", 1))
    return Wallet({"USDT": 200, "USDC": 220}, stable)


BID = {"USDT": D("0.9801"), "USDC": D(1)}


def test_binance_multi_assets_account_equity_416_02():
    """Binance, *How to Calculate Margin Ratio in the Multi-Assets Mode?* (2022-07-06),
    https://binance.com/support/announcement/how-to-calculate-margin-ratio-in-the-multi-assets-mode-c983a9268cfa4e70a4916c276bb3b7bc:
    USDTUSD bid rate 0.9801, USDCUSD 1; wallet 200 USDT and 220 USDC. Published:
    "Account Equity = ∑min(assetEquity*bidRate, assetEquity*askRate) = 200 * 0.9801 +
    220 * 1 = 416.02". The example counts each stablecoin whole, at its bid rate.
    """
    assert collateral_value(binance_2022_wallet(), BID) == D("416.02")


def test_binance_multi_assets_margin_ratio_47_98_percent():
    """The same Binance example, "With open positions": BTCUSDT 0.5 at 20,000 (MMR
    0.8%, 100x) and ETHUSDC 20 at 600 (MMR 1%, 50x); USDTUSD ask rate 0.99495.
    Published: "Margin Ratio = Account Maintenance Margin / Account Equity = 199.596 /
    416.02 = 0.47977 = 47.98%" (0.4797750..., cut to 5 places, rounded to 2 in percent).
    The maintenance margins come from the engine.
    """
    btc = Account(
        200,
        [Position("BTCUSDT", "long", "0.5", 20000, 100, mode=Mode.CROSS)],
        brackets={"BTCUSDT": [Bracket(0, "0.008")]},
    )
    eth = Account(
        220,
        [Position("ETHUSDC", "long", 20, 600, 50, mode=Mode.CROSS)],
        brackets={"ETHUSDC": [Bracket(0, "0.01")]},
    )
    maintenance = {
        "USDT": btc.maintenance_margin(0, 20000),
        "USDC": eth.maintenance_margin(0, 600),
    }
    ratio = multi_assets_margin_ratio(
        binance_2022_wallet(), BID, maintenance, ask_rates={"USDT": D("0.99495")}
    )
    assert ratio is not None
    assert ratio * D("416.02") == D("199.596")
    assert ratio.quantize(D("0.00001"), rounding=ROUND_DOWN) == D("0.47977")  # cut, not rounded
    assert rounded(ratio * 100, "0.01") == D("47.98")


def test_bybit_uta_table_is_the_articles():
    """Bybit, *Understanding Collateral Value Ratios in Unified Trading Account* (last
    updated 2025-09-18), https://testnet.bytick.com/en/help-center/article/Assets-Collateral-Value-Ratio-List-UTA:
    "Assume the tiered value rates of BTC and USDT are shown as follows": BTC by quantity
    0-10: 0.98, >10-20: 0.95, >20-30: 0.9, >30-40: 0.85, >40-50: 0.8, >50: 0; USDT >0: 1.
    The stored copy stops before the example's figures, so none is reproduced here.
    """
    btc = BYBIT_UTA.rules["BTC"]
    assert btc.basis is TierBasis.QUANTITY
    assert [(t.floor, t.ratio) for t in btc.tiers] == [
        (D(0), D("0.98")),
        (D(10), D("0.95")),
        (D(20), D("0.9")),
        (D(30), D("0.85")),
        (D(40), D("0.8")),
        (D(50), D(0)),
    ]
    assert [(t.floor, t.ratio) for t in BYBIT_UTA.rules["USDT"].tiers] == [(D(0), D(1))]
    # Each tier's ratio on its part: 10 x 0.98 + 5 x 0.95 BTC at 1.
    assert collateral_value(Wallet({"BTC": 15}, "bybit"), {"BTC": 1}) == D("14.55")


def test_tiered_collateral_on_quantity_90000():
    """*Cross margin collateral ratios* (stored copy at
    https://www.bgportable.com/en/spot/introduction/margininfo/cross-discount; the copy
    names no venue, its layout is Bitget's), Example 1:
    1 BTC at 50,000 (ratio 1 from 0 to 5,000,000 USD) and 60,000 APT at 1 ("the
    collateral ratio is 0.8 for 50,000 APT, while the remaining 10,000 APT has a
    collateral ratio of 0"). Published: "1 x 50,000 x 1 + 50,000 x 1 x 0.8 + 10,000 x 1 x
    0 = 90,000 USD".
    """
    schedule = own(
        CollateralRule("BTC", [CollateralTier(0, 1)], basis=TierBasis.NOTIONAL),
        CollateralRule("APT", [CollateralTier(0, "0.8"), CollateralTier(50000, 0)]),
    )
    wallet = Wallet({"BTC": 1, "APT": 60000}, schedule)
    assert collateral_value(wallet, {"BTC": 50000, "APT": 1}) == 90000


def test_tiered_collateral_on_quantity_kucoin_64570000():
    """KuCoin, *Unified Account Collateral Discount Rates* (stored in Filipino,
    http://www.kucoin.com/fil/support/48142946141533): BTC tiers by quantity 0-500:
    0.98, 500-600: 0.975, 600-700: 0.97, 700-800: 0.965, 800-900: 0.96, 900-1,000:
    0.955, >1,000: 0.95; 660 BTC at $100,000. Published: "500 BTC x 98% x $100,000 +
    100 BTC x 97.5% x $100,000 + 60 BTC x 97% * $100,000 = $64,570,000".
    """
    rates = [(0, "0.98"), (500, "0.975"), (600, "0.97"), (700, "0.965"), (800, "0.96")]
    rates += [(900, "0.955"), (1000, "0.95")]
    btc = CollateralRule("BTC", [CollateralTier(floor, ratio) for floor, ratio in rates])
    wallet = Wallet({"BTC": 660}, own(btc))
    assert collateral_value(wallet, {"BTC": 100000}) == 64570000


def test_tiered_collateral_on_value_10875000():
    """The same page, Example 2: 11,000,000 USDT at 1 USD, tiers on the value (1 up to
    5,000,000; 0.98 to 10,000,000; 0.975 from 10,000,000 to 20,000,000). Published:
    "5,000,000 x 1 + 5,000,000 x 0.98 + 1,000,000 x 0.975 = 10,875,000 USD".
    """
    usdt = CollateralRule(
        "USDT",
        [CollateralTier(0, 1), CollateralTier(5000000, "0.98"), CollateralTier(10000000, "0.975")],
        basis=TierBasis.NOTIONAL,
    )
    wallet = Wallet({"USDT": 11000000}, own(usdt))
    assert collateral_value(wallet, {"USDT": 1}) == 10875000


def test_haircut_ratios_ktx_90000():
    """KTX, *Portfolio Margin Calculation*,
    https://support.ktx.com/hc/en-001/articles/4678767785502-Portfolio-Margin-Calculation:
    2 BTC at 30,000 USD at 90%, 10 ETH at 2,000 at 80%, 20,000 USDT at 1 at 100%.
    Published: 54,000 + 16,000 + 20,000 = "Total Margin Value ... 90,000 USD".
    """
    schedule = own(
        CollateralRule.flat("BTC", "0.9"),
        CollateralRule.flat("ETH", "0.8"),
        CollateralRule.flat("USDT", 1),
    )
    wallet = Wallet({"BTC": 2, "ETH": 10, "USDT": 20000}, schedule)
    rows = {row.asset: row.collateral_value for row in wallet.holdings({"BTC": 30000, "ETH": 2000})}
    assert rows == {"BTC": 54000, "ETH": 16000, "USDT": 20000}
    assert collateral_value(wallet, {"BTC": 30000, "ETH": 2000}) == 90000


BIT = own(
    CollateralRule.flat("BTC", "0.98"),
    CollateralRule.flat("BCH", "0.95"),
    CollateralRule.flat("FLOKI", 0),
    CollateralRule.flat("USDT", "0.999"),
)


def test_haircut_ratios_bit_btc_and_bch():
    """BIT Help Center, unified margin collateral (haircut ratios),
    https://helpcenter.bitexch.io/en/articles/9777671: "when the user's BCH equity is 100
    and the USD index price is 300, the effective collateral value is 28,500 USD" (haircut
    5%); BTC 3.136088934 at 37,496.76318, haircut 0.02: 115,241.3204; FLOKI, haircut 1: 0.
    """
    wallet = Wallet({"BTC": "3.136088934", "BCH": 100, "FLOKI": 14000}, BIT)
    rows = {
        row.asset: row.collateral_value
        for row in wallet.holdings({"BTC": "37496.76318", "BCH": 300, "FLOKI": "0.000032118265"})
    }
    assert rounded(rows["BTC"], "0.0001") == D("115241.3204")
    assert rows["BCH"] == 28500
    assert rows["FLOKI"] == 0


def test_haircut_ratios_bit_usdt_line_is_not_reproduced():
    """The same BIT page: USDT 347,974.9709 at 1.000296667, haircut 0.001, published as
    347,730.1252, total 462,971.4456. Not reproduced: the product is 347,730.12539 (so
    347,730.1254) and the total 462,971.4458; the page's own formula line misprints the
    amount (34974.9709) and the haircut (1 - 0.01), and says nothing that explains 0.0002.
    """
    wallet = Wallet({"BTC": "3.136088934", "USDT": "347974.9709"}, BIT)
    marks = {"BTC": "37496.76318", "USDT": "1.000296667"}
    usdt = next(row for row in wallet.holdings(marks) if row.asset == "USDT")
    assert rounded(usdt.collateral_value, "0.0001") == D("347730.1254")
    assert rounded(collateral_value(wallet, marks), "0.0001") == D("462971.4458")


# Errors a learner reads


@pytest.mark.parametrize(
    ("build", "words"),
    [
        (lambda: Wallet({"FOO": 1}), "We do not know the asset 'FOO'"),
        (lambda: Wallet({"ETH": 1}, "bybit"), "does not take ETH as collateral"),
        (lambda: Wallet({"BTC": -1}), "The amount of BTC cannot be negative"),
        (lambda: Wallet({"BTC": 1.5}), "float"),
        (lambda: Wallet({"": 1}), "Every asset needs a name"),
        (lambda: Wallet({"BTC": 1}, "kraken"), "There is no collateral table for 'kraken'"),
        (lambda: CollateralTier(0, "1.2"), "between 0% and 100% (got 120%)"),
        (lambda: CollateralTier(0, "-0.1"), "between 0% and 100% (got -10%)"),
        (lambda: CollateralTier(-5, "0.5"), "floor cannot be negative"),
        (lambda: CollateralRule("BTC", []), "needs at least one tier"),
        (lambda: CollateralRule("BTC", [CollateralTier(1, 1)]), "must start at 0"),
        (
            lambda: CollateralRule("BTC", [CollateralTier(0, 1), CollateralTier(0, "0.5")]),
            "increasing floors",
        ),
        (lambda: CollateralRule("BTC", [CollateralTier(0, 1)], basis="usd"), "basis must be"),
        (lambda: CollateralSchedule("x", "x", ["BTC"]), "list of CollateralRule objects"),
        (
            lambda: multi_assets_margin_ratio(Wallet({"USDT": 1}), {}, {"USDT": -1}),
            "maintenance margin of USDT cannot be negative",
        ),
        (lambda: collateral_value(Wallet({"BTC": 1}), {}), "No price was given for BTC"),
        (lambda: collateral_value(Wallet({"BTC": 1}), {"BTC": -1}), "cannot be negative"),
    ],
)
def test_errors_are_clear(build, words):
    with pytest.raises(EngineError, match=words.replace("(", r"\(").replace(")", r"\)")):
        build()


def test_usdt_is_worth_one_unless_priced_and_names_are_read_in_any_case():
    wallet = Wallet({" usdt ": 100, "USDT": 50}, "bybit")
    assert wallet.balances == {"USDT": 150}
    assert collateral_value(wallet, {}) == 150
    assert collateral_value(wallet, {"usdt": "0.99"}) == D("148.5")


def test_coin_collateral_liquidation_needs_cross_positions():
    account = Account(1000, [Position("BTCUSDT", "long", 1, 60000, 100)])
    with pytest.raises(EngineError, match="Cross Margin Mode"):
        collateral_liquidation_price(account, 0, Wallet({"BTC": 1}))


# How a coin wallet joins the single-asset account


def test_a_btc_collateral_btc_long_is_exposed_twice():
    """1 BTC of collateral at Binance's 95% (57,000 at 60,000) backs a cross long of 1
    BTCUSDT at 60,000, 10x, flat 0.5% table. Equity 0.95 P + (P - 60,000) - 0.005 P
    reaches 0 at P = 60,000 / 1.945 = 30,848.33; the same 57,000 held as USDT at 100%
    only at (60,000 - 57,000) / 0.995 = 3,015.08. On BTC collateral a short is hedged:
    0.95 P - (P - 60,000) - 0.005 P = 0 at 60,000 / 0.055 = 1,090,909.09.
    """
    long = Account(0, [Position("BTCUSDT", "long", 1, 60000, 10, mode=Mode.CROSS)])
    btc = Wallet({"BTC": 1}, "binance")
    assert collateral_value(btc, {"BTC": 60000}) == 57000
    assert collateral_liquidation_price(long, 0, btc) == D(60000) / D("1.945")
    usdt = Wallet({"USDT": 57000}, own(CollateralRule.flat("USDT", 1)))
    assert collateral_liquidation_price(long, 0, usdt) == D(3000) / D("0.995")
    short = Account(0, [Position("BTCUSDT", "short", 1, 60000, 10, mode=Mode.CROSS)])
    assert collateral_liquidation_price(short, 0, btc) == D(60000) / D("0.055")


def test_coin_collateral_on_bybits_tiers_and_other_assets():
    """20 BTC on Bybit's tiers (10 x 0.98 + 10 x 0.95 = 19.3 BTC counted) plus 1,000
    USDT and a 0.1 ETH position at its mark back a cross long of 30 BTCUSDT at 50,000:
    equity 19.3 P + 1,000 + 30 (P - 50,000) - 0.15 P + ETH's PnL - its margin = 0.
    """
    account = Account(
        0,
        [
            Position("BTCUSDT", "long", 30, 50000, 20, mode=Mode.CROSS),
            Position("ETHUSDT", "long", "0.1", 3000, 10, mode=Mode.CROSS),
        ],
    )
    wallet = Wallet({"BTC": 20, "USDT": 1000}, "bybit")
    eth = D("0.1") * (2500 - 3000) - D("0.1") * 2500 * D("0.005")
    expected = (D(1500000) - 1000 - eth) / (D("19.3") + 30 - D("0.15"))
    found = collateral_liquidation_price(
        account, 0, wallet, marks={"BTCUSDT": 50000, "ETHUSDT": 2500}
    )
    assert found == expected
    # ETH held in the wallet is counted at ETHUSDT's mark unless priced: 95% of 2,500.
    with_eth = Wallet({"BTC": 20, "USDT": 1000, "ETH": 1}, "binance")
    ours = collateral_liquidation_price(
        account, 0, with_eth, marks={"BTCUSDT": 50000, "ETHUSDT": 2500}
    )
    priced = collateral_liquidation_price(
        account, 0, with_eth, prices={"ETH": 2500}, marks={"BTCUSDT": 50000, "ETHUSDT": 2500}
    )
    assert ours == priced == (D(1500000) - D("999.9") - 2375 - eth) / (D(19) + 30 - D("0.15"))


# Properties


def pot_at(account: Account, wallet: Wallet, symbol: str, coin: str, price: Decimal, marks):
    """Cross equity minus maintenance, by `evaluate`, with the wallet's value as balance."""
    value = collateral_value(wallet, {coin: price})
    result = evaluate(
        Account(value, account.positions, account.brackets, account.venue, account.taker_fee),
        {**marks, symbol: price},
    )
    return result.cross_equity - result.cross_maintenance_margin


@st.composite
def cross_accounts(draw, first=None):
    venue = draw(st.sampled_from(list(VENUES)))
    symbols = [] if first is None else [first]
    symbols += [
        draw(st.sampled_from(("BTC", "ETH", "SOL"))) for _ in range(draw(st.integers(1, 4)))
    ]
    held = [draw(positions(symbol, mode=Mode.CROSS)) for symbol in symbols]
    brackets = draw_brackets(draw, venue, symbols)
    balance = draw(decimals("0", "300000", 2))
    account = Account(balance, held, brackets, venue=venue)
    marks = {symbol: draw(prices) for symbol in account.symbols}
    return account, marks


@settings(deadline=None)
@given(cross_accounts(), st.data())
def test_a_usdt_wallet_at_100_percent_is_todays_single_asset_account(case, data):
    """A wallet of USDT alone, counted at 100%, gives every position the liquidation
    price `liquidation_price` gives the account whose balance is that USDT (to 1e-20 of
    the price: the two solve the same lines at different precisions)."""
    account, marks = case
    wallet = Wallet({"USDT": account.balance}, own(CollateralRule.flat("USDT", 1)))
    index = data.draw(st.integers(0, len(account.positions) - 1))
    ours = collateral_liquidation_price(account, index, wallet, marks=marks)
    theirs = liquidation_price(account, index, marks)
    if theirs is None:
        assert ours is None
    else:
        assert ours is not None
        assert abs(ours - theirs) <= D("1e-20") * max(D(1), theirs)


@settings(deadline=None)
@given(
    cross_accounts(first="BTC"), decimals("0.001", "60", 3), st.sampled_from(["binance", "bybit"])
)
def test_at_the_coin_collateral_liquidation_price_equity_meets_maintenance(case, coins, venue):
    """With BTC collateral moving with BTCUSDT, at the price found the pot's equity equals
    its maintenance margin as `evaluate` counts it (with the wallet's value as balance)."""
    account, marks = case
    wallet = Wallet({"BTC": coins, "USDT": 100}, venue)
    index = next(k for k, p in enumerate(account.positions) if p.symbol == "BTC")
    found = collateral_liquidation_price(account, index, wallet, marks=marks)
    if found is None:  # no boundary: liquidated at every price or at none
        low, high = (pot_at(account, wallet, "BTC", "BTC", p, marks) for p in (D(1), D(10**9)))
        assert (low > 0) == (high > 0)
        return
    gap = pot_at(account, wallet, "BTC", "BTC", found, marks)
    scale = max(D(1), found * sum((p.quantity for p in account.positions), start=D(coins)))
    assert abs(gap) <= D("1e-15") * scale


wallet_prices = st.fixed_dictionaries(
    {
        "BTC": decimals("0", "200000", 2),
        "ETH": decimals("0", "10000", 2),
        "USDT": decimals("0.9", "1.1", 4),
    }
)


@st.composite
def wallets(draw):
    venue = draw(st.sampled_from(["binance", "bybit", "tiers"]))
    amounts = {
        "BTC": draw(decimals("0", "80", 3)),
        "USDT": draw(decimals("0", "20000000", 2)),
    }
    if venue == "tiers":
        venue = own(
            CollateralRule(
                "BTC",
                [
                    CollateralTier(0, "0.9"),
                    CollateralTier(1000000, "0.5"),
                    CollateralTier(3000000, 0),
                ],
                basis=TierBasis.NOTIONAL,
            ),
            CollateralRule("ETH", [CollateralTier(0, "0.8"), CollateralTier(100, "0.7")]),
            CollateralRule.flat("USDT", 1),
        )
        amounts["ETH"] = draw(decimals("0", "500", 3))
    elif venue == "binance":
        amounts["ETH"] = draw(decimals("0", "500", 3))
    return Wallet(amounts, venue)


@given(wallets(), wallet_prices)
def test_collateral_value_never_exceeds_market_value(wallet, marks):
    for row in wallet.holdings(marks):
        assert 0 <= row.collateral_value <= row.market_value
    assert collateral_value(wallet, marks) <= wallet.market_value(marks)


@given(wallets(), wallet_prices, st.sampled_from(["BTC", "ETH", "USDT"]), decimals("0", "50000", 2))
def test_collateral_value_is_monotone_in_each_price(wallet, marks, asset, rise):
    higher = {**marks, asset: marks[asset] + rise}
    assert collateral_value(wallet, higher) >= collateral_value(wallet, marks)
