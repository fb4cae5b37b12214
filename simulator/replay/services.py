"""The replay view's figures: one account replayed isolated and all-cross on one path.

Nothing here knows about requests; the replay itself is simulator.engine.replay, the
words and the chart's geometry are made here, once, from its results.
"""

from dataclasses import dataclass
from decimal import Decimal

from core.numbers import money, number, percent, price
from simulator.chart import ReplayChart, replay_chart
from simulator.engine import (
    Account,
    EngineError,
    Mode,
    Wallet,
    base_asset,
    collateral_liquidation_price,
    evaluate,
    with_mode,
)
from simulator.engine.replay import (
    Event,
    EventKind,
    Market,
    Moment,
    PathPoint,
    Replay,
    Shortfall,
    Trader,
    replay,
)
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
    reduced: str = ""  # what a partial liquidation or ADL closed of it so far, in words


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
    market: Market | None = None
    wallet: Wallet | None = None

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
        closed: dict[int, str] = {}
        reduced: dict[int, str] = {}
        for event in mode.result.events:
            if event.time > moment.time:
                break
            how = CLOSED_BY.get(event.kind)
            if how is None:
                continue
            for index in event.positions:
                closed[index] = f"{how} at {when(event.time)}"
            for order in event.orders:
                if order.closed < order.quantity_before:
                    by = "auto-deleveraging" if event.kind is EventKind.ADL else "a partial step"
                    reduced[order.position] = (
                        f"{quantity(order.remaining)} left after {by} at {when(event.time)}"
                    )
        states: dict = {}
        liquidation: dict[int, Decimal | None] = {}
        if moment.account.positions:
            account = moment.account
            if moment.collateral is not None and self.wallet is not None:
                account, liquidation = _on_wallet(account, moment, self.wallet)
            evaluation = evaluate(account, moment.marks)
            states = dict(zip(moment.open, evaluation.positions, strict=True))
            liquidation = {moment.open[k]: v for k, v in liquidation.items()}
        rows = []
        for index, name in enumerate(self.names):
            state = states.get(index)
            rows.append(
                PositionAtStep(
                    number=index + 1,
                    name=name,
                    open=state is not None,
                    margin_balance=state.margin_balance if state else None,
                    margin_ratio=state.margin_ratio if state else None,
                    liquidation_price=(
                        liquidation.get(index, state.liquidation_price) if state else None
                    ),
                    closed="" if state else closed.get(index, ""),
                    reduced=reduced.get(index, "") if state else "",
                )
            )
        return ModeAtStep(mode.label, moment, tuple(rows))


def _on_wallet(
    account: Account, moment: Moment, wallet: Wallet
) -> tuple[Account, dict[int, Decimal | None]]:
    """The account at `moment` on its wallet: its balance the wallet's collateral value
    there, and each position's liquidation price with the coins moving with the mark
    (the wallet's stablecoins stand for what the coins are not)."""
    assert moment.collateral is not None
    held = {base_asset(symbol): symbol for symbol in account.symbols}
    coins = {asset: amount for asset, amount in wallet.balances.items() if asset in held}
    prices = {asset: moment.marks[held[asset]] for asset in coins}
    rest = moment.collateral - Wallet(coins, wallet.schedule).collateral_value(prices)
    now = Account(
        moment.collateral,
        account.positions,
        brackets=account.brackets,
        venue=account.venue,
        taker_fee=account.taker_fee,
    )
    ratio = wallet.schedule.rules.get("USDT")
    if rest < 0 or ratio is None or ratio.tiers[0].ratio == 0:
        return now, dict.fromkeys(range(len(account.positions)))
    usdt = rest / ratio.tiers[0].ratio  # a flat ratio in both our tables
    today = Wallet({**coins, "USDT": usdt}, wallet.schedule)
    return now, {
        k: collateral_liquidation_price(now, k, today, prices, moment.marks)
        for k in range(len(account.positions))
    }


CLOSED_BY = {
    EventKind.LIQUIDATION: "liquidated",
    EventKind.PARTIAL: "liquidated",
    EventKind.ADL: "closed by auto-deleveraging",
}


def quantity(value: Decimal) -> str:
    """A size as the log writes it: 2, 0.75, 13,000."""
    return number(value, 8, trim=True)


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
    if event.kind is EventKind.PARTIAL:
        return f"{at}: partial liquidation. {_orders(event, names)} You lose {cash(event.amount)}."
    if event.kind is EventKind.FUND:
        return f"{at}: {_fund(event, names)}"
    if event.kind is EventKind.ADL:
        return f"{at}: {_adl(event, names)}"
    if event.kind is EventKind.LIQUIDATION:
        return f"{at}: {_liquidation(event, names)}"
    # The end.
    if not event.positions:
        return f"{at}: the path ends. Every position has been closed; {cash(event.amount)} left."
    count = len(event.positions)
    still = f"{_who(event.positions, names)} {'is' if count == 1 else 'are'} still open"
    still = still[0].upper() + still[1:]
    return f"{at}: the path ends. {still}; equity {cash(event.amount)}."


def _liquidation(event: Event, names: tuple[str, ...]) -> str:
    assert event.insurance is not None
    who = _who(event.positions, names)
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
    rules = dict.fromkeys(order.rule for order in event.orders)
    why = f" Closed in full by the venue's rule: {'; '.join(rules)}." if rules else ""
    if event.beyond_bankruptcy:
        return (
            f"{how}. {lost}, and the exchange's insurance fund covers the other "
            f"{cash(-event.insurance)} lost.{why}"
        )
    return (
        f"{how}. {lost}; the {cash(event.insurance)} left in it goes to the "
        f"exchange's insurance fund (with the liquidation fee).{why}"
    )


def _orders(event: Event, names: tuple[str, ...]) -> str:
    """Each order of a step: what it closed, at what price, why, and what it left."""
    lines = []
    for order in event.orders:
        left = (
            f"{quantity(order.remaining)} left open"
            if order.remaining
            else "nothing left: it is closed"
        )
        lines.append(
            f"Position {order.position + 1} ({names[order.position]}): "
            f"{quantity(order.closed)} of {quantity(order.quantity_before)} closed at "
            f"{price(order.price)}, because {order.rule}; {left}."
        )
    return " ".join(lines)


def _fund(event: Event, names: tuple[str, ...]) -> str:
    draw = event.fund
    assert draw is not None
    whose = (
        _who(event.positions, names)
        if draw.source == "yours"
        else f"other traders' {draw.side} positions (illustrative)"
    )
    text = (
        f"the insurance fund pays {cash(draw.fund_used)} of the {cash(draw.shortfall)} lost "
        f"beyond the bankruptcy price of {whose}, {price(draw.bankruptcy_price)}; it goes from "
        f"{cash(draw.fund_before)} to {cash(draw.fund_after)}."
    )
    opposite = "short" if draw.side == "long" else "long"
    if draw.deleveraged:
        text += (
            f" It cannot pay the other {cash(draw.deleveraged + draw.uncovered)}: "
            f"auto-deleveraging takes it from {draw.symbol} {opposite} positions, highest "
            "ranked first."
        )
    if draw.uncovered:
        text += f" {cash(draw.uncovered)} is left uncovered: no {opposite} position could pay it."
    return text


def _adl(event: Event, names: tuple[str, ...]) -> str:
    step = event.deleveraged
    assert step is not None
    who = (
        f"your {_who(event.positions, names)}"
        if event.positions
        else f"{step.name}'s position (illustrative)"
    )
    return f"auto-deleveraging closes {who}. {step.reason}"


def _mode_summary(label: str, result: Replay, names: tuple[str, ...], symbols) -> str:
    lost = [event for event in result.events if event.kind is EventKind.LIQUIDATION]
    end = cash(result.final.equity)
    # What the backstops did, which no whole liquidation says: steps, and positions taken.
    steps = sum(event.kind is EventKind.PARTIAL for event in result.events)
    taken = sorted({k for e in result.events if e.kind is EventKind.ADL for k in e.positions})
    also = []
    if steps:
        also.append(f"{steps} partial liquidation{'s' if steps > 1 else ''}")
    if taken:
        also.append(f"{_who(tuple(taken), names)} taken by auto-deleveraging")
    backstops = f" ({'; '.join(also)})" if also else ""
    if not lost:
        kept = "keeps every position" if not also else "loses no position to a whole liquidation"
        return f"{label}: {kept}{backstops} and ends with {end}."
    first = lost[0]
    who = (
        "every position" if len(result.liquidated) == len(names) else _who(result.liquidated, names)
    )
    return (
        f"{label}: loses {who}, the first at {when(first.time)} "
        f"({_prices(first, symbols)}){backstops}, and ends with {end}."
    )


def _moved(entry: Decimal, move: object, what: str) -> Decimal:
    text = str(move).strip().removesuffix("%")
    try:
        value = Decimal(text)
    except ArithmeticError:
        raise EngineError(f"{what} must be a move like -44% (got {move!r}).") from None
    if not value.is_finite() or value <= -100:
        raise EngineError(f"{what} must be a move above -100% (got {move!r}).")
    return entry * (1 + value / 100)


def market_of(spec: object, *, account: Account, symbol: str) -> Market:
    """The market block of a path (content/paths.yaml, stored as text) for `account`: its
    moves from the account's entry prices, `symbol` where the block names none."""
    if not isinstance(spec, dict):
        raise EngineError("The market must map its fields (illustrative, fund, traders, …).")
    entries: dict[str, Decimal] = {}
    for position in account.positions:
        entries.setdefault(position.symbol, position.entry_price)

    def entry(item: dict, what: str) -> tuple[str, Decimal]:
        name = str(item.get("symbol") or symbol)
        if name not in entries:
            raise EngineError(f"{what} is on {name}, which the account does not hold.")
        return name, entries[name]

    traders, shortfalls = [], []
    try:
        for number, item in enumerate(spec.get("traders", []), start=1):
            held, price = entry(item, f"Trader {number}")
            at = _moved(price, item.get("entry", "0%"), f"Trader {number}'s entry")
            notional = Decimal(str(item["notional"]))
            traders.append(
                Trader(
                    item["name"],
                    held,
                    item["side"],
                    notional / at,
                    at,
                    notional / Decimal(str(item["leverage"])),
                )
            )
        for number, item in enumerate(spec.get("shortfalls", []), start=1):
            held, price = entry(item, f"Shortfall {number}")
            shortfalls.append(
                Shortfall(
                    Decimal(str(item["hour"])),
                    held,
                    item["side"],
                    Decimal(str(item["amount"])),
                    _moved(price, item["bankruptcy"], f"Shortfall {number}'s bankruptcy price"),
                )
            )
        return Market(Decimal(str(spec.get("fund", "0"))), traders, shortfalls)
    except (KeyError, TypeError, AttributeError, ArithmeticError) as error:
        raise EngineError(f"The market is missing or garbles a field ({error}).") from None


def replay_account(
    *,
    account: Account,
    names: tuple[str, ...],
    points: list[PathPoint],
    funding: Decimal,
    market: Market | None = None,
    wallet: Wallet | None = None,
) -> ReplayOutcome:
    """`account` replayed all-isolated and all-cross on `points`; with a `wallet`, all
    cross on its USDT balance and all cross on the wallet. Raises EngineError."""
    symbols = tuple(account.symbols)
    rates = {symbol: funding for symbol in symbols} if funding else {}
    modes = []
    runs = ((label, mode, None) for label, mode in MODES)
    if wallet is not None:
        runs = (("Cross on USDT", Mode.CROSS, None), ("Cross on the wallet", Mode.CROSS, wallet))
    for label, mode, coins in runs:
        result = replay(
            with_mode(account, mode), points, funding=rates, market=market, wallet=coins
        )
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
        market=market,
        wallet=wallet,
    )


def position_names(scenario: Scenario) -> tuple[str, ...]:
    return tuple(f"{spec.symbol} {spec.side.value}" for spec in scenario.positions)


def replay_scenario(
    *,
    scenario: Scenario,
    points: list[PathPoint],
    funding: Decimal,
    market: dict | None = None,
    symbol: str = "",
    wallet: Wallet | None = None,
) -> ReplayOutcome:
    """The simulator's scenario (its positions, not its marks) replayed on `points`,
    with a path's `market` block (its moves from entry; `symbol` where it names none)."""
    account = build_account(scenario)
    return replay_account(
        account=account,
        names=position_names(scenario),
        points=points,
        funding=funding,
        market=None if not market else market_of(market, account=account, symbol=symbol),
        wallet=wallet,
    )
