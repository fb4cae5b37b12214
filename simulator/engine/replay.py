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
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from simulator.engine.accounts import Account, Mode, Position, with_margin
from simulator.engine.funding import funding_payment
from simulator.engine.inputs import ONE, ZERO, EngineError, to_decimal
from simulator.engine.liquidation import liquidation_region

__all__ = ["RATIO_THRESHOLDS", "Event", "EventKind", "Moment", "PathPoint", "Replay", "replay"]

RATIO_THRESHOLDS = (Decimal("0.5"), Decimal("0.8"))
CROSS = "cross"  # the cross pot's key; an isolated pot's key is its position's index
# 1/6 BTC carries 28 digits: a pot filled exactly at its bankruptcy price can come
# out a hair below zero, which is not past it.
BANKRUPT = Decimal("-1E-9")


@dataclass(frozen=True, slots=True)
class PathPoint:
    """Where the marks are at `time` (hours from the start); others keep their last mark.

    `gap`: the marks jump here at `time` (they hold from the point before until then),
    so nothing is filled between; never on the first point."""

    time: Decimal
    marks: Mapping[str, Decimal]
    gap: bool = False


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


@dataclass(slots=True)
class _State:
    """The account as the replay goes, with caches valid until it changes."""

    account: Account
    open: list[int]
    regions: dict[int, tuple[tuple[Decimal, Decimal | None], ...]] = field(default_factory=dict)
    lost: Decimal = ZERO
    funding: Decimal = ZERO

    def region(self, k: int) -> tuple[tuple[Decimal, Decimal | None], ...]:
        if k not in self.regions:
            self.regions[k] = liquidation_region(self.account, k)
        return self.regions[k]

    def replace(self, balance: Decimal, positions: list[Position], open_: list[int]) -> None:
        account = self.account
        self.account = Account(
            balance,
            positions,
            brackets=account.brackets,
            venue=account.venue,
            taker_fee=account.taker_fee,
        )
        self.open = open_
        self.regions = {}


def _check_path(account: Account, path: Sequence[PathPoint]) -> list[PathPoint]:
    if not path:
        raise EngineError("The path is empty: give at least one point.")
    held = set(account.symbols)
    checked: list[PathPoint] = []
    previous: Decimal | None = None
    for number, point in enumerate(path, start=1):
        if not isinstance(point, PathPoint):
            raise EngineError("Every point of the path must be a PathPoint.")
        time = to_decimal(point.time, f"The time of point {number}")
        if previous is None and time != 0:
            raise EngineError("The path must start at time 0.")
        if previous is not None and time <= previous:
            raise EngineError(
                f"Point {number} is at hour {time}, not after the point before it "
                f"(hour {previous}): times must increase."
            )
        marks: dict[str, Decimal] = {}
        for symbol, price in point.marks.items():
            if symbol not in held:
                raise EngineError(
                    f"Point {number} moves {symbol}, but the account holds no position on it."
                )
            price = to_decimal(price, f"The price of {symbol} at point {number}")
            if price <= 0:
                raise EngineError(f"The price of {symbol} at point {number} must be above zero.")
            marks[symbol] = price
        if not isinstance(point.gap, bool):
            raise EngineError(f"Point {number}: gap must be True or False (got {point.gap!r}).")
        if point.gap and previous is None:
            raise EngineError(
                "Point 1 is marked as a gap, but the path starts there: "
                "a gap needs a point before it to jump from."
            )
        checked.append(PathPoint(time, marks, point.gap))
        previous = time
    return checked


def _along(a: Mapping[str, Decimal], b: Mapping[str, Decimal], s: Decimal) -> dict[str, Decimal]:
    """The marks a fraction `s` of the way from `a` to `b`."""
    if s == 0:
        return dict(a)
    if s == 1:
        return dict(b)
    return {symbol: a[symbol] + s * (b[symbol] - a[symbol]) for symbol in a}


def _pots(state: _State) -> dict[object, list[int]]:
    """Each margin pot's positions (indices into the current account), keyed by "cross"
    or, for an isolated position, its index in the replayed account."""
    pots: dict[object, list[int]] = {}
    for k, position in enumerate(state.account.positions):
        pots.setdefault(CROSS if position.mode is Mode.CROSS else state.open[k], []).append(k)
    return pots


def _cushion(state: _State, members: list[int], marks: Mapping[str, Decimal]) -> Decimal:
    """A cross pot's margin balance minus its maintenance margin (liquidated at <= 0)."""
    account = state.account
    total = account.cross_wallet
    for k in members:
        position = account.positions[k]
        price = marks[position.symbol]
        total += position.unrealized_pnl(price) - account.maintenance_margin(k, price)
    return total


def _worth(state: _State, key: object, members: list[int], marks: Mapping[str, Decimal]) -> Decimal:
    """What the pot's margin is worth at `marks`: below zero it is beyond bankruptcy."""
    account = state.account
    base = account.cross_wallet if key == CROSS else account.positions[members[0]].isolated_margin
    return base + sum(
        (account.positions[k].unrealized_pnl(marks[account.positions[k].symbol]) for k in members),
        start=ZERO,
    )


def _inside(region: Iterable[tuple[Decimal, Decimal | None]], price: Decimal) -> bool:
    return any(low <= price and (high is None or price <= high) for low, high in region)


def _liquidated_at(
    state: _State, key: object, members: list[int], marks: Mapping[str, Decimal]
) -> bool:
    if key == CROSS:
        return _cushion(state, members, marks) <= 0
    k = members[0]
    return _inside(state.region(k), marks[state.account.positions[k].symbol])


def _isolated_entry(
    region: Iterable[tuple[Decimal, Decimal | None]], a: Decimal, b: Decimal
) -> Decimal | None:
    """Where a price moving from `a` to `b` first enters `region` (outside it at `a`)."""
    if a == b:
        return None
    best: Decimal | None = None
    for low, high in region:
        if b < a:  # falling: an interval is entered at its top
            entry = high if high is not None and b <= high < a else None
        else:  # rising: at its bottom
            entry = low if a < low <= b else None
        if entry is not None and (best is None or abs(entry - a) < abs(best - a)):
            best = entry
    return None if best is None else (best - a) / (b - a)


def _cross_entry(
    state: _State, members: list[int], a: Mapping[str, Decimal], b: Mapping[str, Decimal]
) -> Decimal | None:
    """The first fraction of the way from `a` to `b` at which the cross pot is liquidated.

    The cushion is a straight line in the fraction between the prices at which a
    member's maintenance bracket changes; each piece is solved exactly.
    """
    account = state.account
    cuts = {ZERO, ONE}
    for k in members:
        symbol = account.positions[k].symbol
        low, high = sorted((a[symbol], b[symbol]))
        if low == high:
            continue
        for price in account.maintenance_breaks(k):
            if low < price < high:
                cuts.add((price - a[symbol]) / (b[symbol] - a[symbol]))
    ordered = sorted(cuts)
    for start, end in pairwise(ordered):
        if _cushion(state, members, _along(a, b, start)) <= 0:
            return start
        # Inside the piece the cushion is one straight line (the brackets cannot change).
        third = (end - start) / 3
        s1, s2 = start + third, end - third
        c1 = _cushion(state, members, _along(a, b, s1))
        c2 = _cushion(state, members, _along(a, b, s2))
        slope = (c2 - c1) / (s2 - s1)
        if c1 + slope * (end - s1) <= 0:
            return min(max(s1 - c1 / slope, start), end) if slope < 0 else start
        if _cushion(state, members, _along(a, b, end)) <= 0:
            return end
    return None


class _Replayer:
    def __init__(self, account: Account, rates: Mapping[str, Decimal]) -> None:
        self.state = _State(account=account, open=list(range(len(account.positions))))
        self.rates = rates
        self.events: list[Event] = []
        self.curve: list[tuple[Decimal, Decimal]] = []
        self.above: dict[object, set[Decimal]] = {}

    # ---------------------------------------------------------------- values

    def equity(self, marks: Mapping[str, Decimal]) -> Decimal:
        account = self.state.account
        return account.balance + sum(
            (p.unrealized_pnl(marks[p.symbol]) for p in account.positions), start=ZERO
        )

    def mark_curve(self, time: Decimal, marks: Mapping[str, Decimal]) -> None:
        point = (time, self.equity(marks))
        if not self.curve or self.curve[-1] != point:
            self.curve.append(point)

    # ---------------------------------------------------------------- changes

    def liquidate(
        self,
        key: object,
        members: list[int],
        time: Decimal,
        marks: Mapping[str, Decimal],
        *,
        gap=False,
    ) -> None:
        state = self.state
        account = state.account
        worth = _worth(state, key, members, marks)
        self.mark_curve(time, marks)
        if key == CROSS:
            lost = account.cross_wallet
        else:
            lost = account.positions[members[0]].isolated_margin
        gone = set(members)
        self.events.append(
            Event(
                kind=EventKind.LIQUIDATION,
                time=time,
                marks=dict(marks),
                positions=tuple(state.open[k] for k in members),
                amount=lost,
                insurance=worth,
                gap=gap,
                cross=key == CROSS,
            )
        )
        keep = [k for k in range(len(account.positions)) if k not in gone]
        positions = [account.positions[k] for k in keep]
        # Margins such as 1/6 BTC x 3,000 are rounded to 28 digits: never let that
        # rounding leave the wallet a hair short of the isolated margins it holds.
        held = sum((p.isolated_margin for p in positions if p.mode is Mode.ISOLATED), start=ZERO)
        state.lost += lost
        state.replace(max(account.balance - lost, held), positions, [state.open[k] for k in keep])
        self.above.pop(key, None)
        self.mark_curve(time, marks)

    def pay_funding(self, time: Decimal, marks: Mapping[str, Decimal]) -> None:
        state = self.state
        account = state.account
        payments = {
            k: funding_payment(
                position, rate=self.rates[position.symbol], price=marks[position.symbol]
            )
            for k, position in enumerate(account.positions)
            if self.rates.get(position.symbol)
        }
        # A payment the margin cannot make: the position (or the cross pot) is
        # liquidated now, with what is left, instead of paying it.
        cross = [k for k in payments if account.positions[k].mode is Mode.CROSS]
        if cross and sum(payments[k] for k in cross) >= account.cross_wallet:
            members = [k for k, p in enumerate(account.positions) if p.mode is Mode.CROSS]
            self.liquidate(CROSS, members, time, marks)
            return self.pay_funding(time, marks)
        for k, paid in payments.items():
            position = account.positions[k]
            if position.mode is Mode.ISOLATED and paid >= position.isolated_margin:
                self.liquidate(state.open[k], [k], time, marks)
                return self.pay_funding(time, marks)
        if not payments:
            return None
        self.mark_curve(time, marks)
        total = sum(payments.values(), start=ZERO)
        positions = [
            with_margin(p, p.isolated_margin - payments[k])
            if k in payments and p.mode is Mode.ISOLATED
            else p
            for k, p in enumerate(account.positions)
        ]
        state.funding += total
        state.replace(account.balance - total, positions, list(state.open))
        self.events.append(
            Event(
                kind=EventKind.FUNDING,
                time=time,
                marks=dict(marks),
                positions=tuple(state.open[k] for k in payments),
                amount=total,
            )
        )
        self.mark_curve(time, marks)
        self.sweep(time, marks)
        return None

    def sweep(self, time: Decimal, marks: Mapping[str, Decimal], *, gap: bool = False) -> None:
        """Liquidate every pot that is inside its region at these marks (`gap`: that
        a jump has just reached)."""
        while True:
            for key, members in _pots(self.state).items():
                if _liquidated_at(self.state, key, members, marks):
                    self.liquidate(key, members, time, marks, gap=gap)
                    break
            else:
                return

    # ---------------------------------------------------------------- moving

    def move(
        self, t0: Decimal, m0: dict[str, Decimal], t1: Decimal, m1: dict[str, Decimal]
    ) -> None:
        """From (t0, m0) to (t1, m1) in a straight line, liquidating where pots cross in."""
        start, marks = ZERO, m0
        while True:
            first: tuple[Decimal, object, list[int]] | None = None
            for key, members in _pots(self.state).items():
                if key == CROSS:
                    s = _cross_entry(self.state, members, marks, m1)
                else:
                    symbol = self.state.account.positions[members[0]].symbol
                    s = _isolated_entry(self.state.region(members[0]), marks[symbol], m1[symbol])
                if s is not None and (first is None or s < first[0]):
                    first = (s, key, members)
            if first is None:
                return
            s, key, members = first
            # s is a fraction of what remains; as a fraction of the whole move:
            whole = start + s * (ONE - start)
            at = _along(m0, m1, whole)
            self.liquidate(key, members, t0 + whole * (t1 - t0), at)
            start, marks = whole, at

    def ratios(self, time: Decimal, marks: Mapping[str, Decimal]) -> None:
        state = self.state
        account = state.account
        for key, members in _pots(state).items():
            worth = _worth(state, key, members, marks)
            maintenance = sum(
                (
                    account.maintenance_margin(k, marks[account.positions[k].symbol])
                    for k in members
                ),
                start=ZERO,
            )
            ratio = maintenance / worth if worth > 0 else None
            above = self.above.setdefault(key, set())
            for threshold in RATIO_THRESHOLDS:
                over = ratio is None or ratio >= threshold
                if over and threshold not in above:
                    above.add(threshold)
                    self.events.append(
                        Event(
                            kind=EventKind.RATIO,
                            time=time,
                            marks=dict(marks),
                            positions=tuple(state.open[k] for k in members),
                            cross=key == CROSS,
                            ratio=ratio,
                            threshold=threshold,
                        )
                    )
                elif not over:
                    above.discard(threshold)


def replay(
    account: Account,
    path: Sequence[PathPoint],
    *,
    funding: Mapping[str, object] | None = None,
) -> Replay:
    """Replay `account` along `path`, with `funding` rates per symbol per interval.

    The interval is the account's venue's (`Venue.funding_hours`). See the module's
    docstring for the rules.
    """
    if not isinstance(account, Account):
        raise EngineError("Replay an Account.")
    points = _check_path(account, path)
    rates: dict[str, Decimal] = {}
    for symbol, rate in (funding or {}).items():
        if symbol not in account.symbols:
            raise EngineError(
                f"A funding rate is given for {symbol}, which the account does not hold."
            )
        value = to_decimal(rate, f"The funding rate of {symbol}")
        if abs(value) >= 1:
            raise EngineError(f"The funding rate of {symbol} must be between -100% and 100%.")
        rates[symbol] = value
    hours = Decimal(account.rules.funding_hours)

    run = _Replayer(account, rates)
    marks: dict[str, Decimal] = {}
    for position in account.positions:
        marks.setdefault(position.symbol, position.entry_price)
    marks.update(points[0].marks)
    moments: list[Moment] = []

    def record(step: int, time: Decimal) -> None:
        state = run.state
        run.ratios(time, marks)
        run.mark_curve(time, marks)
        moments.append(
            Moment(
                step=step,
                time=time,
                marks=dict(marks),
                account=state.account,
                open=tuple(state.open),
                equity=run.equity(marks),
                lost=state.lost,
                funding=state.funding,
            )
        )

    run.sweep(ZERO, marks, gap=True)  # past it at the first point: liquidated at once
    record(0, ZERO)
    next_funding = hours
    time = ZERO
    for step, point in enumerate(points[1:], start=1):
        target = {**marks, **point.marks}
        step_start, step_marks = time, dict(marks)
        # Funding due on the way; at a gap's own time it is paid after the jump.
        while (
            rates
            and run.state.account.positions
            and (next_funding < point.time or (next_funding == point.time and not point.gap))
        ):
            at = step_marks  # a gap's prices hold until it
            if not point.gap:
                at = _along(
                    step_marks, target, (next_funding - step_start) / (point.time - step_start)
                )
                run.move(time, marks, next_funding, at)
            time, marks = next_funding, at
            run.pay_funding(time, marks)
            next_funding += hours
        if point.gap:
            run.mark_curve(point.time, marks)  # flat until the jump
        else:
            run.move(time, marks, point.time, target)
        time, marks = point.time, target
        run.sweep(time, marks, gap=point.gap)  # what the jump lands past, at its prices
        if rates and run.state.account.positions and next_funding == time:
            run.pay_funding(time, marks)  # after a gap's jump
            next_funding += hours
        if next_funding <= point.time:  # nothing left to pay funding: skip its times
            next_funding += ((point.time - next_funding) // hours + 1) * hours
        record(step, time)

    final = moments[-1]
    run.events.append(
        Event(
            kind=EventKind.END,
            time=final.time,
            marks=final.marks,
            positions=final.open,
            amount=final.equity,
        )
    )
    return Replay(
        moments=tuple(moments),
        events=tuple(run.events),
        curve=tuple(run.curve),
    )
