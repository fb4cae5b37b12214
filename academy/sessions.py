"""Django's database sessions, read with one statement of plain SQL.

SESSION_ENGINE when there is no Redis (with REDIS_URL, Django's `cached_db`
reads sessions from Redis and rarely reaches the database). Every request that
carries a session cookie reads its session, and through the ORM building that
one query cost more than running it and decoding the data: 0.6 of 0.7 ms per
quiz answer (bench/quiz_bench.py). Everything else, writing included, is
Django's own.
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from core import rows


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        """The stored session unless it has expired, as Django's own query finds it."""
        model = self.model
        using = router.db_for_read(model)
        connection = connections[using]
        quote = connection.ops.quote_name
        expire_date = model._meta.get_field("expire_date")
        sql = (
            f"SELECT {rows.columns(model, 's', using)} "  # noqa: S608 - names from the model
            f"FROM {quote(model._meta.db_table)} s WHERE s.{quote('session_key')} = %s "
            f"AND s.{quote(expire_date.column)} > %s"
        )
        now = expire_date.get_db_prep_value(timezone.now(), connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return rows.from_row(model, row, using)
