"""Lesson 3's simulator (issue 27, item 12): the figures its text prints are the
engine's, for the scenario its preset holds, and the page shows them."""

import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from core.numbers import money, price
from simulator.engine import liquidation_price
from simulator.sandbox.forms import SimulatorForms
from simulator.sandbox.services import build_account
from simulator.selectors import preset
from tests.curriculum.test_lesson_09_page import results

pytestmark = pytest.mark.django_db

LESSON_3 = (
    Path(__file__).resolve().parents[2]
    / "content"
    / "beginner"
    / "03-liquidation-and-maintenance-margin.md"
).read_text()
URL = "/learn/beginner/liquidation-and-maintenance-margin/"


def simulation_at(move: str):
    data = preset("l3-isolated-long").form_data()
    data["mark_BTC"] = f"{move}%"
    forms = SimulatorForms(data)
    assert forms.is_valid(), forms.errors
    return forms.simulation


def whole(value: Decimal) -> str:
    return f"{value.to_integral_value(rounding=ROUND_HALF_UP):,}"


def test_the_text_prints_the_engines_figures_for_the_preset():
    still_open = simulation_at("-9")
    account = build_account(still_open.scenario)
    position = account.positions[0]
    assert (position.quantity, position.entry_price, position.leverage) == (
        Decimal("0.1"),
        Decimal(60000),
        Decimal(10),
    )
    assert f"its {money(position.initial_margin, trim=True)} of margin isolated" in LESSON_3
    assert f"in a {money(account.balance, trim=True)} account" in LESSON_3
    lp = liquidation_price(account, 0)
    assert f"it has passed {price(lp)}" in LESSON_3  # 54,271.36

    state = still_open.chosen.evaluation.positions[0]
    distance = (state.distance_to_liquidation * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert not state.liquidated
    assert f"At a fall of 9%, to {whole(state.mark_price)}, the position is still open" in LESSON_3
    assert f"about {distance}% above its liquidation price" in LESSON_3  # 0.6%

    liquidated = simulation_at("-10")
    evaluation = liquidated.chosen.evaluation
    assert evaluation.positions[0].liquidated
    assert f"Move BTC to −10%, to {whole(evaluation.positions[0].mark_price)}" in LESSON_3
    lost = money(evaluation.total_lost, trim=True)
    assert f"the account loses its **{lost}** of margin, no more" in LESSON_3  # $600
    assert evaluation.total_lost == position.initial_margin


def test_the_page_shows_the_simulator_at_the_texts_values(client):
    html = client.get(URL).content.decode()
    assert "not available" not in html
    start = results(html, "lp-move")
    assert "BTC \u22129%: 54,600.00" in start
    assert "Isolated: nothing is liquidated" in start
    moved = results(client.get(URL, {"lp_move": "-10"}).content.decode(), "lp-move")
    assert "Isolated: BTC long liquidated, you lose $600.00" in moved
    assert re.search(r"liquidation price 54,271\.36, liquidated", moved)
