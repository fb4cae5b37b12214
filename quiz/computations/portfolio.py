"""Portfolio margin (advanced lesson 12, "Portfolio margin"): Binance's unified maintenance
margin ratio of the lesson's hedged pair (a long of 0.2 BTC at 60,000 and a short of 4 ETH
at 3,000, $12,000 each at 10x, cross, flat 0.5%) in a USDT futures wallet, with BTC fallen
and ETH held; its loss to liquidation; and coins of the margin account joining it at
Binance's Multi-Assets rates. Everything through simulator.engine.portfolio."""

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
from quiz.computations._market import BTC, BTC_PRICE, ETH, ETH_PRICE, HUNDRED, fallen
from simulator.engine import (
    BINANCE_PORTFOLIO_MARGIN,
    Account,
    Mode,
    PortfolioMargin,
    Position,
    Side,
    Wallet,
    portfolio_margin,
)

PAIR = (
    Position(BTC, Side.LONG, Decimal("0.2"), BTC_PRICE, Decimal(10), mode=Mode.CROSS),
    Position(ETH, Side.SHORT, Decimal(4), ETH_PRICE, Decimal(10), mode=Mode.CROSS),
)
EQUITY = Quantity("equity", "The adjusted equity", "money")
MAINTENANCE = Quantity("maintenance", "The maintenance margin", "money")
PRICE = Quantity("price", "BTC's price after the fall", "price")
# The bounds of Binance's margin call and reduce-only levels: 150% and 120%.
MARGIN_CALL, REDUCE_ONLY = (level.above for level in BINANCE_PORTFOLIO_MARGIN.levels[:2])


def _pair(balance: Decimal, fall: Decimal, btc: Decimal = Decimal(0)) -> PortfolioMargin:
    """The hedged pair on a futures wallet of `balance`, BTC fallen `fall` percent, with
    `btc` in the margin account."""
    mark = fallen(BTC_PRICE, fall)
    wallet = Wallet({BTC: btc}, "binance") if btc else None
    return portfolio_margin(
        Account(balance, PAIR),
        wallet=wallet,
        marks={BTC: mark, ETH: ETH_PRICE},
        prices={BTC: mark} if btc else None,
    )


def _working(found: PortfolioMargin) -> dict[str, Decimal]:
    return {
        "price": found.positions[0].mark_price,
        "equity": found.adjusted_equity,
        "maintenance": found.maintenance,
    }


@computation(
    "l12_unimmr",
    "Lesson 12: the uniMMR of the hedged pair after BTC falls (USDT only)",
    figures=(BALANCE, BTC_FALL),
    mistakes={
        "inverse": "the maintenance margin over the equity (the cross margin ratio)",
        "no_pnl": "the futures wallet over the maintenance margin, without the loss",
        "entry_maintenance": "the equity over the maintenance margin at entry",
    },
    working=(PRICE, EQUITY, MAINTENANCE, Quantity("pnl", "The long's loss", "money")),
    answer_format="percent",
)
def unimmr(figures: Figures) -> Result:
    balance, fall = numbers(figures, "balance", "fall")
    found = _pair(balance, fall)
    if found.ratio is None or found.adjusted_equity <= 0:
        raise Unusable("nothing left to divide")
    at_entry = _pair(balance, Decimal(0)).maintenance
    return Result(
        answer=found.ratio * HUNDRED,
        mistakes={
            "inverse": found.maintenance / found.adjusted_equity * HUNDRED,
            "no_pnl": balance / found.maintenance * HUNDRED,
            "entry_maintenance": found.adjusted_equity / at_entry * HUNDRED,
        },
        working={**_working(found), "pnl": found.positions[0].unrealized_pnl},
    )


@computation(
    "l12_loss_to_liquidation",
    "Lesson 12: how much the hedged pair can still lose before Binance liquidates (105%)",
    figures=(BALANCE, BTC_FALL),
    mistakes={
        "at_100": "down to a uniMMR of 100% (equity - maintenance margin)",
        "at_120": "down to the reduce-only bound, 120%",
        "at_150": "down to the margin call, 150%",
    },
    working=(PRICE, EQUITY, MAINTENANCE),
)
def loss_to_liquidation(figures: Figures) -> Result:
    balance, fall = numbers(figures, "balance", "fall")
    found = _pair(balance, fall)
    answer = found.loss_to_liquidation
    if answer is None or answer <= 0:
        raise Unusable("liquidated already")
    equity, maintenance = found.adjusted_equity, found.maintenance
    return Result(
        answer=answer,
        mistakes={
            "at_100": equity - maintenance,
            "at_120": equity - REDUCE_ONLY * maintenance,
            "at_150": equity - MARGIN_CALL * maintenance,
        },
        working=_working(found),
    )


@computation(
    "l12_adjusted_equity",
    "Lesson 12: the adjusted equity of the hedged pair with BTC in the margin account",
    figures=(Quantity("btc", "BTC in the margin account", "number"), BALANCE, BTC_FALL),
    mistakes={
        "no_haircut": "every asset at its full value, without collateral rates",
        "btc_at_entry": "the BTC counted at 60,000, not at its price now",
        "no_pnl": "the futures' loss left out",
    },
    working=(
        PRICE,
        Quantity("btc_value", "The BTC counted (95%)", "money"),
        Quantity("usdt", "The USDT line: wallet + profit or loss", "money"),
        Quantity("usdt_value", "The USDT line counted (99.99%)", "money"),
    ),
)
def adjusted_equity(figures: Figures) -> Result:
    btc = number_of(figures, "btc")
    balance, fall = numbers(figures, "balance", "fall")
    found = _pair(balance, fall, btc)
    lines = {row.asset: row for row in found.assets}
    usdt, coin = lines["USDT"], lines[BTC]
    if usdt.equity <= 0:
        raise Unusable("the futures wallet is in debt")
    at_entry = coin.adjusted_value * BTC_PRICE / coin.price
    return Result(
        answer=found.adjusted_equity,
        mistakes={
            "no_haircut": found.actual_equity,
            "btc_at_entry": found.adjusted_equity - coin.adjusted_value + at_entry,
            "no_pnl": coin.adjusted_value + usdt.adjusted_value / usdt.equity * balance,
        },
        working={
            "price": coin.price,
            "btc_value": coin.adjusted_value,
            "usdt": usdt.equity,
            "usdt_value": usdt.adjusted_value,
        },
    )


COMPUTATIONS = (unimmr, loss_to_liquidation, adjusted_equity)
