"""The same position on every exchange, for the liquidation-price tool's table.

Each venue is worked out by `liquidation_compute`, with its own rule, tiers and
standard fees (the chosen venue with the fees typed in the form). Funding is left
out: the venues pay it at different intervals, so the same rate and count of
intervals would mean different things on each.
"""

from dataclasses import dataclass, replace
from decimal import Decimal

from simulator.engine.venues import VENUES, Venue
from simulator.tools.calculators import (
    LiquidationInputs,
    LiquidationResult,
    ToolError,
    liquidation_compute,
)


@dataclass(frozen=True, slots=True)
class VenueRow:
    venue: Venue
    chosen: bool  # the venue the form names
    result: LiquidationResult | None  # None: the venue refuses the position (problem says why)
    problem: str


def venues_compare(*, inputs: LiquidationInputs) -> tuple[VenueRow, ...]:
    """The position of `inputs` on each venue, in the venues' display order."""
    rows = []
    for venue in VENUES.values():
        chosen = venue.key == inputs.venue
        same = replace(inputs, venue=venue.key, funding_rate=Decimal(0), funding_intervals=0)
        if not chosen:
            same = replace(same, maker_fee=venue.maker_fee, taker_fee=venue.taker_fee)
        try:
            rows.append(VenueRow(venue, chosen, liquidation_compute(inputs=same), ""))
        except ToolError as error:
            rows.append(VenueRow(venue, chosen, None, error.message))
    return tuple(rows)
