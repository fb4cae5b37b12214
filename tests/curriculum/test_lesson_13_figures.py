"""Lesson 13, "Partial liquidation and backstops": every figure it prints is the engine's
(the steps from simulator/engine/deleveraging.py, prices and margins from its
liquidation rules and the venues' tiers), recomputed here, formatted as the lesson writes
it, and looked up in its text."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from core.numbers import percent
from quiz.computations._market import btc_long, liquidation_of
from quiz.computations.partial_liquidation import okx_eth_tier_maxima
from simulator.engine import (
    Account,
    Bracket,
    Position,
    bankruptcy_price,
    hyperliquid_liquidation_steps,
    hyperliquid_step,
    liquidation_price,
    okx_step,
)
from simulator.engine.deleveraging import (
    HYPERLIQUID_COOLDOWN_SECONDS,
    HYPERLIQUID_PARTIAL_ABOVE,
    HYPERLIQUID_PARTIAL_SHARE,
)
from simulator.engine.venues import OKX_FACE_VALUES, get_venue
from tests.curriculum.formats import MINUS, cents, dollars, rate

LESSON_FILE = (
    Path(__file__).resolve().parents[2]
    / "content"
    / "advanced"
    / "13-partial-liquidation-and-backstops.md"
)
LESSON = LESSON_FILE.read_text()
URL = "/learn/advanced/partial-liquidation-and-backstops/"
HYPERLIQUID = get_venue("hyperliquid")
OKX = get_venue("okx")
BTC_ENTRY, ETH_ENTRY = Decimal(60_000), Decimal(3_000)
TINY = Decimal("1e-18")  # far below a cent: the engine's 28 digits


def large_hyperliquid_long() -> Account:
    """10 BTC at 60,000 with 20x: $600,000 with $30,000 of isolated margin."""
    return btc_long(HYPERLIQUID, Decimal(600_000), Decimal(20))


def okx_eth_long(quantity: Decimal, margin: Decimal) -> Account:
    position = Position("ETH", "long", quantity, ETH_ENTRY, 10, margin=margin)
    return Account(margin, (position,), brackets={"ETH": OKX.brackets("ETH")}, venue="okx")


def after_the_sale(margin: Decimal, sold: Decimal, entry: Decimal, price: Decimal) -> Decimal:
    """The isolated margin once `sold` units of a long are sold at `price`: less their loss."""
    return margin - sold * (entry - price)


def test_hyperliquids_rule_is_the_engines():
    assert HYPERLIQUID_PARTIAL_ABOVE == 100_000 and Decimal("0.2") == HYPERLIQUID_PARTIAL_SHARE
    assert HYPERLIQUID_COOLDOWN_SECONDS == 30
    assert "worth **more than 100,000 USDC** at the mark" in LESSON
    assert "only **20%** of it is" in LESSON
    assert "**cooldown of 30 seconds**" in LESSON


def test_the_first_step_of_a_large_and_a_small_long():
    account = large_hyperliquid_long()
    position = account.positions[0]
    assert position.quantity == 10 and position.isolated_margin == 30_000
    assert f"maintenance rate for BTC is {rate(HYPERLIQUID.brackets('BTC')[0].rate)}" in LESSON
    price = liquidation_of(account)
    assert f"liquidated at **{cents(price)}**" in LESSON
    assert f"it is worth **{dollars(position.quantity * price)}**" in LESSON
    closed, _ = hyperliquid_step(position.quantity, price)
    assert closed == 2
    assert "the first order sells **2 BTC**, 20% of it, and leaves 8 BTC" in LESSON
    small = btc_long(HYPERLIQUID, BTC_ENTRY, Decimal(20))
    assert liquidation_of(small) == price  # the same rate and leverage: the same price
    assert hyperliquid_step(1, price)[0] == 1
    assert (
        f"A 1 BTC long at 20x is liquidated at the same price, {cents(price)}, where it is "
        f"worth {dollars(price)}"
    ) in LESSON


def test_why_one_step_can_be_enough_and_where_the_rest_goes_next():
    account = large_hyperliquid_long()
    price = liquidation_of(account)
    maintenance = account.maintenance_margin(0, price)
    assert f"equals its maintenance margin: **{dollars(maintenance)}**" in LESSON
    rest_margin = after_the_sale(Decimal(30_000), Decimal(2), BTC_ENTRY, price)
    rest = Position("BTC", "long", 8, BTC_ENTRY, 20, margin=rest_margin)
    left = Account(rest_margin, (rest,), brackets={"BTC": HYPERLIQUID.brackets("BTC")},
                   venue="hyperliquid")  # fmt: skip
    # Filled at the mark, the margin balance does not move.
    assert rest_margin + rest.unrealized_pnl(price) == pytest.approx(maintenance, abs=TINY)
    assert f"only the 8 BTC left: **{dollars(left.maintenance_margin(0, price))}**" in LESSON
    loss = 2 * (BTC_ENTRY - price)
    assert f"The loss on the 2 BTC sold, {dollars(loss)}" in LESSON
    assert f"which leaves **{dollars(rest_margin)}** behind 8 BTC" in LESSON
    again = liquidation_of(left)
    assert f"if BTC falls to **{cents(again)}**, only {percent((price - again) / price)} lower" in (
        LESSON
    )
    assert f"when BTC reaches {cents(again)}</caption>" in LESSON
    for seconds, closed, leaves in [(12, Decimal(8), Decimal(0)), (45, Decimal("1.6"), 6.4)]:
        steps = hyperliquid_liquidation_steps(quantity=10, checks=[(0, price), (seconds, again)])
        assert steps[1].closed == closed and steps[1].remaining == Decimal(str(leaves))
        assert f'<th scope="row">{seconds} s after the first step</th>' in LESSON
    assert "<td>1.6 BTC, leaving 6.4</td>" in LESSON and "<td>8 BTC, all of it</td>" in LESSON
    assert steps[1].quantity_before * again > HYPERLIQUID_PARTIAL_ABOVE


def test_okx_cuts_the_eth_long_down_to_tier_1():
    maxima = okx_eth_tier_maxima()
    tiers = OKX.table("ETH").tiers
    assert OKX_FACE_VALUES["ETH"] == Decimal("0.1") and OKX.table("ETH").as_of == "2021-06-11"
    for n, word in [(1, "tier 1 runs up to"), (2, "tier 2 to"), (3, "tier 3 to"), (4, "tier 4 to")]:
        assert f"{word} {maxima[n - 1]:,.0f} ETH at {rate(tiers[n - 1].rate)}" in LESSON
    assert f"its fee to close, {rate(OKX.taker_fee)} of the value" in LESSON
    # OKX's own example, as the engine reproduces it.
    assert okx_step(15_000, [2_000, 6_000, 12_000, 18_000])[0] == 13_000
    assert "15,000 contracts, with tier 1 up to 2,000, closes 13,000" in LESSON
    account = okx_eth_long(Decimal(1_500), Decimal(450_000))
    assert account.positions[0].notional == 4_500_000
    price = liquidation_price(account, 0)
    assert tiers[3].rate + OKX.taker_fee == Decimal("0.0155")
    assert "its maintenance margin is 1.55% of its value" in LESSON
    assert f"it is liquidated at **{cents(price)}**" in LESSON
    maintenance = account.maintenance_margin(0, price)
    balance = 450_000 + account.positions[0].unrealized_pnl(price)
    assert balance == pytest.approx(maintenance, abs=TINY)
    assert f"are both **{dollars(maintenance)}**" in LESSON
    closed, _ = okx_step(1_500, maxima)
    assert closed == 1_200 and 1_500 - closed == maxima[0] == 300
    assert f"1,500 {MINUS} 300 = **1,200 ETH**" in LESSON
    rest_margin = after_the_sale(Decimal(450_000), closed, ETH_ENTRY, price)
    rest = okx_eth_long(maxima[0], rest_margin)
    rest_maintenance = rest.maintenance_margin(0, price)
    assert rate(tiers[0].rate + OKX.taker_fee) == "0.45%"
    assert f"need only 0.45% of their value: **{dollars(rest_maintenance)}**" in LESSON
    assert rest_maintenance < maintenance / 10  # "by more than nine tenths"
    assert f"**{dollars(rest_margin)}** of margin is left behind 300 ETH" in LESSON
    assert f"if ETH falls to **{cents(liquidation_price(rest, 0))}**" in LESSON


def test_the_backstop_between_the_liquidation_and_bankruptcy_prices():
    account = large_hyperliquid_long()
    tier = HYPERLIQUID.brackets("BTC")[0]
    two_thirds = (Bracket(0, tier.rate * 2 / 3),)
    backstop = liquidation_of(
        btc_long(HYPERLIQUID, Decimal(600_000), Decimal(20), brackets=two_thirds)
    )
    position = account.positions[0]
    left = position.isolated_margin + position.unrealized_pnl(backstop)
    assert left == pytest.approx(account.maintenance_margin(0, backstop) * 2 / 3, abs=TINY)
    assert "**two thirds of its maintenance margin**" in LESSON
    bankrupt = bankruptcy_price(account, 0)
    assert bankrupt == 57_000
    assert (
        f"reached at **{cents(backstop)}**, between the liquidation price, "
        f"{cents(liquidation_of(account))}, and the bankruptcy price, 57,000"
    ) in LESSON
    assert f"the margin balance is **{dollars(left)}**" in LESSON


def test_the_simulators_starting_value_is_past_both_liquidation_prices():
    price = liquidation_of(large_hyperliquid_long())
    assert BTC_ENTRY * (1 - Decimal("0.038")) <= price < BTC_ENTRY * (1 - Decimal("0.037"))
    assert "at a fall of 3.8% both are past it" in LESSON and "value=-3.8" in LESSON
    assert f"at {cents(price)} the 10 BTC long is worth {dollars(10 * price)}" in LESSON


@pytest.mark.django_db
def test_the_lesson_renders_with_its_simulator_and_its_links_resolve(client):
    html = client.get(URL).content.decode()
    widget = html[html.index('id="hyperliquid-move"') :]
    price = cents(liquidation_of(large_hyperliquid_long()))
    assert f"{price}, liquidated" in widget
    assert "\u22123.8%: 57,720.00" in widget
    for link in sorted(set(re.findall(r'<a [^>]*href="(/[^"#]*)', html))):
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link
