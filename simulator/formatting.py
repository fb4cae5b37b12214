"""Numbers for display: the engine never rounds; these do, half up, for people.

Formatting (not quantize) so that any magnitude a learner can type prints
instead of raising: quantize fails once a number has more digits than the
decimal context holds.
"""

from decimal import ROUND_HALF_UP, Decimal, localcontext


def fixed(value: Decimal, places: int) -> str:
    """1234.5 -> '1,234.50' for places=2."""
    with localcontext(rounding=ROUND_HALF_UP):
        return f"{value:,.{places}f}"


def money(value: Decimal) -> str:
    """$1,234.56, or -$1,234.56."""
    return f"{'-' if value < 0 else ''}${fixed(abs(value), 2)}"


def price(value: Decimal) -> str:
    """Two decimals, or eight for prices below one dollar."""
    return fixed(value, 2 if abs(value) >= 1 else 8)


def percent(fraction: Decimal) -> str:
    """0.0955 -> '9.55%'."""
    return f"{fixed(fraction * 100, 2)}%"
