"""What the Tools' three calculators compute, on the margin engine's public API.

The forms hand cleaned values (rates as fractions, not percent) to the `*_compute`
functions; every figure comes from the engine (`simulator.engine`) and the venue
rules (`simulator.engine.venues`). Nothing here knows about requests or templates. An
input the engine refuses raises `ToolError`, which names the form field to blame.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from core.numbers import MINUS, money, number, percent, price
from simulator.engine import (
    Account,
    EngineError,
    Explanation,
    Mode,
    Position,
    Side,
    Step,
    bankruptcy_price,
    evaluate,
    explain_liquidation_price,
    funding_payment,
    liquidation_fee,
    liquidation_price,
    trading_fee,
    with_funding,
)
from simulator.engine.venues import DEFAULT_TABLE_NOTE, Venue, get_venue

ZERO = Decimal(0)
# The symbol of a position whose coin does not matter (the PnL calculator's).
ANY_SYMBOL = "COIN"
# What the engine calls a coin other than BTC and ETH (its messages name it).
OTHER_COIN = "another coin"
SIZE_UNITS = ("coins", "usd")


class ToolError(Exception):
    """An input the engine refuses; `field` is the form field it belongs to ("" for none)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _engine[T](field: str, call: Callable[[], T]) -> T:
    try:
        return call()
    except EngineError as error:
        raise ToolError(field, str(error)) from None


def _position(
    *,
    symbol: str,
    side: Side,
    entry_price: Decimal,
    size: Decimal,
    size_unit: str,
    leverage: Decimal,
    mode: Mode = Mode.ISOLATED,
    margin: Decimal | None = None,
) -> Position:
    """A position sized in coins, or in dollars at the entry price."""
    if size_unit == "usd":
        return Position.from_notional(
            symbol=symbol,
            side=side,
            notional=size,
            entry_price=entry_price,
            leverage=leverage,
            mode=mode,
            margin=margin,
        )
    return Position(
        symbol=symbol,
        side=side,
        quantity=size,
        entry_price=entry_price,
        leverage=leverage,
        mode=mode,
        margin=margin,
    )


def signed(value: Decimal, show: Callable[[Decimal], str] = price) -> str:
    """+1,234.56, -1,234.56 (with a true minus) or 0.00: a change, its sign always shown."""
    if not value:
        return show(Decimal("0.00")) if show is not price else "0.00"
    text = show(value)
    return text if text.startswith(MINUS) or not text.strip("0.,$%") else "+" + text


def duration(intervals: int, hours_each: int) -> str:
    """9 intervals of 8 hours: '3 days'; 5 of 1 hour: '5 hours'."""
    hours = intervals * hours_each
    if hours % 24 == 0:
        days = hours // 24
        return f"{days:,} day" + ("" if days == 1 else "s")
    return f"{hours:,} hour" + ("" if hours == 1 else "s")


def per_interval(hours_each: int) -> str:
    return "per hour" if hours_each == 1 else f"per {hours_each} hours"


def coin_name(symbol: str) -> str:
    """BTC, ETH, or "coins" for another coin."""
    return symbol if symbol in {"BTC", "ETH"} else "coins"


def engine_symbol(symbol: str) -> str:
    """The symbol for the engine: BTC, ETH, or another coin (no venue table)."""
    return symbol if symbol in {"BTC", "ETH"} else OTHER_COIN


def _brackets(venue: Venue, symbol: str, *, real_tiers: bool = True) -> dict | None:
    """The venue's tiers for a coin it has a table for; else None (the flat 0.5%)."""
    if not real_tiers or venue.table(symbol) is None:
        return None
    return {symbol: venue.brackets(symbol)}


def tiers_note(venue: Venue, symbol: str) -> str:
    """Whose maintenance tiers a calculation used, how recent, and what is uncertain."""
    table = venue.table(symbol)
    if table is None:
        return f"{venue.name} has no table here for this coin. {DEFAULT_TABLE_NOTE}"
    note = f" {table.note}" if table.note else ""
    return f"{venue.name}'s {symbol} tiers, as of {table.as_of}.{note}"


def _short(value: Decimal) -> str:
    """A price in a sentence: 60,000 or 2,640.5 (no trailing zeros)."""
    text = price(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _rate(fraction: Decimal) -> str:
    """A rate per trade or interval as people quote it: 0.01%, 0.055%."""
    return f"{number(fraction * 100, 8, trim=True)}%"


# --------------------------------------------------------------------------- liquidation price


@dataclass(frozen=True, slots=True)
class LiquidationInputs:
    venue: str
    symbol: str  # "BTC", "ETH" or another coin ("OTHER": the venue's default table)
    side: Side
    entry_price: Decimal
    size: Decimal
    size_unit: str  # "coins" or "usd" (dollars at the entry price)
    leverage: Decimal
    mode: Mode
    margin: Decimal | None  # isolated: the position's margin; None: the initial margin
    balance: Decimal | None  # cross: the wallet balance
    real_tiers: bool  # the venue's tables; False: a flat 0.5%, as in the lessons
    maker_fee: Decimal  # fractions: 0.0002 is 0.02%
    taker_fee: Decimal
    funding_rate: Decimal  # per interval; positive: longs pay shorts
    funding_intervals: int
    mark_price: Decimal | None  # None: the entry price
    last_price: Decimal | None


@dataclass(frozen=True, slots=True)
class BreakdownRow:
    """One step from the textbook price to the venue's, ready for display."""

    label: str
    detail: str
    price: Decimal | None
    change: Decimal
    change_text: str


@dataclass(frozen=True, slots=True)
class LiquidationResult:
    inputs: LiquidationInputs
    venue: Venue
    position: Position  # after funding
    mark: Decimal
    liquidation_price: Decimal | None
    bankruptcy_price: Decimal | None
    margin_ratio: Decimal | None
    distance: Decimal | None
    liquidated: bool
    liquidation_fee: Decimal | None
    explanation: Explanation
    breakdown: tuple[BreakdownRow, ...]
    total_change: Decimal
    before_funding: Decimal | None  # the liquidation price without the funding
    funding_paid: Decimal  # over all the intervals; negative: received
    open_fee_taker: Decimal
    open_fee_maker: Decimal
    summary: str
    funding_sentence: str

    @property
    def tiers_note(self) -> str:
        if not self.inputs.real_tiers:
            return "A flat 0.5% of the position's value, as in the lessons."
        return tiers_note(self.venue, self.inputs.symbol)

    @property
    def check_line(self) -> str:
        """Textbook + changes = venue price, in figures (when both prices exist)."""
        textbook, final = self.explanation.textbook, self.explanation.price
        if textbook is None or final is None:
            return ""
        return (
            f"Textbook {price(textbook)} {signed(self.total_change)} in changes "
            f"= {price(final)}, the price {self.venue.name} works out."
        )


def _breakdown(steps: tuple[Step, ...]) -> tuple[BreakdownRow, ...]:
    return tuple(
        BreakdownRow(
            label=step.label,
            detail=step.detail,
            price=step.price,
            change=step.change,
            change_text=signed(step.change),
        )
        for step in steps
    )


def _liquidation_summary(
    *, venue: Venue, position: Position, mark: Decimal, lp: Decimal | None, liquidated: bool
) -> str:
    coin = "" if position.symbol == OTHER_COIN else f"{position.symbol} "
    name = f"Your {coin}{position.side.value} on {venue.name}"
    if lp is None:
        return f"{name} has no liquidation price: no positive price uses up its margin."
    if liquidated:
        return (
            f"{name} is past its liquidation price of {price(lp)} at a mark of "
            f"{price(mark)}: the exchange would already have liquidated it."
        )
    way = "below" if lp < mark else "above"
    distance = percent(abs(mark - lp) / mark)
    return (
        f"{name} is liquidated when the mark price reaches {price(lp)}, "
        f"{distance} {way} the mark of {price(mark)}."
    )


def _funding_sentence(
    *,
    inputs: LiquidationInputs,
    venue: Venue,
    before: Decimal | None,
    after: Decimal | None,
    paid: Decimal,
) -> str:
    if not inputs.funding_rate or not inputs.funding_intervals:
        return ""
    time = duration(inputs.funding_intervals, venue.funding_hours)
    rate = _rate(inputs.funding_rate)
    flow = f"you pay {money(paid)}" if paid > 0 else f"you receive {money(-paid)}"
    if before is None and after is None:
        moves = "your position still has no liquidation price"
    elif before is None:
        moves = f"your position now has a liquidation price: {price(after)}"
    elif after is None:
        moves = f"your position no longer has a liquidation price (it was {price(before)})"
    else:
        moves = f"your liquidation price moves from {price(before)} to {price(after)}"
    return (
        f"After {time} at {rate} {per_interval(venue.funding_hours)}, {flow} in funding "
        f"and {moves}."
    )


def liquidation_compute(*, inputs: LiquidationInputs) -> LiquidationResult:
    """The position's liquidation and bankruptcy prices on the venue, where it stands
    now, and the steps from the textbook price to the venue's. Raises ToolError."""
    venue = _engine("venue", lambda: get_venue(inputs.venue))
    symbol = engine_symbol(inputs.symbol)
    isolated = inputs.mode is Mode.ISOLATED
    position = _engine(
        "size",
        lambda: _position(
            symbol=symbol,
            side=inputs.side,
            entry_price=inputs.entry_price,
            size=inputs.size,
            size_unit=inputs.size_unit,
            leverage=inputs.leverage,
            mode=inputs.mode,
            margin=inputs.margin if isolated else None,
        ),
    )
    if isolated:
        balance = position.isolated_margin
    else:
        balance = inputs.balance if inputs.balance is not None else position.initial_margin
    brackets = _brackets(venue, symbol, real_tiers=inputs.real_tiers)
    account = _engine(
        "margin" if isolated else "balance",
        lambda: Account(
            balance=balance,
            positions=(position,),
            brackets=brackets,
            venue=venue.key,
            taker_fee=inputs.taker_fee,
        ),
    )
    mark = inputs.mark_price if inputs.mark_price is not None else inputs.entry_price
    marks = {symbol: mark}
    funded = account
    if inputs.funding_rate and inputs.funding_intervals:
        funded = _engine(
            "funding_intervals",
            lambda: with_funding(
                account,
                rates={symbol: inputs.funding_rate},
                intervals=inputs.funding_intervals,
                marks=marks,
            ),
        )
    explanation = _engine(
        "",
        lambda: explain_liquidation_price(
            account,
            0,
            marks,
            funding_rate=inputs.funding_rate,
            funding_intervals=inputs.funding_intervals,
            last_price=inputs.last_price,
        ),
    )
    state = _engine("mark_price", lambda: evaluate(funded, marks)).positions[0]
    lp = state.liquidation_price
    before = _engine("", lambda: liquidation_price(account, 0, marks))
    paid = (
        funding_payment(position, rate=inputs.funding_rate, price=mark) * inputs.funding_intervals
    )
    breakdown = _breakdown(explanation.steps)
    return LiquidationResult(
        inputs=inputs,
        venue=venue,
        position=funded.positions[0],
        mark=mark,
        liquidation_price=lp,
        bankruptcy_price=_engine("", lambda: bankruptcy_price(funded, 0, marks)),
        margin_ratio=state.margin_ratio,
        distance=state.distance_to_liquidation,
        liquidated=state.liquidated,
        liquidation_fee=None if lp is None else liquidation_fee(funded, 0, lp),
        explanation=explanation,
        breakdown=breakdown,
        total_change=sum((row.change for row in breakdown), start=ZERO),
        before_funding=before,
        funding_paid=paid,
        open_fee_taker=trading_fee(position.notional, inputs.taker_fee),
        open_fee_maker=trading_fee(position.notional, inputs.maker_fee),
        summary=_liquidation_summary(
            venue=venue, position=position, mark=mark, lp=lp, liquidated=state.liquidated
        ),
        funding_sentence=_funding_sentence(
            inputs=inputs, venue=venue, before=before, after=lp, paid=paid
        ),
    )


# --------------------------------------------------------------------------- position size


@dataclass(frozen=True, slots=True)
class PositionSizeInputs:
    venue: str
    symbol: str
    balance: Decimal
    risk: Decimal  # a fraction of the balance: 0.01 is 1%
    entry_price: Decimal
    stop_price: Decimal
    leverage: Decimal
    taker_fee: Decimal  # a fraction


@dataclass(frozen=True, slots=True)
class PositionSizeResult:
    inputs: PositionSizeInputs
    venue: Venue
    side: Side
    risk_amount: Decimal  # what the stop costs, fees included
    quantity: Decimal
    notional: Decimal
    margin: Decimal
    account_leverage: Decimal  # the position's value over the whole balance
    price_loss: Decimal  # at the stop, before fees
    fees: Decimal  # to open at the entry and close at the stop
    liquidation_price: Decimal | None  # isolated, at the chosen leverage
    liquidated_before_stop: bool
    margin_above_balance: bool
    summary: str

    @property
    def tiers_note(self) -> str:
        return tiers_note(self.venue, self.inputs.symbol)

    @property
    def quantity_text(self) -> str:
        return number(self.quantity, 8, trim=True)

    @property
    def account_leverage_text(self) -> str:
        return f"{number(self.account_leverage, 2, trim=True)}x"


def position_size_compute(*, inputs: PositionSizeInputs) -> PositionSizeResult:
    """The position whose loss at the stop, fees to open and close included, is the
    risk chosen; its margin, and where isolated margin would liquidate it. Raises
    ToolError."""
    venue = _engine("venue", lambda: get_venue(inputs.venue))
    symbol = engine_symbol(inputs.symbol)
    entry, stop, rate = inputs.entry_price, inputs.stop_price, inputs.taker_fee
    if stop == entry:
        raise ToolError("stop_price", "The stop must be above or below the entry price")
    side = Side.LONG if stop < entry else Side.SHORT
    risk_amount = inputs.balance * inputs.risk
    # One coin bought at the entry and sold at the stop loses the move and two fees.
    per_coin = abs(entry - stop) + trading_fee(entry, rate) + trading_fee(stop, rate)
    quantity = risk_amount / per_coin
    position = _engine(
        "leverage",
        lambda: Position(
            symbol=symbol,
            side=side,
            quantity=quantity,
            entry_price=entry,
            leverage=inputs.leverage,
        ),
    )
    price_loss = -position.unrealized_pnl(stop)
    fees = trading_fee(position.notional, rate) + trading_fee(quantity * stop, rate)
    margin = position.initial_margin
    account = _engine(
        "leverage",
        lambda: Account(
            balance=margin,
            positions=(position,),
            brackets=_brackets(venue, symbol),
            venue=venue.key,
            taker_fee=rate,
        ),
    )
    lp = _engine("leverage", lambda: liquidation_price(account, 0))
    before_stop = lp is not None and (lp >= stop if side is Side.LONG else lp <= stop)
    summary = (
        f"To risk {money(risk_amount)} with a stop at {_short(stop)}, go {side.value} "
        f"{number(quantity, 8, trim=True)} {coin_name(inputs.symbol)} "
        f"worth {money(position.notional)}."
    )
    return PositionSizeResult(
        inputs=inputs,
        venue=venue,
        side=side,
        risk_amount=risk_amount,
        quantity=quantity,
        notional=position.notional,
        margin=margin,
        account_leverage=position.notional / inputs.balance,
        price_loss=price_loss,
        fees=fees,
        liquidation_price=lp,
        liquidated_before_stop=before_stop,
        margin_above_balance=margin > inputs.balance,
        summary=summary,
    )


# --------------------------------------------------------------------------- PnL


@dataclass(frozen=True, slots=True)
class PnlInputs:
    venue: str
    side: Side
    entry_price: Decimal
    exit_price: Decimal
    size: Decimal
    size_unit: str
    leverage: Decimal
    maker_fee: Decimal
    taker_fee: Decimal
    entry_order: str  # "taker" or "maker": which fee the entry pays
    exit_order: str
    funding_rate: Decimal
    funding_intervals: int


@dataclass(frozen=True, slots=True)
class PnlResult:
    inputs: PnlInputs
    venue: Venue
    position: Position
    gross: Decimal
    entry_fee: Decimal
    exit_fee: Decimal
    funding: Decimal  # positive: paid
    net: Decimal
    margin: Decimal
    return_on_margin: Decimal
    summary: str

    @property
    def fees(self) -> Decimal:
        return self.entry_fee + self.exit_fee

    @property
    def held_for(self) -> str:
        return duration(self.inputs.funding_intervals, self.venue.funding_hours)

    @property
    def lines(self) -> tuple[tuple[str, Decimal], ...]:
        """Each part of the net PnL with its effect on it (a cost is negative)."""
        inputs = self.inputs
        rates = {"taker": inputs.taker_fee, "maker": inputs.maker_fee}
        funding = "Funding received" if self.funding < 0 else "Funding paid"
        if inputs.funding_intervals and inputs.funding_rate:
            funding += (
                f" ({self.held_for} at {_rate(inputs.funding_rate)} "
                f"{per_interval(self.venue.funding_hours)})"
            )
        return (
            ("Price move (gross PnL)", self.gross),
            (
                f"Fee to open ({inputs.entry_order}, {_rate(rates[inputs.entry_order])})",
                -self.entry_fee,
            ),
            (
                f"Fee to close ({inputs.exit_order}, {_rate(rates[inputs.exit_order])})",
                -self.exit_fee,
            ),
            (funding, -self.funding),
        )


def pnl_compute(*, inputs: PnlInputs) -> PnlResult:
    """A round trip: the price move, the fees to open and close, the funding paid or
    received while open, and what that is on the margin posted. Raises ToolError."""
    venue = _engine("venue", lambda: get_venue(inputs.venue))
    position = _engine(
        "size",
        lambda: _position(
            symbol=ANY_SYMBOL,
            side=inputs.side,
            entry_price=inputs.entry_price,
            size=inputs.size,
            size_unit=inputs.size_unit,
            leverage=inputs.leverage,
        ),
    )
    rates = {"taker": inputs.taker_fee, "maker": inputs.maker_fee}
    gross = position.unrealized_pnl(inputs.exit_price)
    entry_fee = trading_fee(position.notional, rates[inputs.entry_order])
    exit_fee = trading_fee(position.quantity * inputs.exit_price, rates[inputs.exit_order])
    # Funding on the position's value at the entry price, each interval.
    funding = (
        funding_payment(position, rate=inputs.funding_rate, price=inputs.entry_price)
        * inputs.funding_intervals
    )
    net = gross - entry_fee - exit_fee - funding
    margin = position.initial_margin
    ratio = net / margin
    if net:
        outcome = f"You {'make' if net > 0 else 'lose'} {money(abs(net))} after fees and funding"
        summary = f"{outcome}, {signed(ratio, percent)} on your {money(margin)} margin."
    else:
        summary = f"You break even after fees and funding, on your {money(margin)} margin."
    return PnlResult(
        inputs=inputs,
        venue=venue,
        position=position,
        gross=gross,
        entry_fee=entry_fee,
        exit_fee=exit_fee,
        funding=funding,
        net=net,
        margin=margin,
        return_on_margin=ratio,
        summary=summary,
    )
