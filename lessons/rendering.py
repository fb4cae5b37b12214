"""Markdown to safe HTML for lesson bodies.

Editors write Markdown in the admin; the HTML it produces is passed through
an allowlist sanitizer (nh3) before it reaches a page, so a `<script>` or an
`onclick` an editor types is dropped. Rendering is cached by the body's hash,
so a body is converted once, however it reached the database.
"""

import hashlib
import html as html_lib
import math
from dataclasses import dataclass

import markdown
import nh3
from django.core.cache import cache

# Bump when the pipeline changes, so old cached HTML is not reused.
RENDERER_VERSION = "3"
WORDS_PER_MINUTE = 200
# A paragraph holding only this marks where the page embeds the compact
# isolated-vs-cross simulator (lesson 4 places it beside its example).
SIMULATOR_MARKER = "<p>[[margin-modes-simulator]]</p>"
CACHE_SECONDS = 60 * 60 * 24

MARKDOWN_EXTENSIONS = ["tables", "attr_list", "admonition", "toc", "sane_lists"]
ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "caption", "code", "div", "em", "h2", "h3", "h4",
    "hr", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
ALLOWED_CLASSES = {
    "div": {"admonition", "note", "tip", "warning", "example", "table-responsive"},
    "p": {"admonition-title"},
}


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

    @property
    def parts(self) -> list[str]:
        """The HTML in pieces, split where the simulator is embedded."""
        return self.html.split(SIMULATOR_MARKER)


def render_markdown(text: str) -> RenderedBody:
    """Return the sanitized HTML, the headings (for a table of contents) and reading time."""
    key = "markdown:" + hashlib.sha256(f"{RENDERER_VERSION}\n{text}".encode()).hexdigest()
    rendered = cache.get(key)
    if rendered is None:
        rendered = _render(text)
        cache.set(key, rendered, CACHE_SECONDS)
    return rendered


def _render(text: str) -> RenderedBody:
    converter = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS)
    html = nh3.clean(
        converter.convert(text),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,  # links open in place; nothing here uses target=_blank
    )
    words = len(nh3.clean(html, tags=set()).split())
    return RenderedBody(
        html=html,
        headings=_headings(converter.toc_tokens),
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
