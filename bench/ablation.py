"""Each departure from Django's way against Django's way, on its own path, in-process.

A is the departure, B Django's way, and the rest of the path is the working tree's.
A departure the academy keeps is the working tree's code, Django's way for it is
bench/djangos_way.py or Django's own setting; a departure it removed is loaded
from git as it stood at commit --departures, beside the working tree's modules.
A round serves --requests requests of the path with each, in batches of ten taken
in turn (which goes first alternates), so that both meet the same load from
whatever else the machine runs; each through Django's full request handling (the
test client, with the connection checks a server does before each request). It
times the CPU they used: this thread's, plus on PostgreSQL the server process's
serving this connection (/proc/PID/schedstat; run as root or as postgres), as on
a machine where PostgreSQL shares the app's cores. The figure is the median over
rounds of B's CPU per request divided by A's, less one: how much more a core
serves with the departure.

Paths (each departure changes only its own; the rest is the working tree's):
  session   a logged-in learner's progress page (cached): the session read
  user      the same page: the logged-in user read
  health    PostgreSQL only: /healthz, the progress page and a quiz answer
  read      a quiz answer (htmx): reading the question (core/rows.py)
  write     a quiz answer: writing it (three plain statements, the same on both databases)
  cte       PostgreSQL only: the WITH statement it had besides, against the three statements
  answer    a quiz answer: the read and the write together
  fragments a quiz answer to a choice question: the locked question and verdict kept rendered

Run on a fresh SQLite file, or on PostgreSQL with DATABASE_URL set:
  .venv/bin/python bench/ablation.py [--rounds 9] [--requests 150] [--paths read write]
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import types
import warnings
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.pop("REDIS_URL", None)  # each process's own cache; sessions in the database
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/ablation.sqlite3"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import close_old_connections, connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

DEPARTURES = "fcbaf8c"  # the last commit with every departure in place (issue 24)
FORM = "application/x-www-form-urlencoded"
HTMX = {"HTTP_HX_REQUEST": "true"}


def from_git(commit: str, path: str, name: str) -> types.ModuleType:
    """The module at `path` as it was at `commit`, imported as `name`."""
    source = subprocess.run(
        ["git", "show", f"{commit}:{path}"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    module = types.ModuleType(name)
    module.__file__ = f"{commit}:{path}"
    sys.modules[name] = module
    exec(compile(source, module.__file__, "exec"), module.__dict__)  # noqa: S102 - our own history
    return module


class Departures:
    """The code of departures the academy removed, loaded from git under names of their own."""

    def __init__(self, commit: str) -> None:
        sys.modules.setdefault("departures", types.ModuleType("departures"))
        self.commit = commit
        if connection.vendor == "postgresql":
            self.postgresql = from_git(
                commit, "academy/postgresql/base.py", "departures.postgresql"
            )
            self.services = from_git(commit, "quiz/services.py", "departures.services")


def server_cpu_ns() -> tuple[int, int]:
    """The PostgreSQL process serving this connection, and its CPU time so far ((0, 0)
    on SQLite)."""
    if connection.vendor != "postgresql":
        return 0, 0
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    return pid, int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])


class Variant:
    """One side of a comparison: what to switch on, and the request it serves."""

    def __init__(self, name, request, *, enter=None, leave=None):
        self.name, self.request = name, request
        self.enter, self.leave = enter, leave

    def batch(self, count: int) -> int:
        """Nanoseconds of CPU that `count` requests used."""
        if self.enter:
            self.enter()
        try:
            cpu, (pid, server) = time.thread_time_ns(), server_cpu_ns()
            for _ in range(count):
                close_old_connections()  # as at the start and end of a served request
                self.request()
                close_old_connections()
            used = time.thread_time_ns() - cpu
            pid_after, server_after = server_cpu_ns()
            assert pid_after == pid, "the connection was replaced during the batch"
            return used + server_after - server
        finally:
            if self.leave:
                self.leave()


BATCH = 10  # requests of one side before the other's: both meet the same load


def compare(path: str, a: Variant, b: Variant, *, rounds: int, count: int) -> dict:
    for variant in (a, b):  # untimed: caches and connections filled
        if hasattr(variant.request, "ready"):
            variant.request.ready(BATCH)
        variant.batch(3)
    a_runs, b_runs = [], []
    for number in range(rounds):
        if hasattr(a.request, "ready"):
            a.request.ready(2 * count)  # the same source of requests serves both
        if b.request is not a.request and hasattr(b.request, "ready"):
            b.request.ready(count)
        used = {a: 0, b: 0}
        for turn in range(count // BATCH):
            pair = (a, b) if (number + turn) % 2 == 0 else (b, a)
            for variant in pair:
                used[variant] += variant.batch(BATCH)
        a_runs.append(used[a] / count)
        b_runs.append(used[b] / count)
    ratios = [b_ns / a_ns for a_ns, b_ns in zip(a_runs, b_runs, strict=True)]
    row = {
        "path": path,
        "a": a.name,
        "b": b.name,
        "a_ms": statistics.median(a_runs) / 1e6,
        "b_ms": statistics.median(b_runs) / 1e6,
        "gain": statistics.median(ratios) - 1,
        "low": min(ratios) - 1,
        "high": max(ratios) - 1,
    }
    print(
        f"{path:16} A {row['a_ms']:.3f} ms  B {row['b_ms']:.3f} ms  "
        f"gain {row['gain']:+.1%} (rounds {row['low']:+.1%} to {row['high']:+.1%})",
        flush=True,
    )
    return row


class Answers:
    """Answer posts of fresh attempts (one visitor), handed out one per request."""

    def __init__(self, *, choice_only: bool = False) -> None:
        from quiz.visitors import COOKIE, visitor_cookie_value

        self.visitor = secrets.token_hex(16)
        self.client = Client()
        self.client.cookies[COOKIE] = visitor_cookie_value(self.visitor)
        self.choice_only = choice_only
        self.posts: list[tuple[str, str]] = []

    def refill(self) -> None:
        from quiz.models import Quiz
        from quiz.services import attempt_start
        from quiz.visitors import Owner

        owner = Owner(visitor=self.visitor)
        posts = []
        for quiz in Quiz.objects.published().order_by("pk")[:4]:
            attempt = attempt_start(quiz=quiz, owner=owner)
            for item in attempt.items.select_related("question").order_by("number"):
                question = item.question
                if question.is_numeric:
                    if self.choice_only:
                        continue
                    answer = "1000"
                else:
                    answer = str(question.choices.order_by("position", "pk").first().pk)
                posts.append((item.get_absolute_url(), urlencode({"answer": answer})))
        # Taken from the end, so reversed: each attempt answered in order.
        self.posts[:0] = reversed(posts)

    def ready(self, count: int) -> None:
        """At least `count` posts in hand, made before the timing starts."""
        while len(self.posts) < count:
            self.refill()

    def __call__(self) -> None:
        path, data = self.posts.pop()
        response = self.client.post(path, data, content_type=FORM, **HTMX)
        assert response.status_code == 200, (response.status_code, response.content[:300])


def logged_in(backend: str, *, session_engine: str) -> Client:
    """A learner with 50 finished attempts, logged in through `backend`, whose first
    visit to the progress page filled its cache."""
    from bench.learners import make_learner

    user = make_learner(email=f"ablation-{secrets.token_hex(6)}@example.com", attempts=50)
    with override_settings(SESSION_ENGINE=session_engine):
        browser = Client()
        browser.force_login(user, backend=backend)
        assert browser.get("/progress/").status_code == 200
    return browser


def progress(browser: Client):
    def visit() -> None:
        response = browser.get("/progress/")
        assert response.status_code == 200, response.status_code

    return visit


def swap(module, name: str, value):
    """enter/leave functions that set module.name to value, and back."""
    kept = getattr(module, name)
    return (lambda: setattr(module, name, value)), (lambda: setattr(module, name, kept))


def both(*pairs):
    """enter/leave functions running each pair's in turn."""
    return (
        lambda: [enter() for enter, _ in pairs],
        lambda: [leave() for _, leave in reversed(pairs)],
    )


def paths(old: Departures, chosen: set[str], *, rounds: int, count: int) -> list[dict]:
    import quiz.selectors
    import quiz.services
    import quiz.views
    from bench import djangos_way

    allauth = "allauth.account.auth_backends.AuthenticationBackend"
    ours = "accounts.backends.EmailBackend"
    django_sessions = "django.contrib.sessions.backends.db"
    rows = []

    def row(path, a, b):
        rows.append(compare(path, a, b, rounds=rounds, count=count))

    if "session" in chosen:
        a = logged_in(allauth, session_engine="academy.sessions")
        b = logged_in(allauth, session_engine=django_sessions)
        row(
            "session",
            Variant("academy/sessions.py", progress(a)),
            Variant("Django's db sessions", progress(b)),
        )
    if "user" in chosen:
        a = logged_in(ours, session_engine=django_sessions)
        b = logged_in(allauth, session_engine=django_sessions)
        row(
            "user",
            Variant("accounts/backends.py", progress(a)),
            Variant("allauth's backend", progress(b)),
        )
    if "health" in chosen and connection.vendor == "postgresql":
        default = connections["default"]
        django_class = type(default)
        check = (
            lambda: setattr(default, "__class__", old.postgresql.DatabaseWrapper),
            lambda: setattr(default, "__class__", django_class),
        )
        browser = Client()

        def healthz() -> None:
            assert browser.get("/healthz").status_code == 200

        learner = progress(logged_in(ours, session_engine="academy.sessions"))
        for name, request in [
            ("health /healthz", healthz),
            ("health progress", learner),
            ("health answer", Answers()),
        ]:
            row(
                name,
                Variant("academy/postgresql/", request, enter=check[0], leave=check[1]),
                Variant("CONN_HEALTH_CHECKS", request),
            )
    answers = Answers()
    orm_read = swap(quiz.selectors, "answer_target", djangos_way.answer_target)
    orm_write = swap(quiz.services, "answer_submit", djangos_way.answer_submit)
    if "read" in chosen:
        row(
            "read",
            Variant("plain SQL, core/rows.py", answers),
            Variant("the ORM", answers, enter=orm_read[0], leave=orm_read[1]),
        )
    if "write" in chosen:
        row(
            "write",
            Variant("plain SQL", answers),
            Variant("the ORM", answers, enter=orm_write[0], leave=orm_write[1]),
        )
    if "cte" in chosen and connection.vendor == "postgresql":
        # One WITH statement for an answer that leaves its attempt open, against the
        # three statements in a transaction that SQLite uses too.
        cte = swap(quiz.services, "answer_submit", old.services.answer_submit)
        row(
            "cte",
            Variant("WITH statement", answers, enter=cte[0], leave=cte[1]),
            Variant("three statements", answers),
        )
    if "answer" in chosen:
        orm = both(orm_read, orm_write)
        row(
            "answer",
            Variant("plain SQL read and write", answers),
            Variant("the ORM", answers, enter=orm[0], leave=orm[1]),
        )
    if "fragments" in chosen:
        import quiz.feedback

        choices = Answers(choice_only=True)
        rendered = swap(quiz.feedback, "_fragment_key", lambda item: "")
        row(
            "fragments",
            Variant("fragments cache", choices),
            Variant("rendered each time", choices, enter=rendered[0], leave=rendered[1]),
        )
    return rows


def main() -> None:
    every = ["session", "user", "health", "read", "write", "cte", "answer", "fragments"]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--requests", type=int, default=150, help="per variant and round")
    parser.add_argument("--paths", nargs="+", choices=every, default=every)
    parser.add_argument("--departures", default=DEPARTURES, help="commit holding the departures")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="No directory at")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # One connection for the whole run, so that its server process's CPU can be read.
    connections["default"].settings_dict["CONN_MAX_AGE"] = None
    call_command("migrate", verbosity=0)
    from core.content import load_content

    load_content(settings.CONTENT_DIR)
    old = Departures(args.departures)
    backends = [
        *settings.AUTHENTICATION_BACKENDS,
        "allauth.account.auth_backends.AuthenticationBackend",
    ]
    print(
        f"{connection.vendor}, {args.rounds} rounds of {args.requests} requests per variant, "
        f"departures from {args.departures}; CPU per request, app"
        + (" + PostgreSQL" if connection.vendor == "postgresql" else ""),
        flush=True,
    )
    with override_settings(AUTHENTICATION_BACKENDS=backends):
        paths(old, set(args.paths), rounds=args.rounds, count=args.requests)


if __name__ == "__main__":
    main()
