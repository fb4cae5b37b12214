"""Price paths as people write them, into the replay's points (simulator.engine.replay).

Two ways in, both pure Python (no Django), each refusing what makes no path with
a message that says what to change:

* `waypoint_lines(text)` and `points_from_waypoints(...)`: waypoints typed as moves
  from entry (``0%, -12%, -50%``) or prices (``60000 -> 52800 -> 30000``), for one
  symbol, or one line per symbol (``BTC: 0%, -10%`` and ``ETH: 0%, 10%``), with a
  number of steps between two waypoints and the hours a step lasts. The word
  ``gap`` before a waypoint (``0%, -2%, gap -15%``) makes the price jump to it in
  one step instead of moving there in a straight line.
* `points_from_csv(data)`: a small CSV file of ``time,symbol,price`` rows, the time
  in hours from the start or as an ISO 8601 date and time (UTC unless it says),
  with an optional fourth column ``gap``: ``gap`` on a row makes the price jump to
  it from the row before (every row of that time must say so).
"""

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from core.numbers import NotANumber, parse_mark, parse_number
from simulator.engine.replay import PathPoint

MAX_POINTS = 1_000
MAX_WAYPOINTS = 100
MAX_UPLOAD_BYTES = 64 * 1024
MAX_MOVE = Decimal(1000)  # percent, as the simulator allows
MAX_PRICE = Decimal("100000000")
CSV_COLUMNS = ("time", "symbol", "price")
GAP = "gap"  # the marker of a jump, typed before a waypoint or in the CSV's fourth column
# Waypoints are separated by arrows, semicolons, new lines, spaces, or a comma
# followed by a space: "60,000, 52,800" is two prices with thousands separators.
SEPARATORS = re.compile(r"\s*(?:->|→|;|,\s|\s)\s*")
SYMBOL = re.compile(r"^[A-Z0-9]{1,12}$")
LINE = re.compile(r"^\s*([A-Za-z0-9]{1,12})\s*:\s*(.*)$")


class PathError(ValueError):
    """What is wrong with a path, in words for the person who typed or uploaded it."""


@dataclass(frozen=True, slots=True)
class Waypoint:
    kind: str  # "move" (percent from entry) or "price"
    value: Decimal
    gap: bool = False  # the price jumps here from the waypoint before

    def price(self, entry: Decimal) -> Decimal:
        return entry * (1 + self.value / 100) if self.kind == "move" else self.value


def waypoints(text: str) -> list[Waypoint]:
    """'0%, -12%, -50%' or '60000 -> 52800 -> 30000' as waypoints, 'gap' before one
    marking a jump to it ('0%, gap -15%'). Raises PathError."""
    tokens = [item for item in SEPARATORS.split(text.strip().rstrip(",;")) if item]
    items = [item for item in tokens if item.lower() != GAP]
    if not items:
        if tokens:
            raise PathError("Write gap before the price or move it jumps to, like 0%, gap -15%")
        raise PathError("Enter at least one price or move, like 0%, -12%, -50%")
    if len(items) > MAX_WAYPOINTS:
        raise PathError(f"Enter at most {MAX_WAYPOINTS} prices or moves (you gave {len(items)})")
    found: list[Waypoint] = []
    gap = False
    for item in tokens:
        number = len(found) + 1
        if item.lower() == GAP:
            if gap:
                raise PathError(f"Item {number}: gap is written twice; once is enough")
            if not found:
                raise PathError(
                    "A path cannot start with a gap: it starts at its first price or move, "
                    "and a gap jumps from the one before"
                )
            gap = True
            continue
        try:
            kind, value = parse_mark(item)
        except NotANumber:
            hint = (
                ": to mark a jump, write gap, a space, then the price or move, like gap -15%"
                if item.lower().startswith(GAP)
                else ""
            )
            raise PathError(
                f"“{item}” (item {number}) is not a move like -12% or a price like 52,800{hint}"
            ) from None
        if kind == "move" and not -100 < value <= MAX_MOVE:
            raise PathError(f"Item {number}, {item}: a move must be above -100% and at most 1,000%")
        if kind == "price" and not 0 < value <= MAX_PRICE:
            raise PathError(
                f"Item {number}, {item}: a price must be above 0 and at most {MAX_PRICE:,}"
            )
        found.append(Waypoint(kind, value, gap))
        gap = False
    if gap:
        raise PathError(
            "The path ends with gap: write it before the price or move it jumps to, "
            "like 0%, gap -15%"
        )
    return found


def waypoint_lines(text: str) -> dict[str | None, list[Waypoint]]:
    """Waypoints for one symbol (key None: the one chosen beside them), or one line per
    symbol, "BTC: 0%, -10%", each with as many waypoints. Raises PathError."""
    lines = [line for line in text.splitlines() if line.strip()]
    named = [LINE.match(line) for line in lines]
    if len(lines) <= 1 and not any(named):
        return {None: waypoints(text)}
    found: dict[str | None, list[Waypoint]] = {}
    for number, match in enumerate(named, start=1):
        if match is None:
            raise PathError(f"Line {number}: start each line with its symbol, like BTC: 0%, -10%")
        symbol = match.group(1).upper()
        if symbol in found:
            raise PathError(f"{symbol} has two lines: give each symbol one")
        try:
            found[symbol] = waypoints(match.group(2))
        except PathError as error:
            raise PathError(f"{symbol}: {error}") from None
    counts = {len(marks) for marks in found.values()}
    if len(counts) > 1:
        sizes = ", ".join(f"{symbol} {len(marks)}" for symbol, marks in found.items())
        raise PathError(f"Give each symbol as many waypoints ({sizes})")
    # A gap moves every price at once: each line says so, or none does.
    for number, marks in enumerate(zip(*found.values(), strict=True), start=1):
        if len({mark.gap for mark in marks}) > 1:
            with_gap = ", ".join(s for s, mark in zip(found, marks, strict=True) if mark.gap)
            raise PathError(
                f"Waypoint {number} is a gap on {with_gap}'s line only: a gap moves every "
                "price at once, so write gap there on every line (or on none)"
            )
    return found


def points_from_waypoints(
    *, legs: Mapping[str, tuple[Decimal, Sequence[Waypoint]]], steps: int, hours: Decimal
) -> list[PathPoint]:
    """The path through each symbol's waypoints (`legs`: symbol -> its entry price and
    waypoints, as many for each), `steps` straight steps of `hours` between two, or one
    step that jumps to a waypoint marked as a gap.

    A path with one waypoint is that price from the start. Raises PathError when it
    would have more than MAX_POINTS points.
    """
    count = len(next(iter(legs.values()))[1])
    gaps = [any(marks[leg].gap for _, marks in legs.values()) for leg in range(count)]
    total = 1 + sum(1 if gap else steps for gap in gaps[1:])
    if total > MAX_POINTS:
        raise PathError(
            f"That path has {total:,} points; the replay takes at most {MAX_POINTS:,}: "
            "fewer waypoints or fewer steps between them"
        )
    prices = {
        symbol: [mark.price(entry) for mark in marks] for symbol, (entry, marks) in legs.items()
    }
    points = [PathPoint(Decimal(0), {symbol: values[0] for symbol, values in prices.items()})]
    for leg in range(count - 1):
        if gaps[leg + 1]:
            marks = {symbol: values[leg + 1] for symbol, values in prices.items()}
            points.append(PathPoint(points[-1].time + hours, marks, gap=True))
            continue
        start = points[-1].time
        for step in range(1, steps + 1):
            marks = {
                symbol: values[leg] + (values[leg + 1] - values[leg]) * step / steps
                for symbol, values in prices.items()
            }
            points.append(PathPoint(start + step * hours, marks))
    return points


def _time(text: str, row: int) -> Decimal | datetime:
    try:
        return parse_number(text)
    except NotANumber:
        pass
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise PathError(
            f"Row {row}, time: “{text}” is neither hours from the start (like 8) nor a date "
            "and time (like 2026-11-24T08:00:00Z)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def points_from_csv(data: bytes) -> list[PathPoint]:
    """A CSV of time,symbol,price rows as the replay's points. Raises PathError."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise PathError(
            f"The file is {len(data) / 1024:,.0f} KB; upload at most {MAX_UPLOAD_BYTES // 1024} KB"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PathError(
            "The file is not UTF-8 text: save it as “CSV UTF-8” and upload it again"
        ) from None
    if "\x00" in text:
        raise PathError("The file is not a CSV text file")
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise PathError(f"The file is not a CSV the replay can read ({error})") from None
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise PathError(
            "The file is empty: it needs a header row time,symbol,price and one row or more"
        )
    header = tuple(cell.strip().lower() for cell in rows[0])
    if header not in (CSV_COLUMNS, (*CSV_COLUMNS, GAP)):
        if len(rows[0]) == 1 and ";" in rows[0][0]:
            raise PathError(
                "The file's cells are separated by semicolons: save it with commas "
                "(as “CSV UTF-8”), with the header time,symbol,price"
            )
        raise PathError(
            "The first row must be the header time,symbol,price or time,symbol,price,gap "
            f"(it is {','.join(rows[0])[:60]})"
        )
    cells = "time,symbol,price" + (" and gap (may be empty)" if len(header) == 4 else "")
    if len(rows) == 1:
        raise PathError("The file has a header but no prices")
    if len(rows) - 1 > MAX_POINTS:
        raise PathError(f"The file has {len(rows) - 1:,} rows; upload at most {MAX_POINTS:,}")

    times: list[tuple[Decimal | datetime, str, Decimal, bool]] = []
    for number, row in enumerate(rows[1:], start=2):
        if not 3 <= len(row) <= len(header):
            raise PathError(f"Row {number} has {len(row)} cells; each row needs {cells}")
        raw_time, raw_symbol, raw_price, raw_gap = (*(cell.strip() for cell in row), "")[:4]
        if raw_gap.lower() not in ("", GAP):
            raise PathError(
                f"Row {number}, gap: “{raw_gap[:20]}” is not a marker: write gap where the "
                "price jumps to this row's, or leave it empty"
            )
        symbol = raw_symbol.upper().removesuffix("USDT") or raw_symbol.upper()
        if not SYMBOL.fullmatch(symbol):
            raise PathError(f"Row {number}, symbol: “{raw_symbol[:20]}” is not a symbol like BTC")
        try:
            price = parse_number(raw_price)
        except NotANumber:
            raise PathError(
                f"Row {number}, price: “{raw_price[:20]}” is not a number like 52800"
            ) from None
        if not 0 < price <= MAX_PRICE:
            raise PathError(f"Row {number}, price: must be above 0 and at most {MAX_PRICE:,}")
        times.append((_time(raw_time, number), symbol, price, bool(raw_gap)))

    kinds = {type(time) for time, _, _, _ in times}
    if len(kinds) > 1:
        raise PathError("Give every time the same way: all hours from the start, or all dates")
    start = times[0][0]
    points: list[PathPoint] = []
    seen: set[str] = set()
    for number, (time, symbol, price, gap) in enumerate(times, start=2):
        hours = (
            Decimal((time - start).total_seconds()) / 3600
            if isinstance(time, datetime) and isinstance(start, datetime)
            else time - start  # type: ignore[operator]
        )
        if hours < 0 or (points and hours < points[-1].time):
            raise PathError(
                f"Row {number}, time: earlier than the row before it; sort the rows by time"
            )
        if points and hours == points[-1].time:
            if symbol in seen:
                raise PathError(f"Row {number}: {symbol} is given twice at the same time")
            if gap != points[-1].gap:
                raise PathError(
                    f"Row {number}, gap: the rows of one time must all say gap, or none: "
                    "a gap moves every price at once"
                )
            seen.add(symbol)
            points[-1] = PathPoint(hours, {**points[-1].marks, symbol: price}, gap)
        else:
            if gap and not points:
                raise PathError(
                    f"Row {number}, gap: the path starts here, so there is nothing to jump "
                    "from: a gap needs a row before it"
                )
            seen = {symbol}
            points.append(PathPoint(hours, {symbol: price}, gap))
    return points


def as_json(points: Sequence[PathPoint]) -> list[list]:
    """Points as JSON-friendly lists: [hours, {symbol: price}] with numbers as text, and
    a third item, true, on a gap (so a path without gaps keeps its earlier form)."""
    return [
        [str(p.time), {s: str(v) for s, v in p.marks.items()}, *([True] if p.gap else [])]
        for p in points
    ]


def from_json(data: Sequence[Sequence]) -> list[PathPoint]:
    return [
        PathPoint(
            Decimal(item[0]),
            {s: Decimal(v) for s, v in item[1].items()},
            len(item) > 2 and item[2] is True,
        )
        for item in data
    ]
