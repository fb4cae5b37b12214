"""PostgreSQL connections are kept between requests and checked before reuse (Django's
CONN_HEALTH_CHECKS): a connection the server has ended is replaced before a request
uses it."""

import select
import time

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="PostgreSQL only (make test-postgres)",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def new_connection_after():
    """The test database is emptied after each test, on a connection that works."""
    yield
    connection.close()


def end_from_the_server(pid: int) -> None:
    """End a backend as a server restart does (its goodbye, then the socket closes)."""
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)
    poller = select.poll()
    poller.register(connection.connection.fileno(), select.POLLIN)
    deadline = time.monotonic() + 5
    while not poller.poll(50) and time.monotonic() < deadline:
        pass


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_connections_are_kept_and_checked_before_reuse():
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_a_connection_the_server_ended_fails_its_check():
    end_from_the_server(backend_pid())
    assert connection.is_usable() is False


def test_the_next_request_after_a_restart_is_served_on_a_new_connection(client):
    old = backend_pid()
    end_from_the_server(old)
    connection.close_if_unusable_or_obsolete()  # what the end of a request does
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/quiz/")
    assert response.status_code == 200
    assert len(queries) > 0
    assert backend_pid() != old


def test_a_closed_connection_is_not_usable():
    backend_pid()
    connection.connection.close()
    assert connection.is_usable() is False


def test_a_connection_in_a_failed_transaction_fails_its_check():
    backend_pid()
    raw = connection.connection
    raw.autocommit = False
    with pytest.raises(psycopg.errors.DivisionByZero):
        raw.execute("SELECT 1 / 0")
    assert connection.is_usable() is False
    raw.rollback()
    raw.autocommit = True
    assert connection.is_usable() is True


def test_a_connection_that_met_an_error_but_works_is_kept():
    """As after a refused answer (an IntegrityError): Django checks it, and keeps it."""
    old = backend_pid()
    connection.errors_occurred = True
    connection.close_if_unusable_or_obsolete()
    assert connection.connection is not None
    assert backend_pid() == old
