"""Funding (beginner lesson 1, intermediate lesson 6): what a long pays over days, one
payment at the mark, and an isolated position's margin and liquidation price after days
of payments.

Every position is BTC opened at 60,000 on an 8-hour venue (Binance, Bybit, OKX: three
payments a day), the mark staying at the entry unless a figure moves it.
"""

from dataclasses import dataclass
from decimal import Decimal

from quiz.computations._computation import (
    LEVERAGE,
    Figures,
    Quantity,
    Result,
    computation,
    number_of,
    numbers,
)
from quiz.computations._market import (
    BTC,
    BTC_PRICE,
    HOURS_PER_DAY,
    alone,
    cents,
    liquidation_of,
    on_margin,
    sized,
)
from simulator.engine import Account, Side, funding_payment, with_funding

PAYMENTS_PER_DAY = 3


@dataclass(frozen=True, slots=True)
class _Reckoning:
    """How days of funding are worked out. A mistake is the same sum reckoned with one
    thing changed: the payments a day, the sign (receiving instead of paying), or each
    payment worked out on the margin (the rate over the leverage)."""

    per_day: int = PAYMENTS_PER_DAY
    sign: int = 1
    on_margin: bool = False


RIGHT = _Reckoning()
SLIPS = {
    "before_funding": _Reckoning(per_day=0),
    "wrong_sign": _Reckoning(sign=-1),
    "one_per_day": _Reckoning(per_day=1),
    "hourly": _Reckoning(per_day=HOURS_PER_DAY),
    "on_margin": _Reckoning(on_margin=True),
}

# The figures of the questions on days of funding.
FUNDED = (
    LEVERAGE,
    Quantity("rate", "The funding rate per 8 hours, in percent", "number"),
    Quantity("days", "How many days", "number"),
)
START_MARGIN = Quantity("margin", "The margin at the start", "money")
PAYMENTS = Quantity("payments", "How many payments", "number")


@computation(
    "l1_funding_total",
    "Lesson 1: funding a long pays over some days, every 8 hours",
    figures=(
        Quantity("size", "Position value in dollars", "money"),
        Quantity("rate", "Funding rate per interval, in percent (0.01 is 0.01%)", "number"),
        Quantity("days", "How many days the position is held", "number"),
    ),
    mistakes={
        "one_interval": "a single payment",
        "per_day": "one payment a day instead of one every 8 hours",
        "percent_ignored": "the rate read as a plain number, not a percentage",
    },
    working=(
        Quantity("payment", "One payment", "money"),
        Quantity("intervals", "How many payments", "number"),
    ),
)
def funding_total(figures: Figures) -> Result:
    size, rate, days = numbers(figures, "size", "rate", "days")
    rate = rate / 100  # the figure is in percent: 0.01 is 0.01%
    position = sized(BTC, Side.LONG, size, BTC_PRICE, 1)
    account = alone(position, size)
    intervals = days * HOURS_PER_DAY / account.rules.funding_hours
    paid = account.balance - with_funding(account, rates={BTC: rate}, intervals=intervals).balance
    each = funding_payment(position, rate=rate, price=BTC_PRICE)
    return Result(
        answer=cents(paid),
        mistakes={
            "one_interval": cents(each),
            "per_day": cents(each * days),
            "percent_ignored": cents(paid * 100),
        },
        working={"payment": cents(each), "intervals": intervals},
    )


@computation(
    "l6_funding_payment",
    "Lesson 6: one funding payment of a BTC long at a positive rate",
    figures=(
        Quantity("size", "The long's value at entry (60,000)", "money"),
        LEVERAGE,
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
)
def funding_payment_at_mark(figures: Figures) -> Result:
    size, leverage, rate_number, mark = numbers(figures, "size", "leverage", "rate", "mark")
    rate = rate_number / 100
    position = sized(BTC, Side.LONG, size, BTC_PRICE, leverage)
    paid = funding_payment(position, rate=rate, price=mark)
    return Result(
        answer=paid,
        mistakes={
            "margin": position.initial_margin * rate,
            "entry_value": funding_payment(position, rate=rate, price=BTC_PRICE),
            "not_divided": paid * 100,
            "per_day": paid * PAYMENTS_PER_DAY,
        },
        working={
            "position_value": position.quantity * mark,
            "margin": position.initial_margin,
            "rate_number": rate_number,
        },
    )


def _funded(side: Side, figures: Figures, reckoning: _Reckoning = RIGHT) -> Account:
    """The isolated position worth `size`, alone in its account, after `days` of funding
    at `rate`, the mark staying at the entry."""
    size, leverage, rate = numbers(figures, "size", "leverage", "rate")
    scale = 1 / leverage if reckoning.on_margin else Decimal(reckoning.sign)
    account = alone(on_margin(BTC, side, BTC_PRICE, size / leverage, leverage))
    payments = int(number_of(figures, "days")) * reckoning.per_day
    return with_funding(account, rates={BTC: rate / 100 * scale}, intervals=payments)


def _margin_after(side: Side, figures: Figures, reckoning: _Reckoning = RIGHT) -> Decimal:
    return _funded(side, figures, reckoning).positions[0].isolated_margin


def _payments(figures: Figures) -> Decimal:
    return Decimal(int(number_of(figures, "days")) * PAYMENTS_PER_DAY)


@computation(
    "l6_margin_after_funding",
    "Lesson 6: an isolated BTC short's margin after days of a positive rate, every 8 hours",
    figures=(
        Quantity("size", "The short's value (mark stays at its entry, 60,000)", "money"),
        *FUNDED,
    ),
    mistakes={
        "wrong_sign": "the short paying instead of receiving",
        "one_per_day": "one payment a day instead of three",
        "hourly": "24 payments a day, as on an hourly venue",
        "on_margin": "each payment worked out on the margin, not the position's value",
    },
    working=(
        START_MARGIN,
        Quantity("payment", "One payment received", "money"),
        PAYMENTS,
        Quantity("received", "All the payments received", "money"),
    ),
)
def margin_after_funding(figures: Figures) -> Result:
    opened = _funded(Side.SHORT, figures, SLIPS["before_funding"]).positions[0]
    margin = opened.isolated_margin
    after = _margin_after(Side.SHORT, figures)
    one = funding_payment(opened, rate=number_of(figures, "rate") / 100, price=BTC_PRICE)
    slips = ("wrong_sign", "one_per_day", "hourly", "on_margin")
    return Result(
        answer=after,
        mistakes={key: _margin_after(Side.SHORT, figures, SLIPS[key]) for key in slips},
        working={
            "margin": margin,
            "payment": -one,  # negative: the short receives it
            "payments": _payments(figures),
            "received": after - margin,
        },
    )


@computation(
    "l6_liquidation_after_funding",
    "Lesson 6: an isolated BTC long's liquidation price after days of a positive "
    "rate, every 8 hours",
    figures=(
        Quantity("size", "The long's value (mark stays at its entry, 60,000)", "money"),
        *FUNDED,
    ),
    mistakes={
        "before_funding": "the liquidation price before any funding",
        "one_per_day": "one payment a day instead of three",
        "on_margin": "each payment worked out on the margin, not the position's value",
        "wrong_sign": "the long receiving instead of paying",
    },
    working=(
        START_MARGIN,
        PAYMENTS,
        Quantity("paid", "All the payments made", "money"),
        Quantity("margin_after", "The margin after them", "money"),
        Quantity("liquidation_before", "The liquidation price before funding", "price"),
    ),
    answer_format="price",
)
def liquidation_after_funding(figures: Figures) -> Result:
    margin = _margin_after(Side.LONG, figures, SLIPS["before_funding"])
    margin_after = _margin_after(Side.LONG, figures)
    slips = ("before_funding", "one_per_day", "on_margin", "wrong_sign")
    mistakes = {key: liquidation_of(_funded(Side.LONG, figures, SLIPS[key])) for key in slips}
    return Result(
        answer=liquidation_of(_funded(Side.LONG, figures)),
        mistakes=mistakes,
        working={
            "margin": margin,
            "payments": _payments(figures),
            "paid": margin - margin_after,
            "margin_after": margin_after,
            "liquidation_before": mistakes["before_funding"],
        },
    )


COMPUTATIONS = (
    funding_total,
    funding_payment_at_mark,
    margin_after_funding,
    liquidation_after_funding,
)
