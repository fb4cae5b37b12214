"""The mark price (intermediate lesson 5): a long's unrealized loss and margin ratio at
the mark while the last price is lower, and the account after a wick of the last price.

Every position is a BTC long opened at 60,000. The engine values positions at whatever
price it is given: at the mark for the answer, at the last price for the mistake of
using it.
"""

from decimal import Decimal

from quiz.computations._computation import (
    BALANCE,
    Figures,
    Quantity,
    Result,
    Unusable,
    computation,
    numbers,
)
from quiz.computations._market import BTC, BTC_PRICE, alone, liquidation_of, on_margin
from simulator.engine import Account, Evaluation, Position, Side, evaluate

MARK = Quantity("mark", "The mark price", "price")
LAST = Quantity("last", "The last traded price (below the mark)", "price")
ISOLATED_MARGIN = Quantity("margin", "The long's isolated margin", "money")
LEVERAGE_AT_ENTRY = Quantity("leverage", "Leverage (opened at 60,000)", "leverage")
LOSS_AT_MARK = Quantity("loss", "The unrealized loss at the mark", "money")


def _at(account: Account, price: Decimal) -> Evaluation:
    return evaluate(account, {BTC: price})


def _below_entry(mark: Decimal, last: Decimal) -> None:
    if not last < mark < BTC_PRICE:
        raise Unusable("the story needs the mark below the entry and the last price below both")


def _percent(fraction: Decimal) -> Decimal:
    return fraction * 100


@computation(
    "l5_unrealized_loss_at_mark",
    "Lesson 5: a BTC long's unrealized loss at the mark while the last price is lower",
    figures=(
        Quantity("quantity", "The long's size in BTC (opened at 60,000)", "number"),
        MARK,
        LAST,
    ),
    mistakes={
        "last_price": "the loss measured at the last price instead of the mark",
        "position_value": "the position's value at the mark, not its loss",
    },
    working=(
        Quantity("mark_drop", "How far the mark is below the entry", "price"),
        Quantity("last_drop", "How far the last price is below the entry", "price"),
        Quantity("position_value", "The position's value at the mark", "money"),
    ),
)
def unrealized_loss_at_mark(figures: Figures) -> Result:
    quantity, mark, last = numbers(figures, "quantity", "mark", "last")
    _below_entry(mark, last)
    account = alone(Position(BTC, Side.LONG, quantity, BTC_PRICE, 10))
    at_mark = _at(account, mark).positions[0]
    at_last = _at(account, last).positions[0]
    return Result(
        answer=-at_mark.unrealized_pnl,
        mistakes={
            "last_price": -at_last.unrealized_pnl,
            "position_value": at_mark.notional,
        },
        working={
            "mark_drop": BTC_PRICE - mark,
            "last_drop": BTC_PRICE - last,
            "position_value": at_mark.notional,
        },
    )


@computation(
    "l5_margin_ratio_at_mark",
    "Lesson 5: an isolated BTC long's margin ratio at the mark (percent)",
    figures=(ISOLATED_MARGIN, LEVERAGE_AT_ENTRY, MARK, LAST),
    mistakes={
        "last_price": "the margin ratio at the last price instead of the mark",
        "inverted": "margin balance over maintenance margin: the ratio upside down",
        "no_loss": "maintenance margin over the margin, leaving out the unrealized loss",
    },
    working=(
        Quantity("notional", "The position's value at the mark", "money"),
        LOSS_AT_MARK,
        Quantity("margin_balance", "The margin balance at the mark", "money"),
        Quantity("maintenance_margin", "The maintenance margin at the mark", "money"),
    ),
    answer_format="percent",
)
def margin_ratio_at_mark(figures: Figures) -> Result:
    margin, leverage, mark, last = numbers(figures, "margin", "leverage", "mark", "last")
    _below_entry(mark, last)
    account = alone(on_margin(BTC, Side.LONG, BTC_PRICE, margin, leverage))
    state = _at(account, mark).positions[0]
    if state.liquidated or state.margin_ratio is None:
        raise Unusable("the mark alone already liquidates the position")
    at_last = _at(account, last).positions[0]
    mistakes = {
        "inverted": _percent(state.margin_balance / state.maintenance_margin),
        "no_loss": _percent(state.maintenance_margin / margin),
    }
    if at_last.margin_ratio is not None and not at_last.liquidated:
        mistakes["last_price"] = _percent(at_last.margin_ratio)
    return Result(
        answer=_percent(state.margin_ratio),
        mistakes=mistakes,
        working={
            "notional": state.notional,
            "loss": -state.unrealized_pnl,
            "margin_balance": state.margin_balance,
            "maintenance_margin": state.maintenance_margin,
        },
    )


@computation(
    "l5_equity_after_wick",
    "Lesson 5: the account after the last price wicks past an isolated long's "
    "liquidation price while the mark does not",
    figures=(
        BALANCE,
        ISOLATED_MARGIN,
        LEVERAGE_AT_ENTRY,
        Quantity("mark", "The mark price at the wick", "price"),
        Quantity("last", "The lowest last traded price of the wick", "price"),
    ),
    mistakes={
        "liquidated_on_last": "the account as if the last price had liquidated the long",
        "loss_at_last": "the balance less the loss at the last price, the long still open",
        "no_loss": "the balance, leaving out the unrealized loss at the mark",
    },
    working=(
        Quantity("liquidation_price", "The long's liquidation price", "price"),
        LOSS_AT_MARK,
        Quantity("free_balance", "The balance outside the long's margin", "money"),
    ),
)
def equity_after_wick(figures: Figures) -> Result:
    balance, margin, leverage, mark, last = numbers(
        figures, "balance", "margin", "leverage", "mark", "last"
    )
    account = alone(on_margin(BTC, Side.LONG, BTC_PRICE, margin, leverage), balance)
    at_mark = _at(account, mark)
    at_last = _at(account, last)
    # The lesson's wick: the last price goes past the liquidation price, the mark does not.
    if at_mark.positions[0].liquidated or not at_last.positions[0].liquidated:
        raise Unusable("the last price must cross the liquidation price and the mark must not")
    return Result(
        answer=at_mark.equity,
        mistakes={
            "liquidated_on_last": at_last.equity,
            "loss_at_last": balance + at_last.positions[0].unrealized_pnl,
            "no_loss": balance,
        },
        working={
            "liquidation_price": liquidation_of(account, {BTC: mark}),
            "loss": -at_mark.positions[0].unrealized_pnl,
            "free_balance": balance - margin,
        },
    )


COMPUTATIONS = (unrealized_loss_at_mark, margin_ratio_at_mark, equity_after_wick)
