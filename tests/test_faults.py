"""With the cache (Redis) unreachable the site still serves, and /healthz says so."""

import contextlib
import logging
import shutil
import socket
import subprocess
import time
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import DatabaseError, InterfaceError, OperationalError
from django.test import Client

from academy.cache import ResilientRedisCache
from core.page_cache import VERSION_KEY
from quiz.models import Response
from tests.conftest import LESSON_4_URL
from tests.quiz.conftest import QUIZ_URL, item, question_url, right_answer, start

HTMX = {"HTTP_HX_REQUEST": "true"}


def free_port() -> int:
    """A loopback port nothing listens on (the kernel's pick, released at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_settings(url: str) -> dict:
    """The site's caches as settings.py makes them with REDIS_URL set to `url`."""
    return {
        **django_settings.CACHES,
        "default": {
            "BACKEND": "academy.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }


@pytest.fixture
def unreachable_redis(settings):
    """The site's settings with REDIS_URL pointing where no Redis answers."""
    settings.CACHES = redis_settings(f"redis://127.0.0.1:{free_port()}/0")
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    caches["default"]._down_until = 0.0
    yield caches["default"]


@contextlib.contextmanager
def own_redis():
    """A Redis of the test's own, on a free port (`make test` installs redis-server):
    its process and address."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is not installed: run `make test`, which installs it.")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        yield process, f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def live_redis(settings):
    """A Redis of this test's own, as the site's cache."""
    with own_redis() as (process, url):
        settings.CACHES = redis_settings(url)
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
        cache = caches["default"]
        for _ in range(100):
            if cache.is_available():
                break
            time.sleep(0.05)
        yield process, cache


def test_an_unreachable_cache_is_an_empty_one(unreachable_redis, caplog):
    cache = unreachable_redis
    with caplog.at_level(logging.WARNING, logger="academy.cache"):
        assert cache.get("page", "missing") == "missing"
        cache.set("page", "html")
        assert cache.get_or_set("results", lambda: "computed") == "computed"
        assert cache.add("x", 1) is False
        assert cache.get_many(["a", "b"]) == {}
        assert cache.has_key("a") is False
        assert cache.delete("a") is False
        with pytest.raises(ValueError, match="not found"):
            cache.incr("page-cache-version")
    warnings = [r for r in caplog.records if r.name == "academy.cache"]
    assert len(warnings) == 1  # once, not once per call
    assert "Cache unreachable" in warnings[0].getMessage()


def test_after_a_failure_the_cache_is_not_tried_for_a_while(unreachable_redis):
    cache = unreachable_redis
    cache.get("first")  # fails, and starts the pause
    with mock.patch.object(cache._cache, "get", side_effect=AssertionError("tried")) as get:
        assert cache.get("second", "missing") == "missing"
    assert get.call_count == 0
    cache._down_until = time.monotonic() - 1  # the pause is over: tried again
    assert cache.get("third", "missing") == "missing"


@pytest.mark.django_db
def test_the_site_serves_without_its_cache(unreachable_redis, client):
    assert client.get("/").status_code == 200
    assert client.get(LESSON_4_URL).status_code == 200
    # Sessions are cached_db: with Redis gone they are read from the database.
    attempt = start(client)
    entry = item(attempt, 1)
    response = client.post(question_url(attempt, 1), right_answer(entry), **HTMX)
    assert response.status_code == 200
    assert Response.objects.filter(item=entry).exists()
    assert client.get(QUIZ_URL).status_code == 200  # the same session, found again


@pytest.mark.django_db
def test_healthz_says_degraded_but_stays_up_without_the_cache(unreachable_redis, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "degraded"}


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_is_down_whatever_the_cache(unreachable_redis, client):
    with mock.patch("academy.views.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable", "cache": "degraded"}


@pytest.mark.django_db
def test_a_session_lives_in_redis_and_survives_losing_it(live_redis, client):
    process, cache = live_redis
    learner = get_user_model().objects.create_user("learner", "learner@example.com", "pw")
    client.force_login(learner)  # a session, holding who is logged in
    attempt = start(client)
    key = client.cookies["sessionid"].value
    assert cache.get(f"django.contrib.sessions.cached_db{key}")
    assert client.get("/healthz").json()["cache"] == "ok"
    process.terminate()
    process.wait(timeout=10)
    # Redis is gone: the session comes from the database, and answers are still taken.
    response = client.post(question_url(attempt, 1), right_answer(item(attempt, 1)), **HTMX)
    assert response.status_code == 200
    assert client.get("/healthz").json()["cache"] == "degraded"


@pytest.mark.django_db
def test_a_content_edit_moves_the_version_every_process_reads(live_redis, client, lesson_4):
    _, cache = live_redis
    assert lesson_4.title in client.get(LESSON_4_URL).content.decode()  # now cached in Redis
    other_process = ResilientRedisCache(cache._servers, {})  # its own connection to Redis
    before = other_process.get(VERSION_KEY)
    lesson_4.title = "Edited in the admin"
    lesson_4.save()
    assert other_process.get(VERSION_KEY) not in {None, before}
    assert "Edited in the admin" in Client().get(LESSON_4_URL).content.decode()


def test_a_cache_error_is_not_swallowed_unless_it_is_about_reaching_redis(unreachable_redis):
    cache = unreachable_redis
    with (
        mock.patch.object(cache._cache, "get", side_effect=TypeError("a bug")),
        pytest.raises(TypeError),
    ):
        cache.get("key")


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_database_that_cannot_be_reached_is_a_503_page_not_a_500(client, error):
    with mock.patch("quiz.views.selectors.quiz_list", side_effect=error("server closed")):
        response = client.get("/quiz/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    html = response.content.decode()
    assert "We cannot reach our database for a moment" in html
    assert "Traceback" not in html and "server closed" not in html
    assert "HX-Refresh" not in response


@pytest.mark.django_db
def test_under_htmx_the_503_reloads_the_page(client):
    with mock.patch("quiz.views.selectors.quiz_list", side_effect=OperationalError("down")):
        response = client.get("/quiz/", HTTP_HX_REQUEST="true")
    assert response.status_code == 503
    assert response["HX-Refresh"] == "true"


@pytest.mark.django_db
def test_other_database_errors_stay_500s():
    client = Client(raise_request_exception=False)
    with mock.patch("quiz.views.selectors.quiz_list", side_effect=DatabaseError("a bug")):
        assert client.get("/quiz/").status_code == 500
