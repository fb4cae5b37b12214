"""Lesson 7, "Fees and Your Liquidation Price": every figure it prints is the engine's,
recomputed here, formatted as the lesson writes it, and looked up in its text; the
rates it quotes are the venues' (simulator/engine/venues.py)."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from core.numbers import percent
from quiz.computations._market import BTC_PRICE, btc_long
from simulator.engine import (
    Account,
    Mode,
    Position,
    bankruptcy_price,
    evaluate,
    explain_liquidation_price,
    liquidation_fee,
    liquidation_price,
    trading_fee,
    with_fees,
)
from simulator.engine.venues import VENUES, get_venue
from tests.curriculum.formats import MINUS, TIMES, cents, dollars, rate

LESSON_FILE = (
    Path(__file__).resolve().parents[2] / "content" / "intermediate" / "07-fees-and-liquidation.md"
)
LESSON = LESSON_FILE.read_text()
URL = "/learn/intermediate/fees-and-liquidation/"
SIZE, LEVERAGE = Decimal(10_000), Decimal(10)


def example(venue: str) -> Account:
    """The lesson's long: $10,000 of BTC at 60,000, 10x, isolated, on the venue's tiers."""
    return btc_long(get_venue(venue), SIZE, LEVERAGE)


def test_the_fee_table_is_the_venues_standard_rates():
    for venue in VENUES.values():
        name = venue.name.split()[0]  # "Binance USDS-M" -> "Binance"
        row = f'<th scope="row">{name}</th><td>{rate(venue.maker_fee)}</td>'
        assert f"{row}<td>{rate(venue.taker_fee)}</td></tr>" in LESSON, name


def test_the_fee_to_open_and_to_close():
    binance = get_venue("binance")
    position = example("binance").positions[0]
    opening = trading_fee(position.notional, binance.taker_fee)
    assert f"$10,000 {TIMES} 0.05% = **{dollars(opening)}**" in LESSON  # $5
    maker = trading_fee(position.notional, binance.maker_fee)
    assert f"$10,000 {TIMES} 0.02% = {dollars(maker)}" in LESSON  # $2
    exit_price = BTC_PRICE * Decimal("1.1")
    assert f"to {exit_price:,.0f}" in LESSON  # 66,000
    exit_value = position.quantity * exit_price
    closing = trading_fee(exit_value, binance.taker_fee)
    assert (
        f"worth {dollars(exit_value)}, so the fee is {dollars(exit_value)} {TIMES} 0.05% = "
        in LESSON
    )
    assert f"**{dollars(closing)}**" in LESSON  # $5.50
    round_trip = opening + closing
    assert f"{dollars(opening)} + {dollars(closing)} = **{dollars(round_trip)}**" in LESSON
    on_margin = trading_fee(position.initial_margin, binance.taker_fee)
    assert f"$1,000 {TIMES} 0.05% = {dollars(on_margin)}, ten times too little" in LESSON  # $0.50
    assert on_margin * 10 == opening


def test_the_same_fees_next_to_the_margin_at_10x_and_50x():
    binance = get_venue("binance")
    fees = {}
    for leverage, words in [
        (10, "the round trip above, {fee}, is {share} of your {margin} margin"),
        (50, "needs only {margin} of margin, and the same {fee} is {share} of it"),
    ]:
        position = Position.from_notional("BTC", "long", SIZE, BTC_PRICE, leverage)
        exit_value = position.quantity * BTC_PRICE * Decimal("1.1")
        fee = trading_fee(position.notional, binance.taker_fee)
        fee += trading_fee(exit_value, binance.taker_fee)
        fees[leverage] = fee
        margin = dollars(position.initial_margin)
        share = percent(fee / position.initial_margin)
        assert words.format(fee=dollars(fee), share=share, margin=margin) in LESSON
    assert fees[10] == fees[50]  # the same dollars


def test_an_opening_fee_moves_a_cross_liquidation_price_not_an_isolated_one():
    binance = get_venue("binance")
    tiers = {"BTC": binance.brackets("BTC")}
    for mode in Mode:
        position = Position.from_notional("BTC", "long", SIZE, BTC_PRICE, LEVERAGE, mode=mode)
        account = Account(Decimal(2000), [position], brackets=tiers)
        paid = with_fees(account)
        assert account.balance - paid.balance == 5  # the $5 fee, from the wallet
        before, after = liquidation_price(account, 0), liquidation_price(paid, 0)
        if mode is Mode.ISOLATED:
            assert before == after
            assert f"liquidated at {cents(before)} on Binance both before and after" in LESSON
        else:
            assert after > before  # closer to the entry
            assert f"is {cents(before)} before the fee and {cents(after)} after it" in LESSON
    textbook = explain_liquidation_price(example("binance"), 0).textbook
    assert f"and not the {cents(textbook)} that lesson 3's formula gives" in LESSON


def bybit_long(margin: Decimal, taker_fee: Decimal | None = None) -> Account:
    """The lesson's long on Bybit (1/6 BTC at 60,000, 10x) holding `margin`."""
    position = Position("BTC", "long", Decimal(1) / 6, BTC_PRICE, LEVERAGE, margin=margin)
    tiers = {"BTC": get_venue("bybit").brackets("BTC")}
    return Account(margin, [position], brackets=tiers, venue="bybit", taker_fee=taker_fee)


def test_the_fee_to_close_on_okx_and_bybit():
    okx, bybit = get_venue("okx"), get_venue("bybit")
    assert okx.fee_in_maintenance and bybit.fee_on_added_margin
    assert f"goes up by the taker rate, {rate(okx.taker_fee)}" in LESSON
    topped_up = bybit_long(Decimal(1500))  # $500 added to the initial $1,000
    counted = evaluate(topped_up, {"BTC": BTC_PRICE}).positions[0].margin_balance - 1000
    assert (
        f"$500 added counts as $500 ÷ (1 {MINUS} {rate(bybit.taker_fee)}) = {dollars(counted)}"
        in LESSON
    )
    fees_left_out = [
        v.name.split()[0]
        for v in VENUES.values()
        if not v.fee_in_maintenance and not v.fee_on_added_margin
    ]
    assert fees_left_out == ["Binance", "Hyperliquid", "dYdX"]
    assert "**Binance**, **Hyperliquid** and **dYdX** leave fees out" in LESSON


def test_one_long_four_prices():
    steps = {}
    prices = {}
    for venue in ("binance", "bybit", "okx"):
        explanation = explain_liquidation_price(example(venue), 0)
        steps[venue] = {step.label: step.change for step in explanation.steps}
        prices[venue] = explanation.price
        assert explanation.price == liquidation_price(example(venue), 0)
        textbook = explanation.textbook
        assert f"<td>{cents(explanation.price)}</td>" in LESSON
    assert f"(lesson 3: a flat 0.5%, no fees): {cents(textbook)}" in LESSON
    tiers = steps["binance"]["Maintenance tiers"]
    assert tiers < 0 and steps["binance"]["Fees in the liquidation rule"] == 0
    assert f"**{cents(prices['binance'])}**: {cents(-tiers)} further from you" in LESSON
    assert (
        steps["bybit"]["Maintenance tiers"] == steps["bybit"]["Fees in the liquidation rule"] == 0
    )
    assert f"changes nothing: **{cents(prices['bybit'])}**" in LESSON
    fee = steps["okx"]["Fees in the liquidation rule"]
    assert steps["okx"]["Maintenance tiers"] == 0 and fee > 0
    assert f"**{cents(prices['okx'])}**: {cents(fee)} closer to you" in LESSON
    # The table: each step's change, as the breakdown gives it.
    row = f"<td>{MINUS}{cents(-tiers)}</td><td>0.00</td><td>0.00</td>"
    assert f"maintenance tiers</th>{row}" in LESSON
    assert f"liquidation rule</th><td>0.00</td><td>0.00</td><td>+{cents(fee)}</td>" in LESSON
    # The first tiers the example names.
    first = {venue: rate(get_venue(venue).brackets("BTC")[0].rate) for venue in steps}
    assert f"**Binance:** its first tier is {first['binance']}" in LESSON  # 0.4%
    assert f"first tier for BTC has a maintenance rate of {first['binance']}" in LESSON
    assert f"**Bybit:** its first tier is {first['bybit']}" in LESSON  # 0.5%
    assert f"**OKX:** its rate for this size is {first['okx']}" in LESSON  # 0.5%
    # OKX's formula, with the rate the engine uses.
    account = example("okx")
    okx_rate = account.maintenance_margin(0, BTC_PRICE) / SIZE
    assert okx_rate == Decimal("0.0055")
    assert (
        f"(1 {MINUS} {rate(okx_rate)})) = 9,000 ÷ (1/6 {TIMES} {(1 - okx_rate).normalize()})"
        in LESSON
    )
    assert account.positions[0].quantity * 6 == 1  # "a quantity of 1/6 BTC"


def test_bybit_counts_added_margin_a_little_higher():
    price = liquidation_price(bybit_long(Decimal(1500)), 0)
    without_fee = liquidation_price(bybit_long(Decimal(1500), taker_fee=Decimal(0)), 0)
    assert f"liquidation price is {cents(price)} rather than the {cents(without_fee)}" in LESSON
    assert f"without the fee: {cents(without_fee - price)} further away" in LESSON


@pytest.mark.django_db
def test_the_tools_link_shows_okxs_price(client):
    link = re.search(r"\]\((/tools/liquidation-price/\?[^)]+)\)", LESSON).group(1)
    html = client.get(link).content.decode()
    assert cents(liquidation_price(example("okx"), 0)) in html


def test_what_a_liquidation_fee_takes():
    for venue in VENUES:
        account = example(venue)
        price = liquidation_price(account, 0)
        left = evaluate(account, {"BTC": price}).positions[0].margin_balance
        value = account.positions[0].quantity * price
        row = f"<td>{cents(price)}</td><td>{dollars(left)}</td>"
        assert row in LESSON, venue
        if venue == "bybit":
            bankruptcy = bankruptcy_price(account, 0)
            at = account.positions[0].quantity * bankruptcy
            fee = liquidation_fee(account, 0, bankruptcy)
            assert f"here {bankruptcy:,.0f}, where the position is worth {dollars(at)}" in LESSON
            rate_shown = rate(get_venue(venue).liquidation_fee_rate("BTC"))
            assert f"{rate_shown} of {dollars(at)} = {dollars(fee)}" in LESSON
        elif venue == "hyperliquid":
            assert liquidation_fee(account, 0, price) == 0
            assert f"{row}<td>none when" in LESSON
        else:
            fee = liquidation_fee(account, 0, price)
            rate_shown = rate(get_venue(venue).liquidation_fee_rate("BTC"))
            assert f"{rate_shown} of {dollars(value)} = {dollars(fee)}" in LESSON, venue


def test_the_higher_maintenance_rates_of_hyperliquid_and_dydx():
    assert get_venue("hyperliquid").brackets("BTC")[0].rate == Decimal("0.0125")
    assert get_venue("dydx").brackets("BTC")[0].rate == Decimal("0.03")
    assert "higher (1.25% and 3%)" in LESSON


def test_a_fee_larger_than_what_is_left():
    binance = get_venue("binance")
    assert binance.liquidation_fee_rate("ETH") == Decimal("0.005")
    assert binance.liquidation_fee_rate("BTC") == Decimal("0.003")
    position = Position.from_notional("ETH", "long", SIZE, 3000, LEVERAGE)
    account = Account(
        position.initial_margin, [position], brackets={"ETH": binance.brackets("ETH")}
    )
    price = liquidation_price(account, 0)
    left = evaluate(account, {"ETH": price}).positions[0].margin_balance
    fee = liquidation_fee(account, 0, price)
    assert fee > left
    assert (
        f"{dollars(left)} is left at the liquidation price, but 0.5% of the position's value "
        f"is {dollars(fee)}" in LESSON
    )


@pytest.mark.django_db
def test_the_lesson_renders_with_its_simulator_and_its_links_resolve(client):
    html = client.get(URL).content.decode()
    assert "Try it: change the leverage on OKX" in html
    widget = html[html.index('id="okx-leverage"') :]
    assert cents(liquidation_price(example("okx"), 0)) in widget  # at 10x
    for link in sorted(set(re.findall(r'<a [^>]*href="(/[^"#]*)', html))):
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link
