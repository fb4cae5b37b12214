"""`make bench`: load on `make serve` over loopback with wrk, and the budgets.

For each page: requests per second, median and 99th-percentile latency, and
throughput as a ratio to a trivial Django view (/robots.txt) measured in the
same run (the medians of three rounds, taken in turn), the Tools' result pages
and a logged-in learner's progress page among them, and quiz answers (fresh
attempts each round, answered side by side as many learners would); then 60 s
of mixed traffic at 32 connections; then each page's compressed first-load
transfer size. Budgets are checked and printed as PASS or FAIL; the exit status
is 1 if any fails. The quiz answer's budget is 0.15x of the baseline on SQLite and
0.10x on PostgreSQL, which here shares the app's two cores (docs/performance.md).

Run through `make bench` (it starts the server); by hand:
  .venv/bin/python bench/load.py --url http://127.0.0.1:8300 [--seconds 5]
The script prepares its quiz attempts in the server's database, so run it with
the server's environment (DATABASE_URL, DJANGO_SECRET_KEY).
"""

import argparse
import gzip
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urljoin

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings")

LESSON_4 = "/learn/beginner/isolated-vs-cross-margin/"
REPLAY = "/simulator/replay/?path=lesson-4&step=12"  # cached: the address is the replay
PROGRESS = "progress page (learner, 50 attempts)"
THREADS = 2
ROUNDS = 3
BLOCK = 64  # attempts answered side by side (more than the connections in flight)
# A quiz answer is never faster than this share of the baseline: it sizes the answers
# prepared for a round (and check_prepared stops the run if that ever falls short).
QUIZ_SHARE_AT_MOST = 0.8
# The quiz answer's budget, as a share of the baseline: on SQLite, and on a PostgreSQL
# that shares the app server's cores (make bench-postgres).
QUIZ_BUDGET = 0.15
QUIZ_BUDGET_POSTGRESQL = 0.10


@dataclass
class Result:
    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    socket_errors: int = 0  # connect, read, write, timeout
    status_errors: int = 0  # answers other than 2xx and 3xx


SEARCH = "search (10 queries in turn)"
SEARCHES = [
    "mark price", "isolated cross", "funding", "liquidation calculator", "bankruptcy",
    "maintenance tiers", "hedge", "liquid", "insurance fund", "check my position",
]  # fmt: skip


def lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid Lua string literal here


def lua_request(method: str, path: str, headers: dict[str, str], body: str = "") -> str:
    """A Lua expression building one HTTP request with wrk.format."""
    table = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items())
    return f"wrk.format({lua_string(method)}, {lua_string(path)}, {{{table}}}, " + (
        f"{lua_string(body)})" if body else "nil)"
    )


def prepare(count: int) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """A visitor with `count` fresh quiz attempts: its headers and one answer post per question.

    The posts take the attempts in blocks of BLOCK, question by question across the
    block, so that requests in flight at the same time answer different attempts, as
    many learners would, not ten questions of one attempt at once (which queue on its
    row). Each block's attempts are finished before the next block starts.
    """
    import django

    django.setup()
    from quiz.models import Quiz
    from quiz.services import attempt_start
    from quiz.visitors import COOKIE, Owner, visitor_cookie_value

    visitor = secrets.token_hex(16)
    # Django accepts the unmasked 32-character secret as the token.
    csrf = secrets.token_hex(16)
    headers = {
        "Cookie": f"{COOKIE}={visitor_cookie_value(visitor)}; csrftoken={csrf}",
        "X-CSRFToken": csrf,
        "Content-Type": "application/x-www-form-urlencoded",
        "HX-Request": "true",
    }
    quiz = Quiz.objects.published().first()
    answers = []
    for _ in range(count):
        attempt = attempt_start(quiz=quiz, owner=Owner(visitor=visitor))
        posts = []
        for item in attempt.items.select_related("question").order_by("number"):
            question = item.question
            if question.is_numeric:
                answer = "1000"
            else:
                answer = str(question.choices.order_by("position", "pk").first().pk)
            posts.append((item.get_absolute_url(), urlencode({"answer": answer})))
        answers.append(posts)
    interleaved = []
    for start in range(0, len(answers), BLOCK):
        block = answers[start : start + BLOCK]
        for number in range(max((len(posts) for posts in block), default=0)):
            interleaved += [posts[number] for posts in block if number < len(posts)]
    return headers, interleaved


def learner_headers(attempts: int) -> dict[str, str]:
    """A logged-in learner with `attempts` finished attempts (bench/learners.py), new
    for each run: the headers of their browser."""
    from django.conf import settings
    from django.test import Client

    from bench.learners import make_learner

    user = make_learner(email=f"bench-{secrets.token_hex(6)}@example.com", attempts=attempts)
    browser = Client()
    browser.force_login(user)
    session = browser.cookies[settings.SESSION_COOKIE_NAME].value
    return {"Accept-Encoding": "gzip", "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}


def simulator_posts(headers: dict[str, str]) -> list[str]:
    """Live-update posts of lesson 4's positions with BTC moved 0% to -60%, as a
    learner dragging through the scenario would send them."""
    from simulator.selectors import preset_data

    posts = []
    for move in range(0, -61, -1):
        data = preset_data("two-isolated")
        data["mark_BTC"] = f"{move}%"
        posts.append(lua_request("POST", "/simulator/results/", headers, data.urlencode()))
    return posts


def tools_results() -> list[str]:
    """A result address of each Tools calculator, as its form puts it in the bar."""
    from django.http import QueryDict

    from simulator.tools.forms import LiquidationForm, PnlForm, PositionSizeForm

    calculations = [
        (
            LiquidationForm,
            "venue=bybit&symbol=BTC&side=long&entry_price=40,000&size=1&size_unit=coins"
            "&leverage=50&mode=isolated&margin=3,800&tiers=venue&funding_rate=0.01"
            "&funding_intervals=9&last_price=40,050",
        ),
        (
            PositionSizeForm,
            "balance=10,000&risk=1&entry_price=60,000&stop_price=58,800&leverage=10"
            "&symbol=BTC&venue=binance",
        ),
        (
            PnlForm,
            "side=long&entry_price=60,000&exit_price=63,000&size=0.5&size_unit=coins"
            "&leverage=10&venue=okx&entry_order=taker&exit_order=maker&funding_rate=0.01"
            "&funding_intervals=9",
        ),
    ]
    urls = []
    for form_class, query in calculations:
        form = form_class(QueryDict(query))
        assert form.is_valid(), form.errors
        urls.append(form.share_url)
    return urls


LUA_COMMON = """
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  n = 0
end
"""


def lua_fixed(method: str, path: str, headers: dict[str, str], body: str = "") -> str:
    return (
        LUA_COMMON
        + f"""
local req = {lua_request(method, path, headers, body)}
function request()
  return req
end
"""
    )


def lua_cycle(requests: list[str]) -> str:
    """The requests (Lua expressions) in turn, over and over."""
    return (
        LUA_COMMON
        + f"""
local requests = {{{", ".join(requests)}}}
function request()
  n = n + 1
  return requests[(n - 1) % #requests + 1]
end
"""
    )


def lua_quiz(
    posts: list[tuple[str, str]], headers: dict[str, str], others: list[str] | None = None
) -> str:
    """Each request answers a question not answered before: the wrk threads take
    turns through the list. With `others` (Lua request expressions), quiz answers
    are one request in every len(others) + 1, the others taken in turn."""
    paths = ", ".join(lua_string(path) for path, _ in posts)
    bodies = ", ".join(lua_string(body) for _, body in posts)
    header_table = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items())
    return (
        LUA_COMMON
        + f"""
local paths = {{{paths}}}
local bodies = {{{bodies}}}
local headers = {{{header_table}}}
local others = {{{", ".join(others or [])}}}
local turn = 0
function request()
  turn = turn + 1
  local slot = turn % (#others + 1)
  if slot ~= 0 then return others[slot] end
  n = n + 1
  local i = math.min((n - 1) * {THREADS} + id + 1, #paths)
  return wrk.format("POST", paths[i], headers, bodies[i])
end
"""
    )


def check_prepared(result: Result, posts: int, *, share: int = 1) -> None:
    """Stop if a run answered more questions than were prepared: the extra posts
    repeat the last answer, are refused, and would count as errors."""
    answered = result.requests // share
    if answered > posts - THREADS:
        sys.exit(f"{result.name}: {answered} quiz answers sent, only {posts} prepared.")


def median_of(name: str, rounds: list[Result]) -> Result:
    return Result(
        name=name,
        rps=statistics.median(r.rps for r in rounds),
        p50_ms=statistics.median(r.p50_ms for r in rounds),
        p99_ms=statistics.median(r.p99_ms for r in rounds),
        requests=sum(r.requests for r in rounds),
        errors=sum(r.errors for r in rounds),
    )


def run_wrk(name: str, url: str, script: str, *, seconds: int, connections: int) -> Result:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
        handle.write("""
function done(summary, latency, requests)
  io.write(string.format("JSON %d %d %d %d %d %d %d\\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max))
end
""")
    output = subprocess.run(
        # A 10 s timeout, so that slow responses count in the latency, not as lost.
        [
            *("wrk", f"-t{THREADS}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"),
            *("-s", handle.name, url),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(handle.name)
    numbers = re.search(r"^JSON (.+)$", output, re.M).group(1).split()
    requests, socket_errors, status_errors, duration_us, p50, p99, _ = map(int, numbers)
    return Result(
        name=name,
        rps=requests / (duration_us / 1e6),
        p50_ms=p50 / 1000,
        p99_ms=p99 / 1000,
        requests=requests,
        errors=socket_errors + status_errors,
        socket_errors=socket_errors,
        status_errors=status_errors,
    )


def fetch(url: str) -> tuple[bytes, bytes]:
    """(body as sent, decoded body) with gzip accepted, as a browser would ask."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as response:
        raw = response.read()
        encoded = response.headers.get("Content-Encoding") == "gzip"
    return raw, gzip.decompress(raw) if encoded else raw


def first_load(base: str, path: str) -> tuple[int, int]:
    """Compressed bytes of the page and every stylesheet, script and font it loads,
    and how many scripts block rendering (in <head> without defer, async or module)."""
    raw, html = fetch(base + path)
    text = html.decode()
    assets = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', text)
    assets += re.findall(r'<link[^>]+rel="(?:icon|preload)"[^>]+href="([^"]+)"', text)
    assets += re.findall(r'<script[^>]+src="([^"]+)"', text)
    total = len(raw) + sum(len(fetch(urljoin(base + path, a))[0]) for a in set(assets))
    head = text.split("</head>")[0]
    blocking = [
        tag
        for tag in re.findall(r"<script\b[^>]*>", head)
        if not re.search(r"\b(defer|async)\b|type=\"module\"", tag)
    ]
    return total, len(blocking)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8300")
    parser.add_argument("--seconds", type=int, default=5, help="per page and round")
    parser.add_argument("--mixed-seconds", type=int, default=60)
    args = parser.parse_args()
    base = args.url.rstrip("/")

    headers, _ = prepare(count=0)  # a visitor with a session, for the simulator's posts
    from simulator.sandbox.forms import SimulatorForms
    from simulator.selectors import preset_data

    share_url = SimulatorForms(preset_data("two-isolated")).share_url
    sim_posts = simulator_posts(headers)
    tool_urls = tools_results()
    get = {"Accept-Encoding": "gzip"}
    tool_gets = [lua_request("GET", url, get) for url in tool_urls]
    search_gets = [lua_request("GET", f"/search/?{urlencode({'q': q})}", get) for q in SEARCHES]
    plan = [
        ("baseline /robots.txt", lua_fixed("GET", "/robots.txt", get)),
        ("/learn/", lua_fixed("GET", "/learn/", get)),
        ("lesson 4", lua_fixed("GET", LESSON_4, get)),
        ("simulator page + scenario", lua_fixed("GET", share_url, get)),
        ("simulator results (htmx POST)", lua_cycle(sim_posts)),
        ("Tools result pages (3 calculators)", lua_cycle(tool_gets)),
        ("replay page (lesson 4, a step)", lua_fixed("GET", REPLAY, get)),
        (SEARCH, lua_cycle(search_gets)),
        (PROGRESS, lua_fixed("GET", "/progress/", learner_headers(attempts=50))),
    ]
    # Rounds in turn, so that drift on a busy 2-core machine hits every page alike;
    # each page's figures are the medians of its rounds.
    # Untimed: the first requests of a fresh server fill caches and connections.
    for name, script in plan:
        run_wrk(name, base, script, seconds=2, connections=16)
    runs: dict[str, list[Result]] = {}
    quiz = "quiz answer (htmx POST)"
    per_attempt = len(prepare(count=1)[1])
    for _ in range(ROUNDS):
        for name, script in plan:
            result = run_wrk(name, base, script, seconds=args.seconds, connections=16)
            runs.setdefault(name, []).append(result)
        # Fresh questions for this round, as many as the fastest answer could use.
        most = QUIZ_SHARE_AT_MOST * runs[plan[0][0]][-1].rps * args.seconds
        quiz_headers, quiz_posts = prepare(count=int(most) // per_attempt + BLOCK)
        result = run_wrk(
            quiz, base, lua_quiz(quiz_posts, quiz_headers), seconds=args.seconds, connections=16
        )
        runs.setdefault(quiz, []).append(result)
        check_prepared(result, len(quiz_posts))
    results = [median_of(name, rounds) for name, rounds in runs.items()]
    # In the mixed run answers are one request in seven, so they come no faster than
    # alone; twice the rate measured alone leaves room.
    quiz_rps = max(r.rps for r in runs[quiz])
    mixed_attempts = int(2 * quiz_rps * args.mixed_seconds) // per_attempt + BLOCK
    mixed_headers, mixed_posts = prepare(count=mixed_attempts)
    mixed_others = [
        lua_request("GET", "/", get),
        lua_request("GET", "/learn/", get),
        lua_request("GET", LESSON_4, get),
        lua_request("GET", share_url, get),
        sim_posts[12],
        tool_gets[0],
    ]
    mixed = run_wrk(
        "mixed traffic, 32 connections",
        base,
        lua_quiz(mixed_posts, mixed_headers, mixed_others),
        seconds=args.mixed_seconds,
        connections=32,
    )
    check_prepared(mixed, len(mixed_posts), share=len(mixed_others) + 1)

    baseline = results[0].rps
    header = f"{'page':34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"
    print(f"\n{header} {'vs baseline':>12}")
    for r in [*results, mixed]:
        print(
            f"{r.name:34} {r.rps:9.0f} {r.p50_ms:8.1f} {r.p99_ms:8.1f} {r.errors:7d} "
            f"{r.rps / baseline:11.2f}x"
        )

    print(f"\n{'first load (compressed)':34} {'bytes':>9} {'blocking scripts':>17}")
    sizes = {}
    for path in ["/", "/learn/", LESSON_4, share_url, "/quiz/", tool_urls[0], REPLAY]:
        sizes[path] = first_load(base, path)
        label = path if len(path) < 34 else path[:30] + "..."
        print(f"{label:34} {sizes[path][0]:9,d} {sizes[path][1]:17d}")

    by_name = {r.name: r for r in results}
    # PostgreSQL shares the app's two cores here, and a quiz answer is its busiest work
    # (docs/performance.md): the answer's budget is lower there.
    from django.db import connection

    postgresql = connection.vendor == "postgresql"
    quiz_share = QUIZ_BUDGET_POSTGRESQL if postgresql else QUIZ_BUDGET
    budgets = [
        ("lesson 4 >= 0.6x baseline throughput", by_name["lesson 4"].rps >= 0.6 * baseline),
        (
            f"quiz answer >= {quiz_share}x baseline throughput, zero errors"
            + (" (PostgreSQL on the same cores)" if postgresql else ""),
            by_name[quiz].rps >= quiz_share * baseline and by_name[quiz].errors == 0,
        ),
        (
            "simulator results >= 0.4x baseline throughput",
            by_name["simulator results (htmx POST)"].rps >= 0.4 * baseline,
        ),
        (
            "Tools result >= 0.5x baseline throughput",
            by_name["Tools result pages (3 calculators)"].rps >= 0.5 * baseline,
        ),
        (
            "replay page >= 0.4x baseline throughput",
            by_name["replay page (lesson 4, a step)"].rps >= 0.4 * baseline,
        ),
        (f"{SEARCH} >= 0.2x baseline throughput", by_name[SEARCH].rps >= 0.2 * baseline),
        (
            "progress page (logged in, 50 attempts) >= 0.3x baseline throughput",
            by_name[PROGRESS].rps >= 0.3 * baseline,
        ),
        ("lesson 4 first load <= 80 KB compressed", sizes[LESSON_4][0] <= 80 * 1024),
        ("lesson 4 has no render-blocking script", sizes[LESSON_4][1] == 0),
        ("mixed 60 s at 32 connections: zero errors", mixed.errors == 0),
        ("mixed 60 s at 32 connections: p99 < 250 ms", mixed.p99_ms < 250),
    ]
    print()
    for label, ok in budgets:
        print(f"{'PASS' if ok else 'FAIL'}  {label}")
    return 0 if all(ok for _, ok in budgets) else 1


if __name__ == "__main__":
    sys.exit(main())
