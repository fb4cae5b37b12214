"""The replayer: an account moved along a checked path, pot by pot, event by event."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from simulator.engine.accounts import Account, Mode, Side, with_margin
from simulator.engine.collateral import Wallet
from simulator.engine.deleveraging import Counterparty, deleverage
from simulator.engine.funding import funding_payment
from simulator.engine.inputs import ONE, ZERO, EngineError, to_decimal
from simulator.engine.replay.backstops import (
    SECONDS,
    counterparty,
    order_size,
    reduced,
    shares,
    trader_counterparty,
)
from simulator.engine.replay.coins import Coin, on_wallet
from simulator.engine.replay.events import (
    BANKRUPT,
    RATIO_THRESHOLDS,
    Event,
    EventKind,
    FundDraw,
    Moment,
    Order,
    Replay,
)
from simulator.engine.replay.market import Market, Trader
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
    def __init__(
        self, account: Account, rates: Mapping[str, Decimal], market: Market | None
    ) -> None:
        self.state = State(account=account, open=list(range(len(account.positions))))
        self.rates = rates
        self.market = market
        self.fund = market.fund if market else ZERO
        self.traders = {trader.name: trader for trader in market.traders} if market else {}
        self.pending = list(market.shortfalls) if market else []
        self.last_partial: Decimal | None = None
        self.events: list[Event] = []
        self.curve: list[tuple[Decimal, Decimal]] = []
        self.above: dict[object, set[Decimal]] = {}

    # ---------------------------------------------------------------- values

    def equity(self, marks: Mapping[str, Decimal]) -> Decimal:
        account = self.state.account
        coins = sum((coin.gain(marks) for coin in self.state.coins), start=ZERO)
        return (
            account.balance
            + coins
            + sum((p.unrealized_pnl(marks[p.symbol]) for p in account.positions), start=ZERO)
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
        since = None if self.last_partial is None else (time - self.last_partial) * SECONDS
        sizes = {
            k: order_size(account, k, marks[account.positions[k].symbol], since=since, worth=worth)
            for k in members
        }
        orders = tuple(
            Order(
                position=state.open[k],
                quantity_before=account.positions[k].quantity,
                closed=closed,
                price=marks[account.positions[k].symbol],
                realized=account.positions[k].unrealized_pnl(marks[account.positions[k].symbol])
                * closed
                / account.positions[k].quantity,
                rule=rule,
            )
            for k, (closed, rule) in sizes.items()
        )
        self.mark_curve(time, marks)
        if any(order.closed < order.quantity_before for order in orders):
            self.partial(key, members, orders, time, marks, gap=gap)
            return
        if key == CROSS:
            lost = state.cross_wallet(marks)
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
                orders=orders,
            )
        )
        draws = self.shortfalls_of(members, worth, marks) if self.market else []
        keep = [k for k in range(len(account.positions)) if k not in gone]
        positions = [account.positions[k] for k in keep]
        # Margins such as 1/6 BTC x 3,000 are rounded to 28 digits: never let that
        # rounding leave the wallet a hair short of the isolated margins it holds.
        held = sum((p.isolated_margin for p in positions if p.mode is Mode.ISOLATED), start=ZERO)
        state.lost += lost
        wallet = account.cross_wallet if key == CROSS else lost
        if key == CROSS:
            state.coins = ()  # the wallet's coins go with the cross pot
        state.replace(max(account.balance - wallet, held), positions, [state.open[k] for k in keep])
        self.above.pop(key, None)
        self.mark_curve(time, marks)
        if self.market and worth > 0:
            self.fund += worth  # what was left of the margin
        for symbol, side, shortfall, price, who in draws:
            self.backstop(symbol, side, shortfall, price, time, marks, source="yours", who=who)

    def partial(
        self,
        key: object,
        members: list[int],
        orders: tuple[Order, ...],
        time: Decimal,
        marks: Mapping[str, Decimal],
        *,
        gap: bool,
    ) -> None:
        """A step that leaves part of the pot open: each member closes its order."""
        state = self.state
        state.rebase(marks)
        account = state.account
        closes = {k: (order.closed, order.price) for k, order in zip(members, orders, strict=True)}
        balance, positions, kept = reduced(account, closes)
        loss = account.balance - balance
        state.lost += loss
        self.last_partial = time
        self.events.append(
            Event(
                kind=EventKind.PARTIAL,
                time=time,
                marks=dict(marks),
                positions=tuple(state.open[k] for k in members if k not in kept),
                amount=loss,
                gap=gap,
                cross=key == CROSS,
                orders=orders,
            )
        )
        state.replace(balance, positions, [state.open[k] for k in kept])
        self.mark_curve(time, marks)

    def shortfalls_of(
        self, members: list[int], worth: Decimal, marks: Mapping[str, Decimal]
    ) -> list[tuple[str, Side, Decimal, Decimal, tuple[int, ...]]]:
        """A pot filled past its bankruptcy price: each losing member's share of the
        loss beyond it, and the price at which that share is zero (its bankruptcy price
        with the others at their fill)."""
        if worth >= BANKRUPT:
            return []
        account = self.state.account
        losses = {
            k: max(ZERO, -account.positions[k].unrealized_pnl(marks[account.positions[k].symbol]))
            for k in members
        }
        draws = []
        for k, share in shares(losses, -worth).items():
            position = account.positions[k]
            price = marks[position.symbol] + position.sign * share / position.quantity
            draws.append((position.symbol, position.side, share, price, (self.state.open[k],)))
        return draws

    def backstop(
        self,
        symbol: str,
        side: Side,
        shortfall: Decimal,
        price: Decimal,
        time: Decimal,
        marks: Mapping[str, Decimal],
        *,
        source: str,
        who: tuple[int, ...] = (),
    ) -> None:
        """The fund pays `shortfall`; what it cannot, ADL takes from the opposite side of
        `symbol` (the other traders and the account's own positions) at `price`."""
        state = self.state
        account = state.account
        mark = marks[symbol]
        queue: list[Counterparty] = []
        owners: list[tuple[str, int]] = []
        for name, trader in self.traders.items():
            if trader.symbol == symbol and trader.side is not side:
                entry = trader_counterparty(account, trader, mark)
                if entry.equity > 0:  # one bankrupt at its mark is liquidated, not ranked
                    queue.append(entry)
                    owners.append((name, -1))
        for k, position in enumerate(account.positions):
            if position.symbol == symbol and position.side is not side:
                entry = counterparty(
                    account,
                    k,
                    f"Your position {state.open[k] + 1}",
                    mark,
                    state.cross_wallet(marks),
                )
                if entry.equity > 0:
                    queue.append(entry)
                    owners.append(("", k))
        result = deleverage(
            shortfall=shortfall,
            fund=self.fund,
            bankruptcy_price=price,
            liquidated_side=side,
            positions=queue,
            venue=account.venue,
        )
        draw = FundDraw(
            symbol=symbol,
            side=side.value,
            shortfall=shortfall,
            bankruptcy_price=price,
            fund_before=self.fund,
            fund_used=result.fund_used,
            fund_after=max(result.fund_after, ZERO),  # the rest is left uncovered
            deleveraged=result.taken,
            uncovered=result.uncovered,
            source=source,
        )
        self.fund = draw.fund_after
        event = Event(EventKind.FUND, time, dict(marks), who, result.fund_used, fund=draw)
        self.events.append(event)
        closes: dict[int, tuple[Decimal, Decimal]] = {}
        for step in result.steps:
            name, k = owners[result.ranking[step.rank - 1].index]
            if k < 0:
                trader = self.traders.pop(name)
                left = trader.quantity - step.closed
                if left > 0:  # "partly" can round to the whole in the 28th digit
                    self.traders[name] = Trader(
                        name,
                        trader.symbol,
                        trader.side,
                        left,
                        trader.entry_price,
                        trader.collateral * left / trader.quantity,
                    )
            orders: tuple[Order, ...] = ()
            if k >= 0:
                closes[k] = (step.closed, price)
                position = account.positions[k]
                orders = (
                    Order(
                        position=state.open[k],
                        quantity_before=position.quantity,
                        closed=step.closed,
                        price=price,
                        realized=position.sign * step.closed * (price - position.entry_price),
                        rule=step.reason,
                    ),
                )
            self.events.append(
                Event(
                    EventKind.ADL,
                    time,
                    dict(marks),
                    tuple(order.position for order in orders),
                    step.taken,
                    orders=orders,
                    fund=draw,
                    deleveraged=step,
                )
            )
        if closes:
            self.mark_curve(time, marks)
            state.rebase(marks)
            account = state.account
            balance, positions, kept = reduced(account, closes, release=True)
            state.replace(balance, positions, [state.open[k] for k in kept])
            self.mark_curve(time, marks)

    def market_shortfalls(self, time: Decimal, marks: Mapping[str, Decimal]) -> None:
        """The other traders' shortfalls due by `time`, at these marks."""
        while self.pending and self.pending[0].time <= time:
            item = self.pending.pop(0)
            self.backstop(
                item.symbol,
                item.side,
                item.amount,
                item.bankruptcy_price,
                time,
                marks,
                source="market",
            )
            # Closing a position at its bankruptcy price instead of the mark can leave the
            # rest of its account inside its liquidation region.
            self.sweep(time, marks)

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
        if cross and sum(payments[k] for k in cross) >= state.cross_wallet(marks):
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
            time = t0 + whole * (t1 - t0)
            self.liquidate(key, members, time, at)
            self.sweep(time, at)  # what a partial step leaves inside its region
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
    market: Market | None = None,
    wallet: Wallet | None = None,
) -> Replay:
    """Replay `account` along `path`, with `funding` rates per symbol per interval.

    The interval is the account's venue's (`Venue.funding_hours`). See the module's
    docstring for the rules. `market`: the insurance fund and the other traders
    around the account (`replay.market`), for the fund's draws and ADL. `wallet`: a
    multi-asset wallet backing the cross account (every position cross), its coins
    counted at their venue's rule at the marks of their symbols; the account's balance
    is replaced by its collateral value at the first point.
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

    if market is not None:
        if not isinstance(market, Market):
            raise EngineError("The market must be a Market.")
        market.check(account.symbols)
    marks: dict[str, Decimal] = {}
    for position in account.positions:
        marks.setdefault(position.symbol, position.entry_price)
    marks.update(points[0].marks)
    coins: tuple[Coin, ...] = ()
    if wallet is not None:
        account, coins = on_wallet(account, wallet, marks)
    run = _Replayer(account, rates, market)
    run.state.coins = coins
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
                fund=run.fund if market else None,
                collateral=state.cross_wallet(marks) if wallet is not None else None,
            )
        )

    run.sweep(ZERO, marks, gap=True)  # past it at the first point: liquidated at once
    run.market_shortfalls(ZERO, marks)
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
        run.market_shortfalls(time, marks)
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
