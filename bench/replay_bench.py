"""Replay cost: 1,000 and 10,000 steps with 10 positions (issue 11's budget: the
10,000-step replay costs under 12 times the 1,000-step one, i.e. linear).

    .venv/bin/python bench/replay_bench.py

A random walk over five symbols, two positions each (isolated and cross accounts
replayed, each with funding), median of 3 runs. Prints each time and the ratio,
and exits non-zero when the ratio breaks the budget.
"""

import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulator.engine import Account, Mode, Position, with_mode
from simulator.engine.replay import PathPoint, replay

BUDGET = 12
SYMBOLS = {"BTC": 60000, "ETH": 3000, "SOL": 150, "XRP": 2, "DOGE": Decimal("0.2")}


def account() -> Account:
    positions = []
    for symbol, price in SYMBOLS.items():
        positions.append(Position.from_notional(symbol, "long", 2000, price, 3))
        positions.append(Position.from_notional(symbol, "short", 1000, price, 3))
    return Account(Decimal(20000), positions)


def path(steps: int) -> list[PathPoint]:
    rng = random.Random(7)  # noqa: S311 (a repeatable walk, not a secret)
    prices = {symbol: Decimal(price) for symbol, price in SYMBOLS.items()}
    points = [PathPoint(Decimal(0), dict(prices))]
    for step in range(1, steps):
        for symbol in prices:
            # A small walk: most steps move every symbol by up to 0.3%.
            prices[symbol] *= 1 + Decimal(rng.randint(-30, 30)) / 10000
        points.append(PathPoint(Decimal(step), dict(prices)))
    return points


def timed(steps: int) -> float:
    points = path(steps)
    funding = dict.fromkeys(SYMBOLS, Decimal("0.0001"))
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        for mode in (Mode.ISOLATED, Mode.CROSS):
            replay(with_mode(account(), mode), points, funding=funding)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> int:
    small, large = timed(1_000), timed(10_000)
    ratio = large / small
    print(f"replay, 10 positions, both modes:  1,000 steps {small * 1000:8.1f} ms")
    print(f"                                  10,000 steps {large * 1000:8.1f} ms")
    verdict = "PASS" if ratio < BUDGET else "FAIL"
    print(f"ratio {ratio:.2f} (budget < {BUDGET}, linear is 10): {verdict}")
    return 0 if ratio < BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
