"""Server time of the progress page for a logged-in learner with 50 attempts, in-process.

Times Django's full request handling (middleware, session, templates) through
the test client with debug off, one request at a time, for:
- the baseline, /robots.txt, as `bench/load.py` measures every page against it,
- lesson 4 for a visitor with no history (the shared page cache; load.py's row),
- lesson 4 for the learner (rendered for them, as every logged-in page is),
- the progress page for the same learner,
and prints medians and each one's throughput as a ratio to the baseline's.

The page is kept in the cache until the learner's record changes (the time
printed is a kept page's, after one visit has built it). The budget checked is
relative to the lesson page: the progress page, which shows the whole course, is
at least 0.8x as fast as one lesson page for the same learner. Issue 14's figure
(0.3x the baseline's throughput over HTTP) is a row of `make bench`
(bench/load.py); in-process the baseline pays no HTTP at all.

The learner (bench/learners.py): a confirmed account, 50 finished attempts spread
over every quiz (two answers wrong in each, so the review has questions in it),
and half the lessons read. Everything runs in a database made for the run and
dropped after it, so it needs no server and touches no data.
Run: .venv/bin/python bench/progress_bench.py
"""

import statistics
import sys
import time

import inprocess  # first: sets Django up for a bench  # isort: split
from django.db import connection
from django.test import Client

from bench.learners import make_learner

ATTEMPTS = 50
REPEATS = 300
BUDGET = 0.8  # of the learner's lesson page throughput
LESSON_4 = "/learn/beginner/isolated-vs-cross-margin/"


def median_ms(client: Client, path: str) -> float:
    for _ in range(20):  # warm imports, templates and caches
        client.get(path)
    samples = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        response = client.get(path)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(samples) * 1000


def main() -> int:
    with inprocess.content_database():
        user = make_learner(email="bench@example.com", attempts=ATTEMPTS)
        learner = Client()
        learner.force_login(user)
        statements = []

        def count(execute, sql, params, many, context):
            statements.append(sql)
            return execute(sql, params, many, context)

        learner.get("/progress/")  # brings the review up to date, caches the outline
        with connection.execute_wrapper(count):
            page = learner.get("/progress/").content.decode()
        assert "questions due for review" in page or "come back later" in page
        from quiz.models import Attempt

        made = Attempt.objects.filter(user=user).count()
        times = {
            "baseline: /robots.txt": median_ms(Client(), "/robots.txt"),
            "lesson 4, visitor (shared cache)": median_ms(Client(), LESSON_4),
            "lesson 4, the learner": median_ms(learner, LESSON_4),
            f"progress, learner with {made} attempts": median_ms(learner, "/progress/"),
        }

    baseline = times["baseline: /robots.txt"]
    print(f"median of {REPEATS} requests each, in-process, debug off, {connection.vendor}:")
    print(f"  {'':42} {'ms':>7} {'x baseline':>11}")
    for label, ms in times.items():
        print(f"  {label:42} {ms:7.2f} {baseline / ms:10.2f}x")
    print(f"  the progress page ran {len(statements)} queries")
    progress = times[f"progress, learner with {made} attempts"]
    lesson = times["lesson 4, the learner"]
    ok = lesson / progress >= BUDGET
    print(
        f"\n{'PASS' if ok else 'FAIL'}  progress page >= {BUDGET}x the throughput of the "
        f"learner's lesson page ({lesson / progress:.2f}x)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
