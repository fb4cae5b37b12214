"""Auto-deleveraging (ADL), the insurance fund, and partial liquidation in steps.

What happens after a liquidation goes wrong: the loss beyond the bankruptcy price
is paid by the insurance fund, and what the fund cannot pay is taken from the
opposite side's positions in each venue's ranking order, closed at the liquidated
position's bankruptcy price. And how two venues liquidate a large position in
steps instead of at once (Hyperliquid: 20% at a time with a cooldown; OKX: down to
tier 1). Pure Python and Decimal; the sources and what is left out are in
docs/engine.md ("Auto-deleveraging, the insurance fund and partial liquidation").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from simulator.engine.accounts import Side
from simulator.engine.inputs import (
    ONE,
    ZERO,
    EngineError,
    Number,
    not_negative,
    positive,
    show,
    to_enum,
)


class AdlRule(StrEnum):
    """How a venue ranks the opposite side's positions for deleveraging."""

    # Binance: "LeveragePnL", unrealized profit over the wallet times the margin ratio.
    LEVERAGE_PNL = "leverage-pnl"
    # BitMEX's published form, which Bybit and OKX describe in words: profit
    # percentage times effective leverage (divided by it for a loss).
    PROFIT_X_LEVERAGE = "profit-x-leverage"


# Which rule each venue publishes. Hyperliquid says only "ranked by unrealized pnl
# and leverage used", so it gets the profit-times-leverage form (docs/engine.md).
ADL_RULES: dict[str, AdlRule] = {
    "binance": AdlRule.LEVERAGE_PNL,
    "bybit": AdlRule.PROFIT_X_LEVERAGE,
    "okx": AdlRule.PROFIT_X_LEVERAGE,
    "hyperliquid": AdlRule.PROFIT_X_LEVERAGE,
    "bitmex": AdlRule.PROFIT_X_LEVERAGE,
}


def adl_rule(venue: str) -> AdlRule:
    """The ranking rule a venue publishes; an `EngineError` names the ones we have."""
    key = str(venue).strip().lower()
    if key not in ADL_RULES:
        known = ", ".join(ADL_RULES)
        raise EngineError(f"No published auto-deleveraging ranking for {venue!r}: we have {known}.")
    return ADL_RULES[key]


@dataclass(frozen=True, slots=True)
class Counterparty:
    """A position on the other side of the liquidated one, as ADL sees it.

    `collateral` is what backs it: the isolated margin, or for a cross position
    the wallet balance behind it (Binance's "Wallet Balance"). `maintenance` is
    its maintenance margin (the account's, for a cross position); only Binance's
    ranking uses it.
    """

    name: str
    side: Side
    quantity: Decimal
    entry_price: Decimal
    mark_price: Decimal
    collateral: Decimal
    maintenance: Decimal = ZERO

    def __init__(
        self,
        name: str,
        side: Side | str,
        quantity: Number,
        entry_price: Number,
        mark_price: Number,
        collateral: Number,
        maintenance: Number = ZERO,
    ) -> None:
        label = str(name).strip() or "A position"
        set_ = object.__setattr__
        set_(self, "name", label)
        set_(self, "side", to_enum(Side, side, f"{label}'s side"))
        set_(self, "quantity", positive(quantity, f"{label}'s quantity"))
        set_(self, "entry_price", positive(entry_price, f"{label}'s entry price"))
        set_(self, "mark_price", positive(mark_price, f"{label}'s mark price"))
        set_(self, "collateral", not_negative(collateral, f"{label}'s collateral"))
        set_(self, "maintenance", not_negative(maintenance, f"{label}'s maintenance margin"))

    @property
    def unrealized_pnl(self) -> Decimal:
        return self.side.sign * self.quantity * (self.mark_price - self.entry_price)

    @property
    def equity(self) -> Decimal:
        """Collateral plus unrealized PnL: mark value minus bankrupt value."""
        return self.collateral + self.unrealized_pnl

    @property
    def bankruptcy_price(self) -> Decimal:
        """Where its collateral is used up (the engine's isolated bankruptcy price)."""
        return self.entry_price - self.side.sign * self.collateral / self.quantity


@dataclass(frozen=True, slots=True)
class Ranked:
    """One position's place in the ADL queue (1 = deleveraged first)."""

    rank: int
    index: int  # its place in the list given
    counterparty: Counterparty
    score: Decimal
    pnl_percentage: Decimal
    leverage: Decimal  # effective leverage (profit x leverage) or margin ratio (Binance)
    detail: str


def _profit_x_leverage(position: Counterparty) -> tuple[Decimal, Decimal, Decimal, str]:
    # Values signed as BitMEX writes them (a short's value is negative), so
    # mark value - bankrupt value = collateral + PnL = equity.
    equity = position.equity
    if equity <= 0:
        raise EngineError(
            f"{position.name} is itself bankrupt at its mark {show(position.mark_price)} "
            f"(equity {show(equity)}): it is liquidated, not deleveraged."
        )
    pnl_percentage = position.unrealized_pnl / (position.quantity * position.entry_price)
    leverage = position.quantity * position.mark_price / equity
    if pnl_percentage > 0:
        score = pnl_percentage * leverage
        how = "profit percentage x effective leverage"
    else:
        score = pnl_percentage / leverage
        how = "loss percentage / effective leverage"
    detail = (
        f"{how}: {show(pnl_percentage * 100, 2)}% and {show(leverage, 2)}x "
        f"(value {show(position.quantity * position.mark_price, 2)} over equity {show(equity, 2)})"
    )
    return score, pnl_percentage, leverage, detail


def _leverage_pnl(position: Counterparty) -> tuple[Decimal, Decimal, Decimal, str]:
    # Binance: Pnl Percent = max(0, UPnL) / max(1, WB); Margin Ratio = MM / (WB + UPnL),
    # 0 when WB + UPnL <= 0; LeveragePnL = the product.
    pnl_percentage = max(ZERO, position.unrealized_pnl) / max(ONE, position.collateral)
    balance = position.equity
    ratio = position.maintenance / balance if balance > 0 else ZERO
    score = pnl_percentage * ratio
    detail = (
        f"unrealized profit over wallet x margin ratio: {show(pnl_percentage * 100, 2)}% "
        f"x {show(ratio * 100, 2)}%"
    )
    return score, pnl_percentage, ratio, detail


def adl_ranking(positions: Sequence[Counterparty], *, venue: str = "binance") -> tuple[Ranked, ...]:
    """The ADL queue: highest score first; equal scores keep the order given.

    A total order: every position gets one rank, and ties are broken by the
    position's place in `positions`, so the same list always ranks the same way.
    """
    rule = adl_rule(venue)
    score_of = _leverage_pnl if rule is AdlRule.LEVERAGE_PNL else _profit_x_leverage
    scored = [(score_of(position), index, position) for index, position in enumerate(positions)]
    scored.sort(key=lambda item: (-item[0][0], item[1]))
    return tuple(
        Ranked(rank, index, position, score, pnl, leverage, detail)
        for rank, ((score, pnl, leverage, detail), index, position) in enumerate(scored, start=1)
    )


@dataclass(frozen=True, slots=True)
class Deleveraged:
    """One opposite position closed (partly or wholly) by ADL, and why."""

    rank: int
    name: str
    quantity_before: Decimal
    closed: Decimal
    price: Decimal  # the liquidated position's bankruptcy price
    taken: Decimal  # what closing there instead of at its mark cost it
    whole: bool
    reason: str


@dataclass(frozen=True, slots=True)
class Deleveraging:
    """A liquidation's loss beyond bankruptcy, and who paid it."""

    shortfall: Decimal  # the loss beyond the bankruptcy price
    fund_before: Decimal
    fund_used: Decimal
    fund_after: Decimal  # negative only when the opposite side could not cover the rest
    taken: Decimal  # by ADL, in all
    uncovered: Decimal  # what neither the fund nor ADL covered
    ranking: tuple[Ranked, ...]
    steps: tuple[Deleveraged, ...]


def deleverage(
    *,
    shortfall: Number,
    fund: Number,
    bankruptcy_price: Number,
    liquidated_side: Side | str,
    positions: Sequence[Counterparty],
    venue: str = "binance",
) -> Deleveraging:
    """The fund pays the shortfall first; ADL takes what it cannot, in rank order.

    Each opposite position is closed at the liquidated position's bankruptcy
    price B; closing there instead of at its mark P costs it `s x (P - B)` per
    unit (a short's loss when the price has fallen through a long's B). A position
    is closed only as far as the rest of the shortfall needs; one whose mark is
    not past B gives nothing and is not closed.
    """
    loss = not_negative(shortfall, "The shortfall")
    balance = not_negative(fund, "The insurance fund")
    price = positive(bankruptcy_price, "The bankruptcy price")
    side = to_enum(Side, liquidated_side, "The liquidated position's side")
    for position in positions:
        if position.side is side:
            raise EngineError(
                f"{position.name} is {position.side.value}, on the liquidated position's "
                "side: only opposite positions are deleveraged."
            )
    used = min(balance, loss)
    rest = loss - used
    ranking = adl_ranking(positions, venue=venue) if rest > 0 else ()
    steps: list[Deleveraged] = []
    for entry in ranking:
        if rest <= 0:
            break
        position = entry.counterparty
        per_unit = position.side.sign * (position.mark_price - price)
        if per_unit <= 0:
            continue
        whole = position.quantity * per_unit <= rest
        # The last one closes exactly what is left, so the total is the shortfall.
        closed = position.quantity if whole else rest / per_unit
        taken = position.quantity * per_unit if whole else rest
        rest -= taken
        steps.append(
            Deleveraged(
                entry.rank,
                position.name,
                position.quantity,
                closed,
                price,
                taken,
                whole,
                _reason(entry, len(ranking), closed, price, taken, whole),
            )
        )
    taken_total = sum((step.taken for step in steps), ZERO)
    return Deleveraging(
        shortfall=loss,
        fund_before=balance,
        fund_used=used,
        fund_after=balance - loss + taken_total,
        taken=taken_total,
        uncovered=loss - used - taken_total,
        ranking=ranking,
        steps=tuple(steps),
    )


def _reason(
    entry: Ranked, count: int, closed: Decimal, price: Decimal, taken: Decimal, whole: bool
) -> str:
    how = "wholly" if whole else f"{show(closed)} of {show(entry.counterparty.quantity)}"
    return (
        f"Ranked {entry.rank} of {count} ({entry.detail}); closed {how} at the "
        f"bankruptcy price {show(price, 2)} instead of its mark "
        f"{show(entry.counterparty.mark_price, 2)}, which took {show(taken, 2)}."
    )


# Hyperliquid, *Liquidations*: "For liquidatable positions larger than 100k USDC ...,
# only 20% of the position will be sent as a market liquidation order to the book.
# After a block where any position of a user is partially liquidated, there is a
# cooldown period of 30 seconds. During this cooldown period, all market liquidation
# orders for that user will be for the entire position."
HYPERLIQUID_PARTIAL_ABOVE = Decimal(100000)
HYPERLIQUID_PARTIAL_SHARE = Decimal("0.2")
HYPERLIQUID_COOLDOWN_SECONDS = Decimal(30)


@dataclass(frozen=True, slots=True)
class LiquidationStep:
    """One liquidation order: how much it closes, and what happens next."""

    time: Decimal  # seconds from the first check
    price: Decimal
    quantity_before: Decimal
    closed: Decimal
    remaining: Decimal
    partial: bool
    rule: str  # why this size
    next: str  # the condition for another step


CLOSED = "none: the position is closed"


@dataclass(frozen=True, slots=True)
class Check:
    """A moment (seconds) at which the position is found liquidatable, at a mark."""

    time: Decimal
    price: Decimal

    def __init__(self, time: Number, price: Number) -> None:
        object.__setattr__(self, "time", not_negative(time, "A check's time"))
        object.__setattr__(self, "price", positive(price, "A check's price"))


def _checks(checks: Sequence[Check | tuple[Number, Number]]) -> list[Check]:
    result: list[Check] = []
    for item in checks:
        if not isinstance(item, Check):
            if not isinstance(item, tuple | list) or len(item) != 2:
                raise EngineError(f"A check is a time and a price (got {item!r}).")
            item = Check(*item)
        result.append(item)
    for earlier, later in pairwise(result):
        if later.time <= earlier.time:
            raise EngineError(
                f"The checks' times must increase: {show(later.time)} s comes after "
                f"{show(earlier.time)} s."
            )
    return result


def hyperliquid_step(
    quantity: Number, price: Number, *, seconds_since_partial: Number | None = None
) -> tuple[Decimal, str]:
    """The size of Hyperliquid's next liquidation order, and why.

    Within 30 s of a partial liquidation: the whole position. Otherwise a position
    worth more than 100,000 USDC at the mark: 20% of it. Otherwise the whole.
    """
    size = positive(quantity, "The quantity")
    mark = positive(price, "The price")
    if seconds_since_partial is not None:
        since = not_negative(seconds_since_partial, "The seconds since the partial liquidation")
        if since < HYPERLIQUID_COOLDOWN_SECONDS:
            return size, (
                f"{show(since)} s after a partial liquidation, inside the 30 s cooldown: "
                "the whole position"
            )
    value = size * mark
    if value > HYPERLIQUID_PARTIAL_ABOVE:
        return size * HYPERLIQUID_PARTIAL_SHARE, (
            f"worth {show(value, 2)} USDC, above 100,000: 20% of the position"
        )
    return size, f"worth {show(value, 2)} USDC, not above 100,000: the whole position"


def hyperliquid_liquidation_steps(
    *, quantity: Number, checks: Sequence[Check | tuple[Number, Number]]
) -> tuple[LiquidationStep, ...]:
    """Hyperliquid's liquidation orders at each check, until the position is closed.

    `checks` are the moments the position is found liquidatable (whoever decides
    that: the replay, a lesson); each sends one order, assumed filled in full.
    The cooldown is the user's: this follows one position.
    """
    last_partial: list[Decimal] = []

    def order(remaining: Decimal, check: Check) -> tuple[Decimal, str, str]:
        since = check.time - last_partial[-1] if last_partial else None
        closed, rule = hyperliquid_step(remaining, check.price, seconds_since_partial=since)
        if closed == remaining:
            return closed, rule, CLOSED
        last_partial.append(check.time)
        until = check.time + HYPERLIQUID_COOLDOWN_SECONDS
        return (
            closed,
            rule,
            (
                f"if still liquidatable before {show(until)} s, the whole position; "
                "after that, 20% again while it is worth more than 100,000 USDC"
            ),
        )

    return _walk(quantity, checks, order)


def _walk(
    quantity: Number,
    checks: Sequence[Check | tuple[Number, Number]],
    order: Callable[[Decimal, Check], tuple[Decimal, str, str]],
) -> tuple[LiquidationStep, ...]:
    """One order per check, sized by the venue's `order`, until nothing is left."""
    remaining = positive(quantity, "The quantity")
    steps: list[LiquidationStep] = []
    for check in _checks(checks):
        closed, rule, following = order(remaining, check)
        steps.append(
            LiquidationStep(
                check.time,
                check.price,
                remaining,
                closed,
                remaining - closed,
                closed < remaining,
                rule,
                following,
            )
        )
        remaining -= closed
        if remaining == 0:
            break
    return tuple(steps)


def okx_step(quantity: Number, tier_maxima: Sequence[Number]) -> tuple[Decimal, str]:
    """The size of OKX's next liquidation order, and why.

    OKX, *Forced Partial or Full Liquidation*: a position in tier 3 or above is
    liquidated "until it is at Tier 1" (closing held minus tier 1's maximum); in
    tiers 1 and 2 it is liquidated in full. `tier_maxima` are each tier's largest
    size (contracts or coins, as OKX's table gives them), increasing.
    """
    size = positive(quantity, "The quantity")
    maxima = [positive(value, f"Tier {n}'s maximum") for n, value in enumerate(tier_maxima, 1)]
    if not maxima or any(b <= a for a, b in pairwise(maxima)):
        raise EngineError("The tiers' maximum sizes must be given and increase tier by tier.")
    tier = next((n for n, top in enumerate(maxima, 1) if size <= top), None)
    if tier is None:
        raise EngineError(
            f"{show(size)} is beyond the table's last tier (up to {show(maxima[-1])})."
        )
    if tier >= 3:
        return size - maxima[0], (f"tier {tier}: reduced to tier 1's maximum {show(maxima[0])}")
    return size, f"tier {tier}: liquidated in full"


def okx_liquidation_steps(
    *,
    quantity: Number,
    tier_maxima: Sequence[Number],
    checks: Sequence[Check | tuple[Number, Number]],
) -> tuple[LiquidationStep, ...]:
    """OKX's liquidation orders at each check (the margin ratio still short), until closed."""

    def order(remaining: Decimal, check: Check) -> tuple[Decimal, str, str]:
        closed, rule = okx_step(remaining, tier_maxima)
        if closed == remaining:
            return closed, rule, CLOSED
        return (
            closed,
            rule,
            (
                "if the margin ratio is still below tier 1's maintenance rate plus the fee, "
                "the rest in full"
            ),
        )

    return _walk(quantity, checks, order)
