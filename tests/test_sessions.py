"""academy.sessions: Django's database sessions, read with plain SQL, behave as Django's."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from academy.sessions import SessionStore

pytestmark = pytest.mark.django_db


def saved(**data) -> str:
    session = DjangoStore()
    session.update(data)
    session.create()
    return session.session_key


def test_reads_what_django_stored_in_one_statement():
    key = saved(quiz_visitor="a" * 32, count=3)
    with CaptureQueriesContext(connection) as queries:
        loaded = SessionStore(key).load()
    assert loaded == DjangoStore(key).load() == {"quiz_visitor": "a" * 32, "count": 3}
    assert len(queries) == 1


def test_an_expired_session_is_not_read_and_its_key_is_dropped():
    key = saved(quiz_visitor="b" * 32)
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None


@pytest.mark.parametrize("key", ["x" * 32, "no-such-session-key-at-all-0000", "' OR 1=1 --" * 3])
def test_an_unknown_or_hostile_key_reads_nothing(key):
    saved(quiz_visitor="c" * 32)
    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None


def test_writes_are_djangos_own():
    store = SessionStore()
    store["quiz_visitor"] = "d" * 32
    store.save()
    assert DjangoStore(store.session_key).load() == {"quiz_visitor": "d" * 32}
    assert SessionStore(store.session_key).load() == {"quiz_visitor": "d" * 32}
