"""Partial liquidation and backstops (advanced lesson 13): the size of Hyperliquid's
liquidation orders (20% above 100,000 USDC, the whole within its 30 s cooldown), what
OKX's forced partial liquidation closes (down to tier 1's largest size, on its ETH
tiers), and where Hyperliquid's backstop liquidation starts (two thirds of the
maintenance margin). Every size and price is the engine's (simulator.engine's
deleveraging and liquidation); the quiz file quotes OKX's tiers, and the tests check
them against the venue.
"""

from decimal import Decimal

from quiz.computations._computation import (
    BANKRUPTCY_PRICE,
    ENTRY_VALUE,
    INITIAL_MARGIN,
    LEVERAGE,
    LIQUIDATION_PRICE,
    Figures,
    Quantity,
    Result,
    computation,
    numbers,
)
from quiz.computations._market import (
    BTC,
    BTC_PRICE,
    ETH,
    bankruptcy_of,
    btc_long,
    liquidation_of,
    venue,
)
from simulator.engine import Bracket, hyperliquid_liquidation_steps, hyperliquid_step, okx_step

HYPERLIQUID = venue("hyperliquid")
OKX = venue("okx")
# An OKX ETH contract is 0.1 ETH: a tier's largest size is one contract below the next floor.
OKX_ETH_CONTRACT = Decimal("0.1")
# Hyperliquid: a backstop liquidation once the account is below 2/3 of its maintenance margin.
BACKSTOP_SHARE = Decimal(2) / 3

QUANTITY = Quantity("quantity", "The position, in BTC", "number")
MARK = Quantity("price", "The mark price where it is liquidatable", "price")
VALUE = Quantity("value", "The position's value at that mark", "money")


def okx_eth_tier_maxima() -> tuple[Decimal, ...]:
    """Each tier's largest size in ETH, from OKX's ETH table (the last tier has none)."""
    tiers = OKX.table(ETH).tiers
    return tuple(tier.floor - OKX_ETH_CONTRACT for tier in tiers[1:])


def _okx_tier(size: Decimal) -> int:
    """The tier (from 1) a size in ETH is in."""
    return next(n for n, top in enumerate(okx_eth_tier_maxima(), 1) if size <= top)


@computation(
    "l13_hyperliquid_first_order",
    "Lesson 13: how much of a BTC long Hyperliquid's first liquidation order closes",
    figures=(QUANTITY, MARK),
    mistakes={
        "whole": "the whole position, though it is worth more than 100,000 USDC",
        "twenty_percent": "20%, though the position is worth 100,000 USDC or less",
        "remaining": "what the order leaves (80%) instead of what it closes",
    },
    working=(VALUE,),
    answer_format="number",
)
def hyperliquid_first_order(figures: Figures) -> Result:
    quantity, price = numbers(figures, "quantity", "price")
    closed, _ = hyperliquid_step(quantity, price)
    mistakes = {"whole": quantity} if closed < quantity else {"twenty_percent": quantity / 5}
    mistakes["remaining"] = quantity * 4 / 5
    return Result(answer=closed, mistakes=mistakes, working={"value": quantity * price})


@computation(
    "l13_hyperliquid_next_order",
    "Lesson 13: Hyperliquid's second liquidation order, some seconds after a 20% step",
    figures=(QUANTITY, MARK, Quantity("seconds", "Seconds after the first order", "number")),
    mistakes={
        "no_cooldown": "20% of what is left, though the 30 s cooldown is still running",
        "still_cooling": "the whole rest, though the 30 s cooldown is over",
        "of_original": "20% of the original position instead of what is left",
    },
    working=(
        Quantity("rest", "What the first order left, in BTC", "number"),
        Quantity("first", "What the first order closed, in BTC", "number"),
        VALUE,
    ),
    answer_format="number",
)
def hyperliquid_next_order(figures: Figures) -> Result:
    quantity, price, seconds = numbers(figures, "quantity", "price", "seconds")
    first, second = hyperliquid_liquidation_steps(
        quantity=quantity, checks=[(0, price), (seconds, price)]
    )[:2]
    rest = first.remaining
    if second.closed == rest:  # inside the cooldown
        mistakes = {"no_cooldown": rest / 5, "of_original": quantity / 5}
    else:
        mistakes = {"still_cooling": rest, "of_original": quantity / 5}
    return Result(
        answer=second.closed,
        mistakes=mistakes,
        working={"rest": rest, "first": first.closed, "value": rest * price},
    )


@computation(
    "l13_okx_closed",
    "Lesson 13: what OKX's partial liquidation closes of an ETH position in tier 3 or above",
    figures=(Quantity("size", "The position, in ETH", "number"),),
    mistakes={
        "left": "what is left (tier 1's largest size) instead of what is closed",
        "one_tier_down": "down to the largest size of the tier below only",
        "whole": "the whole position",
    },
    working=(
        Quantity("tier", "The tier the position is in", "number"),
        Quantity("tier_one", "Tier 1's largest size, in ETH", "number"),
        Quantity("below", "The largest size of the tier below, in ETH", "number"),
    ),
    answer_format="number",
)
def okx_closed(figures: Figures) -> Result:
    (size,) = numbers(figures, "size")
    maxima = okx_eth_tier_maxima()
    closed, _ = okx_step(size, maxima)
    tier = _okx_tier(size)
    below = maxima[tier - 2]
    return Result(
        answer=closed,
        mistakes={"left": maxima[0], "one_tier_down": size - below, "whole": size},
        working={"tier": Decimal(tier), "tier_one": maxima[0], "below": below},
    )


@computation(
    "l13_backstop_price",
    "Lesson 13: where an isolated BTC long on Hyperliquid reaches two thirds of its "
    "maintenance margin (a backstop liquidation)",
    figures=(ENTRY_VALUE, LEVERAGE),
    mistakes={
        "liquidation": "the liquidation price (the whole maintenance margin)",
        "bankruptcy": "the bankruptcy price (no margin left)",
        "one_third": "one third of the maintenance margin instead of two thirds",
    },
    working=(
        INITIAL_MARGIN,
        Quantity("rate_percent", "Hyperliquid's BTC maintenance rate, in %", "number"),
        LIQUIDATION_PRICE,
        BANKRUPTCY_PRICE,
        Quantity("left", "The margin balance at the answer", "money"),
    ),
    answer_format="price",
)
def backstop_price(figures: Figures) -> Result:
    size, leverage = numbers(figures, "size", "leverage")
    account = btc_long(HYPERLIQUID, size, leverage)
    position = account.positions[0]
    bracket = HYPERLIQUID.brackets(BTC)[0]  # the question's sizes stay in the first tier

    def where(share: Decimal) -> Decimal:
        """The price at which the margin balance is `share` of the maintenance margin."""
        scaled = (Bracket(0, bracket.rate * share),)
        return liquidation_of(btc_long(HYPERLIQUID, size, leverage, brackets=scaled))

    answer = where(BACKSTOP_SHARE)
    return Result(
        answer=answer,
        mistakes={
            "liquidation": liquidation_of(account),
            "bankruptcy": bankruptcy_of(account),
            "one_third": where(1 - BACKSTOP_SHARE),
        },
        working={
            "margin": position.initial_margin,
            "rate_percent": bracket.rate * 100,
            "liquidation_price": liquidation_of(account),
            "bankruptcy_price": bankruptcy_of(account),
            "left": position.initial_margin + position.quantity * (answer - BTC_PRICE),
        },
    )


COMPUTATIONS = (hyperliquid_first_order, hyperliquid_next_order, okx_closed, backstop_price)
