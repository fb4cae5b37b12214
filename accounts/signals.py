from django.http import HttpRequest

from accounts.services import learner_claim
from quiz.visitors import SESSION_KEY


def claim_on_log_in(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """On log-in (after sign-up and email confirmation too), what the visitor did in
    this browser moves to their account. Django keeps the session's data through a
    log-in unless another user was logged in, so the token is still there."""
    if request is None or not hasattr(request, "session"):
        return
    learner_claim(visitor=request.session.get(SESSION_KEY, ""), user=user)
