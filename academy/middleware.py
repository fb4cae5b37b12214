"""The page for when the database cannot be reached."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


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
