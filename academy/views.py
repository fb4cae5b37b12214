"""Site-wide endpoints that belong to no app: health check, robots.txt, CSRF failure."""

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 while the database answers, 503 when it does not.

    The cache is reported too, but a cache that cannot be reached leaves the site
    serving (academy/cache.py), so it makes the status "degraded", not an error.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        database = "unavailable"
    else:
        database = "ok"
    check = getattr(cache, "is_available", None)  # a cache of our own process always is
    cache_state = "ok" if check is None or check() else "degraded"
    if database != "ok":
        status, code = "error", 503
    else:
        status, code = ("ok" if cache_state == "ok" else "degraded"), 200
    return JsonResponse({"status": status, "database": database, "cache": cache_state}, status=code)


@cache_control(max_age=86400, public=True)
@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    return HttpResponse("User-agent: *\nDisallow: /admin/\n", content_type="text/plain")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponseForbidden:
    """The site's 403 page; htmx does not swap error responses, so an htmx request
    is told to reload the page, which brings a fresh token."""
    response = HttpResponseForbidden(render_to_string("403_csrf.html", request=request))
    if request.headers.get("HX-Request") == "true":
        response["HX-Refresh"] = "true"
    return response
