"""Lessons 7 and 8's quizzes.

Lesson 7, "Fees and your liquidation price": the fee to open and the round trip
on Binance, Bybit's liquidation fee, and OKX's liquidation price with the fee to
close counted in the maintenance margin. Lesson 8, "Maintenance tiers and risk
limits": Binance's BTC tiers, their maintenance amounts and the liquidation price
of a large position.

Every position is an isolated BTC long opened at 60,000 with its initial margin,
on the named venue's rules and its own BTC tiers (simulator.venues); the quiz
files quote the venues' rates, and the tests check those against the venues.
"""

from decimal import Decimal

from quiz.computations import Computation, Figures, Quantity, Result, number_of
from simulator.engine import (
    Account,
    Bracket,
    Position,
    Side,
    bankruptcy_price,
    bracket_for,
    explain_liquidation_price,
    liquidation_fee,
    liquidation_price,
    maintenance_amounts,
    trading_fee,
)

BTC = "BTC"
BTC_PRICE = Decimal(60_000)
HUNDRED = Decimal(100)


def venue(key: str):
    """A venue's rules and data (`simulator.venues.Venue`), through the engine: the quiz
    uses nothing of the simulator but the engine (docs/architecture.md)."""
    return Account(Decimal(0), (), venue=key).rules


BINANCE = venue("binance")
BYBIT = venue("bybit")
OKX = venue("okx")


def btc_long(
    rules,
    size: Decimal,
    leverage: Decimal,
    *,
    brackets: tuple[Bracket, ...] | None = None,
    taker_fee: Decimal | None = None,
) -> Account:
    """An isolated BTC long worth `size` at 60,000, alone in an account that holds its
    initial margin, on the venue `rules`' rule and tiers (or the `brackets` given)."""
    position = Position.from_notional(BTC, Side.LONG, size, BTC_PRICE, leverage)
    tiers = rules.brackets(BTC) if brackets is None else brackets
    return Account(
        position.initial_margin,
        (position,),
        brackets={BTC: tiers},
        venue=rules.key,
        taker_fee=taker_fee,
    )


def _liquidation(account: Account) -> Decimal:
    price = liquidation_price(account, 0)
    assert price is not None  # a long above 1x always has one
    return price


def _bankruptcy(account: Account) -> Decimal:
    price = bankruptcy_price(account, 0)
    assert price is not None  # a long above 1x always has one
    return price


# --------------------------------------------------------------------------- lesson 7


def _opening_fee(figures: Figures) -> Result:
    account = btc_long(BINANCE, number_of(figures, "size"), number_of(figures, "leverage"))
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


def _round_trip_fee(figures: Figures) -> Result:
    account = btc_long(BINANCE, number_of(figures, "size"), number_of(figures, "leverage"))
    position = account.positions[0]
    taker = account.effective_taker_fee
    exit_price = BTC_PRICE * (1 + number_of(figures, "rise") / HUNDRED)
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


def _bybit_liquidation_fee(figures: Figures) -> Result:
    account = btc_long(BYBIT, number_of(figures, "size"), number_of(figures, "leverage"))
    position = account.positions[0]
    bankruptcy = _bankruptcy(account)
    liquidation = _liquidation(account)
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


def _okx_liquidation_price(figures: Figures) -> Result:
    account = btc_long(OKX, number_of(figures, "size"), number_of(figures, "leverage"))
    position = account.positions[0]
    taker = account.effective_taker_fee
    answer = _liquidation(account)
    textbook = explain_liquidation_price(account, 0).textbook
    assert textbook is not None
    twice = btc_long(OKX, position.notional, position.leverage, taker_fee=2 * taker)
    rate = account.maintenance_margin(0, BTC_PRICE) / position.notional
    return Result(
        answer=answer,
        mistakes={
            "textbook": textbook,
            "fee_twice": _liquidation(twice),
            "bankruptcy": _bankruptcy(account),
        },
        working={
            "textbook": textbook,
            "margin": position.initial_margin,
            "rate_percent": rate * HUNDRED,
            "liquidation_value": position.quantity * answer,
            "fee_at_liquidation": liquidation_fee(account, 0, answer),
        },
    )


# --------------------------------------------------------------------------- lesson 8


def _tier(brackets: tuple[Bracket, ...], value: Decimal) -> tuple[int, Bracket, Decimal]:
    """The tier (from 1) a position worth `value` is in, its bracket and its amount."""
    bracket, amount = bracket_for(brackets, value)
    return brackets.index(bracket) + 1, bracket, amount


def _maintenance_margin(figures: Figures) -> Result:
    size = number_of(figures, "size")
    account = btc_long(BINANCE, size, Decimal(10))
    brackets = BINANCE.brackets(BTC)
    tier, bracket, amount = _tier(brackets, size)
    return Result(
        answer=account.maintenance_margin(0, BTC_PRICE),
        mistakes={
            "no_amount": size * bracket.rate,
            "above_floor_only": (size - bracket.floor) * bracket.rate,
            "first_tier": size * brackets[0].rate,
        },
        working={
            "tier": Decimal(tier),
            "rate_percent": bracket.rate * HUNDRED,
            "floor": bracket.floor,
            "amount": amount,
            "charge": size * bracket.rate,
        },
    )


def _maintenance_amount(figures: Figures) -> Result:
    size = number_of(figures, "size")
    brackets = BINANCE.brackets(BTC)
    tier, bracket, amount = _tier(brackets, size)
    previous = brackets[tier - 2]  # the tier below (the question asks from tier 2 up)
    previous_amount = maintenance_amounts(brackets)[tier - 2]
    return Result(
        answer=amount,
        mistakes={
            "last_step_only": bracket.floor * (bracket.rate - previous.rate),
            "floor_times_rate": bracket.floor * bracket.rate,
            "from_first_rate": bracket.floor * (bracket.rate - brackets[0].rate),
        },
        working={
            "tier": Decimal(tier),
            "floor": bracket.floor,
            "rate_percent": bracket.rate * HUNDRED,
            "previous_rate_percent": previous.rate * HUNDRED,
            "previous_amount": previous_amount,
            "step": bracket.floor * (bracket.rate - previous.rate),
        },
    )


def _large_liquidation_price(figures: Figures) -> Result:
    size = number_of(figures, "size")
    leverage = number_of(figures, "leverage")
    account = btc_long(BINANCE, size, leverage)
    position = account.positions[0]
    brackets = BINANCE.brackets(BTC)
    answer = _liquidation(account)
    # The tier that counts is the one the position is in at its liquidation price.
    value = position.quantity * answer
    tier, bracket, amount = _tier(brackets, value)
    textbook = explain_liquidation_price(account, 0).textbook
    assert textbook is not None
    first = btc_long(BINANCE, size, leverage, brackets=(Bracket(0, brackets[0].rate),))
    whole = btc_long(BINANCE, size, leverage, brackets=(Bracket(0, bracket.rate),))
    return Result(
        answer=answer,
        mistakes={
            "first_tier": _liquidation(first),
            "no_amount": _liquidation(whole),
            "textbook": textbook,
        },
        working={
            "tier": Decimal(tier),
            "rate_percent": bracket.rate * HUNDRED,
            "amount": amount,
            "margin": position.initial_margin,
            "liquidation_value": value,
            "distance": (BTC_PRICE - answer) / BTC_PRICE * HUNDRED,
            "textbook": textbook,
        },
    )


SIZE = Quantity("size", "The position's value at entry, in dollars", "money")
LEVERAGE = Quantity("leverage", "Leverage", "leverage")
MARGIN = Quantity("margin", "The initial margin (size ÷ leverage)", "money")

COMPUTATIONS = (
    Computation(
        key="l7_opening_fee",
        label="Lesson 7: the taker fee to open a BTC long on Binance",
        figures=(SIZE, LEVERAGE),
        mistakes={
            "on_margin": "the fee rate applied to the margin instead of the position's value",
            "maker": "the maker fee, though a market order pays the taker fee",
            "both_ways": "the fee to open and to close, not to open only",
            "percent_as_number": "the rate used as 0.05 instead of 0.05% (100 times too much)",
        },
        working=(MARGIN,),
        compute=_opening_fee,
    ),
    Computation(
        key="l7_round_trip_fee",
        label="Lesson 7: the taker fees to open and close a BTC long on Binance after a rise",
        figures=(SIZE, LEVERAGE, Quantity("rise", "BTC's rise before closing, in %", "percent")),
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
            MARGIN,
            Quantity("share_of_margin", "Both fees as a share of the margin, in %", "percent"),
        ),
        compute=_round_trip_fee,
    ),
    Computation(
        key="l7_bybit_liquidation_fee",
        label="Lesson 7: Bybit's liquidation fee on an isolated BTC long (taker fee at the "
        "bankruptcy price)",
        figures=(SIZE, LEVERAGE),
        mistakes={
            "at_entry": "the fee on the value at the entry price",
            "at_liquidation_price": "the fee on the value at the liquidation price, not the "
            "bankruptcy price",
            "on_margin": "the fee rate applied to the margin",
        },
        working=(
            Quantity("bankruptcy_price", "The bankruptcy price", "price"),
            Quantity("bankruptcy_value", "The position's value at the bankruptcy price", "money"),
            Quantity("liquidation_price", "The liquidation price", "price"),
            MARGIN,
        ),
        compute=_bybit_liquidation_fee,
    ),
    Computation(
        key="l7_okx_liquidation_price",
        label="Lesson 7: OKX's liquidation price of an isolated BTC long (fee to close in the "
        "maintenance margin)",
        figures=(SIZE, LEVERAGE),
        mistakes={
            "textbook": "the textbook price, leaving the fee out",
            "fee_twice": "the fee counted twice (to open and to close)",
            "bankruptcy": "the bankruptcy price, leaving out the maintenance margin",
        },
        working=(
            Quantity("textbook", "The textbook price (0.5%, no fee)", "price"),
            MARGIN,
            Quantity("rate_percent", "OKX's rate with the fee, in %", "number"),
            Quantity("liquidation_value", "The position's value at the answer", "money"),
            Quantity("fee_at_liquidation", "The liquidation fee at the answer", "money"),
        ),
        answer_format="price",
        compute=_okx_liquidation_price,
    ),
    Computation(
        key="l8_maintenance_margin",
        label="Lesson 8: the maintenance margin of a BTC position on Binance's tiers",
        figures=(SIZE,),
        mistakes={
            "no_amount": "the tier's rate on the whole value, without the maintenance amount",
            "above_floor_only": "the tier's rate on the part above its floor only",
            "first_tier": "the first tier's rate (0.4%) on the whole value",
        },
        working=(
            Quantity("tier", "The tier (from 1)", "number"),
            Quantity("rate_percent", "The tier's rate, in %", "number"),
            Quantity("floor", "Where the tier starts", "money"),
            Quantity("amount", "The tier's maintenance amount", "money"),
            Quantity("charge", "The tier's rate on the whole value", "money"),
        ),
        compute=_maintenance_margin,
    ),
    Computation(
        key="l8_maintenance_amount",
        label="Lesson 8: the maintenance amount of a tier of Binance's BTC table (tier 3 up)",
        figures=(SIZE,),
        mistakes={
            "last_step_only": "this tier's step alone, without the amount of the tier below",
            "floor_times_rate": "the floor times the tier's rate",
            "from_first_rate": "the floor times the rise from the first tier's rate",
        },
        working=(
            Quantity("tier", "The tier (from 1)", "number"),
            Quantity("floor", "Where the tier starts", "money"),
            Quantity("rate_percent", "The tier's rate, in %", "number"),
            Quantity("previous_rate_percent", "The rate of the tier below, in %", "number"),
            Quantity("previous_amount", "The amount of the tier below", "money"),
            Quantity("step", "floor x (rate - rate of the tier below)", "money"),
        ),
        compute=_maintenance_amount,
    ),
    Computation(
        key="l8_large_liquidation_price",
        label="Lesson 8: the liquidation price of a large isolated BTC long on Binance's tiers",
        figures=(SIZE, LEVERAGE),
        mistakes={
            "first_tier": "the first tier's rate (0.4%) for the whole position",
            "no_amount": "the right tier's rate on the whole value, without its amount",
            "textbook": "the textbook's flat 0.5%",
        },
        working=(
            Quantity("tier", "The tier at the liquidation price", "number"),
            Quantity("rate_percent", "That tier's rate, in %", "number"),
            Quantity("amount", "That tier's maintenance amount", "money"),
            MARGIN,
            Quantity("liquidation_value", "The position's value at the answer", "money"),
            Quantity("distance", "How far below entry that is, in %", "percent"),
            Quantity("textbook", "The textbook price (flat 0.5%)", "price"),
        ),
        answer_format="price",
        compute=_large_liquidation_price,
    ),
)
