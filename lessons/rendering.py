"""Markdown to safe HTML for lesson bodies.

Editors write Markdown in the admin; core.markdown turns it into HTML through
an allowlist sanitizer (nh3), so a `<script>` or an `onclick` an editor types
is dropped. A stored body also has its glossary terms linked (glossary.linking).

A lesson keeps its body rendered in its row (`stored_fields`, on save and on
load), so no page converts Markdown. The embed lines are kept in that HTML as
markers, each replaced per request by its handler (lessons.registry): what an
embed shows (a preset, the value a visitor chose) is never stored with it.
Text that is not kept in a row (the simulator's methodology file) is rendered
with `render_markdown`, cached by its hash.
"""

import hashlib
import html as html_lib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import nh3
from django.core.cache import cache

from core.markdown import to_safe_html
from glossary.linking import Linkable, link_terms
from glossary.selectors import term_linkables
from lessons.registry import EMBED_LINE, Embed, find_embeds

# Bump when the pipeline changes, so old cached HTML is not reused.
RENDERER_VERSION = "5"
WORDS_PER_MINUTE = 200
# An embed line ([[simulator ...]], see lessons.registry) becomes this paragraph,
# where the page puts the embed.
EMBED_MARKER = "embed-placeholder-{}-7f3a"
EMBED_PARAGRAPH = re.compile(r"<p>embed-placeholder-(\d+)-7f3a</p>")
CACHE_SECONDS = 60 * 60 * 24


@dataclass(frozen=True, slots=True)
class Heading:
    id: str
    title: str
    children: tuple["Heading", ...] = ()


@dataclass(frozen=True, slots=True)
class RenderedBody:
    html: str
    headings: tuple[Heading, ...]
    reading_minutes: int
    embeds: tuple[Embed, ...] = ()

    @property
    def pieces(self) -> list[tuple[str, Embed | None]]:
        """The HTML in order, each piece with the embed that follows it (None at the end)."""
        parts = EMBED_PARAGRAPH.split(self.html)
        by_number = {embed.number: embed for embed in self.embeds}
        return [
            (parts[i], by_number.get(int(parts[i + 1])) if i + 1 < len(parts) else None)
            for i in range(0, len(parts), 2)
        ]


def source_hash(text: str) -> str:
    """What rendered HTML was made from: the text and this renderer's version."""
    return hashlib.sha256(f"{RENDERER_VERSION}\n{text}".encode()).hexdigest()


def render_markdown(text: str) -> RenderedBody:
    """The sanitized HTML, the headings (for a table of contents) and reading time,
    cached by the text's hash."""
    key = "markdown:" + source_hash(text)
    rendered = cache.get(key)
    if rendered is None:
        rendered = _render(text)
        cache.set(key, rendered, CACHE_SECONDS)
    return rendered


def stored_fields(
    text: str, *, lesson_slug: str | None = None, terms: Sequence[Linkable] | None = None
) -> dict[str, object]:
    """Markdown `text` rendered, as a row keeps it (lessons.models.Lesson's fields), with
    the glossary's `terms` (default: every term) linked, as the lesson `lesson_slug`."""
    rendered = _render(text)
    terms = term_linkables() if terms is None else terms
    return {
        "body_html": link_terms(rendered.html, terms, lesson_slug=lesson_slug),
        "headings": _headings_data(rendered.headings),
        "reading_minutes": rendered.reading_minutes,
        "rendered_hash": source_hash(text),
    }


def from_stored(
    *, html: str, headings: list[dict], reading_minutes: int, text: str
) -> RenderedBody:
    """What `stored_fields` kept, for a page; the embeds are read again from the
    Markdown `text` (a regular expression, no Markdown)."""
    embeds, _ = find_embeds(text)
    return RenderedBody(
        html=html,
        headings=_headings_from_data(headings),
        reading_minutes=reading_minutes,
        embeds=tuple(embeds),
    )


def _render(text: str) -> RenderedBody:
    embeds, _ = find_embeds(text)  # mistakes are the author's form errors, not the reader's
    numbers = iter(embed.number for embed in embeds)
    text = EMBED_LINE.sub(lambda match: f"\n\n{EMBED_MARKER.format(next(numbers))}\n\n", text)
    html, toc_tokens = to_safe_html(text)
    words = len(nh3.clean(EMBED_PARAGRAPH.sub("", html), tags=set()).split())
    return RenderedBody(
        html=html,
        embeds=tuple(embeds),
        headings=_headings(toc_tokens),
        reading_minutes=max(1, math.ceil(words / WORDS_PER_MINUTE)),
    )


def _headings(tokens: list[dict]) -> tuple[Heading, ...]:
    return tuple(
        Heading(
            id=token["id"],
            # The toc extension gives names HTML-escaped; templates escape again.
            title=html_lib.unescape(token["name"]),
            children=_headings(token["children"]),
        )
        for token in tokens
    )


def _headings_data(headings: tuple[Heading, ...]) -> list[dict]:
    return [
        {"id": h.id, "title": h.title, "children": _headings_data(h.children)} for h in headings
    ]


def _headings_from_data(data: list[dict]) -> tuple[Heading, ...]:
    return tuple(
        Heading(id=item["id"], title=item["title"], children=_headings_from_data(item["children"]))
        for item in data
    )
