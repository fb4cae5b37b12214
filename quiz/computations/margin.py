"""Lesson 4's quiz, "Isolated vs Cross Margin": margin, what each mode can lose, and
the account after an isolated liquidation."""

from decimal import ROUND_HALF_UP, Decimal

from quiz.computations import Computation, Figures, Quantity, Result, Unusable, number_of
from simulator.engine import (
    Account,
    Mode,
    Position,
    Side,
    evaluate,
    liquidation_price,
    with_mode,
)

CENT = Decimal("0.01")
# The lesson's setup: the prices every example uses.
BTC = "BTCUSDT"
ETH = "ETHUSDT"
BTC_PRICE = Decimal(60_000)
ETH_PRICE = Decimal(3_000)
# A crash deep enough to liquidate any long the questions can draw.
CRASH = Decimal("0.01")


def _long(symbol: str, price: Decimal, margin: Decimal, leverage: Decimal, mode=Mode.ISOLATED):
    return Position.from_notional(
        symbol, Side.LONG, margin * leverage, price, leverage, mode=mode, margin=margin
    )


def _initial_margin(figures: Figures) -> Result:
    size = number_of(figures, "size")
    leverage = number_of(figures, "leverage")
    position = Position.from_notional(BTC, Side.LONG, size, BTC_PRICE, leverage)
    account = Account(balance=position.initial_margin, positions=(position,))
    return Result(
        answer=position.initial_margin.quantize(CENT, rounding=ROUND_HALF_UP),
        mistakes={
            "size": size,
            "multiplied": size * leverage,
            "maintenance": account.maintenance_margin(0, BTC_PRICE),
        },
        working={"leverage_number": leverage},
    )


def _max_loss(figures: Figures) -> Result:
    balance = number_of(figures, "balance")
    margin = number_of(figures, "margin")
    leverage = number_of(figures, "leverage")
    mode = Mode(figures["mode"])
    account = Account(balance, (_long(ETH, ETH_PRICE, margin, leverage, mode),))
    crash = {ETH: ETH_PRICE * CRASH}
    outcome = evaluate(account, crash)
    if not outcome.positions[0].liquidated:
        # A cross long backed by more than its size never liquidates: no question.
        raise Unusable("the crash does not liquidate the position")
    other_mode = Mode.CROSS if mode is Mode.ISOLATED else Mode.ISOLATED
    other = evaluate(with_mode(account, other_mode), crash)
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


def _account_after_isolated_liquidation(figures: Figures) -> Result:
    balance = number_of(figures, "balance")
    margin_a = number_of(figures, "margin_a")
    leverage_a = number_of(figures, "leverage_a")
    margin_b = number_of(figures, "margin_b")
    move = number_of(figures, "move")
    account = Account(
        balance,
        (
            _long(BTC, BTC_PRICE, margin_a, leverage_a),
            _long(ETH, ETH_PRICE, margin_b, number_of(figures, "leverage_b")),
        ),
    )
    marks = {BTC: BTC_PRICE * (1 - move / 100), ETH: ETH_PRICE}
    isolated = evaluate(account, marks)
    cross = evaluate(with_mode(account, Mode.CROSS), marks)
    a, b = isolated.positions
    # The story: A is liquidated, B is not, and the same trades in cross survive.
    if not a.liquidated or b.liquidated or cross.cross_liquidated:
        raise Unusable("the move does not tell isolated from cross")
    liquidation = liquidation_price(account, 0)
    assert liquidation is not None  # an isolated long always has one
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


COMPUTATIONS = (
    Computation(
        key="initial_margin",
        label="Margin a BTC position needs (size ÷ leverage)",
        figures=(
            Quantity("size", "Position size in dollars", "money"),
            Quantity("leverage", "Leverage", "leverage"),
        ),
        mistakes={
            "size": "the position size itself",
            "multiplied": "the size multiplied by the leverage",
            "maintenance": "the maintenance margin (0.5% of the size)",
        },
        working=(Quantity("leverage_number", "The leverage as a plain number", "number"),),
        compute=_initial_margin,
    ),
    Computation(
        key="max_loss",
        label="Most an ETH long can lose when liquidated, in either mode",
        figures=(
            Quantity("balance", "Account balance", "money"),
            Quantity("margin", "The position's margin", "money"),
            Quantity("leverage", "Leverage", "leverage"),
            Quantity("mode", "Margin mode: isolated or cross", "mode"),
        ),
        mistakes={
            "cross_loss": "isolated only: the loss had the position been in cross mode",
            "kept": "isolated only: the balance kept, not the loss",
            "isolated_loss": "cross only: the loss had the position been in isolated mode",
            "size": "the position size",
        },
        working=(Quantity("size", "The position size", "money"),),
        compute=_max_loss,
    ),
    Computation(
        key="account_after_isolated_liquidation",
        label="Account after isolated long A (BTC) is liquidated and B (ETH) is not",
        figures=(
            Quantity("balance", "Account balance", "money"),
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
        compute=_account_after_isolated_liquidation,
    ),
)
