"""Numbers as the curriculum's lessons print them, for the tests that look each figure
up in a lesson's text. The signs are the typographic ones the lessons use."""

from decimal import ROUND_HALF_UP, Decimal

from core.numbers import MINUS, money

TIMES = "\u00d7"
__all__ = ["MINUS", "TIMES", "cents", "dollars", "leverage", "rate"]


def cents(value: Decimal) -> str:
    """A price or a change of price: 54,298.64."""
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def dollars(value: Decimal) -> str:
    """Money: $5, $5.50, $38,550."""
    return money(value, trim=True)


def rate(fraction: Decimal) -> str:
    """A rate as people quote it: 0.05%, 0.055%, 0.65%, 1%."""
    return f"{(fraction * 100).normalize():f}%"


def leverage(value: Decimal) -> str:
    return f"{value.normalize():f}x"
