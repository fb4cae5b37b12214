"""Exchanges' own published worked examples, checked against the engine to the cent.

Every test names its source (title and URL) and quotes the published inputs and
outputs. Where an exchange's convention differs from the engine's (Binance's) rule, the
test either expresses that convention through the engine's inputs and says exactly how,
or computes the exchange's formula from its published inputs and checks that the
engine differs from it by exactly the documented convention. docs/engine.md lists the
sources and the differences. Quotes write the multiplication sign as x.

Pure Python: no Django, no database.
"""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.engine import (
    Account,
    Bracket,
    Mode,
    Position,
    Side,
    bracket_for,
    evaluate,
    explain_liquidation_price,
    get_venue,
    liquidation_price,
    maintenance_amounts,
    with_funding,
)
from simulator.engine.venues import hyperliquid_rate

D = Decimal
CENT = D("0.01")
NO_MAINTENANCE = (Bracket(D(0), D(0)),)


def cents(value: Decimal | None) -> Decimal:
    assert value is not None
    return value.quantize(CENT)


def close(a: Decimal, b: Decimal, places: int = 18) -> bool:
    return abs(a - b) <= Decimal(10) ** -places * max(1, abs(a), abs(b))


def maintenance_frozen_at_entry(
    position: Position, margin: Decimal, maintenance: Decimal
) -> Account:
    """The position under a maintenance margin fixed at its entry value (Bybit, MEXC).

    Those exchanges liquidate when margin + PnL <= MM_entry, a fixed amount; that is
    (margin - MM_entry) + PnL <= 0. Under the engine's rules this is a lone cross
    position whose cross wallet is margin - MM_entry, with a 0% bracket. (An isolated
    position with margin - MM_entry and a 0% bracket would do as well now that an
    isolated margin may sit below the initial margin; the cross form is kept.)
    """
    cross = Position(
        position.symbol,
        position.side,
        position.quantity,
        position.entry_price,
        position.leverage,
        mode=Mode.CROSS,
    )
    return Account(margin - maintenance, [cross], {position.symbol: NO_MAINTENANCE})


# --------------------------------------------------------------------------- Binance

# Binance's BTCUSDT brackets as test_engine.py has them (0.4% from 0, 0.5% from 50,000,
# 1% from 250,000), from "How to Calculate Liquidation Price of USDS-M Futures Contracts".
BINANCE_BTCUSDT = (
    Bracket(D(0), D("0.004")),
    Bracket(D(50000), D("0.005")),
    Bracket(D(250000), D("0.01")),
)

# Binance Support FAQ on avoiding liquidation in futures (the stored copy carries no title):
# https://www.binance.com/en/support/faq/25edcd7fe0e544839d0847b8cbb2e400
# "Assume you have a wallet balance of 500 USDT. You entered a long BTCUSDT position
# worth 1,000 USDT with 20x leverage at $50,000. In this example, your liquidation price
# will be $25,100.40." The example is about the wallet balance, i.e. cross margin.


def binance_faq_position(notional: int, entry: int) -> Position:
    return Position.from_notional("BTCUSDT", Side.LONG, notional, entry, 20, mode=Mode.CROSS)


def test_binance_faq_cross_long_liquidation_price():
    account = Account(D(500), [binance_faq_position(1000, 50000)], {"BTCUSDT": BINANCE_BTCUSDT})
    position = account.positions[0]
    assert position.quantity == D("0.02")
    assert position.initial_margin == 50
    lp = liquidation_price(account, 0)
    assert cents(lp) == D("25100.40")
    # Binance's formula with WB = 500, TMM1 = UPNL1 = 0, the 0.4% bracket (notional at
    # the LP is about 502, in Level 1) and maintenance amount 0.
    assert lp == (D(500) + 0 - D("0.02") * 50000) / (D("0.02") * D("0.004") - D("0.02"))
    assert evaluate(account, {"BTCUSDT": cents(lp) - CENT}).cross_liquidated
    assert not evaluate(account, {"BTCUSDT": cents(lp) + CENT}).cross_liquidated


def test_binance_faq_adding_to_a_losing_long_raises_the_liquidation_price():
    """Same FAQ: "entered another long BTCUSDT position worth 1000 USDT with 20x leverage
    at $45,000. Adjusting to your newest position, the liquidation price is now
    $35,857.67. [...] adding more contracts to a losing position will increase your
    liquidation price of the entire position."

    Only the claim is tested. The figure 35,857.67 is not reproduced: with quantities
    0.02 + 1000/45000 BTC the engine (and Binance's own formula) gives 35,668.99, and the
    FAQ states nothing (fees, rounded quantities, another bracket) that would explain
    the gap.
    """
    first = Account(D(500), [binance_faq_position(1000, 50000)], {"BTCUSDT": BINANCE_BTCUSDT})
    both = Account(
        D(500),
        [binance_faq_position(1000, 50000), binance_faq_position(1000, 45000)],
        {"BTCUSDT": BINANCE_BTCUSDT},
    )
    before = liquidation_price(first, 0)
    after = liquidation_price(both, 1, {"BTCUSDT": D(45000)})
    assert after is not None and before is not None
    assert before < after < 45000
    assert cents(after) == D("35668.99")  # the engine's figure, not the FAQ's 35,857.67
    assert liquidation_price(both, 0, {"BTCUSDT": D(45000)}) == after  # one LP per symbol


# --------------------------------------------------------------------------- Bybit

# Bybit, "Liquidation Price (USDT Contract)", isolated margin mode
# https://testnet.bybit.com/en-US/help-center/s/article/Liquidation-Price-USDT-Contract
# LP (Short) = Entry Price + [(Initial Margin - Maintenance Margin) / Position Size]
#              + (Extra Margin Added / Position Size), MM = Position Value x MMR - deduction.
# The stored copy of that page stops at the first words of Example 2 ("Trader B initially
# placed a short en..."); Examples 2 and 3 are quoted from a public repository's verbatim
# copy of the page, whose Example 1 matches Bybit's word for word.


def test_bybit_example_2_short_with_added_margin():
    """Example 2 (Short): "Trader B initially placed a short entry of 1 BTC at 20,000 USDT
    with 50x leverage. Subsequently, he manually added 3,000 USDT more to his position
    margin." Initial Margin = 400 USDT, MMR = 0.5%, Maintenance Margin = 100 USDT,
    LP = [20,000 + (400 - 100)] + (3,000 / 1) = 23,300 USDT.

    (a) Bybit's classic account fixes the maintenance margin at the entry value (100
    USDT): the engine's `bybit-classic` rule (`Venue.maintenance_at_entry`) gives 23,300.
    (b) The mark-based rule (Binance's, Bybit's UTA) recomputes it at the mark, which for a
    short above entry is more than 100, so it liquidates lower, at 23,283.58; the gap is
    exactly the extra maintenance margin at that price per BTC.
    """
    position = Position("BTCUSDT", Side.SHORT, 1, 20000, 50, margin=D(400 + 3000))
    ours = Account(D(3400), [position])  # default bracket: 0.5% from 0
    assert position.initial_margin == 400
    maintenance_at_entry = ours.maintenance_margin(0, D(20000))
    assert maintenance_at_entry == 100

    size, extra = position.quantity, D(3000)
    bybit = position.entry_price + (position.initial_margin - maintenance_at_entry) / size
    bybit += extra / size
    assert bybit == 23300

    # (a) The published figure, exactly, by the classic account's rule.
    classic = Account(D(3400), [position], venue="bybit-classic")
    assert classic.maintenance_margin(0, D(23300)) == 100  # fixed, whatever the mark
    assert liquidation_price(classic, 0) == D(23300)

    # (b) The engine's rule and the documented difference.
    lp = liquidation_price(ours, 0)
    assert cents(lp) == D("23283.58")
    assert close(bybit - lp, (ours.maintenance_margin(0, lp) - maintenance_at_entry) / size)


def test_bybit_example_3_funding_fee_taken_from_the_margin():
    """Example 3 (Long): 1 BTC long at 20,000 USDT, 50x, initial LP 19,700 (Example 1);
    "the trader has incurred 200 USDT in funding fees and he has insufficient available
    balance", so they come out of the position margin: Initial Margin = 400, MMR = 0.5%,
    Maintenance Margin = 100, LP = [20,000 - (400 - 100)] - (-200 / 1) = 19,900 USDT.

    `with_funding` takes the 200 USDT from the isolated margin (1 BTC x 20,000 x 1% in
    one interval), leaving 200, below the initial margin; by the classic account's rule
    (maintenance fixed at 100) that gives 19,900. The mark-based rule moves the price
    towards the mark by the same 200 per BTC, less a little.
    """
    position = Position("BTCUSDT", Side.LONG, 1, 20000, 50)
    classic = Account(D(400), [position], venue="bybit-classic")
    assert liquidation_price(classic, 0) == D(19700)  # Example 1
    classic_funded = with_funding(classic, rates={"BTCUSDT": D("0.01")}, intervals=1)
    assert classic_funded.positions[0].isolated_margin == 200
    assert liquidation_price(classic_funded, 0) == D(19900)
    account = Account(D(400), [position])
    funded = with_funding(account, rates={"BTCUSDT": D("0.01")}, intervals=1)
    margin = funded.positions[0].isolated_margin
    assert margin == 200 and funded.balance == 200
    before, after = liquidation_price(account, 0), liquidation_price(funded, 0)
    assert after > before  # towards the mark
    assert close(after - before, D(200) / D("0.995"))


# Bybit's classic examples with Bybit's own BTCUSDT tiers (venues.py: 0.5% up to 2,000,000
# USDT, deduction 0), through the `bybit-classic` rule; the same figures.
@pytest.mark.parametrize(
    ("side", "margin", "published"),
    [(Side.LONG, D(400), D(19700)), (Side.SHORT, D(3400), D(23300))],
)
def test_bybit_classic_examples_with_bybits_tiers(side, margin, published):
    """Bybit, "Liquidation Price (USDT Contract)", Examples 1 and 2:
    https://testnet.bybit.com/en-US/help-center/s/article/Liquidation-Price-USDT-Contract
    "a long entry of 1 BTC at 20,000 USDT with 50x leverage ... LP = 20,000 USDT -
    (400 - 100) = 19,700 USDT"; the short with 3,000 USDT added: "23,300 USDT"."""
    classic = get_venue("bybit-classic", retired=True)
    position = Position("BTCUSDT", side, 1, 20000, 50, margin=margin)
    account = Account(margin, [position], {"BTCUSDT": classic.brackets("BTC")}, venue=classic)
    assert liquidation_price(account, 0) == published
    state = evaluate(account, {"BTCUSDT": published}).positions[0]
    assert state.maintenance_margin == 100 and state.margin_balance == 100  # 100 = 100
    assert state.liquidated


# Bybit Help Center, older "Liquidation Price (USDT Contract)" (same classic rule, written
# Entry Price x (1 -/+ Initial Margin Rate +/- Maintenance Margin Rate)):
# https://help.bybit.com/hc/en-us/articles/900000181046-Liquidation-Price-USDT-Contract-
@pytest.mark.parametrize(
    ("side", "entry", "leverage", "published"),
    [(Side.LONG, 10000, 50, D(9850)), (Side.SHORT, 8000, 40, D(8160))],
)
def test_bybit_older_classic_examples(side, entry, leverage, published):
    """ "Trader place a long entry of 1 BTC at 10,000 USDT with 50x leverage. Assuming no
    extra margin added. Liquidation Price = 10,000 USDT * (1 - 2% + 0.5%) = 9,850 USDT";
    "a short entry of 1 BTC at 8,000USDT with 40x leverage ... = 8,000 USDT * (1 + 2.5% -
    0.5%) = 8160 USDT"."""
    position = Position("BTCUSDT", side, 1, entry, leverage)
    account = Account(position.initial_margin, [position], venue="bybit-classic")
    assert liquidation_price(account, 0) == published


def test_bybit_classic_cross_example():
    """Same older page, "Liquidation Price (Margin type: Cross Margin)", Example 1: "trader
    A holding a 2BTC Long position at 10,000 USDT. The current available balance is 2,000
    USDT, current mark price = 10,500USDT, unrealized profit(Mark Price) is 1,000 USDT.
    Initial Margin = 2*10,000*1% = 200USDT; Maintenance Margin = 2 *10,000*0.5% = 100USDT
    ... Total Sustainable Loss = Available Balance + Initial Margin - Maintenance Margin =
    2,000 + 200 -100 USDT = 2,100 USDT". The stored copy stops at "With 2,100USDT, the
    position can sust...": its liquidation price is not in our sources, so only the
    published figures are checked, and the price the classic rule gives is the one that
    loses exactly 2,100 (8,950, not a published figure).

    The available balance leaves out the unrealised profit, so the wallet is 2,000 + 200.
    """
    position = Position("BTCUSDT", Side.LONG, 2, 10000, 100, mode=Mode.CROSS)
    account = Account(D(2200), [position], venue="bybit-classic")
    assert position.initial_margin == 200
    at_mark = evaluate(account, {"BTCUSDT": D(10500)})
    assert at_mark.cross_maintenance_margin == 100  # the entry value's, at any mark
    assert at_mark.positions[0].unrealized_pnl == 1000
    at_entry = evaluate(account, {"BTCUSDT": D(10000)})
    assert at_entry.cross_equity - at_entry.cross_maintenance_margin == 2100
    lp = liquidation_price(account, 0, {"BTCUSDT": D(10500)})
    assert position.unrealized_pnl(lp) == -2100


def test_bybit_uta_example_needs_the_maintenance_margin_at_the_mark():
    """Bybit, "Liquidation Price Calculation under Isolated Mode (Unified Trading
    Account)", USDT Perpetual and Expiry Contracts (stored copy last updated 2026-05-27,
    https://www.kbybit.com/en/help-center/article/Liquidation-Price-Calculation-under-Isolated-Mode-Unified-Trading-Account;
    the USDT section as a public repository quotes it): 1 BTC long at 40,000 USDT, 50x,
    3,000 USDT extra margin, MMR 0.5%, taker fee 0.055%, MM deduction 0: "Maintenance
    Margin = (40,000 x 0.5%) - 0 + 21.56 = 221.56 USDT" and a liquidation price of
    36,380.25 USDT, whose formula divides by "[Position Size - (Position Size x MM
    Rate)]": the maintenance margin at the liquidation price, not at entry.

    The classic account's rule (maintenance fixed at entry, 200) would give 36,400.00,
    as the breakdown says; the published 36,380.25 is the mark-based rule's.
    """
    bybit = get_venue("bybit")
    position = Position("BTCUSDT", Side.LONG, 1, 40000, 50, margin=D(3800))
    tiers = {"BTCUSDT": bybit.brackets("BTC")}
    account = Account(D(3800), [position], tiers, venue="bybit")
    # 21.56: the taker fee on the value at the bankruptcy price, 40,000 x (1 - 1/50).
    fee_to_close = (D(40000) * (1 - D(1) / 50) * bybit.taker_fee).quantize(CENT)
    assert account.maintenance_margin(0, D(40000)) + fee_to_close == D("221.56")
    assert cents(liquidation_price(account, 0)) == D("36380.25")
    classic = Account(D(3800), [position], tiers, venue="bybit-classic")
    assert liquidation_price(classic, 0) == D(36400)
    step = explain_liquidation_price(account, 0).steps[-1]
    assert step.label == "Other Bybit rule" and step.change == 0
    assert "would be liquidated at 36,400.00" in step.detail


def test_bybit_breakdown_shows_the_classic_figure_of_example_2():
    """Example 2 of "Liquidation Price (USDT Contract)" (23,300 USDT) on the `bybit`
    venue: the engine follows the UTA, and the breakdown gives the classic figure."""
    position = Position("BTCUSDT", Side.SHORT, 1, 20000, 50, margin=D(3400))
    account = Account(D(3400), [position], venue="bybit")
    explanation = explain_liquidation_price(account, 0)
    uta = (D(20000) + 400 + D(3000) / (1 + D("0.00055"))) / (1 + D("0.005"))
    assert close(explanation.price, uta)
    step = explanation.steps[-1]
    assert "would be liquidated at 23,300.00" in step.detail
    assert "further from its entry price" in step.detail  # 23,300 > the UTA price


def decimals(low: str, high: str, places: int) -> st.SearchStrategy[Decimal]:
    scale = 10**places
    return st.integers(int(D(low) * scale), int(D(high) * scale)).map(
        lambda i: D(i).scaleb(-places)
    )


@given(
    st.sampled_from(list(Side)),
    decimals("0.001", "3000", 3),
    decimals("1", "100000", 2),
    st.sampled_from([D(n) for n in (1, 2, 5, 10, 25, 50, 100)]),
    decimals("0.2", "3", 2),
)
def test_bybit_classic_rule_is_its_closed_form(side, size, entry, leverage, factor):
    """The classic article's formula, LP = entry -/+ (margin - MM) / size with MM = entry
    value x MMR - deduction of the entry value's tier (Bybit's BTC tiers), for a single
    isolated position holding any margin."""
    classic = get_venue("bybit-classic", retired=True)
    margin = size * entry / leverage * factor
    position = Position("BTCUSDT", side, size, entry, leverage, margin=margin)
    brackets = classic.brackets("BTC")
    account = Account(margin, [position], {"BTCUSDT": brackets}, venue=classic)
    tier, deduction = bracket_for(brackets, size * entry)
    maintenance = size * entry * tier.rate - deduction
    expected = entry - side.sign * (margin - maintenance) / size
    lp = liquidation_price(account, 0)
    if expected <= 0:
        assert lp is None
    else:
        assert lp is not None and close(lp, expected, 20)


# --------------------------------------------------------------------------- Hyperliquid


@pytest.mark.parametrize(
    ("max_leverage", "published", "places"),
    [(20, D("0.025"), D("0.001")), (50, D("0.01"), D("0.01")), (3, D("0.167"), D("0.001"))],
)
def test_hyperliquid_published_maintenance_rates(max_leverage, published, places):
    """Hyperliquid Docs, Margin tiers: "maintenance_margin_rate(tier = n) = (Initial
    Margin Rate at Maximum leverage at tier n) / 2. For example, at 20x max leverage,
    maintenance_margin_rate = 2.5%"
    (https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margin-tiers); Liquidations:
    "the maintenance margin is between 1% (for 50x max leverage assets) and 16.7% (for
    3x max leverage assets)"
    (https://hyperliquid.gitbook.io/hyperliquid-docs/trading/liquidations)."""
    assert hyperliquid_rate(max_leverage).quantize(places) == published


# --------------------------------------------------------------------------- MEXC


def test_mexc_long_maintenance_margin_on_entry_value():
    """MEXC blog, "Liquidation in Futures": https://blog.mexc.fm/liquidation-in-futures-2

    "Suppose you buy a 0.1 BTC position of BTCUSDT futures at 50,000 USDT, the initial
    leverage is 25x. Maintenance Margin = 50000*0.1x0.4% = 20USDT; Position Margin =
    50000*0.1/25 = 200USDT; Liquidation Price for the Long position = (20-200+50000x0.01)
    / 0.1 = 48,200 USDT" (commission excluded). The page prints 0.01 for the position
    size inside the bracket; 48,200 is what the stated size, 0.1, gives, and what its
    formula (MM - Position Margin + opening price x size) / size gives.

    Like Bybit, MEXC fixes the maintenance margin at the entry value: (a) expressed
    through the engine's inputs it gives 48,200; (b) the engine's rule (maintenance at
    the mark, smaller below entry) liquidates lower, at 48,192.77, by exactly the
    maintenance margin saved at that price per BTC.
    """
    position = Position("BTCUSDT", Side.LONG, D("0.1"), 50000, 25)
    ours = Account(D(200), [position], {"BTCUSDT": [Bracket(D(0), D("0.004"))]})
    assert position.initial_margin == 200
    maintenance_at_entry = ours.maintenance_margin(0, D(50000))
    assert maintenance_at_entry == 20

    size, entry = position.quantity, position.entry_price
    mexc = (maintenance_at_entry - position.isolated_margin + entry * size) / size
    assert mexc == 48200

    frozen = maintenance_frozen_at_entry(position, position.isolated_margin, maintenance_at_entry)
    assert liquidation_price(frozen, 0) == D(48200)

    lp = liquidation_price(ours, 0)
    assert cents(lp) == D("48192.77")
    assert close(mexc - lp, (maintenance_at_entry - ours.maintenance_margin(0, lp)) / size)


# --------------------------------------------------------------------------- Phemex


def test_phemex_isolated_long_with_closing_fee():
    """Phemex Help Center, liquidation price for USDT-M contracts:
    https://phemex.com/help-center/liq-price-for-USDTM

    "Est. Liq Price for Long position: (OpenValue - assignedPosBalance - mmAmount)
    /(0.9994 - MMR)/size; assignedPosBalance = Openvalue/leverage + close fee; close fee =
    bankruptcy Value*takerfeerate". Example: "OpenValue=500x0.4x1=200;
    assignedPosBalance=200/5+ (200-200/5)x0.06%=40.096; (200-40.096-0)/(0.9994-0.01)/500
    =0.3232..." (500 contracts of size 1 at 0.4, 5x, MMR 1%, taker fee 0.06%; the
    example as stored names no symbol).

    Expressed through the engine's inputs: the isolated margin is the assigned position
    balance, initial margin plus the estimated closing fee (added margin); and
    0.9994 - MMR = 1 - (MMR + 0.06%), so the taker fee rate joins the maintenance rate
    in a single bracket of 1.06%. The engine's LP is then Phemex's formula exactly.
    """
    size, price, leverage = D(500), D("0.4"), D(5)
    mmr, taker = D("0.01"), D("0.0006")
    open_value = size * price * 1
    initial = open_value / leverage
    assigned = initial + (open_value - initial) * taker
    assert (open_value, initial, assigned) == (200, 40, D("40.096"))
    phemex = (open_value - assigned - 0) / (D("0.9994") - mmr) / size
    assert phemex.quantize(D("0.0001")) == D("0.3232")

    position = Position("XUSDT", Side.LONG, size, price, leverage, margin=assigned)
    account = Account(assigned, [position], {"XUSDT": [Bracket(D(0), mmr + taker)]})
    lp = liquidation_price(account, 0)
    assert close(lp, phemex)
    assert lp.quantize(D("0.0001")) == D("0.3232")


# --------------------------------------------------------------------------- Bitget

# Bitget, "Bitget to update maintenance margin calculation for classic account futures"
# https://www.bitget.cloud/support/articles/12560603841952
# "The current mark price of the BTCUSDT perpetual futures is 110,000 USDT. Holding 3 BTC
# means the position value is 3 x 110,000 = 330,000 USDT."
# Current method: "Maintenance margin = 330,000 x (0.50% + 0.06%) = 1848 USDT"
# ("0.06% represents the transaction fee rate").
# New tiered method (positions opened from 10 November 2025): "200,000 x (0.40% + 0.06%)
# + (330,000 - 200,000) x (0.50% + 0.06%) = 920 + 728 = 1648 USDT".
# Bitget adds the fee rate to every tier's rate, so its tiers are brackets of
# MMR + 0.06%; its "pre-calculated offset" is the engine's maintenance amount.
BITGET_FEE = D("0.0006")
BITGET_BTCUSDT = (
    Bracket(D(0), D("0.004") + BITGET_FEE),
    Bracket(D(200000), D("0.005") + BITGET_FEE),
)


def bitget_account(brackets) -> Account:
    return Account(
        D(0), [Position("BTCUSDT", Side.LONG, 3, 110000, 1, mode=Mode.CROSS)], {"BTCUSDT": brackets}
    )


def test_bitget_tiered_maintenance_margin():
    assert maintenance_amounts(BITGET_BTCUSDT) == (0, 200)  # 200,000 x (0.56% - 0.46%)
    account = bitget_account(BITGET_BTCUSDT)
    assert account.positions[0].quantity * 110000 == 330000
    assert account.maintenance_margin(0, D(110000)) == 1648
    assert D(200000) * D("0.0046") == 920
    assert D(130000) * D("0.0056") == 728


def test_bitget_previous_method_is_the_tier_rate_on_the_whole_position():
    # Before the change Bitget applied Tier 2's rate to the whole 330,000: one bracket.
    whole = (Bracket(D(0), D("0.005") + BITGET_FEE),)
    assert bitget_account(whole).maintenance_margin(0, D(110000)) == 1848


# --------------------------------------------------------------------------- Deribit

# Deribit Support, "Linear Perpetual":
# https://support.deribit.com/hc/en-us/articles/25944738177565-Linear-Perpetual
# Margins of BTC_USDC and SOL_USDC linear perpetuals, in USDC, at the index price
# (examples at BTC = 100,000 and SOL = 200):
#   BTC maintenance "1% + (POS Size in BTC) * 0.005%"; 25 BTC: "1.125%", "25 * 1.125% =
#   0.28125 BTC", "0.28125 BTC * 100,000 = 28,125 USDC".
#   SOL maintenance "2% + (POS Size [in SOL]) * 0.0005%" (the page's header says ETH,
#   its figures are SOL's); 25 SOL: "2.0125%", "0.503125 SOL * 200 = 100.625 USDC".
#   BTC initial "2% + (POS Size in BTC) * 0.005%"; 25 BTC: "2.125%", 53,125 USDC; 350 BTC:
#   "3.75%", "13.125 BTC * 100,000 = 1,312,500 USDC".
#   SOL initial "4% + (POS Size in SOL) * 0.0005%"; 25 SOL: "4.0125%", 200.625 USDC;
#   6000 SOL: "7%", "420 SOL * 200 = 84,000 USDC".
# Deribit's rate grows with the size in coins, not in brackets of notional; for a given
# position it is one rate, so one bracket at that rate reproduces it, and an initial
# margin rate is a leverage of 1 / rate.


def deribit_rate(base: str, per_coin: str, size: Decimal) -> Decimal:
    return D(base) + size * D(per_coin)


@pytest.mark.parametrize(
    ("symbol", "size", "price", "base", "per_coin", "rate", "maintenance"),
    [
        ("BTC_USDC", D(25), D(100000), "0.01", "0.00005", D("0.01125"), D(28125)),
        ("SOL_USDC", D(25), D(200), "0.02", "0.000005", D("0.020125"), D("100.625")),
    ],
)
def test_deribit_linear_maintenance_margin(symbol, size, price, base, per_coin, rate, maintenance):
    assert deribit_rate(base, per_coin, size) == rate
    account = Account(
        D(0),
        [Position(symbol, Side.LONG, size, price, 1, mode=Mode.CROSS)],
        {symbol: [Bracket(D(0), rate)]},
    )
    assert account.maintenance_margin(0, price) == maintenance


@pytest.mark.parametrize(
    ("symbol", "size", "price", "base", "per_coin", "rate", "initial"),
    [
        ("BTC_USDC", D(25), D(100000), "0.02", "0.00005", D("0.02125"), D(53125)),
        ("BTC_USDC", D(350), D(100000), "0.02", "0.00005", D("0.0375"), D(1312500)),
        ("SOL_USDC", D(25), D(200), "0.04", "0.000005", D("0.040125"), D("200.625")),
        ("SOL_USDC", D(6000), D(200), "0.04", "0.000005", D("0.07"), D(84000)),
    ],
)
def test_deribit_linear_initial_margin(symbol, size, price, base, per_coin, rate, initial):
    assert deribit_rate(base, per_coin, size) == rate
    position = Position(symbol, Side.LONG, size, price, 1 / rate)
    # 1 / rate is rounded in its 28th digit; the published figure is exact to 1e-9.
    assert close(position.initial_margin, initial)
    assert position.initial_margin.quantize(D("1e-9")) == initial
