"""Whole-page caching for pages that every anonymous visitor sees the same.

Only two things in such a page differ per response: the CSP nonce and the CSRF
token. The cached page is kept in pieces around placeholders for them, with the
fixed pieces already compressed, so a hit costs a lookup, two tiny compressions
and a checksum instead of queries, template rendering and gzip of the whole page
(which alone costs more than the rest of the request).

A learner's own page (their progress) is kept the same way, per learner, under
a key naming the state of their record (render_personal_page).

Saving content changes the content version, which is part of every key, so
no page built from the old content is served again. With REDIS_URL the cache
(and so the version) is shared by every process on every server, and an edit
shows everywhere at once; without it each process has its own cache (local
memory), and other processes catch up within PAGE_CACHE_SECONDS.
"""

import hashlib
import re
import secrets
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers

PAGE_CACHE_SECONDS = 60
VERSION_KEY = "page-cache-version"
# The two slots of a cached page, filled for each response.
NONCE, TOKEN = "nonce", "token"
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def _deflate(data: bytes) -> bytes:
    """Raw deflate ending on a byte boundary, with no reference to what went
    before: such pieces join into one valid deflate stream in any order."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


END_OF_STREAM = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS).flush(zlib.Z_FINISH)


@dataclass(frozen=True, slots=True)
class CachedPage:
    status: int
    pieces: tuple[str, ...]  # fixed text at even positions, slots (NONCE, TOKEN) at odd ones
    encoded: tuple[bytes, ...]
    deflated: tuple[bytes, ...]

    @classmethod
    def from_html(cls, html: str, status: int, markers: dict[str, str]) -> "CachedPage":
        """The page cut at its markers (each marker's text: the slot it stands for)."""
        found = re.compile("(" + "|".join(map(re.escape, markers)) + ")")
        pieces = tuple(markers[p] if i % 2 else p for i, p in enumerate(found.split(html)))
        encoded = tuple(piece.encode() for piece in pieces)
        deflated = tuple(_deflate(data) if i % 2 == 0 else b"" for i, data in enumerate(encoded))
        return cls(status, pieces, encoded, deflated)

    def response(self, values: dict[str, str], *, gzip: bool) -> HttpResponse:
        if not gzip:
            text = "".join(values[p] if i % 2 else p for i, p in enumerate(self.pieces))
            return HttpResponse(text, status=self.status)
        # A gzip member: header, the deflate pieces, end of stream, CRC-32 and size.
        # A random file name varies the length, as Django's GZipMiddleware does
        # against BREACH.
        body = [b"\x1f\x8b\x08\x08\x00\x00\x00\x00\x00\xff"]
        body.append(secrets.token_hex(secrets.randbelow(50) + 16).encode() + b"\x00")
        crc, size = 0, 0
        for i, data in enumerate(self.encoded):
            if i % 2:
                data = values[self.pieces[i]].encode()
                body.append(_deflate(data))
            else:
                body.append(self.deflated[i])
            crc, size = zlib.crc32(data, crc), size + len(data)
        body += [END_OF_STREAM, struct.pack("<II", crc, size & 0xFFFFFFFF)]
        response = HttpResponse(b"".join(body), status=self.status)
        response["Content-Encoding"] = "gzip"
        return response


def render_cached_page(
    request: HttpRequest,
    *,
    key: str,
    template_name: str,
    build_context: Callable[[], dict],
    status: Callable[[dict], int] = lambda context: 200,
) -> HttpResponse:
    """Render once per cache period; fill in this response's nonce and token.

    `build_context` may raise Http404, which is not cached; `status` gives the
    response status for a context (a page showing form errors is not a 200).
    Someone logged in gets the page rendered for them: the navigation names
    their account.
    """
    if request.user.is_authenticated:
        context = build_context()
        return _fresh(request, template_name, context, status(context))
    full_key = f"cached-page:{content_version()}:{key}"
    page = cache.get(full_key)
    if page is None:
        context = build_context()
        page = _page(request, template_name, context, status=status(context))
        cache.set(full_key, page, PAGE_CACHE_SECONDS)
    return _from_page(request, page)


@dataclass(frozen=True, slots=True)
class PersonalPage:
    page: CachedPage
    until: datetime | None  # when it turns stale by itself, if ever


def render_personal_page(
    request: HttpRequest,
    *,
    key: Callable[[], str],
    template_name: str,
    build_context: Callable[[], dict],
    now: datetime,
    until: Callable[[dict], datetime | None] = lambda context: None,
) -> HttpResponse:
    """A page of one learner's own record, from the cache while that record is unchanged.

    `key()` must name the learner and everything of theirs the page shows (a
    fingerprint read from the database, so that every server and process sees a
    change at once); it is read again after `build_context`, which may bring the
    record up to date. `until(context)` is when the page turns stale by itself
    (something falling due), compared with `now`. Messages waiting to be shown
    are rendered, not cached.
    """
    if len(get_messages(request)):
        return _fresh(request, template_name, build_context())
    found = cache.get(_personal_key(key()))
    if found is not None and (found.until is None or now < found.until):
        return _from_page(request, found.page)
    context = build_context()
    page = _page(request, template_name, context, status=200)
    entry = PersonalPage(page=page, until=until(context))
    cache.set(_personal_key(key()), entry, PAGE_CACHE_SECONDS)
    return _from_page(request, page)


def _personal_key(key: str) -> str:
    # Hashed: a key may hold an email address, too long or odd for some cache backends.
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"personal-page:{content_version()}:{digest}"


def _fresh(request: HttpRequest, template_name: str, context: dict, status: int = 200):
    return HttpResponse(render_to_string(template_name, context, request=request), status=status)


def _page(request: HttpRequest, template_name: str, context: dict, *, status: int) -> CachedPage:
    # Markers made for this rendering alone: text typed into the page (a field the
    # form shows again) cannot know them, so is never taken for a slot.
    nonce, token = (f"{slot}-{secrets.token_hex(16)}" for slot in (NONCE, TOKEN))
    html = render_to_string(
        template_name, {**context, "csp_nonce": nonce, "csrf_token": token}, request=request
    )
    return CachedPage.from_html(html, status, {nonce: NONCE, token: TOKEN})


def _from_page(request: HttpRequest, page: CachedPage) -> HttpResponse:
    """The page with this response's nonce and token, compressed if the browser accepts it."""
    values = {NONCE: str(get_nonce(request))}
    if TOKEN in page.pieces[1::2]:
        values[TOKEN] = get_token(request)
    gzip = bool(ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))
    response = page.response(values, gzip=gzip)
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def content_version() -> int:
    """A number that changes whenever content is saved: a key for anything built from
    content includes it, so saving makes every such entry unreachable at once."""
    return cache.get_or_set(VERSION_KEY, 1, None)


def clear_page_cache() -> None:
    """Forget every cached page and everything else keyed by the content version.

    Now, for this request's next read, and again once the saving transaction
    commits: a page another process renders in between, from what the database
    held before the commit, must not outlive it.
    """
    _bump_version()
    transaction.on_commit(_bump_version)


def _bump_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, None)
