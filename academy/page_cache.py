"""Whole-page caching for pages that every anonymous visitor sees the same.

Only two things in such a page differ per response: the CSP nonce and the CSRF
token. The cached HTML holds placeholders for them, filled in on the way out,
so a cache hit costs a lookup and two string replacements instead of queries
and template rendering.

The cache is per process (local memory) with a short timeout, and saving
content through the admin clears the saving process's copy at once; other
processes catch up within PAGE_CACHE_SECONDS. Point CACHES at a shared backend
to make invalidation immediate everywhere.
"""

from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.template.loader import render_to_string

PAGE_CACHE_SECONDS = 60
VERSION_KEY = "page-cache-version"
NONCE_PLACEHOLDER = "csp-nonce-placeholder-7f3a"
TOKEN_PLACEHOLDER = "csrf-token-placeholder-7f3a"  # noqa: S105 - a marker, not a secret


def render_cached_page(
    request: HttpRequest,
    *,
    key: str,
    template_name: str,
    build_context: Callable[[], dict],
) -> HttpResponse:
    """Render once per cache period; fill in this response's nonce and token."""
    full_key = f"page:{cache.get_or_set(VERSION_KEY, 1, None)}:{key}"
    html = cache.get(full_key)
    if html is None:
        context = {
            **build_context(),
            "csp_nonce": NONCE_PLACEHOLDER,
            "csrf_token": TOKEN_PLACEHOLDER,
        }
        html = render_to_string(template_name, context, request=request)
        cache.set(full_key, html, PAGE_CACHE_SECONDS)
    html = html.replace(NONCE_PLACEHOLDER, str(get_nonce(request)))
    if TOKEN_PLACEHOLDER in html:
        html = html.replace(TOKEN_PLACEHOLDER, get_token(request))
    return HttpResponse(html)


def clear_page_cache() -> None:
    """Forget every cached page (in this process's cache)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, None)
