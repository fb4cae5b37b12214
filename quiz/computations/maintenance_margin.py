"""The maintenance margin: the beginner lessons' flat 0.5% (lesson 3), then Binance's
BTC tiers with their maintenance amounts and what they do to a large position's
liquidation price (intermediate lesson 8, "Maintenance tiers and risk limits").

Lesson 8's positions are isolated BTC longs opened at 60,000 with their initial margin
on Binance's rule and BTC tiers (simulator.venues); the quiz file quotes the tiers, and
the tests check those against the venue.
"""

from decimal import Decimal

from quiz.computations._computation import (
    BTC_QUANTITY,
    ENTRY_VALUE,
    INITIAL_MARGIN,
    LEVERAGE,
    NOTIONAL,
    Figures,
    Quantity,
    Result,
    computation,
    number_of,
    numbers,
)
from quiz.computations._market import (
    BINANCE,
    BTC,
    BTC_PRICE,
    HUNDRED,
    alone,
    btc_long,
    cents,
    liquidation_of,
)
from simulator.engine import (
    DEFAULT_BRACKETS,
    Bracket,
    Position,
    Side,
    bracket_for,
    explain_liquidation_price,
    maintenance_amounts,
)

TIER = Quantity("tier", "The tier (from 1)", "number")
TIER_RATE = Quantity("rate_percent", "The tier's rate, in %", "number")
FLOOR = Quantity("floor", "Where the tier starts", "money")


def _tier(brackets: tuple[Bracket, ...], value: Decimal) -> tuple[int, Bracket, Decimal]:
    """The tier (from 1) a position worth `value` is in, its bracket and its amount."""
    bracket, amount = bracket_for(brackets, value)
    return brackets.index(bracket) + 1, bracket, amount


@computation(
    "l3_maintenance_margin",
    "Lesson 3: maintenance margin of a BTC long (0.5% of the notional)",
    figures=(BTC_QUANTITY, Quantity("price", "Price", "price"), LEVERAGE),
    mistakes={
        "initial": "the initial margin (notional ÷ leverage)",
        "rate_as_fraction": "0.5% read as 0.5, half the notional",
        "notional": "the notional itself",
    },
    working=(NOTIONAL,),
)
def flat_maintenance_margin(figures: Figures) -> Result:
    quantity, price, leverage = numbers(figures, "quantity", "price", "leverage")
    account = alone(Position(BTC, Side.LONG, quantity, price, leverage))
    position = account.positions[0]
    return Result(
        answer=cents(account.maintenance_margin(0, price)),
        mistakes={
            "initial": position.initial_margin,
            "rate_as_fraction": position.notional * DEFAULT_BRACKETS[0].rate * 100,
            "notional": position.notional,
        },
        working={"notional": position.notional},
    )


@computation(
    "l8_maintenance_margin",
    "Lesson 8: the maintenance margin of a BTC position on Binance's tiers",
    figures=(ENTRY_VALUE,),
    mistakes={
        "no_amount": "the tier's rate on the whole value, without the maintenance amount",
        "above_floor_only": "the tier's rate on the part above its floor only",
        "first_tier": "the first tier's rate (0.4%) on the whole value",
    },
    working=(
        TIER,
        TIER_RATE,
        FLOOR,
        Quantity("amount", "The tier's maintenance amount", "money"),
        Quantity("charge", "The tier's rate on the whole value", "money"),
    ),
)
def tiered_maintenance_margin(figures: Figures) -> Result:
    size = number_of(figures, "size")
    account = btc_long(BINANCE, size, Decimal(10))
    brackets = BINANCE.brackets(BTC)
    tier, bracket, amount = _tier(brackets, size)
    return Result(
        answer=account.maintenance_margin(0, BTC_PRICE),
        mistakes={
            "no_amount": size * bracket.rate,
            "above_floor_only": (size - bracket.floor) * bracket.rate,
            "first_tier": size * brackets[0].rate,
        },
        working={
            "tier": Decimal(tier),
            "rate_percent": bracket.rate * HUNDRED,
            "floor": bracket.floor,
            "amount": amount,
            "charge": size * bracket.rate,
        },
    )


@computation(
    "l8_maintenance_amount",
    "Lesson 8: the maintenance amount of a tier of Binance's BTC table (tier 3 up)",
    figures=(ENTRY_VALUE,),
    mistakes={
        "last_step_only": "this tier's step alone, without the amount of the tier below",
        "floor_times_rate": "the floor times the tier's rate",
        "from_first_rate": "the floor times the rise from the first tier's rate",
    },
    working=(
        TIER,
        FLOOR,
        TIER_RATE,
        Quantity("previous_rate_percent", "The rate of the tier below, in %", "number"),
        Quantity("previous_amount", "The amount of the tier below", "money"),
        Quantity("step", "floor x (rate - rate of the tier below)", "money"),
    ),
)
def maintenance_amount(figures: Figures) -> Result:
    size = number_of(figures, "size")
    brackets = BINANCE.brackets(BTC)
    tier, bracket, amount = _tier(brackets, size)
    previous = brackets[tier - 2]  # the tier below (the question asks from tier 2 up)
    previous_amount = maintenance_amounts(brackets)[tier - 2]
    return Result(
        answer=amount,
        mistakes={
            "last_step_only": bracket.floor * (bracket.rate - previous.rate),
            "floor_times_rate": bracket.floor * bracket.rate,
            "from_first_rate": bracket.floor * (bracket.rate - brackets[0].rate),
        },
        working={
            "tier": Decimal(tier),
            "floor": bracket.floor,
            "rate_percent": bracket.rate * HUNDRED,
            "previous_rate_percent": previous.rate * HUNDRED,
            "previous_amount": previous_amount,
            "step": bracket.floor * (bracket.rate - previous.rate),
        },
    )


@computation(
    "l8_large_liquidation_price",
    "Lesson 8: the liquidation price of a large isolated BTC long on Binance's tiers",
    figures=(ENTRY_VALUE, LEVERAGE),
    mistakes={
        "first_tier": "the first tier's rate (0.4%) for the whole position",
        "no_amount": "the right tier's rate on the whole value, without its amount",
        "textbook": "the textbook's flat 0.5%",
    },
    working=(
        Quantity("tier", "The tier at the liquidation price", "number"),
        Quantity("rate_percent", "That tier's rate, in %", "number"),
        Quantity("amount", "That tier's maintenance amount", "money"),
        INITIAL_MARGIN,
        Quantity("liquidation_value", "The position's value at the answer", "money"),
        Quantity("distance", "How far below entry that is, in %", "percent"),
        Quantity("textbook", "The textbook price (flat 0.5%)", "price"),
    ),
    answer_format="price",
)
def large_liquidation_price(figures: Figures) -> Result:
    size, leverage = numbers(figures, "size", "leverage")
    account = btc_long(BINANCE, size, leverage)
    position = account.positions[0]
    brackets = BINANCE.brackets(BTC)
    answer = liquidation_of(account)
    # The tier that counts is the one the position is in at its liquidation price.
    value = position.quantity * answer
    tier, bracket, amount = _tier(brackets, value)
    textbook = explain_liquidation_price(account, 0).textbook
    assert textbook is not None

    def on_one_rate(rate: Decimal) -> Decimal:
        """The liquidation price were the whole position on `rate`, with no amount."""
        return liquidation_of(btc_long(BINANCE, size, leverage, brackets=(Bracket(0, rate),)))

    return Result(
        answer=answer,
        mistakes={
            "first_tier": on_one_rate(brackets[0].rate),
            "no_amount": on_one_rate(bracket.rate),
            "textbook": textbook,
        },
        working={
            "tier": Decimal(tier),
            "rate_percent": bracket.rate * HUNDRED,
            "amount": amount,
            "margin": position.initial_margin,
            "liquidation_value": value,
            "distance": (BTC_PRICE - answer) / BTC_PRICE * HUNDRED,
            "textbook": textbook,
        },
    )


COMPUTATIONS = (
    flat_maintenance_margin,
    tiered_maintenance_margin,
    maintenance_amount,
    large_liquidation_price,
)
