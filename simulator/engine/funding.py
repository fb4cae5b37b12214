"""Funding payments, and the account after funding has been paid."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from simulator.engine.accounts import Account, Mode, Position, rebuilt, with_margin
from simulator.engine.inputs import ZERO, EngineError, Number, not_negative, show, to_decimal


def checked_funding_rate(value: object, name: str = "The funding rate") -> Decimal:
    rate = to_decimal(value, name)
    if abs(rate) >= 1:
        raise EngineError(f"{name} must be between -100% and 100% (got {show(rate * 100)}%).")
    return rate


def interval_count(value: object) -> int:
    count = not_negative(value, "The number of funding intervals")
    if count != count.to_integral_value():
        raise EngineError(
            f"The number of funding intervals must be a whole number (got {show(count)})."
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
        position.sign
        * position.quantity
        * not_negative(price, "The price")
        * checked_funding_rate(rate)
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
    count = interval_count(intervals)
    if not isinstance(rates, Mapping):
        raise EngineError("The funding rates must map each symbol to its rate.")
    held = account.symbols
    parsed: dict[str, Decimal] = {}
    for symbol, rate in rates.items():
        if symbol not in held:
            raise EngineError(f"The account holds no position on {symbol}.")
        parsed[symbol] = checked_funding_rate(rate, f"The funding rate of {symbol}")
    if marks is not None and not isinstance(marks, Mapping):
        raise EngineError("The mark prices must map each symbol to its price.")
    prices: dict[str, Decimal] = {}
    for symbol in parsed:
        if marks is None:
            prices[symbol] = next(p.entry_price for p in account.positions if p.symbol == symbol)
        elif symbol in marks:
            prices[symbol] = not_negative(marks[symbol], f"The mark price of {symbol}")
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
                f"{show(paid)} in funding over {count} intervals, more than its isolated "
                f"margin of {show(position.isolated_margin)}: it would have been liquidated "
                "before paying it all."
            )
        positions.append(with_margin(position, margin))
    if cross_paid > 0 and cross_paid > account.cross_wallet:
        raise EngineError(
            f"The cross positions would pay {show(cross_paid)} in funding over {count} "
            f"intervals, more than the cross wallet of {show(account.cross_wallet)}: they "
            "would have been liquidated before paying it all."
        )
    return rebuilt(account, balance=account.balance - total, positions=positions)
