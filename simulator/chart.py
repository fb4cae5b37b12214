"""The equity chart as SVG geometry, drawn from the engine's exact equity curve.

The curve's corner points are the whole story (equity is straight between
them), so the chart joins them with lines and samples nothing.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from core import numbers
from simulator.engine import EquityCurve

WIDTH, HEIGHT = 640, 320
# The labels' font grows in the viewBox as the chart shrinks, so that it stays 12 px
# or more on a phone (`.chart-label` in academy.scss), up to LABEL_FONT_MAX units. The
# margins hold labels of that size: the amounts sit inside the plot, above their
# grid lines, and the prices below it.
LABEL_FONT_MAX = 26
LEFT, RIGHT, TOP, BOTTOM = 4, 4, LABEL_FONT_MAX + 6, LABEL_FONT_MAX + 12
LABEL_GAP = 5  # between a label and its line or the plot's edge
MOVES = [-100, -75, -50, -25, 0, 25, 50]
MINOR_MOVES = {-75, -25, 25}  # their labels give way on narrow charts


# Coordinates are formatted here, once: templates would localize every float.
@dataclass(frozen=True, slots=True)
class Marker:
    x: str
    y: str
    label: str


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    style: str  # "solid" or "dashed": the modes differ by line style, not colour alone
    path: str
    markers: tuple[Marker, ...]
    curve: EquityCurve


@dataclass(frozen=True, slots=True)
class Tick:
    position: str
    label: str
    anchor: str = "middle"  # an x label at either edge of the plot ends there: "start", "end"
    minor: bool = False  # a label left out where the chart is narrow


def _x_ticks(positions: list[tuple[float, str, bool]]) -> tuple[Tick, ...]:
    """x labels kept inside the viewBox: one at the plot's left edge starts there, one
    near its right edge ends there, the others are centred on their tick."""
    right = WIDTH - RIGHT
    ticks = []
    for x, label, minor in positions:
        anchor = "middle"
        if x - LEFT < LABEL_FONT_MAX * 2:
            anchor, x = "start", max(x, LEFT)
        elif right - x < LABEL_FONT_MAX * 2:
            anchor, x = "end", min(x, right)
        ticks.append(Tick(f"{x:.1f}", label, anchor, minor))
    return tuple(ticks)


@dataclass(frozen=True, slots=True)
class Chart:
    symbol: str
    series: tuple[Series, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    current_x: str
    current_label: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    top: int = TOP
    bottom_edge: int = HEIGHT - BOTTOM
    y_label_x: int = LEFT + LABEL_GAP
    x_label_y: int = HEIGHT - BOTTOM + LABEL_GAP


def _nice_step(span: float) -> float:
    raw = span / 4 or 1
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def _money_label(value: float) -> str:
    sign = numbers.MINUS if value < 0 else ""
    value = abs(value)
    if value >= 1_000_000:
        return f"{sign}${value / 1_000_000:,.1f}M"
    if value >= 10_000:
        return f"{sign}${value / 1000:,.0f}k"
    return f"{sign}${value:,.0f}"


def build_chart(
    *,
    symbol: str,
    reference: Decimal,
    mark: Decimal,
    curves: list[tuple[str, EquityCurve]],
    names: list[str],
) -> Chart:
    """`curves` are (label, curve) pairs; `names` label position indices for markers."""
    x_max = float(reference) * 1.5
    equities = [float(p.equity) for _, curve in curves for p in curve.points]
    y_min, y_max = min([0.0, *equities]), max([1.0, *equities])
    step = _nice_step(y_max - y_min)
    y_min, y_max = math.floor(y_min / step) * step, math.ceil(y_max / step) * step
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(price: Decimal | float) -> str:
        return f"{LEFT + float(price) / x_max * plot_w:.1f}"

    def y(equity: Decimal | float) -> str:
        return f"{TOP + (y_max - float(equity)) / (y_max - y_min) * plot_h:.1f}"

    series = []
    for (label, curve), style in zip(curves, ["solid", "dashed"], strict=False):
        path = " ".join(
            f"{'M' if i == 0 else 'L'}{x(p.price)} {y(p.equity)}"
            for i, p in enumerate(curve.points)
        )
        markers = []
        for before, after in zip(curve.points, curve.points[1:], strict=False):
            if before.price == after.price and before.liquidated != after.liquidated:
                alive = before if len(before.liquidated) < len(after.liquidated) else after
                dead = after if alive is before else before
                lost = sorted(set(dead.liquidated) - set(alive.liquidated))
                who = ", ".join(names[i] for i in lost)
                markers.append(
                    Marker(
                        x(alive.price),
                        y(alive.equity),
                        f"{label}: {who} liquidated at {numbers.price(alive.price)}",
                    )
                )
        series.append(Series(label, style, path, tuple(markers), curve))

    y_ticks = []
    value = y_min
    while value <= y_max + step / 2:
        y_ticks.append(Tick(y(value), _money_label(value)))
        value += step
    x_ticks = _x_ticks(
        [
            (
                float(x(float(reference) * (1 + move / 100))),
                f"{move:+d}%" if move else "entry",
                move in MINOR_MOVES,
            )
            for move in MOVES
        ]
    )
    return Chart(
        symbol=symbol,
        series=tuple(series),
        x_ticks=x_ticks,
        y_ticks=tuple(y_ticks),
        current_x=x(min(float(mark), x_max)),
        current_label=f"{symbol} now: {numbers.price(mark)}",
    )


# --------------------------------------------------------------------------- replay


@dataclass(frozen=True, slots=True)
class ReplaySeries:
    label: str
    style: str
    path: str
    markers: tuple[Marker, ...]


@dataclass(frozen=True, slots=True)
class ReplayChart:
    """Equity over time for each mode, from the replay's exact corners."""

    series: tuple[ReplaySeries, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    end: float  # the last hour
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    top: int = TOP
    bottom_edge: int = HEIGHT - BOTTOM
    y_label_x: int = LEFT + LABEL_GAP
    x_label_y: int = HEIGHT - BOTTOM + LABEL_GAP

    def x(self, hours: Decimal | float) -> str:
        plot_w = WIDTH - LEFT - RIGHT
        return f"{LEFT + float(hours) / (self.end or 1) * plot_w:.1f}"


def replay_chart(*, series: list, names: tuple[str, ...]) -> ReplayChart:
    """`series` are (label, simulator.engine.replay.Replay) pairs; `names` label the positions."""
    end = max(float(result.final.time) for _, result in series)
    equities = [float(equity) for _, result in series for _, equity in result.curve]
    y_min, y_max = min([0.0, *equities]), max([1.0, *equities])
    step = _nice_step(y_max - y_min)
    y_min, y_max = math.floor(y_min / step) * step, math.ceil(y_max / step) * step
    plot_h = HEIGHT - TOP - BOTTOM
    chart = ReplayChart(series=(), x_ticks=(), y_ticks=(), end=end)

    def y(equity: Decimal | float) -> str:
        return f"{TOP + (y_max - float(equity)) / (y_max - y_min) * plot_h:.1f}"

    drawn = []
    for (label, result), style in zip(series, ["solid", "dashed"], strict=False):
        path = " ".join(
            f"{'M' if i == 0 else 'L'}{chart.x(time)} {y(equity)}"
            for i, (time, equity) in enumerate(result.curve)
        )
        markers = []
        for event in result.events:
            if event.kind.value != "liquidation":
                continue
            before = next(e for t, e in result.curve if t == event.time)
            who = ", ".join(names[i] for i in event.positions)
            markers.append(
                Marker(
                    chart.x(event.time),
                    y(before),
                    f"{label}: {who} liquidated at hour {numbers.number(event.time, 2, trim=True)}",
                )
            )
        drawn.append(ReplaySeries(label, style, path, tuple(markers)))

    y_ticks = []
    value = y_min
    while value <= y_max + step / 2:
        y_ticks.append(Tick(y(value), _money_label(value)))
        value += step
    x_step = _nice_step(end or 1)
    x_ticks = []
    hour = 0.0
    while hour <= end + x_step / 100:
        # Every other label gives way on a narrow chart.
        x_ticks.append((float(chart.x(hour)), f"{hour:,.10g}h", len(x_ticks) % 2 == 1))
        hour += x_step
    return ReplayChart(
        series=tuple(drawn), x_ticks=_x_ticks(x_ticks), y_ticks=tuple(y_ticks), end=end
    )
