"""Replay an account along a price path: when exactly each position is lost, and what it costs.

Pure Python and `Decimal`, like the engine it drives (no Django). The rules are
in ``docs/engine.md`` ("Replaying a path"):

* A path is a list of `PathPoint`s: a time in hours from the start and the marks
  of the symbols that move (a symbol left out keeps its last mark; before its
  first, its entry price). Between two points every mark moves in a straight line,
  unless the later point is marked as a gap (`gap=True`): then the marks stay
  where they were until its time and jump to it, with no trading in between.
* A position (isolated) or the cross pot is liquidated where its mark first
  enters its liquidation region (`engine.liquidation_region`; for the cross pot,
  where its margin balance meets its maintenance margin), filled at that point:
  its liquidation price. Only a jump (a gap, or the first point, already inside
  the region) can carry a price past it: then it is filled at the jump's prices,
  and what it lost beyond its margin (past the bankruptcy price) is what the
  venue's insurance fund covers. Either way the trader loses the margin
  (isolated) or the cross wallet (cross), never more.
* Funding is paid every `venue.funding_hours` from the start (the path is taken to
  start at a funding time), at `rates` per symbol per interval and the mark of that
  moment (`engine.funding_payment`): an isolated position pays from its margin,
  a cross one from the cross wallet. A payment can leave a position inside its
  liquidation region: it is then liquidated at that moment's marks.
* The margin ratio (maintenance margin / margin balance) of each pot is checked at
  every point: crossing 50% and 80% upwards is an event.

The cost is linear in the number of points times the number of positions.

* A liquidation is a step of orders, one per position of the pot, each sized by
  its venue's rule (`backstops`): Hyperliquid's 20% steps with its 30 s cooldown,
  OKX's reduction to tier 1, the whole position elsewhere. A step that leaves part
  open is a `PARTIAL` event; its loss is paid from the pot, which goes on.
* With a `Market` (the insurance fund, other traders, their shortfalls): a fill
  past the bankruptcy price draws on the fund (`FUND`); what the fund cannot pay
  is taken from the opposite side in ADL rank order (`ADL`), the account's own
  positions ranked with the other traders', closed at the bankruptcy price.

The package, by concept: `points` (the path and its checks), `events` (what a
replay gives back), `market` (the fund and the traders around the account),
`pots` (the margin pots and where each is liquidated), `backstops` (each
position's order, and closing part of a pot) and `replayer` (the walk along the
path).
"""

from simulator.engine.replay.events import (
    RATIO_THRESHOLDS,
    Event,
    EventKind,
    FundDraw,
    Moment,
    Order,
    Replay,
)
from simulator.engine.replay.market import Market, Shortfall, Trader
from simulator.engine.replay.points import PathPoint
from simulator.engine.replay.replayer import replay

__all__ = [
    "RATIO_THRESHOLDS",
    "Event",
    "EventKind",
    "FundDraw",
    "Market",
    "Moment",
    "Order",
    "PathPoint",
    "Replay",
    "Shortfall",
    "Trader",
    "replay",
]
