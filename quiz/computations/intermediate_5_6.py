"""The quizzes of Intermediate lessons 5 and 6: the mark price (unrealized PnL, margin
ratio, and the account after a wick of the last price) and funding (one payment, the
margin after several, and the liquidation price they leave).

Every position here is a BTC long or short opened at 60,000, the lessons' price. The
engine values positions at whatever price it is given: at the mark for the answer, at
the last price for the mistake of using it.
"""

from decimal import Decimal

from quiz.computations import Computation, Figures, Quantity, Result, Unusable, number_of
from simulator.engine import (
    Account,
    Evaluation,
    Position,
    Side,
    evaluate,
    funding_payment,
    liquidation_price,
    with_funding,
)

BTC = "BTCUSDT"
ENTRY = Decimal(60_000)
# The lessons' 8-hour venues (Binance, Bybit, OKX): three payments a day.
PAYMENTS_PER_DAY = 3
HOURS_PER_DAY = 24


def _isolated(side: Side, margin: Decimal, leverage: Decimal) -> Position:
    return Position.from_notional(BTC, side, margin * leverage, ENTRY, leverage, margin=margin)


def _at(account: Account, price: Decimal) -> Evaluation:
    return evaluate(account, {BTC: price})


def _percent(fraction: Decimal) -> Decimal:
    return fraction * 100


# --------------------------------------------------------------------------- lesson 5


def _unrealized_loss_at_mark(figures: Figures) -> Result:
    quantity = number_of(figures, "quantity")
    mark = number_of(figures, "mark")
    last = number_of(figures, "last")
    if not last < mark < ENTRY:
        raise Unusable("the story needs the mark below the entry and the last price below both")
    position = Position(BTC, Side.LONG, quantity, ENTRY, 10)
    account = Account(position.initial_margin, (position,))
    at_mark = _at(account, mark).positions[0]
    at_last = _at(account, last).positions[0]
    return Result(
        answer=-at_mark.unrealized_pnl,
        mistakes={
            "last_price": -at_last.unrealized_pnl,
            "position_value": at_mark.notional,
        },
        working={
            "mark_drop": ENTRY - mark,
            "last_drop": ENTRY - last,
            "position_value": at_mark.notional,
        },
    )


def _margin_ratio_at_mark(figures: Figures) -> Result:
    margin = number_of(figures, "margin")
    leverage = number_of(figures, "leverage")
    mark = number_of(figures, "mark")
    last = number_of(figures, "last")
    if not last < mark < ENTRY:
        raise Unusable("the story needs the mark below the entry and the last price below both")
    account = Account(margin, (_isolated(Side.LONG, margin, leverage),))
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


def _equity_after_wick(figures: Figures) -> Result:
    balance = number_of(figures, "balance")
    margin = number_of(figures, "margin")
    leverage = number_of(figures, "leverage")
    mark = number_of(figures, "mark")
    last = number_of(figures, "last")
    account = Account(balance, (_isolated(Side.LONG, margin, leverage),))
    at_mark = _at(account, mark)
    at_last = _at(account, last)
    # The lesson's wick: the last price goes past the liquidation price, the mark does not.
    if at_mark.positions[0].liquidated or not at_last.positions[0].liquidated:
        raise Unusable("the last price must cross the liquidation price and the mark must not")
    liquidation = liquidation_price(account, 0, {BTC: mark})
    assert liquidation is not None  # an isolated long always has one
    return Result(
        answer=at_mark.equity,
        mistakes={
            "liquidated_on_last": at_last.equity,
            "loss_at_last": balance + at_last.positions[0].unrealized_pnl,
            "no_loss": balance,
        },
        working={
            "liquidation_price": liquidation,
            "loss": -at_mark.positions[0].unrealized_pnl,
            "free_balance": balance - margin,
        },
    )


# --------------------------------------------------------------------------- lesson 6


def _funding_payment(figures: Figures) -> Result:
    size = number_of(figures, "size")
    leverage = number_of(figures, "leverage")
    rate = number_of(figures, "rate") / 100
    mark = number_of(figures, "mark")
    position = Position.from_notional(BTC, Side.LONG, size, ENTRY, leverage)
    paid = funding_payment(position, rate=rate, price=mark)
    return Result(
        answer=paid,
        mistakes={
            "margin": position.initial_margin * rate,
            "entry_value": funding_payment(position, rate=rate, price=ENTRY),
            "not_divided": paid * 100,
            "per_day": paid * PAYMENTS_PER_DAY,
        },
        working={
            "position_value": position.quantity * mark,
            "margin": position.initial_margin,
            "rate_number": number_of(figures, "rate"),
        },
    )


def _funded(side: Side, figures: Figures, payments: int, *, scale: Decimal = Decimal(1)) -> Account:
    """The isolated position, alone in its account, after `payments` at the figures'
    rate times `scale`, the mark staying at the entry.

    The mistakes are the same sums at another rate: -1 turns paying into receiving;
    1 / leverage works each payment out on the margin instead of the position's value.
    """
    size = number_of(figures, "size")
    leverage = number_of(figures, "leverage")
    rate = number_of(figures, "rate") / 100 * scale
    account = Account(size / leverage, (_isolated(side, size / leverage, leverage),))
    return with_funding(account, rates={BTC: rate}, intervals=payments)


def _margin_after(side: Side, figures: Figures, payments: int, **kwargs: Decimal) -> Decimal:
    return _funded(side, figures, payments, **kwargs).positions[0].isolated_margin


def _liquidation_after(side: Side, figures: Figures, payments: int, **kwargs: Decimal) -> Decimal:
    price = liquidation_price(_funded(side, figures, payments, **kwargs), 0)
    assert price is not None  # an isolated long always has one
    return price


def _margin_after_funding(figures: Figures) -> Result:
    days = int(number_of(figures, "days"))
    payments = days * PAYMENTS_PER_DAY
    on_margin = 1 / number_of(figures, "leverage")
    opened = _funded(Side.SHORT, figures, 0).positions[0]
    margin = opened.isolated_margin
    after = _margin_after(Side.SHORT, figures, payments)
    one = funding_payment(opened, rate=number_of(figures, "rate") / 100, price=ENTRY)
    return Result(
        answer=after,
        mistakes={
            "wrong_sign": _margin_after(Side.SHORT, figures, payments, scale=Decimal(-1)),
            "one_per_day": _margin_after(Side.SHORT, figures, days),
            "hourly": _margin_after(Side.SHORT, figures, days * HOURS_PER_DAY),
            "on_margin": _margin_after(Side.SHORT, figures, payments, scale=on_margin),
        },
        working={
            "margin": margin,
            "payment": -one,  # negative: the short receives it
            "payments": Decimal(payments),
            "received": after - margin,
        },
    )


def _liquidation_after_funding(figures: Figures) -> Result:
    days = int(number_of(figures, "days"))
    payments = days * PAYMENTS_PER_DAY
    on_margin = 1 / number_of(figures, "leverage")
    margin = _margin_after(Side.LONG, figures, 0)
    margin_after = _margin_after(Side.LONG, figures, payments)
    before = _liquidation_after(Side.LONG, figures, 0)
    return Result(
        answer=_liquidation_after(Side.LONG, figures, payments),
        mistakes={
            "before_funding": before,
            "one_per_day": _liquidation_after(Side.LONG, figures, days),
            "on_margin": _liquidation_after(Side.LONG, figures, payments, scale=on_margin),
            "wrong_sign": _liquidation_after(Side.LONG, figures, payments, scale=Decimal(-1)),
        },
        working={
            "margin": margin,
            "payments": Decimal(payments),
            "paid": margin - margin_after,
            "margin_after": margin_after,
            "liquidation_before": before,
        },
    )


COMPUTATIONS = (
    Computation(
        key="l5_unrealized_loss_at_mark",
        label="Lesson 5: a BTC long's unrealized loss at the mark while the last price is lower",
        figures=(
            Quantity("quantity", "The long's size in BTC (opened at 60,000)", "number"),
            Quantity("mark", "The mark price", "price"),
            Quantity("last", "The last traded price (below the mark)", "price"),
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
        compute=_unrealized_loss_at_mark,
    ),
    Computation(
        key="l5_margin_ratio_at_mark",
        label="Lesson 5: an isolated BTC long's margin ratio at the mark (percent)",
        figures=(
            Quantity("margin", "The long's isolated margin", "money"),
            Quantity("leverage", "Leverage (opened at 60,000)", "leverage"),
            Quantity("mark", "The mark price", "price"),
            Quantity("last", "The last traded price (below the mark)", "price"),
        ),
        mistakes={
            "last_price": "the margin ratio at the last price instead of the mark",
            "inverted": "margin balance over maintenance margin: the ratio upside down",
            "no_loss": "maintenance margin over the margin, leaving out the unrealized loss",
        },
        working=(
            Quantity("notional", "The position's value at the mark", "money"),
            Quantity("loss", "The unrealized loss at the mark", "money"),
            Quantity("margin_balance", "The margin balance at the mark", "money"),
            Quantity("maintenance_margin", "The maintenance margin at the mark", "money"),
        ),
        compute=_margin_ratio_at_mark,
        answer_format="percent",
    ),
    Computation(
        key="l5_equity_after_wick",
        label="Lesson 5: the account after the last price wicks past an isolated long's "
        "liquidation price while the mark does not",
        figures=(
            Quantity("balance", "Account balance", "money"),
            Quantity("margin", "The long's isolated margin", "money"),
            Quantity("leverage", "Leverage (opened at 60,000)", "leverage"),
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
            Quantity("loss", "The unrealized loss at the mark", "money"),
            Quantity("free_balance", "The balance outside the long's margin", "money"),
        ),
        compute=_equity_after_wick,
    ),
    Computation(
        key="l6_funding_payment",
        label="Lesson 6: one funding payment of a BTC long at a positive rate",
        figures=(
            Quantity("size", "The long's value at entry (60,000)", "money"),
            Quantity("leverage", "Leverage", "leverage"),
            Quantity("rate", "The funding rate, in percent (written before a % sign)", "number"),
            Quantity("mark", "The mark price at the funding time", "price"),
        ),
        mistakes={
            "margin": "the rate applied to the margin instead of the position's value",
            "entry_value": "the rate applied to the value at entry, not at the mark",
            "not_divided": "the rate used as a number, not a percentage (100 times too much)",
            "per_day": "a day's three payments instead of one",
        },
        working=(
            Quantity("position_value", "The position's value at the mark", "money"),
            Quantity("margin", "The position's margin", "money"),
            Quantity("rate_number", "The rate as a plain number", "number"),
        ),
        compute=_funding_payment,
    ),
    Computation(
        key="l6_margin_after_funding",
        label="Lesson 6: an isolated BTC short's margin after days of a positive rate, "
        "every 8 hours",
        figures=(
            Quantity("size", "The short's value (mark stays at its entry, 60,000)", "money"),
            Quantity("leverage", "Leverage", "leverage"),
            Quantity("rate", "The funding rate per 8 hours, in percent", "number"),
            Quantity("days", "How many days", "number"),
        ),
        mistakes={
            "wrong_sign": "the short paying instead of receiving",
            "one_per_day": "one payment a day instead of three",
            "hourly": "24 payments a day, as on an hourly venue",
            "on_margin": "each payment worked out on the margin, not the position's value",
        },
        working=(
            Quantity("margin", "The margin at the start", "money"),
            Quantity("payment", "One payment received", "money"),
            Quantity("payments", "How many payments", "number"),
            Quantity("received", "All the payments received", "money"),
        ),
        compute=_margin_after_funding,
    ),
    Computation(
        key="l6_liquidation_after_funding",
        label="Lesson 6: an isolated BTC long's liquidation price after days of a positive "
        "rate, every 8 hours",
        figures=(
            Quantity("size", "The long's value (mark stays at its entry, 60,000)", "money"),
            Quantity("leverage", "Leverage", "leverage"),
            Quantity("rate", "The funding rate per 8 hours, in percent", "number"),
            Quantity("days", "How many days", "number"),
        ),
        mistakes={
            "before_funding": "the liquidation price before any funding",
            "one_per_day": "one payment a day instead of three",
            "on_margin": "each payment worked out on the margin, not the position's value",
            "wrong_sign": "the long receiving instead of paying",
        },
        working=(
            Quantity("margin", "The margin at the start", "money"),
            Quantity("payments", "How many payments", "number"),
            Quantity("paid", "All the payments made", "money"),
            Quantity("margin_after", "The margin after them", "money"),
            Quantity("liquidation_before", "The liquidation price before funding", "price"),
        ),
        compute=_liquidation_after_funding,
        answer_format="price",
    ),
)
