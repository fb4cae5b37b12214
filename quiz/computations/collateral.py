"""Collateral in several assets (advanced lesson 11, "Collateral and haircuts"): a wallet
counted at Binance's Multi-Assets ratios or Bybit's example tiers, and a BTC long held on
BTC collateral, liquidated where the coin and the long together no longer cover the
maintenance margin. Everything through simulator.engine.collateral."""

from decimal import Decimal

from quiz.computations._computation import (
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
    BINANCE_MULTI_ASSETS,
    BYBIT_UTA,
    Account,
    CollateralRule,
    CollateralSchedule,
    Mode,
    Position,
    Side,
    Wallet,
    collateral_liquidation_price,
    evaluate,
    liquidation_price,
)

BTC_HELD = Quantity("btc", "BTC held", "number")
ETH_HELD = Quantity("eth", "ETH held", "number")
USDT_HELD = Quantity("usdt", "USDT held", "money")
MARKET_VALUE = Quantity("market_value", "The wallet at market prices", "money")
COLLATERAL = Quantity("collateral_value", "The wallet's collateral value", "money")
# The mistake of counting BTC collateral without its haircut.
AT_FULL_PRICE = CollateralSchedule("full", "BTC at 100%", (CollateralRule.flat(BTC, 1),))


def _wallet_value(wallet: Wallet, prices: dict[str, Decimal]) -> tuple[Decimal, Decimal]:
    return wallet.collateral_value(prices), wallet.market_value(prices)


@computation(
    "l11_collateral_value",
    "Lesson 11: a wallet of BTC, ETH and USDT on Binance's Multi-Assets ratios",
    figures=(BTC_HELD, ETH_HELD, USDT_HELD),
    mistakes={
        "no_haircut": "every asset at its full market value",
        "haircut": "the haircut itself (market value minus collateral value)",
        "all_at_95": "every asset, USDT too, at the coins' 95%",
    },
    working=(MARKET_VALUE, Quantity("haircut", "The haircut", "money")),
)
def wallet_collateral_value(figures: Figures) -> Result:
    btc, eth, usdt = numbers(figures, "btc", "eth", "usdt")
    prices = {BTC: BTC_PRICE, ETH: ETH_PRICE}
    value, market = _wallet_value(Wallet({BTC: btc, ETH: eth, "USDT": usdt}, "binance"), prices)
    coin_rate = BINANCE_MULTI_ASSETS.rules[BTC].tiers[0].ratio
    return Result(
        answer=value,
        mistakes={
            "no_haircut": market,
            "haircut": market - value,
            "all_at_95": market * coin_rate,
        },
        working={"market_value": market, "haircut": market - value},
    )


@computation(
    "l11_tiered_value",
    "Lesson 11: a holding of BTC on Bybit's example tiers (98% to 10 BTC, 95% to 20, ...)",
    figures=(BTC_HELD,),
    mistakes={
        "whole_at_last_tier": "the whole holding at the ratio of the tier it ends in",
        "first_tier": "the whole holding at the first tier's 98%",
        "no_haircut": "the holding at its full market value",
    },
    working=(MARKET_VALUE, Quantity("counted_btc", "The BTC counted", "number")),
)
def tiered_value(figures: Figures) -> Result:
    btc = number_of(figures, "btc")
    rule = BYBIT_UTA.rules[BTC]
    value, market = _wallet_value(Wallet({BTC: btc}, "bybit"), {BTC: BTC_PRICE})
    last = [tier for tier in rule.tiers if tier.floor < btc][-1]
    return Result(
        answer=value,
        mistakes={
            "whole_at_last_tier": market * last.ratio,
            "first_tier": market * rule.tiers[0].ratio,
            "no_haircut": market,
        },
        working={"market_value": market, "counted_btc": value / BTC_PRICE},
    )


def _long_on_btc(balance: Decimal) -> Account:
    """The lesson's cross long of 1 BTC at 60,000, 10x (flat 0.5%), on `balance`. In cross
    margin the leverage does not move the liquidation price: the whole pot backs it."""
    position = Position(BTC, Side.LONG, Decimal(1), BTC_PRICE, Decimal(10), mode=Mode.CROSS)
    return Account(balance, (position,))


@computation(
    "l11_liquidation_on_btc",
    "Lesson 11: the liquidation price of a 1 BTC cross long held on BTC collateral (95%)",
    figures=(BTC_HELD,),
    mistakes={
        "as_usdt": "the collateral's value at entry held as USDT, not moving with BTC",
        "no_haircut": "the BTC collateral counted at 100%",
    },
    working=(Quantity("entry_value", "The collateral value at entry", "money"),),
    answer_format="price",
)
def liquidation_on_btc(figures: Figures) -> Result:
    btc = number_of(figures, "btc")
    wallet = Wallet({BTC: btc}, "binance")
    entry_value = wallet.collateral_value({BTC: BTC_PRICE})
    account = _long_on_btc(entry_value)
    answer = collateral_liquidation_price(account, 0, wallet)
    full = Wallet({BTC: btc}, AT_FULL_PRICE)
    as_usdt = liquidation_price(account, 0)
    if answer is None or as_usdt is None:
        raise Unusable("nothing liquidates this long")
    return Result(
        answer=answer,
        mistakes={
            "as_usdt": as_usdt,
            "no_haircut": collateral_liquidation_price(account, 0, full) or Decimal(0),
        },
        working={"entry_value": entry_value},
    )


@computation(
    "l11_margin_ratio",
    "Lesson 11: the margin ratio of a 1 BTC cross long on 1 BTC of collateral after a fall",
    figures=(BTC_FALL,),
    mistakes={
        "no_pnl": "the maintenance margin over the collateral value alone, without the loss",
        "no_haircut": "the equity with the BTC collateral counted at its full price",
        "inverse": "the equity over the maintenance margin",
    },
    working=(
        Quantity("price", "BTC's price after the fall", "price"),
        COLLATERAL,
        Quantity("pnl", "The long's loss", "money"),
        Quantity("equity", "The equity", "money"),
        Quantity("maintenance", "The maintenance margin", "money"),
    ),
    answer_format="percent",
)
def margin_ratio_on_btc(figures: Figures) -> Result:
    fall = number_of(figures, "fall")
    mark = fallen(BTC_PRICE, fall)
    wallet = Wallet({BTC: 1}, "binance")
    value = wallet.collateral_value({BTC: mark})
    state = evaluate(_long_on_btc(value), {BTC: mark})
    equity, maintenance = state.cross_equity, state.cross_maintenance_margin
    if equity <= maintenance:
        raise Unusable("liquidated already")
    return Result(
        answer=maintenance / equity * HUNDRED,
        mistakes={
            "no_pnl": maintenance / value * HUNDRED,
            "no_haircut": maintenance / (equity + mark - value) * HUNDRED,
            "inverse": equity / maintenance * HUNDRED,
        },
        working={
            "price": mark,
            "collateral_value": value,
            "pnl": state.cross_unrealized_pnl,
            "equity": equity,
            "maintenance": maintenance,
        },
    )


COMPUTATIONS = (wallet_collateral_value, tiered_value, liquidation_on_btc, margin_ratio_on_btc)
