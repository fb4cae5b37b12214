"""Coins in a multi-asset wallet as the replay moves them: each counted by its venue's
rule (`engine.collateral`) at the mark of the symbol on it, so a BTC long on BTC
collateral loses twice as BTC falls."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from simulator.engine.accounts import Account, Mode
from simulator.engine.collateral import CollateralRule, Wallet
from simulator.engine.inputs import ONE, ZERO, EngineError
from simulator.engine.venues import base_asset


@dataclass(frozen=True, slots=True)
class Coin:
    """A coin of a multi-asset wallet, counted by its venue's rule at its symbol's mark."""

    rule: CollateralRule
    amount: Decimal
    symbol: str
    start: Decimal  # its mark when the path starts, where the account's balance counts it

    def gain(self, marks: Mapping[str, Decimal]) -> Decimal:
        """What its collateral value has gained since the start (negative: lost)."""
        price = marks[self.symbol]
        if price == self.start:
            return ZERO
        return self.rule.value(self.amount, price) - self.rule.value(self.amount, self.start)

    @property
    def floors(self) -> tuple[Decimal, ...]:
        """Prices at which its value crosses a tier floor (tiers on the value)."""
        return self.rule.value_floors(self.amount)


STABLE = frozenset({"USDT", "USDC", "BUSD"})  # counted at 1: the path prices no stablecoin


def on_wallet(
    account: Account, wallet: Wallet, marks: Mapping[str, Decimal]
) -> tuple[Account, tuple[Coin, ...]]:
    """The account with the wallet's collateral value at `marks` as its balance, and the
    wallet's coins, each moving with the mark of the symbol on it."""
    if not isinstance(wallet, Wallet):
        raise EngineError("The wallet must be a Wallet.")
    if any(position.mode is not Mode.CROSS for position in account.positions):
        raise EngineError(
            "With collateral in several assets every position is cross: Multi-Assets Mode "
            "supports only the Cross Margin Mode."
        )
    symbols = {base_asset(symbol): symbol for symbol in account.symbols}
    prices: dict[str, Decimal] = {}
    coins = []
    for asset, amount in wallet.balances.items():
        if asset in symbols:
            symbol = symbols[asset]
            prices[asset] = marks[symbol]
            rule = wallet.schedule.rules[asset]
            coins.append(Coin(rule, amount, symbol, marks[symbol]))
        elif asset in STABLE:
            prices[asset] = ONE
        else:
            raise EngineError(
                f"The wallet holds {asset}, but the account holds no position on it: the path "
                "would not price it. Hold it as a stablecoin or trade its perpetual."
            )
    balance = wallet.collateral_value(prices)
    if balance <= 0:
        raise EngineError("The wallet's collateral value is zero: put something in it.")
    rebuilt = Account(
        balance,
        account.positions,
        brackets=account.brackets,
        venue=account.venue,
        taker_fee=account.taker_fee,
    )
    return rebuilt, tuple(coins)
