"""Lesson 8, "Maintenance Tiers and Risk Limits": every figure it prints is the engine's
(or, for a tier's floor, rate and maximum leverage, the venue's table it uses),
recomputed here, formatted as the lesson writes it, and looked up in its text."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from core.numbers import percent
from quiz.computations._market import BTC_PRICE, btc_long
from simulator.engine import (
    Account,
    Position,
    bracket_for,
    evaluate,
    explain_liquidation_price,
    liquidation_price,
    maintenance_amounts,
)
from simulator.engine.venues import VENUES, get_venue
from tests.curriculum.formats import MINUS, TIMES, cents, dollars, leverage, rate

LESSON_FILE = (
    Path(__file__).resolve().parents[2] / "content" / "intermediate" / "08-maintenance-tiers.md"
)
LESSON = LESSON_FILE.read_text()
URL = "/learn/intermediate/maintenance-tiers/"
BINANCE = get_venue("binance")
BRACKETS = BINANCE.brackets("BTC")
SMALL, LARGE, LEVERAGE = Decimal(50_000), Decimal(5_000_000), Decimal(20)


def maintenance(size: Decimal, venue: str = "binance", taker_fee=None) -> Decimal:
    account = btc_long(get_venue(venue), size, LEVERAGE, taker_fee=taker_fee)
    return account.maintenance_margin(0, BTC_PRICE)


def test_the_tier_table_is_binances_with_the_engines_amounts():
    table = BINANCE.table("BTC")
    amounts = maintenance_amounts(BRACKETS)
    for number, (tier, amount) in enumerate(zip(table.tiers[:6], amounts, strict=False), start=1):
        row = (
            f'<tr><th scope="row">{number}</th><td>{dollars(tier.floor)}</td>'
            f"<td>{rate(tier.rate)}</td><td>{dollars(amount)}</td>"
            f"<td>{leverage(tier.max_leverage)}</td></tr>"
        )
        assert row in LESSON, number
    assert len(table.tiers) == 12 and "first six of Binance's twelve tiers" in LESSON
    rest = table.tiers[6:]
    assert len(rest) == 6 and rest[0].floor == 100_000_000
    assert rest[-1].rate == Decimal("0.5") and rest[-1].max_leverage == 1
    assert "The other six, from $100,000,000 up, climb to a rate of 50% at 1x." in LESSON
    assert f"dates from {table.as_of}" in LESSON


def test_finding_a_tier():
    for size, tier in [(400_000, 2), (5_000_000, 4)]:
        bracket, _ = bracket_for(BRACKETS, size)
        assert BRACKETS.index(bracket) + 1 == tier
        assert f"worth {dollars(Decimal(size))} is in tier {tier}" in LESSON


def test_the_maintenance_margin_of_5_million_by_slices_and_by_amount():
    total = maintenance(LARGE)
    slices = []
    for low, high in zip(BRACKETS, [*BRACKETS[1:], None], strict=True):
        top = LARGE if high is None or high.floor > LARGE else high.floor
        if top <= low.floor:
            break
        part = top - low.floor
        slices.append(part * low.rate)
        which = "first" if low.floor == 0 else "last" if top == LARGE else "next"
        assert f"{rate(low.rate)} of the {which} {dollars(part)} = {dollars(part * low.rate)}" in (
            LESSON
        )
    assert sum(slices) == total  # the slices add up to the engine's maintenance margin
    assert f"Together: **{dollars(total)}**, about {percent(total / LARGE)}" in LESSON
    bracket, amount = bracket_for(BRACKETS, LARGE)
    assert (
        f"$5,000,000 {TIMES} {rate(bracket.rate)} {MINUS} {dollars(amount)} = **{dollars(total)}**"
        in LESSON
    )


def test_each_amount_from_the_one_below():
    amounts = maintenance_amounts(BRACKETS)
    for k in (1, 2, 3):
        below, tier = BRACKETS[k - 1], BRACKETS[k]
        line = (
            f"Tier {k + 1}: {dollars(tier.floor)} {TIMES} "
            f"({rate(tier.rate)} {MINUS} {rate(below.rate)}) + "
            f"{dollars(amounts[k - 1])} = {dollars(amounts[k])}"
        )
        assert line in LESSON


def test_the_amount_keeps_the_maintenance_margin_continuous():
    at_floor = maintenance(SMALL)  # $50,000 is on tier 2's floor
    bracket, amount = bracket_for(BRACKETS, SMALL)
    assert bracket.rate == Decimal("0.005") and amount == 50
    assert SMALL * BRACKETS[0].rate == at_floor
    assert (
        f"tier 2 gives $50,000 {TIMES} 0.5% {MINUS} {dollars(amount)} = {dollars(at_floor)}, "
        "which is also "
        f"what tier 1 gives: $50,000 {TIMES} 0.4% = {dollars(at_floor)}"
    ) in LESSON


def test_the_two_easy_mistakes():
    bracket, _ = bracket_for(BRACKETS, LARGE)
    assert f"at {dollars(LARGE * bracket.rate)}." in LESSON  # $50,000
    above = LARGE - bracket.floor
    assert f"1% of {dollars(above)} = {dollars(above * bracket.rate)}" in LESSON


def test_risk_limits_by_venue():
    assert BINANCE.table("BTC").tiers[0].max_leverage == 125
    assert BRACKETS[1].floor == 50_000
    assert "at 125x on Binance only while the position is worth less than $50,000" in LESSON
    size = Decimal(4_000_000)
    allowed = {}
    for key in ("binance", "bybit", "hyperliquid", "dydx"):
        table = get_venue(key).table("BTC")
        bracket, _ = bracket_for(table.brackets, size)
        tier = table.brackets.index(bracket)
        allowed[key] = (tier + 1, table.tiers[tier])
    assert allowed["binance"][0] == 4 and "$4,000,000 can use at most 50x" in LESSON
    assert f"**Binance:** {leverage(allowed['binance'][1].max_leverage)} (tier 4)" in LESSON
    tier, row = allowed["bybit"]
    following = get_venue("bybit").table("BTC").tiers[tier]
    assert (
        f"**Bybit:** {leverage(row.max_leverage)} (its tier {tier} runs from "
        f"{dollars(row.floor)} to {dollars(following.floor)})"
    ) in LESSON
    hyperliquid = get_venue("hyperliquid").table("BTC").tiers
    assert (
        f"**Hyperliquid:** {leverage(allowed['hyperliquid'][1].max_leverage)} (up to "
        f"{dollars(hyperliquid[1].floor)})"
    ) in LESSON
    assert len(get_venue("dydx").table("BTC").tiers) == 1
    assert f"**dYdX:** {leverage(allowed['dydx'][1].max_leverage)}, whatever the size" in LESSON


def test_the_initial_margin_at_the_maximum_leverage_stays_above_the_maintenance_margin():
    # "Your initial margin at the maximum leverage always stays above the maintenance margin"
    for venue in VENUES.values():
        for asset in ("BTC", "ETH"):
            for tier in venue.table(asset).tiers:
                if tier.max_leverage is not None:
                    assert 1 / tier.max_leverage > tier.rate, (venue.key, asset, tier)


def isolated_long(size: Decimal) -> tuple[Account, Decimal]:
    account = btc_long(BINANCE, size, LEVERAGE)
    return account, liquidation_price(account, 0)


def test_small_and_large_at_the_same_leverage():
    for size, tier in [(SMALL, 1), (LARGE, 4)]:
        account, price = isolated_long(size)
        position = account.positions[0]
        assert f"worth {dollars(size)}, with {dollars(position.initial_margin)} of margin" in LESSON
        value = position.quantity * price
        bracket, amount = bracket_for(BRACKETS, value)
        assert BRACKETS.index(bracket) + 1 == tier
        fall = percent((BTC_PRICE - price) / BTC_PRICE)
        where = "in" if size == SMALL else "still in"  # a large one stays in its entry tier
        assert f"worth {dollars(value)}, {where} tier {tier}" in LESSON
        assert f"**{cents(price)}**, after a fall of" in LESSON and fall in LESSON
        # At the liquidation price, margin balance = maintenance margin.
        state = evaluate(account, {"BTC": price}).positions[0]
        assert abs(state.margin_balance - state.maintenance_margin) < Decimal("1e-12")
    account, price = isolated_long(LARGE)
    position = account.positions[0]
    bracket, amount = bracket_for(BRACKETS, position.quantity * price)
    assert position.quantity * 3 == 250  # 83 1/3 BTC
    assert (
        f"LP = (5,000,000 {MINUS} 250,000 {MINUS} {amount:,.0f}) ÷ "
        f"(83 1/3 {TIMES} {1 - bracket.rate}) = "
        f"**{cents(price)}**, after a fall of only {percent((BTC_PRICE - price) / BTC_PRICE)}"
    ) in LESSON
    small = isolated_long(SMALL)[1]
    assert f"a fall of {percent((BTC_PRICE - price) / BTC_PRICE)} instead of " in LESSON
    assert f"instead of {percent((BTC_PRICE - small) / BTC_PRICE)}." in LESSON
    textbook = explain_liquidation_price(account, 0).textbook
    assert textbook == explain_liquidation_price(isolated_long(SMALL)[0], 0).textbook
    assert f"would have put both at {cents(textbook)}" in LESSON


def test_how_venues_set_their_tiers():
    okx = get_venue("okx")
    assert okx.whole_position_tiers and okx.table("ETH").tiers[1].floor == Decimal("300.1")
    for quantity, shown_rate in [(Decimal(300), "0.4%"), (Decimal("300.1"), "0.5%")]:
        position = Position("ETH", "long", quantity, 3000, LEVERAGE)
        account = Account(
            position.initial_margin,
            [position],
            brackets={"ETH": okx.brackets("ETH")},
            venue="okx",
            taker_fee=0,  # the tiers alone, before the fee of lesson 7
        )
        needed = account.maintenance_margin(0, 3000)
        assert f"{quantity} ETH at 3,000" in LESSON or f"{quantity} ETH needs" in LESSON
        assert f"{dollars(needed)} ({shown_rate})" in LESSON
    hyperliquid = get_venue("hyperliquid").table("BTC").tiers[0]
    assert hyperliquid.rate == 1 / (2 * hyperliquid.max_leverage)
    assert (
        f"BTC allows {leverage(hyperliquid.max_leverage)} up to $150,000,000, so its rate is "
        f"{rate(hyperliquid.rate)}"
    ) in LESSON
    assert f"whatever the size: {rate(get_venue('dydx').brackets('BTC')[0].rate)} for BTC" in LESSON
    assert get_venue("bybit").brackets("ETH")[0].rate == Decimal("0.01")
    assert "older published base rate of 1% for it" in LESSON
    assert get_venue("bybit").brackets("BTC")[0].rate == Decimal("0.005")
    assert "It starts at 0.5% and climbs in many small steps" in LESSON


def test_one_large_long_on_every_venue():
    prices = {}
    for key, venue in VENUES.items():
        name = venue.name.split()[0]
        account = btc_long(venue, LARGE, LEVERAGE)
        price = liquidation_price(account, 0)
        prices[key] = price
        if key == "okx":
            tiers_only = maintenance(LARGE, key, taker_fee=Decimal(0))
            fee = maintenance(LARGE, key) - tiers_only
            shown = f"{dollars(tiers_only)}, plus {dollars(fee)} for the fee to close"
        else:
            shown = dollars(maintenance(LARGE, key))
        assert f'<th scope="row">{name}</th><td>{shown}</td><td>{cents(price)}</td>' in LESSON
    assert (
        f"anywhere from {cents(min(prices.values()))} on OKX to {cents(max(prices.values()))} on "
        "dYdX"
    ) in LESSON
    assert min(prices, key=prices.get) == "okx" and max(prices, key=prices.get) == "dydx"


def test_the_simulator_starts_between_the_two_liquidation_prices():
    small, large = isolated_long(SMALL)[1], isolated_long(LARGE)[1]
    mark = BTC_PRICE * (1 - Decimal("0.044"))
    assert small < mark <= large  # at -4.4% the large one is liquidated, the small one open
    assert "At a fall of 4.4% the large one is already liquidated" in LESSON
    assert "value=-4.4" in LESSON


@pytest.mark.django_db
def test_the_lesson_renders_with_its_simulator_and_its_links_resolve(client):
    html = client.get(URL).content.decode()
    widget = html[html.index('id="size-move"') :]
    assert f"{cents(isolated_long(LARGE)[1])}, liquidated" in widget
    assert cents(isolated_long(SMALL)[1]) in widget
    for link in sorted(set(re.findall(r'<a [^>]*href="(/[^"#]*)', html))):
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link
