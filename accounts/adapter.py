from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

# The navigation shows whether someone is logged in, and the pages after log-out
# (home, served from the shared cache) show no messages, so these would linger.
QUIET = {"account/messages/logged_out.txt"}


class AccountAdapter(DefaultAccountAdapter):
    def add_message(self, request, level, message_template=None, *args, **kwargs) -> None:
        if message_template in QUIET:
            return
        super().add_message(request, level, message_template, *args, **kwargs)

    def get_client_ip(self, request) -> str:
        """The visitor's address, as the trusted proxies tell it (settings.py). A request
        that did not come through them all (X-Forwarded-For shorter than the proxy count,
        or the client-IP header missing or not an address) is counted by the address it
        connected from, where allauth would fail with a 500 or a 403."""
        try:
            return super().get_client_ip(request)
        except (ImproperlyConfigured, PermissionDenied):
            return request.META.get("REMOTE_ADDR", "")
