"""Collateral in several assets: each counted at its venue's ratio, at its own price.

A multi-asset wallet (Binance's Multi-Assets Mode, Bybit's Unified Trading Account)
counts each asset it holds at its price times a "collateral value ratio" below 100%
(the haircut), and at tiers of the amount held where the venue sets them. The sum,
in USDT, is the wallet balance the rest of the engine takes (`collateral_value`).
Since the value of a coin moves with its own price, a long held on coin collateral
loses twice as that coin falls: `collateral_liquidation_price` finds where.

Sources, the formula and what is left out: docs/engine.md, "Collateral".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from itertools import pairwise
from types import MappingProxyType

from simulator.engine.accounts import Account, Mode, checked_index, mark_prices
from simulator.engine.inputs import ONE, ZERO, EngineError, Number, show, to_decimal, to_enum
from simulator.engine.liquidation import Interval, nearest, union
from simulator.engine.tiers import TierBasis
from simulator.engine.venues import base_asset

D = Decimal
QUOTE = "USDT"
"""The currency values are counted in; its price is 1 unless one is given."""


def asset_name(asset: object) -> str:
    if not isinstance(asset, str) or not asset.strip():
        raise EngineError("Every asset needs a name, such as BTC or USDT.")
    return asset.strip().upper()


@dataclass(frozen=True, slots=True)
class CollateralTier:
    """One tier: `ratio` counts the part of the holding from `floor` up to the next floor.

    `floor` is an amount of the asset, or a value in USDT when the rule's basis is
    `TierBasis.NOTIONAL`.
    """

    floor: Decimal
    ratio: Decimal

    def __post_init__(self) -> None:
        floor = to_decimal(self.floor, "A collateral tier's floor")
        ratio = to_decimal(self.ratio, "A collateral ratio")
        if floor < 0:
            raise EngineError(f"A collateral tier's floor cannot be negative (got {show(floor)}).")
        if not ZERO <= ratio <= ONE:
            raise EngineError(
                f"A collateral ratio must be between 0% and 100% (got {show(ratio * 100)}%)."
            )
        object.__setattr__(self, "floor", floor)
        object.__setattr__(self, "ratio", ratio)


@dataclass(frozen=True, slots=True)
class CollateralRule:
    """How a venue counts one asset: its tiers, on the amount held or on its value."""

    asset: str
    tiers: Sequence[CollateralTier]
    """Any sequence; stored as a tuple. Floors start at 0 and strictly increase."""
    basis: TierBasis = TierBasis.QUANTITY

    def __post_init__(self) -> None:
        asset = asset_name(self.asset)
        tiers = tuple(self.tiers) if isinstance(self.tiers, Iterable) else ()
        if not tiers or not all(isinstance(tier, CollateralTier) for tier in tiers):
            raise EngineError(f"The collateral rule for {asset} needs at least one tier.")
        if tiers[0].floor != 0:
            raise EngineError(f"The first collateral tier of {asset} must start at 0.")
        for lower, upper in pairwise(tiers):
            if upper.floor <= lower.floor:
                raise EngineError(f"The collateral tiers of {asset} must have increasing floors.")
        object.__setattr__(self, "asset", asset)
        object.__setattr__(self, "tiers", tiers)
        object.__setattr__(self, "basis", to_enum(TierBasis, self.basis, "A collateral basis"))

    @classmethod
    def flat(cls, asset: str, ratio: Number) -> CollateralRule:
        """One ratio for any amount (Binance's Multi-Assets Mode)."""
        return cls(asset, (CollateralTier(ZERO, to_decimal(ratio, "A collateral ratio")),))

    def value(self, amount: Decimal, price: Decimal) -> Decimal:
        """The collateral value of `amount` at `price`: each tier's ratio on its part."""
        by_value = self.basis is TierBasis.NOTIONAL
        measure = amount * price if by_value else amount
        total = ZERO
        for k, tier in enumerate(self.tiers):
            if measure <= tier.floor:
                break
            top = self.tiers[k + 1].floor if k + 1 < len(self.tiers) else None
            part = (measure if top is None else min(measure, top)) - tier.floor
            total += part * tier.ratio
        return total if by_value else total * price

    def value_floors(self, amount: Decimal) -> tuple[Decimal, ...]:
        """Prices at which `amount` crosses a tier floor (tiers on the value only)."""
        if self.basis is not TierBasis.NOTIONAL or amount == 0:
            return ()
        return tuple(tier.floor / amount for tier in self.tiers[1:])


@dataclass(frozen=True)
class CollateralSchedule:
    """The assets a venue takes as collateral, each with its rule, and where they come from."""

    key: str
    name: str
    rules: Mapping[str, CollateralRule] = field(hash=False)
    """Built from any iterable of rules; stored as a read-only mapping by asset."""
    as_of: str = ""
    source: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        rules = self.rules.values() if isinstance(self.rules, Mapping) else self.rules
        if not isinstance(rules, Iterable) or not all(
            isinstance(rule, CollateralRule) for rule in rules
        ):
            raise EngineError("A collateral schedule needs a list of CollateralRule objects.")
        by_asset = {rule.asset: rule for rule in rules}
        object.__setattr__(self, "rules", MappingProxyType(by_asset))

    def rule(self, asset: str) -> CollateralRule:
        name = asset_name(asset)
        if name not in self.rules:
            if name not in KNOWN_ASSETS:
                raise EngineError(
                    f"We do not know the asset {name!r}: no venue here takes it as collateral."
                )
            taken = ", ".join(self.rules)
            raise EngineError(
                f"{self.name} does not take {name} as collateral in our table (it takes {taken})."
            )
        return self.rules[name]


def _flat(*rows: tuple[str, str]) -> tuple[CollateralRule, ...]:
    return tuple(CollateralRule.flat(asset, D(ratio)) for asset, ratio in rows)


# Binance, "What Is Multi-Assets Mode" (2021-05-28), table "Collateral Value Ratio":
# https://www.binance.com/en-NG/support/faq/29b45c485d664028b9ca1cdf90b24f6f
BINANCE_MULTI_ASSETS = CollateralSchedule(
    key="binance",
    name="Binance Multi-Assets Mode",
    rules=_flat(
        ("BTC", "0.95"),
        ("ETH", "0.95"),
        ("BNB", "0.95"),
        ("XRP", "0.90"),
        ("ADA", "0.90"),
        ("DOT", "0.90"),
        ("SOL", "0.90"),
        ("USDT", "0.9999"),
        ("BUSD", "1"),
        ("USDC", "0.9999"),
    ),
    as_of="2021-05-28",
    source="https://www.binance.com/en-NG/support/faq/29b45c485d664028b9ca1cdf90b24f6f",
    note=(
        "The FAQ's table of 2021; each asset's maximum transfer-in (5 BTC, 70 ETH, ...) is "
        "left out. Binance's 2022 margin-ratio example values USDT at a bid rate instead."
    ),
)

# Bybit, "Understanding Collateral Value Ratios in Unified Trading Account" (updated
# 2025-09-18), its example table ("Assume the tiered value rates of BTC and USDT are
# shown as follows"):
# https://testnet.bytick.com/en/help-center/article/Assets-Collateral-Value-Ratio-List-UTA
BYBIT_UTA = CollateralSchedule(
    key="bybit",
    name="Bybit Unified Trading Account",
    rules=(
        CollateralRule(
            "BTC",
            (
                CollateralTier(D(0), D("0.98")),
                CollateralTier(D(10), D("0.95")),
                CollateralTier(D(20), D("0.9")),
                CollateralTier(D(30), D("0.85")),
                CollateralTier(D(40), D("0.8")),
                CollateralTier(D(50), D(0)),
            ),
        ),
        CollateralRule.flat("USDT", 1),
    ),
    as_of="2025-09-18",
    source="https://testnet.bytick.com/en/help-center/article/Assets-Collateral-Value-Ratio-List-UTA",
    note=(
        "The article's illustrative tiers, not Bybit's live ratios (those come from "
        "GET /v5/spot-margin-trade/collateral, not in our sources)."
    ),
)

COLLATERAL_SCHEDULES: Mapping[str, CollateralSchedule] = MappingProxyType(
    {schedule.key: schedule for schedule in (BINANCE_MULTI_ASSETS, BYBIT_UTA)}
)
KNOWN_ASSETS = frozenset(
    asset for schedule in COLLATERAL_SCHEDULES.values() for asset in schedule.rules
)


def get_schedule(key: object) -> CollateralSchedule:
    """A venue's collateral schedule by key ("binance", "bybit"), or the one given."""
    if isinstance(key, CollateralSchedule):
        return key
    name = str(key).strip().lower()
    if name not in COLLATERAL_SCHEDULES:
        known = ", ".join(COLLATERAL_SCHEDULES)
        raise EngineError(f"There is no collateral table for {key!r} (we have: {known}).")
    return COLLATERAL_SCHEDULES[name]


@dataclass(frozen=True, slots=True)
class Holding:
    """One asset of a wallet at a price: a line of the breakdown."""

    asset: str
    amount: Decimal
    price: Decimal
    market_value: Decimal
    collateral_value: Decimal

    @property
    def haircut(self) -> Decimal:
        """What the venue does not count: market value minus collateral value."""
        return self.market_value - self.collateral_value


@dataclass(frozen=True)
class Wallet:
    """Amounts of each asset, counted by one venue's collateral schedule.

    `balances` maps an asset to the amount held (not negative); `venue` is a key of
    `COLLATERAL_SCHEDULES` or a `CollateralSchedule` of one's own.
    """

    balances: Mapping[str, Number] = field(hash=False)
    """Stored as a read-only mapping of Decimals, by upper-case asset name."""
    venue: str | CollateralSchedule = "binance"
    """Stored as the schedule itself."""

    def __post_init__(self) -> None:
        if not isinstance(self.balances, Mapping):
            raise EngineError("The wallet must map each asset to the amount held.")
        schedule = get_schedule(self.venue)
        balances: dict[str, Decimal] = {}
        for asset, amount in self.balances.items():
            name = asset_name(asset)
            value = to_decimal(amount, f"The amount of {name}")
            if value < 0:
                raise EngineError(f"The amount of {name} cannot be negative (got {show(value)}).")
            schedule.rule(name)  # refuses an asset the venue does not take
            balances[name] = balances.get(name, ZERO) + value
        object.__setattr__(self, "balances", MappingProxyType(balances))
        object.__setattr__(self, "venue", schedule)

    @property
    def schedule(self) -> CollateralSchedule:
        assert isinstance(self.venue, CollateralSchedule)  # set in __post_init__
        return self.venue

    def holdings(self, prices: Mapping[str, Number]) -> tuple[Holding, ...]:
        """Each asset's amount, price, market value and collateral value."""
        given = _prices(prices)
        rows = []
        for asset, amount in self.balances.items():
            price = _price(given, asset)
            rule = self.schedule.rules[asset]
            rows.append(Holding(asset, amount, price, amount * price, rule.value(amount, price)))
        return tuple(rows)

    def market_value(self, prices: Mapping[str, Number]) -> Decimal:
        """Every asset at its price, without haircuts (Bybit's "Total Equity" part)."""
        return sum((row.market_value for row in self.holdings(prices)), start=ZERO)

    def collateral_value(self, prices: Mapping[str, Number]) -> Decimal:
        return sum((row.collateral_value for row in self.holdings(prices)), start=ZERO)


def _prices(prices: Mapping[str, Number], what: str = "price") -> dict[str, Decimal]:
    """Numbers by asset name (`what` names them in a message), none negative."""
    if not isinstance(prices, Mapping):
        raise EngineError(f"The {what}s must map each asset to its {what}.")
    result: dict[str, Decimal] = {}
    for asset, price in prices.items():
        name = asset_name(asset)
        value = to_decimal(price, f"The {what} of {name}")
        if value < 0:
            raise EngineError(f"The {what} of {name} cannot be negative (got {show(value)}).")
        result[name] = value
    return result


def _price(prices: Mapping[str, Decimal], asset: str) -> Decimal:
    if asset in prices:
        return prices[asset]
    if asset == QUOTE:
        return ONE
    raise EngineError(f"No price was given for {asset}.")


def collateral_value(wallet: Wallet, prices: Mapping[str, Number]) -> Decimal:
    """The wallet's collateral value in USDT at `prices`: an `Account`'s balance."""
    return wallet.collateral_value(prices)


def multi_assets_margin_ratio(
    wallet: Wallet,
    prices: Mapping[str, Number],
    maintenance: Mapping[str, Number],
    ask_rates: Mapping[str, Number] | None = None,
) -> Decimal | None:
    """Binance's account margin ratio in Multi-Assets Mode; liquidation at 100%.

    "Account Margin Ratio = Account Maintenance Margin / Account Equity", with each
    margin asset's maintenance margin (`maintenance`, by asset) converted at its ask
    rate (`ask_rates`, default 1) and the equity the wallet's collateral value. None
    when the equity is zero or less.
    """
    rates = {} if ask_rates is None else _prices(ask_rates, "ask rate")
    total = ZERO
    for asset, amount in _prices(maintenance, "maintenance margin").items():
        total += amount * rates.get(asset, ONE)
    equity = wallet.collateral_value(prices)
    return None if equity <= 0 else total / equity


def collateral_liquidation_price(
    account: Account,
    index: int,
    wallet: Wallet,
    prices: Mapping[str, Number] | None = None,
    marks: Mapping[str, Number] | None = None,
) -> Decimal | None:
    """Where position `index` is liquidated when the wallet backs the cross pot.

    The pot's balance is the wallet's collateral value instead of `account.balance`;
    the wallet's coin of the position's symbol (BTC for BTCUSDT) moves with the mark,
    every other asset stays at `prices` (by default a coin at the mark of its symbol)
    and every other symbol at `marks`. Each piece
    between bracket and tier floors is a straight line in the price, so the region
    where equity <= maintenance margin is found exactly, piece by piece, and its
    boundary nearest the current mark returned; None when no price liquidates it.
    Every position must be cross, as in Binance's Multi-Assets Mode.
    """
    i = checked_index(account, index)
    if any(p.mode is not Mode.CROSS for p in account.positions):
        raise EngineError(
            "With collateral in several assets every position is cross: Multi-Assets "
            "Mode supports only the Cross Margin Mode."
        )
    symbol = account.positions[i].symbol
    coin = base_asset(symbol)
    current = mark_prices(account, marks)
    # A coin not priced is at the mark of a symbol on it (ETH at ETHUSDT's mark).
    held = {base_asset(held_symbol): mark for held_symbol, mark in current.items()}
    held.update(_prices({} if prices is None else prices))
    amount = wallet.balances.get(coin, ZERO)
    rule = wallet.schedule.rules.get(coin)
    moving = [k for k, p in enumerate(account.positions) if p.symbol == symbol]
    rest = [k for k in range(len(account.positions)) if k not in moving]

    with localcontext() as context:
        # Each piece's line is found from two points: at 60 digits the products of
        # 28-digit inputs stay exact.
        context.prec = 60
        base = sum(
            (
                wallet.schedule.rules[asset].value(held_amount, _price(held, asset))
                for asset, held_amount in wallet.balances.items()
                if asset != coin
            ),
            start=ZERO,
        )
        for k in rest:
            position = account.positions[k]
            mark = current[position.symbol]
            base += position.unrealized_pnl(mark) - account.position_maintenance(k, mark)

        def pot(price: Decimal) -> Decimal:
            value = base + (rule.value(amount, price) if rule is not None else ZERO)
            for k in moving:
                position = account.positions[k]
                value += position.unrealized_pnl(price) - account.position_maintenance(k, price)
            return value

        floors = {floor for k in moving for floor in account.maintenance_breaks(k)}
        if rule is not None:
            floors.update(rule.value_floors(amount))
        starts = [ZERO, *sorted(f for f in floors if f > 0)]
        region: list[Interval] = []
        for low, high in zip(starts, [*starts[1:], None], strict=True):
            region.extend(_piece_region(pot, low, high))
        found = nearest(union(region), current[symbol])
    return None if found is None else +found


def _piece_region(
    f: Callable[[Decimal], Decimal], low: Decimal, high: Decimal | None
) -> list[Interval]:
    """Where the straight line f takes values <= 0 on [low, high] (high None: no end)."""
    width = ONE if high is None else (high - low) / 4
    first, second = low + width, low + 3 * width
    slope = (f(second) - f(first)) / (second - first)
    at_low = f(first) - slope * width
    if slope == 0:
        return [(low, high)] if at_low <= 0 else []
    root = low - at_low / slope
    if slope > 0:  # <= 0 below the root
        if root < low:
            return []
        return [(low, root if high is None else min(root, high))]
    if high is not None and root > high:
        return []
    return [(max(low, root), high)]
