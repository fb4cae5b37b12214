"""Lesson 2's simulator (issue 27, item 12): the figures its text prints are the
engine's, for the scenario its preset holds, and the page shows them."""

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from core.numbers import money
from simulator.engine import liquidation_price
from simulator.sandbox.forms import SimulatorForms
from simulator.sandbox.services import build_account
from simulator.selectors import preset
from tests.curriculum.test_lesson_09_page import results

pytestmark = pytest.mark.django_db

LESSON_2 = (
    Path(__file__).resolve().parents[2] / "content" / "beginner" / "02-leverage-and-margin.md"
).read_text()
URL = "/learn/beginner/leverage-and-margin/"


def simulation_at(leverage: int):
    data = preset("l2-leverage").form_data()
    data["positions-0-leverage"] = str(leverage)
    forms = SimulatorForms(data)
    assert forms.is_valid(), forms.errors
    return forms.simulation


def dollars(value: Decimal) -> str:
    return money(value, trim=True)


def test_the_text_prints_the_engines_figures_for_the_preset():
    at_10x = simulation_at(10)
    account = build_account(at_10x.scenario)
    position = account.positions[0]
    assert (position.quantity, position.entry_price) == (Decimal("0.1"), Decimal(60000))
    state = at_10x.chosen.evaluation.positions[0]
    fall = (1 - state.mark_price / position.entry_price) * 100
    assert f"after a {fall:.0f}% fall to {state.mark_price:,.0f}" in LESSON_2
    assert f"in a {dollars(account.balance)} account" in LESSON_2
    for leverage in (1, 5, 10, 18):
        evaluation = simulation_at(leverage).chosen.evaluation
        assert not evaluation.positions[0].liquidated, leverage
        assert f"the same **{dollars(-evaluation.positions[0].unrealized_pnl)}**" in LESSON_2
        assert f"the account is worth **{dollars(evaluation.equity)}**" in LESSON_2
    assert simulation_at(19).chosen.evaluation.positions[0].liquidated
    assert "From 19x up the margin is too thin" in LESSON_2
    at_20x = simulation_at(20)
    evaluation = at_20x.chosen.evaluation
    lp = liquidation_price(build_account(at_20x.scenario), 0)
    margin = at_20x.chosen.rows[0].margin
    assert evaluation.positions[0].liquidated
    assert f"at 20x it is only {dollars(margin)}" in LESSON_2
    assert f"liquidated at about {lp.to_integral_value(rounding=ROUND_HALF_UP):,}" in LESSON_2
    assert f"you lose the whole **{dollars(evaluation.total_lost)}** of margin" in LESSON_2


def test_the_page_shows_the_simulator_at_the_texts_values(client):
    html = client.get(URL).content.decode()
    assert "not available" not in html
    start = results(html, "leverage")
    assert "Isolated: nothing is liquidated; equity is $5,700.00." in start
    moved = results(client.get(URL, {"leverage": "20"}).content.decode(), "leverage")
    assert "Isolated: BTC long liquidated, you lose $300.00" in moved
