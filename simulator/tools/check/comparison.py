"""The engine's figures for an account an exchange reported, and where they part.

For each position: the exchange's liquidation price beside ours, the difference, and the
reasons, one line each: the tier table (the exchange's maintenance margin against ours,
and our price with theirs), the margin held, fees in the rule, the other cross positions,
mark against last price, and what is left unexplained. Every figure is the engine's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from simulator.engine import (
    Account,
    Bracket,
    EngineError,
    Explanation,
    Mode,
    Position,
    base_asset,
    explain_liquidation_price,
    get_venue,
    liquidation_prices,
)
from simulator.engine.venues import DEFAULT_TABLE_NOTE, Venue
from simulator.tools.check.statement import Reported, Statement

# Within this share of the price the two figures match: the exchange rounds its price to
# its tick and computed it a moment before or after the mark it reported.
MATCH_SHARE = Decimal("0.001")


@dataclass(frozen=True, slots=True)
class Reason:
    label: str
    text: str


@dataclass(frozen=True, slots=True)
class PositionCheck:
    """One position: theirs, ours, the difference and why."""

    reported: Reported
    ours: Decimal | None
    maintenance: Decimal
    """Our maintenance margin at the reported mark."""
    explanation: Explanation
    reasons: tuple[Reason, ...]
    with_their_maintenance: Decimal | None = None
    """Our price with the exchange's maintenance margin in place of our table's."""

    @property
    def theirs(self) -> Decimal | None:
        return self.reported.liquidation_price

    @property
    def difference(self) -> Decimal | None:
        if self.ours is None or self.theirs is None:
            return None
        return self.ours - self.theirs

    @property
    def share(self) -> Decimal | None:
        """The difference as a share of the exchange's price."""
        difference = self.difference
        return None if difference is None or self.theirs is None else difference / self.theirs

    @property
    def verdict(self) -> str:
        if self.theirs is None:
            if self.ours is None:
                return "match"
            return "unreported"
        share = self.share
        if share is None:
            return "differs"
        return "match" if abs(share) <= MATCH_SHARE else "differs"


@dataclass(frozen=True, slots=True)
class AccountCheck:
    venue: Venue
    balance: Decimal
    balance_given: bool
    positions: tuple[PositionCheck, ...]
    notes: tuple[str, ...]


def account_for(statement: Statement) -> tuple[Account, dict[str, Decimal], bool]:
    """The engine's account for the statement, the marks, and whether the balance was given.

    Without a balance (all isolated), the wallet is the isolated margins: a cross wallet
    of zero changes nothing for isolated positions. Raises `EngineError`.
    """
    venue = get_venue(statement.venue)
    positions = [
        Position(
            symbol=p.symbol,
            side=p.side,
            quantity=p.quantity,
            entry_price=p.entry_price,
            leverage=p.leverage,
            mode=p.mode,
            margin=p.margin if p.mode is Mode.ISOLATED else None,
        )
        for p in statement.positions
    ]
    given = statement.balance is not None
    if statement.balance is not None:
        balance = statement.balance
    elif statement.has_cross:
        raise EngineError("Enter the wallet balance: cross positions are backed by it.")
    else:
        balance = sum((p.isolated_margin for p in positions), start=Decimal(0))
    brackets = {p.symbol: venue.brackets(p.symbol) for p in positions}
    account = Account(balance, positions, brackets, venue=venue)
    marks: dict[str, Decimal] = {}
    for reported in statement.positions:
        marks.setdefault(reported.symbol, reported.mark_price)
    return account, marks, given


def _amount(value: Decimal) -> str:
    return f"${value:,.2f}"


def _tier_reason(
    account: Account, index: int, marks: dict[str, Decimal], reported: Reported, ours: Decimal
) -> tuple[Reason, Decimal | None]:
    """Our table against the exchange's maintenance margin, and our price with theirs."""
    venue = account.rules
    symbol = reported.symbol
    table = venue.table(symbol)
    if table is None:
        source = (
            f"{venue.name}'s table for {base_asset(symbol)} is not in our tables. "
            f"{DEFAULT_TABLE_NOTE}"
        )
    else:
        source = f"Our copy of {venue.name}'s table for {base_asset(symbol)} is from {table.as_of}."
    theirs = reported.maintenance_margin
    if theirs is None or theirs <= 0:
        return Reason("Maintenance tiers", f"{source} Ours at the mark: {_amount(ours)}."), None
    text = (
        f"{source} At the mark {venue.name} holds {_amount(theirs)} of maintenance margin; "
        f"we compute {_amount(ours)}."
    )
    same_symbol = sum(1 for p in account.positions if p.symbol == symbol)
    if same_symbol > 1 or abs(theirs - ours) <= ours * MATCH_SHARE:
        return Reason("Maintenance tiers", text), None
    value = reported.quantity * reported.mark_price
    rate = theirs / value
    brackets = dict(account.brackets)
    brackets[symbol] = (Bracket(Decimal(0), rate),)
    twin = Account(
        account.balance, account.positions, brackets, venue=venue, taker_fee=account.taker_fee
    )
    price = liquidation_prices(twin, marks)[index]
    if price is not None:
        text += (
            f" With their figure ({rate:.4%} of the position's value) our price would be "
            f"{_amount(price)}"
        )
        agree = (
            reported.liquidation_price is not None
            and abs(price - reported.liquidation_price) <= reported.liquidation_price * MATCH_SHARE
        )
        text += ", theirs: the difference is the tier table." if agree else "."
    return Reason("Maintenance tiers", text), price


def _step(explanation: Explanation, label: str) -> str:
    return next((step.detail for step in explanation.steps if step.label == label), "")


def _reasons(
    account: Account,
    index: int,
    marks: dict[str, Decimal],
    reported: Reported,
    ours: Decimal | None,
) -> tuple[tuple[Reason, ...], Explanation, Decimal, Decimal | None]:
    explanation = explain_liquidation_price(account, index, marks, last_price=reported.last_price)
    maintenance = account.maintenance_margin(index, reported.mark_price)
    tier, with_theirs = _tier_reason(account, index, marks, reported, maintenance)
    reasons = [tier]
    first = explanation.steps[0]
    reasons.append(Reason(first.label, first.detail))
    reasons.append(Reason("Fees in the rule", _step(explanation, "Fees in the liquidation rule")))
    if reported.mode is Mode.CROSS:
        reasons.append(Reason("Other cross positions", _step(explanation, "Other positions")))
    other = _step(explanation, "Other Bybit rule")
    if other:
        reasons.append(Reason("Bybit's other rule", other))
    if reported.last_price is not None:
        reasons.append(
            Reason("Mark against last", _step(explanation, "Mark price versus last price"))
        )
    else:
        reasons.append(
            Reason(
                "Mark against last",
                f"Both prices are mark prices ({_amount(reported.mark_price)} now). A chart "
                "of last trades can touch a liquidation price while the mark does not, or "
                "the other way round.",
            )
        )
    theirs = reported.liquidation_price
    rest = None
    if theirs is not None and ours is not None:
        rest = (with_theirs if with_theirs is not None else ours) - theirs
    if theirs is not None and rest is not None and abs(rest) > theirs * MATCH_SHARE:
        reasons.append(
            Reason(
                "Left unexplained",
                f"{_amount(abs(rest))} after the reasons above"
                + (" (with their maintenance margin)" if with_theirs is not None else "")
                + ": rules the engine leaves out (docs/engine.md says which), a tier table "
                "that has changed, or figures taken at different moments.",
            )
        )
    return tuple(reasons), explanation, maintenance, with_theirs


def check_statement(statement: Statement) -> AccountCheck:
    """Theirs beside ours for every position of the statement. Raises `EngineError`."""
    account, marks, given = account_for(statement)
    ours = liquidation_prices(account, marks)
    checks = []
    for index, reported in enumerate(statement.positions):
        reasons, explanation, maintenance, with_theirs = _reasons(
            account, index, marks, reported, ours[index]
        )
        checks.append(
            PositionCheck(
                reported=reported,
                ours=ours[index],
                maintenance=maintenance,
                explanation=explanation,
                reasons=reasons,
                with_their_maintenance=with_theirs,
            )
        )
    return AccountCheck(
        venue=account.rules,
        balance=account.balance,
        balance_given=given,
        positions=tuple(checks),
        notes=statement.notes,
    )
