"""Lesson 12, "Portfolio Margin": every figure it prints is the engine's (Binance's
Portfolio Margin rule in simulator/engine/portfolio.py), recomputed here, formatted as the
lesson writes it, and looked up in its text; its simulator's preset is the pair it works."""

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from core.numbers import percent, price
from simulator.engine import (
    BINANCE_PORTFOLIO_MARGIN,
    Account,
    Position,
    Wallet,
    evaluate,
    get_portfolio_rule,
    liquidation_price,
    portfolio_margin,
)
from simulator.engine.inputs import EngineError
from simulator.sandbox.forms import SimulatorForms
from simulator.sandbox.services import build_account
from simulator.selectors import preset
from tests.curriculum.formats import MINUS, TIMES, dollars

LESSON = (
    Path(__file__).resolve().parents[2] / "content/advanced/12-portfolio-margin.md"
).read_text()
URL = "/learn/advanced/portfolio-margin/"
PAIR = (
    Position("BTC", "long", "0.2", 60000, 10, mode="cross"),
    Position("ETH", "short", 4, 3000, 10, mode="cross"),
)
ACCOUNT = Account(Decimal(1000), PAIR)


def at(btc, eth=3000, **rest):
    return portfolio_margin(ACCOUNT, marks={"BTC": btc, "ETH": eth}, **rest)


def ratio(found) -> str:
    return percent(found.ratio)


def test_the_pair_at_entry_and_after_two_moves():
    entry = at(60000)
    assert (entry.adjusted_equity, entry.maintenance) == (1000, 120)
    assert f"so the uniMMR is 1,000 ÷ 120 = **{ratio(entry)}**" in LESSON  # 833.33%
    both = at(55200, 2760)
    assert both.adjusted_equity == 1000
    assert f"the maintenance margin falls to {dollars(both.maintenance)}" in LESSON
    assert f"the uniMMR rises to **{ratio(both)}**" in LESSON  # 905.80%
    alone = at(55800)
    assert alone.positions[0].unrealized_pnl == -840
    assert (
        f"The equity is {dollars(alone.adjusted_equity)}, the maintenance margin $55.80 + $60 = "
        f"{dollars(alone.maintenance)}, and the uniMMR **{ratio(alone)}**"
    ) in LESSON


def test_the_levels_table_is_binances():
    levels = BINANCE_PORTFOLIO_MARGIN.levels
    thresholds = [Decimal("1.5"), Decimal("1.2"), Decimal("1.05"), 1, None]
    assert [level.above for level in levels] == thresholds
    bounds = [
        "Above 150%",
        "Above 120%, up to 150%",
        "Above 105%, up to 120%",
        "Above 100%, up to 105%",
        "100% or less",
    ]
    for bound, level in zip(bounds, levels, strict=True):
        row = f'<tr><th scope="row">{bound}</th><td>{level.name[0].upper()}{level.name[1:]}</td>'
        assert row in LESSON, row
    assert BINANCE_PORTFOLIO_MARGIN.liquidation_threshold == Decimal("1.05")
    assert at(60000).level.name == "trade freely"


@pytest.mark.parametrize(
    ("threshold", "text", "fall"),
    [("1.5", "55,869.02", "6.88%"), ("1.2", "55,694.16", "7.18%"),
     ("1.05", "55,606.94", "7.32%"), ("1", "55,577.89", "7.37%")],
)  # fmt: skip
def test_btcs_price_at_each_bound(threshold, text, fall):
    t = Decimal(threshold)
    # equity 1,000 + 0.2 (P - 60,000) = t x (0.5% of 0.2 P + $60)
    bound = (Decimal(11000) + 60 * t) / (Decimal("0.2") - Decimal("0.001") * t)
    assert at(bound).ratio == pytest.approx(t, abs=Decimal("1e-20"))
    assert price(bound) == text
    moved = ((1 - bound / 60000) * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    row = f'<tr><th scope="row">{percent(t, trim=True)}</th><td>{text}</td><td>{moved}%</td></tr>'
    assert row in LESSON
    assert f"{moved}%" == fall
    cent = Decimal("0.01")
    above, below = at(bound + cent).level, at(bound - cent).level
    levels = BINANCE_PORTFOLIO_MARGIN.levels
    assert levels.index(below) == levels.index(above) + 1


def test_the_loss_to_liquidation():
    entry, later = at(60000), at(55800)
    assert f"$1,000 {MINUS} 1.05 {TIMES} $120 = **{dollars(entry.loss_to_liquidation)}**" in LESSON
    assert (
        f"it is down to {dollars(later.adjusted_equity)} {MINUS} 1.05 {TIMES} "
        f"{dollars(later.maintenance)} = **{dollars(later.loss_to_liquidation)}**"
    ) in LESSON


@pytest.mark.django_db
def test_the_simulator_ties_to_the_unimmr():
    state = evaluate(ACCOUNT, {"BTC": 55800, "ETH": 3000})
    cross = state.positions[0].margin_ratio
    assert cross == pytest.approx(1 / at(55800).ratio, abs=Decimal("1e-25"))
    unimmr = ratio(at(55800))
    assert f"{percent(cross)} at BTC 55,800 is a uniMMR of 1 ÷ {cross} = {unimmr}" in LESSON
    for level, shown in [("1.5", "66.67%"), ("1.2", "83.33%"), ("1.05", "95.24%")]:
        assert percent(1 / Decimal(level)) == shown and shown in LESSON
    assert f"The simulator liquidates at 100%, at {price(liquidation_price(ACCOUNT, 0))}" in LESSON
    # The embed's preset is this pair.
    forms = SimulatorForms(preset("l12-hedged-pair").form_data())
    assert forms.is_valid(), forms.errors
    built = build_account(forms.scenario())
    assert built.balance == ACCOUNT.balance
    assert [(p.symbol, p.side, p.quantity, p.entry_price, p.leverage) for p in built.positions] == [
        (p.symbol, p.side, p.quantity, p.entry_price, p.leverage) for p in PAIR
    ]
    assert "[[simulator preset=l12-hedged-pair control=move:BTC" in LESSON


def test_coins_in_the_margin_account():
    found = at(55200, wallet=Wallet({"BTC": "0.1"}, "binance"), prices={"BTC": 55200})
    lines = {row.asset: row for row in found.assets}
    assert f"0.1 {TIMES} 55,200 {TIMES} 95% = {dollars(lines['BTC'].adjusted_value)}" in LESSON
    assert lines["USDT"].equity == 40 and f"$1,000 {MINUS} $960 = $40" in LESSON
    assert f"the adjusted equity is **{dollars(found.adjusted_equity)}**" in LESSON
    shown = f"a maintenance margin of {dollars(found.maintenance)}, a uniMMR of **{ratio(found)}**"
    assert shown in LESSON


def test_okx_and_bybit_are_refused_with_the_reason_the_lesson_gives():
    for venue in ("okx", "bybit"):
        with pytest.raises(EngineError, match="not in our sources"):
            get_portfolio_rule(venue)
    assert "Those scenario tables are not in our sources" in LESSON


@pytest.mark.django_db
def test_the_page_shows_the_simulator(client):
    page = client.get(URL).content.decode()
    assert 'id="hedged-pair"' in page and "uniMMR" in page
