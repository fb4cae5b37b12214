"""Lessons 9 and 10 (Intermediate): how a liquidation really happens (the bankruptcy
price, what the insurance fund receives, the shortfall after a price gap) and hedging
(a hedged account's equity, the losing leg in isolated, an imperfect hedge's cross
liquidation price).

Every position here is on the lessons' flat 0.5% maintenance rate under the default
venue's rule, as the lessons' worked examples are.
"""

from decimal import ROUND_HALF_UP, Decimal

from quiz.computations import Computation, Figures, Quantity, Result, Unusable, number_of
from simulator.engine import (
    Account,
    Mode,
    Position,
    Side,
    bankruptcy_price,
    evaluate,
    liquidation_price,
    with_mode,
)

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
BTC = "BTCUSDT"
ETH = "ETHUSDT"
BTC_PRICE = Decimal(60_000)
ETH_PRICE = Decimal(3_000)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _position(
    symbol: str, side: Side, size: Decimal, price: Decimal, leverage: Decimal, mode=Mode.ISOLATED
) -> Position:
    return Position.from_notional(symbol, side, size, price, leverage, mode=mode)


def _isolated_long(figures: Figures, entry: Decimal = BTC_PRICE) -> tuple[Account, Position]:
    """A BTC long alone in its isolated margin (the wallet holds just that margin)."""
    position = _position(
        BTC, Side.LONG, number_of(figures, "size"), entry, number_of(figures, "leverage")
    )
    return Account(position.isolated_margin, (position,)), position


def _fallen(figures: Figures, name: str, entry: Decimal = BTC_PRICE) -> Decimal:
    return entry * (1 - number_of(figures, name) / HUNDRED)


# --------------------------------------------------------------------------- lesson 9


def _bankruptcy_price(figures: Figures) -> Result:
    entry = number_of(figures, "entry")
    account, position = _isolated_long(figures, entry)
    bankrupt = bankruptcy_price(account, 0)
    liquidation = liquidation_price(account, 0)
    if bankrupt is None or liquidation is None:
        raise Unusable("a long at 1x never goes bankrupt")
    per_coin = position.isolated_margin / position.quantity
    return Result(
        answer=_cents(bankrupt),
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


def _insurance_fund(figures: Figures) -> Result:
    account, position = _isolated_long(figures)
    liquidation = liquidation_price(account, 0)
    bankrupt = bankruptcy_price(account, 0)
    if liquidation is None or bankrupt is None:
        raise Unusable("a long at 1x has no liquidation price")
    # Closed at the liquidation price, the margin holds margin + PnL there; the
    # position is settled at the bankruptcy price, so all of it goes to the fund.
    left = position.isolated_margin + position.unrealized_pnl(liquidation)
    return Result(
        answer=_cents(left),
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
    account, position = _isolated_long(figures)
    gap = _fallen(figures, "fall")
    bankrupt = bankruptcy_price(account, 0)
    if bankrupt is None or gap >= bankrupt:
        raise Unusable("the price does not gap through the bankruptcy price")
    return account, position, gap, bankrupt


def _gap_shortfall(figures: Figures) -> Result:
    account, position, gap, bankrupt = _gap(figures)
    loss = -position.unrealized_pnl(gap)
    liquidation = liquidation_price(account, 0)
    assert liquidation is not None  # an isolated long that can go bankrupt has one
    return Result(
        answer=_cents(loss - position.isolated_margin),
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


def _gap_trader_loss(figures: Figures) -> Result:
    balance = number_of(figures, "balance")
    _, position, gap, bankrupt = _gap(figures)
    account = Account(balance, (position,))
    outcome = evaluate(account, {BTC: gap})
    loss = -position.unrealized_pnl(gap)
    return Result(
        answer=_cents(outcome.total_lost),
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


# --------------------------------------------------------------------------- lesson 10


def _btc_eth_hedge(figures: Figures, mode: Mode = Mode.CROSS) -> Account:
    """Long BTC and short ETH of the same size and leverage, both at the lessons' prices."""
    size = number_of(figures, "size")
    leverage = number_of(figures, "leverage")
    return Account(
        number_of(figures, "balance"),
        (
            _position(BTC, Side.LONG, size, BTC_PRICE, leverage, mode),
            _position(ETH, Side.SHORT, size, ETH_PRICE, leverage, mode),
        ),
    )


def _hedged_equity(figures: Figures) -> Result:
    account = _btc_eth_hedge(figures)
    marks = {
        BTC: _fallen(figures, "btc_fall"),
        ETH: ETH_PRICE * (1 + number_of(figures, "eth_move") / HUNDRED),
    }
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
        answer=_cents(cross.equity),
        mistakes=mistakes,
        working={
            "btc_pnl": btc.unrealized_pnl,
            "eth_pnl": eth.unrealized_pnl,
            "btc_price": marks[BTC],
            "eth_price": marks[ETH],
        },
    )


def _isolated_losing_leg(figures: Figures) -> Result:
    size = number_of(figures, "size")
    leverage = number_of(figures, "leverage")
    legs = (
        _position(BTC, Side.LONG, size, BTC_PRICE, leverage),
        _position(BTC, Side.SHORT, size, BTC_PRICE, leverage),
    )
    account = Account(sum(leg.isolated_margin for leg in legs), legs)
    price = _fallen(figures, "fall")
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
        answer=_cents(answer),
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


def _imperfect_hedge_liquidation(figures: Figures) -> Result:
    account = _btc_eth_hedge(figures)
    eth = ETH_PRICE * (1 + number_of(figures, "eth_rise") / HUNDRED)
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
        answer=_cents(price),
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


SIZE = Quantity("size", "Position size in dollars", "money")
LEVERAGE = Quantity("leverage", "Leverage", "leverage")
LEG_SIZE = Quantity("size", "Size of each leg in dollars", "money")
LEG_LEVERAGE = Quantity("leverage", "Leverage of each leg", "leverage")

COMPUTATIONS = (
    Computation(
        key="l9_bankruptcy_price",
        label="Lesson 9: bankruptcy price of an isolated BTC long",
        figures=(
            Quantity("entry", "Entry price of BTC", "price"),
            SIZE,
            LEVERAGE,
        ),
        mistakes={
            "liquidation_price": "the liquidation price instead of the bankruptcy price",
            "margin_as_price": "the entry less the margin in dollars, not per bitcoin",
            "short_side": "the margin per bitcoin added, as for a short",
        },
        working=(
            Quantity("quantity", "The position's size in BTC", "number"),
            Quantity("margin", "Its margin", "money"),
            Quantity("per_coin", "Its margin per bitcoin", "money"),
            Quantity("liquidation_price", "Its liquidation price", "price"),
        ),
        compute=_bankruptcy_price,
        answer_format="price",
    ),
    Computation(
        key="l9_insurance_fund",
        label="Lesson 9: what the insurance fund receives when a long is closed at its "
        "liquidation price",
        figures=(SIZE, LEVERAGE),
        mistakes={
            "whole_margin": "the whole margin",
            "price_difference": "the liquidation price less the bankruptcy price, per bitcoin",
            "maintenance_at_entry": "the maintenance margin at the entry price",
            "nothing_left": "nothing, as if the margin were used up at liquidation",
        },
        working=(
            Quantity("liquidation_price", "The liquidation price", "price"),
            Quantity("bankruptcy_price", "The bankruptcy price", "price"),
            Quantity("quantity", "The position's size in BTC", "number"),
            Quantity("margin", "Its margin", "money"),
            Quantity(
                "maintenance_at_liquidation", "Its maintenance margin at liquidation", "money"
            ),
        ),
        compute=_insurance_fund,
    ),
    Computation(
        key="l9_gap_shortfall",
        label="Lesson 9: the loss beyond the margin after a gap through the bankruptcy price",
        figures=(SIZE, LEVERAGE, Quantity("fall", "BTC's fall, in percent", "percent")),
        mistakes={
            "whole_loss": "the whole loss at the gap price",
            "margin": "the margin, which is the trader's loss",
            "from_liquidation": "the loss from the liquidation price down, not the bankruptcy "
            "price",
        },
        working=(
            Quantity("gap_price", "The price the position is closed at", "price"),
            Quantity("bankruptcy_price", "The bankruptcy price", "price"),
            Quantity("liquidation_price", "The liquidation price", "price"),
            Quantity("loss", "The position's loss at the gap price", "money"),
            Quantity("margin", "Its margin", "money"),
        ),
        compute=_gap_shortfall,
    ),
    Computation(
        key="l9_gap_trader_loss",
        label="Lesson 9: what an isolated trader loses when the price gaps through bankruptcy",
        figures=(
            Quantity("balance", "Account balance", "money"),
            SIZE,
            LEVERAGE,
            Quantity("fall", "BTC's fall, in percent", "percent"),
        ),
        mistakes={
            "owes_gap": "the whole loss at the gap price, as if the trader owed the gap",
            "shortfall": "the shortfall the insurance fund covers",
            "whole_balance": "the whole balance, as in a cross liquidation",
        },
        working=(
            Quantity("gap_price", "The price the position is closed at", "price"),
            Quantity("bankruptcy_price", "The bankruptcy price", "price"),
            Quantity("loss", "The position's loss at the gap price", "money"),
            Quantity("shortfall", "The shortfall beyond the margin", "money"),
            Quantity("kept", "What the account is worth afterwards", "money"),
        ),
        compute=_gap_trader_loss,
    ),
    Computation(
        key="l10_hedged_equity",
        label="Lesson 10: equity of a cross account, long BTC and short ETH, after a move",
        figures=(
            Quantity("balance", "Account balance", "money"),
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
            Quantity("eth_price", "ETH's new price", "price"),
        ),
        compute=_hedged_equity,
    ),
    Computation(
        key="l10_isolated_losing_leg",
        label="Lesson 10: what the losing leg of an isolated BTC hedge loses after a fall",
        figures=(LEG_SIZE, LEG_LEVERAGE, Quantity("fall", "BTC's fall, in percent", "percent")),
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
        compute=_isolated_losing_leg,
    ),
    Computation(
        key="l10_imperfect_hedge_liquidation",
        label="Lesson 10: BTC's cross liquidation price in a long BTC, short ETH hedge after "
        "ETH rises",
        figures=(
            Quantity("balance", "Account balance", "money"),
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
            Quantity("eth_price", "ETH's new price", "price"),
            Quantity("eth_loss", "The ETH short's loss", "money"),
            Quantity("unchanged_price", "BTC's liquidation price with ETH unchanged", "price"),
            Quantity("fall", "How far below 60,000 the liquidation price is", "percent"),
        ),
        compute=_imperfect_hedge_liquidation,
        answer_format="price",
    ),
)
