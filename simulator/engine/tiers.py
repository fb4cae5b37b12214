"""Maintenance-margin brackets (tiers) and the table a symbol's brackets make."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from simulator.engine.inputs import ZERO, EngineError, Number, show, to_decimal, to_enum


class TierBasis(StrEnum):
    """What a bracket floor measures.

    NOTIONAL: the position's value in the quote currency at the mark (Binance,
    Bybit, Hyperliquid, dYdX). QUANTITY: the position's size in the base asset
    (OKX sets its tiers in contracts; the venue's table converts them to coins).
    """

    NOTIONAL = "notional"
    QUANTITY = "quantity"


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
        floor = to_decimal(self.floor, "A bracket floor")
        rate = to_decimal(self.rate, "A maintenance margin rate")
        if floor < 0:
            raise EngineError(f"A bracket floor cannot be negative (got {show(floor)}).")
        if not ZERO <= rate < 1:
            raise EngineError(
                f"A maintenance margin rate must be at least 0 and below 1 (got {rate})."
            )
        object.__setattr__(self, "floor", floor)
        object.__setattr__(self, "rate", rate)
        object.__setattr__(self, "basis", to_enum(TierBasis, self.basis, "A bracket basis"))


DEFAULT_BRACKETS: tuple[Bracket, ...] = (Bracket(ZERO, Decimal("0.005")),)


"""The single 0.5% bracket used for a symbol without its own table."""


def maintenance_amounts(brackets: Sequence[Bracket]) -> tuple[Decimal, ...]:
    """Maintenance amounts: a_0 = 0, a_n = floor_n x (rate_n - rate_(n-1)) + a_(n-1)."""
    amounts = [ZERO]
    for previous, current in pairwise(brackets):
        amounts.append(current.floor * (current.rate - previous.rate) + amounts[-1])
    return tuple(amounts)


@dataclass(frozen=True, slots=True)
class Table:
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
    ) -> Table:
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
                f"must stay below 100% (got {show(rates[-1] * 100)}%)."
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
    table = Table.build("this table", brackets)
    k = table.tier(to_decimal(notional, "The notional"))
    return brackets[k], table.amounts[k]
