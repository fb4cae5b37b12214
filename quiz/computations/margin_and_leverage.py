"""Margin and leverage: the margin a position needs (notional ÷ leverage) and the
position a margin buys (beginner lessons 2 and 4). Every position is a BTC long on the
default venue's flat 0.5% table.
"""

from quiz.computations._computation import (
    BTC_QUANTITY,
    LEVERAGE,
    LEVERAGE_NUMBER,
    NOTIONAL,
    Figures,
    Quantity,
    Result,
    computation,
    numbers,
)
from quiz.computations._market import BTC, BTC_PRICE, alone, cents, sized
from simulator.engine import Position, Side


@computation(
    "l2_margin_for_quantity",
    "Lesson 2: margin a BTC position needs (notional ÷ leverage)",
    figures=(BTC_QUANTITY, Quantity("price", "Entry price", "price"), LEVERAGE),
    mistakes={
        "notional": "the notional itself",
        "multiplied": "the notional multiplied by the leverage",
    },
    working=(NOTIONAL, LEVERAGE_NUMBER),
)
def margin_for_quantity(figures: Figures) -> Result:
    quantity, price, leverage = numbers(figures, "quantity", "price", "leverage")
    position = Position(BTC, Side.LONG, quantity, price, leverage)
    return Result(
        answer=cents(position.initial_margin),
        mistakes={
            "notional": position.notional,
            "multiplied": position.notional * leverage,
        },
        working={"notional": position.notional, "leverage_number": leverage},
    )


@computation(
    "l2_position_size",
    "Lesson 2: the position size a margin buys at a leverage",
    figures=(Quantity("margin", "Margin in dollars", "money"), LEVERAGE),
    mistakes={
        "divided": "the margin divided by the leverage",
        "margin_only": "the margin itself",
    },
    working=(LEVERAGE_NUMBER,),
)
def position_size(figures: Figures) -> Result:
    margin, leverage = numbers(figures, "margin", "leverage")
    # Lesson 2's definition: leverage is how many times larger the position is than
    # its margin (the inverse of the engine's margin_for, which the tests check).
    return Result(
        answer=margin * leverage,
        mistakes={"divided": margin / leverage, "margin_only": margin},
        working={"leverage_number": leverage},
    )


@computation(
    "initial_margin",
    "Margin a BTC position needs (size ÷ leverage)",
    figures=(Quantity("size", "Position size in dollars", "money"), LEVERAGE),
    mistakes={
        "size": "the position size itself",
        "multiplied": "the size multiplied by the leverage",
        "maintenance": "the maintenance margin (0.5% of the size)",
    },
    working=(LEVERAGE_NUMBER,),
)
def initial_margin(figures: Figures) -> Result:
    size, leverage = numbers(figures, "size", "leverage")
    account = alone(sized(BTC, Side.LONG, size, BTC_PRICE, leverage))
    return Result(
        answer=cents(account.positions[0].initial_margin),
        mistakes={
            "size": size,
            "multiplied": size * leverage,
            "maintenance": account.maintenance_margin(0, BTC_PRICE),
        },
        working={"leverage_number": leverage},
    )


COMPUTATIONS = (margin_for_quantity, position_size, initial_margin)
