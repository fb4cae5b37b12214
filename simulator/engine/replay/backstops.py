"""What a liquidation does in the replay: each position's order, by its venue's rule,
and the positions closed or reduced by a step or by auto-deleveraging.

The rules (`engine.deleveraging`): Hyperliquid sends 20% of a position worth more
than 100,000 USDC, and the whole within 30 s of a partial step (the cooldown is the
user's: here, the replayed account's); OKX reduces a position in tier 3 or above
to tier 1's maximum, and liquidates tiers 1 and 2 in full; every other venue
closes the whole position at once. A pot at or past its bankruptcy price is closed
in full (no part of it could stay open on what is left).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from simulator.engine.accounts import Account, Mode, Position
from simulator.engine.deleveraging import Counterparty, hyperliquid_step, okx_step
from simulator.engine.inputs import ZERO
from simulator.engine.replay.events import BANKRUPT
from simulator.engine.replay.market import Trader
from simulator.engine.tiers import DEFAULT_BRACKETS, TierBasis

SECONDS = Decimal(3600)


def _okx_maxima(account: Account, k: int, price: Decimal) -> list[Decimal]:
    """Each tier's largest size in coins, the top one taken as the size itself (it has
    no maximum). OKX writes a tier's floor one unit above the tier below's top (200.01
    after 200), so a maximum is the next floor less its last written digit; floors on
    the value are converted at `price`."""
    position = account.positions[k]
    brackets = account.brackets.get(position.symbol, DEFAULT_BRACKETS)
    maxima = []
    for bracket in brackets[1:]:
        if bracket.basis is TierBasis.QUANTITY:
            exponent = bracket.floor.as_tuple().exponent
            unit = Decimal(1).scaleb(exponent) if isinstance(exponent, int) and exponent < 0 else 0
            maxima.append(bracket.floor - unit)
        else:
            maxima.append(bracket.floor / price)
    if not maxima or position.quantity > maxima[-1]:
        maxima.append(position.quantity)
    return maxima


def order_size(
    account: Account, k: int, price: Decimal, *, since: Decimal | None, worth: Decimal
) -> tuple[Decimal, str]:
    """How much of position `k` its venue's next liquidation order closes, and the rule.

    `since`: seconds since the account's last partial step (None: none yet);
    `worth`: what the pot's margin is worth at the fill."""
    position = account.positions[k]
    venue = account.rules
    if worth <= -BANKRUPT:
        return position.quantity, (
            "at or past its bankruptcy price, closed in full at once: no margin is left "
            "to keep a part open"
        )
    if venue.key == "hyperliquid":
        closed, rule = hyperliquid_step(position.quantity, price, seconds_since_partial=since)
        return closed, f"Hyperliquid: {rule}"
    if venue.key == "okx":
        closed, rule = okx_step(position.quantity, _okx_maxima(account, k, price))
        return closed, f"OKX: {rule}"
    return position.quantity, f"{venue.name}: the whole position at once"


def reduced(
    account: Account, closes: Mapping[int, tuple[Decimal, Decimal]], *, release: bool = False
) -> tuple[Decimal, list[Position], list[int]]:
    """The account once each position `k` in `closes` has closed `quantity` at `price`
    (k: (quantity, price)): the new balance, the positions left, and which of the
    current indices they are.

    A liquidation step's loss is paid from its pot (an isolated position keeps its
    margin less that loss, so the step lowers its margin ratio); `release` (a close
    such as ADL's) returns the closed part's share of an isolated margin to the
    wallet with what it realized, as any close does."""
    balance = account.balance
    positions: list[Position] = []
    kept: list[int] = []
    for k, position in enumerate(account.positions):
        if k not in closes:
            positions.append(position)
            kept.append(k)
            continue
        quantity, price = closes[k]
        realized = position.sign * quantity * (price - position.entry_price)
        balance += realized
        left = position.quantity - quantity
        if left <= 0:
            continue
        if position.mode is Mode.ISOLATED and not release:
            margin = position.isolated_margin + realized
        else:  # released, or (cross) kept only for switching modes: in step with the size
            margin = position.isolated_margin * left / position.quantity
        if margin <= 0:  # its pot is used up: nothing of it can stay open
            balance -= margin
            continue
        positions.append(
            Position(
                symbol=position.symbol,
                side=position.side,
                quantity=left,
                entry_price=position.entry_price,
                leverage=position.leverage,
                mode=position.mode,
                margin=margin,
            )
        )
        kept.append(k)
    held = sum((p.isolated_margin for p in positions if p.mode is Mode.ISOLATED), start=ZERO)
    return max(balance, held), positions, kept


def counterparty(
    account: Account, k: int, name: str, mark: Decimal, cross_wallet: Decimal
) -> Counterparty:
    """Position `k` as ADL ranks it: backed by its isolated margin, or by the cross
    wallet and the cross positions' maintenance margin (Binance's "Wallet Balance")."""
    position = account.positions[k]
    if position.mode is Mode.ISOLATED:
        collateral = position.isolated_margin
        maintenance = account.maintenance_margin(k, mark)
    else:
        collateral = cross_wallet
        maintenance = account.maintenance_margin(k, mark)
    return Counterparty(
        name, position.side, position.quantity, position.entry_price, mark, collateral, maintenance
    )


def trader_counterparty(account: Account, trader: Trader, mark: Decimal) -> Counterparty:
    """Another trader as ADL ranks it: an isolated position on the account's venue and
    tables, so its maintenance margin (Binance's ranking uses it) is the engine's."""
    position = Position(
        symbol=trader.symbol,
        side=trader.side,
        quantity=trader.quantity,
        entry_price=trader.entry_price,
        leverage=trader.quantity * trader.entry_price / trader.collateral,
        margin=trader.collateral,
    )
    alone = Account(trader.collateral, [position], brackets=account.brackets, venue=account.venue)
    return Counterparty(
        trader.name,
        trader.side,
        trader.quantity,
        trader.entry_price,
        mark,
        trader.collateral,
        alone.maintenance_margin(0, mark),
    )


def shares(losses: Mapping[int, Decimal], shortfall: Decimal) -> dict[int, Decimal]:
    """A cross pot's shortfall split between its losing positions, by their losses."""
    total = sum(losses.values(), start=ZERO)
    if total <= 0:
        first = next(iter(losses))
        return {first: shortfall}
    return {k: shortfall * loss / total for k, loss in losses.items() if loss > 0}
