"""Hedging (intermediate lesson 10, "Hedging in cross margin"): a hedged cross
account's equity after a move, what the losing leg of an isolated hedge loses, and an
imperfect hedge's cross liquidation price.

Every leg is on the lessons' flat 0.5% maintenance rate under the default venue's rule,
BTC at 60,000 and ETH at 3,000, as the lesson's worked examples are.
"""

from decimal import Decimal

from quiz.computations._computation import (
    BALANCE,
    BTC_FALL,
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
    ETH,
    ETH_PRICE,
    HUNDRED,
    cents,
    fallen,
    risen,
    sized,
)
from simulator.engine import (
    Account,
    Mode,
    Side,
    bankruptcy_price,
    evaluate,
    liquidation_price,
    with_mode,
)

LEG_SIZE = Quantity("size", "Size of each leg in dollars", "money")
LEG_LEVERAGE = Quantity("leverage", "Leverage of each leg", "leverage")
ETH_PRICE_AFTER = Quantity("eth_price", "ETH's new price", "price")


def _btc_eth_hedge(figures: Figures) -> Account:
    """Cross long BTC and short ETH of the same size and leverage, at the lessons' prices."""
    balance, size, leverage = numbers(figures, "balance", "size", "leverage")
    return Account(
        balance,
        (
            sized(BTC, Side.LONG, size, BTC_PRICE, leverage, Mode.CROSS),
            sized(ETH, Side.SHORT, size, ETH_PRICE, leverage, Mode.CROSS),
        ),
    )


@computation(
    "l10_hedged_equity",
    "Lesson 10: equity of a cross account, long BTC and short ETH, after a move",
    figures=(
        BALANCE,
        LEG_SIZE,
        LEG_LEVERAGE,
        Quantity("btc_fall", "BTC's fall, in percent", "percent"),
        Quantity("eth_move", "ETH's move, in percent (negative: a fall)", "percent"),
    ),
    mistakes={
        "long_only": "the balance plus the BTC long's PnL only",
        "short_as_long": "the ETH short's PnL with the sign of a long",
        "pnl_only": "the two legs' PnL without the balance",
        "isolated_equity": "the equity had the legs been isolated (when one is liquidated)",
    },
    working=(
        Quantity("btc_pnl", "The BTC long's PnL", "money"),
        Quantity("eth_pnl", "The ETH short's PnL", "money"),
        Quantity("btc_price", "BTC's new price", "price"),
        ETH_PRICE_AFTER,
    ),
)
def hedged_equity(figures: Figures) -> Result:
    account = _btc_eth_hedge(figures)
    btc_fall, eth_move = numbers(figures, "btc_fall", "eth_move")
    marks = {BTC: fallen(BTC_PRICE, btc_fall), ETH: risen(ETH_PRICE, eth_move)}
    cross = evaluate(account, marks)
    if cross.cross_liquidated:
        raise Unusable("the move liquidates the cross account")
    btc, eth = cross.positions
    mistakes = {
        "long_only": account.balance + btc.unrealized_pnl,
        "short_as_long": account.balance + btc.unrealized_pnl - eth.unrealized_pnl,
        "pnl_only": cross.total_unrealized_pnl,
    }
    isolated = evaluate(with_mode(account, Mode.ISOLATED), marks)
    if isolated.liquidated:
        mistakes["isolated_equity"] = isolated.equity
    return Result(
        answer=cents(cross.equity),
        mistakes=mistakes,
        working={
            "btc_pnl": btc.unrealized_pnl,
            "eth_pnl": eth.unrealized_pnl,
            "btc_price": marks[BTC],
            "eth_price": marks[ETH],
        },
    )


@computation(
    "l10_isolated_losing_leg",
    "Lesson 10: what the losing leg of an isolated BTC hedge loses after a fall",
    figures=(LEG_SIZE, LEG_LEVERAGE, BTC_FALL),
    mistakes={
        "whole_move": "liquidated leg only: the whole move's loss, beyond its margin",
        "whole_margin": "open leg only: the whole margin, though it is not liquidated",
        "netted": "nothing, as if the short's gain covered the long in isolated mode",
    },
    working=(
        Quantity("price", "BTC's new price", "price"),
        Quantity("liquidation_price", "The long's liquidation price", "price"),
        Quantity("margin", "Each leg's margin", "money"),
        Quantity("move_loss", "The long's loss were it still open", "money"),
        Quantity("short_gain", "The short's gain", "money"),
        Quantity("verdict", "Whether the long is liquidated or stays open", "mode"),
    ),
)
def isolated_losing_leg(figures: Figures) -> Result:
    size, leverage, fall = numbers(figures, "size", "leverage", "fall")
    legs = (
        sized(BTC, Side.LONG, size, BTC_PRICE, leverage),
        sized(BTC, Side.SHORT, size, BTC_PRICE, leverage),
    )
    account = Account(sum(leg.isolated_margin for leg in legs), legs)
    price = fallen(BTC_PRICE, fall)
    outcome = evaluate(account, {BTC: price})
    long, short = outcome.positions
    if short.liquidated:
        raise Unusable("the winning leg cannot be liquidated by a fall")
    move_loss = -long.unrealized_pnl
    liquidation = long.liquidation_price
    assert liquidation is not None  # an isolated long always has one
    margin = legs[0].isolated_margin
    if long.liquidated:
        answer = long.lost
        mistakes = {"whole_move": move_loss, "netted": Decimal(0)}
    else:
        answer = move_loss
        mistakes = {"whole_margin": margin, "netted": Decimal(0)}
    return Result(
        answer=cents(answer),
        mistakes=mistakes,
        working={
            "price": price,
            "liquidation_price": liquidation,
            "margin": margin,
            "move_loss": move_loss,
            "short_gain": short.unrealized_pnl,
            "verdict": "is liquidated" if long.liquidated else "stays open",
        },
    )


@computation(
    "l10_imperfect_hedge_liquidation",
    "Lesson 10: BTC's cross liquidation price in a long BTC, short ETH hedge after ETH rises",
    figures=(
        BALANCE,
        LEG_SIZE,
        LEG_LEVERAGE,
        Quantity("eth_rise", "ETH's rise, in percent", "percent"),
    ),
    mistakes={
        "eth_ignored": "the liquidation price with ETH back at its entry",
        "no_maintenance": "the price where the cross wallet is used up (no maintenance)",
        "isolated": "the BTC long's isolated liquidation price",
    },
    working=(
        ETH_PRICE_AFTER,
        Quantity("eth_loss", "The ETH short's loss", "money"),
        Quantity("unchanged_price", "BTC's liquidation price with ETH unchanged", "price"),
        Quantity("fall", "How far below 60,000 the liquidation price is", "percent"),
    ),
    answer_format="price",
)
def imperfect_hedge_liquidation(figures: Figures) -> Result:
    account = _btc_eth_hedge(figures)
    eth = risen(ETH_PRICE, number_of(figures, "eth_rise"))
    marks = {BTC: BTC_PRICE, ETH: eth}
    if evaluate(account, marks).cross_liquidated:
        raise Unusable("ETH's rise alone liquidates the account")
    price = liquidation_price(account, 0, marks)
    unchanged = liquidation_price(account, 0)
    used_up = bankruptcy_price(account, 0, marks)
    isolated = liquidation_price(with_mode(account, Mode.ISOLATED), 0)
    if price is None or unchanged is None or used_up is None or isolated is None:
        raise Unusable("no positive BTC price liquidates the account")
    return Result(
        answer=cents(price),
        mistakes={
            "eth_ignored": unchanged,
            "no_maintenance": used_up,
            "isolated": isolated,
        },
        working={
            "eth_price": eth,
            "eth_loss": -account.positions[1].unrealized_pnl(eth),
            "unchanged_price": unchanged,
            "fall": (BTC_PRICE - price) / BTC_PRICE * HUNDRED,
        },
    )


COMPUTATIONS = (hedged_equity, isolated_losing_leg, imperfect_hedge_liquidation)
