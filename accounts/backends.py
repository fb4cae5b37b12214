"""Log-in backends: Django's (the admin's log-in by username) and allauth's (by
email), each reading the logged-in user with one statement of plain SQL.

Every request of someone logged in reads their user, and through the ORM building
that query cost more than the rest of a cached progress page (bench/progress_bench.py).
Logging in, permissions and everything else are the backends' own.
"""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections, router

from core import rows


def user_by_pk(pk):
    """The user with this primary key, or None, as the ORM would build it."""
    model = get_user_model()
    using = router.db_for_read(model)
    connection = connections[using]
    quote = connection.ops.quote_name
    pk_column = quote(model._meta.pk.column)
    sql = (
        f"SELECT {rows.columns(model, 'u', using)} "  # noqa: S608 - names from the model
        f"FROM {quote(model._meta.db_table)} u WHERE u.{pk_column} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [model._meta.pk.get_db_prep_value(pk, connection)])
        row = cursor.fetchone()
    return None if row is None else rows.from_row(model, row, using)


class PlainUserRead:
    def get_user(self, user_id):
        user = user_by_pk(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class UsernameBackend(PlainUserRead, ModelBackend):
    """django.contrib.auth's ModelBackend."""


class EmailBackend(PlainUserRead, AuthenticationBackend):
    """allauth's AuthenticationBackend."""
