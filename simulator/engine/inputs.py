"""What the engine accepts: numbers as Decimal (never floats), enums; the error a learner reads."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from enum import StrEnum

ZERO = Decimal(0)


ONE = Decimal(1)


class EngineError(ValueError):
    """An input that makes no sense; the message is meant for the learner."""


Number = Decimal | int | str


def to_decimal(value: object, name: str) -> Decimal:
    """Convert Decimal, int or numeric string to Decimal; floats are refused."""
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise EngineError(f"{name} must be a number, not {value!r}.")
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise EngineError(f"{name} must be a number (got {value!r}).") from None
    elif isinstance(value, float):
        raise EngineError(
            f"{name} was given as a float ({value!r}); give it as a Decimal, an int or a "
            "string, because floats cannot hold most decimal amounts exactly."
        )
    else:
        raise EngineError(f"{name} must be a number (got {value!r}).")
    if not result.is_finite():
        raise EngineError(f"{name} must be a finite number (got {value!r}).")
    return result


def show(value: Decimal, places: int = 8) -> str:
    """A number for a message: grouped thousands, at most `places` decimals (8: a
    quantity; 2: money, a price, a percentage or a leverage read by a learner)."""
    try:
        shown = value.quantize(Decimal(1).scaleb(-places)).normalize()
    except InvalidOperation:  # too many digits to quantize: show it whole
        shown = value
    if shown == 0 and value != 0:  # a tiny number must not read as zero
        shown = value
    return f"{shown:,f}"


def positive(value: object, name: str) -> Decimal:
    result = to_decimal(value, name)
    if result <= 0:
        raise EngineError(f"{name} must be greater than zero (got {show(result)}).")
    return result


def not_negative(value: object, name: str) -> Decimal:
    result = to_decimal(value, name)
    if result < 0:
        raise EngineError(f"{name} cannot be negative (got {show(result)}).")
    return result


def to_enum[E: StrEnum](kind: type[E], value: object, name: str) -> E:
    if isinstance(value, kind):
        return value
    try:
        return kind(str(value).strip().lower())
    except ValueError:
        allowed = " or ".join(repr(member.value) for member in kind)
        raise EngineError(f"{name} must be {allowed} (got {value!r}).") from None


def fee_rate(value: object, name: str) -> Decimal:
    rate = not_negative(value, name)
    if rate >= 1:
        raise EngineError(f"{name} must be below 100% (got {show(rate * 100)}%).")
    return rate
