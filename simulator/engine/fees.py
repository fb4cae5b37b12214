"""Trading fees and the liquidation fee, by each venue's rule."""

from __future__ import annotations

from decimal import Decimal

from simulator.engine.accounts import Account, checked_index, rebuilt
from simulator.engine.inputs import ZERO, EngineError, Number, fee_rate, not_negative, show


def trading_fee(notional: Number, rate: Number) -> Decimal:
    """The fee on a trade: notional x rate.

    Binance: "Commission Fee = Notional Value * Fee Rate"; Bybit and OKX alike.
    """
    return not_negative(notional, "The notional") * fee_rate(rate, "The fee rate")


def with_fees(account: Account, *, rate: Number | None = None) -> Account:
    """The account after paying the opening fee of every position, at `rate`.

    `rate` defaults to the taker fee rate in use (the account's, or its venue's).
    The fees come out of the wallet balance outside the isolated margins (the cross
    wallet, Binance's "available balance"), not out of the positions' margins:
    Binance, Bybit and OKX charge them that way. So they move cross liquidation
    prices (a smaller pot) but not isolated ones.
    """
    rate = account.effective_taker_fee if rate is None else fee_rate(rate, "The fee rate")
    total = sum((p.notional * rate for p in account.positions), start=ZERO)
    if total > account.cross_wallet:
        raise EngineError(
            f"The opening fees add up to {show(total)}, more than the "
            f"{show(account.cross_wallet)} left in the wallet outside the isolated margins: "
            "fees are paid from the wallet, not from a position's margin."
        )
    return rebuilt(account, balance=account.balance - total)


def liquidation_fee(account: Account, index: int, price: Number) -> Decimal:
    """The venue's liquidation fee if position `index` were liquidated at `price`.

    Rate x quantity x price; the rate is the venue's (`Venue.liquidation_fee_rate`:
    OKX and Bybit use the taker fee rate in use; Hyperliquid charges none on a
    liquidation through the book; for dYdX it is the maximum penalty, 1.5%).
    """
    position = account.positions[checked_index(account, index)]
    price = not_negative(price, "The price")
    rate = account.rules.liquidation_fee_rate(position.symbol, account.effective_taker_fee)
    return rate * position.quantity * price
