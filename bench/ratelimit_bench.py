"""What counting one log-in attempt costs in each store allauth's limits could use.

A log-in POST goes through three counts (allauth's "login", 30 a minute per address,
and "login_failed", 10 a minute per address and 5 in 5 minutes per account), each a
lock, a read and a write in the cache. This times that, in-process, one attempt at a
time, for each store: each process's own memory (what the site used, which 4 workers
multiply), a folder of files (Django's FileBasedCache), the database (Django's
DatabaseCache, on a SQLite file set up as settings.py sets it up, what the site now
uses), and Redis when REDIS_URL names one. It prints the median per log-in POST beside
what checking the password costs (Django's PBKDF2), which every attempt not refused pays.

Run: .venv/bin/python bench/ratelimit_bench.py   (REDIS_URL=redis://127.0.0.1:PORT/0 for Redis)
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
FOLDER = Path(tempfile.mkdtemp(prefix="ratelimit-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
os.environ["DATABASE_URL"] = f"sqlite:///{FOLDER / 'db.sqlite3'}"
REDIS_URL = os.environ.pop("REDIS_URL", "")  # the site's caches stay as without Redis

import django  # noqa: E402

django.setup()

from allauth.core.internal import ratelimit  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

ATTEMPTS = 1000
STORES = {
    "each process's memory (LocMemCache)": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "bench",
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
    "files (FileBasedCache)": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(FOLDER / "files"),
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
    "database (DatabaseCache, SQLite)": settings.CACHES[settings.RATE_LIMIT_CACHE],
}
if REDIS_URL:
    STORES["Redis (RedisCache)"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
    }


def one_log_in(request, n: int) -> None:
    """The counts of one failed log-in POST, for one of many accounts (so no limit is
    reached and every count is written, as for an attacker's spread of names)."""
    ratelimit.consume(request, app="allauth.account", action="login")
    ratelimit.consume(request, app="allauth.account", action="login_failed", key=f"a{n}")


def store_only(store, n: int) -> None:
    """The same three counts' cache operations alone (lock, read, write, unlock)."""
    for rate in ("login", "ip", f"key{n}"):
        key = f"allauth:rl:{rate}:{n % 50}"
        store.add(f"{key}:lock", True, 10)
        history = store.get(key, [])
        store.set(key, [time.time(), *history[:4]], 300)
        store.delete(f"{key}:lock")


def main() -> None:
    call_command("migrate", verbosity=0)
    factory = RequestFactory()
    rows = []
    for name, config in STORES.items():
        params = dict(config)
        store = import_string(params.pop("BACKEND"))(params.pop("LOCATION"), params)
        store.clear()
        ratelimit.cache = store
        timings, alone = [], []
        for n in range(ATTEMPTS):
            started = time.perf_counter()
            store_only(store, n)
            alone.append(time.perf_counter() - started)
        store.clear()
        for n in range(ATTEMPTS):
            # A new address every 8 attempts keeps the per-address limits from refusing.
            request = factory.post(
                "/accounts/login/", REMOTE_ADDR=f"10.0.{n // 2000}.{n // 8 % 250}"
            )
            started = time.perf_counter()
            one_log_in(request, n)
            timings.append(time.perf_counter() - started)
        rows.append((name, statistics.median(timings) * 1000, statistics.median(alone) * 1000))
    started = time.perf_counter()
    for _ in range(5):
        make_password("a-long-pass-phrase-42")
    hashing = (time.perf_counter() - started) / 5 * 1000
    width = max(len(name) for name, *_ in rows)
    print(f"{'store':{width}}  ms per log-in POST, counting  (of which the store)")
    for name, ms, store_ms in rows:
        print(f"{name:{width}}  {ms:20.2f}  {store_ms:14.2f}")
    print(f"{'checking one password (PBKDF2)':{width}}  {hashing:20.0f}")
    print(f"(medians of {ATTEMPTS} attempts each)")


if __name__ == "__main__":
    main()
