"""The steps from the textbook liquidation price to a venue's, one rule at a time."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext

from simulator.engine.accounts import Account, Mode, Position, checked_index, mark_prices
from simulator.engine.funding import (
    checked_funding_rate,
    funding_payment,
    interval_count,
    with_funding,
)
from simulator.engine.inputs import ZERO, Number, not_negative, show
from simulator.engine.liquidation import (
    NO_MAINTENANCE,
    isolated_region,
    liquidation_price,
    nearest,
    pot_region,
    take_snapshot,
)
from simulator.engine.tiers import DEFAULT_BRACKETS, Table
from simulator.engine.venues import OTHER_RULES, Venue


@dataclass(frozen=True, slots=True)
class Step:
    """One rule on the way from the textbook liquidation price to the venue's.

    `price` is the liquidation price with this rule and the ones before it
    applied (None: no positive price liquidates); `change` is `price` minus the
    previous step's price (0 when either is None, or when the rule changes nothing).
    """

    label: str
    detail: str
    price: Decimal | None
    change: Decimal


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why the venue's liquidation price differs from the textbook's, rule by rule.

    `textbook`: lesson 3's price (isolated, margin = initial margin, a flat 0.5%
    maintenance rate, no fees, no funding). `price`: the venue's, as
    `liquidation_price` gives it after the funding. When both exist and no step
    lacks a price, `textbook + total_change == price` exactly.
    """

    textbook: Decimal | None
    price: Decimal | None
    steps: tuple[Step, ...]

    @property
    def total_change(self) -> Decimal:
        """The sum of the steps' changes, added exactly."""
        return _exact_sum([step.change for step in self.steps])


def _digits_needed(values: Iterable[Decimal]) -> int:
    """A precision at which adding or subtracting these numbers is exact."""
    numbers = [v for v in values if v]
    if not numbers:
        return 28
    high = max(v.adjusted() for v in numbers)
    low = min(int(v.as_tuple().exponent) for v in numbers)
    return max(28, high - low + 10)


def _exact_sum(values: Sequence[Decimal]) -> Decimal:
    with localcontext() as context:
        context.prec = _digits_needed(values) + len(values)
        return sum(values, start=ZERO)


def _exact_difference(a: Decimal, b: Decimal) -> Decimal:
    with localcontext() as context:
        context.prec = _digits_needed((a, b))
        return a - b


def _amount(value: Decimal) -> str:
    """Money or a price for a sentence: cents from 1 up (and for 0), up to 8 decimals below."""
    if abs(value) >= 1 or value == 0:
        return f"{value.quantize(Decimal('0.01')):,f}"
    return show(value)


def _percent(rate: Decimal) -> str:
    return f"{show(rate * 100)}%"


def _price_with(
    base: Decimal, members: Sequence[Position], table: Table, reference: Decimal
) -> Decimal | None:
    return nearest(pot_region(base, members, table), reference)


def _tier_detail(
    venue: Venue,
    table: Table,
    position: Position,
    price: Decimal | None,
    source: str,
    mark: Decimal,
) -> str:
    """The tier in words a beginner can follow: what the position is worth there, which
    tier that is, and what share of its value the exchange keeps as maintenance margin."""
    at = mark if price is None else price
    k = table.tier_of(position.quantity, at)
    rate = table.rates[k]
    count = len(table.rates)
    if count == 1:
        return (
            f"{source}: one rate for every size of position, the exchange keeps "
            f"{_percent(rate)} of the value as maintenance margin."
        )
    if table.by_quantity:
        where = (
            f"the tier follows the size ({show(position.quantity)}): tier {k + 1} of {count}, "
            f"for sizes from {show(table.floors[k])}"
        )
    else:
        where = (
            f"at {_amount(at)} the position is worth {_amount(position.quantity * at)}, "
            f"in tier {k + 1} of {count} (positions worth {_amount(table.floors[k])} or more)"
        )
    if table.whole:
        how = (
            f"{venue.name} keeps {_percent(rate)} of the whole position's value as "
            "maintenance margin (a larger position pays the higher rate on all of it)"
        )
    elif table.amounts[k]:
        how = (
            f"the exchange keeps {_percent(rate)} of the value as maintenance margin, less "
            f"{_amount(table.amounts[k])} so that the tiers join up (the higher rate applies "
            "only to the value above the tier's start)"
        )
    else:
        how = f"the exchange keeps {_percent(rate)} of the value as maintenance margin"
    return f"{source}; {where}: {how}."


def _funding_detail(
    venue: Venue,
    position: Position,
    rate: Decimal,
    count: int,
    mark: Decimal,
) -> str:
    if count == 0 or rate == 0:
        return "No funding was paid or received (no funding rate or no intervals given)."
    paid = funding_payment(position, rate=rate, price=mark) * count
    hours = venue.funding_hours * count
    verb = "pays" if paid > 0 else "receives"
    where = (
        "from its isolated margin"
        if position.mode is Mode.ISOLATED and paid > 0
        else "into its isolated margin"
        if position.mode is Mode.ISOLATED
        else "from the cross wallet"
        if paid > 0
        else "into the cross wallet"
    )
    payer = "longs pay shorts" if rate > 0 else "shorts pay longs"
    return (
        f"At {_percent(rate)} per {venue.funding_hours}-hour interval ({payer}) for "
        f"{count} interval{'s' if count != 1 else ''} ({hours} hours), the position "
        f"{verb} {_amount(abs(paid))} ({show(position.quantity)} x {_amount(mark)} x "
        f"{_percent(abs(rate))} each time), {where}."
    )


def _other_rule_detail(
    account: Account,
    index: int,
    marks: Mapping[str, Number] | None,
    other: Venue,
    price: Decimal | None,
) -> str:
    twin = Account(
        account.balance,
        account.positions,
        account.brackets,
        venue=other,
        taker_fee=account.taker_fee,
    )
    theirs = liquidation_price(twin, index, marks)
    position = account.positions[index]
    head = (
        f"This price follows the rule of {account.rules.in_force}. "
        f"The rule of {other.in_force}: {other.summary}"
    )
    if theirs is None:
        return f"{head} By that rule no positive price would liquidate this position."
    if price is None or theirs == price:
        return f"{head} By that rule: {_amount(theirs)}, the same price."
    gap = abs(theirs - price)
    closer = abs(theirs - position.entry_price) < abs(price - position.entry_price)
    way = "closer to" if closer else "further from"
    return (
        f"{head} By that rule this position would be liquidated at {_amount(theirs)}, "
        f"{_amount(gap)} {way} its entry price than above."
    )


def explain_liquidation_price(
    account: Account,
    index: int,
    marks: Mapping[str, Number] | None = None,
    *,
    funding_rate: Number = ZERO,
    funding_intervals: Number = 0,
    last_price: Number | None = None,
) -> Explanation:
    """From the textbook liquidation price to the venue's, one rule per step.

    `account` is the account before funding: this applies `with_funding` with
    `funding_rate` (per interval, for position `index`'s symbol) over
    `funding_intervals` itself. `marks` as for `liquidation_price`. With
    `last_price` (the last traded price of the symbol), a last step compares it with
    the mark, on which liquidation is decided.

    The steps, in order: the margin held (cross: the cross wallet); the
    maintenance tiers by the venue's rule; fees counted in the rule (OKX's
    liquidation fee, Bybit's fee on added margin); funding; the other cross
    positions; mark versus last price (only with `last_price`). A rule that changes
    nothing is listed with change 0 and says why. Raises `EngineError` for bad
    input; checks that the changes add up (textbook + changes = venue price).
    """
    i = checked_index(account, index)
    position = account.positions[i]
    venue = account.rules
    symbol = position.symbol
    rate = checked_funding_rate(funding_rate)
    count = interval_count(funding_intervals)
    last = None if last_price is None else not_negative(last_price, "The last price")
    prices = mark_prices(account, marks, skip=symbol)
    mark = prices.get(symbol, position.entry_price)

    funded = account
    if rate and count:
        funded = with_funding(account, rates={symbol: rate}, intervals=count, marks={symbol: mark})
    final = liquidation_price(funded, i, marks)

    solo = (position,)
    flat = Table.build("the textbook table", DEFAULT_BRACKETS)
    given = account.brackets.get(symbol)
    tiers = Table.build(
        symbol, DEFAULT_BRACKETS if given is None else given, whole=venue.whole_position_tiers
    )
    table = account._tables[symbol]
    initial = position.initial_margin
    textbook = _price_with(initial, solo, flat, mark)
    steps: list[tuple[str, str, Decimal | None]] = []

    # 1. What backs the position.
    if position.mode is Mode.ISOLATED:
        base = position.isolated_margin
        if base == initial:
            detail = (
                f"The position holds its initial margin, {_amount(initial)} "
                f"({_amount(position.notional)} / {show(position.leverage)}x), as the "
                "textbook assumes."
            )
        elif base > initial:
            detail = (
                f"The position holds {_amount(base)} of margin: {_amount(base - initial)} "
                f"added to its initial margin of {_amount(initial)}, which moves the "
                "liquidation price away from the mark."
            )
        else:
            detail = (
                f"The position holds {_amount(base)} of margin, {_amount(initial - base)} "
                f"less than its initial margin of {_amount(initial)} (taken by fees or "
                "funding), which moves the liquidation price towards the mark."
            )
        steps.append(("Margin held", detail, _price_with(base, solo, flat, mark)))
    else:
        base = account.cross_wallet
        detail = (
            f"A cross position is backed by the whole cross wallet, {_amount(base)} (the "
            f"wallet balance {_amount(account.balance)} less "
            f"{_amount(account.balance - base)} set aside as isolated margin), not by its "
            f"initial margin of {_amount(initial)}. This step counts this position alone; "
            "the others come in a later step."
        )
        steps.append(("Cross wallet", detail, _price_with(base, solo, flat, mark)))

    # 2. The venue's maintenance tiers (Bybit's classic account: fixed at the entry value).
    at_entry = venue.maintenance_at_entry

    def rule_price(amount: Decimal, rule_table: Table) -> Decimal | None:
        if at_entry:
            fixed = rule_table.maintenance(position.quantity, position.entry_price)
            return _price_with(amount - fixed, solo, NO_MAINTENANCE, mark)
        return _price_with(amount, solo, rule_table, mark)

    p2 = rule_price(base, tiers)
    own = venue.table(symbol)
    if given is None:
        source = (
            f"No tier table was given for {symbol}: the flat 0.5% of the lessons, as in "
            "the textbook"
        )
    elif own is not None and tuple(given) == own.brackets:
        source = f"{venue.name}'s tiers for {symbol}, as of {own.as_of}"
    else:
        source = f"The tier table given for {symbol}"
    at = position.entry_price if at_entry else p2
    detail = _tier_detail(venue, tiers, position, at, source, mark)
    if at_entry:
        fixed = tiers.maintenance(position.quantity, position.entry_price)
        detail += (
            f" {venue.name} takes it on the value at entry and keeps it fixed: "
            f"{_amount(fixed)} whatever the mark."
        )
    # A venue whose own table has one rate for every size (dYdX) has no tiers: say so.
    single = own is not None and len(own.tiers) == 1 and tuple(given or ()) == own.brackets
    steps.append(("Maintenance rate" if single else "Maintenance tiers", detail, p2))

    # 3. Fees counted in the liquidation rule.
    taker = account.effective_taker_fee
    collateral = account._collateral[i] if position.mode is Mode.ISOLATED else base
    unguarded = rule_price(collateral, table)
    p3 = unguarded
    if position.mode is Mode.ISOLATED:
        # The venue's isolated rule, which never goes beyond the bankruptcy price.
        p3 = nearest(isolated_region(account, i, table), mark)
    guarded = p3 != unguarded
    if venue.fee_in_maintenance:
        detail = (
            f"{venue.name} counts the liquidation fee, the taker rate {_percent(taker)} of "
            "the position's value, in the maintenance margin: every tier's rate goes up by "
            f"{_percent(taker)}."
        )
    elif venue.fee_on_added_margin and position.mode is Mode.ISOLATED:
        extra = position.isolated_margin - initial
        sign = "-" if position.sign > 0 else "+"
        if extra == 0:
            detail = (
                f"{venue.name}'s formula uses the taker fee only on margin added beyond the "
                "initial margin; this position has none."
            )
        else:
            what = "added beyond" if extra > 0 else "taken below"
            detail = (
                f"{venue.name}'s formula counts the {_amount(abs(extra))} of margin {what} "
                f"the initial margin as {_amount(abs(extra))} / (1 {sign} "
                f"{_percent(taker)}) = {_amount(abs(collateral - initial))} (taker fee "
                f"{_percent(taker)})."
            )
    elif venue.fee_on_added_margin:
        detail = (
            f"{venue.name}'s fee adjustment applies to margin added to an isolated "
            "position; a cross position has none."
        )
    else:
        detail = (
            f"{venue.name} does not count the fee to close in the maintenance margin. "
            f"{venue.rule_notes}"
        )
    if guarded:
        detail += (
            " That would put the liquidation price beyond the bankruptcy price, where the "
            "margin is used up; the engine stops there."
        )
    steps.append(("Fees in the liquidation rule", detail, p3))

    # 4. Funding.
    paid = funding_payment(position, rate=rate, price=mark) * count
    # Isolated: the funded account's own price; cross: this position's share alone.
    p4 = final if position.mode is Mode.ISOLATED else rule_price(base - paid, table)
    steps.append(("Funding", _funding_detail(venue, position, rate, count, mark), p4))

    # 5. The other positions.
    if position.mode is Mode.ISOLATED:
        detail = (
            "An isolated position is backed by its own margin only: the other positions "
            "do not move its liquidation price."
        )
    else:
        snapshot = take_snapshot(funded, mark_prices(funded, marks, skip=symbol))
        others_pnl = snapshot.cross_pnl - snapshot.group_pnl.get(symbol, ZERO)
        others_mm = snapshot.cross_maintenance - snapshot.group_maintenance.get(symbol, ZERO)
        same = len(snapshot.group_members[symbol]) - 1
        other_symbols = len({p.symbol for p in funded.positions if p.mode is Mode.CROSS}) - 1
        if not same and not other_symbols:
            detail = "No other cross position: the cross wallet backs this position alone."
        else:
            parts = []
            if other_symbols:
                parts.append(
                    f"on {other_symbols} other symbol{'s' if other_symbols != 1 else ''}, "
                    f"PnL {_amount(others_pnl)} and maintenance margin {_amount(others_mm)} "
                    "at their marks"
                )
            if same:
                parts.append(
                    f"{same} more on {symbol}, which move with the same mark and share "
                    "this liquidation price"
                )
            detail = (
                f"The other cross positions share the wallet ({_amount(funded.cross_wallet)}"
                f" after funding): {'; '.join(parts)}."
            )
    steps.append(("Other positions", detail, final))

    # 6. The venue's other documented rule (Bybit: the retired classic account), for comparison.
    other = OTHER_RULES.get(venue.key)
    if other is not None:
        steps.append(
            ("Other Bybit rule", _other_rule_detail(funded, i, marks, other, final), final)
        )

    # 7. Mark versus last price.
    if last is not None:
        gap = last - mark
        where = "above" if gap > 0 else "below" if gap < 0 else "equal to"
        shown = f"{_amount(abs(gap))} {where}" if gap else "equal to"
        detail = (
            f"Liquidation is decided on the mark price, {_amount(mark)}, not the last "
            f"traded price, {_amount(last)}, which is {shown} it."
        )
        if gap and final is not None:
            detail += (
                f" If that gap held, the last price would read about {_amount(final + gap)} "
                "when the mark reaches the liquidation price."
            )
        steps.append(("Mark price versus last price", detail, final))

    # Changes, exactly; a step without a price carries the last price forward.
    result: list[Step] = []
    previous = textbook
    for label, detail, price in steps:
        change = ZERO
        if price is not None and previous is not None:
            change = _exact_difference(price, previous) or ZERO
        if price is not None:
            previous = price
        result.append(Step(label=label, detail=detail, price=price, change=change))
    explanation = Explanation(textbook=textbook, price=final, steps=tuple(result))
    if (
        textbook is not None
        and final is not None
        and all(step.price is not None for step in result)
        and _exact_sum([textbook, explanation.total_change]) != final
    ):
        raise ArithmeticError("The liquidation price breakdown does not add up.")
    return explanation
