"""Liquidation: an isolated long's liquidation price (beginner lesson 3), and how a
liquidation really happens (intermediate lesson 9): the bankruptcy price, what the
insurance fund receives, and the shortfall and the trader's loss after a price gap.

Every position is an isolated BTC long on the lessons' flat 0.5% maintenance rate under
the default venue's rule, as the lessons' worked examples are.
"""

from decimal import Decimal

from quiz.computations._computation import (
    BALANCE,
    BANKRUPTCY_PRICE,
    BTC_FALL,
    BTC_QUANTITY,
    LEVERAGE,
    LIQUIDATION_PRICE,
    MARGIN,
    NOTIONAL,
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
    BTC_PRICE,
    alone,
    bankruptcy_of,
    cents,
    fallen,
    liquidation_of,
    sized,
)
from simulator.engine import (
    Account,
    Position,
    Side,
    bankruptcy_price,
    evaluate,
    liquidation_price,
)

SIZE = Quantity("size", "Position size in dollars", "money")
QUANTITY = Quantity("quantity", "The position's size in BTC", "number")
ITS_MARGIN = Quantity("margin", "Its margin", "money")
GAP_PRICE = Quantity("gap_price", "The price the position is closed at", "price")
GAP_LOSS = Quantity("loss", "The position's loss at the gap price", "money")


def _isolated_long(figures: Figures, entry: Decimal = BTC_PRICE) -> tuple[Account, Position]:
    """A BTC long alone in its isolated margin (the wallet holds just that margin)."""
    size, leverage = numbers(figures, "size", "leverage")
    account = alone(sized(BTC, Side.LONG, size, entry, leverage))
    return account, account.positions[0]


def _both_prices(account: Account, unusable: str) -> tuple[Decimal, Decimal]:
    """The long's liquidation and bankruptcy prices; a long at 1x has neither."""
    liquidation = liquidation_price(account, 0)
    bankrupt = bankruptcy_price(account, 0)
    if liquidation is None or bankrupt is None:
        raise Unusable(unusable)
    return liquidation, bankrupt


@computation(
    "l3_liquidation_price",
    "Lesson 3: liquidation price of an isolated BTC long (0.5% maintenance)",
    figures=(BTC_QUANTITY, Quantity("entry", "Entry price", "price"), LEVERAGE),
    mistakes={
        "ignored_maintenance": "the price at which the whole margin is gone "
        "(the maintenance margin left out)",
        "distance": "how far the price falls, not the price it falls to",
        "margin_from_price": "the margin taken off the entry price, not off the notional",
    },
    working=(
        NOTIONAL,
        MARGIN,
        Quantity("bankruptcy_price", "The price at which the margin is all gone", "price"),
        Quantity("fall", "How far below entry the liquidation price is", "percent"),
    ),
    answer_format="price",
)
def lesson_liquidation_price(figures: Figures) -> Result:
    quantity, entry, leverage = numbers(figures, "quantity", "entry", "leverage")
    account = alone(Position(BTC, Side.LONG, quantity, entry, leverage))
    position = account.positions[0]
    price = liquidation_of(account)
    bankrupt = bankruptcy_of(account)
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


@computation(
    "l9_bankruptcy_price",
    "Lesson 9: bankruptcy price of an isolated BTC long",
    figures=(Quantity("entry", "Entry price of BTC", "price"), SIZE, LEVERAGE),
    mistakes={
        "liquidation_price": "the liquidation price instead of the bankruptcy price",
        "margin_as_price": "the entry less the margin in dollars, not per bitcoin",
        "short_side": "the margin per bitcoin added, as for a short",
    },
    working=(
        QUANTITY,
        ITS_MARGIN,
        Quantity("per_coin", "Its margin per bitcoin", "money"),
        Quantity("liquidation_price", "Its liquidation price", "price"),
    ),
    answer_format="price",
)
def lesson_bankruptcy_price(figures: Figures) -> Result:
    entry = number_of(figures, "entry")
    account, position = _isolated_long(figures, entry)
    liquidation, bankrupt = _both_prices(account, "a long at 1x never goes bankrupt")
    per_coin = position.isolated_margin / position.quantity
    return Result(
        answer=cents(bankrupt),
        mistakes={
            "liquidation_price": liquidation,
            "margin_as_price": entry - position.isolated_margin,
            "short_side": entry + per_coin,
        },
        working={
            "quantity": position.quantity,
            "margin": position.isolated_margin,
            "per_coin": per_coin,
            "liquidation_price": liquidation,
        },
    )


@computation(
    "l9_insurance_fund",
    "Lesson 9: what the insurance fund receives when a long is closed at its liquidation price",
    figures=(SIZE, LEVERAGE),
    mistakes={
        "whole_margin": "the whole margin",
        "price_difference": "the liquidation price less the bankruptcy price, per bitcoin",
        "maintenance_at_entry": "the maintenance margin at the entry price",
        "nothing_left": "nothing, as if the margin were used up at liquidation",
    },
    working=(
        LIQUIDATION_PRICE,
        BANKRUPTCY_PRICE,
        QUANTITY,
        ITS_MARGIN,
        Quantity("maintenance_at_liquidation", "Its maintenance margin at liquidation", "money"),
    ),
)
def insurance_fund(figures: Figures) -> Result:
    account, position = _isolated_long(figures)
    liquidation, bankrupt = _both_prices(account, "a long at 1x has no liquidation price")
    # Closed at the liquidation price, the margin holds margin + PnL there; the
    # position is settled at the bankruptcy price, so all of it goes to the fund.
    left = position.isolated_margin + position.unrealized_pnl(liquidation)
    return Result(
        answer=cents(left),
        mistakes={
            "whole_margin": position.isolated_margin,
            "price_difference": liquidation - bankrupt,
            "maintenance_at_entry": account.maintenance_margin(0, position.entry_price),
            "nothing_left": Decimal(0),
        },
        working={
            "liquidation_price": liquidation,
            "bankruptcy_price": bankrupt,
            "quantity": position.quantity,
            "margin": position.isolated_margin,
            "maintenance_at_liquidation": account.maintenance_margin(0, liquidation),
        },
    )


def _gap(figures: Figures) -> tuple[Account, Position, Decimal, Decimal]:
    """The long, the price it gaps to (below its bankruptcy price) and that bankruptcy price."""
    account, position = _isolated_long(figures)
    gap = fallen(BTC_PRICE, number_of(figures, "fall"))
    bankrupt = bankruptcy_price(account, 0)
    if bankrupt is None or gap >= bankrupt:
        raise Unusable("the price does not gap through the bankruptcy price")
    return account, position, gap, bankrupt


@computation(
    "l9_gap_shortfall",
    "Lesson 9: the loss beyond the margin after a gap through the bankruptcy price",
    figures=(SIZE, LEVERAGE, BTC_FALL),
    mistakes={
        "whole_loss": "the whole loss at the gap price",
        "margin": "the margin, which is the trader's loss",
        "from_liquidation": "the loss from the liquidation price down, not the bankruptcy price",
    },
    working=(GAP_PRICE, BANKRUPTCY_PRICE, LIQUIDATION_PRICE, GAP_LOSS, ITS_MARGIN),
)
def gap_shortfall(figures: Figures) -> Result:
    account, position, gap, bankrupt = _gap(figures)
    loss = -position.unrealized_pnl(gap)
    liquidation = liquidation_of(account)
    return Result(
        answer=cents(loss - position.isolated_margin),
        mistakes={
            "whole_loss": loss,
            "margin": position.isolated_margin,
            "from_liquidation": position.quantity * (liquidation - gap),
        },
        working={
            "gap_price": gap,
            "bankruptcy_price": bankrupt,
            "liquidation_price": liquidation,
            "loss": loss,
            "margin": position.isolated_margin,
        },
    )


@computation(
    "l9_gap_trader_loss",
    "Lesson 9: what an isolated trader loses when the price gaps through bankruptcy",
    figures=(BALANCE, SIZE, LEVERAGE, BTC_FALL),
    mistakes={
        "owes_gap": "the whole loss at the gap price, as if the trader owed the gap",
        "shortfall": "the shortfall the insurance fund covers",
        "whole_balance": "the whole balance, as in a cross liquidation",
    },
    working=(
        GAP_PRICE,
        BANKRUPTCY_PRICE,
        GAP_LOSS,
        Quantity("shortfall", "The shortfall beyond the margin", "money"),
        Quantity("kept", "What the account is worth afterwards", "money"),
    ),
)
def gap_trader_loss(figures: Figures) -> Result:
    balance = number_of(figures, "balance")
    _, position, gap, bankrupt = _gap(figures)
    outcome = evaluate(alone(position, balance), {BTC: gap})
    loss = -position.unrealized_pnl(gap)
    return Result(
        answer=cents(outcome.total_lost),
        mistakes={
            "owes_gap": loss,
            "shortfall": loss - position.isolated_margin,
            "whole_balance": balance,
        },
        working={
            "gap_price": gap,
            "bankruptcy_price": bankrupt,
            "loss": loss,
            "shortfall": loss - position.isolated_margin,
            "kept": outcome.equity,
        },
    )


COMPUTATIONS = (
    lesson_liquidation_price,
    lesson_bankruptcy_price,
    insurance_fund,
    gap_shortfall,
    gap_trader_loss,
)
