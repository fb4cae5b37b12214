"""allauth's rate limits, held across every process and server, and over the admin's log-in.

allauth counts attempts in Django's default cache, which without REDIS_URL is each
process's own memory: with 4 workers, 20 of 25 wrong passwords for one account were
checked where the limit is 5. Here the counts go to the "ratelimit" cache (a table in
the database, settings.RATE_LIMIT_CACHE), which every process of every server sees,
with or without Redis, and which stays up when Redis goes away.
"""

from allauth.account.adapter import get_adapter
from allauth.core.internal import ratelimit
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.utils.connection import ConnectionProxy


def count_in_shared_cache() -> None:
    """Point allauth's counting at the shared cache. allauth has no setting for it: its
    limiter uses the module's `cache`, Django's default (django-allauth 65)."""
    if not hasattr(ratelimit, "cache"):
        raise ImproperlyConfigured(
            "allauth.core.internal.ratelimit no longer counts in a module-level `cache`: "
            "find where this allauth counts rate limits and point it at "
            "settings.RATE_LIMIT_CACHE (accounts/limits.py)."
        )
    ratelimit.cache = ConnectionProxy(caches, settings.RATE_LIMIT_CACHE)


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's log-in by username, checked through allauth's adapter, so that it
    counts toward and is held by the same failed log-in limits as allauth's own form
    (per address, and per name tried)."""

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            # Raises "Too many failed login attempts" once a limit is reached.
            self.user_cache = get_adapter(self.request).authenticate(
                self.request, username=username, password=password
            )
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
