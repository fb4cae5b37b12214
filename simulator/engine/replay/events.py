"""What a replay gives back: its events, the account at each point, the equity curve."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from simulator.engine.accounts import Account
from simulator.engine.deleveraging import Deleveraged
from simulator.engine.inputs import ZERO

RATIO_THRESHOLDS = (Decimal("0.5"), Decimal("0.8"))
# 1/6 BTC carries 28 digits: a pot filled exactly at its bankruptcy price can come
# out a hair below zero, which is not past it.
BANKRUPT = Decimal("-1E-9")


class EventKind(StrEnum):
    FUNDING = "funding"
    RATIO = "ratio"
    LIQUIDATION = "liquidation"
    PARTIAL = "partial-liquidation"  # a step that leaves part of the position open
    FUND = "insurance-fund"  # a loss beyond bankruptcy drawn on the venue's fund
    ADL = "auto-deleveraging"  # a position closed at a bankruptcy price the fund could not pay
    END = "end"


@dataclass(frozen=True, slots=True)
class Order:
    """One liquidation order of a step: what it closed of a position, at what price,
    by which rule (named), and what it left."""

    position: int  # index into the replayed account's positions
    quantity_before: Decimal
    closed: Decimal
    price: Decimal
    realized: Decimal  # the PnL of the part closed, paid from (or into) its pot
    rule: str

    @property
    def remaining(self) -> Decimal:
        return self.quantity_before - self.closed


@dataclass(frozen=True, slots=True)
class FundDraw:
    """A loss beyond a bankruptcy price, and what the insurance fund paid of it.

    `source`: "yours" (one of the replayed account's liquidations) or "market"
    (other traders' liquidations, given with the path). `side` is the side that was
    liquidated; the opposite side is deleveraged for what the fund cannot pay."""

    symbol: str
    side: str
    shortfall: Decimal
    bankruptcy_price: Decimal
    fund_before: Decimal
    fund_used: Decimal
    fund_after: Decimal
    deleveraged: Decimal  # taken from the opposite side by ADL
    uncovered: Decimal  # what neither could pay
    source: str


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened on the way, at `time` (hours from the start).

    `positions` are indices into the replayed account's positions. `amount`: for
    funding what was paid in all (negative: received), for a liquidation the
    margin the trader lost, at the end the equity left. `insurance` (liquidations):
    what the insurance fund receives (positive) or covers (negative). `gap`
    (liquidations): filled at a jump's prices (a gap, or the first point at time 0),
    not at the liquidation price. `ratio` and `threshold`: the margin ratio that
    crossed it. `orders` (liquidations and partial steps): each position's order.
    `fund` (FUND and ADL): the draw on the insurance fund; `deleveraged` (ADL): one
    position closed, the replayed account's (`positions`) or another trader's
    (`deleveraged.name`).
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
    orders: tuple[Order, ...] = ()
    fund: FundDraw | None = None
    deleveraged: Deleveraged | None = None

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
    fund: Decimal | None = None
    """The venue's insurance fund, when the path gives a market."""
    collateral: Decimal | None = None
    """With a multi-asset wallet: the cross wallet, its coins at these marks."""


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
