"""Margin engine for linear (USDT-margined) perpetual futures.

Pure Python and `Decimal` throughout: no Django, no floats, no rounding. Every
formula, its sources and its assumptions are in ``docs/engine.md``.

Public API:

* `Side`, `Mode`, `Bracket`, `Position`, `Account`: the inputs.
* `evaluate(account, marks)`: the whole account at given mark prices.
* `liquidation_price(account, index, marks=None)` and `liquidation_prices(...)`.
* `equity_curve(account, symbol, low, high, marks=None)`: the exact equity line
  for one symbol's price, for charts.
* `with_mode(account, mode)` and `compare_modes(account, marks)`: the same
  positions all-isolated or all-cross.
* `maintenance_amounts`, `bracket_for`, `quantity_for`, `margin_for`: helpers.

Every input that makes no sense raises `EngineError`, whose message can be
shown to a learner as is.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from itertools import pairwise
from operator import itemgetter
from types import MappingProxyType

__all__ = [
    "DEFAULT_BRACKETS",
    "Account",
    "Bracket",
    "CurvePoint",
    "CurveSegment",
    "EngineError",
    "EquityCurve",
    "Evaluation",
    "Mode",
    "Position",
    "PositionState",
    "Side",
    "bracket_for",
    "compare_modes",
    "equity_curve",
    "evaluate",
    "liquidation_price",
    "liquidation_prices",
    "maintenance_amounts",
    "margin_for",
    "quantity_for",
    "with_mode",
]

ZERO = Decimal(0)

# Relative slack for the "margin below initial margin" check only: a quantity
# derived as notional / price is rounded in its 28th digit, so the initial
# margin recomputed from it can exceed the margin the learner typed by that much.
_MARGIN_SLACK = Decimal("1e-20")


class EngineError(ValueError):
    """An input that makes no sense; the message is meant for the learner."""


class Side(StrEnum):
    """Direction of a position."""

    LONG = "long"
    SHORT = "short"

    @property
    def sign(self) -> int:
        """+1 for a long, -1 for a short."""
        return 1 if self is Side.LONG else -1


class Mode(StrEnum):
    """Margin mode of a position."""

    ISOLATED = "isolated"
    CROSS = "cross"


Number = Decimal | int | str


def _decimal(value: object, name: str) -> Decimal:
    """Convert Decimal, int or numeric string to Decimal; floats are refused."""
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise EngineError(f"{name} must be a number, not {value!r}.")
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise EngineError(f"{name} must be a number (got {value!r}).") from None
    elif isinstance(value, float):
        raise EngineError(
            f"{name} was given as a float ({value!r}); give it as a Decimal, an int or a "
            "string, because floats cannot hold most decimal amounts exactly."
        )
    else:
        raise EngineError(f"{name} must be a number (got {value!r}).")
    if not result.is_finite():
        raise EngineError(f"{name} must be a finite number (got {value!r}).")
    return result


def _show(value: Decimal) -> str:
    """A number for a message: grouped thousands, at most 8 decimals."""
    try:
        shown = value.quantize(Decimal("1e-8")).normalize()
    except InvalidOperation:  # too many digits to quantize: show it whole
        shown = value
    if shown == 0 and value != 0:  # a tiny number must not read as zero
        shown = value
    return f"{shown:,f}"


def _positive(value: object, name: str) -> Decimal:
    result = _decimal(value, name)
    if result <= 0:
        raise EngineError(f"{name} must be greater than zero (got {_show(result)}).")
    return result


def _not_negative(value: object, name: str) -> Decimal:
    result = _decimal(value, name)
    if result < 0:
        raise EngineError(f"{name} cannot be negative (got {_show(result)}).")
    return result


def _enum[E: StrEnum](kind: type[E], value: object, name: str) -> E:
    if isinstance(value, kind):
        return value
    try:
        return kind(str(value).strip().lower())
    except ValueError:
        allowed = " or ".join(repr(member.value) for member in kind)
        raise EngineError(f"{name} must be {allowed} (got {value!r}).") from None


# --------------------------------------------------------------------------- brackets


@dataclass(frozen=True, slots=True)
class Bracket:
    """One maintenance-margin bracket: it applies from notional `floor` upwards."""

    floor: Decimal
    rate: Decimal

    def __post_init__(self) -> None:
        floor = _decimal(self.floor, "A bracket floor")
        rate = _decimal(self.rate, "A maintenance margin rate")
        if floor < 0:
            raise EngineError(f"A bracket floor cannot be negative (got {_show(floor)}).")
        if not ZERO <= rate < 1:
            raise EngineError(
                f"A maintenance margin rate must be at least 0 and below 1 (got {rate})."
            )
        object.__setattr__(self, "floor", floor)
        object.__setattr__(self, "rate", rate)


DEFAULT_BRACKETS: tuple[Bracket, ...] = (Bracket(ZERO, Decimal("0.005")),)
"""The single 0.5% bracket used for a symbol without its own table."""


def maintenance_amounts(brackets: Sequence[Bracket]) -> tuple[Decimal, ...]:
    """Maintenance amounts: a_0 = 0, a_n = floor_n x (rate_n - rate_(n-1)) + a_(n-1)."""
    amounts = [ZERO]
    for previous, current in pairwise(brackets):
        amounts.append(current.floor * (current.rate - previous.rate) + amounts[-1])
    return tuple(amounts)


@dataclass(frozen=True, slots=True)
class _Table:
    """A validated bracket list with its maintenance amounts, ready for lookups."""

    floors: tuple[Decimal, ...]
    rates: tuple[Decimal, ...]
    amounts: tuple[Decimal, ...]

    @classmethod
    def build(cls, symbol: str, brackets: Iterable[Bracket]) -> _Table:
        brackets = tuple(brackets)
        if not brackets:
            raise EngineError(f"The bracket list for {symbol} is empty.")
        for bracket in brackets:
            if not isinstance(bracket, Bracket):
                raise EngineError(f"The brackets for {symbol} must be Bracket objects.")
        if brackets[0].floor != 0:
            raise EngineError(f"The first bracket for {symbol} must start at a notional of 0.")
        for previous, current in pairwise(brackets):
            if current.floor <= previous.floor:
                raise EngineError(f"The bracket floors for {symbol} must strictly increase.")
            if current.rate < previous.rate:
                raise EngineError(
                    f"The maintenance margin rates for {symbol} must not decrease "
                    "from one bracket to the next."
                )
        return cls(
            floors=tuple(b.floor for b in brackets),
            rates=tuple(b.rate for b in brackets),
            amounts=maintenance_amounts(brackets),
        )

    def tier(self, notional: Decimal) -> int:
        # The bracket that contains a notional is the last one whose floor it reaches.
        return bisect_right(self.floors, notional) - 1

    def maintenance(self, notional: Decimal) -> Decimal:
        k = self.tier(notional)
        return notional * self.rates[k] - self.amounts[k]


def bracket_for(brackets: Sequence[Bracket], notional: Number) -> tuple[Bracket, Decimal]:
    """The bracket containing `notional` and its maintenance amount."""
    table = _Table.build("this table", brackets)
    k = table.tier(_decimal(notional, "The notional"))
    return brackets[k], table.amounts[k]


# --------------------------------------------------------------------------- inputs


def quantity_for(notional: Number, price: Number) -> Decimal:
    """Base-asset quantity of a position worth `notional` at `price`."""
    return _positive(notional, "The notional") / _positive(price, "The price")


def margin_for(notional: Number, leverage: Number) -> Decimal:
    """Initial margin of a position worth `notional` opened at `leverage`."""
    return _positive(notional, "The notional") / _positive(leverage, "The leverage")


@dataclass(frozen=True, slots=True)
class Position:
    """An open position. Numbers may be Decimal, int or str (floats are refused).

    `margin` is the isolated margin; it defaults to the initial margin
    quantity x entry_price / leverage and may be more (added margin), never less.
    A cross position keeps it too, so that `with_mode` can switch back and forth.
    """

    symbol: str
    side: Side
    quantity: Decimal
    entry_price: Decimal
    leverage: Decimal
    mode: Mode = Mode.ISOLATED
    margin: Decimal | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.symbol, str) or not self.symbol.strip():
            raise EngineError("Every position needs a symbol, such as BTCUSDT.")
        set_ = object.__setattr__
        set_(self, "symbol", self.symbol.strip())
        set_(self, "side", _enum(Side, self.side, "The side"))
        set_(self, "mode", _enum(Mode, self.mode, "The margin mode"))
        set_(self, "quantity", _positive(self.quantity, "The quantity"))
        set_(self, "entry_price", _positive(self.entry_price, "The entry price"))
        set_(self, "leverage", _positive(self.leverage, "The leverage"))
        initial = self.initial_margin
        if self.margin is None:
            set_(self, "margin", initial)
            return
        margin = _decimal(self.margin, "The isolated margin")
        if margin < initial and initial - margin > initial * _MARGIN_SLACK:
            raise EngineError(
                f"The isolated margin ({_show(margin)}) is below the initial margin "
                f"({_show(initial)}) that {_show(self.leverage)}x leverage needs on a "
                f"{_show(self.notional)} position: margin can be added, never taken below that."
            )
        set_(self, "margin", margin)

    @classmethod
    def from_notional(
        cls,
        symbol: str,
        side: Side | str,
        notional: Number,
        entry_price: Number,
        leverage: Number,
        mode: Mode | str = Mode.ISOLATED,
        margin: Number | None = None,
    ) -> Position:
        """A position sized in quote currency (dollars), as the simulator form takes it."""
        price = _positive(entry_price, "The entry price")
        return cls(
            symbol=symbol,
            side=_enum(Side, side, "The side"),
            quantity=quantity_for(notional, price),
            entry_price=price,
            leverage=_positive(leverage, "The leverage"),
            mode=_enum(Mode, mode, "The margin mode"),
            margin=None if margin is None else _decimal(margin, "The isolated margin"),
        )

    @property
    def sign(self) -> int:
        return self.side.sign

    @property
    def notional(self) -> Decimal:
        """Notional at the entry price."""
        return self.quantity * self.entry_price

    @property
    def initial_margin(self) -> Decimal:
        return self.quantity * self.entry_price / self.leverage

    @property
    def isolated_margin(self) -> Decimal:
        """The margin as a Decimal (never None once constructed)."""
        return self.margin if self.margin is not None else self.initial_margin

    def unrealized_pnl(self, price: Decimal) -> Decimal:
        return self.sign * self.quantity * (price - self.entry_price)


@dataclass(frozen=True, slots=True)
class Account:
    """Wallet balance, open positions and, per symbol, a bracket list.

    The isolated margins are part of the wallet balance; what remains is the
    cross wallet shared by the cross positions.
    """

    balance: Decimal
    positions: Sequence[Position]
    """Any sequence; stored as a tuple."""
    brackets: Mapping[str, Sequence[Bracket]] = field(default_factory=dict, hash=False)
    _tables: Mapping[str, _Table] = field(
        init=False, repr=False, compare=False, hash=False, default=MappingProxyType({})
    )
    _cross_wallet: Decimal = field(init=False, repr=False, compare=False, hash=False, default=ZERO)

    def __post_init__(self) -> None:
        balance = _decimal(self.balance, "The wallet balance")
        if balance < 0:
            raise EngineError(f"The wallet balance cannot be negative (got {_show(balance)}).")
        if not isinstance(self.positions, Iterable):
            raise EngineError("The positions must be a list of Position objects.")
        positions = tuple(self.positions)
        for position in positions:
            if not isinstance(position, Position):
                raise EngineError("Every position must be a Position.")
        if not isinstance(self.brackets, Mapping) or not all(
            isinstance(items, Iterable) for items in self.brackets.values()
        ):
            raise EngineError("The brackets must map each symbol to its list of brackets.")
        brackets = {str(symbol): tuple(items) for symbol, items in self.brackets.items()}
        tables = {symbol: _Table.build(symbol, items) for symbol, items in brackets.items()}
        default = _Table.build("the default table", DEFAULT_BRACKETS)
        for position in positions:
            tables.setdefault(position.symbol, default)
        isolated = sum(
            (p.isolated_margin for p in positions if p.mode is Mode.ISOLATED), start=ZERO
        )
        if isolated > balance:
            raise EngineError(
                f"The isolated margins add up to {_show(isolated)}, more than the wallet "
                f"balance of {_show(balance)}."
            )
        set_ = object.__setattr__
        set_(self, "balance", balance)
        set_(self, "positions", positions)
        set_(self, "brackets", MappingProxyType(brackets))
        set_(self, "_tables", MappingProxyType(tables))
        set_(self, "_cross_wallet", balance - isolated)

    @property
    def cross_wallet(self) -> Decimal:
        """The wallet balance minus the isolated margins."""
        return self._cross_wallet

    @property
    def symbols(self) -> tuple[str, ...]:
        """The symbols held, in order of first appearance."""
        return tuple(dict.fromkeys(p.symbol for p in self.positions))

    def maintenance_margin(self, index: int, price: Number) -> Decimal:
        """Maintenance margin of position `index` at mark `price`."""
        position = self.positions[_index(self, index)]
        price = _positive(price, "The price")
        return self._tables[position.symbol].maintenance(position.quantity * price)


def _index(account: Account, index: int) -> int:
    if isinstance(index, bool) or not isinstance(index, int):
        raise EngineError(f"A position index must be an integer (got {index!r}).")
    if not 0 <= index < len(account.positions):
        raise EngineError(
            f"There is no position {index}: the account holds {len(account.positions)}."
        )
    return index


def _prices(
    account: Account, marks: Mapping[str, Number] | None, skip: str | None = None
) -> dict[str, Decimal]:
    """Mark price per symbol; by default each symbol's first entry price."""
    if marks is None:
        prices: dict[str, Decimal] = {}
        for position in account.positions:
            prices.setdefault(position.symbol, position.entry_price)
        return prices
    if not isinstance(marks, Mapping):
        raise EngineError("The mark prices must map each symbol to its price.")
    prices = {}
    for symbol in account.symbols:
        if symbol not in marks:
            if symbol == skip:
                continue
            raise EngineError(f"No mark price was given for {symbol}.")
        # A mark of 0 is allowed: "what if it goes to zero?" is a fair question.
        prices[symbol] = _not_negative(marks[symbol], f"The mark price of {symbol}")
    return prices


# --------------------------------------------------------------------------- liquidation


Interval = tuple[Decimal, Decimal | None]
"""A closed price interval [low, high]; high None means unbounded."""


def _liquidation_region(
    base: Decimal, members: Sequence[Position], table: _Table
) -> list[Interval]:
    """Prices P > 0 (of the members' symbol) at which a margin pot is liquidated.

    The pot is worth f(P) = base + sum(side x qty x (P - entry)) - sum(MM(P)) over
    `members`, all on one symbol and sharing `table`; it is liquidated where
    f(P) <= 0. Between bracket boundaries f is linear, so the region is found
    exactly, piece by piece: this is the "recompute with the bracket that contains
    the notional at LP" rule, done for every bracket at once.
    """
    alpha = base
    beta = ZERO
    events: list[tuple[Decimal, Decimal, Decimal]] = []
    first_rate = table.rates[0]
    for position in members:
        quantity = position.quantity
        signed = position.sign * quantity
        alpha -= signed * position.entry_price
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
    # One value per boundary, shared by the pieces on both sides, so that rounding
    # can never open a gap between two adjacent pieces.
    values = [a + b * s for a, b, s in zip(alphas, betas, starts, strict=True)]

    region: list[Interval] = []
    last = len(starts) - 1
    for k, (low, a, b, f_low) in enumerate(zip(starts, alphas, betas, values, strict=True)):
        piece: Interval
        if k < last:
            high = starts[k + 1]
            f_high = values[k + 1]
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


def _inside(region: Sequence[Interval], price: Decimal) -> bool:
    return any(low <= price and (high is None or price <= high) for low, high in region)


def _boundaries(region: Sequence[Interval]) -> list[Decimal]:
    found: list[Decimal] = []
    for low, high in region:
        if low > 0:
            found.append(low)
        if high is not None and high > 0:
            found.append(high)
    return found


def _nearest(region: Sequence[Interval], reference: Decimal) -> Decimal | None:
    boundaries = _boundaries(region)
    if not boundaries:
        return None
    return min(boundaries, key=lambda b: (abs(b - reference), b))


@dataclass(frozen=True, slots=True)
class _Snapshot:
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


def _snapshot(account: Account, prices: Mapping[str, Decimal]) -> _Snapshot:
    """One pass over the positions; a position whose symbol has no price gets None."""
    pnl: list[Decimal | None] = []
    maintenance: list[Decimal | None] = []
    cross_pnl = cross_maintenance = cross_initial = ZERO
    group_pnl: dict[str, Decimal] = {}
    group_maintenance: dict[str, Decimal] = {}
    group_members: dict[str, list[Position]] = {}
    has_cross = False
    for position in account.positions:
        symbol = position.symbol
        price = prices.get(symbol)
        if price is None:
            p = m = None
        else:
            p = position.unrealized_pnl(price)
            m = account._tables[symbol].maintenance(position.quantity * price)
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
    return _Snapshot(
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


def _cross_base(account: Account, snapshot: _Snapshot, symbol: str) -> Decimal:
    """Cross wallet + PnL - maintenance of the cross positions on other symbols."""
    other_pnl = snapshot.cross_pnl - snapshot.group_pnl.get(symbol, ZERO)
    other_mm = snapshot.cross_maintenance - snapshot.group_maintenance.get(symbol, ZERO)
    return account.cross_wallet + other_pnl - other_mm


def _all_liquidation_prices(
    account: Account,
    snapshot: _Snapshot,
    references: Sequence[Decimal],
) -> list[Decimal | None]:
    """Every position's liquidation price in one pass over precomputed totals."""
    cross_cache: dict[str, Decimal | None] = {}
    result: list[Decimal | None] = []
    for position, reference in zip(account.positions, references, strict=True):
        symbol = position.symbol
        table = account._tables[symbol]
        if position.mode is Mode.ISOLATED:
            region = _liquidation_region(position.isolated_margin, (position,), table)
            result.append(_nearest(region, reference))
            continue
        if symbol not in cross_cache:
            base = _cross_base(account, snapshot, symbol)
            region = _liquidation_region(base, snapshot.group_members[symbol], table)
            cross_cache[symbol] = _nearest(region, reference)
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
    i = _index(account, index)
    position = account.positions[i]
    prices = _prices(account, marks, skip=position.symbol)
    reference = prices.get(position.symbol, position.entry_price)
    snapshot = _snapshot(account, prices)
    table = account._tables[position.symbol]
    if position.mode is Mode.ISOLATED:
        region = _liquidation_region(position.isolated_margin, (position,), table)
    else:
        base = _cross_base(account, snapshot, position.symbol)
        region = _liquidation_region(base, snapshot.group_members[position.symbol], table)
    return _nearest(region, reference)


def liquidation_prices(
    account: Account, marks: Mapping[str, Number] | None = None
) -> tuple[Decimal | None, ...]:
    """`liquidation_price` of every position, in time linear in their number."""
    prices = _prices(account, marks)
    snapshot = _snapshot(account, prices)
    references = [prices[p.symbol] for p in account.positions]
    return tuple(_all_liquidation_prices(account, snapshot, references))


# --------------------------------------------------------------------------- evaluation


@dataclass(frozen=True, slots=True)
class PositionState:
    """One position at the given marks.

    For a cross position, `margin_balance` and `margin_ratio` are those of the
    shared cross pot (cross wallet + cross PnL, and total cross maintenance margin
    over it), and `liquidated` says whether the whole cross pot is.
    """

    index: int
    symbol: str
    side: Side
    mode: Mode
    mark_price: Decimal
    notional: Decimal
    initial_margin: Decimal
    unrealized_pnl: Decimal
    maintenance_margin: Decimal
    margin_balance: Decimal
    margin_ratio: Decimal | None
    """Maintenance margin / margin balance; liquidation at 1 (100%). None if the
    margin balance is zero or negative."""
    liquidation_price: Decimal | None
    distance_to_liquidation: Decimal | None
    """|mark - liquidation price| / mark, negative once liquidated."""
    liquidated: bool
    lost: Decimal
    """Isolated: the whole isolated margin if liquidated. Cross: 0 (the cross
    wallet's loss is counted once, in `Evaluation.cross_lost`)."""


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The account at the given marks, after any liquidations they trigger."""

    balance: Decimal
    cross_wallet: Decimal
    cross_unrealized_pnl: Decimal
    cross_equity: Decimal
    """Cross wallet + cross PnL, before any cross liquidation."""
    cross_maintenance_margin: Decimal
    cross_liquidated: bool
    cross_lost: Decimal
    positions: tuple[PositionState, ...]
    total_unrealized_pnl: Decimal
    equity: Decimal
    """What the account is worth: the cross pot (0 if liquidated) plus the margin
    balance of every isolated position still open."""
    free_balance: Decimal
    """What could open a new trade now: cross wallet + cross PnL - initial margin
    of the cross positions, never below 0."""
    total_lost: Decimal
    """Margin lost to liquidations: isolated margins plus the cross wallet."""

    @property
    def liquidated(self) -> tuple[int, ...]:
        """Indices of the liquidated positions."""
        return tuple(state.index for state in self.positions if state.liquidated)


def _ratio(maintenance: Decimal, balance: Decimal) -> Decimal | None:
    return maintenance / balance if balance > 0 else None


def _distance(mark: Decimal, price: Decimal | None, liquidated: bool) -> Decimal | None:
    if price is None or mark == 0:
        return None
    distance = abs(mark - price) / mark
    return -distance if liquidated and distance != 0 else distance


def evaluate(account: Account, marks: Mapping[str, Number]) -> Evaluation:
    """The account at these mark prices (one per symbol held)."""
    prices = _prices(account, marks)
    snapshot = _snapshot(account, prices)
    cross_wallet = account.cross_wallet
    cross_equity = cross_wallet + snapshot.cross_pnl
    # With no cross position there is nothing to liquidate, even with an empty wallet.
    cross_liquidated = snapshot.has_cross and cross_equity <= snapshot.cross_maintenance
    cross_ratio = _ratio(snapshot.cross_maintenance, cross_equity)
    references = [prices[p.symbol] for p in account.positions]
    lps = _all_liquidation_prices(account, snapshot, references)

    states: list[PositionState] = []
    isolated_value = isolated_lost = total_pnl = ZERO
    for i, position in enumerate(account.positions):
        mark = prices[position.symbol]
        pnl = snapshot.pnl[i]
        mm = snapshot.maintenance[i]
        assert pnl is not None and mm is not None  # every symbol has a price here
        total_pnl += pnl
        if position.mode is Mode.ISOLATED:
            margin = position.isolated_margin
            balance = margin + pnl
            liquidated = balance <= mm
            ratio = _ratio(mm, balance)
            lost = margin if liquidated else ZERO
            isolated_lost += lost
            if not liquidated:
                isolated_value += balance
        else:
            balance = cross_equity
            liquidated = cross_liquidated
            ratio = cross_ratio
            lost = ZERO
        states.append(
            PositionState(
                index=i,
                symbol=position.symbol,
                side=position.side,
                mode=position.mode,
                mark_price=mark,
                notional=position.quantity * mark,
                initial_margin=position.initial_margin,
                unrealized_pnl=pnl,
                maintenance_margin=mm,
                margin_balance=balance,
                margin_ratio=ratio,
                liquidation_price=lps[i],
                distance_to_liquidation=_distance(mark, lps[i], liquidated),
                liquidated=liquidated,
                lost=lost,
            )
        )

    cross_value = ZERO if cross_liquidated else cross_equity
    cross_lost = cross_wallet if cross_liquidated else ZERO
    free = ZERO if cross_liquidated else max(ZERO, cross_equity - snapshot.cross_initial)
    return Evaluation(
        balance=account.balance,
        cross_wallet=cross_wallet,
        cross_unrealized_pnl=snapshot.cross_pnl,
        cross_equity=cross_equity,
        cross_maintenance_margin=snapshot.cross_maintenance,
        cross_liquidated=cross_liquidated,
        cross_lost=cross_lost,
        positions=tuple(states),
        total_unrealized_pnl=total_pnl,
        equity=cross_value + isolated_value,
        free_balance=free,
        total_lost=isolated_lost + cross_lost,
    )


# --------------------------------------------------------------------------- equity curve


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
    low = _decimal(low, "The lowest price")
    high = _positive(high, "The highest price")
    if low < 0:
        raise EngineError(f"The lowest price cannot be negative (got {_show(low)}).")
    if low >= high:
        raise EngineError("The lowest price must be below the highest price.")
    if symbol not in account.symbols:
        raise EngineError(f"The account holds no position on {symbol}.")
    prices = _prices(account, marks, skip=symbol)
    prices.pop(symbol, None)
    snapshot = _snapshot(account, prices)
    table = account._tables[symbol]

    # Constant part: cross wallet (if the cross pot lives) and positions on other symbols.
    constant_iso = ZERO
    fixed_liquidated: list[int] = []
    moving: list[tuple[int, Position, list[Interval]]] = []
    for i, position in enumerate(account.positions):
        if position.mode is not Mode.ISOLATED:
            continue
        if position.symbol == symbol:
            region = _liquidation_region(position.isolated_margin, (position,), table)
            moving.append((i, position, region))
            continue
        pnl, mm = snapshot.pnl[i], snapshot.maintenance[i]
        assert pnl is not None and mm is not None
        balance = position.isolated_margin + pnl
        if balance <= mm:
            fixed_liquidated.append(i)
        else:
            constant_iso += balance

    cross_indices = tuple(i for i, p in enumerate(account.positions) if p.mode is Mode.CROSS)
    cross_members = snapshot.group_members.get(symbol, ())
    base = _cross_base(account, snapshot, symbol)
    other_cross_pnl = snapshot.cross_pnl - snapshot.group_pnl.get(symbol, ZERO)
    cross_constant = account.cross_wallet + other_cross_pnl
    cross_region: list[Interval] | None = None
    cross_always_dead = False
    if cross_members:
        cross_region = _liquidation_region(base, cross_members, table)
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
        dead = {i for i, _, region in moving if _inside(region, price)}
        if cross_region is None:
            return dead, cross_always_dead
        return dead, _inside(cross_region, price)

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
        events.update(b for b in _boundaries(region) if low < b < high)
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


# --------------------------------------------------------------------------- modes


def with_mode(account: Account, mode: Mode | str) -> Account:
    """The same positions, all isolated or all cross.

    Each position keeps its margin (the initial margin, or more if margin was
    added), which is what it posts when isolated. Raises `EngineError` if the
    wallet cannot hold all the positions isolated.
    """
    target = _enum(Mode, mode, "The margin mode")
    positions = tuple(
        Position(
            symbol=p.symbol,
            side=p.side,
            quantity=p.quantity,
            entry_price=p.entry_price,
            leverage=p.leverage,
            mode=target,
            margin=p.margin,
        )
        for p in account.positions
    )
    return Account(balance=account.balance, positions=positions, brackets=account.brackets)


def compare_modes(account: Account, marks: Mapping[str, Number]) -> tuple[Evaluation, Evaluation]:
    """`evaluate` of the same positions all-isolated and all-cross, in that order."""
    return (
        evaluate(with_mode(account, Mode.ISOLATED), marks),
        evaluate(with_mode(account, Mode.CROSS), marks),
    )
