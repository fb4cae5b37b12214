"""Fees (intermediate lesson 7, "Fees and your liquidation price"): the taker fee to
open and the round trip on Binance, Bybit's liquidation fee, and OKX's liquidation
price with the fee to close counted in the maintenance margin.

Every position is an isolated BTC long opened at 60,000 with its initial margin, on the
named venue's rules and its own BTC tiers (simulator.venues); the quiz file quotes the
venues' rates, and the tests check those against the venues.
"""

from quiz.computations._computation import (
    BANKRUPTCY_PRICE,
    ENTRY_VALUE,
    INITIAL_MARGIN,
    LEVERAGE,
    LIQUIDATION_PRICE,
    Figures,
    Quantity,
    Result,
    computation,
    number_of,
    numbers,
)
from quiz.computations._market import (
    BINANCE,
    BTC_PRICE,
    BYBIT,
    HUNDRED,
    OKX,
    bankruptcy_of,
    btc_long,
    liquidation_of,
    risen,
)
from simulator.engine import Account, explain_liquidation_price, liquidation_fee, trading_fee


def _long_on(rules, figures: Figures) -> Account:
    """The question's BTC long, worth `size` at `leverage`, on the venue `rules`."""
    return btc_long(rules, *numbers(figures, "size", "leverage"))


@computation(
    "l7_opening_fee",
    "Lesson 7: the taker fee to open a BTC long on Binance",
    figures=(ENTRY_VALUE, LEVERAGE),
    mistakes={
        "on_margin": "the fee rate applied to the margin instead of the position's value",
        "maker": "the maker fee, though a market order pays the taker fee",
        "both_ways": "the fee to open and to close, not to open only",
        "percent_as_number": "the rate used as 0.05 instead of 0.05% (100 times too much)",
    },
    working=(INITIAL_MARGIN,),
)
def opening_fee(figures: Figures) -> Result:
    account = _long_on(BINANCE, figures)
    position = account.positions[0]
    taker = account.effective_taker_fee
    fee = trading_fee(position.notional, taker)
    return Result(
        answer=fee,
        mistakes={
            "on_margin": trading_fee(position.initial_margin, taker),
            "maker": trading_fee(position.notional, BINANCE.maker_fee),
            "both_ways": fee + trading_fee(position.notional, taker),
            "percent_as_number": trading_fee(position.notional, taker * HUNDRED),
        },
        working={"margin": position.initial_margin},
    )


@computation(
    "l7_round_trip_fee",
    "Lesson 7: the taker fees to open and close a BTC long on Binance after a rise",
    figures=(ENTRY_VALUE, LEVERAGE, Quantity("rise", "BTC's rise before closing, in %", "percent")),
    mistakes={
        "counted_once": "the fee to open only",
        "entry_value_twice": "the fee to close taken on the entry value, not the exit value",
        "on_margin": "both fees on the margin instead of the position's value",
    },
    working=(
        Quantity("opening_fee", "The fee to open", "money"),
        Quantity("closing_fee", "The fee to close", "money"),
        Quantity("exit_price", "The price it is closed at", "price"),
        Quantity("exit_value", "The position's value when closed", "money"),
        INITIAL_MARGIN,
        Quantity("share_of_margin", "Both fees as a share of the margin, in %", "percent"),
    ),
)
def round_trip_fee(figures: Figures) -> Result:
    account = _long_on(BINANCE, figures)
    position = account.positions[0]
    taker = account.effective_taker_fee
    exit_price = risen(BTC_PRICE, number_of(figures, "rise"))
    exit_value = position.quantity * exit_price
    opening = trading_fee(position.notional, taker)
    closing = trading_fee(exit_value, taker)
    margin = position.initial_margin
    return Result(
        answer=opening + closing,
        mistakes={
            "counted_once": opening,
            "entry_value_twice": opening + trading_fee(position.notional, taker),
            "on_margin": 2 * trading_fee(margin, taker),
        },
        working={
            "opening_fee": opening,
            "closing_fee": closing,
            "exit_price": exit_price,
            "exit_value": exit_value,
            "margin": margin,
            "share_of_margin": (opening + closing) / margin * HUNDRED,
        },
    )


@computation(
    "l7_bybit_liquidation_fee",
    "Lesson 7: Bybit's liquidation fee on an isolated BTC long (taker fee at the bankruptcy price)",
    figures=(ENTRY_VALUE, LEVERAGE),
    mistakes={
        "at_entry": "the fee on the value at the entry price",
        "at_liquidation_price": "the fee on the value at the liquidation price, not the "
        "bankruptcy price",
        "on_margin": "the fee rate applied to the margin",
    },
    working=(
        BANKRUPTCY_PRICE,
        Quantity("bankruptcy_value", "The position's value at the bankruptcy price", "money"),
        LIQUIDATION_PRICE,
        INITIAL_MARGIN,
    ),
)
def bybit_liquidation_fee(figures: Figures) -> Result:
    account = _long_on(BYBIT, figures)
    position = account.positions[0]
    bankruptcy = bankruptcy_of(account)
    liquidation = liquidation_of(account)
    return Result(
        # Bybit closes a liquidated position with the taker fee, on its value at the
        # bankruptcy price (docs/lessons/07-fees-and-liquidation.md).
        answer=liquidation_fee(account, 0, bankruptcy),
        mistakes={
            "at_entry": liquidation_fee(account, 0, BTC_PRICE),
            "at_liquidation_price": liquidation_fee(account, 0, liquidation),
            "on_margin": trading_fee(position.initial_margin, account.effective_taker_fee),
        },
        working={
            "bankruptcy_price": bankruptcy,
            "bankruptcy_value": position.quantity * bankruptcy,
            "liquidation_price": liquidation,
            "margin": position.initial_margin,
        },
    )


@computation(
    "l7_okx_liquidation_price",
    "Lesson 7: OKX's liquidation price of an isolated BTC long (fee to close in the "
    "maintenance margin)",
    figures=(ENTRY_VALUE, LEVERAGE),
    mistakes={
        "textbook": "the textbook price, leaving the fee out",
        "fee_twice": "the fee counted twice (to open and to close)",
        "bankruptcy": "the bankruptcy price, leaving out the maintenance margin",
    },
    working=(
        Quantity("textbook", "The textbook price (0.5%, no fee)", "price"),
        INITIAL_MARGIN,
        Quantity("rate_percent", "OKX's rate with the fee, in %", "number"),
        Quantity("liquidation_value", "The position's value at the answer", "money"),
        Quantity("fee_at_liquidation", "The liquidation fee at the answer", "money"),
    ),
    answer_format="price",
)
def okx_liquidation_price(figures: Figures) -> Result:
    account = _long_on(OKX, figures)
    position = account.positions[0]
    taker = account.effective_taker_fee
    answer = liquidation_of(account)
    textbook = explain_liquidation_price(account, 0).textbook
    assert textbook is not None
    twice = btc_long(OKX, position.notional, position.leverage, taker_fee=2 * taker)
    rate = account.maintenance_margin(0, BTC_PRICE) / position.notional
    return Result(
        answer=answer,
        mistakes={
            "textbook": textbook,
            "fee_twice": liquidation_of(twice),
            "bankruptcy": bankruptcy_of(account),
        },
        working={
            "textbook": textbook,
            "margin": position.initial_margin,
            "rate_percent": rate * HUNDRED,
            "liquidation_value": position.quantity * answer,
            "fee_at_liquidation": liquidation_fee(account, 0, answer),
        },
    )


COMPUTATIONS = (opening_fee, round_trip_fee, bybit_liquidation_fee, okx_liquidation_price)
