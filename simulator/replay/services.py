"""The replay view's figures: one account replayed isolated and all-cross on one path.

Nothing here knows about requests; the replay itself is simulator.engine.replay, the
words and the chart's geometry are made here, once, from its results.
"""

from dataclasses import dataclass
from decimal import Decimal

from core.numbers import money, number, percent, price
from simulator.chart import ReplayChart, replay_chart
from simulator.engine import Account, Mode, evaluate, with_mode
from simulator.engine.replay import Event, EventKind, Moment, PathPoint, Replay, replay
from simulator.sandbox.services import Scenario, build_account

MODES = (("Isolated", Mode.ISOLATED), ("Cross", Mode.CROSS))


def cash(value: Decimal) -> str:
    """Money as the log writes it: $1,000, or $45.23."""
    return money(value, trim=True)


@dataclass(frozen=True, slots=True)
class PositionAtStep:
    number: int
    name: str  # "BTC long"
    open: bool
    margin_balance: Decimal | None
    margin_ratio: Decimal | None
    liquidation_price: Decimal | None
    closed: str  # when it was liquidated, in words; empty while open


@dataclass(frozen=True, slots=True)
class ModeAtStep:
    label: str
    moment: Moment
    positions: tuple[PositionAtStep, ...]


@dataclass(frozen=True, slots=True)
class ModeReplay:
    label: str
    result: Replay
    log: tuple[str, ...]
    summary: str


@dataclass(frozen=True, slots=True)
class TableRow:
    step: int
    time: Decimal
    prices: tuple[Decimal, ...]
    equities: tuple[Decimal, Decimal]


@dataclass(frozen=True, slots=True)
class ReplayOutcome:
    symbols: tuple[str, ...]
    names: tuple[str, ...]
    modes: tuple[ModeReplay, ModeReplay]
    chart: ReplayChart
    summary: str

    @property
    def last_step(self) -> int:
        return len(self.modes[0].result.moments) - 1

    @property
    def rows(self) -> list[TableRow]:
        """Each step's prices and both modes' equity, for the chart's table."""
        pairs = zip(self.modes[0].result.moments, self.modes[1].result.moments, strict=True)
        return [
            TableRow(
                step=a.step,
                time=a.time,
                prices=tuple(a.marks[symbol] for symbol in self.symbols),
                equities=(a.equity, b.equity),
            )
            for a, b in pairs
        ]

    def prices(self, step: int) -> list[tuple[str, Decimal]]:
        marks = self.modes[0].result.moments[step].marks
        return [(symbol, marks[symbol]) for symbol in self.symbols]

    def at(self, step: int) -> tuple[ModeAtStep, ModeAtStep]:
        """Each mode's state at `step` (clamped to the path)."""
        step = min(max(step, 0), self.last_step)
        return tuple(self._at(mode, step) for mode in self.modes)  # type: ignore[return-value]

    def _at(self, mode: ModeReplay, step: int) -> ModeAtStep:
        moment = mode.result.moments[step]
        closed = {
            index: event
            for event in mode.result.events
            if event.kind is EventKind.LIQUIDATION and event.time <= moment.time
            for index in event.positions
        }
        states = {}
        if moment.account.positions:
            evaluation = evaluate(moment.account, moment.marks)
            states = dict(zip(moment.open, evaluation.positions, strict=True))
        rows = []
        for index, name in enumerate(self.names):
            state = states.get(index)
            event = closed.get(index)
            rows.append(
                PositionAtStep(
                    number=index + 1,
                    name=name,
                    open=state is not None,
                    margin_balance=state.margin_balance if state else None,
                    margin_ratio=state.margin_ratio if state else None,
                    liquidation_price=state.liquidation_price if state else None,
                    closed=f"liquidated at {when(event.time)}" if event else "",
                )
            )
        return ModeAtStep(mode.label, moment, tuple(rows))


def when(hours: Decimal) -> str:
    """'hour 9.55'."""
    return f"hour {number(hours, 2, trim=True)}"


def _who(indices: tuple[int, ...], names: tuple[str, ...]) -> str:
    labelled = [f"position {i + 1} ({names[i]})" for i in indices]
    if len(labelled) <= 1:
        return "".join(labelled)
    return ", ".join(labelled[:-1]) + " and " + labelled[-1]


def _prices(event: Event, symbols: tuple[str, ...]) -> str:
    return ", ".join(f"{symbol} at {price(event.marks[symbol])}" for symbol in symbols)


def describe(event: Event, *, names: tuple[str, ...], symbols: tuple[str, ...]) -> str:
    """One event in words, as the log prints it."""
    at = f"{when(event.time)[:1].upper()}{when(event.time)[1:]}, {_prices(event, symbols)}"
    who = _who(event.positions, names)
    if event.kind is EventKind.FUNDING:
        if event.amount >= 0:
            return f"{at}: funding. You pay {cash(event.amount)} ({who})."
        return f"{at}: funding. You receive {cash(-event.amount)} ({who})."
    if event.kind is EventKind.RATIO:
        pot = "The cross account's" if event.cross else f"{who[:1].upper()}{who[1:]}'s"
        ratio = "more than 100%" if event.ratio is None else percent(event.ratio, 1)
        return (
            f"{at}: {pot} margin ratio passes {percent(event.threshold or 0, 0)} "
            f"(now {ratio}): maintenance margin over margin balance."
        )
    if event.kind is EventKind.LIQUIDATION:
        assert event.insurance is not None
        if event.cross:
            what = f"the cross account is liquidated: {who} closed together"
            lost = f"You lose the whole cross wallet, {cash(event.amount)}"
        else:
            what = f"{who} is liquidated"
            lost = f"You lose its {cash(event.amount)} of margin"
        past = "bankruptcy" if event.beyond_bankruptcy else "liquidation"
        if not event.gap:
            how = f"{what} at the liquidation price"
        elif event.time == 0:
            how = f"the path starts past the {past} price, so {what} at once, at its first price"
        else:
            how = f"the price gapped past the {past} price, so {what} at this step's price"
        if event.beyond_bankruptcy:
            return (
                f"{at}: {how}. {lost}, and the exchange's insurance fund covers the other "
                f"{cash(-event.insurance)} lost."
            )
        return (
            f"{at}: {how}. {lost}; the {cash(event.insurance)} left in it goes to the "
            "exchange's insurance fund (with the liquidation fee)."
        )
    # The end.
    if not event.positions:
        return f"{at}: the path ends. Every position has been closed; {cash(event.amount)} left."
    count = len(event.positions)
    still = f"{_who(event.positions, names)} {'is' if count == 1 else 'are'} still open"
    still = still[0].upper() + still[1:]
    return f"{at}: the path ends. {still}; equity {cash(event.amount)}."


def _mode_summary(label: str, result: Replay, names: tuple[str, ...], symbols) -> str:
    lost = [event for event in result.events if event.kind is EventKind.LIQUIDATION]
    end = cash(result.final.equity)
    if not lost:
        return f"{label}: keeps every position and ends with {end}."
    first = lost[0]
    who = (
        "every position" if len(result.liquidated) == len(names) else _who(result.liquidated, names)
    )
    return (
        f"{label}: loses {who}, the first at {when(first.time)} "
        f"({_prices(first, symbols)}), and ends with {end}."
    )


def replay_account(
    *, account: Account, names: tuple[str, ...], points: list[PathPoint], funding: Decimal
) -> ReplayOutcome:
    """`account` replayed all-isolated and all-cross on `points`. Raises EngineError."""
    symbols = tuple(account.symbols)
    rates = {symbol: funding for symbol in symbols} if funding else {}
    modes = []
    for label, mode in MODES:
        result = replay(with_mode(account, mode), points, funding=rates)
        log = tuple(describe(e, names=names, symbols=symbols) for e in result.events)
        modes.append(ModeReplay(label, result, log, _mode_summary(label, result, names, symbols)))
    isolated, cross = modes
    chart = replay_chart(
        series=[(mode.label, mode.result) for mode in modes],
        names=names,
    )
    return ReplayOutcome(
        symbols=symbols,
        names=names,
        modes=(isolated, cross),
        chart=chart,
        summary=f"{isolated.summary} {cross.summary}",
    )


def position_names(scenario: Scenario) -> tuple[str, ...]:
    return tuple(f"{spec.symbol} {spec.side.value}" for spec in scenario.positions)


def replay_scenario(
    *, scenario: Scenario, points: list[PathPoint], funding: Decimal
) -> ReplayOutcome:
    """The simulator's scenario (its positions, not its marks) replayed on `points`."""
    return replay_account(
        account=build_account(scenario),
        names=position_names(scenario),
        points=points,
        funding=funding,
    )
