"""Isolated and cross margin (beginner lesson 4): what a liquidated long loses in
either mode, and the account after an isolated liquidation that cross would have
survived. BTC and ETH longs at the lesson's prices, on the default flat table.
"""

from decimal import Decimal

from quiz.computations._computation import (
    BALANCE,
    LEVERAGE,
    Figures,
    Quantity,
    Result,
    Unusable,
    computation,
    numbers,
)
from quiz.computations._market import (
    BTC,
    BTC_PRICE,
    ETH,
    ETH_PRICE,
    fallen,
    liquidation_of,
    on_margin,
)
from simulator.engine import Account, Mode, Side, evaluate, with_mode

# A crash deep enough to liquidate any long the questions can draw.
CRASH = Decimal("0.01")
OTHER_MODE = {Mode.ISOLATED: Mode.CROSS, Mode.CROSS: Mode.ISOLATED}


@computation(
    "max_loss",
    "Most an ETH long can lose when liquidated, in either mode",
    figures=(
        BALANCE,
        Quantity("margin", "The position's margin", "money"),
        LEVERAGE,
        Quantity("mode", "Margin mode: isolated or cross", "mode"),
    ),
    mistakes={
        "cross_loss": "isolated only: the loss had the position been in cross mode",
        "kept": "isolated only: the balance kept, not the loss",
        "isolated_loss": "cross only: the loss had the position been in isolated mode",
        "size": "the position size",
    },
    working=(Quantity("size", "The position size", "money"),),
)
def max_loss(figures: Figures) -> Result:
    balance, margin, leverage = numbers(figures, "balance", "margin", "leverage")
    mode = Mode(figures["mode"])
    account = Account(balance, (on_margin(ETH, Side.LONG, ETH_PRICE, margin, leverage, mode),))
    crash = {ETH: ETH_PRICE * CRASH}
    outcome = evaluate(account, crash)
    if not outcome.positions[0].liquidated:
        # A cross long backed by more than its size never liquidates: no question.
        raise Unusable("the crash does not liquidate the position")
    other = evaluate(with_mode(account, OTHER_MODE[mode]), crash)
    size = margin * leverage
    if mode is Mode.ISOLATED:
        mistakes = {"cross_loss": other.total_lost, "kept": balance - margin}
    else:
        mistakes = {"isolated_loss": other.total_lost}
    return Result(
        answer=outcome.total_lost,
        mistakes={**mistakes, "size": size},
        working={"size": size},
    )


@computation(
    "account_after_isolated_liquidation",
    "Account after isolated long A (BTC) is liquidated and B (ETH) is not",
    figures=(
        BALANCE,
        Quantity("margin_a", "Margin of position A (BTC long)", "money"),
        Quantity("leverage_a", "Leverage of A", "leverage"),
        Quantity("margin_b", "Margin of position B (ETH long)", "money"),
        Quantity("leverage_b", "Leverage of B", "leverage"),
        Quantity("move", "BTC's fall, in percent", "percent"),
    ),
    mistakes={
        "ignored_maintenance": "A counted as open although the fall, smaller than "
        "its whole margin, reached its liquidation price",
        "cross_equity": "A counted as open, as in cross mode, after a fall that "
        "used up its whole margin",
        "free_balance_only": "the free balance only, leaving out B's margin",
        "nothing_lost": "the balance, as if nothing was lost",
        "lost_size": "the balance less A's whole position size",
    },
    working=(
        Quantity("liquidation_price", "A's liquidation price", "price"),
        Quantity("liquidation_distance", "How far below entry that is", "percent"),
        Quantity("free_balance", "The free balance", "money"),
        Quantity("size_a", "A's position size", "money"),
        Quantity("loss_a", "A's loss at the new price, were it still open", "money"),
    ),
)
def account_after_isolated_liquidation(figures: Figures) -> Result:
    balance, margin_a, leverage_a, margin_b, leverage_b, move = numbers(
        figures, "balance", "margin_a", "leverage_a", "margin_b", "leverage_b", "move"
    )
    account = Account(
        balance,
        (
            on_margin(BTC, Side.LONG, BTC_PRICE, margin_a, leverage_a),
            on_margin(ETH, Side.LONG, ETH_PRICE, margin_b, leverage_b),
        ),
    )
    marks = {BTC: fallen(BTC_PRICE, move), ETH: ETH_PRICE}
    isolated = evaluate(account, marks)
    cross = evaluate(with_mode(account, Mode.CROSS), marks)
    a, b = isolated.positions
    # The story: A is liquidated, B is not, and the same trades in cross survive.
    if not a.liquidated or b.liquidated or cross.cross_liquidated:
        raise Unusable("the move does not tell isolated from cross")
    liquidation = liquidation_of(account)
    size_a = margin_a * leverage_a
    # Treating A as still open gives the cross figure; what that mistake misses
    # depends on whether the fall used up A's whole margin or only reached the
    # maintenance margin, so each case is its own mistake with its own feedback.
    survived = "ignored_maintenance" if move < 100 / leverage_a else "cross_equity"
    return Result(
        answer=isolated.equity,
        mistakes={
            survived: cross.equity,
            "free_balance_only": isolated.free_balance,
            "nothing_lost": balance,
            "lost_size": balance - size_a,
        },
        working={
            "liquidation_price": liquidation,
            "liquidation_distance": (BTC_PRICE - liquidation) / BTC_PRICE * 100,
            "free_balance": isolated.free_balance,
            "size_a": size_a,
            "loss_a": size_a * move / 100,
        },
    )


COMPUTATIONS = (max_loss, account_after_isolated_liquidation)
