"""Margin engine for linear (USDT-margined) perpetual futures.

Pure Python and `Decimal` throughout: no Django, no floats, no rounding. Every
formula, its sources and its assumptions are in ``docs/engine.md``.

Public API:

* `Side`, `Mode`, `TierBasis`, `Bracket`, `Position`, `Account`: the inputs. An
  account follows one venue's rules (`Account(..., venue="binance")`, the
  default; the venues and their data are in `simulator.venues`).
* `evaluate(account, marks)`: the whole account at given mark prices.
* `liquidation_price(account, index, marks=None)` and `liquidation_prices(...)`;
  `liquidation_region(...)` (every price at which it is liquidated);
  `bankruptcy_price(account, index, marks=None)`.
* `explain_liquidation_price(...)`: the steps from the textbook price to the
  venue's, one rule at a time (`Explanation`, `Step`).
* Fees and funding, as pure functions returning new accounts: `trading_fee`,
  `with_fees`, `funding_payment`, `with_funding`, `liquidation_fee`.
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
from decimal import Decimal, InvalidOperation, localcontext
from enum import StrEnum
from itertools import pairwise
from operator import itemgetter
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the venues module imports this one; at run time it is looked up lazily
    from simulator.venues import Venue

__all__ = [
    "DEFAULT_BRACKETS",
    "Account",
    "Bracket",
    "CurvePoint",
    "CurveSegment",
    "EngineError",
    "EquityCurve",
    "Evaluation",
    "Explanation",
    "Mode",
    "Position",
    "PositionState",
    "Side",
    "Step",
    "TierBasis",
    "bankruptcy_price",
    "bracket_for",
    "compare_modes",
    "equity_curve",
    "evaluate",
    "explain_liquidation_price",
    "funding_payment",
    "liquidation_fee",
    "liquidation_price",
    "liquidation_prices",
    "liquidation_region",
    "maintenance_amounts",
    "margin_for",
    "quantity_for",
    "trading_fee",
    "with_fees",
    "with_funding",
    "with_mode",
]

ZERO = Decimal(0)
ONE = Decimal(1)


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


class TierBasis(StrEnum):
    """What a bracket floor measures.

    NOTIONAL: the position's value in the quote currency at the mark (Binance,
    Bybit, Hyperliquid, dYdX). QUANTITY: the position's size in the base asset
    (OKX sets its tiers in contracts; the venue's table converts them to coins).
    """

    NOTIONAL = "notional"
    QUANTITY = "quantity"


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
    """One maintenance-margin bracket: it applies from `floor` upwards.

    `floor` is a notional in the quote currency, or a size in the base asset when
    `basis` is `TierBasis.QUANTITY`.
    """

    floor: Decimal
    rate: Decimal
    basis: TierBasis = TierBasis.NOTIONAL

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
        object.__setattr__(self, "basis", _enum(TierBasis, self.basis, "A bracket basis"))


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
    """A validated bracket list with its maintenance amounts, ready for lookups.

    `whole`: the bracket's rate applies to the whole position (OKX), so there are
    no maintenance amounts and the maintenance margin jumps at each floor; else
    each rate applies from its floor up (Binance's "tax brackets"). Brackets on a
    size (`by_quantity`) always apply to the whole position. `fee` is a rate of
    the notional counted in the maintenance margin on top of the brackets' rates
    (OKX's liquidation fee); `rates` include it.
    """

    floors: tuple[Decimal, ...]
    rates: tuple[Decimal, ...]
    amounts: tuple[Decimal, ...]
    whole: bool = False
    by_quantity: bool = False
    fee: Decimal = ZERO

    @classmethod
    def build(
        cls, symbol: str, brackets: Iterable[Bracket], *, whole: bool = False, fee: Decimal = ZERO
    ) -> _Table:
        brackets = tuple(brackets)
        if not brackets:
            raise EngineError(f"The bracket list for {symbol} is empty.")
        for bracket in brackets:
            if not isinstance(bracket, Bracket):
                raise EngineError(f"The brackets for {symbol} must be Bracket objects.")
        if brackets[0].floor != 0:
            raise EngineError(f"The first bracket for {symbol} must start at a notional of 0.")
        if len({bracket.basis for bracket in brackets}) > 1:
            raise EngineError(
                f"The brackets for {symbol} mix floors on the notional and on the size."
            )
        for previous, current in pairwise(brackets):
            if current.floor <= previous.floor:
                raise EngineError(f"The bracket floors for {symbol} must strictly increase.")
            if current.rate < previous.rate:
                raise EngineError(
                    f"The maintenance margin rates for {symbol} must not decrease "
                    "from one bracket to the next."
                )
        by_quantity = brackets[0].basis is TierBasis.QUANTITY
        whole = whole or by_quantity
        rates = tuple(b.rate + fee for b in brackets)
        if rates[-1] >= 1:
            raise EngineError(
                f"The maintenance margin rate for {symbol} plus the fee rate counted in it "
                f"must stay below 100% (got {_show(rates[-1] * 100)}%)."
            )
        amounts = (ZERO,) * len(brackets) if whole else maintenance_amounts(brackets)
        return cls(
            floors=tuple(b.floor for b in brackets),
            rates=rates,
            amounts=amounts,
            whole=whole,
            by_quantity=by_quantity,
            fee=fee,
        )

    def tier(self, measure: Decimal) -> int:
        # The bracket that contains a notional (or size) is the last one whose floor it reaches.
        return bisect_right(self.floors, measure) - 1

    def tier_of(self, quantity: Decimal, price: Decimal) -> int:
        """The bracket of a position of `quantity` at `price`."""
        return self.tier(quantity if self.by_quantity else quantity * price)

    def maintenance(self, quantity: Decimal, price: Decimal) -> Decimal:
        notional = quantity * price
        k = self.tier(quantity if self.by_quantity else notional)
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

    `margin` is the isolated margin as the exchange holds it: by default the
    initial margin quantity x entry_price / leverage; more once margin is added;
    less once fees or funding have been taken from it. It must stay above zero.
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
        if self.margin is None:
            set_(self, "margin", self.initial_margin)
            return
        margin = _decimal(self.margin, "The isolated margin")
        if margin <= 0:
            raise EngineError(
                f"The isolated margin must be greater than zero (got {_show(margin)}): "
                "a position whose margin is used up has been liquidated."
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


def _venue(venue: object) -> Venue:
    """The venue named `venue` (a key such as "binance", or a Venue)."""
    from simulator.venues import get_venue  # the venues module imports this one

    return get_venue(venue)


@dataclass(frozen=True, slots=True)
class Account:
    """Wallet balance, open positions, per symbol a bracket list, and a venue.

    The isolated margins are part of the wallet balance; what remains is the
    cross wallet shared by the cross positions.

    `venue` names the exchange whose liquidation rule applies (see
    `simulator.venues`; default "binance", the rule the lessons teach). The
    brackets do not follow the venue: a symbol without its own list uses the flat
    0.5% table (`DEFAULT_BRACKETS`); pass `{symbol: venue.brackets(symbol)}` for
    the venue's real tiers. `taker_fee` is used where the venue's rule counts the
    taker fee (OKX, Bybit); None means the venue's standard rate.
    """

    balance: Decimal
    positions: Sequence[Position]
    """Any sequence; stored as a tuple."""
    brackets: Mapping[str, Sequence[Bracket]] | None = field(default=None, hash=False)
    """Stored as a read-only mapping (empty when None was given)."""
    venue: str = "binance"
    """Stored as the venue's key; a `Venue` object is accepted too."""
    taker_fee: Decimal | None = None
    _tables: Mapping[str, _Table] = field(
        init=False, repr=False, compare=False, hash=False, default=MappingProxyType({})
    )
    _cross_wallet: Decimal = field(init=False, repr=False, compare=False, hash=False, default=ZERO)
    _venue: Venue | None = field(init=False, repr=False, compare=False, hash=False, default=None)
    _taker: Decimal = field(init=False, repr=False, compare=False, hash=False, default=ZERO)
    _collateral: tuple[Decimal, ...] = field(
        init=False, repr=False, compare=False, hash=False, default=()
    )

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
        given = {} if self.brackets is None else self.brackets
        if not isinstance(given, Mapping) or not all(
            isinstance(items, Iterable) for items in given.values()
        ):
            raise EngineError("The brackets must map each symbol to its list of brackets.")
        venue = _venue(self.venue)
        taker = (
            venue.taker_fee
            if self.taker_fee is None
            else _fee_rate(self.taker_fee, "The taker fee rate")
        )
        whole = venue.whole_position_tiers
        fee = taker if venue.fee_in_maintenance else ZERO
        brackets = {str(symbol): tuple(items) for symbol, items in given.items()}
        tables = {
            symbol: _Table.build(symbol, items, whole=whole, fee=fee)
            for symbol, items in brackets.items()
        }
        if any(p.symbol not in tables for p in positions):
            default = _Table.build("the default table", DEFAULT_BRACKETS, whole=whole, fee=fee)
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
        added_fee = taker if venue.fee_on_added_margin else ZERO
        set_ = object.__setattr__
        set_(self, "balance", balance)
        set_(self, "positions", positions)
        set_(self, "brackets", MappingProxyType(brackets))
        set_(self, "venue", venue.key)
        set_(self, "taker_fee", None if self.taker_fee is None else taker)
        set_(self, "_tables", MappingProxyType(tables))
        set_(self, "_cross_wallet", balance - isolated)
        set_(self, "_venue", venue)
        set_(self, "_taker", taker)
        set_(self, "_collateral", tuple(_collateral(p, added_fee) for p in positions))

    @property
    def cross_wallet(self) -> Decimal:
        """The wallet balance minus the isolated margins."""
        return self._cross_wallet

    @property
    def symbols(self) -> tuple[str, ...]:
        """The symbols held, in order of first appearance."""
        return tuple(dict.fromkeys(p.symbol for p in self.positions))

    @property
    def rules(self) -> Venue:
        """The venue whose liquidation rule this account follows."""
        assert self._venue is not None  # set in __post_init__
        return self._venue

    @property
    def effective_taker_fee(self) -> Decimal:
        """The taker fee rate in use: `taker_fee`, or the venue's standard rate."""
        return self._taker

    def maintenance_margin(self, index: int, price: Number) -> Decimal:
        """Maintenance margin of position `index` at mark `price`, by the venue's rule.

        For OKX it includes the liquidation fee (taker rate x value), which OKX
        counts in its liquidation condition.
        """
        position = self.positions[_index(self, index)]
        price = _positive(price, "The price")
        return self._tables[position.symbol].maintenance(position.quantity, price)

    def maintenance_breaks(self, index: int) -> tuple[Decimal, ...]:
        """Mark prices at which position `index`'s maintenance bracket changes.

        Between two of them its maintenance margin is a straight line in the price
        (a jump at each one with whole-position tiers); none when a size decides the
        bracket.
        """
        position = self.positions[_index(self, index)]
        table = self._tables[position.symbol]
        if table.by_quantity:
            return ()
        return tuple(floor / position.quantity for floor in table.floors[1:])


def _fee_rate(value: object, name: str) -> Decimal:
    rate = _not_negative(value, name)
    if rate >= 1:
        raise EngineError(f"{name} must be below 100% (got {_show(rate * 100)}%).")
    return rate


def _collateral(position: Position, added_fee: Decimal) -> Decimal:
    """What protects an isolated position in the venue's rule.

    Its margin, except on Bybit, whose formula counts margin added beyond the
    initial margin as added / (1 - side x taker fee); margin below the initial
    margin (taken by fees or funding) is counted the same way, with a minus sign.
    """
    margin = position.isolated_margin
    if not added_fee:
        return margin
    initial = position.initial_margin
    return initial + (margin - initial) / (1 - position.sign * added_fee)


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


def _isolated_region(account: Account, index: int, table: _Table) -> list[Interval]:
    """Where isolated position `index` is liquidated, by the venue's rule.

    Where the venue's rule counts more than the margin (Bybit's added margin /
    (1 - fee)), the position is also liquidated once its margin is used up (margin +
    PnL <= 0): the formula alone could otherwise keep a position with a huge added
    margin open beyond its bankruptcy price, worth less than nothing.
    """
    position = account.positions[index]
    collateral = account._collateral[index]
    region = _liquidation_region(collateral, (position,), table)
    if collateral <= position.isolated_margin:
        return region
    used_up = _liquidation_region(position.isolated_margin, (position,), _NO_MAINTENANCE)
    return _union(region + used_up)


def _isolated_liquidated(account: Account, index: int, pnl: Decimal, maintenance: Decimal) -> bool:
    collateral = account._collateral[index]
    if collateral + pnl <= maintenance:
        return True
    margin = account.positions[index].isolated_margin
    return collateral > margin and margin + pnl <= 0


def _union(intervals: list[Interval]) -> list[Interval]:
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
            m = account._tables[symbol].maintenance(position.quantity, price)
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
    for i, (position, reference) in enumerate(zip(account.positions, references, strict=True)):
        symbol = position.symbol
        table = account._tables[symbol]
        if position.mode is Mode.ISOLATED:
            region = _isolated_region(account, i, table)
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
    return _nearest(_region(account, i, prices), reference)


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
    i = _index(account, index)
    prices = _prices(account, marks, skip=account.positions[i].symbol)
    return tuple(_region(account, i, prices))


def _region(account: Account, i: int, prices: Mapping[str, Decimal]) -> list[Interval]:
    position = account.positions[i]
    table = account._tables[position.symbol]
    if position.mode is Mode.ISOLATED:
        return _isolated_region(account, i, table)
    base = _cross_base(account, _snapshot(account, prices), position.symbol)
    return _liquidation_region(base, _cross_members(account, position.symbol), table)


def _cross_members(account: Account, symbol: str) -> tuple[Position, ...]:
    return tuple(p for p in account.positions if p.mode is Mode.CROSS and p.symbol == symbol)


def liquidation_prices(
    account: Account, marks: Mapping[str, Number] | None = None
) -> tuple[Decimal | None, ...]:
    """`liquidation_price` of every position, in time linear in their number."""
    prices = _prices(account, marks)
    snapshot = _snapshot(account, prices)
    references = [prices[p.symbol] for p in account.positions]
    return tuple(_all_liquidation_prices(account, snapshot, references))


_NO_MAINTENANCE = _Table(floors=(ZERO,), rates=(ZERO,), amounts=(ZERO,))


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
    i = _index(account, index)
    position = account.positions[i]
    prices = _prices(account, marks, skip=position.symbol)
    reference = prices.get(position.symbol, position.entry_price)
    if position.mode is Mode.ISOLATED:
        region = _liquidation_region(position.isolated_margin, (position,), _NO_MAINTENANCE)
    else:
        snapshot = _snapshot(account, prices)
        other_pnl = snapshot.cross_pnl - snapshot.group_pnl.get(position.symbol, ZERO)
        members = snapshot.group_members[position.symbol]
        region = _liquidation_region(account.cross_wallet + other_pnl, members, _NO_MAINTENANCE)
    return _nearest(region, reference)


# --------------------------------------------------------------------------- fees and funding


def trading_fee(notional: Number, rate: Number) -> Decimal:
    """The fee on a trade: notional x rate.

    Binance: "Commission Fee = Notional Value * Fee Rate"; Bybit and OKX alike.
    """
    return _not_negative(notional, "The notional") * _fee_rate(rate, "The fee rate")


def with_fees(account: Account, *, rate: Number | None = None) -> Account:
    """The account after paying the opening fee of every position, at `rate`.

    `rate` defaults to the taker fee rate in use (the account's, or its venue's).
    The fees come out of the wallet balance outside the isolated margins (the cross
    wallet, Binance's "available balance"), not out of the positions' margins:
    Binance, Bybit and OKX charge them that way. So they move cross liquidation
    prices (a smaller pot) but not isolated ones.
    """
    rate = account.effective_taker_fee if rate is None else _fee_rate(rate, "The fee rate")
    total = sum((p.notional * rate for p in account.positions), start=ZERO)
    if total > account.cross_wallet:
        raise EngineError(
            f"The opening fees add up to {_show(total)}, more than the "
            f"{_show(account.cross_wallet)} left in the wallet outside the isolated margins: "
            "fees are paid from the wallet, not from a position's margin."
        )
    return _rebuild(account, balance=account.balance - total)


def _funding_rate(value: object, name: str = "The funding rate") -> Decimal:
    rate = _decimal(value, name)
    if abs(rate) >= 1:
        raise EngineError(f"{name} must be between -100% and 100% (got {_show(rate * 100)}%).")
    return rate


def _intervals(value: object) -> int:
    count = _not_negative(value, "The number of funding intervals")
    if count != count.to_integral_value():
        raise EngineError(
            f"The number of funding intervals must be a whole number (got {_show(count)})."
        )
    return int(count)


def funding_payment(position: Position, *, rate: Number, price: Number) -> Decimal:
    """One funding payment of `position`: side x quantity x price x rate.

    Positive means the position pays, negative that it receives: with a positive
    rate longs pay shorts. `price` is the mark (Binance, Bybit, OKX) or the oracle
    price (Hyperliquid, dYdX) at the funding time.
    """
    if not isinstance(position, Position):
        raise EngineError("Funding is paid by a Position.")
    return (
        position.sign * position.quantity * _not_negative(price, "The price") * _funding_rate(rate)
    )


def with_funding(
    account: Account,
    *,
    rates: Mapping[str, Number],
    intervals: Number,
    marks: Mapping[str, Number] | None = None,
) -> Account:
    """The account after `intervals` funding payments at `rates` (per symbol, per interval).

    Each position pays (or receives) `funding_payment` at its symbol's mark
    (`marks`, default the symbol's first entry price) once per interval; symbols
    not in `rates` pay nothing. An isolated position pays from its isolated margin
    (and the wallet balance with it), a cross position from the cross wallet. A
    payment that would use up an isolated margin, or the cross wallet, is refused:
    the position would have been liquidated first.
    """
    count = _intervals(intervals)
    if not isinstance(rates, Mapping):
        raise EngineError("The funding rates must map each symbol to its rate.")
    held = account.symbols
    parsed: dict[str, Decimal] = {}
    for symbol, rate in rates.items():
        if symbol not in held:
            raise EngineError(f"The account holds no position on {symbol}.")
        parsed[symbol] = _funding_rate(rate, f"The funding rate of {symbol}")
    if marks is not None and not isinstance(marks, Mapping):
        raise EngineError("The mark prices must map each symbol to its price.")
    prices: dict[str, Decimal] = {}
    for symbol in parsed:
        if marks is None:
            prices[symbol] = next(p.entry_price for p in account.positions if p.symbol == symbol)
        elif symbol in marks:
            prices[symbol] = _not_negative(marks[symbol], f"The mark price of {symbol}")
        else:
            raise EngineError(f"No mark price was given for {symbol}.")

    positions: list[Position] = []
    total = cross_paid = ZERO
    for n, position in enumerate(account.positions, start=1):
        rate = parsed.get(position.symbol)
        if rate is None or count == 0:
            positions.append(position)
            continue
        paid = funding_payment(position, rate=rate, price=prices[position.symbol]) * count
        total += paid
        if position.mode is Mode.CROSS:
            cross_paid += paid
            positions.append(position)
            continue
        margin = position.isolated_margin - paid
        if margin <= 0:
            raise EngineError(
                f"Position {n} ({position.side.value} {position.symbol}) would pay "
                f"{_show(paid)} in funding over {count} intervals, more than its isolated "
                f"margin of {_show(position.isolated_margin)}: it would have been liquidated "
                "before paying it all."
            )
        positions.append(_replace_margin(position, margin))
    if cross_paid > 0 and cross_paid > account.cross_wallet:
        raise EngineError(
            f"The cross positions would pay {_show(cross_paid)} in funding over {count} "
            f"intervals, more than the cross wallet of {_show(account.cross_wallet)}: they "
            "would have been liquidated before paying it all."
        )
    return _rebuild(account, balance=account.balance - total, positions=positions)


def _replace_margin(position: Position, margin: Decimal) -> Position:
    return Position(
        symbol=position.symbol,
        side=position.side,
        quantity=position.quantity,
        entry_price=position.entry_price,
        leverage=position.leverage,
        mode=position.mode,
        margin=margin,
    )


def liquidation_fee(account: Account, index: int, price: Number) -> Decimal:
    """The venue's liquidation fee if position `index` were liquidated at `price`.

    Rate x quantity x price; the rate is the venue's (`Venue.liquidation_fee_rate`:
    OKX and Bybit use the taker fee rate in use; Hyperliquid charges none on a
    liquidation through the book; for dYdX it is the maximum penalty, 1.5%).
    """
    position = account.positions[_index(account, index)]
    price = _not_negative(price, "The price")
    rate = account.rules.liquidation_fee_rate(position.symbol, account.effective_taker_fee)
    return rate * position.quantity * price


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
    """By the venue's rule (OKX: the liquidation fee included)."""
    margin_balance: Decimal
    """Isolated: the margin + PnL as the venue's rule counts it (on Bybit, margin
    added beyond the initial margin counts as added / (1 - side x taker fee))."""
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
            # The venue's margin balance (on Bybit, added margin counts a little more).
            balance = account._collateral[i] + pnl
            liquidated = _isolated_liquidated(account, i, pnl, mm)
            ratio = _ratio(mm, balance)
            lost = margin if liquidated else ZERO
            isolated_lost += lost
            if not liquidated:
                isolated_value += margin + pnl
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
            region = _isolated_region(account, i, table)
            moving.append((i, position, region))
            continue
        pnl, mm = snapshot.pnl[i], snapshot.maintenance[i]
        assert pnl is not None and mm is not None
        if _isolated_liquidated(account, i, pnl, mm):
            fixed_liquidated.append(i)
        else:
            constant_iso += position.isolated_margin + pnl

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
    return _rebuild(account, positions=positions)


def _rebuild(
    account: Account,
    *,
    balance: Decimal | None = None,
    positions: Sequence[Position] | None = None,
) -> Account:
    """The account with another balance or positions, same brackets, venue and fee."""
    return Account(
        balance=account.balance if balance is None else balance,
        positions=account.positions if positions is None else positions,
        brackets=account.brackets,
        venue=account.venue,
        taker_fee=account.taker_fee,
    )


def compare_modes(account: Account, marks: Mapping[str, Number]) -> tuple[Evaluation, Evaluation]:
    """`evaluate` of the same positions all-isolated and all-cross, in that order."""
    return (
        evaluate(with_mode(account, Mode.ISOLATED), marks),
        evaluate(with_mode(account, Mode.CROSS), marks),
    )


# --------------------------------------------------------------------------- explanation


@dataclass(frozen=True, slots=True)
class Step:
    """One rule on the way from the textbook liquidation price to the venue's.

    `price` is the liquidation price with this rule and the ones before it
    applied (None: no positive price liquidates); `change` is `price` minus the
    previous step's price (0 when either is None, or when the rule changes nothing).
    """

    label: str
    detail: str
    price: Decimal | None
    change: Decimal


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why the venue's liquidation price differs from the textbook's, rule by rule.

    `textbook`: lesson 3's price (isolated, margin = initial margin, a flat 0.5%
    maintenance rate, no fees, no funding). `price`: the venue's, as
    `liquidation_price` gives it after the funding. When both exist and no step
    lacks a price, `textbook + total_change == price` exactly.
    """

    textbook: Decimal | None
    price: Decimal | None
    steps: tuple[Step, ...]

    @property
    def total_change(self) -> Decimal:
        """The sum of the steps' changes, added exactly."""
        return _exact_sum([step.change for step in self.steps])


def _digits_needed(values: Iterable[Decimal]) -> int:
    """A precision at which adding or subtracting these numbers is exact."""
    numbers = [v for v in values if v]
    if not numbers:
        return 28
    high = max(v.adjusted() for v in numbers)
    low = min(int(v.as_tuple().exponent) for v in numbers)
    return max(28, high - low + 10)


def _exact_sum(values: Sequence[Decimal]) -> Decimal:
    with localcontext() as context:
        context.prec = _digits_needed(values) + len(values)
        return sum(values, start=ZERO)


def _exact_difference(a: Decimal, b: Decimal) -> Decimal:
    with localcontext() as context:
        context.prec = _digits_needed((a, b))
        return a - b


def _amount(value: Decimal) -> str:
    """Money or a price for a sentence: cents from 1 up (and for 0), up to 8 decimals below."""
    if abs(value) >= 1 or value == 0:
        return f"{value.quantize(Decimal('0.01')):,f}"
    return _show(value)


def _percent(rate: Decimal) -> str:
    return f"{_show(rate * 100)}%"


def _price_with(
    base: Decimal, members: Sequence[Position], table: _Table, reference: Decimal
) -> Decimal | None:
    return _nearest(_liquidation_region(base, members, table), reference)


def _tier_detail(
    venue: Venue,
    table: _Table,
    position: Position,
    price: Decimal | None,
    source: str,
    mark: Decimal,
) -> str:
    at = mark if price is None else price
    k = table.tier_of(position.quantity, at)
    rate = table.rates[k]
    if table.by_quantity:
        where = (
            f"the tier follows the size, {_show(position.quantity)}: tier {k + 1} "
            f"(from a size of {_show(table.floors[k])})"
        )
    else:
        where = (
            f"at {_amount(at)} the position is worth {_amount(position.quantity * at)}: "
            f"tier {k + 1} (from {_amount(table.floors[k])})"
        )
    if table.whole:
        how = (
            f"{venue.name} applies the tier's rate, {_percent(rate)}, to the whole "
            "position, with no maintenance amount"
        )
    else:
        how = f"rate {_percent(rate)}, maintenance amount {_amount(table.amounts[k])}"
    return f"{source}; {where}; {how}."


def _funding_detail(
    venue: Venue,
    position: Position,
    rate: Decimal,
    count: int,
    mark: Decimal,
) -> str:
    if count == 0 or rate == 0:
        return "No funding was paid or received (no funding rate or no intervals given)."
    paid = funding_payment(position, rate=rate, price=mark) * count
    hours = venue.funding_hours * count
    verb = "pays" if paid > 0 else "receives"
    where = (
        "from its isolated margin"
        if position.mode is Mode.ISOLATED and paid > 0
        else "into its isolated margin"
        if position.mode is Mode.ISOLATED
        else "from the cross wallet"
        if paid > 0
        else "into the cross wallet"
    )
    payer = "longs pay shorts" if rate > 0 else "shorts pay longs"
    return (
        f"At {_percent(rate)} per {venue.funding_hours}-hour interval ({payer}) for "
        f"{count} interval{'s' if count != 1 else ''} ({hours} hours), the position "
        f"{verb} {_amount(abs(paid))} ({_show(position.quantity)} x {_amount(mark)} x "
        f"{_percent(abs(rate))} each time), {where}."
    )


def explain_liquidation_price(
    account: Account,
    index: int,
    marks: Mapping[str, Number] | None = None,
    *,
    funding_rate: Number = ZERO,
    funding_intervals: Number = 0,
    last_price: Number | None = None,
) -> Explanation:
    """From the textbook liquidation price to the venue's, one rule per step.

    `account` is the account before funding: this applies `with_funding` with
    `funding_rate` (per interval, for position `index`'s symbol) over
    `funding_intervals` itself. `marks` as for `liquidation_price`. With
    `last_price` (the last traded price of the symbol), a last step compares it with
    the mark, on which liquidation is decided.

    The steps, in order: the margin held (cross: the cross wallet); the
    maintenance tiers by the venue's rule; fees counted in the rule (OKX's
    liquidation fee, Bybit's fee on added margin); funding; the other cross
    positions; mark versus last price (only with `last_price`). A rule that changes
    nothing is listed with change 0 and says why. Raises `EngineError` for bad
    input; checks that the changes add up (textbook + changes = venue price).
    """
    i = _index(account, index)
    position = account.positions[i]
    venue = account.rules
    symbol = position.symbol
    rate = _funding_rate(funding_rate)
    count = _intervals(funding_intervals)
    last = None if last_price is None else _not_negative(last_price, "The last price")
    prices = _prices(account, marks, skip=symbol)
    mark = prices.get(symbol, position.entry_price)

    funded = account
    if rate and count:
        funded = with_funding(account, rates={symbol: rate}, intervals=count, marks={symbol: mark})
    final = liquidation_price(funded, i, marks)

    solo = (position,)
    flat = _Table.build("the textbook table", DEFAULT_BRACKETS)
    given = account.brackets.get(symbol)
    tiers = _Table.build(
        symbol, DEFAULT_BRACKETS if given is None else given, whole=venue.whole_position_tiers
    )
    table = account._tables[symbol]
    initial = position.initial_margin
    textbook = _price_with(initial, solo, flat, mark)
    steps: list[tuple[str, str, Decimal | None]] = []

    # 1. What backs the position.
    if position.mode is Mode.ISOLATED:
        base = position.isolated_margin
        if base == initial:
            detail = (
                f"The position holds its initial margin, {_amount(initial)} "
                f"({_amount(position.notional)} / {_show(position.leverage)}x), as the "
                "textbook assumes."
            )
        elif base > initial:
            detail = (
                f"The position holds {_amount(base)} of margin: {_amount(base - initial)} "
                f"added to its initial margin of {_amount(initial)}, which moves the "
                "liquidation price away from the mark."
            )
        else:
            detail = (
                f"The position holds {_amount(base)} of margin, {_amount(initial - base)} "
                f"less than its initial margin of {_amount(initial)} (taken by fees or "
                "funding), which moves the liquidation price towards the mark."
            )
        steps.append(("Margin held", detail, _price_with(base, solo, flat, mark)))
    else:
        base = account.cross_wallet
        detail = (
            f"A cross position is backed by the whole cross wallet, {_amount(base)} (the "
            f"wallet balance {_amount(account.balance)} less "
            f"{_amount(account.balance - base)} set aside as isolated margin), not by its "
            f"initial margin of {_amount(initial)}. This step counts this position alone; "
            "the others come in a later step."
        )
        steps.append(("Cross wallet", detail, _price_with(base, solo, flat, mark)))

    # 2. The venue's maintenance tiers.
    p2 = _price_with(base, solo, tiers, mark)
    own = venue.table(symbol)
    if given is None:
        source = (
            f"No tier table was given for {symbol}: the flat 0.5% of the lessons, as in "
            "the textbook"
        )
    elif own is not None and tuple(given) == own.brackets:
        source = f"{venue.name}'s tiers for {symbol}, as of {own.as_of}"
    else:
        source = f"The tier table given for {symbol}"
    steps.append(("Maintenance tiers", _tier_detail(venue, tiers, position, p2, source, mark), p2))

    # 3. Fees counted in the liquidation rule.
    taker = account.effective_taker_fee
    collateral = account._collateral[i] if position.mode is Mode.ISOLATED else base
    p3 = _price_with(collateral, solo, table, mark)
    guarded = False
    if position.mode is Mode.ISOLATED and collateral > position.isolated_margin:
        # As _isolated_region: never beyond the price at which the margin is used up.
        used_up = _liquidation_region(position.isolated_margin, solo, _NO_MAINTENANCE)
        region = _union(_liquidation_region(collateral, solo, table) + used_up)
        p3_guarded = _nearest(region, mark)
        guarded = p3_guarded != p3
        p3 = p3_guarded
    if venue.fee_in_maintenance:
        detail = (
            f"{venue.name} counts the liquidation fee, the taker rate {_percent(taker)} of "
            "the position's value, in the maintenance margin: every tier's rate goes up by "
            f"{_percent(taker)}."
        )
    elif venue.fee_on_added_margin and position.mode is Mode.ISOLATED:
        extra = position.isolated_margin - initial
        sign = "-" if position.sign > 0 else "+"
        if extra == 0:
            detail = (
                f"{venue.name}'s formula uses the taker fee only on margin added beyond the "
                "initial margin; this position has none."
            )
        else:
            what = "added beyond" if extra > 0 else "taken below"
            detail = (
                f"{venue.name}'s formula counts the {_amount(abs(extra))} of margin {what} "
                f"the initial margin as {_amount(abs(extra))} / (1 {sign} "
                f"{_percent(taker)}) = {_amount(abs(collateral - initial))} (taker fee "
                f"{_percent(taker)})."
            )
    elif venue.fee_on_added_margin:
        detail = (
            f"{venue.name}'s fee adjustment applies to margin added to an isolated "
            "position; a cross position has none."
        )
    else:
        detail = (
            f"{venue.name} does not count the fee to close in the maintenance margin. "
            f"{venue.rule_notes}"
        )
    if guarded:
        detail += (
            " That would put the liquidation price beyond the bankruptcy price, where the "
            "margin is used up; the engine stops there."
        )
    steps.append(("Fees in the liquidation rule", detail, p3))

    # 4. Funding.
    paid = funding_payment(position, rate=rate, price=mark) * count
    # Isolated: the funded account's own price; cross: this position's share alone.
    p4 = final if position.mode is Mode.ISOLATED else _price_with(base - paid, solo, table, mark)
    steps.append(("Funding", _funding_detail(venue, position, rate, count, mark), p4))

    # 5. The other positions.
    if position.mode is Mode.ISOLATED:
        detail = (
            "An isolated position is backed by its own margin only: the other positions "
            "do not move its liquidation price."
        )
    else:
        snapshot = _snapshot(funded, _prices(funded, marks, skip=symbol))
        others_pnl = snapshot.cross_pnl - snapshot.group_pnl.get(symbol, ZERO)
        others_mm = snapshot.cross_maintenance - snapshot.group_maintenance.get(symbol, ZERO)
        same = len(snapshot.group_members[symbol]) - 1
        other_symbols = len({p.symbol for p in funded.positions if p.mode is Mode.CROSS}) - 1
        if not same and not other_symbols:
            detail = "No other cross position: the cross wallet backs this position alone."
        else:
            parts = []
            if other_symbols:
                parts.append(
                    f"on {other_symbols} other symbol{'s' if other_symbols != 1 else ''}, "
                    f"PnL {_amount(others_pnl)} and maintenance margin {_amount(others_mm)} "
                    "at their marks"
                )
            if same:
                parts.append(
                    f"{same} more on {symbol}, which move with the same mark and share "
                    "this liquidation price"
                )
            detail = (
                f"The other cross positions share the wallet ({_amount(funded.cross_wallet)}"
                f" after funding): {'; '.join(parts)}."
            )
    steps.append(("Other positions", detail, final))

    # 6. Mark versus last price.
    if last is not None:
        gap = last - mark
        where = "above" if gap > 0 else "below" if gap < 0 else "equal to"
        shown = f"{_amount(abs(gap))} {where}" if gap else "equal to"
        detail = (
            f"Liquidation is decided on the mark price, {_amount(mark)}, not the last "
            f"traded price, {_amount(last)}, which is {shown} it."
        )
        if gap and final is not None:
            detail += (
                f" If that gap held, the last price would read about {_amount(final + gap)} "
                "when the mark reaches the liquidation price."
            )
        steps.append(("Mark price versus last price", detail, final))

    # Changes, exactly; a step without a price carries the last price forward.
    result: list[Step] = []
    previous = textbook
    for label, detail, price in steps:
        change = ZERO
        if price is not None and previous is not None:
            change = _exact_difference(price, previous) or ZERO
        if price is not None:
            previous = price
        result.append(Step(label=label, detail=detail, price=price, change=change))
    explanation = Explanation(textbook=textbook, price=final, steps=tuple(result))
    if (
        textbook is not None
        and final is not None
        and all(step.price is not None for step in result)
        and _exact_sum([textbook, explanation.total_change]) != final
    ):
        raise ArithmeticError("The liquidation price breakdown does not add up.")
    return explanation
