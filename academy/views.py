"""Site-wide endpoints that belong to no app: health check, robots.txt, CSRF failure."""

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


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
