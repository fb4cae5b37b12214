"""Portfolio margin: one ratio for the whole account, and the venue's action at each level.

Binance's Portfolio Margin counts every asset of the account (margin balances less
loans, the futures wallet and the futures' unrealized PnL), each at its collateral
rate, against the maintenance margin of every futures position and margin loan: the
unified maintenance margin ratio, uniMMR = adjusted equity / maintenance margin. The
lower it falls, the more Binance does: a reminder below 150%, reduce-only below 120%,
liquidation from 105%, a claim for the loss at 100% (`BINANCE_PORTFOLIO_MARGIN`).

OKX's and Bybit's portfolio margin take the maintenance margin from stress scenarios
whose tables are not in our sources: `get_portfolio_rule` names them and says why.

Sources, the formula and what is left out: docs/engine.md, "Portfolio margin".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from types import MappingProxyType

from simulator.engine.accounts import Account, Mode, mark_prices
from simulator.engine.collateral import (
    QUOTE,
    CollateralRule,
    CollateralSchedule,
    Wallet,
    asset_name,
)
from simulator.engine.inputs import ZERO, EngineError, Number, not_negative, show, to_decimal

D = Decimal


@dataclass(frozen=True, slots=True)
class PortfolioLevel:
    """One row of a venue's table: what it does while the ratio is above `above`.

    The last level of a rule has `above` None: it holds every ratio below the others.
    """

    name: str
    action: str
    above: Decimal | None
    liquidation: bool = False
    """True where the venue takes over the account."""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise EngineError("Every portfolio-margin level needs a name.")
        if self.above is not None:
            above = to_decimal(self.above, f"The threshold of the level {self.name!r}")
            if above < 0:
                raise EngineError(
                    f"The threshold of the level {self.name!r} cannot be negative "
                    f"(got {show(above)})."
                )
            object.__setattr__(self, "above", above)


@dataclass(frozen=True)
class PortfolioRule:
    """A venue's portfolio-margin levels, highest threshold first, and where they come from."""

    key: str
    name: str
    levels: Sequence[PortfolioLevel]
    """Any sequence; stored as a tuple. Thresholds strictly decrease; the last has none."""
    venue: str = "binance"
    """The venue whose maintenance-margin brackets the rule counts (an `Account`'s venue)."""
    as_of: str = ""
    source: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        levels = tuple(self.levels) if isinstance(self.levels, Iterable) else ()
        if len(levels) < 2 or not all(isinstance(level, PortfolioLevel) for level in levels):
            raise EngineError(f"{self.name} needs at least two PortfolioLevel rows.")
        thresholds = [level.above for level in levels[:-1]]
        if any(above is None for above in thresholds) or levels[-1].above is not None:
            raise EngineError(
                f"In {self.name} every level but the last needs a threshold, and the last none."
            )
        for higher, lower in pairwise(thresholds):
            assert higher is not None and lower is not None  # checked just above
            if lower >= higher:
                raise EngineError(
                    f"The thresholds of {self.name} must decrease from the first level "
                    f"to the last ({show(higher)} then {show(lower)})."
                )
        object.__setattr__(self, "levels", levels)

    @property
    def liquidation_threshold(self) -> Decimal | None:
        """The ratio at or below which the venue liquidates: the threshold of the first
        level above a liquidation level (None if no level liquidates)."""
        for higher, lower in pairwise(self.levels):
            if lower.liquidation:
                return higher.above
        return None

    def level(self, equity: Decimal, maintenance: Decimal) -> PortfolioLevel:
        """The level of an account with this adjusted equity and maintenance margin.

        Compared as equity > threshold x maintenance, without dividing, so that a ratio
        exactly at a threshold falls in the lower level, as the venue's table has it.
        With no maintenance margin the first level, unless the equity is below 0:
        Binance liquidates then "even if there are no open positions, loans, or orders".
        """
        if maintenance <= 0:
            return self.levels[-1] if equity < 0 else self.levels[0]
        for level in self.levels[:-1]:
            assert level.above is not None  # every level but the last has one
            if equity > level.above * maintenance:
                return level
        return self.levels[-1]


# Binance, "Binance Portfolio Margin Pro Maintenance Margin Ratio Calculation", its
# table of uniMMR and status:
# https://binance.com/en-IN/support/faq/binance-portfolio-margin-pro-maintenance-margin-ratio-calculation-5e33af8e6ac04d57a1d0a3398e0a0752
BINANCE_PORTFOLIO_MARGIN = PortfolioRule(
    key="binance",
    name="Binance Portfolio Margin",
    levels=(
        PortfolioLevel("trade freely", "You can trade freely.", D("1.5")),
        PortfolioLevel(
            "margin call",
            "A reminder to transfer funds, repay margin loans or reduce futures positions.",
            D("1.2"),
        ),
        PortfolioLevel(
            "reduce-only",
            "New orders are refused; only orders that reduce positions are accepted.",
            D("1.05"),
        ),
        PortfolioLevel(
            "liquidation",
            "The account is liquidated: the liquidation system takes it over.",
            D(1),
            liquidation=True,
        ),
        PortfolioLevel(
            "liquidation, claim for loss",
            "The account is liquidated and Binance may claim the loss beyond the equity.",
            None,
            liquidation=True,
        ),
    ),
    as_of="2024-11-06",
    source=(
        "https://binance.com/en-IN/support/faq/"
        "binance-portfolio-margin-pro-maintenance-margin-ratio-calculation-"
        "5e33af8e6ac04d57a1d0a3398e0a0752"
    ),
    note=(
        "The thresholds of Binance's Portfolio Margin Pro table; liquidation 'when an "
        "account's uniMMR falls below 105%' (How Does Liquidation Work in the Binance "
        "Portfolio Margin Account, 2022-04-18). The formula as the uniMMR FAQ states it, "
        "last updated 2024-11-06."
    ),
)

# With no wallet, the futures wallet alone: USDT at 100%, as today's single-asset
# account counts it (Binance's own Portfolio Margin rates are not in our sources).
FUTURES_ONLY = CollateralSchedule(
    key="futures-only",
    name="the USDT futures wallet alone",
    rules=(CollateralRule.flat(QUOTE, 1),),
    note="USDT at 100%: the single-asset account.",
)

PORTFOLIO_RULES: Mapping[str, PortfolioRule] = MappingProxyType(
    {rule.key: rule for rule in (BINANCE_PORTFOLIO_MARGIN,)}
)

LEFT_OUT: Mapping[str, str] = MappingProxyType(
    {
        "okx": (
            "OKX's portfolio margin takes each risk unit's maintenance margin from stress "
            "tests (modules MR1 to MR9) whose scenario tables are not in our sources, so "
            "we do not compute it."
        ),
        "bybit": (
            "Bybit's Portfolio Margin mode takes the maintenance margin from price and "
            "volatility scenarios not in our sources (it liquidates when the account's "
            "maintenance margin rate reaches 100%), so we do not compute it."
        ),
    }
)


def get_portfolio_rule(key: object) -> PortfolioRule:
    """A venue's portfolio-margin rule by key ("binance"), or the rule given."""
    if isinstance(key, PortfolioRule):
        return key
    name = str(key).strip().lower()
    if name in PORTFOLIO_RULES:
        return PORTFOLIO_RULES[name]
    known = ", ".join(PORTFOLIO_RULES)
    if name in LEFT_OUT:
        raise EngineError(f"{LEFT_OUT[name]} We have: {known}.")
    raise EngineError(f"There is no portfolio-margin rule for {key!r} (we have: {known}).")


@dataclass(frozen=True, slots=True)
class PortfolioAsset:
    """One asset's line of Binance's ∑Equity, in the asset and in USD."""

    asset: str
    margin_asset: Decimal
    """Held in the margin account (the wallet)."""
    loan: Decimal
    futures_asset: Decimal
    """The futures wallet (the account's balance, for USDT)."""
    unrealized_pnl: Decimal
    price: Decimal
    equity: Decimal
    """MarginAsset - MarginLoan + futuresAsset + futuresUnrealPnL, in the asset."""
    actual_value: Decimal
    """equity x price: without the collateral rate (Binance's "actualEquity")."""
    adjusted_value: Decimal
    """min(equity x price x collateral rate, equity x price): a debt counts in full."""
    loan_maintenance: Decimal
    """Loan x the loans' maintenance margin rate, in the asset."""


@dataclass(frozen=True, slots=True)
class PortfolioPosition:
    """A futures position at its mark: its PnL and maintenance margin, in USDT."""

    index: int
    symbol: str
    mark_price: Decimal
    unrealized_pnl: Decimal
    maintenance_margin: Decimal


@dataclass(frozen=True, slots=True)
class PortfolioMargin:
    """The account under a portfolio-margin rule at the given prices."""

    rule: PortfolioRule
    assets: tuple[PortfolioAsset, ...]
    positions: tuple[PortfolioPosition, ...]
    actual_equity: Decimal
    """Every asset at its price, without collateral rates."""
    open_loss: Decimal
    adjusted_equity: Decimal
    """∑ adjusted values - open loss: the ratio's numerator."""
    futures_maintenance: Decimal
    margin_maintenance: Decimal
    maintenance: Decimal
    """futures + margin maintenance margin, in USD: the ratio's denominator."""
    ratio: Decimal | None
    """adjusted equity / maintenance (uniMMR); None when nothing needs maintenance."""
    level: PortfolioLevel

    @property
    def liquidated(self) -> bool:
        return self.level.liquidation

    @property
    def loss_to_liquidation(self) -> Decimal | None:
        """How much the adjusted equity can lose before liquidation (negative once past
        it); None with no maintenance margin or no liquidation level."""
        threshold = self.rule.liquidation_threshold
        if threshold is None or self.maintenance <= 0:
            return None
        return self.adjusted_equity - threshold * self.maintenance


def _amounts(given: Mapping[str, Number] | None, what: str) -> dict[str, Decimal]:
    """Amounts (or prices) by upper-case asset name, none negative."""
    if given is None:
        return {}
    if not isinstance(given, Mapping):
        raise EngineError(f"The {what}s must map each asset to its {what}.")
    result: dict[str, Decimal] = {}
    for asset, amount in given.items():
        name = asset_name(asset)
        result[name] = result.get(name, ZERO) + not_negative(amount, f"The {what} of {name}")
    return result


def portfolio_margin(
    account: Account,
    *,
    wallet: Wallet | None = None,
    prices: Mapping[str, Number] | None = None,
    marks: Mapping[str, Number] | None = None,
    loans: Mapping[str, Number] | None = None,
    loan_rate: Number | None = None,
    open_loss: Number = 0,
    rule: str | PortfolioRule = "binance",
) -> PortfolioMargin:
    """The account's portfolio-margin ratio and level under `rule` (Binance's by default).

    `account` holds the USDⓈ-M futures: its balance is the USDT futures wallet, its
    positions (all cross) give the unrealized PnL and, by the venue's brackets, the
    maintenance margin at `marks` (each symbol's entry price if None). `wallet` holds
    the margin account's assets, counted at its schedule's collateral rates (None: no
    margin assets, and the futures' USDT at 100%, `FUTURES_ONLY`); `loans`
    the margin loans by asset, whose maintenance margin is loan x `loan_rate`.
    `prices` are the assets' index prices in USD (USDT's is 1 unless given).
    `open_loss` (USD) is what the margin account's open orders would lose.
    """
    if not isinstance(account, Account):
        raise EngineError("Portfolio margin needs an Account of the futures positions.")
    chosen = get_portfolio_rule(rule)
    if account.venue != chosen.venue:
        raise EngineError(
            f"{chosen.name} counts maintenance margin by {chosen.venue}'s brackets: build "
            f"the account with venue={chosen.venue!r} (it follows {account.venue!r})."
        )
    if any(position.mode is not Mode.CROSS for position in account.positions):
        raise EngineError(
            "Portfolio margin counts every position against the whole account: make "
            "every position cross."
        )
    held = Wallet({}, FUTURES_ONLY) if wallet is None else wallet
    if not isinstance(held, Wallet):
        raise EngineError("The margin assets must be a Wallet.")
    given_prices = _amounts(prices, "price")
    borrowed = _amounts(loans, "loan")
    rate = ZERO
    if any(borrowed.values()):
        if loan_rate is None:
            raise EngineError(
                "Give the maintenance margin rate of the margin loans (loan_rate): "
                "Binance's depends on the leverage chosen."
            )
        rate = not_negative(loan_rate, "The loans' maintenance margin rate")
    lost = not_negative(open_loss, "The open loss")

    current = mark_prices(account, marks)
    lines = []
    for i, position in enumerate(account.positions):
        mark = current[position.symbol]
        lines.append(
            PortfolioPosition(
                i,
                position.symbol,
                mark,
                position.unrealized_pnl(mark),
                account.position_maintenance(i, mark),
            )
        )
    pnl = sum((line.unrealized_pnl for line in lines), start=ZERO)
    futures = {QUOTE: account.balance} if account.balance or account.positions else {}

    rows = []
    for asset in dict.fromkeys([*held.balances, *borrowed, *futures]):
        price = _price(given_prices, asset)
        margin_asset = held.balances.get(asset, ZERO)
        loan = borrowed.get(asset, ZERO)
        futures_asset = futures.get(asset, ZERO)
        asset_pnl = pnl if asset == QUOTE else ZERO
        equity = margin_asset - loan + futures_asset + asset_pnl
        actual = equity * price
        # min(X x P x rate, X x P): each rate is at most 100%, so an asset held counts
        # at its collateral value, a debt in full.
        adjusted = held.schedule.rule(asset).value(equity, price) if equity > 0 else actual
        rows.append(
            PortfolioAsset(
                asset,
                margin_asset,
                loan,
                futures_asset,
                asset_pnl,
                price,
                equity,
                actual,
                adjusted,
                loan * rate,
            )
        )

    quote_price = _price(given_prices, QUOTE)
    futures_mm = sum((line.maintenance_margin for line in lines), start=ZERO) * quote_price
    margin_mm = sum((row.loan_maintenance * row.price for row in rows), start=ZERO)
    maintenance = futures_mm + margin_mm
    adjusted_equity = sum((row.adjusted_value for row in rows), start=ZERO) - lost
    return PortfolioMargin(
        rule=chosen,
        assets=tuple(rows),
        positions=tuple(lines),
        actual_equity=sum((row.actual_value for row in rows), start=ZERO),
        open_loss=lost,
        adjusted_equity=adjusted_equity,
        futures_maintenance=futures_mm,
        margin_maintenance=margin_mm,
        maintenance=maintenance,
        ratio=adjusted_equity / maintenance if maintenance > 0 else None,
        level=chosen.level(adjusted_equity, maintenance),
    )


def _price(prices: Mapping[str, Decimal], asset: str) -> Decimal:
    if asset in prices:
        return prices[asset]
    if asset == QUOTE:
        return D(1)
    raise EngineError(f"No price was given for {asset}.")


def portfolio_level(ratio: Number, rule: str | PortfolioRule = "binance") -> PortfolioLevel:
    """The level a ratio (uniMMR, 1.5 for 150%) falls in under `rule`."""
    value = to_decimal(ratio, "The portfolio margin ratio")
    return get_portfolio_rule(rule).level(value, D(1))


__all__ = [
    "BINANCE_PORTFOLIO_MARGIN",
    "PORTFOLIO_RULES",
    "PortfolioAsset",
    "PortfolioLevel",
    "PortfolioMargin",
    "PortfolioPosition",
    "PortfolioRule",
    "get_portfolio_rule",
    "portfolio_level",
    "portfolio_margin",
]
