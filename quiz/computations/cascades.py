"""Liquidation cascades (advanced lesson 15): how far below its entry each leverage's
liquidation price lies, when the first wave of Black Thursday (12 March 2020) reached
it, and what auto-deleveraging takes when a liquidation fills past the bankruptcy price
and the insurance fund cannot pay it all.

Every position is an isolated BTC long on the lessons' flat 0.5% maintenance rate under
the default venue's rule, as the lessons' worked examples are. The crash's prices are
BTCMEX's account of the day, as content/paths.yaml cites it (black-thursday-2020).
"""

from decimal import Decimal

import simulator.engine as engine  # its replay() by name, not its module of that name
from quiz.computations._computation import (
    BANKRUPTCY_PRICE,
    LEVERAGE,
    LIQUIDATION_PRICE,
    Figures,
    Quantity,
    Result,
    Unusable,
    computation,
    number_of,
    numbers,
)
from quiz.computations._market import (
    BTC,
    HUNDRED,
    alone,
    bankruptcy_of,
    cents,
    liquidation_of,
    on_margin,
    sized,
)
from simulator.engine import Counterparty, EventKind, PathPoint, Side, deleverage

# Black Thursday's first wave as BTCMEX times it: 7,300 at about 10:00 UTC, the low of
# 5,690 at 11:00 UTC. The lesson and content/paths.yaml quote the same source.
WAVE_START = Decimal(7_300)
WAVE_LOW = Decimal(5_690)
WAVE_MINUTES = Decimal(60)
MARGIN = Decimal(1_000)  # any margin gives the same prices on the flat rate

ENTRY = Quantity("entry", "Entry price of BTC", "price")
SIZE = Quantity("size", "The position's value at entry, in dollars", "money")
FUND = Quantity("fund", "What the insurance fund can pay", "money")


def _long(entry: Decimal, leverage: Decimal):
    """An isolated BTC long opened at `entry`, alone with its margin."""
    return alone(on_margin(BTC, Side.LONG, entry, MARGIN, leverage))


def _below(entry: Decimal, price: Decimal) -> Decimal:
    """How far `price` is below `entry`, in percent."""
    return (entry - price) / entry * HUNDRED


@computation(
    "l15_liquidation_distance",
    "Lesson 15: how far below its entry an isolated long's liquidation price lies (percent)",
    figures=(ENTRY, LEVERAGE),
    mistakes={
        "bankruptcy": "one over the leverage: the distance to the bankruptcy price",
        "maintenance_added": "one over the leverage plus the maintenance rate",
    },
    working=(
        LIQUIDATION_PRICE,
        BANKRUPTCY_PRICE,
        Quantity("bankruptcy_distance", "How far below entry the bankruptcy price is", "percent"),
    ),
    answer_format="percent",
)
def liquidation_distance(figures: Figures) -> Result:
    entry, leverage = numbers(figures, "entry", "leverage")
    account = _long(entry, leverage)
    liquidation, bankrupt = liquidation_of(account), bankruptcy_of(account)
    rate = account.maintenance_margin(0, liquidation) / (
        account.positions[0].quantity * liquidation
    )
    return Result(
        answer=cents(_below(entry, liquidation)),  # two places, as the answer is shown
        mistakes={
            "bankruptcy": _below(entry, bankrupt),
            "maintenance_added": _below(entry, bankrupt) + rate * HUNDRED,
        },
        working={
            "liquidation_price": liquidation,
            "bankruptcy_price": bankrupt,
            "bankruptcy_distance": _below(entry, bankrupt),
        },
    )


def _minutes_to(price: Decimal) -> Decimal:
    """Minutes into the first wave at which its straight line reaches `price`."""
    return WAVE_MINUTES * (WAVE_START - price) / (WAVE_START - WAVE_LOW)


@computation(
    "l15_first_wave_minutes",
    "Lesson 15: minutes into Black Thursday's first wave (7,300 to 5,690 in an hour) at "
    "which an isolated long opened at 7,300 is liquidated",
    figures=(LEVERAGE,),
    mistakes={
        "bankruptcy": "the minute the price reaches the bankruptcy price instead",
        "from_low": "the minutes from the liquidation to the low, not from the start",
    },
    working=(
        LIQUIDATION_PRICE,
        BANKRUPTCY_PRICE,
        Quantity("to_liquidation", "How far the price falls to the liquidation price", "price"),
        Quantity("wave_fall", "How far the price falls in the whole wave", "price"),
    ),
    answer_format="number",
)
def first_wave_minutes(figures: Figures) -> Result:
    leverage = number_of(figures, "leverage")
    account = _long(WAVE_START, leverage)
    path = (
        PathPoint(Decimal(0), {BTC: WAVE_START}),
        PathPoint(WAVE_MINUTES / 60, {BTC: WAVE_LOW}),
    )
    found = [e for e in engine.replay(account, path).events if e.kind is EventKind.LIQUIDATION]
    if not found:
        raise Unusable("the long survives the first wave")
    minutes = found[0].time * 60
    liquidation, bankrupt = liquidation_of(account), bankruptcy_of(account)
    return Result(
        answer=cents(minutes),  # to two places, as a learner can type it
        mistakes={
            "bankruptcy": _minutes_to(bankrupt),
            "from_low": WAVE_MINUTES - minutes,
        },
        working={
            "liquidation_price": liquidation,
            "bankruptcy_price": bankrupt,
            "to_liquidation": WAVE_START - liquidation,
            "wave_fall": WAVE_START - WAVE_LOW,
        },
    )


@computation(
    "l15_adl_remainder",
    "Lesson 15: what auto-deleveraging takes when a long opened at 7,300 is filled at the "
    "first wave's low, 5,690, and the insurance fund pays what it can",
    figures=(SIZE, LEVERAGE, FUND),
    mistakes={
        "no_fund": "the whole shortfall, as if the fund paid nothing",
        "whole_loss": "the whole loss at the fill less the fund, the margin forgotten",
        "from_liquidation": "the loss from the liquidation price down, less the fund",
    },
    working=(
        LIQUIDATION_PRICE,
        BANKRUPTCY_PRICE,
        Quantity("quantity", "The position's size in BTC", "number"),
        Quantity("margin", "Its margin", "money"),
        Quantity("loss", "Its loss at 5,690", "money"),
        Quantity("shortfall", "The loss beyond the margin", "money"),
    ),
)
def adl_remainder(figures: Figures) -> Result:
    size, leverage, fund = numbers(figures, "size", "leverage", "fund")
    account = alone(sized(BTC, Side.LONG, size, WAVE_START, leverage))
    position = account.positions[0]
    liquidation, bankrupt = liquidation_of(account), bankruptcy_of(account)
    loss = -position.unrealized_pnl(WAVE_LOW)
    shortfall = loss - position.isolated_margin
    if shortfall <= fund:
        raise Unusable("the insurance fund pays it all: nothing is deleveraged")
    # One short of the same size, opened at 7,300, is enough to cover the rest.
    short = Counterparty(
        "A short", Side.SHORT, position.quantity, WAVE_START, WAVE_LOW, position.isolated_margin
    )
    outcome = deleverage(
        shortfall=shortfall,
        fund=fund,
        bankruptcy_price=bankrupt,
        liquidated_side=Side.LONG,
        positions=[short],
    )
    return Result(
        answer=cents(outcome.taken),
        mistakes={
            "no_fund": shortfall,
            "whole_loss": loss - fund,
            "from_liquidation": position.quantity * (liquidation - WAVE_LOW) - fund,
        },
        working={
            "liquidation_price": liquidation,
            "bankruptcy_price": bankrupt,
            "quantity": position.quantity,
            "margin": position.isolated_margin,
            "loss": loss,
            "shortfall": shortfall,
        },
    )


COMPUTATIONS = (liquidation_distance, first_wave_minutes, adl_remainder)
