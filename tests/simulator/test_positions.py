"""A position's figures as the simulator shows them (issue 27, item 4): a liquidated
isolated position lost its margin and nothing more, as lesson 4 says, whatever the
mark; the engine's state stays the position at the mark, which lessons read."""

import re
from decimal import Decimal

import pytest

from core.numbers import money
from simulator.engine import Mode, Side
from simulator.sandbox.services import PositionSpec, Scenario, simulate
from simulator.selectors import preset_data

pytestmark = pytest.mark.django_db


def btc_long(*, move: str, mode: Mode = Mode.ISOLATED) -> Scenario:
    """Lesson 4's BTC long: $1,000 margin at 10x from 60,000, in a $5,000 account."""
    spec = PositionSpec(
        symbol="BTC",
        side=Side.LONG,
        entry_price=Decimal(60000),
        leverage=Decimal(10),
        size_basis="margin",
        size=Decimal(1000),
        margin_mode=None,
    )
    return Scenario(
        balance=Decimal(5000), mode=mode, positions=(spec,), marks={"BTC": ("move", Decimal(move))}
    )


@pytest.mark.parametrize("move", ["-9.6", "-12", "-16", "-50", "-100"])
def test_a_liquidated_isolated_position_loses_its_margin_and_no_more(move):
    simulation = simulate(scenario=btc_long(move=move))
    row = simulation.chosen.rows[0]
    state = row.state
    assert state.liquidated and state.unrealized_pnl < -row.margin + state.maintenance_margin
    assert row.closed
    assert row.pnl == -row.margin == -Decimal(1000)
    assert row.margin_balance == 0
    assert row.maintenance_margin is None and row.margin_ratio is None
    # The same loss the account counts.
    evaluation = simulation.chosen.evaluation
    assert evaluation.total_lost == -row.pnl
    assert evaluation.equity == evaluation.balance + row.pnl


def test_an_open_position_shows_the_engines_figures_at_the_mark():
    row = simulate(scenario=btc_long(move="-5")).chosen.rows[0]
    assert not row.closed
    assert row.pnl == row.state.unrealized_pnl
    assert round(row.pnl, 9) == Decimal(-500)
    assert row.margin_balance == row.state.margin_balance
    assert row.maintenance_margin == row.state.maintenance_margin
    assert row.margin_ratio == row.state.margin_ratio


def test_a_liquidated_cross_pot_is_gone_and_never_below_zero():
    # The cross pot's loss is its wallet, counted on the account, not on a position;
    # its shared margin balance is shown as gone (0), never negative.
    simulation = simulate(scenario=btc_long(move="-90", mode=Mode.CROSS))
    row = simulation.chosen.rows[0]
    assert row.state.liquidated and row.state.margin_balance < 0
    assert row.closed and not row.isolated
    assert row.pnl == row.state.unrealized_pnl
    assert row.margin_balance == 0
    assert row.maintenance_margin is None and row.margin_ratio is None
    assert simulation.chosen.evaluation.total_lost == Decimal(5000)


def test_the_page_shows_a_liquidated_cross_account_gone(client):
    data = preset_data("two-isolated").dict()
    data["mode"] = "cross"
    data["mark_BTC"] = "-60%"
    page = client.post("/simulator/", data, follow=True).content.decode()
    cross = page[page.index('id="outcome-1"') : page.index('id="outcome-2"')]
    assert "Closed with the cross account: the cross wallet is lost, and no more." in cross
    assert figure(card(cross, "BTC"), "Margin balance") == money(Decimal(0))


def card(page: str, title: str) -> str:
    start = page.index(f'<p class="position-card-title">{title}')
    return page[start : page.index("</li>", start)]


def figure(card_html: str, name: str) -> str:
    return re.search(rf"<dt>{name}</dt><dd>([^<]*)</dd>", card_html).group(1)


def test_the_page_shows_a_liquidated_isolated_position_losing_its_margin(client):
    data = preset_data("two-isolated").dict()
    data["mark_BTC"] = "-16%"  # at the mark: a PnL of -$1,600 and a margin balance of -$600
    page = client.post("/simulator/", data, follow=True).content.decode()
    isolated = page[page.index('id="outcome-1"') : page.index('id="outcome-2"')]
    btc = card(isolated, "BTC long 10x")
    assert figure(btc, "Realized PnL") == money(Decimal(-1000))
    assert figure(btc, "Margin balance") == money(Decimal(0))
    assert figure(btc, "Maintenance margin") == figure(btc, "Margin ratio") == "—"
    assert "it lost its margin, $1,000.00, and no more" in btc
    for past_the_margin in (Decimal(-1600), Decimal(-600)):
        assert money(past_the_margin) not in isolated
