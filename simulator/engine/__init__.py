"""Margin engine for linear (USDT-margined) perpetual futures.

Pure Python and `Decimal` throughout: no Django, no floats, no rounding. Every
formula, its sources and its assumptions are in ``docs/engine.md``. Every input
that makes no sense raises `EngineError`, whose message can be shown to a
learner as is.

One module per concept; import from here, the package's public API:

* `inputs`: `EngineError`, and how numbers are taken (Decimal, int or str).
* `tiers`: `Bracket`, `TierBasis`, `DEFAULT_BRACKETS`, `maintenance_amounts`,
  `bracket_for`.
* `venues`: each exchange's rule, fees, funding interval and tier tables
  (`Venue`, `VENUES`, `get_venue`).
* `accounts`: the inputs, `Side`, `Mode`, `Position`, `Account` (an account
  follows one venue's rules: `Account(..., venue="binance")`, the default);
  `quantity_for`, `margin_for`.
* `liquidation`: `liquidation_price`, `liquidation_prices`, `liquidation_region`
  (every price at which it is liquidated), `bankruptcy_price`.
* `fees` and `funding`: pure functions returning new accounts: `trading_fee`,
  `with_fees`, `liquidation_fee`, `funding_payment`, `with_funding`.
* `evaluation`: `evaluate(account, marks)`, the whole account at given mark
  prices; `with_mode` and `compare_modes`, the same positions all-isolated or
  all-cross.
* `curve`: `equity_curve(account, symbol, low, high, marks=None)`, the exact
  equity line for one symbol's price, for charts.
* `explanation`: `explain_liquidation_price`, the steps from the textbook price
  to the venue's, one rule at a time (`Explanation`, `Step`).
* `deleveraging`: the insurance fund and auto-deleveraging (`deleverage`,
  `adl_ranking`, `Counterparty`, each venue's `AdlRule`), and partial
  liquidation in steps (`hyperliquid_liquidation_steps`, `okx_liquidation_steps`).
* `collateral`: a wallet of several assets, each at its venue's collateral ratio
  or tiers (`Wallet`, `CollateralRule`, `CollateralTier`, `CollateralSchedule`,
  `BINANCE_MULTI_ASSETS`, `BYBIT_UTA`, `get_schedule`, `Holding`);
  `collateral_value` (an `Account`'s balance), `multi_assets_margin_ratio`,
  `collateral_liquidation_price` (coin collateral moving with the mark).
* `portfolio`: one ratio for the whole account and the venue's action at each level
  (`portfolio_margin`, Binance's uniMMR; `PortfolioMargin`, `PortfolioAsset`,
  `PortfolioPosition`, `PortfolioRule`, `PortfolioLevel`, `BINANCE_PORTFOLIO_MARGIN`,
  `PORTFOLIO_RULES`, `get_portfolio_rule`, `portfolio_level`).
* `replay` (a package): an account along a price path, event by event (`replay`,
  `Replay`, `PathPoint`, `Event`, `EventKind`, `Moment`), partial liquidation in
  steps (`Order`), and with a `Market` (`Trader`, `Shortfall`) the insurance fund's
  draws (`FundDraw`) and auto-deleveraging.
* `paths`: price paths as people type or upload them, into `PathPoint`s.

The modules depend one way, in the order above (no module imports one listed
after it), so each can be read on its own with only those before it.
"""

from simulator.engine.accounts import Account, Mode, Position, Side, margin_for, quantity_for
from simulator.engine.collateral import (
    BINANCE_MULTI_ASSETS,
    BYBIT_UTA,
    COLLATERAL_SCHEDULES,
    CollateralRule,
    CollateralSchedule,
    CollateralTier,
    Holding,
    Wallet,
    collateral_liquidation_price,
    collateral_value,
    get_schedule,
    multi_assets_margin_ratio,
)
from simulator.engine.curve import CurvePoint, CurveSegment, EquityCurve, equity_curve
from simulator.engine.deleveraging import (
    ADL_RULES,
    AdlRule,
    Check,
    Counterparty,
    Deleveraged,
    Deleveraging,
    LiquidationStep,
    Ranked,
    adl_ranking,
    deleverage,
    hyperliquid_liquidation_steps,
    hyperliquid_step,
    okx_liquidation_steps,
    okx_step,
)
from simulator.engine.evaluation import (
    Evaluation,
    PositionState,
    compare_modes,
    evaluate,
    with_mode,
)
from simulator.engine.explanation import Explanation, Step, explain_liquidation_price
from simulator.engine.fees import liquidation_fee, trading_fee, with_fees
from simulator.engine.funding import funding_payment, with_funding
from simulator.engine.inputs import EngineError
from simulator.engine.liquidation import (
    bankruptcy_price,
    liquidation_price,
    liquidation_prices,
    liquidation_region,
)
from simulator.engine.paths import PathError
from simulator.engine.portfolio import (
    BINANCE_PORTFOLIO_MARGIN,
    PORTFOLIO_RULES,
    PortfolioAsset,
    PortfolioLevel,
    PortfolioMargin,
    PortfolioPosition,
    PortfolioRule,
    get_portfolio_rule,
    portfolio_level,
    portfolio_margin,
)
from simulator.engine.replay import (
    RATIO_THRESHOLDS,
    Event,
    EventKind,
    FundDraw,
    Market,
    Moment,
    Order,
    PathPoint,
    Replay,
    Shortfall,
    Trader,
    replay,
)
from simulator.engine.tiers import (
    DEFAULT_BRACKETS,
    Bracket,
    TierBasis,
    bracket_for,
    maintenance_amounts,
)
from simulator.engine.venues import VENUES, Tier, Venue, VenueTable, base_asset, get_venue

__all__ = [
    "ADL_RULES",
    "BINANCE_MULTI_ASSETS",
    "BINANCE_PORTFOLIO_MARGIN",
    "BYBIT_UTA",
    "COLLATERAL_SCHEDULES",
    "DEFAULT_BRACKETS",
    "PORTFOLIO_RULES",
    "RATIO_THRESHOLDS",
    "VENUES",
    "Account",
    "AdlRule",
    "Bracket",
    "Check",
    "CollateralRule",
    "CollateralSchedule",
    "CollateralTier",
    "Counterparty",
    "CurvePoint",
    "CurveSegment",
    "Deleveraged",
    "Deleveraging",
    "EngineError",
    "EquityCurve",
    "Evaluation",
    "Event",
    "EventKind",
    "Explanation",
    "FundDraw",
    "Holding",
    "LiquidationStep",
    "Market",
    "Mode",
    "Moment",
    "Order",
    "PathError",
    "PathPoint",
    "PortfolioAsset",
    "PortfolioLevel",
    "PortfolioMargin",
    "PortfolioPosition",
    "PortfolioRule",
    "Position",
    "PositionState",
    "Ranked",
    "Replay",
    "Shortfall",
    "Side",
    "Step",
    "Tier",
    "TierBasis",
    "Trader",
    "Venue",
    "VenueTable",
    "Wallet",
    "adl_ranking",
    "bankruptcy_price",
    "base_asset",
    "bracket_for",
    "collateral_liquidation_price",
    "collateral_value",
    "compare_modes",
    "deleverage",
    "equity_curve",
    "evaluate",
    "explain_liquidation_price",
    "funding_payment",
    "get_portfolio_rule",
    "get_schedule",
    "get_venue",
    "hyperliquid_liquidation_steps",
    "hyperliquid_step",
    "liquidation_fee",
    "liquidation_price",
    "liquidation_prices",
    "liquidation_region",
    "maintenance_amounts",
    "margin_for",
    "multi_assets_margin_ratio",
    "okx_liquidation_steps",
    "okx_step",
    "portfolio_level",
    "portfolio_margin",
    "quantity_for",
    "replay",
    "trading_fee",
    "with_fees",
    "with_funding",
    "with_mode",
]
