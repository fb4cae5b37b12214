"""REDIS_URL and DATABASE_URL: what they switch on, and a malformed one stops start-up."""

import json
import secrets

import pytest

from tests.test_settings import manage

PRODUCTION = {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}

SHOW = (
    "import json; from django.conf import settings; from django.core.cache import caches; "
    "cache = caches['default']; "
    "parser = cache._cache._pool_options['parser_class'].__name__ if settings.REDIS_URL else ''; "
    "print(json.dumps({'cache': settings.CACHES['default']['BACKEND'], "
    "'sessions': settings.SESSION_ENGINE, 'parser': parser, "
    "'database': settings.DATABASES['default']['ENGINE']}))"
)


def shown(**env: str) -> dict:
    result = manage("shell", "--no-imports", "-c", SHOW, **PRODUCTION, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_redis_url_each_process_keeps_its_own_cache_and_sessions_in_the_database():
    assert shown() == {
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "sessions": "academy.sessions",
        "parser": "",
        "database": "django.db.backends.sqlite3",
    }


def test_redis_url_shares_the_cache_and_the_sessions_through_redis_with_hiredis():
    # Settings only: nothing connects until the cache is used.
    assert shown(REDIS_URL="redis://cache.internal:6379/0") == {
        "cache": "academy.cache.ResilientRedisCache",
        "sessions": "django.contrib.sessions.backends.cached_db",
        "parser": "_HiredisParser",
        "database": "django.db.backends.sqlite3",
    }


def test_database_url_selects_postgresql():
    assert shown(DATABASE_URL="postgres://academy:pw@db.internal:5432/academy")["database"] == (
        "django.db.backends.postgresql"
    )


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("localhost:6379", "it must start with redis://, rediss:// or unix://"),
        ("http://cache.internal", "it must start with redis://, rediss:// or unix://"),
        ("redis://", "it names no host"),
        ("redis://cache.internal:port", "its port is not a number"),
        ("redis://cache.internal:6379/cache", "the database after the host must be a number"),
    ],
)
def test_a_malformed_redis_url_stops_start_up_naming_it(url, problem):
    result = manage("check", **PRODUCTION, REDIS_URL=url)
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert (
        f"ImproperlyConfigured: REDIS_URL is not a Redis address we can use: {problem}" in message
    )


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("nonsense", "is not a database address we can use: it must start with postgres://"),
        ("postgres://academy:p#ss@db/academy", "it is not a valid address"),
        ("postgres://db:port/academy", "is the port a number?"),
        ("mysql://academy@db/academy", "must be a postgres:// or sqlite:// address"),
        ("postgres://db.internal", "names no database"),
    ],
)
def test_a_malformed_database_url_stops_start_up_naming_it(url, problem):
    result = manage("check", **PRODUCTION, DATABASE_URL=url)
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("django.core.exceptions.ImproperlyConfigured: DATABASE_URL ")
    assert problem in message
