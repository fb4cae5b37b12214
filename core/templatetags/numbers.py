"""Template filters for numbers (core.numbers); a missing value shows as a dash."""

from decimal import Decimal

from django import template

from core import numbers

register = template.Library()


@register.filter
def money(value: Decimal | None) -> str:
    return "—" if value is None else numbers.money(value)


@register.filter
def price(value: Decimal | None) -> str:
    return "none" if value is None else numbers.price(value)


@register.filter
def percent(value: Decimal | None) -> str:
    """A fraction as a percentage: 0.0955 -> 9.55%."""
    return "—" if value is None else numbers.percent(value)
