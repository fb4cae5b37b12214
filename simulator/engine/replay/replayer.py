"""The replayer: an account moved along a checked path, pot by pot, event by event."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from simulator.engine.accounts import Account, Mode, with_margin
from simulator.engine.funding import funding_payment
from simulator.engine.inputs import ONE, ZERO, EngineError, to_decimal
from simulator.engine.replay.events import RATIO_THRESHOLDS, Event, EventKind, Moment, Replay
from simulator.engine.replay.points import PathPoint, along, check_path
from simulator.engine.replay.pots import (
    CROSS,
    State,
    cross_entry,
    isolated_entry,
    liquidated_at,
    pot_worth,
    pots,
)


class _Replayer:
    def __init__(self, account: Account, rates: Mapping[str, Decimal]) -> None:
        self.state = State(account=account, open=list(range(len(account.positions))))
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
        worth = pot_worth(state, key, members, marks)
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
            for key, members in pots(self.state).items():
                if liquidated_at(self.state, key, members, marks):
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
            for key, members in pots(self.state).items():
                if key == CROSS:
                    s = cross_entry(self.state, members, marks, m1)
                else:
                    symbol = self.state.account.positions[members[0]].symbol
                    s = isolated_entry(self.state.region(members[0]), marks[symbol], m1[symbol])
                if s is not None and (first is None or s < first[0]):
                    first = (s, key, members)
            if first is None:
                return
            s, key, members = first
            # s is a fraction of what remains; as a fraction of the whole move:
            whole = start + s * (ONE - start)
            at = along(m0, m1, whole)
            self.liquidate(key, members, t0 + whole * (t1 - t0), at)
            start, marks = whole, at

    def ratios(self, time: Decimal, marks: Mapping[str, Decimal]) -> None:
        state = self.state
        account = state.account
        for key, members in pots(state).items():
            worth = pot_worth(state, key, members, marks)
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
    points = check_path(account, path)
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
                at = along(
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
