"""The margin pots as the replay goes: the account, where each pot is liquidated.

A pot is the cross wallet with its positions, or one isolated position with its
margin. Each pot's liquidation along a straight move is solved exactly here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from simulator.engine.accounts import Account, Mode, Position
from simulator.engine.inputs import ONE, ZERO
from simulator.engine.liquidation import liquidation_region
from simulator.engine.replay.coins import Coin
from simulator.engine.replay.points import along

CROSS = "cross"  # the cross pot's key; an isolated pot's key is its position's index


@dataclass(slots=True)
class State:
    """The account as the replay goes, with caches valid until it changes.

    `coins`: with a multi-asset wallet, its coins whose value moves with the path; the
    account's balance counts them at their start, and the cross wallet at `marks` is
    `cross_wallet(marks)`. A cross liquidation takes them with the rest."""

    account: Account
    open: list[int]
    regions: dict[int, tuple[tuple[Decimal, Decimal | None], ...]] = field(default_factory=dict)
    lost: Decimal = ZERO
    funding: Decimal = ZERO
    coins: tuple[Coin, ...] = ()

    def cross_wallet(self, marks: Mapping[str, Decimal]) -> Decimal:
        wallet = self.account.cross_wallet
        for coin in self.coins:
            wallet += coin.gain(marks)
        return wallet

    def rebase(self, marks: Mapping[str, Decimal]) -> None:
        """Count the coins at `marks` in the balance from now on (before a step pays a
        loss from it, so that it never counts on value the coins no longer have)."""
        if not self.coins:
            return
        gain = sum((coin.gain(marks) for coin in self.coins), start=ZERO)
        self.coins = tuple(
            Coin(coin.rule, coin.amount, coin.symbol, marks[coin.symbol]) for coin in self.coins
        )
        account = self.account
        self.replace(account.balance + gain, list(account.positions), self.open)

    def region(self, k: int) -> tuple[tuple[Decimal, Decimal | None], ...]:
        if k not in self.regions:
            self.regions[k] = liquidation_region(self.account, k)
        return self.regions[k]

    def replace(self, balance: Decimal, positions: list[Position], open_: list[int]) -> None:
        account = self.account
        self.account = Account(
            balance,
            positions,
            brackets=account.brackets,
            venue=account.venue,
            taker_fee=account.taker_fee,
        )
        self.open = open_
        self.regions = {}


def pots(state: State) -> dict[object, list[int]]:
    """Each margin pot's positions (indices into the current account), keyed by "cross"
    or, for an isolated position, its index in the replayed account."""
    pots: dict[object, list[int]] = {}
    for k, position in enumerate(state.account.positions):
        pots.setdefault(CROSS if position.mode is Mode.CROSS else state.open[k], []).append(k)
    return pots


def cushion(state: State, members: list[int], marks: Mapping[str, Decimal]) -> Decimal:
    """A cross pot's margin balance minus its maintenance margin (liquidated at <= 0)."""
    account = state.account
    total = state.cross_wallet(marks)
    for k in members:
        position = account.positions[k]
        price = marks[position.symbol]
        total += position.unrealized_pnl(price) - account.maintenance_margin(k, price)
    return total


def pot_worth(
    state: State, key: object, members: list[int], marks: Mapping[str, Decimal]
) -> Decimal:
    """What the pot's margin is worth at `marks`: below zero it is beyond bankruptcy."""
    account = state.account
    base = (
        state.cross_wallet(marks) if key == CROSS else account.positions[members[0]].isolated_margin
    )
    return base + sum(
        (account.positions[k].unrealized_pnl(marks[account.positions[k].symbol]) for k in members),
        start=ZERO,
    )


def inside(region: Iterable[tuple[Decimal, Decimal | None]], price: Decimal) -> bool:
    return any(low <= price and (high is None or price <= high) for low, high in region)


def liquidated_at(
    state: State, key: object, members: list[int], marks: Mapping[str, Decimal]
) -> bool:
    if key == CROSS:
        return cushion(state, members, marks) <= 0
    k = members[0]
    return inside(state.region(k), marks[state.account.positions[k].symbol])


def isolated_entry(
    region: Iterable[tuple[Decimal, Decimal | None]], a: Decimal, b: Decimal
) -> Decimal | None:
    """Where a price moving from `a` to `b` first enters `region` (outside it at `a`)."""
    if a == b:
        return None
    best: Decimal | None = None
    for low, high in region:
        if b < a:  # falling: an interval is entered at its top
            entry = high if high is not None and b <= high < a else None
        else:  # rising: at its bottom
            entry = low if a < low <= b else None
        if entry is not None and (best is None or abs(entry - a) < abs(best - a)):
            best = entry
    return None if best is None else (best - a) / (b - a)


def cross_entry(
    state: State, members: list[int], a: Mapping[str, Decimal], b: Mapping[str, Decimal]
) -> Decimal | None:
    """The first fraction of the way from `a` to `b` at which the cross pot is liquidated.

    The cushion is a straight line in the fraction between the prices at which a
    member's maintenance bracket changes; each piece is solved exactly.
    """
    account = state.account
    cuts = {ZERO, ONE}
    for k in members:
        symbol = account.positions[k].symbol
        low, high = sorted((a[symbol], b[symbol]))
        if low == high:
            continue
        breaks = list(account.maintenance_breaks(k))
        breaks += [f for coin in state.coins if coin.symbol == symbol for f in coin.floors]
        for price in breaks:
            if low < price < high:
                cuts.add((price - a[symbol]) / (b[symbol] - a[symbol]))
    ordered = sorted(cuts)
    for start, end in pairwise(ordered):
        if cushion(state, members, along(a, b, start)) <= 0:
            return start
        # Inside the piece the cushion is one straight line (the brackets cannot change).
        third = (end - start) / 3
        s1, s2 = start + third, end - third
        c1 = cushion(state, members, along(a, b, s1))
        c2 = cushion(state, members, along(a, b, s2))
        slope = (c2 - c1) / (s2 - s1)
        if c1 + slope * (end - s1) <= 0:
            return min(max(s1 - c1 / slope, start), end) if slope < 0 else start
        if cushion(state, members, along(a, b, end)) <= 0:
            return end
    return None
