"""The market around a replayed account: the venue's insurance fund and other traders.

The fund and ADL need the other side of the book: who holds the opposite positions
and how much the fund holds. No exchange publishes those for a past crash, so a
path carries them as an illustrative block (content/paths.yaml, `market:`), and the
replay takes them as a `Market`:

* `fund`: the insurance fund's balance when the path starts;
* `traders`: other traders' positions, the queue ADL ranks with the replayed
  account's own (they are not liquidated by the path: they stand for the traders
  in profit on the other side);
* `shortfalls`: what other traders' liquidations leave beyond their bankruptcy
  price, at given hours, on a side of a symbol, at a bankruptcy price.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from simulator.engine.accounts import Side
from simulator.engine.inputs import ZERO, EngineError, Number, not_negative, positive, to_enum


@dataclass(frozen=True, slots=True)
class Trader:
    """Another trader's position: ranked for ADL beside the account's own."""

    name: str
    symbol: str
    side: Side
    quantity: Decimal
    entry_price: Decimal
    collateral: Decimal

    def __init__(
        self,
        name: str,
        symbol: str,
        side: Side | str,
        quantity: Number,
        entry_price: Number,
        collateral: Number,
    ) -> None:
        label = str(name).strip()
        if not label:
            raise EngineError("Every other trader needs a name.")
        set_ = object.__setattr__
        set_(self, "name", label)
        set_(self, "symbol", str(symbol).strip())
        set_(self, "side", to_enum(Side, side, f"{label}'s side"))
        set_(self, "quantity", positive(quantity, f"{label}'s quantity"))
        set_(self, "entry_price", positive(entry_price, f"{label}'s entry price"))
        set_(self, "collateral", positive(collateral, f"{label}'s collateral"))


@dataclass(frozen=True, slots=True)
class Shortfall:
    """Other traders' liquidations on `side` of `symbol` at hour `time` left `amount`
    unpaid beyond their bankruptcy price `bankruptcy_price`."""

    time: Decimal
    symbol: str
    side: Side
    amount: Decimal
    bankruptcy_price: Decimal

    def __init__(
        self,
        time: Number,
        symbol: str,
        side: Side | str,
        amount: Number,
        bankruptcy_price: Number,
    ) -> None:
        set_ = object.__setattr__
        set_(self, "time", not_negative(time, "A shortfall's time"))
        set_(self, "symbol", str(symbol).strip())
        set_(self, "side", to_enum(Side, side, "A shortfall's side"))
        set_(self, "amount", positive(amount, "A shortfall's amount"))
        set_(self, "bankruptcy_price", positive(bankruptcy_price, "A shortfall's bankruptcy price"))


@dataclass(frozen=True, slots=True)
class Market:
    """The fund's opening balance, the other traders, and their liquidations' shortfalls
    (in the order of their times)."""

    fund: Decimal
    traders: tuple[Trader, ...]
    shortfalls: tuple[Shortfall, ...]

    def __init__(
        self,
        fund: Number,
        traders: Iterable[Trader] = (),
        shortfalls: Iterable[Shortfall] = (),
    ) -> None:
        set_ = object.__setattr__
        set_(self, "fund", not_negative(fund, "The insurance fund"))
        traders = tuple(traders)
        shortfalls = tuple(shortfalls)
        if not all(isinstance(trader, Trader) for trader in traders):
            raise EngineError("The market's traders must be Trader objects.")
        if not all(isinstance(item, Shortfall) for item in shortfalls):
            raise EngineError("The market's shortfalls must be Shortfall objects.")
        names = [trader.name for trader in traders]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise EngineError(f"Two traders are named {twice[0]}: give each its own name.")
        set_(self, "traders", traders)
        set_(self, "shortfalls", tuple(sorted(shortfalls, key=lambda item: item.time)))

    def check(self, symbols: Iterable[str]) -> None:
        """Refuse a trader or a shortfall on a symbol the replayed account does not hold."""
        held = set(symbols)
        for trader in self.traders:
            if trader.symbol not in held:
                raise EngineError(
                    f"{trader.name} holds {trader.symbol}, which the account does not: "
                    "the path moves only the account's symbols."
                )
        for item in self.shortfalls:
            if item.symbol not in held:
                raise EngineError(
                    f"A shortfall at hour {item.time} is on {item.symbol}, which the account "
                    "does not hold."
                )


NO_MARKET = Market(ZERO)
