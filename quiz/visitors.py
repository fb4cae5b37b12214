"""Who owns an attempt: a token kept in the visitor's session, and the user if logged in.

A token of our own, not the session key, because Django changes the session
key when someone logs in, and the attempts they started should stay theirs.
"""

import secrets
from dataclasses import dataclass

from django.db.models import Q
from django.http import HttpRequest

from quiz.models import Attempt

SESSION_KEY = "quiz_visitor"


@dataclass(frozen=True, slots=True)
class Owner:
    visitor: str
    user_id: int | None = None

    def filter(self, prefix: str = "") -> Q:
        """Attempts of this owner; with a prefix such as "attempt__", rows of their attempts."""
        found = Q(**{f"{prefix}visitor": self.visitor}) if self.visitor else Q(pk__in=[])
        if self.user_id is not None:
            found |= Q(**{f"{prefix}user_id": self.user_id})
        return found

    def where(self, alias: str) -> tuple[str, list]:
        """The same for plain SQL: a condition on the table aliased `alias`, and its values."""
        conditions, params = [], []
        if self.visitor:
            conditions.append(f"{alias}.visitor = %s")
            params.append(self.visitor)
        if self.user_id is not None:
            conditions.append(f"{alias}.user_id = %s")
            params.append(self.user_id)
        return f"({' OR '.join(conditions) or '1 = 0'})", params


def owner_from_request(request: HttpRequest, *, create: bool = False) -> Owner | None:
    """The visitor behind a request; None for one who has never started a quiz.

    With create, a first-time visitor gets a token (and so a session cookie).
    """
    visitor = request.session.get(SESSION_KEY)
    if visitor is None and create:
        visitor = request.session[SESSION_KEY] = secrets.token_hex(16)
    user_id = request.user.pk if request.user.is_authenticated else None
    if visitor is None:
        return Owner(visitor="", user_id=user_id) if user_id is not None else None
    return Owner(visitor=visitor, user_id=user_id)


def attempts_claim(*, visitor: str, user_id: int) -> int:
    """Give a user who just logged in the attempts their session made before; how many.

    Only attempts no account owns yet: a token is one browser's, so nothing of
    another user's can carry it.
    """
    if not visitor:
        return 0
    return Attempt.objects.filter(visitor=visitor, user__isnull=True).update(user_id=user_id)
