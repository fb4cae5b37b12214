"""What the simulator's faces (the sandbox, the Tools, the replay) share in their views.

Each face's page is the same for everyone at one address (the address spells out
the whole scenario, calculation or replay), so it is cached under a digest of its
query; its status says whether the form found anything wrong; and the results
partial that htmx asks for while the learner types is kept a while per input.
"""

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import patch_vary_headers

from core.page_cache import render_cached_page

# Sliding a lesson widget back and forth, or many learners on one preset, cost one
# computation per value in this time.
RESULTS_CACHE_SECONDS = 600


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def query_key(prefix: str, request: HttpRequest) -> str:
    """The cache key of what the address asks for."""
    return f"{prefix}:{digest(request.META.get('QUERY_STRING', ''))}"


def context(*, errors: list[tuple[str, str]], breadcrumbs: list, **rest: object) -> dict:
    """Every face's page context: its errors as (field id, message) pairs for the one
    error summary, its breadcrumbs, and what its template shows."""
    return {"errors": errors, "breadcrumbs": breadcrumbs, **rest}


def status(page_context: dict) -> int:
    """404 for an address naming something that does not exist, 422 for a form with
    errors (the page still shows what was typed), else 200."""
    if page_context.get("missing"):
        return 404
    return 422 if page_context["errors"] else 200


def address_page(
    request: HttpRequest, *, prefix: str, template_name: str, build_context: Callable[[], dict]
) -> HttpResponse:
    """The page of the address, from the shared page cache."""
    return render_cached_page(
        request,
        key=query_key(prefix, request),
        template_name=template_name,
        build_context=build_context,
        status=status,
    )


def results_partial(*, key: str, build: Callable[[], tuple[str, str]]) -> HttpResponse:
    """The results partial htmx swaps in: `build` gives its HTML and the address of the
    result, which htmx puts in the location bar (HX-Replace-Url)."""
    html, share_url = cache.get_or_set(key, build, RESULTS_CACHE_SECONDS)
    response = HttpResponse(html)
    if share_url:
        response["HX-Replace-Url"] = share_url
    return response


def page_or_partial(
    request: HttpRequest,
    *,
    prefix: str,
    template_name: str,
    build_context: Callable[[], dict],
    partial: Callable[[HttpRequest], HttpResponse],
) -> HttpResponse:
    """A face's page at its address (cached); for htmx, only its results partial."""
    if request.htmx and not request.htmx.history_restore_request:
        return partial(request)
    response = address_page(
        request, prefix=prefix, template_name=template_name, build_context=build_context
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


def htmx_results(
    request: HttpRequest, *, page_url: str, prefix: str, build: Callable[[], tuple[str, str]]
) -> HttpResponse:
    """The results partial for htmx; anyone else goes to the page of the same address."""
    if not request.htmx:
        query = request.META.get("QUERY_STRING", "")
        return redirect(page_url + (f"?{query}" if query else ""))
    response = results_partial(key=query_key(prefix, request), build=build)
    patch_vary_headers(response, ["HX-Request"])
    return response
