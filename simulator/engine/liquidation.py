"""Liquidation and bankruptcy prices: where a margin pot's equity meets its maintenance margin."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter

from simulator.engine.accounts import Account, Mode, Position, checked_index, mark_prices
from simulator.engine.inputs import ZERO, Number
from simulator.engine.tiers import Table

Interval = tuple[Decimal, Decimal | None]


"""A closed price interval [low, high]; high None means unbounded."""


def pot_region(base: Decimal, members: Sequence[Position], table: Table) -> list[Interval]:
    """Prices P > 0 (of the members' symbol) at which a margin pot is liquidated.

    The pot is worth f(P) = base + sum(side x qty x (P - entry)) - sum(MM(P)) over
    `members`, all on one symbol and sharing `table`; it is liquidated where
    f(P) <= 0. Between bracket boundaries f is linear, so the region is found
    exactly, piece by piece: this is the "recompute with the bracket that contains
    the notional at LP" rule, done for every bracket at once.

    With Binance-style brackets f is continuous. With whole-position brackets
    (OKX) the maintenance margin jumps up at each floor as the price rises, so f
    jumps down there; since the bracket starting at a floor applies on the floor,
    f is then lower semicontinuous and the region is still a union of closed
    intervals, which may start exactly on a floor.
    """
    alpha = base
    beta = ZERO
    events: list[tuple[Decimal, Decimal, Decimal]] = []
    first_rate = table.rates[0]
    for position in members:
        quantity = position.quantity
        signed = position.sign * quantity
        alpha -= signed * position.entry_price
        if table.by_quantity:  # the size decides the bracket, whatever the price
            beta += signed - quantity * table.rates[table.tier(quantity)]
            continue
        beta += signed - quantity * first_rate
        for k in range(1, len(table.floors)):
            events.append(
                (
                    table.floors[k] / quantity,
                    table.amounts[k] - table.amounts[k - 1],
                    quantity * (table.rates[k - 1] - table.rates[k]),
                )
            )
    events.sort(key=itemgetter(0))

    # Piece k is f(P) = alphas[k] + betas[k] x P on [starts[k], starts[k + 1]].
    starts, alphas, betas = [ZERO], [alpha], [beta]
    i = 0
    while i < len(events):
        price = events[i][0]
        while i < len(events) and events[i][0] == price:
            alpha += events[i][1]
            beta += events[i][2]
            i += 1
        starts.append(price)
        alphas.append(alpha)
        betas.append(beta)
    # Continuous f: one value per boundary, shared by the pieces on both sides, so
    # that rounding can never open a gap between two adjacent pieces.
    values = [a + b * s for a, b, s in zip(alphas, betas, starts, strict=True)]

    region: list[Interval] = []
    last = len(starts) - 1
    for k, (low, a, b, f_low) in enumerate(zip(starts, alphas, betas, values, strict=True)):
        piece: Interval
        if k < last:
            high = starts[k + 1]
            # Whole-position brackets: the piece's own limit at its right end.
            f_high = a + b * high if table.whole else values[k + 1]
            if f_low <= 0 and f_high <= 0:
                piece = (low, high)
            elif f_low <= 0:
                piece = (low, _clamp(-a / b, low, high) if b > 0 else high)
            elif f_high <= 0:
                piece = (_clamp(-a / b, low, high) if b < 0 else high, high)
            else:
                continue
        elif f_low <= 0:
            piece = (low, None) if b <= 0 else (low, max(low, -a / b))
        elif b < 0:
            piece = (max(low, -a / b), None)
        else:
            continue
        if region and region[-1][1] is not None and piece[0] <= region[-1][1]:
            previous_high = region[-1][1]
            high_end = None if piece[1] is None else max(piece[1], previous_high)
            region[-1] = (region[-1][0], high_end)
        else:
            region.append(piece)
    return region


def _clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return min(max(value, low), high)


def inside(region: Sequence[Interval], price: Decimal) -> bool:
    return any(low <= price and (high is None or price <= high) for low, high in region)


def region_boundaries(region: Sequence[Interval]) -> list[Decimal]:
    found: list[Decimal] = []
    for low, high in region:
        if low > 0:
            found.append(low)
        if high is not None and high > 0:
            found.append(high)
    return found


def nearest(region: Sequence[Interval], reference: Decimal) -> Decimal | None:
    boundaries = region_boundaries(region)
    if not boundaries:
        return None
    return min(boundaries, key=lambda b: (abs(b - reference), b))


def venue_region(
    account: Account, base: Decimal, members: Sequence[Position], table: Table
) -> list[Interval]:
    """`pot_region` by the account's venue rule.

    Where the venue fixes the maintenance margin at the entry value (Bybit's classic
    account), the pot is liquidated where base + PnL <= that fixed amount: a pot with
    no maintenance margin and that much less.
    """
    if account.rules.maintenance_at_entry:
        fixed = sum((table.maintenance(p.quantity, p.entry_price) for p in members), start=ZERO)
        return pot_region(base - fixed, members, NO_MAINTENANCE)
    return pot_region(base, members, table)


def isolated_region(account: Account, index: int, table: Table) -> list[Interval]:
    """Where isolated position `index` is liquidated, by the venue's rule.

    Where the venue's rule counts more than the margin (Bybit's added margin /
    (1 - fee)), the position is also liquidated once its margin is used up (margin +
    PnL <= 0): the formula alone could otherwise keep a position with a huge added
    margin open beyond its bankruptcy price, worth less than nothing. Where the venue
    fixes the maintenance margin at entry (Bybit's classic account), that amount.
    """
    position = account.positions[index]
    collateral = account._collateral[index]
    region = venue_region(account, collateral, (position,), table)
    if collateral <= position.isolated_margin:
        return region
    used_up = pot_region(position.isolated_margin, (position,), NO_MAINTENANCE)
    return union(region + used_up)


def isolated_liquidated(account: Account, index: int, pnl: Decimal, maintenance: Decimal) -> bool:
    collateral = account._collateral[index]
    if collateral + pnl <= maintenance:
        return True
    margin = account.positions[index].isolated_margin
    return collateral > margin and margin + pnl <= 0


def union(intervals: list[Interval]) -> list[Interval]:
    """Closed intervals merged into disjoint ones, in order."""
    merged: list[Interval] = []
    for low, high in sorted(intervals, key=itemgetter(0)):
        if merged:
            last_low, last_high = merged[-1]
            if last_high is None:
                continue
            if low <= last_high:
                merged[-1] = (last_low, None if high is None else max(high, last_high))
                continue
        merged.append((low, high))
    return merged


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Per-position PnL and maintenance margin at the marks, with cross totals."""

    pnl: tuple[Decimal | None, ...]
    maintenance: tuple[Decimal | None, ...]
    cross_pnl: Decimal
    cross_maintenance: Decimal
    cross_initial: Decimal
    group_pnl: Mapping[str, Decimal]
    group_maintenance: Mapping[str, Decimal]
    group_members: Mapping[str, tuple[Position, ...]]
    has_cross: bool


def take_snapshot(account: Account, prices: Mapping[str, Decimal]) -> Snapshot:
    """One pass over the positions; a position whose symbol has no price gets None."""
    pnl: list[Decimal | None] = []
    maintenance: list[Decimal | None] = []
    cross_pnl = cross_maintenance = cross_initial = ZERO
    group_pnl: dict[str, Decimal] = {}
    group_maintenance: dict[str, Decimal] = {}
    group_members: dict[str, list[Position]] = {}
    has_cross = False
    for i, position in enumerate(account.positions):
        symbol = position.symbol
        price = prices.get(symbol)
        if price is None:
            p = m = None
        else:
            p = position.unrealized_pnl(price)
            m = account.position_maintenance(i, price)
        pnl.append(p)
        maintenance.append(m)
        if position.mode is Mode.CROSS:
            has_cross = True
            cross_initial += position.initial_margin
            group_members.setdefault(symbol, []).append(position)
            if p is not None and m is not None:
                cross_pnl += p
                cross_maintenance += m
                group_pnl[symbol] = group_pnl.get(symbol, ZERO) + p
                group_maintenance[symbol] = group_maintenance.get(symbol, ZERO) + m
    return Snapshot(
        pnl=tuple(pnl),
        maintenance=tuple(maintenance),
        cross_pnl=cross_pnl,
        cross_maintenance=cross_maintenance,
        cross_initial=cross_initial,
        group_pnl=group_pnl,
        group_maintenance=group_maintenance,
        group_members={symbol: tuple(items) for symbol, items in group_members.items()},
        has_cross=has_cross,
    )


def cross_base(account: Account, snapshot: Snapshot, symbol: str) -> Decimal:
    """Cross wallet + PnL - maintenance of the cross positions on other symbols."""
    other_pnl = snapshot.cross_pnl - snapshot.group_pnl.get(symbol, ZERO)
    other_mm = snapshot.cross_maintenance - snapshot.group_maintenance.get(symbol, ZERO)
    return account.cross_wallet + other_pnl - other_mm


def all_liquidation_prices(
    account: Account,
    snapshot: Snapshot,
    references: Sequence[Decimal],
) -> list[Decimal | None]:
    """Every position's liquidation price in one pass over precomputed totals."""
    cross_cache: dict[str, Decimal | None] = {}
    result: list[Decimal | None] = []
    for i, (position, reference) in enumerate(zip(account.positions, references, strict=True)):
        symbol = position.symbol
        table = account._tables[symbol]
        if position.mode is Mode.ISOLATED:
            region = isolated_region(account, i, table)
            result.append(nearest(region, reference))
            continue
        if symbol not in cross_cache:
            base = cross_base(account, snapshot, symbol)
            region = venue_region(account, base, snapshot.group_members[symbol], table)
            cross_cache[symbol] = nearest(region, reference)
        result.append(cross_cache[symbol])
    return result


def liquidation_price(
    account: Account, index: int, marks: Mapping[str, Number] | None = None
) -> Decimal | None:
    """Mark price of position `index`'s symbol at which the position is liquidated.

    The other symbols are held at `marks` (default: their entry prices); cross
    positions on the same symbol move with it, since a symbol has one mark. The
    result is the formula's price whether or not the position is already past it
    (when several prices qualify, the one nearest the position's current mark).
    None when no positive price is a liquidation boundary: a long with enough
    collateral never liquidates, and a cross position whose pot is already sunk by
    other symbols is liquidated at every price.
    """
    i = checked_index(account, index)
    position = account.positions[i]
    prices = mark_prices(account, marks, skip=position.symbol)
    reference = prices.get(position.symbol, position.entry_price)
    return nearest(_region(account, i, prices), reference)


def liquidation_region(
    account: Account, index: int, marks: Mapping[str, Number] | None = None
) -> tuple[Interval, ...]:
    """Every mark price of position `index`'s symbol at which the position is liquidated.

    Closed intervals `(low, high)` in increasing order, `high` None for "and above";
    the other symbols are held at `marks` (default: their entry prices). A long's
    region is usually one interval from 0 up to its liquidation price; whole-position
    tiers (OKX) can add others. For replaying a path: a price moving from `a` to `b`
    is liquidated where it first enters the region.
    """
    i = checked_index(account, index)
    prices = mark_prices(account, marks, skip=account.positions[i].symbol)
    return tuple(_region(account, i, prices))


def _region(account: Account, i: int, prices: Mapping[str, Decimal]) -> list[Interval]:
    position = account.positions[i]
    table = account._tables[position.symbol]
    if position.mode is Mode.ISOLATED:
        return isolated_region(account, i, table)
    base = cross_base(account, take_snapshot(account, prices), position.symbol)
    return venue_region(account, base, _cross_members(account, position.symbol), table)


def _cross_members(account: Account, symbol: str) -> tuple[Position, ...]:
    return tuple(p for p in account.positions if p.mode is Mode.CROSS and p.symbol == symbol)


def liquidation_prices(
    account: Account, marks: Mapping[str, Number] | None = None
) -> tuple[Decimal | None, ...]:
    """`liquidation_price` of every position, in time linear in their number."""
    prices = mark_prices(account, marks)
    snapshot = take_snapshot(account, prices)
    references = [prices[p.symbol] for p in account.positions]
    return tuple(all_liquidation_prices(account, snapshot, references))


NO_MAINTENANCE = Table(floors=(ZERO,), rates=(ZERO,), amounts=(ZERO,))


def bankruptcy_price(
    account: Account, index: int, marks: Mapping[str, Number] | None = None
) -> Decimal | None:
    """Mark price at which position `index`'s margin (isolated) or the cross pot is used up.

    The liquidation rule with no maintenance margin and no fee: for an isolated
    long `entry - margin / size`, for a short `entry + margin / size` (Bybit
    publishes `entry x (1 - 1/leverage)` for a long with no added margin; the
    margin here is the one the position holds, so added margin, fees and funding
    taken from it count). Cross: the price at which the cross wallet plus the PnL
    of the cross positions (the others held at `marks`) is zero. None when no
    positive price qualifies (a long whose margin covers its whole value).
    """
    i = checked_index(account, index)
    position = account.positions[i]
    prices = mark_prices(account, marks, skip=position.symbol)
    reference = prices.get(position.symbol, position.entry_price)
    if position.mode is Mode.ISOLATED:
        region = pot_region(position.isolated_margin, (position,), NO_MAINTENANCE)
    else:
        snapshot = take_snapshot(account, prices)
        other_pnl = snapshot.cross_pnl - snapshot.group_pnl.get(position.symbol, ZERO)
        members = snapshot.group_members[position.symbol]
        region = pot_region(account.cross_wallet + other_pnl, members, NO_MAINTENANCE)
    return nearest(region, reference)
