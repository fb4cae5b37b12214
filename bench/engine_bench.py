"""Time evaluate + all liquidation prices for 10, 100 and 1,000 cross positions.

Run from the repository root: ``python bench/engine_bench.py``. Prints the median
of several repeats for each size and the growth ratios; linear time shows as
ratios near 10. Then a row per venue (`simulator.engine.venues`): the same accounts under
that venue's rule, half of them isolated, with the venue's own BTC and ETH tables,
and each venue's time relative to Binance's at 1,000 positions.
"""

from __future__ import annotations

import statistics
import sys
import time
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

try:
    from simulator import engine
    from simulator.engine import venues
except ImportError:  # not installed: run from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from simulator import engine
    from simulator.engine import venues

SIZES = (10, 100, 1000)
REPEATS = 7

# Binance-style tiers for half the symbols, the default 0.5% bracket for the rest.
TIERS = (
    engine.Bracket(Decimal(0), Decimal("0.004")),
    engine.Bracket(Decimal(50000), Decimal("0.005")),
    engine.Bracket(Decimal(250000), Decimal("0.01")),
    engine.Bracket(Decimal(1000000), Decimal("0.025")),
    engine.Bracket(Decimal(10000000), Decimal("0.05")),
)


def build(size: int) -> tuple[engine.Account, dict[str, Decimal]]:
    """`size` cross positions, one symbol each, long and short alternately."""
    positions = []
    brackets = {}
    marks = {}
    for i in range(size):
        symbol = f"SYM{i}USDT"
        entry = Decimal(100 + i)
        side = engine.Side.LONG if i % 2 == 0 else engine.Side.SHORT
        positions.append(
            engine.Position(
                symbol, side, Decimal(500 + 7 * i), entry, Decimal(10), mode=engine.Mode.CROSS
            )
        )
        if i % 2 == 0:
            brackets[symbol] = TIERS
        marks[symbol] = entry * Decimal("0.97")
    balance = Decimal(20000) * size
    return engine.Account(balance, positions, brackets), marks


def build_venue(size: int, venue: venues.Venue) -> tuple[engine.Account, dict[str, Decimal]]:
    """`size` positions under `venue`'s rule: a third on BTC tables, a third on ETH
    tables, the rest on the default; every other one isolated, with added margin."""
    positions = []
    brackets = {}
    marks = {}
    for i in range(size):
        symbol = f"SYM{i}USDT"
        entry = Decimal(100 + i)
        side = engine.Side.LONG if i % 2 == 0 else engine.Side.SHORT
        mode = engine.Mode.ISOLATED if i % 2 else engine.Mode.CROSS
        quantity = Decimal(500 + 7 * i)
        margin = quantity * entry / 10 * Decimal("1.2")
        positions.append(
            engine.Position(symbol, side, quantity, entry, Decimal(10), mode=mode, margin=margin)
        )
        if i % 3 < 2:
            brackets[symbol] = venue.brackets("BTC" if i % 3 == 0 else "ETH")
        marks[symbol] = entry * Decimal("0.97")
    isolated = sum(p.isolated_margin for p in positions if p.mode is engine.Mode.ISOLATED)
    balance = isolated + Decimal(20000) * size
    account = engine.Account(balance, positions, brackets, venue=venue.key)
    return account, marks


def run(account: engine.Account, marks: dict[str, Decimal]) -> None:
    engine.evaluate(account, marks)
    engine.liquidation_prices(account, marks)


def median_seconds(size: int, venue: venues.Venue | None = None) -> float:
    account, marks = build(size) if venue is None else build_venue(size, venue)
    run(account, marks)  # warm up
    timings = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        run(account, marks)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> None:
    results = {size: median_seconds(size) for size in SIZES}
    print(f"evaluate + all liquidation prices, cross positions, median of {REPEATS}:")
    for size, seconds in results.items():
        print(f"  {size:>5} positions: {seconds * 1000:9.3f} ms")
    for smaller, larger in pairwise(SIZES):
        ratio = results[larger] / results[smaller]
        print(f"  t{larger}/t{smaller} = {ratio:.1f}  (linear: about {larger // smaller})")

    print("\nper venue, half isolated, the venue's own BTC and ETH tables:")
    by_venue = {
        key: {size: median_seconds(size, venue) for size in SIZES}
        for key, venue in venues.VENUES.items()
    }
    largest = SIZES[-1]
    for key, timings in by_venue.items():
        growth = "  ".join(f"t{b}/t{a} = {timings[b] / timings[a]:.1f}" for a, b in pairwise(SIZES))
        relative = timings[largest] / by_venue["binance"][largest]
        print(
            f"  {key:<12} {largest} positions: {timings[largest] * 1000:9.3f} ms"
            f"  {growth}  vs binance: {relative:.2f}x"
        )


if __name__ == "__main__":
    main()
