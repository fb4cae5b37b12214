"""Issue 27, item 13: the "why does my exchange differ" breakdown speaks to a beginner."""

from decimal import Decimal as D

import pytest

from simulator.engine import VENUES, Account, Position, explain_liquidation_price, get_venue


def _steps(venue: str, notional: str = "60000") -> dict[str, str]:
    position = Position.from_notional("BTCUSDT", "long", D(notional), D(60000), D(10))
    brackets = {"BTCUSDT": get_venue(venue).brackets("BTCUSDT")}
    account = Account(D(100000), [position], brackets, venue=venue)
    return {step.label: step.detail for step in explain_liquidation_price(account, 0).steps}


@pytest.mark.parametrize("venue", sorted(VENUES))
def test_the_tier_step_has_no_jargon(venue):
    detail = _steps(venue, "600000").get("Maintenance tiers") or _steps(venue)["Maintenance rate"]
    assert "(from 0.00)" not in detail and "maintenance amount 0.00" not in detail
    assert "value as maintenance margin" in detail
    assert "third-party" not in detail


def test_a_venue_with_one_rate_is_not_said_to_have_tiers():
    steps = _steps("dydx")
    assert "Maintenance tiers" not in steps
    assert (
        "one rate for every size of position, the exchange keeps 3% of the value"
        in steps["Maintenance rate"]
    )


def test_a_tier_with_an_amount_says_what_the_amount_is_for():
    detail = _steps("binance", "600000")["Maintenance tiers"]
    assert "so that the tiers join up" in detail
    assert "in tier 2 of" in detail and "(positions worth 50,000.00 or more)" in detail


def test_no_table_is_described_as_a_third_party_copy():
    for venue in VENUES.values():
        assert "third-party" not in venue.tables_as_of
        assert all("third-party" not in table.as_of for table in venue.tables.values())
