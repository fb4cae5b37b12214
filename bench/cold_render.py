"""Pages with every cache empty, in-process (issue 24, "Render once").

After a content save, a deploy, or with Redis down, the page cache, the preset
cache and every other cached entry are gone, and a page costs what building it
costs. This times Django's full request handling through the test client, with
debug off, clearing every cache (each alias in settings.CACHES) before each
request, for /robots.txt (the baseline, as `bench/load.py` measures every page
against it), the Learn page, the home page and lesson 4 of the beginner level;
the requests are taken in turn, round after round, and each page's median is
printed as a multiple of the baseline's time. Budgets: Learn at most 40x, home
at most 30x, lesson 4 at most 70x; the exit status is 1 if one fails.

Two clocks: the CPU time of this thread, which the budgets are checked on, and
the time on the wall. On a machine shared with other work a long request waits
for a core more often than a short one, so the wall's ratios grow with the
machine's load, and the CPU's stay put. With SQLite (the default) the database
runs in this thread and its work is counted; with DATABASE_URL set to
PostgreSQL, the server's share is on the wall only.

Everything runs in a database made for the run and dropped after it, so it
needs no server and touches no data.
Run: .venv/bin/python bench/cold_render.py [--rounds 40]
"""

import argparse
import os
import statistics
import sys
import time

import inprocess  # first: sets Django up for a bench  # isort: split
from django.db import connection
from django.test import Client

BASELINE = "/robots.txt"
BUDGETS = {"Learn": 40, "home": 30, "lesson 4": 70}  # at most this many times the baseline
BASELINE_REPEATS = 10  # per round: it is short, so more samples steady its median


def cold_ms(client: Client, path: str) -> tuple[float, float]:
    """The request's CPU time and wall time, in ms, with every cache empty."""
    inprocess.clear_every_cache()
    wall, cpu = time.perf_counter(), time.thread_time()
    response = client.get(path)
    cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
    assert response.status_code == 200, (path, response.status_code)
    return cpu * 1000, wall * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    with inprocess.content_database():
        from lessons.models import Lesson

        lesson_4 = Lesson.objects.select_related("level").get(level__slug="beginner", number=4)
        pages = {"Learn": "/learn/", "home": "/", "lesson 4": lesson_4.get_absolute_url()}
        client = Client()
        for path in [BASELINE, *pages.values()]:  # warm imports and compiled templates
            for _ in range(3):
                cold_ms(client, path)
        samples: dict[str, list[tuple[float, float]]] = {BASELINE: []}
        samples.update({name: [] for name in pages})
        for _ in range(args.rounds):
            samples[BASELINE] += [cold_ms(client, BASELINE) for _ in range(BASELINE_REPEATS)]
            for name, path in pages.items():
                samples[name].append(cold_ms(client, path))

    cpu = {name: statistics.median(c for c, _ in times) for name, times in samples.items()}
    wall = {name: statistics.median(w for _, w in times) for name, times in samples.items()}
    print(
        f"every cache cleared before each request; median of {args.rounds} rounds, "
        f"in-process, debug off, {connection.vendor} (load average {os.getloadavg()[0]:.1f}):"
    )
    print(f"  {'':56} {'CPU ms':>7} {'x':>5}   {'wall ms':>7} {'x':>5}")
    rows = {f"baseline: {BASELINE}": BASELINE}
    rows.update({f"{name} ({path})": name for name, path in pages.items()})
    for label, name in rows.items():
        print(
            f"  {label:56} {cpu[name]:7.2f} {cpu[name] / cpu[BASELINE]:4.0f}x"
            f"   {wall[name]:7.2f} {wall[name] / wall[BASELINE]:4.0f}x"
        )
    print()
    failed = False
    for name, budget in BUDGETS.items():
        ratio = cpu[name] / cpu[BASELINE]
        ok = ratio <= budget
        failed |= not ok
        verdict = "PASS" if ok else "FAIL"
        print(f"{verdict}  {name} cold at most {budget}x the baseline's CPU time ({ratio:.0f}x)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
