"""Server time of a quiz answer (the htmx POST), in-process.

Times Django's full request handling through the test client, with debug off,
on a fresh database (a temporary SQLite file unless DATABASE_URL is set):
answers every question of many attempts, as `make bench` does, and prints the
median time and the queries per answer. With --profile, prints where the time
goes (cProfile, sorted by cumulative time).

Run: .venv/bin/python bench/quiz_bench.py [--answers 2000] [--profile quiz.prof]
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/quiz-bench.sqlite3"

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from core.content import load_content  # noqa: E402
from quiz.models import Quiz  # noqa: E402

FORM = "application/x-www-form-urlencoded"


def answer_posts(client: Client, attempts: int) -> list[tuple[str, str]]:
    """Start `attempts` attempts as this client; one answer post per question, urlencoded
    as htmx sends it."""
    quiz = Quiz.objects.get(slug="isolated-vs-cross-margin")
    posts = []
    for _ in range(attempts):
        start = client.post(quiz.get_absolute_url())
        assert start.status_code == 302, start.status_code
        attempt_id = int(start["Location"].split("/")[3])
        from quiz.models import Attempt

        attempt = Attempt.objects.get(pk=attempt_id)
        for item in attempt.items.select_related("question").order_by("number"):
            question = item.question
            if question.is_numeric:
                answer = "1000"
            else:
                answer = str(question.choices.order_by("position", "pk").first().pk)
            posts.append((item.get_absolute_url(), urlencode({"answer": answer})))
    return posts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--profile", metavar="FILE", help="profile, and keep the stats in FILE")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="No directory at")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)
    load_content(settings.CONTENT_DIR)
    client = Client()
    posts = answer_posts(client, attempts=args.answers // 10 + 6)
    warm, timed, counted = posts[:30], posts[30 : 30 + args.answers], posts[30 + args.answers :]
    for path, data in warm:
        client.post(path, data, content_type=FORM, HTTP_HX_REQUEST="true")

    profiler = cProfile.Profile() if args.profile else None
    samples = []
    for path, data in timed:
        if profiler:
            profiler.enable()
        start = time.perf_counter()
        response = client.post(path, data, content_type=FORM, HTTP_HX_REQUEST="true")
        samples.append(time.perf_counter() - start)
        if profiler:
            profiler.disable()
        assert response.status_code == 200, (response.status_code, response.content[:300])
    queries = []
    for path, data in counted:  # apart from the timing: counting queries costs time
        with CaptureQueriesContext(connection) as captured:
            client.post(path, data, content_type=FORM, HTTP_HX_REQUEST="true")
        queries.append(len(captured))
    print(
        f"{len(samples)} htmx answers on {connection.vendor}: "
        f"median {statistics.median(samples) * 1000:.2f} ms, "
        f"p90 {statistics.quantiles(samples, n=10)[-1] * 1000:.2f} ms, "
        f"statements per answer, BEGIN and COMMIT included: {statistics.mean(queries):.2f} "
        f"(max {max(queries)})"
    )
    if profiler:
        profiler.dump_stats(args.profile)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)


if __name__ == "__main__":
    main()
