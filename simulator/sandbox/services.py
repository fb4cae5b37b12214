"""What the simulator computes, on the margin engine's public API.

Views and forms hand cleaned values to these functions; nothing here knows
about requests or templates.
"""

from dataclasses import dataclass
from decimal import Decimal

from core.numbers import money
from simulator.chart import Chart, build_chart
from simulator.engine import (
    Account,
    EngineError,
    EquityCurve,
    Evaluation,
    Mode,
    Position,
    PositionState,
    Side,
    equity_curve,
    evaluate,
    with_mode,
)
from simulator.engine.venues import Venue, get_venue

AT_RISK_RATIO = Decimal("0.5")  # maintenance margin at half the margin balance or more
CHART_LOW = Decimal(0)
CHART_HIGH = Decimal("1.5")  # the chart spans -100% to +50% of entry


@dataclass(frozen=True, slots=True)
class PositionSpec:
    symbol: str
    side: Side
    entry_price: Decimal
    leverage: Decimal
    size_basis: str  # "margin" or "notional"
    size: Decimal
    margin_mode: Mode | None  # None: the account's mode

    @property
    def notional(self) -> Decimal:
        return self.size * self.leverage if self.size_basis == "margin" else self.size


@dataclass(frozen=True, slots=True)
class Scenario:
    balance: Decimal
    mode: Mode
    positions: tuple[PositionSpec, ...]
    marks: dict[str, tuple[str, Decimal]]  # symbol -> ("move", percent) or ("price", price)
    tiered: bool = False  # the venue's real tiers; False: a flat 0.5%
    chart_symbol: str | None = None
    venue: str = "binance"  # whose liquidation rules apply (simulator.engine.venues)

    @property
    def rules(self) -> Venue:
        return get_venue(self.venue)

    @property
    def symbols(self) -> list[str]:
        return list(dict.fromkeys(spec.symbol for spec in self.positions))


@dataclass(frozen=True, slots=True)
class PositionRow:
    """One position's figures, ready for display.

    The engine's state is the position at the mark, as if still open (the lessons'
    figures read it so, at the liquidation price too). A liquidated isolated
    position is shown closed instead: it lost its margin and nothing more (lesson 4;
    past the bankruptcy price the insurance fund pays the rest), so its PnL is
    minus the margin, its margin balance 0, and it has no maintenance margin or
    ratio left. A liquidated cross pot is closed the same way: the cross wallet is
    gone, never less than gone, so its positions' shared margin balance is 0 (their
    PnL stays their own, at the mark; the pot's loss is the summary's)."""

    spec: PositionSpec
    mode: Mode
    margin: Decimal
    state: PositionState
    status: str  # "safe", "at risk" or "liquidated"

    @property
    def closed(self) -> bool:
        return self.state.liquidated

    @property
    def isolated(self) -> bool:
        return self.mode is Mode.ISOLATED

    @property
    def pnl(self) -> Decimal:
        if self.closed and self.isolated:
            return -self.state.lost
        return self.state.unrealized_pnl

    @property
    def margin_balance(self) -> Decimal:
        return Decimal(0) if self.closed else self.state.margin_balance

    @property
    def maintenance_margin(self) -> Decimal | None:
        return None if self.closed else self.state.maintenance_margin

    @property
    def margin_ratio(self) -> Decimal | None:
        return None if self.closed else self.state.margin_ratio


@dataclass(frozen=True, slots=True)
class ModeOutcome:
    label: str
    evaluation: Evaluation | None
    rows: tuple[PositionRow, ...]
    curve: EquityCurve | None
    error: str = ""


@dataclass(frozen=True, slots=True)
class Simulation:
    scenario: Scenario
    marks: dict[str, Decimal]
    chosen: ModeOutcome
    other: ModeOutcome
    summary: str
    chart: Chart

    @property
    def outcomes(self) -> tuple[ModeOutcome, ModeOutcome]:
        return (self.chosen, self.other)

    @property
    def by_position(self) -> list[tuple[PositionSpec, tuple[PositionRow | None, ...]]]:
        """Each position with its row in each outcome (None where a mode was not possible)."""
        return [
            (spec, tuple(o.rows[i] if o.rows else None for o in self.outcomes))
            for i, spec in enumerate(self.scenario.positions)
        ]


def entry_prices(scenario: Scenario) -> dict[str, Decimal]:
    """Each symbol's reference price: the entry of its first position."""
    prices: dict[str, Decimal] = {}
    for spec in scenario.positions:
        prices.setdefault(spec.symbol, spec.entry_price)
    return prices


def mark_prices(scenario: Scenario) -> dict[str, Decimal]:
    marks = {}
    for symbol, reference in entry_prices(scenario).items():
        kind, value = scenario.marks.get(symbol, ("move", Decimal(0)))
        marks[symbol] = reference * (1 + value / 100) if kind == "move" else value
    return marks


def build_account(scenario: Scenario) -> Account:
    """The scenario's account, each position in its own mode. Raises EngineError."""
    positions = tuple(
        Position.from_notional(
            symbol=spec.symbol,
            side=spec.side,
            notional=spec.notional,
            entry_price=spec.entry_price,
            leverage=spec.leverage,
            mode=spec.margin_mode or scenario.mode,
        )
        for spec in scenario.positions
    )
    venue = scenario.rules
    brackets = (
        {symbol: venue.brackets(symbol) for symbol in scenario.symbols} if scenario.tiered else {}
    )
    return Account(
        balance=scenario.balance, positions=positions, brackets=brackets, venue=venue.key
    )


def _status(state) -> str:
    if state.liquidated:
        return "liquidated"
    if state.margin_ratio is None or state.margin_ratio >= AT_RISK_RATIO:
        return "at risk"
    return "safe"


def _outcome(
    *, label: str, account: Account, scenario: Scenario, marks: dict[str, Decimal]
) -> ModeOutcome:
    evaluation = evaluate(account, marks)
    rows = tuple(
        PositionRow(
            spec=spec,
            mode=position.mode,
            margin=position.isolated_margin,
            state=state,
            status=_status(state),
        )
        for spec, position, state in zip(
            scenario.positions, account.positions, evaluation.positions, strict=True
        )
    )
    chart_symbol = scenario.chart_symbol or scenario.symbols[0]
    reference = entry_prices(scenario)[chart_symbol]
    curve = equity_curve(
        account, chart_symbol, reference * CHART_LOW, reference * CHART_HIGH, marks
    )
    return ModeOutcome(label=label, evaluation=evaluation, rows=rows, curve=curve)


def _mode_label(account: Account) -> str:
    modes = {position.mode for position in account.positions}
    if len(modes) > 1:
        return "Your mix"
    return "Isolated" if modes == {Mode.ISOLATED} else "Cross"


def simulate(*, scenario: Scenario) -> Simulation:
    """Evaluate the scenario as set up and with every position in the other mode.

    Raises EngineError when the scenario itself cannot exist (for example
    isolated margins larger than the balance).
    """
    marks = mark_prices(scenario)
    account = build_account(scenario)
    chosen = _outcome(label=_mode_label(account), account=account, scenario=scenario, marks=marks)
    other_mode = Mode.CROSS if scenario.mode is Mode.ISOLATED else Mode.ISOLATED
    try:
        other_account = with_mode(account, other_mode)
        other = _outcome(
            label=f"All {other_mode.value}", account=other_account, scenario=scenario, marks=marks
        )
    except EngineError as error:
        other = ModeOutcome(
            label=f"All {other_mode.value}", evaluation=None, rows=(), curve=None, error=str(error)
        )
    symbol = chosen.curve.symbol
    chart = build_chart(
        symbol=symbol,
        reference=entry_prices(scenario)[symbol],
        mark=marks[symbol],
        curves=[(o.label, o.curve) for o in (chosen, other) if o.curve is not None],
        names=[f"{spec.symbol} {spec.side.value}" for spec in scenario.positions],
    )
    return Simulation(
        scenario=scenario,
        marks=marks,
        chosen=chosen,
        other=other,
        summary=" ".join(describe(outcome) for outcome in (chosen, other)),
        chart=chart,
    )


def describe(outcome: ModeOutcome) -> str:
    """One sentence: what this mode did to the account."""
    if outcome.evaluation is None:
        return f"{outcome.label}: not possible ({outcome.error})"
    evaluation = outcome.evaluation
    liquidated = [row for row in outcome.rows if row.status == "liquidated"]
    if not liquidated:
        return f"{outcome.label}: nothing is liquidated; equity is {money(evaluation.equity)}."
    names = ", ".join(_name(row) for row in liquidated)
    survivors = [_name(row) for row in outcome.rows if row.status != "liquidated"]
    verb = "keeps" if len(survivors) == 1 else "keep"
    rest = f"; {', '.join(survivors)} {verb} running" if survivors else ""
    return (
        f"{outcome.label}: {names} liquidated, you lose {money(evaluation.total_lost)}{rest}; "
        f"equity is {money(evaluation.equity)}."
    )


def _name(row: PositionRow) -> str:
    # Symbol and side: two legs on one symbol (a hedge) must read apart.
    return f"{row.spec.symbol} {row.spec.side.value}"
