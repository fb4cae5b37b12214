"""What a replay gives back: its events, the account at each point, the equity curve."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from simulator.engine.accounts import Account
from simulator.engine.inputs import ZERO

RATIO_THRESHOLDS = (Decimal("0.5"), Decimal("0.8"))
# 1/6 BTC carries 28 digits: a pot filled exactly at its bankruptcy price can come
# out a hair below zero, which is not past it.
BANKRUPT = Decimal("-1E-9")


class EventKind(StrEnum):
    FUNDING = "funding"
    RATIO = "ratio"
    LIQUIDATION = "liquidation"
    END = "end"


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened on the way, at `time` (hours from the start).

    `positions` are indices into the replayed account's positions. `amount`: for
    funding what was paid in all (negative: received), for a liquidation the
    margin the trader lost, at the end the equity left. `insurance` (liquidations):
    what the insurance fund receives (positive) or covers (negative). `gap`
    (liquidations): filled at a jump's prices (a gap, or the first point at time 0),
    not at the liquidation price. `ratio` and `threshold`: the margin ratio that
    crossed it.
    """

    kind: EventKind
    time: Decimal
    marks: Mapping[str, Decimal]
    positions: tuple[int, ...] = ()
    amount: Decimal = ZERO
    insurance: Decimal | None = None
    gap: bool = False
    cross: bool = False
    ratio: Decimal | None = None
    threshold: Decimal | None = None

    @property
    def beyond_bankruptcy(self) -> bool:
        """Filled past the bankruptcy price: the insurance fund covers what was lost
        beyond the margin (only a gap can do that)."""
        return self.insurance is not None and self.insurance < BANKRUPT


@dataclass(frozen=True, slots=True)
class Moment:
    """The account at one point of the path, after everything up to then.

    `account` holds the positions still open; `open` maps them to the replayed
    account's indices (`account.positions[k]` is position `open[k]`).
    """

    step: int
    time: Decimal
    marks: Mapping[str, Decimal]
    account: Account
    open: tuple[int, ...]
    equity: Decimal
    lost: Decimal
    """Margin lost to liquidations so far."""
    funding: Decimal
    """Funding paid so far (negative: received)."""


@dataclass(frozen=True, slots=True)
class Replay:
    moments: tuple[Moment, ...]
    events: tuple[Event, ...]
    curve: tuple[tuple[Decimal, Decimal], ...]
    """(time, equity): exact as straight lines between these corners, with two corners
    at the same time where a liquidation or a funding payment changes the equity."""

    @property
    def liquidated(self) -> tuple[int, ...]:
        """Indices of the positions liquidated, in the order they were."""
        return tuple(
            index
            for event in self.events
            if event.kind is EventKind.LIQUIDATION
            for index in event.positions
        )

    @property
    def final(self) -> Moment:
        return self.moments[-1]
