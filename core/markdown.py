"""Markdown to safe HTML: the one pipeline every text an editor writes goes through.

The HTML Markdown produces passes an allowlist sanitizer (nh3), so a `<script>`
or an `onclick` an editor types is dropped. Lessons add embeds, headings and
reading time on top (lessons.rendering); glossary terms use it as it is.
"""

import markdown
import nh3

MARKDOWN_EXTENSIONS = ["tables", "attr_list", "admonition", "toc", "sane_lists"]
ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "caption", "code", "div", "em", "h2", "h3", "h4",
    "hr", "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
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
# "no-glossary" marks a passage whose words are never linked to the glossary
# (docs/authoring.md): `{: .no-glossary }` after a paragraph, or a span.
NO_GLOSSARY = "no-glossary"
ALLOWED_CLASSES = {
    "div": {"admonition", "note", "tip", "warning", "example", "table-responsive", NO_GLOSSARY},
    "p": {"admonition-title", NO_GLOSSARY},
    "span": {NO_GLOSSARY},
    "li": {NO_GLOSSARY},
    "ul": {NO_GLOSSARY},
    "ol": {NO_GLOSSARY},
    "table": {NO_GLOSSARY},
    "blockquote": {NO_GLOSSARY},
}


def to_safe_html(text: str) -> tuple[str, list[dict]]:
    """The sanitized HTML of Markdown `text`, and its headings as the toc extension gives them."""
    converter = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS)
    html = nh3.clean(
        converter.convert(text),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,  # links open in place; nothing here uses target=_blank
    )
    return html, converter.toc_tokens
