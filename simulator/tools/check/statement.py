"""The positions as an exchange reports them: the figures the check starts from."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from simulator.engine import Mode, Side


class PasteError(ValueError):
    """What is wrong with a paste, in words a trader can act on."""


@dataclass(frozen=True, slots=True)
class Reported:
    """One open position, with the exchange's own figures where it gives them."""

    symbol: str
    side: Side
    quantity: Decimal
    """In coins (OKX's contracts are converted)."""
    entry_price: Decimal
    leverage: Decimal
    mode: Mode
    mark_price: Decimal
    margin: Decimal | None = None
    """Isolated: the margin the position holds, without its unrealized PnL."""
    liquidation_price: Decimal | None = None
    """The exchange's; None where it shows none (no price liquidates, or it is not reported)."""
    maintenance_margin: Decimal | None = None
    last_price: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Statement:
    """An account as one venue reports it."""

    venue: str
    positions: tuple[Reported, ...]
    balance: Decimal | None = None
    """The wallet balance, isolated margins included, unrealized PnL excluded; None when
    the paste does not hold it."""
    notes: tuple[str, ...] = field(default=())
    """How figures were read (a conversion, a field the venue does not report)."""

    @property
    def has_cross(self) -> bool:
        return any(p.mode is Mode.CROSS for p in self.positions)
