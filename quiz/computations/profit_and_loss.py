"""Profit and loss: what a price move does to a position and to its margin (beginner
lessons 1 to 3: a short's profit, the share of the margin a leveraged long loses, the
margin balance after a fall). Every position is BTC on the default venue's flat table.
"""

from decimal import Decimal

from quiz.computations._computation import (
    BTC_QUANTITY,
    LEVERAGE,
    LEVERAGE_NUMBER,
    MARGIN,
    Figures,
    Quantity,
    Result,
    Unusable,
    computation,
    numbers,
)
from quiz.computations._market import BTC, BTC_PRICE, alone, fallen
from simulator.engine import Position, PositionState, Side, evaluate

# Lesson 2's and lesson 3's running example: 0.1 BTC at 60,000.
LESSON_QUANTITY = Decimal("0.1")
LOSS = Quantity("loss", "The loss in dollars", "money")


def _lesson_long_at(leverage: Decimal, price: Decimal) -> tuple[Decimal, PositionState]:
    """The running example's isolated long at `leverage`: its margin and its state at `price`."""
    account = alone(Position(BTC, Side.LONG, LESSON_QUANTITY, BTC_PRICE, leverage))
    state = evaluate(account, {BTC: price}).positions[0]
    if state.liquidated:
        raise Unusable("the fall liquidates the position")
    return account.positions[0].initial_margin, state


@computation(
    "l1_short_profit",
    "Lesson 1: profit of a BTC short after the price falls",
    figures=(
        BTC_QUANTITY,
        Quantity("entry", "Entry price", "price"),
        Quantity("exit", "The price it falls to", "price"),
    ),
    mistakes={
        "as_long": "the result of a long instead (a loss)",
        "price_move": "the price move alone, not times the quantity",
        "exit_value": "the quantity times the new price (what the position is worth)",
    },
    working=(Quantity("price_move", "The fall in dollars", "price"),),
)
def short_profit(figures: Figures) -> Result:
    quantity, entry, exit_price = numbers(figures, "quantity", "entry", "exit")
    if exit_price >= entry:
        raise Unusable("the price does not fall, so the short makes no profit")
    # Lesson 1 has no leverage yet; it changes nothing in the profit or loss.
    short = Position(BTC, Side.SHORT, quantity, entry, 1)
    long = Position(BTC, Side.LONG, quantity, entry, 1)
    return Result(
        answer=short.unrealized_pnl(exit_price),
        mistakes={
            "as_long": long.unrealized_pnl(exit_price),
            "price_move": entry - exit_price,
            "exit_value": quantity * exit_price,
        },
        working={"price_move": entry - exit_price},
    )


@computation(
    "l2_margin_loss_percent",
    "Lesson 2: share of the margin a 0.1 BTC long at 60,000 loses in a fall",
    figures=(LEVERAGE, Quantity("move", "BTC's fall, in percent", "percent")),
    mistakes={
        "move_only": "the price move itself, without the leverage",
        "divided": "the move divided by the leverage",
    },
    working=(MARGIN, Quantity("price", "The price after the fall", "price"), LOSS, LEVERAGE_NUMBER),
    answer_format="percent",
)
def margin_loss_percent(figures: Figures) -> Result:
    leverage, move = numbers(figures, "leverage", "move")
    price = fallen(BTC_PRICE, move)
    margin, state = _lesson_long_at(leverage, price)
    loss = -state.unrealized_pnl
    return Result(
        answer=loss / margin * 100,
        mistakes={"move_only": move, "divided": move / leverage},
        working={"margin": margin, "price": price, "loss": loss, "leverage_number": leverage},
    )


@computation(
    "l3_margin_balance",
    "Lesson 3: margin balance of a 0.1 BTC long from 60,000 after a fall",
    figures=(LEVERAGE, Quantity("price", "The price it falls to", "price")),
    mistakes={
        "margin_only": "the margin, leaving out the loss",
        "loss_added": "the loss added to the margin instead of taken off",
        "loss_only": "the loss alone",
    },
    working=(MARGIN, Quantity("pnl", "The unrealized PnL", "money"), LOSS),
)
def margin_balance(figures: Figures) -> Result:
    leverage, price = numbers(figures, "leverage", "price")
    if price >= BTC_PRICE:
        raise Unusable("the price does not fall")
    margin, state = _lesson_long_at(leverage, price)
    pnl = state.unrealized_pnl
    return Result(
        answer=state.margin_balance,
        mistakes={"margin_only": margin, "loss_added": margin - pnl, "loss_only": -pnl},
        working={"margin": margin, "pnl": pnl, "loss": -pnl},
    )


COMPUTATIONS = (short_profit, margin_loss_percent, margin_balance)
