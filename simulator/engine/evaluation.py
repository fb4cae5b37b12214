"""The whole account at given mark prices, and the same positions all-isolated or all-cross."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from simulator.engine.accounts import Account, Mode, Position, Side, mark_prices, rebuilt
from simulator.engine.inputs import ZERO, Number, to_enum
from simulator.engine.liquidation import (
    all_liquidation_prices,
    isolated_liquidated,
    take_snapshot,
)


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
    prices = mark_prices(account, marks)
    snapshot = take_snapshot(account, prices)
    cross_wallet = account.cross_wallet
    cross_equity = cross_wallet + snapshot.cross_pnl
    # With no cross position there is nothing to liquidate, even with an empty wallet.
    cross_liquidated = snapshot.has_cross and cross_equity <= snapshot.cross_maintenance
    cross_ratio = _ratio(snapshot.cross_maintenance, cross_equity)
    references = [prices[p.symbol] for p in account.positions]
    lps = all_liquidation_prices(account, snapshot, references)

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
            liquidated = isolated_liquidated(account, i, pnl, mm)
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


def with_mode(account: Account, mode: Mode | str) -> Account:
    """The same positions, all isolated or all cross.

    Each position keeps its margin (the initial margin, or more if margin was
    added), which is what it posts when isolated. Raises `EngineError` if the
    wallet cannot hold all the positions isolated.
    """
    target = to_enum(Mode, mode, "The margin mode")
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
    return rebuilt(account, positions=positions)


def compare_modes(account: Account, marks: Mapping[str, Number]) -> tuple[Evaluation, Evaluation]:
    """`evaluate` of the same positions all-isolated and all-cross, in that order."""
    return (
        evaluate(with_mode(account, Mode.ISOLATED), marks),
        evaluate(with_mode(account, Mode.CROSS), marks),
    )
