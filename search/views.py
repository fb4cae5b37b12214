"""/search/: the page of a query (GET, so the address is the search), and its results
partial for htmx while the learner types. Both are the same for everyone, so they are
kept per query and content version (core.page_cache)."""

import hashlib

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from core.forms import error_list
from core.page_cache import PAGE_CACHE_SECONDS, content_version, render_cached_page
from search.forms import SearchForm
from search.selectors import entry_search

TEMPLATE = "search/search.html"


def _key(request: HttpRequest) -> str:
    query = request.META.get("QUERY_STRING", "")
    return "search:" + hashlib.sha256(query.encode()).hexdigest()


def _context(request: HttpRequest) -> dict:
    form = SearchForm(request.GET)
    found = entry_search(query=form.cleaned_data["q"]) if form.is_valid() else None
    return {
        "form": form,
        "found": found,
        "errors": error_list([(form, "")], fallback="id_q"),
        "breadcrumbs": [("Search", None)],
    }


def _status(context: dict) -> int:
    return 422 if context["errors"] else 200


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    if request.htmx and not request.htmx.history_restore_request:
        return results(request)
    response = render_cached_page(
        request, key=_key(request), template_name=TEMPLATE, build_context=lambda: _context(request),
        status=_status,
    )  # fmt: skip
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def results(request: HttpRequest) -> HttpResponse:
    if not request.htmx:
        query = request.META.get("QUERY_STRING", "")
        return redirect(reverse("search:index") + (f"?{query}" if query else ""))
    key = f"search-results:{content_version()}:{_key(request)}"
    html = cache.get(key)
    if html is None:
        html = render_to_string(f"{TEMPLATE}#results", _context(request), request)
        cache.set(key, html, PAGE_CACHE_SECONDS)
    response = HttpResponse(html)
    response["HX-Replace-Url"] = request.get_full_path().replace(
        reverse("search:results"), reverse("search:index"), 1
    )
    patch_vary_headers(response, ["HX-Request"])
    return response
