"""Positions and accounts: the engine's inputs, checked once when built."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from simulator.engine.inputs import (
    ZERO,
    EngineError,
    Number,
    fee_rate,
    not_negative,
    positive,
    show,
    to_decimal,
    to_enum,
)
from simulator.engine.tiers import DEFAULT_BRACKETS, Bracket, Table
from simulator.engine.venues import Venue, get_venue


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


def quantity_for(notional: Number, price: Number) -> Decimal:
    """Base-asset quantity of a position worth `notional` at `price`."""
    return positive(notional, "The notional") / positive(price, "The price")


def margin_for(notional: Number, leverage: Number) -> Decimal:
    """Initial margin of a position worth `notional` opened at `leverage`."""
    return positive(notional, "The notional") / positive(leverage, "The leverage")


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
        set_(self, "side", to_enum(Side, self.side, "The side"))
        set_(self, "mode", to_enum(Mode, self.mode, "The margin mode"))
        set_(self, "quantity", positive(self.quantity, "The quantity"))
        set_(self, "entry_price", positive(self.entry_price, "The entry price"))
        set_(self, "leverage", positive(self.leverage, "The leverage"))
        if self.margin is None:
            set_(self, "margin", self.initial_margin)
            return
        margin = to_decimal(self.margin, "The isolated margin")
        if margin <= 0:
            raise EngineError(
                f"The isolated margin must be greater than zero (got {show(margin)}): "
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
        price = positive(entry_price, "The entry price")
        return cls(
            symbol=symbol,
            side=to_enum(Side, side, "The side"),
            quantity=quantity_for(notional, price),
            entry_price=price,
            leverage=positive(leverage, "The leverage"),
            mode=to_enum(Mode, mode, "The margin mode"),
            margin=None if margin is None else to_decimal(margin, "The isolated margin"),
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
    """Wallet balance, open positions, per symbol a bracket list, and a venue.

    The isolated margins are part of the wallet balance; what remains is the
    cross wallet shared by the cross positions.

    `venue` names the exchange whose liquidation rule applies (see
    `simulator.engine.venues`; default "binance", the rule the lessons teach). The
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
    _tables: Mapping[str, Table] = field(
        init=False, repr=False, compare=False, hash=False, default=MappingProxyType({})
    )
    _cross_wallet: Decimal = field(init=False, repr=False, compare=False, hash=False, default=ZERO)
    _venue: Venue | None = field(init=False, repr=False, compare=False, hash=False, default=None)
    _taker: Decimal = field(init=False, repr=False, compare=False, hash=False, default=ZERO)
    _collateral: tuple[Decimal, ...] = field(
        init=False, repr=False, compare=False, hash=False, default=()
    )
    _fixed: tuple[Decimal | None, ...] = field(
        init=False, repr=False, compare=False, hash=False, default=()
    )
    """Per position: its maintenance margin when the venue fixes it at entry, else None."""

    def __post_init__(self) -> None:
        balance = to_decimal(self.balance, "The wallet balance")
        if balance < 0:
            raise EngineError(f"The wallet balance cannot be negative (got {show(balance)}).")
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
        venue = get_venue(self.venue, retired=True)
        taker = (
            venue.taker_fee
            if self.taker_fee is None
            else fee_rate(self.taker_fee, "The taker fee rate")
        )
        whole = venue.whole_position_tiers
        fee = taker if venue.fee_in_maintenance else ZERO
        brackets = {str(symbol): tuple(items) for symbol, items in given.items()}
        tables = {
            symbol: Table.build(symbol, items, whole=whole, fee=fee)
            for symbol, items in brackets.items()
        }
        if any(p.symbol not in tables for p in positions):
            default = Table.build("the default table", DEFAULT_BRACKETS, whole=whole, fee=fee)
            for position in positions:
                tables.setdefault(position.symbol, default)
        isolated = sum(
            (p.isolated_margin for p in positions if p.mode is Mode.ISOLATED), start=ZERO
        )
        if isolated > balance:
            raise EngineError(
                f"The isolated margins add up to {show(isolated)}, more than the wallet "
                f"balance of {show(balance)}."
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
        fixed = tuple(
            tables[p.symbol].maintenance(p.quantity, p.entry_price)
            if venue.maintenance_at_entry
            else None
            for p in positions
        )
        set_(self, "_fixed", fixed)

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
        counts in its liquidation condition. Where the venue fixes the maintenance
        margin at the entry value (`Venue.maintenance_at_entry`), that amount,
        whatever the price.
        """
        i = checked_index(self, index)
        price = positive(price, "The price")
        return self.position_maintenance(i, price)

    def position_maintenance(self, i: int, price: Decimal) -> Decimal:
        """`maintenance_margin` for a checked index and price."""
        fixed = self._fixed[i]
        if fixed is not None:
            return fixed
        position = self.positions[i]
        return self._tables[position.symbol].maintenance(position.quantity, price)

    def maintenance_breaks(self, index: int) -> tuple[Decimal, ...]:
        """Mark prices at which position `index`'s maintenance bracket changes.

        Between two of them its maintenance margin is a straight line in the price
        (a jump at each one with whole-position tiers); none when a size decides the
        bracket.
        """
        i = checked_index(self, index)
        position = self.positions[i]
        table = self._tables[position.symbol]
        if table.by_quantity or self._fixed[i] is not None:
            return ()
        return tuple(floor / position.quantity for floor in table.floors[1:])


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


def checked_index(account: Account, index: int) -> int:
    if isinstance(index, bool) or not isinstance(index, int):
        raise EngineError(f"A position index must be an integer (got {index!r}).")
    if not 0 <= index < len(account.positions):
        raise EngineError(
            f"There is no position {index}: the account holds {len(account.positions)}."
        )
    return index


def mark_prices(
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
        prices[symbol] = not_negative(marks[symbol], f"The mark price of {symbol}")
    return prices


def with_margin(position: Position, margin: Decimal) -> Position:
    return Position(
        symbol=position.symbol,
        side=position.side,
        quantity=position.quantity,
        entry_price=position.entry_price,
        leverage=position.leverage,
        mode=position.mode,
        margin=margin,
    )


def rebuilt(
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
