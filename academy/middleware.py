"""Site-wide middleware: personal responses kept out of shared caches, and the page
for when the database cannot be reached."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import has_vary_header, patch_cache_control

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


class PrivateWhenPersonalMiddleware:
    """A response that varies with the visitor's cookies is theirs: their progress,
    attempts, account, or a form carrying the token of their CSRF cookie. It says
    `Cache-Control: private`, so a shared cache (a proxy, a CDN) never hands it to
    someone else; the browser's own cache may still keep it. Listed before every
    middleware that marks a response as varying with cookies."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if has_vary_header(response, "Cookie"):
            patch_cache_control(response, private=True)
        return response


class DatabaseUnavailableMiddleware:
    """While the database cannot be reached (a restart, a failover, a lost connection)
    a request gets a 503 with Retry-After and the site's page saying so, not the 500
    that means a bug. Connections are checked at the start of each request
    (conn_health_checks), so the next request after the database is back is served.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable for %s %s: %s", request.method, request.path, exception)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        if request.headers.get("HX-Request") == "true":
            # htmx swaps no error response: reload, which shows the page or this one.
            response["HX-Refresh"] = "true"
        return response
