"""Auto-deleveraging, the insurance fund and partial liquidation in steps.

Published worked examples first (each docstring: source, inputs, published figure),
then hand-worked cases, errors, and hypothesis properties. Pure Python: no Django.
"""

from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.engine import (
    Account,
    AdlRule,
    Check,
    Counterparty,
    EngineError,
    Position,
    adl_ranking,
    bankruptcy_price,
    deleverage,
    hyperliquid_liquidation_steps,
    hyperliquid_step,
    okx_liquidation_steps,
    okx_step,
)
from simulator.engine.deleveraging import ADL_RULES, adl_rule

D = Decimal


# Published examples


def test_bitmex_queue_example_closes_account_2_then_half_of_account_5():
    """BitMEX, *Auto-Deleveraging Further Information*, "Example of Auto-Deleveraging
    and the Ranking System" (https://www.bitmex.com/app/autoDeleveragingExamples):
    six longs, accounts 1-6 with quantities 10, 10, 20, 30, 20, 10 and "PNL Ranking"
    3, 6, 1, 4, 5, 2; "a short position that has been liquidated with size 20 and
    bankruptcy price of USD 650": "Account 2 will have their entire position of 10
    contracts closed, while the remaining 10 contracts ... will be assigned to account
    5. Account 5 will thus have 10 contracts remaining (from 20)."

    BitMEX prints the scores' order, not the positions behind them, so the positions
    are ours: the same entry and mark, and less collateral per contract the higher
    the published score (a higher effective leverage). The short's 20 contracts at
    650 with the mark at 700 are a shortfall of 20 x 50 = 1,000, with an empty fund.
    """
    published_score = {1: 3, 2: 6, 3: 1, 4: 4, 5: 5, 6: 2}
    quantity = {1: 10, 2: 10, 3: 20, 4: 30, 5: 20, 6: 10}
    longs = [
        Counterparty(f"Account {n}", "long", quantity[n], 600, 700, quantity[n] * (70 - 10 * score))
        for n, score in published_score.items()
    ]
    ranking = adl_ranking(longs, venue="bitmex")
    assert [entry.counterparty.name for entry in ranking] == [
        "Account 2",
        "Account 5",
        "Account 4",
        "Account 1",
        "Account 6",
        "Account 3",
    ]

    result = deleverage(
        shortfall=20 * 50,
        fund=0,
        bankruptcy_price=650,
        liquidated_side="short",
        positions=longs,
        venue="bitmex",
    )
    assert [(step.name, step.closed, step.whole) for step in result.steps] == [
        ("Account 2", D(10), True),
        ("Account 5", D(10), False),
    ]
    assert result.steps[1].quantity_before - result.steps[1].closed == 10
    assert all(step.price == 650 for step in result.steps)
    assert result.taken == 1000
    assert result.fund_after == 0
    assert result.uncovered == 0


def test_binance_leverage_pnl_as_a_trader_applied_it():
    """Binance, *What Is Auto-Deleveraging (ADL) and How Does It Work*
    (https://www.binance.com/en/support/faq/360033525471): traders are ranked by
    "LeveragePnL", "unrealized PnL/collateral multiplied by the margin ratio"; its
    formula, as quoted in Binance's developer forum (*How to caculating Leverage Pnl
    Quantile?*, https://dev.binance.vision/t/how-to-caculating-leverage-pnl-quantile/17801):
    "Pnl Percent = max(0,Unrealized Profit)/max(1,Wallet Balance)", "Margin Ratio =
    Maintenance Margin/(Wallet Balance+Unrealized Profit)", "Leverage Pnl = Pnl
    Percent x Margin Ratio". The trader's figures there (not Binance's own example;
    Binance prints none): unrealized profit 40.2, wallet 4.27, margin ratio 13.42%
    -> Pnl Percent 9.41, Leverage Pnl 1.26.

    The position is ours: a short of 1 at 100 marked at 59.8 (profit 40.2), with the
    maintenance margin that makes the ratio 13.42%.
    """
    maintenance = D("0.1342") * (D("4.27") + D("40.2"))
    trader = Counterparty("trader", "short", 1, 100, D("59.8"), D("4.27"), maintenance)
    (entry,) = adl_ranking([trader], venue="binance")
    assert entry.pnl_percentage.quantize(D("0.01")) == D("9.41")
    assert entry.leverage == D("0.1342")
    assert entry.score.quantize(D("0.01")) == D("1.26")


def test_okx_partial_liquidation_example():
    """OKX, *Forced Partial or Full Liquidation*
    (https://www.okx.com/hc/en-us/articles/360020411711): "For position at Tier 3 or
    above (Number of Swaps>=12,001, e.g. 15,000) ... The relevant position will be
    liquidated until it is at Tier 1 ... Number of Swaps to be closed = Number of
    Swaps held - max Number of Swaps acceptable for Tier 1 = 15,000-2,000=13,000 swaps."

    The tiers' maxima past tier 1 are ours (the page gives tier 1's, 2,000, and tier
    3 from 12,001).
    """
    maxima = [2000, 6000, 12000, 18000]
    closed, why = okx_step(15000, maxima)
    assert closed == 13000
    assert "tier 4" in why
    steps = okx_liquidation_steps(
        quantity=15000, tier_maxima=maxima, checks=[(0, 3000), (60, 2990)]
    )
    assert [(step.closed, step.remaining, step.partial) for step in steps] == [
        (D(13000), D(2000), True),
        (D(2000), D(0), False),
    ]


def test_hyperliquid_published_partial_rule():
    """Hyperliquid, *Liquidations* (https://hyperliquid.gitbook.io/hyperliquid-docs/trading/liquidations)
    and its announcement: "For liquidatable positions larger than 100k USDC ..., only
    20% of the position will be sent as a market liquidation order to the book. After
    a block where any position of a user is partially liquidated, there is a cooldown
    period of 30 seconds. During this cooldown period, all market liquidation orders
    for that user will be for the entire position." No numeric example is published;
    the figures are ours: 10 BTC at 60,000 (600,000 USDC).
    """
    assert hyperliquid_step(10, 60000)[0] == 2
    assert hyperliquid_step(10, 10000)[0] == 10  # exactly 100,000: not larger
    assert hyperliquid_step(D("10.0001"), 10000)[0] == D("2.00002")
    assert hyperliquid_step(8, 60000, seconds_since_partial=29)[0] == 8
    assert hyperliquid_step(8, 60000, seconds_since_partial=30)[0] == D("1.6")


# Hand-worked cases


def test_the_fund_pays_first_and_adl_takes_only_the_rest():
    """Shorts against a long liquidated with B = 51,000 and the mark at 50,000: each
    closed short gives up 1,000 per BTC. A shortfall of 1,500 with 500 in the fund:
    the fund is emptied, and 1,000 is taken from the first-ranked short."""
    shorts = [
        Counterparty("A", "short", 1, 60000, 50000, 1000),
        Counterparty("B", "short", 2, 55000, 50000, 5000),
        Counterparty("C", "short", 1, 52000, 50000, 200),
    ]
    ranking = adl_ranking(shorts, venue="bybit")
    # C: 3.85% x 50,000 / 2,200 = 0.874; A: 16.7% x 50,000 / 11,000 = 0.758; B: 0.606.
    assert [entry.counterparty.name for entry in ranking] == ["C", "A", "B"]
    result = deleverage(
        shortfall=1500,
        fund=500,
        bankruptcy_price=51000,
        liquidated_side="long",
        positions=shorts,
        venue="bybit",
    )
    assert (result.fund_used, result.fund_after, result.taken, result.uncovered) == (
        500,
        0,
        1000,
        0,
    )
    (step,) = result.steps
    assert (step.name, step.rank, step.closed, step.whole, step.taken) == ("C", 1, 1, True, 1000)
    assert "Ranked 1 of 3" in step.reason
    assert "51,000" in step.reason


def test_a_fund_that_covers_the_shortfall_deleverages_no_one():
    shorts = [Counterparty("A", "short", 1, 60000, 50000, 1000)]
    result = deleverage(
        shortfall=300, fund=500, bankruptcy_price=51000, liquidated_side="long", positions=shorts
    )
    assert (result.fund_after, result.steps, result.ranking) == (200, (), ())


def test_partial_close_and_what_is_left_uncovered():
    """Shortfall 5,000, empty fund, shorts giving 1,000 per BTC: the first (2 BTC)
    wholly, the second closes 3 of 4; then a shortfall of 10,000 takes all 6 BTC
    and leaves 4,000 uncovered, the fund 4,000 below zero."""
    shorts = [
        Counterparty("first", "short", 2, 60000, 50000, 1000),
        Counterparty("second", "short", 4, 60000, 50000, 20000),
    ]
    result = deleverage(
        shortfall=5000, fund=0, bankruptcy_price=51000, liquidated_side="long", positions=shorts
    )
    assert [(s.name, s.closed, s.whole) for s in result.steps] == [
        ("first", D(2), True),
        ("second", D(3), False),
    ]
    short_of = deleverage(
        shortfall=10000, fund=0, bankruptcy_price=51000, liquidated_side="long", positions=shorts
    )
    assert (short_of.taken, short_of.uncovered, short_of.fund_after) == (6000, 4000, -4000)


def test_a_position_whose_mark_is_not_past_the_bankruptcy_price_gives_nothing():
    shorts = [
        Counterparty("above", "short", 1, 60000, 52000, 1000),  # 52,000 > B: nothing to take
        Counterparty("below", "short", 1, 60000, 50000, 30000),
    ]
    result = deleverage(
        shortfall=500, fund=0, bankruptcy_price=51000, liquidated_side="long", positions=shorts
    )
    assert [s.name for s in result.steps] == ["below"]


def test_hyperliquid_steps_with_the_cooldown():
    """10 BTC: 20% at 0 s (600,000 USDC); at 10 s, inside the cooldown, the rest;
    and with the second check at 45 s instead, 20% again (8 BTC, 464,000 USDC)."""
    inside = hyperliquid_liquidation_steps(quantity=10, checks=[(0, 60000), (10, 59000)])
    assert [(s.closed, s.partial) for s in inside] == [(D(2), True), (D(8), False)]
    assert "30 s" in inside[0].next
    after = hyperliquid_liquidation_steps(
        quantity=10, checks=[Check(0, 60000), Check(45, 58000), Check(50, 57000)]
    )
    assert [s.closed for s in after] == [D(2), D("1.6"), D("6.4")]
    assert after[-1].remaining == 0


def test_a_small_hyperliquid_position_goes_at_once():
    (step,) = hyperliquid_liquidation_steps(quantity=1, checks=[(0, 60000), (5, 59000)])
    assert (step.closed, step.partial) == (1, False)


def test_a_counterpartys_bankruptcy_price_is_the_engines():
    """The same isolated short, 0.5 BTC at 60,000 with 3,000 of margin: 66,000 both ways."""
    position = Position("BTCUSDT", "short", D("0.5"), 60000, 10, margin=D(3000))
    engine = bankruptcy_price(Account(D(3000), [position]), 0)
    assert (
        Counterparty("S", "short", D("0.5"), 60000, 59000, 3000).bankruptcy_price == engine == 66000
    )


def test_venue_rules():
    assert adl_rule("Binance") is AdlRule.LEVERAGE_PNL
    assert {ADL_RULES[key] for key in ("bybit", "okx", "hyperliquid", "bitmex")} == {
        AdlRule.PROFIT_X_LEVERAGE
    }


# Errors


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: adl_rule("dydx"), "No published auto-deleveraging ranking"),
        (lambda: Counterparty("A", "short", 1.0, 1, 1, 1), "float"),
        (lambda: Counterparty("A", "sideways", 1, 1, 1, 1), "side"),
        (lambda: Counterparty("A", "short", 1, 1, 1, -1), "cannot be negative"),
        (
            lambda: adl_ranking([Counterparty("A", "short", 1, 100, 200, 50)], venue="bybit"),
            "itself bankrupt",
        ),
        (
            lambda: deleverage(
                shortfall=1,
                fund=0,
                bankruptcy_price=1,
                liquidated_side="long",
                positions=[Counterparty("A", "long", 1, 1, 1, 1)],
            ),
            "only opposite positions",
        ),
        (
            lambda: deleverage(
                shortfall=-1, fund=0, bankruptcy_price=1, liquidated_side="long", positions=[]
            ),
            "shortfall",
        ),
        (lambda: okx_step(20000, [2000, 6000, 12000, 18000]), "beyond the table"),
        (lambda: okx_step(100, [2000, 2000]), "increase"),
        (
            lambda: hyperliquid_liquidation_steps(quantity=1, checks=[(5, 1), (5, 1)]),
            "must increase",
        ),
        (
            lambda: okx_liquidation_steps(quantity=1, tier_maxima=[2], checks=[5]),
            "time and a price",
        ),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(EngineError, match=message):
        call()


# Properties

AMOUNT = st.decimals(min_value=D("0.01"), max_value=D(100000), places=2)
PRICE = st.decimals(min_value=D(1), max_value=D(100000), places=2)


@st.composite
def opposite_side(draw):
    """A liquidated long's B and shorts marked at or below their entries, solvent."""
    bankruptcy = draw(PRICE)
    shorts = []
    for n in range(draw(st.integers(min_value=0, max_value=6))):
        quantity = draw(st.decimals(min_value=D("0.01"), max_value=D(50), places=2))
        entry = draw(PRICE)
        mark = draw(st.decimals(min_value=D(1), max_value=entry, places=2))
        collateral = draw(AMOUNT)
        shorts.append(Counterparty(f"S{n}", "short", quantity, entry, mark, collateral))
    return bankruptcy, shorts


@given(side=opposite_side(), shortfall=AMOUNT, fund=AMOUNT | st.just(D(0)))
def test_fund_and_adl_add_up(side, shortfall, fund):
    bankruptcy, shorts = side
    for venue in ("binance", "bybit"):
        result = deleverage(
            shortfall=shortfall,
            fund=fund,
            bankruptcy_price=bankruptcy,
            liquidated_side="long",
            positions=shorts,
            venue=venue,
        )
        can_give = sum(
            (s.quantity * (bankruptcy - s.mark_price) for s in shorts if s.mark_price < bankruptcy),
            D(0),
        )
        needed = shortfall - result.fund_used
        # The total taken is the shortfall (after the fund), or all the other side can give.
        assert result.taken == min(needed, can_give)
        assert result.fund_used + result.taken + result.uncovered == shortfall
        # The fund goes below zero only once every position that could give has given all.
        if result.fund_after < 0:
            givers = {s.name for s in shorts if s.mark_price < bankruptcy}
            assert {s.name for s in result.steps if s.whole} == givers
        else:
            assert result.uncovered == 0
        # In rank order; only the last may be partial; never more than a position holds.
        assert [s.rank for s in result.steps] == sorted(s.rank for s in result.steps)
        assert all(s.whole for s in result.steps[:-1])
        assert all(0 < s.closed <= s.quantity_before for s in result.steps)


@given(side=opposite_side(), venue=st.sampled_from(sorted(ADL_RULES)), data=st.data())
def test_ranking_is_a_total_order_with_stable_ties(side, venue, data):
    _, shorts = side
    shorts = shorts + data.draw(st.lists(st.sampled_from(shorts), max_size=3)) if shorts else []
    ranking = adl_ranking(shorts, venue=venue)
    assert [entry.rank for entry in ranking] == list(range(1, len(shorts) + 1))
    assert sorted(entry.index for entry in ranking) == list(range(len(shorts)))
    for higher, lower in pairwise(ranking):
        assert higher.score > lower.score or (
            higher.score == lower.score and higher.index < lower.index
        )
    assert adl_ranking(shorts, venue=venue) == ranking


CHECKS = st.lists(
    st.tuples(st.integers(min_value=0, max_value=40), PRICE), min_size=1, max_size=8
).map(
    lambda gaps: [
        (sum(gap for gap, _ in gaps[: n + 1]) + n, price) for n, (_, price) in enumerate(gaps)
    ]
)


@given(quantity=st.decimals(min_value=D("0.01"), max_value=D(1000), places=2), checks=CHECKS)
def test_hyperliquid_never_closes_more_than_its_step(quantity, checks):
    steps = hyperliquid_liquidation_steps(quantity=quantity, checks=checks)
    last_partial = None
    for step in steps:
        in_cooldown = last_partial is not None and step.time - last_partial < 30
        if not in_cooldown and step.quantity_before * step.price > 100000:
            assert step.closed == step.quantity_before * D("0.2")
            last_partial = step.time
        else:
            assert step.closed == step.quantity_before
        assert step.remaining == step.quantity_before - step.closed
    assert steps[-1].remaining >= 0
    assert sum((s.closed for s in steps), D(0)) + steps[-1].remaining == quantity


@given(
    quantity=st.integers(min_value=1, max_value=18000),
    checks=st.integers(min_value=1, max_value=3),
)
def test_okx_never_closes_more_than_its_step(quantity, checks):
    maxima = [2000, 6000, 12000, 18000]
    steps = okx_liquidation_steps(
        quantity=quantity, tier_maxima=maxima, checks=[(n, 100) for n in range(checks)]
    )
    for step in steps:
        if step.quantity_before > 6000:
            assert step.remaining == 2000
        else:
            assert step.closed == step.quantity_before
