"""Venue rules, fees, funding and the liquidation-price breakdown.

Every published worked example of the venues in `simulator.engine.venues` is reproduced
here to its published precision, with its source; then the venues' data, fees and
funding, the breakdown, and properties over random positions (hypothesis).

Pure Python: no Django, no database.
"""

from decimal import Decimal, localcontext

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from simulator.engine import (
    DEFAULT_BRACKETS,
    Account,
    Bracket,
    EngineError,
    Explanation,
    Mode,
    Position,
    Side,
    Step,
    TierBasis,
    bankruptcy_price,
    equity_curve,
    evaluate,
    explain_liquidation_price,
    funding_payment,
    liquidation_fee,
    liquidation_price,
    liquidation_prices,
    maintenance_amounts,
    trading_fee,
    with_fees,
    with_funding,
    with_mode,
)
from simulator.engine.venues import OKX_FACE_VALUES, VENUES, Venue, base_asset, get_venue

D = Decimal
CENT = D("0.01")


def cents(value: Decimal | None) -> Decimal:
    assert value is not None
    return value.quantize(CENT)


def close(a: Decimal, b: Decimal, places: int = 18) -> bool:
    return abs(a - b) <= Decimal(10) ** -places * max(1, abs(a), abs(b))


def exactly(a: Decimal, b: Decimal) -> Decimal:
    """a + b without rounding."""
    with localcontext() as context:
        context.prec = 200
        return a + b


# --------------------------------------------------------------------------- the venues


def test_venues_in_display_order_with_their_data():
    assert list(VENUES) == ["binance", "bybit", "okx", "hyperliquid", "dydx"]
    for key, venue in VENUES.items():
        assert isinstance(venue, Venue)
        assert venue.key == key
        assert venue.name and venue.summary and venue.source_url.startswith("https://")
        assert venue.tables_as_of
        assert 0 < venue.maker_fee <= venue.taker_fee < D("0.001")
        for asset in ("BTC", "ETH"):
            table = venue.table(asset)
            assert table is not None and table.as_of and "http" in table.source
    assert VENUES["binance"].name == "Binance USDS-M"
    assert [v.funding_hours for v in VENUES.values()] == [8, 8, 8, 1, 1]


def test_standard_fee_rates_from_the_sources():
    # Binance FAQ 360033544231 ("regular user's maker commission: 0.02%; taker commission:
    # 0.05%"); Bybit non-VIP 0.02% / 0.055%; OKX Lv1 0.02% / 0.05%; Hyperliquid base tier
    # 0.015% / 0.045%; dYdX tier 1 1.0 / 5.0 bps.
    rates = {key: (v.maker_fee, v.taker_fee) for key, v in VENUES.items()}
    assert rates == {
        "binance": (D("0.0002"), D("0.0005")),
        "bybit": (D("0.0002"), D("0.00055")),
        "okx": (D("0.0002"), D("0.0005")),
        "hyperliquid": (D("0.00015"), D("0.00045")),
        "dydx": (D("0.0001"), D("0.0005")),
    }


def test_unknown_venue_lists_the_venues():
    message = "There is no venue 'ftx'. The venues are: binance, bybit, okx, hyperliquid, dydx."
    with pytest.raises(EngineError) as error:
        get_venue("ftx")
    assert str(error.value) == message
    with pytest.raises(EngineError, match="The venues are: binance, bybit, okx"):
        Account(D(100), [], venue="kraken")
    assert get_venue(" OKX ") is VENUES["okx"]
    # Bybit's retired classic rule: for accounts, not offered where venues are listed.
    with pytest.raises(EngineError, match="The venues are: binance, bybit, okx"):
        get_venue("bybit-classic")
    classic = get_venue("bybit-classic", retired=True)
    assert classic.maintenance_at_entry and classic.key not in VENUES
    assert Account(D(100), [], venue="bybit-classic").rules is classic
    assert get_venue(VENUES["dydx"]) is VENUES["dydx"]


@pytest.mark.parametrize(
    ("symbol", "asset"),
    [
        ("BTC", "BTC"),
        ("BTCUSDT", "BTC"),
        ("btcusdt", "BTC"),
        ("ETH", "ETH"),
        ("ETHUSDT", "ETH"),
        ("ETH-USDT-SWAP", "ETH"),
        ("BTC/USDT:USDT", "BTC"),
        ("ETHUSDC", "ETH"),
        ("BTC-USD", "BTC"),
        ("SOLUSDT", "SOL"),
    ],
)
def test_symbols_name_their_asset(symbol, asset):
    assert base_asset(symbol) == asset
    for venue in VENUES.values():
        assert venue.brackets(symbol) == venue.brackets(asset)


def test_other_symbols_get_the_documented_default():
    for venue in VENUES.values():
        assert venue.table("SOLUSDT") is None
        assert venue.brackets("SOLUSDT") == DEFAULT_BRACKETS


def test_binance_tables_match_the_published_maintenance_amounts():
    # Binance's leverageBracket snapshot lists each tier's "cum"; the engine derives it
    # with the FAQ's formula, amount_n = floor_n x (rate_n - rate_n-1) + amount_n-1.
    btc = VENUES["binance"].brackets("BTCUSDT")
    published = (0, 50, 950, 11450, 131450, 481450, 2981450, 14481450, 26481450)
    published += (41481450, 121481450, 421481450)
    assert maintenance_amounts(btc) == tuple(map(D, published))
    eth = VENUES["binance"].brackets("ETHUSDT")
    assert maintenance_amounts(eth)[-3:] == (27506450, 80506450, 280506450)
    assert maintenance_amounts(eth)[5:7] == (381450, 2006450)


def test_bybit_btc_table_matches_the_published_deductions():
    # Bybit's margin parameters page lists the deduction of each BTCUSDT tier.
    published = (0, 1200, 3020, 4300, 5820, 8460, 15460, 20500, 46000, 66000, 80000, 160000)
    published += (300000, 452000, 502000, 777000, 837000, 967000, 1107000, 1482000, 1882000)
    assert maintenance_amounts(VENUES["bybit"].brackets("BTC")) == tuple(map(D, published))
    assert VENUES["bybit"].table("ETH").note  # the ETH table is marked as not Bybit's current one


def test_hyperliquid_rates_are_half_the_initial_margin_at_max_leverage():
    # "maintenance_margin_rate(tier = n) = (Initial Margin Rate at Maximum leverage at tier
    # n) / 2"; mainnet BTC 40x then 20x above 150M, ETH 25x then 15x above 100M.
    btc = VENUES["hyperliquid"].table("BTC")
    assert [t.rate for t in btc.tiers] == [D("0.0125"), D("0.025")]
    assert maintenance_amounts(btc.brackets) == (0, 1_875_000)
    eth = VENUES["hyperliquid"].table("ETH")
    assert eth.tiers[0].rate == D("0.02")
    assert close(eth.tiers[1].rate, D(1) / 30)


def test_okx_eth_table_is_in_contracts_of_a_tenth_of_an_eth():
    # OKEx 2021-06-11: Tier 1 0-3,000 conts 0.40%; Tier 2 3,001-6,000 0.50%; Tier 3
    # 6,001-12,000 1.00%; then +12,000 conts and +0.5% per tier.
    table = VENUES["okx"].table("ETH")
    assert table.basis is TierBasis.QUANTITY
    assert OKX_FACE_VALUES["ETH"] == D("0.1")
    floors = [t.floor for t in table.tiers[:5]]
    assert floors == [0, D("300.1"), D("600.1"), D("1200.1"), D("2400.1")]
    assert [t.rate for t in table.tiers[:5]] == [
        D("0.004"),
        D("0.005"),
        D("0.01"),
        D("0.015"),
        D("0.02"),
    ]
    assert VENUES["okx"].table("BTC").note  # not OKX's own table: marked


# --------------------------------------------------------------------------- Binance

# Binance Support FAQ on avoiding liquidation:
# https://www.binance.com/en/support/faq/25edcd7fe0e544839d0847b8cbb2e400
# "wallet balance of 500 USDT. You entered a long BTCUSDT position worth 1,000 USDT with
# 20x leverage at $50,000. [...] your liquidation price will be $25,100.40."


def test_binance_faq_with_the_venues_real_tiers():
    venue = get_venue("binance")
    position = Position.from_notional("BTCUSDT", "long", 1000, 50000, 20, mode=Mode.CROSS)
    account = Account(D(500), [position], {"BTCUSDT": venue.brackets("BTCUSDT")})
    assert cents(liquidation_price(account, 0)) == D("25100.40")


# freqtrade's tests/exchange/test_binance.py::test_liquidation_price_binance, labelled
# "From calc example": test data taken from Binance's liquidation calculator (the
# example is not on a Binance page we could read). https://github.com/freqtrade/freqtrade
# Cross wallet 1,535,443.01; BTCUSDT long 109.488 at 32,481.98, mark 31,967.27, rate 2.5%,
# maintenance amount 16,300; ETHUSDT long 3,683.979 at 1,456.84, mark 1,335.18, rate 10%,
# amount 135,365. Expected: ETH 1,153.26 and BTC 26,316.89 cross; 1,114.78 and 18,778.73
# isolated (each alone with the whole 1,535,443.01).
#
# The example gives each position's bracket (rate and amount), not whole tables. BTC: the
# 2021 BTCUSDT table reverse-engineered from Binance's front end (0.4% from 0, 0.5% from
# 50,000, 1% from 250,000, 2.5% from 1,000,000: amount 16,300), gist
# https://gist.github.com/highfestiva/b71e76f51eed84d56c1be8ebbcc286b5 . ETH: no sourced
# table gives 135,365, so a 0% bracket sits below a 10% bracket from 1,353,650, which the
# amount formula turns into exactly 135,365; every notional of the example (4.1M to
# 4.9M) lies in that 10% bracket, which is all the example uses.
CALC_WALLET = D("1535443.01")
CALC_BTC = (
    Bracket(D(0), D("0.004")),
    Bracket(D(50000), D("0.005")),
    Bracket(D(250000), D("0.01")),
    Bracket(D(1000000), D("0.025")),
    Bracket(D(10000000), D("0.05")),
)
CALC_ETH = (Bracket(D(0), D(0)), Bracket(D(1353650), D("0.10")))
CALC_MARKS = {"BTCUSDT": D("31967.27"), "ETHUSDT": D("1335.18")}


def calc_positions(mode: Mode) -> tuple[Position, Position]:
    btc = Position("BTCUSDT", "long", D("109.488"), D("32481.98"), 1, mode=mode)
    eth = Position("ETHUSDT", "long", D("3683.979"), D("1456.84"), 1, mode=mode)
    return btc, eth


def test_binance_calc_example_brackets():
    assert maintenance_amounts(CALC_BTC)[3] == 16300
    assert maintenance_amounts(CALC_ETH)[1] == 135365


def test_binance_calc_example_cross():
    account = Account(
        CALC_WALLET, calc_positions(Mode.CROSS), {"BTCUSDT": CALC_BTC, "ETHUSDT": CALC_ETH}
    )
    btc, eth = liquidation_prices(account, CALC_MARKS)
    assert cents(eth) == D("1153.26")
    assert cents(btc) == D("26316.89")
    # freqtrade's intermediate values for ETH: the other position's maintenance margin
    # (TMM1) 71,200.81144 and PnL (UPNL1) -56,354.57.
    state = evaluate(account, CALC_MARKS).positions[0]
    assert state.maintenance_margin.quantize(D("0.00001")) == D("71200.81144")
    assert cents(state.unrealized_pnl) == D("-56354.57")


@pytest.mark.parametrize(("index", "expected"), [(0, D("18778.73")), (1, D("1114.78"))])
def test_binance_calc_example_isolated(index, expected):
    position = calc_positions(Mode.ISOLATED)[index]
    alone = Position(
        position.symbol, "long", position.quantity, position.entry_price, 1, margin=CALC_WALLET
    )
    account = Account(CALC_WALLET, [alone], {"BTCUSDT": CALC_BTC, "ETHUSDT": CALC_ETH})
    assert cents(liquidation_price(account, 0)) == expected


def test_binance_commission_examples():
    # Binance FAQ 360033544231: "Notional Value = 1 BTC * 10,104 = 10,104; Taker commission
    # fee is paid: 10,104 * 0.05% = 5.052 USDT"; "11,104 * 0.02% = 2.2208 USDT".
    # https://binance.com/fr/support/faq/360033544231
    venue = get_venue("binance")
    assert trading_fee(D(10104), venue.taker_fee) == D("5.052")
    assert trading_fee(D(11104), venue.maker_fee) == D("2.2208")


def test_binance_liquidation_fee_is_outside_the_rule():
    # Historic rates from Binance's old page: 0.3% on BTCUSDT, 0.5% on other perpetuals,
    # "charged on the amount liquidated only"; the liquidation price does not include it.
    venue = get_venue("binance")
    assert venue.liquidation_fee_rate("BTCUSDT") == D("0.003")
    assert venue.liquidation_fee_rate("ETHUSDT") == D("0.005")
    account = Account(D(1000), [Position("BTCUSDT", "long", 1, 10000, 10)])
    assert liquidation_fee(account, 0, D(9000)) == D(27)
    plain = liquidation_price(account, 0)
    assert plain == liquidation_price(
        Account(D(1000), [Position("BTCUSDT", "long", 1, 10000, 10)], taker_fee=D("0.01")), 0
    )


# --------------------------------------------------------------------------- Bybit

# Bybit, UTA trading rules, isolated margin, USDT contracts (transcribed verbatim from
# https://www.bybit.com/en/help-center/article/UTA-Trading-Rules in a public repository;
# an independent JSON fixture has the same numbers): "1 BTC long @ 40,000 USDT entry, 50x
# leverage, 3,000 USDT extra margin added, MMR 0.5%, taker fee 0.0550%, MM Deduction 0"
# -> Liquidation Price 36,380.25 USDT, where
# LP (Long) = [(Entry x Size) - (Entry x Size / Leverage) - (Extra Margin Added /
# (1 - Taker Fee Rate)) - MM Deduction] / [Size - (Size x MM Rate)].


def bybit_account(side: Side = Side.LONG, extra: int = 3000, **kwargs) -> Account:
    venue = get_venue("bybit")
    position = Position("BTCUSDT", side, 1, 40000, 50, margin=D(800 + extra))
    return Account(
        D(800 + extra), [position], {"BTCUSDT": venue.brackets("BTC")}, venue="bybit", **kwargs
    )


def test_bybit_uta_example():
    account = bybit_account()
    assert account.effective_taker_fee == D("0.00055")
    lp = liquidation_price(account, 0)
    assert cents(lp) == D("36380.25")
    formula = (D(40000) - D(800) - D(3000) / (1 - D("0.00055")) - 0) / (1 - D("0.005"))
    assert close(lp, formula)
    # The example's estimated fee to close, 21.56 = 40,000 x (1 - 1/50) x 0.055%: the
    # taker fee on the value at the bankruptcy price (with no added margin).
    plain = bybit_account(extra=0)
    assert trading_fee(bankruptcy_price(plain, 0), account.effective_taker_fee) == D("21.56")


def test_bybit_uta_short_mirrors_the_formula():
    lp = liquidation_price(bybit_account(Side.SHORT), 0)
    formula = (D(40000) + D(800) + D(3000) / (1 + D("0.00055")) + 0) / (1 + D("0.005"))
    assert close(lp, formula)


def test_bybit_edited_taker_fee_moves_the_price():
    default = liquidation_price(bybit_account(), 0)
    free = liquidation_price(bybit_account(taker_fee=D(0)), 0)
    assert free > default  # without the fee, added margin counts at face value
    assert close(free, (D(40000) - D(800) - D(3000)) / (1 - D("0.005")))


# Bybit, Bankruptcy Price (Perpetual and Expiry Contracts):
# https://www.bybit.com/en/help-center/article/Bankruptcy-Price-Perpetual-and-Expiry-Contracts
# "BTCUSDT Long position with an entry price at 60,000 USDT, leverage is 50x. Bankruptcy
# Price = 60,000 x [1 - (1 / 50)] = 58,800 USDT". Older page (listed at
# https://www.bybitx.global/fil-PH/help-center/search-result?page=46&pageSize=10&query=trade):
# "1BTC Long ... 10,000USDT, leverage is 50x. Bankruptcy Price= 10,000 x (1 - 2%) = 9,800".
@pytest.mark.parametrize(("entry", "expected"), [(60000, 58800), (10000, 9800)])
def test_bybit_bankruptcy_price(entry, expected):
    account = Account(D(entry), [Position("BTCUSDT", "long", 1, entry, 50)], venue="bybit")
    assert bankruptcy_price(account, 0) == expected
    short = Account(D(entry), [Position("BTCUSDT", "short", 1, entry, 50)], venue="bybit")
    assert bankruptcy_price(short, 0) == 2 * entry - expected  # entry x (1 + 1/50)


# --------------------------------------------------------------------------- OKX

# OKX publishes the rule but no numeric example: "when your margin ratio falls to 100%,
# meaning your account equity is equal to or less than the required maintenance margin
# plus any applicable liquidation fees" (Tiered maintenance margin ratio rules,
# https://okx.huicker.com/fr-fr/help/v-tiered-maintenance-margin-ratio-rules), with the
# isolated margin ratio "(Margin balance + PnL) / (Face value x |Contracts| x Mark price x
# (Tiered margin rate + fee rate))" and "Liquidation Fee ... Position value x taker fee
# rate". The engine reproduces that rule: at its liquidation price the ratio is 100%.


@pytest.mark.parametrize("side", list(Side))
@pytest.mark.parametrize("contracts", [100, 2_500, 5_000, 50_000])
def test_okx_margin_ratio_is_100_percent_at_the_liquidation_price(side, contracts):
    venue = get_venue("okx")
    size = contracts * OKX_FACE_VALUES["ETH"]
    position = Position("ETH-USDT-SWAP", side, size, 3000, 20)
    account = Account(D(10**8), [position], {"ETH-USDT-SWAP": venue.brackets("ETH")}, venue="okx")
    lp = liquidation_price(account, 0)
    tier = next(t for t in reversed(venue.table("ETH").tiers) if size >= t.floor)
    equity = position.isolated_margin + position.unrealized_pnl(lp)
    required = size * lp * (tier.rate + venue.taker_fee)
    assert close(equity / required, D(1))
    # Its formula solved for the price: long (E - m/Q) / (1 - MMR - fee), short with +.
    s = side.sign
    formula = (3000 - s * position.isolated_margin / size) / (1 - s * (tier.rate + D("0.0005")))
    assert close(lp, formula)
    state = evaluate(account, {"ETH-USDT-SWAP": lp}).positions[0]
    assert close(state.maintenance_margin, required)
    assert close(state.margin_ratio, D(1))


def test_okx_self_check_figures():
    """Not published by OKX: the research notes' own check of the formula (1 BTC at
    40,000, 10x isolated, MMR 0.4%, taker 0.05%): long 36,162.73, short 43,802.89."""
    for side, expected in ((Side.LONG, D("36162.73")), (Side.SHORT, D("43802.89"))):
        account = Account(
            D(4000),
            [Position("BTC", side, 1, 40000, 10)],
            {"BTC": [Bracket(D(0), D("0.004"))]},
            venue="okx",
        )
        assert cents(liquidation_price(account, 0)) == expected


def test_okx_whole_position_tier_puts_a_short_on_the_floor():
    """A tier's rate on the whole position makes the maintenance margin jump at a floor.

    Short 1 BTC at 9,000 with 1,200 of margin, fee 0, tiers 1% below a notional of
    10,000 and 5% from it. Just below 10,000 the position is safe (1,200 - 1,000 - 100 =
    100 > 0); at 10,000 the 5% tier applies to everything (1,200 - 1,000 - 500 < 0). So
    the liquidation price is the floor itself.
    """
    position = Position("BTC", Side.SHORT, 1, 9000, D("7.5"))
    brackets = {"BTC": [Bracket(D(0), D("0.01")), Bracket(D(10000), D("0.05"))]}
    account = Account(D(1200), [position], brackets, venue="okx", taker_fee=D(0))
    lp = liquidation_price(account, 0)
    assert lp == 10000
    assert evaluate(account, {"BTC": D(10000)}).positions[0].liquidated
    assert not evaluate(account, {"BTC": D("9999.99")}).positions[0].liquidated
    # Binance's brackets (amounts, no jump) liquidate it above the floor instead.
    binance = Account(D(1200), [position], brackets)
    assert liquidation_price(binance, 0) > 10000
    # The equity curve has its corner on the floor too.
    curve = equity_curve(account, "BTC", 9000, 11000)
    assert [p.price for p in curve.points] == [9000, 10000, 10000, 11000]


def test_okx_liquidation_fee_follows_the_taker_fee():
    position = Position("BTC", "long", 1, 40000, 10)
    account = Account(D(4000), [position], venue="okx")
    assert liquidation_fee(account, 0, D(36000)) == D(18)  # 36,000 x 0.05%
    edited = Account(D(4000), [position], venue="okx", taker_fee=D("0.0008"))
    assert liquidation_fee(edited, 0, D(36000)) == D("28.8")
    assert liquidation_price(edited, 0) > liquidation_price(account, 0)


# --------------------------------------------------------------------------- Hyperliquid

# Hyperliquid's own liquidation prices, as ccxt.fetch_positions() returned them, in
# freqtrade's tests/exchange/test_hyperliquid.py::test_hyperliquid_dry_run_liquidation_price
# (https://github.com/freqtrade/freqtrade): entry, side, size, collateral (the isolated
# margin), leverage -> liquidationPrice. Max leverage then: BTC and ETH 50x (maintenance
# rate 1 / (2 x 50) = 1%), SOL 20x (2.5%). Compared at a relative tolerance of 1e-4, as
# that test does ("Max deviation: 0.01309453%" over 197 positions).
HYPERLIQUID_POSITIONS = [
    ("ETH", "2458.5", "long", "0.015", "36.864593", 1, "0.86915825"),
    ("BTC", "63287.0", "long", "0.00039", "24.673292", 1, "22.37166537"),
    ("BTC", "62739.0", "long", "0.00077", "24.137992", 2, "31708.03843631"),
    ("ETH", "2459.5", "long", "0.0199", "24.454895", 2, "1243.0411908"),
    ("ETH", "2642.8", "short", "0.019", "25.091876", 2, "3924.18322043"),
    ("BTC", "68595.0", "short", "0.00069", "23.64871", 2, "101849.99354283"),
    ("BTC", "65536.0", "short", "0.00099", "21.604172", 3, "86493.46174617"),
    ("ETH", "2545.5", "long", "0.0329", "20.909894", 4, "1929.23322895"),
    ("BTC", "66930.0", "long", "0.0015", "20.043862", 5, "54108.51043771"),
    ("SOL", "173.06", "long", "0.6", "20.735658", 5, "142.05186667"),
]
HYPERLIQUID_MAX_LEVERAGE = {"BTC": 50, "ETH": 50, "SOL": 20}


@pytest.mark.parametrize("mode", list(Mode))
@pytest.mark.parametrize(
    ("symbol", "entry", "side", "size", "collateral", "leverage", "reported"),
    HYPERLIQUID_POSITIONS,
)
def test_hyperliquid_reported_liquidation_prices(
    mode, symbol, entry, side, size, collateral, leverage, reported
):
    rate = 1 / (2 * D(HYPERLIQUID_MAX_LEVERAGE[symbol]))
    position = Position(symbol, side, D(size), D(entry), leverage, mode=mode, margin=D(collateral))
    # Isolated: the collateral is the position's margin (often a little below its initial
    # margin: fees were taken from it). Cross: a wallet of the collateral alone.
    account = Account(
        D(collateral), [position], {symbol: [Bracket(D(0), rate)]}, venue="hyperliquid"
    )
    lp = liquidation_price(account, 0)
    assert abs(lp - D(reported)) <= D("1e-4") * D(reported)


def test_hyperliquid_formula_around_the_current_price():
    # "liq_price = price - side x margin_available / position_size / (1 - l x side)" with
    # margin_available = isolated margin - maintenance margin at the current price.
    venue = get_venue("hyperliquid")
    position = Position("BTC", "long", D("0.5"), 60000, 10)
    account = Account(D(3000), [position], {"BTC": venue.brackets("BTC")}, venue="hyperliquid")
    for price in (D(60000), D(58000), D(61000)):
        available = position.isolated_margin + position.unrealized_pnl(price)
        available -= account.maintenance_margin(0, price)
        theirs = price - available / position.quantity / (1 - D("0.0125"))
        assert close(liquidation_price(account, 0), theirs)


# --------------------------------------------------------------------------- dYdX

# dYdX v4 documentation, Liquidations:
# https://dydx-documentation-six.vercel.app/concepts/trading/liquidations
# Isolated: "deposits $1,000 (e = 1000). The trader shorts 3 ETH contracts (s = -3) at
# $3,000 ... MMF = 0.05 ... p' = (1000 + 9000) / (0.15 + 3) = 10000 / 3.15 ≈ 3174.60";
# "remaining equity would be 5% of the notional value ... or $476.2".
# Cross: "deposits $1,000 ... shorts 1.5 ETH (s = -1.5) at $3,000 and buys 1,000 STRK
# contracts at $1.75 (MMF = 10% for STRK) ... MMR_o = 1000 * 1.75 * 0.10 = 175 ...
# p' = (1000 - (-1.5 * 3000) - 175) / (1.5 * 0.05 + 1.5) ≈ 3380.95".
# The examples use an ETH fraction of 5% (the venue's table has 3% for BTC and ETH).


def test_dydx_isolated_example():
    position = Position("ETH-USD", "short", 3, 3000, 9)  # 1,000 backing 9,000
    account = Account(D(1000), [position], {"ETH-USD": [Bracket(D(0), D("0.05"))]}, venue="dydx")
    lp = liquidation_price(account, 0)
    assert cents(lp) == D("3174.60")
    assert lp == D(10000) / D("3.15")
    state = evaluate(account, {"ETH-USD": lp}).positions[0]
    assert state.maintenance_margin.quantize(D("0.1")) == D("476.2")
    assert close(state.margin_balance, state.maintenance_margin)


def test_dydx_cross_example():
    positions = [
        Position("ETH-USD", "short", D("1.5"), 3000, 5, mode=Mode.CROSS),
        Position("STRK-USD", "long", 1000, D("1.75"), 5, mode=Mode.CROSS),
    ]
    brackets = {"ETH-USD": [Bracket(D(0), D("0.05"))], "STRK-USD": [Bracket(D(0), D("0.10"))]}
    account = Account(D(1000), positions, brackets, venue="dydx")
    assert account.maintenance_margin(1, D("1.75")) == 175
    lp = liquidation_price(account, 0, {"STRK-USD": D("1.75")})
    assert cents(lp) == D("3380.95")
    assert lp == D(5325) / D("1.575")


def test_dydx_table_and_penalty():
    venue = get_venue("dydx")
    assert venue.brackets("BTC-USD") == (Bracket(D(0), D("0.03")),)
    assert venue.liquidation_fee == D("0.015")  # the maximum liquidation penalty


# --------------------------------------------------------------------------- isolated margin


def test_isolated_margin_may_sit_below_the_initial_margin():
    position = Position("BTCUSDT", "long", 1, 10000, 10, margin=D(900))
    assert position.initial_margin == 1000
    account = Account(D(900), [position])
    assert liquidation_price(account, 0) == (D(10000) - 900) / D("0.995")
    with pytest.raises(EngineError, match="isolated margin must be greater than zero"):
        Position("BTCUSDT", "long", 1, 10000, 10, margin=D(0))


# --------------------------------------------------------------------------- fees and funding


def lesson_cross_and_isolated() -> Account:
    return Account(
        D(5000),
        [
            Position.from_notional("BTCUSDT", "long", 10000, 60000, 10, mode=Mode.CROSS),
            Position.from_notional("ETHUSDT", "long", 2500, 3000, 5),
        ],
    )


def test_with_fees_pays_from_the_wallet_not_the_isolated_margins():
    account = lesson_cross_and_isolated()
    paid = with_fees(account)  # Binance's taker rate, 0.05%
    assert paid.balance == 5000 - D("12500") * D("0.0005")
    assert paid.positions[1].isolated_margin == 500
    assert paid.cross_wallet == account.cross_wallet - D("6.25")
    before, after = liquidation_prices(account), liquidation_prices(paid)
    assert after[1] == before[1]  # isolated: unchanged
    assert after[0] > before[0]  # cross long: towards the mark
    assert with_fees(account, rate=D("0.0002")).balance == 5000 - D("2.5")
    broke = Account(D(1000), [Position("BTCUSDT", "long", 1, 10000, 10)])
    with pytest.raises(EngineError, match="more than the 0 left in the wallet"):
        with_fees(broke)


def test_funding_payment_sign():
    long = Position("BTCUSDT", "long", 2, 50000, 10)
    short = Position("BTCUSDT", "short", 2, 50000, 10)
    assert funding_payment(long, rate=D("0.0001"), price=D(50000)) == 10  # longs pay
    assert funding_payment(short, rate=D("0.0001"), price=D(50000)) == -10  # shorts receive
    assert funding_payment(long, rate=D("-0.0001"), price=D(50000)) == -10


def test_with_funding_takes_isolated_margin_and_cross_wallet():
    account = lesson_cross_and_isolated()
    marks = {"BTCUSDT": D(60000), "ETHUSDT": D(3000)}
    funded = with_funding(
        account, rates={"BTCUSDT": D("0.0001"), "ETHUSDT": D("0.0002")}, intervals=9, marks=marks
    )
    btc_paid = D(10000) * D("0.0001") * 9
    eth_paid = D(2500) * D("0.0002") * 9
    assert close(funded.cross_wallet, account.cross_wallet - btc_paid)
    assert close(funded.positions[1].isolated_margin, 500 - eth_paid)
    assert close(funded.balance, 5000 - btc_paid - eth_paid)
    assert funded.venue == account.venue
    before, after = liquidation_prices(account, marks), liquidation_prices(funded, marks)
    assert after[0] > before[0] and after[1] > before[1]  # both pay: towards the mark
    received = with_funding(account, rates={"ETHUSDT": D("-0.0002")}, intervals=9, marks=marks)
    assert liquidation_prices(received, marks)[1] < before[1]
    assert with_funding(account, rates={}, intervals=3) == account


def test_with_funding_refuses_to_use_up_a_margin():
    account = Account(D(200), [Position("BTCUSDT", "long", 1, 20000, 100)])
    with pytest.raises(EngineError, match="would have been liquidated before paying it all"):
        with_funding(account, rates={"BTCUSDT": D("0.01")}, intervals=1)
    cross = Account(D(100), [Position("BTCUSDT", "long", 1, 20000, 100, mode=Mode.CROSS)])
    with pytest.raises(EngineError, match="more than the cross wallet"):
        with_funding(cross, rates={"BTCUSDT": D("0.01")}, intervals=1)
    with pytest.raises(EngineError, match="no position on ETHUSDT"):
        with_funding(account, rates={"ETHUSDT": D("0.01")}, intervals=1)
    with pytest.raises(EngineError, match="whole number"):
        with_funding(account, rates={"BTCUSDT": D("0.0001")}, intervals=D("1.5"))
    with pytest.raises(EngineError, match="No mark price was given for BTCUSDT"):
        with_funding(account, rates={"BTCUSDT": D("0.0001")}, intervals=1, marks={})


def test_venue_and_fee_survive_mode_changes():
    account = Account(
        D(5000), [Position("BTC", "long", 1, 40000, 50)], venue="okx", taker_fee=D("0.0007")
    )
    cross = with_mode(account, Mode.CROSS)
    assert (cross.venue, cross.taker_fee) == ("okx", D("0.0007"))
    assert with_mode(cross, Mode.ISOLATED) == account


# --------------------------------------------------------------------------- the breakdown


def test_breakdown_of_the_bybit_example():
    account = bybit_account()
    explanation = explain_liquidation_price(
        account, 0, funding_rate=D("0.0001"), funding_intervals=9, last_price=D(40100)
    )
    assert isinstance(explanation, Explanation)
    assert all(isinstance(step, Step) for step in explanation.steps)
    labels = [step.label for step in explanation.steps]
    assert labels == [
        "Margin held",
        "Maintenance tiers",
        "Fees in the liquidation rule",
        "Funding",
        "Other positions",
        "Other Bybit rule",
        "Mark price versus last price",
    ]
    # Textbook: lesson 3's formula with the initial margin and 0.5%.
    assert explanation.textbook == (D(40000) - 800) / D("0.995")
    funded = with_funding(account, rates={"BTCUSDT": D("0.0001")}, intervals=9)
    assert explanation.price == liquidation_price(funded, 0)
    assert exactly(explanation.textbook, explanation.total_change) == explanation.price
    _, tiers, fees, funding, others, classic, last = explanation.steps
    assert cents(fees.price) == D("36380.25")  # the published figure, before funding
    assert fees.change < 0 and "3,000.00 / (1 - 0.055%)" in fees.detail
    assert tiers.change == 0 and "tier 1" in tiers.detail
    assert funding.change > 0 and "pays 36.00" in funding.detail
    assert others.change == 0 and last.change == 0
    assert "100.00 above" in last.detail
    # The classic account's rule, for comparison: maintenance fixed at the entry value
    # (200), added margin at face value, after the 36 of funding: 40,000 - (3,764 - 200).
    assert classic.change == 0 and classic.price == explanation.price
    assert "would be liquidated at 36,436.00" in classic.detail
    assert "Standard (classic) account" in classic.detail
    previous = explanation.textbook
    for step in explanation.steps:
        assert exactly(previous, step.change) == step.price
        previous = step.price


def test_breakdown_says_why_a_rule_changes_nothing():
    account = Account(D(1000), [Position.from_notional("BTCUSDT", "long", 10000, 60000, 10)])
    explanation = explain_liquidation_price(account, 0)
    assert explanation.price == explanation.textbook  # Binance with the lessons' table
    assert all(step.change == 0 for step in explanation.steps)
    assert "Binance USDS-M does not count the fee to close" in explanation.steps[2].detail
    assert "No funding" in explanation.steps[3].detail
    assert len(explanation.steps) == 5  # no last price, no last step


def test_breakdown_of_a_cross_position_on_okx():
    venue = get_venue("okx")
    account = Account(
        D(20000),
        [
            Position("ETH", "long", 10, 3000, 10, mode=Mode.CROSS),
            Position("BTC", "short", D("0.2"), 60000, 10, mode=Mode.CROSS),
            Position("BTC", "long", D("0.05"), 61000, 20),
        ],
        {"ETH": venue.brackets("ETH"), "BTC": venue.brackets("BTC")},
        venue="okx",
    )
    marks = {"ETH": D(2900), "BTC": D(62000)}
    explanation = explain_liquidation_price(
        account, 0, marks, funding_rate=D("0.0003"), funding_intervals=6
    )
    cross_wallet, tiers, fees, funding, others = explanation.steps
    assert cross_wallet.label == "Cross wallet" and "19,847.50" in cross_wallet.detail
    assert "whole position" in tiers.detail and "OKX USDT-margined swap's tiers" in tiers.detail
    assert "0.05%" in fees.detail and fees.change > 0
    assert funding.change > 0 and "from the cross wallet" in funding.detail
    assert "1 other symbol" in others.detail
    funded = with_funding(account, rates={"ETH": D("0.0003")}, intervals=6, marks=marks)
    assert explanation.price == liquidation_price(funded, 0, marks)
    assert exactly(explanation.textbook, explanation.total_change) == explanation.price


def test_breakdown_without_a_textbook_price():
    # A 1x long has no textbook liquidation price (its margin covers its value); funding
    # taken from its margin gives it one. Changes next to a missing price are 0.
    account = Account(D(60000), [Position("BTCUSDT", "long", 1, 60000, 1)], venue="dydx")
    explanation = explain_liquidation_price(
        account, 0, funding_rate=D("0.001"), funding_intervals=24
    )
    assert explanation.textbook is None
    assert explanation.price is not None
    assert explanation.steps[3].change == 0  # funding: from no price to a price


def test_breakdown_refuses_nonsense():
    account = bybit_account()
    with pytest.raises(EngineError, match="whole number"):
        explain_liquidation_price(account, 0, funding_intervals=D("2.5"))
    with pytest.raises(EngineError, match="between -100% and 100%"):
        explain_liquidation_price(account, 0, funding_rate=D(2), funding_intervals=1)
    with pytest.raises(EngineError, match="would have been liquidated"):
        explain_liquidation_price(account, 0, funding_rate=D("0.01"), funding_intervals=10)


# --------------------------------------------------------------------------- properties


def decimals(low: str, high: str, places: int) -> st.SearchStrategy[Decimal]:
    scale = 10**places
    return st.integers(int(D(low) * scale), int(D(high) * scale)).map(
        lambda i: D(i).scaleb(-places)
    )


venues = st.sampled_from([*VENUES, "bybit-classic"])  # and Bybit's retired rule
sides = st.sampled_from(list(Side))
entries = decimals("1", "100000", 2)
sizes = decimals("0.001", "3000", 3)
leverages = st.sampled_from([D(n) for n in (1, 2, 3, 5, 10, 20, 50, 100)])
margin_factors = decimals("0.2", "3", 2)  # the margin held / the initial margin
taker_fees = st.one_of(st.none(), decimals("0", "0.002", 5))


@st.composite
def single_rate_cases(draw):
    """An isolated position on a single-bracket table, with the venue and fee."""
    venue = draw(venues)
    side = draw(sides)
    size, entry, leverage = draw(sizes), draw(entries), draw(leverages)
    initial = size * entry / leverage
    margin = initial * draw(margin_factors)
    rate = draw(decimals("0", "0.1", 4))
    taker = draw(taker_fees)
    position = Position("BTC", side, size, entry, leverage, margin=margin)
    account = Account(
        margin, [position], {"BTC": [Bracket(D(0), rate)]}, venue=venue, taker_fee=taker
    )
    return account, rate


@given(single_rate_cases())
def test_each_venue_reduces_to_its_documented_formula(case):
    account, rate = case
    position = account.positions[0]
    q, e, s, m = position.quantity, position.entry_price, position.sign, position.isolated_margin
    f = account.effective_taker_fee
    venue = account.venue
    if venue == "okx":  # (E - s m/Q) / (1 - s (MMR + fee))
        expected = (e - s * m / q) / (1 - s * (rate + f))
    elif venue == "bybit-classic":  # E - s (m - MM at entry) / Q
        expected = e - s * (m - q * e * rate) / q
    elif venue == "bybit":  # [(E Q) - s (E Q / L) - s extra / (1 - s fee) - s ded] / (Q - s Q MMR)
        initial = position.initial_margin
        extra = m - initial
        expected = (e * q - s * initial - s * extra / (1 - s * f)) / (q - s * q * rate)
        # The engine's guard: never beyond the bankruptcy price, entry - s x margin / size
        # (only reached with added margin worth several times the maintenance margin).
        bankrupt = e - s * m / q
        expected = max(expected, bankrupt) if s > 0 else min(expected, bankrupt)
    else:  # Binance's formula; dYdX's p' = (e - s p) / (|s| MMF - s); Hyperliquid's
        expected = (m - s * q * e) / (q * rate - s * q)
    lp = liquidation_price(account, 0)
    if expected <= 0:
        assert lp is None
    else:
        assert lp is not None and close(lp, expected, 15)


@st.composite
def venue_accounts(draw, unique: bool = True):
    """Positions on distinct symbols, each side, some isolated, on a venue with its tables."""
    venue = get_venue(draw(venues), retired=True)
    count = draw(st.integers(1, 4))
    positions = []
    for n in range(count):
        asset = draw(st.sampled_from(["BTC", "ETH", "SOL"]))
        symbol = f"{asset}{n}" if unique else asset
        size, entry, leverage = draw(sizes), draw(entries), draw(leverages)
        margin = size * entry / leverage * draw(margin_factors)
        mode = draw(st.sampled_from(list(Mode)))
        positions.append(Position(symbol, draw(sides), size, entry, leverage, mode, margin))
    isolated = sum((p.isolated_margin for p in positions if p.mode is Mode.ISOLATED), start=D(0))
    brackets = {}
    for p in positions:
        if draw(st.booleans()):
            brackets[p.symbol] = venue.brackets(p.symbol[:3])
    balance = isolated + draw(decimals("0", "500000", 2))
    account = Account(balance, positions, brackets, venue=venue.key, taker_fee=draw(taker_fees))
    marks = {p.symbol: p.entry_price * draw(decimals("0.5", "1.5", 3)) for p in positions}
    return account, marks


def sunk(account: Account, marks: dict[str, Decimal], index: int) -> bool:
    """No liquidation price because the position is liquidated at every price."""
    return evaluate(account, marks).positions[index].liquidated


def toward_mark(
    side: Side, before: Decimal | None, after: Decimal | None, sunk_before=False, sunk_after=False
) -> bool:
    """Whether `after` is no further from the mark than `before`.

    A price of None means "never" (a long whose margin covers its value) unless the
    position is liquidated at every price (`sunk`: a cross pot sunk by other symbols).
    """
    if sunk_after:
        return True
    if sunk_before:
        return False
    if side is Side.LONG:
        return (after or D(0)) >= (before or D(0))
    assert before is not None and after is not None  # a short always has a price
    return after <= before


def assert_moved_toward_the_mark(before_account, after_account, marks):
    before = liquidation_prices(before_account, marks)
    after = liquidation_prices(after_account, marks)
    for i, position in enumerate(before_account.positions):
        b, a = before[i], after[i]
        sunk_before = b is None and sunk(before_account, marks, i)
        sunk_after = a is None and sunk(after_account, marks, i)
        assert toward_mark(position.side, b, a, sunk_before, sunk_after)
    return before, after


@given(venue_accounts(), st.data())
def test_fees_and_funding_paid_only_move_the_price_toward_the_mark(case, data):
    account, marks = case
    try:
        paid = with_fees(account)
    except EngineError:
        paid = None
    if paid is not None:
        before, after = assert_moved_toward_the_mark(account, paid, marks)
        for position, b, a in zip(account.positions, before, after, strict=True):
            if position.mode is Mode.ISOLATED:
                assert a == b  # fees come from the wallet, not the isolated margins
    # Funding in which every position pays: positive rates for longs, negative for shorts.
    size = data.draw(decimals("0", "0.003", 5))
    rates = {p.symbol: p.sign * size for p in account.positions}
    intervals = data.draw(st.integers(0, 40))
    try:
        funded = with_funding(account, rates=rates, intervals=intervals, marks=marks)
    except EngineError:
        assume(False)
    assert_moved_toward_the_mark(account, funded, marks)


@given(single_rate_cases(), decimals("0", "100000", 2))
def test_a_larger_isolated_margin_never_moves_the_price_toward_the_mark(case, more):
    account, _ = case
    position = account.positions[0]
    bigger = Position(
        position.symbol,
        position.side,
        position.quantity,
        position.entry_price,
        position.leverage,
        margin=position.isolated_margin + more,
    )
    richer = Account(
        bigger.isolated_margin,
        [bigger],
        account.brackets,
        venue=account.venue,
        taker_fee=account.taker_fee,
    )
    assert toward_mark(position.side, liquidation_price(richer, 0), liquidation_price(account, 0))


@given(venue_accounts())
def test_at_the_liquidation_price_the_venues_margin_ratio_is_100_percent(case):
    account, marks = case
    lps = liquidation_prices(account, marks)
    for i, (position, lp) in enumerate(zip(account.positions, lps, strict=True)):
        if lp is None:
            continue
        result = evaluate(account, {**marks, position.symbol: lp})
        scale = account.balance + position.quantity * lp + position.isolated_margin
        if position.mode is Mode.ISOLATED:
            state = result.positions[i]
            balance, maintenance = state.margin_balance, state.maintenance_margin
            used_up = position.isolated_margin + state.unrealized_pnl
            if account.venue == "bybit" and abs(used_up) <= D("1e-15") * scale:
                # Bybit's formula would go beyond the bankruptcy price: the engine stops
                # there, where the margin is used up.
                balance, maintenance = used_up, D(0)
        else:
            balance, maintenance = result.cross_equity, result.cross_maintenance_margin
        assert abs(balance - maintenance) <= D("1e-15") * scale


@given(venue_accounts(unique=False), st.data())
def test_the_breakdown_adds_up(case, data):
    account, marks = case
    index = data.draw(st.integers(0, len(account.positions) - 1))
    rate = data.draw(decimals("-0.002", "0.002", 5))
    intervals = data.draw(st.integers(0, 30))
    last = data.draw(st.one_of(st.none(), entries))
    try:
        explanation = explain_liquidation_price(
            account, index, marks, funding_rate=rate, funding_intervals=intervals, last_price=last
        )
    except EngineError:
        assume(False)
    funded = account
    if rate and intervals:
        symbol = account.positions[index].symbol
        funded = with_funding(account, rates={symbol: rate}, intervals=intervals, marks=marks)
    assert explanation.price == liquidation_price(funded, index, marks)
    prices = [step.price for step in explanation.steps]
    if explanation.textbook is not None and None not in prices:
        assert exactly(explanation.textbook, explanation.total_change) == explanation.price
    other_rule = 1 if account.venue.startswith("bybit") else 0  # the other Bybit rule
    assert len(explanation.steps) == (6 if last is not None else 5) + other_rule


@st.composite
def okx_notional_tiers(draw):
    """OKX's whole-position rule on notional brackets: the maintenance margin jumps."""
    floors = sorted(set(draw(st.lists(decimals("100", "500000", 0), min_size=1, max_size=4))))
    rates = sorted(
        draw(st.lists(decimals("0", "0.2", 3), min_size=len(floors) + 1, max_size=len(floors) + 1))
    )
    brackets = [Bracket(D(0), rates[0])] + [
        Bracket(f, r) for f, r in zip(floors, rates[1:], strict=True)
    ]
    side, size, entry, leverage = draw(sides), draw(sizes), draw(entries), draw(leverages)
    margin = size * entry / leverage * draw(margin_factors)
    position = Position("BTC", side, size, entry, leverage, margin=margin)
    account = Account(
        margin, [position], {"BTC": brackets}, venue="okx", taker_fee=draw(taker_fees)
    )
    return account, draw(decimals("0.01", "200000", 2)), draw(decimals("0.01", "200000", 2))


@given(okx_notional_tiers())
def test_whole_position_jumps_are_handled_exactly(case):
    account, a, b = case
    assume(a != b)
    low, high = min(a, b), max(a, b)
    curve = equity_curve(account, "BTC", low, high)
    for segment in curve.segments:
        middle = (segment.start + segment.end) / 2
        assert segment.liquidated == evaluate(account, {"BTC": middle}).liquidated
    lp = liquidation_price(account, 0)
    if lp is not None:  # the region is closed: at the price itself, liquidated (or a hair off)
        state = evaluate(account, {"BTC": lp}).positions[0]
        scale = account.balance + account.positions[0].quantity * lp
        assert state.liquidated or state.margin_balance - state.maintenance_margin <= D(
            "1e-15"
        ) * max(D(1), scale)
