"""Lesson 14, "Auto-deleveraging and the insurance fund": every figure it prints is the
engine's (the bankruptcy and liquidation prices from its liquidation rules; the fund, the
ranking and the closes from simulator/engine/deleveraging.py), recomputed here,
formatted as the lesson writes it, and looked up in its text."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from core.numbers import percent
from simulator.engine import (
    Account,
    Counterparty,
    Position,
    adl_ranking,
    bankruptcy_price,
    deleverage,
    liquidation_price,
)
from tests.curriculum.formats import MINUS, TIMES, cents, dollars

LESSON_FILE = (
    Path(__file__).resolve().parents[2]
    / "content"
    / "advanced"
    / "14-auto-deleveraging-and-the-insurance-fund.md"
)
LESSON = LESSON_FILE.read_text()
URL = "/learn/advanced/auto-deleveraging-and-the-insurance-fund/"
ENTRY, GAP, FUND = Decimal(60_000), Decimal(52_800), Decimal(4_800)
RATE = Decimal("0.005")  # the lessons' flat maintenance rate


def large_long() -> Account:
    """10 BTC at 60,000 with 10x: $600,000 on $60,000 of isolated margin."""
    position = Position("BTC", "long", 10, ENTRY, 10)
    return Account(position.isolated_margin, (position,))


def short(name: str, quantity: int, entry: int, margin: int) -> Counterparty:
    """An isolated short at the gap's mark, its maintenance margin at the flat rate."""
    return Counterparty(name, "short", quantity, entry, GAP, margin, quantity * GAP * RATE)


SHORTS = [
    short("A", 2, 60_000, 12_000),
    short("B", 5, 56_000, 14_000),
    short("C", 3, 58_000, 174_000),
]


def share(fraction: Decimal) -> str:
    """A percentage as the lesson prints it: 12%, 5.71%, 4.4%."""
    return percent(fraction, 2, trim=True)


def four(value: Decimal) -> str:
    """A score or a leverage as the lesson prints it: to 4 decimals, no trailing zeros."""
    return f"{value.quantize(Decimal('0.0001')).normalize():f}"


def the_shortfall() -> Decimal:
    account = large_long()
    return -account.positions[0].unrealized_pnl(GAP) - account.positions[0].isolated_margin


def the_deleveraging():
    return deleverage(
        shortfall=the_shortfall(),
        fund=FUND,
        bankruptcy_price=bankruptcy_price(large_long(), 0),
        liquidated_side="long",
        positions=SHORTS,
        venue="bitmex",
    )


def test_the_bankruptcy_price_and_the_shortfall():
    account = large_long()
    position = account.positions[0]
    assert position.notional == 600_000 and position.isolated_margin == 60_000
    assert "worth $600,000, with **$60,000** of margin" in LESSON
    bankrupt = bankruptcy_price(account, 0)
    per_coin = position.isolated_margin / position.quantity
    assert f"60,000 {MINUS} {per_coin:,.0f} = **{bankrupt:,.0f}**" in LESSON
    price = liquidation_price(account, 0)
    assert f"Its liquidation price, a little before that, is **{cents(price)}**" in LESSON
    left = position.isolated_margin + position.unrealized_pnl(price)
    assert left == pytest.approx(account.maintenance_margin(0, price), abs=Decimal("1e-18"))
    assert f"**{dollars(left)}** of margin is still left" in LESSON
    assert ENTRY * Decimal("0.88") == GAP
    loss = -position.unrealized_pnl(GAP)
    assert f"It has lost **{dollars(loss)}**" in LESSON
    shortfall = the_shortfall()
    assert shortfall == position.quantity * (bankrupt - GAP) == 12_000
    assert (
        f"The missing **{dollars(shortfall)}** is the **shortfall**, the loss beyond the "
        f"bankruptcy price: 10 BTC {TIMES} (54,000 {MINUS} 52,800)"
    ) in LESSON


def test_the_fund_pays_first():
    result = the_deleveraging()
    assert result.fund_used == FUND and result.fund_after == 0
    assert f"Say the fund holds **{dollars(FUND)}**" in LESSON
    rest = result.shortfall - result.fund_used
    assert f"**{dollars(rest)}** of the shortfall is still unpaid" in LESSON
    assert f"ADL must find **{dollars(rest)}**" in LESSON


def test_the_three_shorts_ranked():
    ranking = adl_ranking(SHORTS, venue="bitmex")
    assert [entry.counterparty.name for entry in ranking] == ["B", "A", "C"]
    for entry in ranking:
        who = entry.counterparty
        row = (
            f"<td>${who.collateral:,.0f}</td><td>{dollars(who.unrealized_pnl)}</td>"
            f"<td>{share(entry.pnl_percentage)}</td><td>{four(entry.leverage)}x</td>"
            f"<td>{four(entry.score)}</td><td>{entry.rank}</td></tr>"
        )
        assert (
            f'<th scope="row">{who.name}</th><td>{who.quantity} BTC from {who.entry_price:,}'
            in (LESSON)
        )
        assert row in LESSON, who.name
    b = ranking[0].counterparty
    assert (
        f"its {dollars(b.quantity * b.mark_price)} position stands on only {dollars(b.equity)} "
        f"of margin and profit, an effective leverage of {four(ranking[0].leverage)}x"
    ) in LESSON


def test_binances_leverage_pnl_gives_the_same_queue():
    ranking = adl_ranking(SHORTS, venue="binance")
    assert [entry.counterparty.name for entry in ranking] == ["B", "A", "C"]
    shown = {
        entry.counterparty.name: (
            f"{share(entry.pnl_percentage)} {TIMES} {share(entry.leverage)} = "
            f"**{entry.score.quantize(Decimal('0.0001')).normalize():f}**"
        )
        for entry in ranking
    }
    assert f"short B scores {shown['B']}" in LESSON
    assert f"short A {shown['A']}" in LESSON
    assert f"short C **{ranking[2].score.quantize(Decimal('0.0001')):f}**" in LESSON
    # The forum's example, as the engine's test reproduces it.
    maintenance = Decimal("0.1342") * (Decimal("4.27") + Decimal("40.2"))
    trader = Counterparty("trader", "short", 1, 100, Decimal("59.8"), Decimal("4.27"), maintenance)
    (entry,) = adl_ranking([trader], venue="binance")
    assert entry.pnl_percentage.quantize(Decimal("0.01")) == Decimal("9.41")
    assert entry.score.quantize(Decimal("0.01")) == Decimal("1.26")
    assert "a Pnl Percent of **9.41** and a LeveragePnL of **1.26**" in LESSON


def test_who_is_closed_how_much_and_at_what_price():
    result = the_deleveraging()
    bankrupt = bankruptcy_price(large_long(), 0)
    assert all(step.price == bankrupt for step in result.steps)
    assert f"gives up **{dollars(bankrupt - GAP)}** per bitcoin" in LESSON
    first, second = result.steps
    assert (first.name, first.closed, first.whole, first.taken) == ("B", 5, True, 6_000)
    assert f"gives {dollars(bankrupt - GAP)} on each of its 5 BTC: **{dollars(first.taken)}**" in (
        LESSON
    )
    b = SHORTS[1]
    assert (
        f"5 {TIMES} (56,000 {MINUS} 54,000) = {dollars(5 * (b.entry_price - bankrupt))}, "
        f"instead of the {dollars(b.unrealized_pnl)} it showed"
    ) in LESSON
    assert (second.name, second.closed, second.whole, second.taken) == ("A", 1, False, 1_200)
    assert f"gives the last **{dollars(second.taken)}**: **1 BTC** of its 2 is closed" in LESSON
    assert "C" not in {step.name for step in result.steps}
    assert result.fund_after == 0 and result.uncovered == 0
    assert (
        f"the {dollars(result.shortfall)} is paid: {dollars(result.fund_used)} by the fund, "
        f"{dollars(result.taken)} by ADL"
    ) in LESSON


def test_bitmexs_example():
    """BitMEX's six longs with their published scores (tests/simulator/test_deleveraging.py
    builds positions behind them the same way)."""
    published = {1: 3, 2: 6, 3: 1, 4: 4, 5: 5, 6: 2}
    contracts = {1: 10, 2: 10, 3: 20, 4: 30, 5: 20, 6: 10}
    for n in published:
        assert (
            f'<tr><th scope="row">{n}</th><td>{contracts[n]}</td><td>{published[n]}</td></tr>'
        ) in LESSON
    longs = [
        Counterparty(f"{n}", "long", contracts[n], 600, 700, contracts[n] * (70 - 10 * score))
        for n, score in published.items()
    ]
    queue = [entry.counterparty.name for entry in adl_ranking(longs, venue="bitmex")]
    assert queue == ["2", "5", "4", "1", "6", "3"]
    assert f"the queue is **{', '.join(queue)}**" in LESSON
    result = deleverage(
        shortfall=20 * 50,
        fund=0,
        bankruptcy_price=650,
        liquidated_side="short",
        positions=longs,
        venue="bitmex",
    )
    kept = result.steps[1].quantity_before - result.steps[1].closed
    assert [(step.name, step.closed) for step in result.steps] == [("2", 10), ("5", 10)]
    assert f"account 5, which keeps **{kept}** of its 20" in LESSON
    assert "a short of **20 contracts** is liquidated with a bankruptcy price of **650**" in LESSON


def two_shorts() -> tuple[Account, list[Counterparty]]:
    """The simulator's preset: two 1 BTC shorts from 60,000, at 20x and at 5x."""
    positions = (
        Position("BTC", "short", 1, ENTRY, 20),
        Position("BTC", "short", 1, ENTRY, 5),
    )
    account = Account(Decimal(15_000), positions)
    parties = [
        Counterparty(f"{p.leverage}x", "short", 1, ENTRY, GAP, p.isolated_margin) for p in positions
    ]
    return account, parties


def test_the_two_shorts_of_the_simulator():
    account, parties = two_shorts()
    assert [p.isolated_margin for p in account.positions] == [3_000, 12_000]
    ranking = adl_ranking(parties, venue="bitmex")
    assert [entry.counterparty.name for entry in ranking] == ["20x", "5x"]
    assert {p.unrealized_pnl for p in parties} == {Decimal(7_200)}
    assert "both are $7,200 in profit, the same 12% of their value" in LESSON
    high, low = ranking
    assert (
        f"stands on {dollars(high.counterparty.equity)}, an effective leverage of about "
        f"**{high.leverage.quantize(Decimal('0.01'))}x** and a score of **{four(high.score)}**"
    ) in LESSON
    assert (
        f"stands on {dollars(low.counterparty.equity)}, **{four(low.leverage)}x** and "
        f"**{four(low.score)}**"
    ) in LESSON
    near, far = (cents(liquidation_price(account, i)) for i in (0, 1))
    assert f"rises to {near}, the 5x short only at {far}" in LESSON


@pytest.mark.django_db
def test_the_lesson_renders_with_its_simulator_and_its_links_resolve(client):
    html = client.get(URL).content.decode()
    widget = html[html.index('id="two-shorts"') :]
    account, _ = two_shorts()
    assert "\u221212%: 52,800.00" in widget
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", widget))
    for index in (0, 1):
        assert f"liquidation price {cents(liquidation_price(account, index))}" in text
    for link in sorted(set(re.findall(r'<a [^>]*href="(/[^"#]*)', html))):
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link
