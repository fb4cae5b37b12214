"""Template filters for numbers (core.numbers); a missing value shows as a dash.

Missing is None, or what the template engine gives for a variable it cannot
resolve (an empty string): a field of an outcome that could not be computed, such
as the other margin mode's when that mode is not possible.
"""

from decimal import Decimal

from django import template

from core import numbers

register = template.Library()


def _missing(value) -> bool:
    return value is None or value == ""


@register.filter
def money(value: Decimal | None) -> str:
    return "—" if _missing(value) else numbers.money(value)


@register.filter
def price(value: Decimal | None) -> str:
    return "none" if _missing(value) else numbers.price(value)


@register.filter
def percent(value: Decimal | None) -> str:
    """A fraction as a percentage: 0.0955 -> 9.55%."""
    return "—" if _missing(value) else numbers.percent(value)


@register.filter
def amount(value: Decimal | None) -> str:
    """An amount of an asset, to 8 places without trailing zeros: 0.2, 5,000."""
    return "—" if _missing(value) else numbers.number(value, 8, trim=True)
