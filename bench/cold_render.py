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

Everything runs in a database made for the run and dropped after it, so it
needs no server and touches no data.
Run: .venv/bin/python bench/cold_render.py [--rounds 40]
"""

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

BASELINE = "/robots.txt"
BUDGETS = {"Learn": 40, "home": 30, "lesson 4": 70}  # at most this many times the baseline
BASELINE_REPEATS = 10  # per round: it is short, so more samples steady its median


def clear_every_cache() -> None:
    for alias in settings.CACHES:
        caches[alias].clear()


def cold_ms(client: Client, path: str) -> float:
    clear_every_cache()
    start = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (path, response.status_code)
    return elapsed * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="No directory at")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # A database of its own (no test environment: it would slow every render down).
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        from core.content import load_content
        from lessons.models import Lesson

        load_content(settings.CONTENT_DIR)
        lesson_4 = Lesson.objects.select_related("level").get(level__slug="beginner", number=4)
        pages = {"Learn": "/learn/", "home": "/", "lesson 4": lesson_4.get_absolute_url()}
        client = Client()
        for path in [BASELINE, *pages.values()]:  # warm imports and compiled templates
            for _ in range(3):
                cold_ms(client, path)
        samples: dict[str, list[float]] = {BASELINE: [], **{name: [] for name in pages}}
        for _ in range(args.rounds):
            samples[BASELINE] += [cold_ms(client, BASELINE) for _ in range(BASELINE_REPEATS)]
            for name, path in pages.items():
                samples[name].append(cold_ms(client, path))
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)

    medians = {name: statistics.median(times) for name, times in samples.items()}
    baseline = medians.pop(BASELINE)
    print(
        f"every cache cleared before each request; median of {args.rounds} rounds, "
        f"in-process, debug off, {connection.vendor}:"
    )
    print(f"  {'':56} {'ms':>7} {'x baseline':>11}")
    print(f"  {'baseline: ' + BASELINE:56} {baseline:7.2f} {1:10.0f}x")
    failed = False
    for name, ms in medians.items():
        print(f"  {name + ' (' + pages[name] + ')':56} {ms:7.2f} {ms / baseline:10.0f}x")
    print()
    for name, budget in BUDGETS.items():
        ratio = medians[name] / baseline
        ok = ratio <= budget
        failed |= not ok
        verdict = "PASS" if ok else "FAIL"
        print(f"{verdict}  {name} cold at most {budget}x the baseline ({ratio:.0f}x)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
