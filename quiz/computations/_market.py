"""The lessons' market, shared by the quiz's computations: BTC and ETH at the prices
the lessons open at, the venues, positions and accounts built on them, and rounding
as the lessons show it. Everything goes through the engine: the quiz uses nothing of
the simulator but the engine (docs/architecture.md)."""

from decimal import ROUND_HALF_UP, Decimal

from simulator.engine import (
    Account,
    Bracket,
    Mode,
    Position,
    Side,
    bankruptcy_price,
    liquidation_price,
)

# The symbols the venues' tables use; on the default table a symbol is only a name.
BTC = "BTC"
ETH = "ETH"
BTC_PRICE = Decimal(60_000)
ETH_PRICE = Decimal(3_000)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
HOURS_PER_DAY = 24


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def fallen(price: Decimal, percent: Decimal) -> Decimal:
    """`price` after a fall of `percent` (12 is 12%)."""
    return price * (1 - percent / HUNDRED)


def risen(price: Decimal, percent: Decimal) -> Decimal:
    """`price` after a rise of `percent` (a negative one is a fall)."""
    return price * (1 + percent / HUNDRED)


def venue(key: str):
    """A venue's rules and data (`simulator.venues.Venue`), through the engine."""
    return Account(Decimal(0), (), venue=key).rules


BINANCE = venue("binance")
BYBIT = venue("bybit")
OKX = venue("okx")


def sized(
    symbol: str,
    side: Side,
    size: Decimal,
    price: Decimal,
    leverage: Decimal,
    mode: Mode = Mode.ISOLATED,
    margin: Decimal | None = None,
) -> Position:
    """A position worth `size` dollars at `price` (its entry)."""
    return Position.from_notional(symbol, side, size, price, leverage, mode=mode, margin=margin)


def on_margin(
    symbol: str,
    side: Side,
    price: Decimal,
    margin: Decimal,
    leverage: Decimal,
    mode: Mode = Mode.ISOLATED,
) -> Position:
    """A position opened at `price` with `margin` at `leverage` (worth margin x leverage)."""
    return sized(symbol, side, margin * leverage, price, leverage, mode, margin)


def alone(position: Position, balance: Decimal | None = None) -> Account:
    """The position alone in an account holding `balance`, by default just its margin."""
    return Account(position.isolated_margin if balance is None else balance, (position,))


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
    position = sized(BTC, Side.LONG, size, BTC_PRICE, leverage)
    tiers = rules.brackets(BTC) if brackets is None else brackets
    return Account(
        position.initial_margin,
        (position,),
        brackets={BTC: tiers},
        venue=rules.key,
        taker_fee=taker_fee,
    )


def liquidation_of(account: Account, marks=None) -> Decimal:
    """The first position's liquidation price, which the question's setup guarantees."""
    price = liquidation_price(account, 0, marks)
    assert price is not None  # an isolated long above 1x always has one
    return price


def bankruptcy_of(account: Account) -> Decimal:
    """The first position's bankruptcy price, which the question's setup guarantees."""
    price = bankruptcy_price(account, 0)
    assert price is not None  # an isolated long above 1x always has one
    return price
