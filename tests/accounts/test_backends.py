"""accounts.backends: the logged-in user read with one statement, as Django reads it."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.backends import EmailBackend, UsernameBackend
from tests.accounts.conftest import log_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("backend", [UsernameBackend(), EmailBackend()])
def test_reads_the_user_as_the_orm_does_in_one_statement(backend, learner):
    with CaptureQueriesContext(connection) as queries:
        user = backend.get_user(learner.pk)
    assert len(queries) == 1
    stored = get_user_model().objects.get(pk=learner.pk)
    fields = [f.attname for f in get_user_model()._meta.concrete_fields]
    assert [getattr(user, f) for f in fields] == [getattr(stored, f) for f in fields]
    assert user.get_session_auth_hash() == stored.get_session_auth_hash()


@pytest.mark.parametrize("backend", [UsernameBackend(), EmailBackend()])
def test_no_user_for_an_unknown_or_inactive_account(backend, learner):
    assert backend.get_user(learner.pk + 1000) is None
    learner.is_active = False
    learner.save()
    assert backend.get_user(learner.pk) is None


def test_a_changed_password_ends_other_sessions(client, learner):
    log_in(client, learner.email)
    assert client.get("/accounts/").status_code == 200
    learner.set_password("another-long-pass-9")
    learner.save()
    assert client.get("/accounts/")["Location"].startswith("/accounts/login/")
