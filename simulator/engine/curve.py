"""The exact equity line of an account along one symbol's price, for charts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from simulator.engine.accounts import Account, Mode, Position, mark_prices
from simulator.engine.inputs import ZERO, EngineError, Number, positive, show, to_decimal
from simulator.engine.liquidation import (
    Interval,
    cross_base,
    inside,
    isolated_liquidated,
    isolated_region,
    region_boundaries,
    take_snapshot,
    venue_region,
)


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """A corner of the equity curve and the positions liquidated there."""

    price: Decimal
    equity: Decimal
    liquidated: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class CurveSegment:
    """An open price interval on which equity is a straight line.

    `start_equity` and `end_equity` are its limits at the two ends; at the ends
    themselves the curve may jump (see the points).
    """

    start: Decimal
    end: Decimal
    start_equity: Decimal
    end_equity: Decimal
    liquidated: tuple[int, ...]

    def equity_at(self, price: Decimal) -> Decimal:
        """Equity at a price strictly inside the segment."""
        slope = (self.end_equity - self.start_equity) / (self.end - self.start)
        return self.start_equity + slope * (price - self.start)


@dataclass(frozen=True, slots=True)
class EquityCurve:
    """Account equity as a function of one symbol's mark, exactly.

    `points` are the corners in order of price; at a liquidation price there are
    two points with the same price: the value on the far side and the value at
    the price itself (where the position is already liquidated).
    """

    symbol: str
    points: tuple[CurvePoint, ...]
    segments: tuple[CurveSegment, ...]


def equity_curve(
    account: Account,
    symbol: str,
    low: Number,
    high: Number,
    marks: Mapping[str, Number] | None = None,
) -> EquityCurve:
    """Equity for every mark of `symbol` in [low, high], the other marks held.

    `low` may be 0: the curve then starts at its limit as the price goes to zero.

    Equity is a straight line in the price between liquidation prices (bracket
    boundaries bend the maintenance margin, not the equity) and jumps down where a
    position or the cross pot is liquidated, so the corners describe it exactly.
    """
    low = to_decimal(low, "The lowest price")
    high = positive(high, "The highest price")
    if low < 0:
        raise EngineError(f"The lowest price cannot be negative (got {show(low)}).")
    if low >= high:
        raise EngineError("The lowest price must be below the highest price.")
    if symbol not in account.symbols:
        raise EngineError(f"The account holds no position on {symbol}.")
    prices = mark_prices(account, marks, skip=symbol)
    prices.pop(symbol, None)
    snapshot = take_snapshot(account, prices)
    table = account._tables[symbol]

    # Constant part: cross wallet (if the cross pot lives) and positions on other symbols.
    constant_iso = ZERO
    fixed_liquidated: list[int] = []
    moving: list[tuple[int, Position, list[Interval]]] = []
    for i, position in enumerate(account.positions):
        if position.mode is not Mode.ISOLATED:
            continue
        if position.symbol == symbol:
            region = isolated_region(account, i, table)
            moving.append((i, position, region))
            continue
        pnl, mm = snapshot.pnl[i], snapshot.maintenance[i]
        assert pnl is not None and mm is not None
        if isolated_liquidated(account, i, pnl, mm):
            fixed_liquidated.append(i)
        else:
            constant_iso += position.isolated_margin + pnl

    cross_indices = tuple(i for i, p in enumerate(account.positions) if p.mode is Mode.CROSS)
    cross_members = snapshot.group_members.get(symbol, ())
    base = cross_base(account, snapshot, symbol)
    other_cross_pnl = snapshot.cross_pnl - snapshot.group_pnl.get(symbol, ZERO)
    cross_constant = account.cross_wallet + other_cross_pnl
    cross_region: list[Interval] | None = None
    cross_always_dead = False
    if cross_members:
        cross_region = venue_region(account, base, cross_members, table)
    elif snapshot.has_cross:
        cross_always_dead = cross_constant <= snapshot.cross_maintenance

    def line(price: Decimal, dead: set[int], cross_dead: bool) -> Decimal:
        total = constant_iso
        for i, position, _ in moving:
            if i not in dead:
                total += position.isolated_margin + position.unrealized_pnl(price)
        if not cross_dead:
            total += cross_constant
            for position in cross_members:
                total += position.unrealized_pnl(price)
        return total

    def state(price: Decimal) -> tuple[set[int], bool]:
        dead = {i for i, _, region in moving if inside(region, price)}
        if cross_region is None:
            return dead, cross_always_dead
        return dead, inside(cross_region, price)

    def labels(dead: set[int], cross_dead: bool) -> tuple[int, ...]:
        found = set(fixed_liquidated) | dead
        if cross_dead:
            found.update(cross_indices)
        return tuple(sorted(found))

    events = {low, high}
    regions = [region for _, _, region in moving]
    if cross_region is not None:
        regions.append(cross_region)
    for region in regions:
        events.update(b for b in region_boundaries(region) if low < b < high)
    ordered = sorted(events)

    interior = [state((a + b) / 2) for a, b in pairwise(ordered)]
    segments = tuple(
        CurveSegment(
            start=a,
            end=b,
            start_equity=line(a, *flags),
            end_equity=line(b, *flags),
            liquidated=labels(*flags),
        )
        for a, b, flags in zip(ordered[:-1], ordered[1:], interior, strict=True)
    )
    points: list[CurvePoint] = []

    def add(price: Decimal, flags: tuple[set[int], bool]) -> None:
        point = CurvePoint(price=price, equity=line(price, *flags), liquidated=labels(*flags))
        if not points or points[-1] != point:
            points.append(point)

    for k, price in enumerate(ordered):
        if k > 0:
            add(price, interior[k - 1])
        add(price, state(price))
        if k < len(interior):
            add(price, interior[k])
    return EquityCurve(symbol=symbol, points=tuple(points), segments=segments)
