"""The venues: each exchange's liquidation rule, fees, funding interval and tier tables.

Pure data and pure Python (no Django). The engine (`simulator.engine`) applies a
venue's rule when an account names it (`Account(..., venue="okx")`); this module
says what each venue does and where that is published. Every number here has a
source, given next to it and in ``docs/engine.md`` ("Venues"), which also says
what each venue's rule includes and leaves out.

Tables go stale: exchanges change their tiers without notice. Each table carries
the date of the copy it was taken from (`VenueTable.as_of`) and its source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from types import MappingProxyType

from simulator.engine.inputs import EngineError
from simulator.engine.tiers import DEFAULT_BRACKETS, Bracket, TierBasis

__all__ = [
    "OTHER_RULES",
    "VENUES",
    "Tier",
    "Venue",
    "VenueTable",
    "base_asset",
    "get_venue",
    "hyperliquid_rate",
]

D = Decimal


@dataclass(frozen=True, slots=True)
class Tier:
    """One row of a venue's published table: from `floor`, `rate`; `max_leverage` as listed."""

    floor: Decimal
    rate: Decimal
    max_leverage: Decimal | None = None


@dataclass(frozen=True, slots=True)
class VenueTable:
    """A venue's maintenance table for one asset, with where and when it was read."""

    tiers: tuple[Tier, ...]
    as_of: str
    source: str
    basis: TierBasis = TierBasis.NOTIONAL
    note: str = ""
    """What is uncertain about the table (empty when it is the venue's own, as published)."""

    @property
    def brackets(self) -> tuple[Bracket, ...]:
        return tuple(Bracket(t.floor, t.rate, self.basis) for t in self.tiers)


DEFAULT_TABLE_NOTE = (
    "Not this venue's table: a symbol other than BTC or ETH gets the flat 0.5% "
    "maintenance rate of the lessons (the engine's DEFAULT_BRACKETS)."
)


@dataclass(frozen=True, slots=True)
class Venue:
    """An exchange's rules for USDT- (or USDC-) margined linear perpetuals.

    Fee rates are the standard (lowest-volume, non-VIP) tier. `liquidation_fee` is
    the rate of the notional the venue charges when it liquidates (see `rule_notes`
    for exactly what each venue does); 0 where there is none.
    """

    key: str
    name: str
    maker_fee: Decimal
    taker_fee: Decimal
    liquidation_fee: Decimal
    funding_hours: int
    tables_as_of: str
    source_url: str
    summary: str
    """The liquidation rule in one sentence, for learners."""
    whole_position_tiers: bool = False
    """True: a tier's rate applies to the whole position, with no maintenance amount."""
    fee_in_maintenance: bool = False
    """True: the taker fee rate x value counts in the maintenance margin (OKX)."""
    fee_on_added_margin: bool = False
    """True: margin added beyond the initial margin counts as added / (1 - side x taker)."""
    liquidation_fee_is_taker: bool = False
    """True: the liquidation fee is the taker fee rate in use (an edited rate follows)."""
    maintenance_at_entry: bool = False
    """True: a position's maintenance margin is taken on its value at entry and stays
    fixed (Bybit's classic account); False: on its value at the mark."""
    in_force: str = ""
    """Where the venue documents two rules (`OTHER_RULES`): which accounts this one is for."""
    fee_url: str = ""
    funding_url: str = ""
    rule_notes: str = ""
    """What the venue does at liquidation, beyond the rule."""
    tables: Mapping[str, VenueTable] = field(default_factory=dict)
    liquidation_fees: Mapping[str, Decimal] = field(default_factory=dict)
    """Per-asset liquidation fee rates where they differ from `liquidation_fee`."""

    def table(self, symbol: str) -> VenueTable | None:
        """The venue's table for `symbol`'s asset, or None (the default table applies)."""
        return self.tables.get(base_asset(symbol))

    def brackets(self, symbol: str) -> tuple[Bracket, ...]:
        """The venue's tiers for "BTC", "BTCUSDT", "ETH-USDT-SWAP", ...

        For an asset without a table here: `DEFAULT_BRACKETS` (flat 0.5%), which is
        not the venue's; see `DEFAULT_TABLE_NOTE`.
        """
        table = self.table(symbol)
        return DEFAULT_BRACKETS if table is None else table.brackets

    def liquidation_fee_rate(self, symbol: str, taker_fee: Decimal | None = None) -> Decimal:
        """The liquidation fee rate for `symbol`; `taker_fee` replaces a taker-based rate."""
        if self.liquidation_fee_is_taker:
            return self.taker_fee if taker_fee is None else taker_fee
        return self.liquidation_fees.get(base_asset(symbol), self.liquidation_fee)


_QUOTES = ("USDT", "USDC", "BUSD", "USD", "PERP")


def base_asset(symbol: str) -> str:
    """ "BTCUSDT", "btc", "BTC-USDT-SWAP", "BTC/USDT:USDT", "BTC-USD" -> "BTC"."""
    text = str(symbol).strip().upper()
    for separator in "-/:_ ":
        text = text.split(separator, 1)[0]
    for quote in _QUOTES:
        if text.endswith(quote) and len(text) > len(quote):
            return text[: -len(quote)]
    return text


def _tiers(*rows: tuple[str | int, str] | tuple[str | int, str, str | int]) -> tuple[Tier, ...]:
    return tuple(Tier(D(row[0]), D(row[1]), D(row[2]) if len(row) > 2 else None) for row in rows)


# --------------------------------------------------------------------------- Binance

_BINANCE_SNAPSHOT = (
    "Binance's GET /fapi/v1/leverageBracket response as stored in freqtrade's "
    "freqtrade/exchange/binance_leverage_tiers.json (commit 01d10aeb), "
    "https://github.com/freqtrade/freqtrade/blob/01d10aebcab25c526473c603a88e14eb7d9699cc/"
    "freqtrade/exchange/binance_leverage_tiers.json"
)
# Dated by its content: the same file still lists the 240927 and 241227 quarterlies.
_BINANCE_AS_OF = "about mid-2024"

BINANCE = Venue(
    key="binance",
    name="Binance USDS-M",
    maker_fee=D("0.0002"),
    taker_fee=D("0.0005"),
    # Binance's old page: "a liquidation fee (0.3% on BTC/USDT perpetual contract; 0.5% on
    # all other perpetual contracts) will be charged on the amount liquidated only". The
    # current per-symbol rate is on Binance's trading-rules page; it was not in our sources.
    liquidation_fee=D("0.005"),
    liquidation_fees=MappingProxyType({"BTC": D("0.003")}),
    funding_hours=8,
    tables_as_of=_BINANCE_AS_OF,
    source_url=(
        "https://www.binance.com/en/support/faq/"
        "how-to-calculate-liquidation-price-of-usd%E2%93%A2-m-futures-contracts-"
        "b3c689c1f50a44cabb3a84e663b81d93"
    ),
    fee_url="https://www.binance.com/en/support/faq/360033544231",
    funding_url=(
        "https://www.binance.com/en/support/announcement/"
        "important-updates-on-funding-rates-of-usd%E2%93%A2-m-perpetual-contracts-"
        "98d6b24d3e5c4f84a8ed04087997d8d0"
    ),
    summary=(
        "Liquidated when margin + PnL falls to notional x tier rate - maintenance amount, "
        "at the mark price; fees are not in the rule."
    ),
    rule_notes=(
        "A liquidation fee (historically 0.3% on BTCUSDT, 0.5% on other perpetuals) is "
        "charged on the amount liquidated, outside the liquidation rule; what is left "
        "above the bankruptcy price goes to the insurance fund."
    ),
    tables=MappingProxyType(
        {
            "BTC": VenueTable(
                tiers=_tiers(
                    (0, "0.004", 125),
                    (50_000, "0.005", 100),
                    (600_000, "0.0065", 75),
                    (3_000_000, "0.01", 50),
                    (12_000_000, "0.02", 25),
                    (70_000_000, "0.025", 20),
                    (100_000_000, "0.05", 10),
                    (230_000_000, "0.10", 5),
                    (480_000_000, "0.125", 4),
                    (600_000_000, "0.15", 3),
                    (800_000_000, "0.25", 2),
                    (1_200_000_000, "0.50", 1),
                ),
                as_of=_BINANCE_AS_OF,
                source=_BINANCE_SNAPSHOT,
            ),
            "ETH": VenueTable(
                tiers=_tiers(
                    (0, "0.004", 125),
                    (50_000, "0.005", 100),
                    (600_000, "0.0065", 75),
                    (3_000_000, "0.01", 50),
                    (12_000_000, "0.02", 25),
                    (50_000_000, "0.025", 20),
                    (65_000_000, "0.05", 10),
                    (150_000_000, "0.10", 5),
                    (320_000_000, "0.125", 4),
                    (400_000_000, "0.15", 3),
                    (530_000_000, "0.25", 2),
                    (800_000_000, "0.50", 1),
                ),
                as_of=_BINANCE_AS_OF,
                source=_BINANCE_SNAPSHOT,
            ),
        }
    ),
)

# --------------------------------------------------------------------------- Bybit

_BYBIT_BTC_SOURCE = (
    "Bybit, Margin parameters (risk limit tiers of BTCUSDT), "
    "https://bybitx.global/pt-PT/announcement-info/margin-parameters ; tiers 1-20 as "
    "published there and identical in a GET /v5/market/risk-limit snapshot captured "
    "2026-08-05; tier 21 from that snapshot"
)

BYBIT = Venue(
    key="bybit",
    name="Bybit USDT Perpetual",
    maker_fee=D("0.0002"),
    taker_fee=D("0.00055"),
    # No separate liquidation fee was found: the position is closed with the taker fee,
    # charged on the value at the bankruptcy price (the Unified Trading Account counts it
    # in the maintenance margin as the "estimated fee to close").
    liquidation_fee=D("0.00055"),
    liquidation_fee_is_taker=True,
    funding_hours=8,
    tables_as_of="2026-08-05 for BTC (ETH: not found; Bybit's older 1% base rate)",
    source_url="https://www.bybit.com/en/help-center/article/UTA-Trading-Rules",
    fee_url=(
        "https://bybit.nl/nl-NL/help-center/article/"
        "Perpetual-Futures-Contract-Fees-ExplainedDerivatives_Trading_Mechanism_UTA"
    ),
    funding_url=(
        "https://bybit.com/ro-RO/help-center/article/"
        "Funding-fee-calculationDerivatives_Trading_Mechanism_UTA"
    ),
    summary=(
        "Unified Trading Account, isolated: like Binance (tier rate - deduction, at the "
        "mark), but margin added to a position counts as added / (1 - taker fee) for a "
        "long, / (1 + taker fee) for a short."
    ),
    fee_on_added_margin=True,
    in_force=(
        "Bybit's Unified Trading Account, where Bybit has moved every account since September 2023"
    ),
    rule_notes=(
        "The position is closed with the taker fee charged on the value at the bankruptcy "
        "price; margin left above the bankruptcy price goes to the insurance fund."
    ),
    tables=MappingProxyType(
        {
            "BTC": VenueTable(
                tiers=_tiers(
                    (0, "0.005", 100),
                    (2_000_000, "0.0056", 90),
                    (2_600_000, "0.0063", 80),
                    (3_200_000, "0.0067", 75),
                    (3_800_000, "0.0071", 70),
                    (4_400_000, "0.0077", 65),
                    (5_000_000, "0.0091", 55),
                    (5_600_000, "0.01", 50),
                    (8_500_000, "0.013", 45),
                    (10_000_000, "0.015", 40),
                    (14_000_000, "0.016", 35),
                    (20_000_000, "0.02", 30),
                    (28_000_000, "0.025", 25),
                    (38_000_000, "0.029", 20),
                    (50_000_000, "0.03", 19),
                    (55_000_000, "0.035", 18),
                    (60_000_000, "0.036", 17),
                    (65_000_000, "0.038", 16),
                    (70_000_000, "0.04", 15),
                    (75_000_000, "0.045", 14),
                    (80_000_000, "0.05", 13),
                ),
                as_of="2026-08-05",
                source=_BYBIT_BTC_SOURCE,
                note=(
                    "Tiers above 85,000,000 USDT (22 to 35) are not in our sources row by "
                    "row; the last tier here (5% from 80,000,000) is extended beyond."
                ),
            ),
            "ETH": VenueTable(
                tiers=_tiers((0, "0.01")),
                as_of="an undated page of Bybit's older risk-limit model",
                source=(
                    "Bybit Help Center, risk limit (old model): 'the maintenance margin base "
                    "rate is 0.5% for BTC and 1% for ETH, EOS and XRP', "
                    "https://bybit-tr.com/ar-SA/help-center/article/?id=000001095&language=en_US"
                ),
                note=(
                    "Bybit's current ETHUSDT risk-limit tiers were not found; this is the "
                    "published base rate of the older model, 1%, as a single tier."
                ),
            ),
        }
    ),
)

# --------------------------------------------------------------------------- OKX

# Contract face values: "BTCUSDT Perpetual ... Contract Size 0.01BTC" (OKX, I. Perpetual
# swaps, https://www.okx.com/help/7053456733325) and "ETHUSDT Perpetual Swap ... Adjusted
# Face Value 0.1 ETH" (OKX, Adjustment of Face Value for USDT-margined Perpetual Swap,
# https://www.chouyi.info/fr/help/adjustment-of-face-value-for-usdt-margined-perpetual-swap-futures-trading).
OKX_FACE_VALUES = MappingProxyType({"BTC": D("0.01"), "ETH": D("0.1")})


def _okx_eth_tiers() -> tuple[Tier, ...]:
    """ETHUSDT perpetual, in contracts of 0.1 ETH, as OKX published it (2021-06-11).

    Tier 1: 0-3,000 conts, 0.40%, 125x; Tier 2: 3,001-6,000, 0.50%, 100x; Tier 3:
    6,001-12,000, 1.00%, 66.66x; "Tier 4+: Increase by 12,000 conts from the previous
    tier | Increase by 0.5% from the previous tier". We write that rule out to tier 20.
    """
    face = OKX_FACE_VALUES["ETH"]
    rows = [
        Tier(D(0), D("0.004"), D(125)),
        Tier(3_001 * face, D("0.005"), D(100)),
        Tier(6_001 * face, D("0.01"), D("66.66")),
    ]
    for n in range(4, 21):
        floor = (12_000 * (n - 3) + 1) * face
        rows.append(Tier(floor, D("0.01") + D("0.005") * (n - 3)))
    return tuple(rows)


OKX = Venue(
    key="okx",
    name="OKX USDT-margined swap",
    maker_fee=D("0.0002"),
    taker_fee=D("0.0005"),
    liquidation_fee=D("0.0005"),
    liquidation_fee_is_taker=True,
    funding_hours=8,
    tables_as_of=(
        "2021-06-11 for ETH (BTC: an undated copy on another site; OKX's own was not found)"
    ),
    source_url=("https://okx.huicker.com/fr-fr/help/v-tiered-maintenance-margin-ratio-rules"),
    fee_url="https://www.okx.com/fees",
    funding_url="https://www.okx.com/help/360053909272",
    summary=(
        "Liquidated when equity falls to the maintenance margin plus the liquidation fee "
        "(taker fee x position value): the tier's rate, set by the size in contracts, "
        "applies to the whole position, plus the taker rate; no maintenance amount."
    ),
    whole_position_tiers=True,
    fee_in_maintenance=True,
    rule_notes=(
        "The liquidation fee (position value x taker rate) is part of the liquidation "
        "condition and goes to OKX's insurance fund; large positions are first reduced "
        "tier by tier."
    ),
    tables=MappingProxyType(
        {
            "BTC": VenueTable(
                tiers=(
                    Tier(D(0), D("0.005"), D(100)),
                    Tier(20_001 * OKX_FACE_VALUES["BTC"], D("0.01"), D("66.66")),
                ),
                as_of="an undated copy on another site (OKX's own was not found)",
                source=(
                    "Third-party copy of an OKX tier table ('BTC Perpetual': Tier 1 0-20,000 "
                    "conts 0.50% 100x, Tier 2 20,001-22,000 1.00% 66.66x), "
                    "https://wuyelx.com/7028.html"
                ),
                basis=TierBasis.QUANTITY,
                note=(
                    "OKX's own BTC-USDT-SWAP tiers were not found. This third-party table "
                    "does not say which BTC contract it is; we read it in contracts of "
                    "0.01 BTC (the USDT swap's size) and extend its last tier beyond."
                ),
            ),
            "ETH": VenueTable(
                tiers=_okx_eth_tiers(),
                as_of="2021-06-11",
                source=(
                    "OKEx, OKEx position tiers to be adjusted (ETHUSDT perpetual), "
                    "https://support.okexcn.com/hc/en-us/articles/"
                    "4402607424781-OKEx-position-tiers-to-be-adjusted"
                ),
                basis=TierBasis.QUANTITY,
                note=(
                    "Tiers in contracts of 0.1 ETH, converted to ETH; tiers 4 to 20 written "
                    "out from the published rule (+12,000 contracts and +0.5% per tier)."
                ),
            ),
        }
    ),
)

# --------------------------------------------------------------------------- Hyperliquid


def hyperliquid_rate(max_leverage: int | Decimal) -> Decimal:
    """Hyperliquid's maintenance rate: half the initial margin rate at the maximum leverage."""
    return 1 / (2 * D(max_leverage))


def _hyperliquid(*rows: tuple[int, int]) -> tuple[Tier, ...]:
    """Tiers from (lower bound, max leverage)."""
    return tuple(Tier(D(floor), hyperliquid_rate(lev), D(lev)) for floor, lev in rows)


_HYPERLIQUID_TIERS = "https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margin-tiers"

HYPERLIQUID = Venue(
    key="hyperliquid",
    name="Hyperliquid",
    maker_fee=D("0.00015"),
    taker_fee=D("0.00045"),
    liquidation_fee=D(0),
    funding_hours=1,
    tables_as_of="an undated copy of the documentation",
    source_url="https://hyperliquid.gitbook.io/hyperliquid-docs/trading/liquidations",
    fee_url="https://hyperliquid.gitbook.io/hyperliquid-docs/trading/fees",
    funding_url="https://hyperliquid.gitbook.io/hyperliquid-docs/trading/funding",
    summary=(
        "Liquidated when account value falls to the maintenance margin: half the initial "
        "margin at the tier's maximum leverage, with a deduction like Binance's."
    ),
    rule_notes=(
        "No liquidation fee on a liquidation through the order book, and the trader keeps "
        "what is left; a backstop liquidation (below 2/3 of the maintenance margin) "
        "transfers the position and its margin to the liquidator vault."
    ),
    tables=MappingProxyType(
        {
            "BTC": VenueTable(
                tiers=_hyperliquid((0, 40), (150_000_000, 20)),
                as_of="an undated copy of the documentation",
                source=_HYPERLIQUID_TIERS,
            ),
            "ETH": VenueTable(
                tiers=_hyperliquid((0, 25), (100_000_000, 15)),
                as_of="an undated copy of the documentation",
                source=_HYPERLIQUID_TIERS,
            ),
        }
    ),
)

# --------------------------------------------------------------------------- dYdX

_DYDX_LARGE_CAP = (
    "dYdX, Funding (v4 documentation): 'Large-Cap 5% initial / 3% maintenance', BTC-USD "
    "is Large-Cap; chain genesis: liquidity tier 0 initial 50,000 ppm, maintenance "
    "fraction 600,000 ppm (60% of 5% = 3%), "
    "https://docs.dydx.exchange/concepts-trading/margin"
)

DYDX = Venue(
    key="dydx",
    name="dYdX v4",
    maker_fee=D("0.0001"),
    taker_fee=D("0.0005"),
    # "up to the entire remaining value of the account may be taken as penalty ... after
    # they have paid the Maximum Liquidation Penalty of 1.5%": the maximum.
    liquidation_fee=D("0.015"),
    funding_hours=1,
    tables_as_of="an undated copy of the documentation",
    source_url="https://dydx-documentation-six.vercel.app/concepts/trading/liquidations",
    fee_url="https://docs.dydx.exchange/introduction-trading_fees",
    funding_url="https://docs.dydx.exchange/concepts-trading/funding",
    summary=(
        "Liquidated when account value falls to |size x oracle price x maintenance "
        "fraction|: one fraction per market (BTC and ETH: 3%), no tiers."
    ),
    rule_notes=(
        "A penalty of up to 1.5% goes to the insurance fund at liquidation; it is not "
        "in the liquidation condition. Isolated margin is a separate subaccount."
    ),
    tables=MappingProxyType(
        {
            "BTC": VenueTable(
                tiers=_tiers((0, "0.03", 20)),
                as_of="an undated copy of the documentation",
                source=_DYDX_LARGE_CAP,
            ),
            "ETH": VenueTable(
                tiers=_tiers((0, "0.03", 20)),
                as_of="an undated copy of the documentation",
                source=_DYDX_LARGE_CAP,
                note=(
                    "ETH-USD in the Large-Cap tier is read from the local network's genesis "
                    "file, not confirmed for mainnet (the docs' worked examples use 5%)."
                ),
            ),
        }
    ),
)

# Bybit's Standard ("classic") account, whose help-centre article "Liquidation Price
# (USDT Contract)" takes the maintenance margin on the value at entry:
# "LP (Long) = Entry Price - [(Initial Margin - Maintenance Margin)/Position Size] - (Extra
# Margin Added/Position Size)", "Maintenance Margin (MM) = (Position Value x MMR) -
# Maintenance Margin Deduction", "Position Value = Contract Size x Entry Price". Bybit has
# moved every account to the Unified Trading Account (from September 2023), so `bybit`
# follows the UTA; this rule is kept for comparison (`OTHER_RULES`, the breakdown).
BYBIT_CLASSIC = replace(
    BYBIT,
    key="bybit-classic",
    name="Bybit USDT Perpetual (classic account)",
    source_url=(
        "https://testnet.bybit.com/en-US/help-center/s/article/Liquidation-Price-USDT-Contract"
    ),
    summary=(
        "The maintenance margin is taken on the position's value at entry and stays "
        "fixed; margin added to an isolated position counts at face value."
    ),
    fee_on_added_margin=False,
    maintenance_at_entry=True,
    in_force="Bybit's Standard (classic) account, retired from September 2023",
)

VENUES: Mapping[str, Venue] = MappingProxyType(
    {venue.key: venue for venue in (BINANCE, BYBIT, OKX, HYPERLIQUID, DYDX)}
)
"""Every venue by key, in display order."""

OTHER_RULES: Mapping[str, Venue] = MappingProxyType(
    {BYBIT.key: BYBIT_CLASSIC, BYBIT_CLASSIC.key: BYBIT}
)
"""A venue's other documented rule (an account type it has retired), for comparison."""

_BY_KEY = {**VENUES, BYBIT_CLASSIC.key: BYBIT_CLASSIC}


def get_venue(key: object, *, retired: bool = False) -> Venue:
    """The venue with this key (case and spaces ignored), or a Venue as is.

    With `retired`, also a rule of `OTHER_RULES` that is not in `VENUES`
    ("bybit-classic"); accounts accept those, the simulator's pages do not.
    """
    if isinstance(key, Venue):
        return key
    text = str(key).strip().lower()
    venue = (_BY_KEY if retired else VENUES).get(text)
    if venue is None:
        raise EngineError(f"There is no venue {str(key)!r}. The venues are: {', '.join(VENUES)}.")
    return venue
