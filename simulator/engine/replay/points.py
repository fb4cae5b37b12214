"""A price path as the replay takes it: its points, checked, and the marks between two."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from simulator.engine.accounts import Account
from simulator.engine.inputs import EngineError, to_decimal


@dataclass(frozen=True, slots=True)
class PathPoint:
    """Where the marks are at `time` (hours from the start); others keep their last mark.

    `gap`: the marks jump here at `time` (they hold from the point before until then),
    so nothing is filled between; never on the first point."""

    time: Decimal
    marks: Mapping[str, Decimal]
    gap: bool = False


def check_path(account: Account, path: Sequence[PathPoint]) -> list[PathPoint]:
    if not path:
        raise EngineError("The path is empty: give at least one point.")
    held = set(account.symbols)
    checked: list[PathPoint] = []
    previous: Decimal | None = None
    for number, point in enumerate(path, start=1):
        if not isinstance(point, PathPoint):
            raise EngineError("Every point of the path must be a PathPoint.")
        time = to_decimal(point.time, f"The time of point {number}")
        if previous is None and time != 0:
            raise EngineError("The path must start at time 0.")
        if previous is not None and time <= previous:
            raise EngineError(
                f"Point {number} is at hour {time}, not after the point before it "
                f"(hour {previous}): times must increase."
            )
        marks: dict[str, Decimal] = {}
        for symbol, price in point.marks.items():
            if symbol not in held:
                raise EngineError(
                    f"Point {number} moves {symbol}, but the account holds no position on it."
                )
            price = to_decimal(price, f"The price of {symbol} at point {number}")
            if price <= 0:
                raise EngineError(f"The price of {symbol} at point {number} must be above zero.")
            marks[symbol] = price
        if not isinstance(point.gap, bool):
            raise EngineError(f"Point {number}: gap must be True or False (got {point.gap!r}).")
        if point.gap and previous is None:
            raise EngineError(
                "Point 1 is marked as a gap, but the path starts there: "
                "a gap needs a point before it to jump from."
            )
        checked.append(PathPoint(time, marks, point.gap))
        previous = time
    return checked


def along(a: Mapping[str, Decimal], b: Mapping[str, Decimal], s: Decimal) -> dict[str, Decimal]:
    """The marks a fraction `s` of the way from `a` to `b`."""
    if s == 0:
        return dict(a)
    if s == 1:
        return dict(b)
    return {symbol: a[symbol] + s * (b[symbol] - a[symbol]) for symbol in a}
