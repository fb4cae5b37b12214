"""The quizzes of beginner lessons 1 to 3: profit and loss, funding, margin and
leverage, maintenance margin, the margin balance and an isolated long's liquidation
price. Keys are prefixed with the lesson's number (l1_, l2_, l3_).

Every question is about BTC on the default venue with the lessons' flat 0.5%
maintenance rate, as the lessons teach it.
"""

from decimal import ROUND_HALF_UP, Decimal

from quiz.computations import Computation, Figures, Quantity, Result, Unusable, number_of
from simulator.engine import (
    DEFAULT_BRACKETS,
    Account,
    Position,
    Side,
    bankruptcy_price,
    evaluate,
    funding_payment,
    liquidation_price,
    with_funding,
)

CENT = Decimal("0.01")
BTC = "BTCUSDT"
# Lesson 2's and lesson 3's running example: 0.1 BTC at 60,000.
LESSON_QUANTITY = Decimal("0.1")
LESSON_PRICE = Decimal(60_000)
HOURS_PER_DAY = 24


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _isolated_long(quantity: Decimal, price: Decimal, leverage: Decimal) -> Account:
    """One isolated long holding its initial margin, in an account holding just that."""
    position = Position(BTC, Side.LONG, quantity, price, leverage)
    return Account(position.initial_margin, (position,))


# --------------------------------------------------------------------------- lesson 1


def _short_profit(figures: Figures) -> Result:
    quantity = number_of(figures, "quantity")
    entry = number_of(figures, "entry")
    exit_price = number_of(figures, "exit")
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


def _funding_total(figures: Figures) -> Result:
    size = number_of(figures, "size")
    rate = number_of(figures, "rate") / 100  # the figure is in percent: 0.01 is 0.01%
    days = number_of(figures, "days")
    position = Position.from_notional(BTC, Side.LONG, size, LESSON_PRICE, 1)
    account = Account(size, (position,))
    intervals = days * HOURS_PER_DAY / account.rules.funding_hours
    paid = account.balance - with_funding(account, rates={BTC: rate}, intervals=intervals).balance
    each = funding_payment(position, rate=rate, price=LESSON_PRICE)
    return Result(
        answer=_cents(paid),
        mistakes={
            "one_interval": _cents(each),
            "per_day": _cents(each * days),
            "percent_ignored": _cents(paid * 100),
        },
        working={"payment": _cents(each), "intervals": intervals},
    )


# --------------------------------------------------------------------------- lesson 2


def _margin_for_quantity(figures: Figures) -> Result:
    quantity = number_of(figures, "quantity")
    price = number_of(figures, "price")
    leverage = number_of(figures, "leverage")
    position = Position(BTC, Side.LONG, quantity, price, leverage)
    return Result(
        answer=_cents(position.initial_margin),
        mistakes={
            "notional": position.notional,
            "multiplied": position.notional * leverage,
        },
        working={"notional": position.notional, "leverage_number": leverage},
    )


def _position_size(figures: Figures) -> Result:
    margin = number_of(figures, "margin")
    leverage = number_of(figures, "leverage")
    # Lesson 2's definition: leverage is how many times larger the position is than
    # its margin (the inverse of the engine's margin_for, which the tests check).
    size = margin * leverage
    return Result(
        answer=size,
        mistakes={"divided": margin / leverage, "margin_only": margin},
        working={"leverage_number": leverage},
    )


def _margin_loss_percent(figures: Figures) -> Result:
    leverage = number_of(figures, "leverage")
    move = number_of(figures, "move")
    account = _isolated_long(LESSON_QUANTITY, LESSON_PRICE, leverage)
    margin = account.positions[0].initial_margin
    price = LESSON_PRICE * (1 - move / 100)
    state = evaluate(account, {BTC: price}).positions[0]
    if state.liquidated:
        raise Unusable("the fall liquidates the position")
    loss = -state.unrealized_pnl
    return Result(
        answer=loss / margin * 100,
        mistakes={"move_only": move, "divided": move / leverage},
        working={
            "margin": margin,
            "price": price,
            "loss": loss,
            "leverage_number": leverage,
        },
    )


# --------------------------------------------------------------------------- lesson 3


def _maintenance_margin(figures: Figures) -> Result:
    quantity = number_of(figures, "quantity")
    price = number_of(figures, "price")
    leverage = number_of(figures, "leverage")
    account = _isolated_long(quantity, price, leverage)
    position = account.positions[0]
    maintenance = account.maintenance_margin(0, price)
    return Result(
        answer=_cents(maintenance),
        mistakes={
            "initial": position.initial_margin,
            "rate_as_fraction": position.notional * DEFAULT_BRACKETS[0].rate * 100,
            "notional": position.notional,
        },
        working={"notional": position.notional},
    )


def _liquidation_price(figures: Figures) -> Result:
    quantity = number_of(figures, "quantity")
    entry = number_of(figures, "entry")
    leverage = number_of(figures, "leverage")
    account = _isolated_long(quantity, entry, leverage)
    position = account.positions[0]
    price = liquidation_price(account, 0)
    bankrupt = bankruptcy_price(account, 0)
    assert price is not None and bankrupt is not None  # an isolated long always has both
    return Result(
        answer=price,
        mistakes={
            "ignored_maintenance": bankrupt,
            "distance": entry - price,
            "margin_from_price": entry - position.initial_margin,
        },
        working={
            "notional": position.notional,
            "margin": position.initial_margin,
            "bankruptcy_price": bankrupt,
            "fall": (entry - price) / entry * 100,
        },
    )


def _margin_balance(figures: Figures) -> Result:
    leverage = number_of(figures, "leverage")
    price = number_of(figures, "price")
    if price >= LESSON_PRICE:
        raise Unusable("the price does not fall")
    account = _isolated_long(LESSON_QUANTITY, LESSON_PRICE, leverage)
    margin = account.positions[0].initial_margin
    state = evaluate(account, {BTC: price}).positions[0]
    if state.liquidated:
        raise Unusable("the fall liquidates the position")
    pnl = state.unrealized_pnl
    return Result(
        answer=state.margin_balance,
        mistakes={"margin_only": margin, "loss_added": margin - pnl, "loss_only": -pnl},
        working={"margin": margin, "pnl": pnl, "loss": -pnl},
    )


COMPUTATIONS = (
    Computation(
        key="l1_short_profit",
        label="Lesson 1: profit of a BTC short after the price falls",
        figures=(
            Quantity("quantity", "Position in BTC", "number"),
            Quantity("entry", "Entry price", "price"),
            Quantity("exit", "The price it falls to", "price"),
        ),
        mistakes={
            "as_long": "the result of a long instead (a loss)",
            "price_move": "the price move alone, not times the quantity",
            "exit_value": "the quantity times the new price (what the position is worth)",
        },
        working=(Quantity("price_move", "The fall in dollars", "price"),),
        compute=_short_profit,
    ),
    Computation(
        key="l1_funding_total",
        label="Lesson 1: funding a long pays over some days, every 8 hours",
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
        compute=_funding_total,
    ),
    Computation(
        key="l2_margin_for_quantity",
        label="Lesson 2: margin a BTC position needs (notional ÷ leverage)",
        figures=(
            Quantity("quantity", "Position in BTC", "number"),
            Quantity("price", "Entry price", "price"),
            Quantity("leverage", "Leverage", "leverage"),
        ),
        mistakes={
            "notional": "the notional itself",
            "multiplied": "the notional multiplied by the leverage",
        },
        working=(
            Quantity("notional", "The notional", "money"),
            Quantity("leverage_number", "The leverage as a plain number", "number"),
        ),
        compute=_margin_for_quantity,
    ),
    Computation(
        key="l2_position_size",
        label="Lesson 2: the position size a margin buys at a leverage",
        figures=(
            Quantity("margin", "Margin in dollars", "money"),
            Quantity("leverage", "Leverage", "leverage"),
        ),
        mistakes={
            "divided": "the margin divided by the leverage",
            "margin_only": "the margin itself",
        },
        working=(Quantity("leverage_number", "The leverage as a plain number", "number"),),
        compute=_position_size,
    ),
    Computation(
        key="l2_margin_loss_percent",
        label="Lesson 2: share of the margin a 0.1 BTC long at 60,000 loses in a fall",
        figures=(
            Quantity("leverage", "Leverage", "leverage"),
            Quantity("move", "BTC's fall, in percent", "percent"),
        ),
        mistakes={
            "move_only": "the price move itself, without the leverage",
            "divided": "the move divided by the leverage",
        },
        working=(
            Quantity("margin", "The margin", "money"),
            Quantity("price", "The price after the fall", "price"),
            Quantity("loss", "The loss in dollars", "money"),
            Quantity("leverage_number", "The leverage as a plain number", "number"),
        ),
        compute=_margin_loss_percent,
        answer_format="percent",
    ),
    Computation(
        key="l3_maintenance_margin",
        label="Lesson 3: maintenance margin of a BTC long (0.5% of the notional)",
        figures=(
            Quantity("quantity", "Position in BTC", "number"),
            Quantity("price", "Price", "price"),
            Quantity("leverage", "Leverage", "leverage"),
        ),
        mistakes={
            "initial": "the initial margin (notional ÷ leverage)",
            "rate_as_fraction": "0.5% read as 0.5, half the notional",
            "notional": "the notional itself",
        },
        working=(Quantity("notional", "The notional", "money"),),
        compute=_maintenance_margin,
    ),
    Computation(
        key="l3_liquidation_price",
        label="Lesson 3: liquidation price of an isolated BTC long (0.5% maintenance)",
        figures=(
            Quantity("quantity", "Position in BTC", "number"),
            Quantity("entry", "Entry price", "price"),
            Quantity("leverage", "Leverage", "leverage"),
        ),
        mistakes={
            "ignored_maintenance": "the price at which the whole margin is gone "
            "(the maintenance margin left out)",
            "distance": "how far the price falls, not the price it falls to",
            "margin_from_price": "the margin taken off the entry price, not off the notional",
        },
        working=(
            Quantity("notional", "The notional", "money"),
            Quantity("margin", "The margin", "money"),
            Quantity("bankruptcy_price", "The price at which the margin is all gone", "price"),
            Quantity("fall", "How far below entry the liquidation price is", "percent"),
        ),
        compute=_liquidation_price,
        answer_format="price",
    ),
    Computation(
        key="l3_margin_balance",
        label="Lesson 3: margin balance of a 0.1 BTC long from 60,000 after a fall",
        figures=(
            Quantity("leverage", "Leverage", "leverage"),
            Quantity("price", "The price it falls to", "price"),
        ),
        mistakes={
            "margin_only": "the margin, leaving out the loss",
            "loss_added": "the loss added to the margin instead of taken off",
            "loss_only": "the loss alone",
        },
        working=(
            Quantity("margin", "The margin", "money"),
            Quantity("pnl", "The unrealized PnL", "money"),
            Quantity("loss", "The loss in dollars", "money"),
        ),
        compute=_margin_balance,
    ),
)
