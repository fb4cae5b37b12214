from allauth.account.adapter import DefaultAccountAdapter

# The navigation shows whether someone is logged in, and the pages after log-out
# (home, served from the shared cache) show no messages, so these would linger.
QUIET = {"account/messages/logged_out.txt"}


class AccountAdapter(DefaultAccountAdapter):
    def add_message(self, request, level, message_template=None, *args, **kwargs) -> None:
        if message_template in QUIET:
            return
        super().add_message(request, level, message_template, *args, **kwargs)
