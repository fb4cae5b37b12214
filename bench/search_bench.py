"""Search: the selector and the page (issue 28).

In-process, in a database made for the run (SQLite by default; PostgreSQL with
DATABASE_URL). For ten queries a learner might type, the median CPU time of:
- `selector`: `search.selectors.entry_search` (Django's `icontains`, ranked and cut
  into snippets in Python), uncached;
- `/search/?q=` through the test client, every cache cleared (cold) and warm (the page
  cache holds it, per query and content version), against `/robots.txt` (the baseline
  `bench/load.py` measures every page against).
Run: .venv/bin/python bench/search_bench.py [--rounds 30]
"""

import argparse
import os
import statistics
import sys
import time

import inprocess  # first: sets Django up for a bench  # isort: split
from django.db import connection
from django.test import Client

QUERIES = [
    "mark price", "isolated cross", "funding", "liquidation calculator", "bankruptcy",
    "maintenance tiers", "hedge", "liquid", "insurance fund", "check my position",
]  # fmt: skip


def cpu_ms(action) -> float:
    start = time.thread_time()
    action()
    return (time.thread_time() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    with inprocess.content_database():
        from search.selectors import entry_search

        client = Client()

        def page(query: str, *, cold: bool):
            def get():
                response = client.get("/search/", {"q": query})
                assert response.status_code == 200

            if cold:
                inprocess.clear_every_cache()
            return get

        names = ["baseline", "selector", "page cold", "page warm"]
        samples: dict[str, list[float]] = {name: [] for name in names}
        for _ in range(3):  # warm imports and templates
            for query in QUERIES:
                entry_search(query=query), page(query, cold=True)()
        for _ in range(args.rounds):
            for query in QUERIES:
                samples["baseline"].append(cpu_ms(lambda: client.get("/robots.txt")))
                samples["selector"].append(cpu_ms(lambda q=query: entry_search(query=q)))
                inprocess.clear_every_cache()
                samples["page cold"].append(cpu_ms(page(query, cold=False)))
                samples["page warm"].append(cpu_ms(page(query, cold=False)))
    median = {name: statistics.median(values) for name, values in samples.items()}
    base = median["baseline"]
    print(
        f"search, {connection.vendor}, median CPU ms of {args.rounds} rounds x "
        f"{len(QUERIES)} queries (load average {os.getloadavg()[0]:.1f}):"
    )
    for name, value in median.items():
        print(f"  {name:12} {value:7.2f} ms  {value / base:5.1f}x the baseline's")
    return 0


if __name__ == "__main__":
    sys.exit(main())
