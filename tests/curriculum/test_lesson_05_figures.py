"""Lesson 5, "Mark Price, Index Price and Last Price": every figure it prints is the
engine's, formatted as the lesson writes it; its widget, links and quiz work on the page."""

import html as html_lib
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from core.numbers import MINUS, money, number, percent, price
from simulator.engine import (
    Account,
    Position,
    evaluate,
    explain_liquidation_price,
    liquidation_price,
)
from simulator.engine.venues import VENUES

LESSON = (Path(settings.CONTENT_DIR) / "intermediate" / "05-mark-price.md").read_text()
URL = "/learn/intermediate/mark-price/"
ENTRY = Decimal(60000)
TIMES = "\u00d7"
# The lesson's inputs: lesson 3's long (0.1 BTC at 10x, $600 isolated) in a $2,000 account.
POSITION = Position("BTC", "long", Decimal("0.1"), ENTRY, 10)
ACCOUNT = Account(Decimal(2000), [POSITION])


def about(price: Decimal) -> str:
    """A price as the lesson writes it in words: 'about 54,271'."""
    return f"about {number(price, 0)}"


def row(caption_start: str) -> str:
    """The line of the lesson's table whose row header starts with these words."""
    return next(line for line in LESSON.splitlines() if f'<th scope="row">{caption_start}' in line)


def at(price: int):
    return evaluate(ACCOUNT, {"BTC": Decimal(price)}).positions[0]


def test_the_position_is_lesson_3s_with_its_liquidation_price():
    assert POSITION.initial_margin == 600
    price = liquidation_price(ACCOUNT, 0)
    assert number(price, 0) == "54,271"
    assert "its liquidation price is about 54,271" in LESSON
    assert "liquidation price about 54,271" in LESSON


@pytest.mark.parametrize(
    ("header", "price"),
    [("The mark, 58,500 (what counts)", 58500), ("The last price, 58,000", 58000)],
)
def test_the_table_of_pnl_and_margin_ratio_at_each_price(header, price):
    state = at(price)
    assert not state.liquidated
    line = row(header)
    for figure in (
        money(state.unrealized_pnl),  # -$150.00, -$200.00
        money(state.margin_balance),  # $450.00, $400.00
        money(state.maintenance_margin),  # $29.25, $29.00
        percent(state.margin_ratio),  # 6.50%, 7.25%
    ):
        assert f"<td>{figure}</td>" in line, figure


def test_the_steps_at_the_mark():
    state = at(58500)
    assert f"= **{money(state.unrealized_pnl)}**" in LESSON
    assert f"$600 {MINUS} $150 = **{money(state.margin_balance)}**" in LESSON
    assert f"0.1 {TIMES} 58,500 {TIMES} 0.5% = **{money(state.maintenance_margin)}**" in LESSON
    assert f"$29.25 ÷ $450 = **{percent(state.margin_ratio)}**" in LESSON


def test_the_wick_does_not_liquidate_at_the_mark():
    state = at(57600)
    assert not state.liquidated
    assert f"= **{money(-state.unrealized_pnl)}**" in LESSON  # $240.00
    assert f"$600 {MINUS} $240 = **{money(state.margin_balance)}**" in LESSON  # $360.00
    assert f"maintenance margin of **{money(state.maintenance_margin)}**" in LESSON  # $28.80
    assert f"margin ratio is only **{percent(state.margin_ratio)}**" in LESSON  # 8.00%
    equity = evaluate(ACCOUNT, {"BTC": Decimal(57600)}).equity
    assert f"$2,000 {MINUS} $240 = **{money(equity)}**" in LESSON  # $1,760.00


def test_the_wick_would_have_liquidated_on_the_last_price():
    outcome = evaluate(ACCOUNT, {"BTC": Decimal(53700)})
    state = outcome.positions[0]
    assert state.liquidated
    assert liquidation_price(ACCOUNT, 0) > 53700  # the wick goes past the liquidation price
    assert f"your loss would be {money(-state.unrealized_pnl)}" in LESSON  # $630.00
    assert f"margin balance would be **{money(state.margin_balance)}**" in LESSON  # -$30.00
    assert f"maintenance margin of **{money(state.maintenance_margin)}**" in LESSON  # $26.85
    assert f"lose its whole **{money(outcome.total_lost, trim=True)}**" in LESSON  # $600
    assert f"leaving your account at **{money(outcome.equity)}**" in LESSON  # $1,400.00


def test_the_mark_liquidates_while_the_last_price_still_reads_above_it():
    why = explain_liquidation_price(ACCOUNT, 0, {"BTC": 58000}, last_price=58400)
    last_step = why.steps[-1]
    assert last_step.label == "Mark price versus last price"
    assert "400.00 above it" in last_step.detail
    assert "the perpetual trades 400 above the mark" in LESSON
    gap = Decimal(58400) - Decimal(58000)
    assert f"would read about {price(why.price + gap)}" in last_step.detail  # 54,671.36
    assert f"liquidation price of {about(why.price)}, the last price still reads " in LESSON
    assert f"still reads {about(why.price + gap)}" in LESSON  # about 54,671, above 54,271


def test_the_slider_values_are_the_examples_prices():
    presets = yaml.safe_load((Path(settings.CONTENT_DIR) / "presets.yaml").read_text())
    preset = presets["l5-mark-wick"]
    (spec,) = preset["positions"]
    assert preset["balance"] == 2000 and preset["mode"] == "isolated" and preset["tiers"] == "flat"
    assert (spec["side"], spec["entry_price"], spec["leverage"], spec["margin"]) == (
        "long",
        60000,
        10,
        600,
    )
    assert preset["marks"] == {"BTC": "-4%"}
    for move, mark in [(Decimal(-4), 57600), (Decimal("-10.5"), 53700)]:
        assert ENTRY * (1 + move / 100) == mark
        assert f"{number(move, trim=True)}% ({number(Decimal(mark), 0)})" in LESSON
    assert "value=-4 " in LESSON


def test_the_venue_table_names_each_venue():
    table = LESSON[LESSON.index("<caption>The mark price at five venues</caption>") :]
    table = table[: table.index("</table>")]
    headers = re.findall(r'<th scope="row">([^<]+)</th>', table)
    assert len(headers) == len(VENUES)
    for venue, header in zip(VENUES.values(), headers, strict=True):
        assert header.split()[0] == venue.name.split()[0]


# ----------------------------------------------------------------------------- on the page


def page_text(html: str) -> str:
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


@pytest.mark.django_db
def test_the_page_shows_the_widget_and_the_mark_decides(client):
    html = client.get(URL).content.decode()
    widget = html[html.index('<section id="mark-move"') :]
    widget = page_text(widget[: widget.index("</section>")])
    assert "BTC \u22124%: 57,600.00" in widget
    calm = evaluate(ACCOUNT, {"BTC": Decimal(57600)})
    assert f"Isolated: nothing is liquidated; equity is {money(calm.equity)}." in widget
    assert f"BTC long: liquidation price {price(liquidation_price(ACCOUNT, 0))} " in widget
    wicked = page_text(client.get(URL, {"mark_move": "-10.5"}).content.decode())
    assert "BTC \u221210.5%: 53,700.00" in wicked
    wick = evaluate(ACCOUNT, {"BTC": Decimal(53700)})
    assert (
        f"Isolated: BTC long liquidated, you lose {money(wick.total_lost)}; "
        f"equity is {money(wick.equity)}."
    ) in wicked


@pytest.mark.django_db
def test_every_internal_link_resolves_and_the_quiz_follows(client):
    html = client.get(URL).content.decode()
    links = set(re.findall(r'href="(/[^"#]*)', html))
    lesson_links = {link for link in re.findall(r"\]\((/[^)#]*)", LESSON)}
    assert lesson_links <= links
    for link in lesson_links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link
    assert 'href="/quiz/mark-price/"' in html
    assert "http" not in LESSON  # nothing outside the site
