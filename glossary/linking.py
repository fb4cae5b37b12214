"""Glossary terms linked in rendered HTML: the first use of each term in each section.

Runs on HTML that is already sanitized (core.markdown), once, when a lesson is
rendered; what it adds is markup of ours. The rule (docs/authoring.md):

- a section starts at each `<h2>`; in each, a term (or one of its synonyms, or
  their plurals) is linked where it is first used;
- never inside headings, links, code, nor a passage marked `no-glossary`;
- never where the text defines it: a term in bold (`**…**`) or `<dfn>` is not
  linked, nor again in that section; and never in the lessons the term names as
  the ones that teach it (there the lesson is the definition).

Each link says its term's one-sentence definition to screen readers
(aria-describedby, to a hidden list appended to the HTML); static/js/glossary.js
shows the same sentence in a popover.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

from core.markdown import NO_GLOSSARY

NOT_LINKED_INSIDE = {"a", "code", "pre", "kbd", "samp", "h1", "h2", "h3", "h4", "h5", "h6"}
DEFINED_INSIDE = {"strong", "b", "dfn"}
VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
LINK_CLASS = "glossary-link"


@dataclass(frozen=True, slots=True)
class Linkable:
    """A term as linking needs it."""

    slug: str
    names: tuple[str, ...]  # the term and its synonyms
    definition: str
    url: str
    taught_in: frozenset[str] = frozenset()  # lesson slugs


def definition_id(slug: str) -> str:
    return f"glossary-def-{slug}"


def _name_pattern(name: str) -> str:
    # An abbreviation in capitals (ADL, MMR) is matched as written, so "im" or "mm" in
    # other words never is; other names in any case. Plurals too: "liquidation prices".
    words = r"\s+".join(re.escape(word) for word in name.split())
    exact = name.upper() == name
    suffix = "" if name.endswith("s") else "(?:s|es)?"
    return f"{words}{suffix}" if exact else f"(?i:{words}{suffix})"


class _Matcher:
    def __init__(self, terms: Sequence[Linkable]) -> None:
        self.by_name: dict[str, Linkable] = {}
        self.exact: dict[str, Linkable] = {}
        for term in terms:
            for name in term.names:
                self.by_name.setdefault(_fold(name), term)
        names = sorted({name for term in terms for name in term.names}, key=lambda n: (-len(n), n))
        self.pattern = (
            re.compile(r"(?<![\w-])(?:" + "|".join(map(_name_pattern, names)) + r")(?![\w-])")
            if names
            else None
        )

    def term(self, text: str) -> Linkable | None:
        folded = _fold(text)
        for candidate in (folded, folded.removesuffix("es"), folded.removesuffix("s")):
            if candidate in self.by_name:
                return self.by_name[candidate]
        return None


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


class _Linker(HTMLParser):
    def __init__(self, matcher: _Matcher, lesson_slug: str | None) -> None:
        super().__init__(convert_charrefs=False)
        self.matcher = matcher
        self.lesson_slug = lesson_slug
        self.out: list[str] = []
        self.stack: list[tuple[str, str]] = []  # (tag, "skip" | "defines" | "")
        self.seen: set[str] = set()  # terms linked or defined in this section
        self.used: dict[str, Linkable] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")
        if tag in VOID:
            return
        classes = next((value or "" for name, value in attrs if name == "class"), "").split()
        if tag == "h2":
            self.seen = set()
        role = "skip" if tag in NOT_LINKED_INSIDE or NO_GLOSSARY in classes else ""
        self.stack.append((tag, "defines" if tag in DEFINED_INSIDE else role))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data: str) -> None:
        roles = {role for _, role in self.stack}
        if "skip" in roles or self.matcher.pattern is None:
            self.out.append(data)
            return
        defining = "defines" in roles
        position = 0
        for match in self.matcher.pattern.finditer(data):
            term = self.matcher.term(match.group())
            if term is None or term.slug in self.seen:
                continue
            self.seen.add(term.slug)
            if defining or self.lesson_slug in term.taught_in:
                continue
            self.used.setdefault(term.slug, term)
            self.out.append(data[position : match.start()])
            self.out.append(
                f'<a class="{LINK_CLASS}" href="{escape(term.url)}" '
                f'aria-describedby="{definition_id(term.slug)}">{match.group()}</a>'
            )
            position = match.end()
        self.out.append(data[position:])

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")


def link_terms(html: str, terms: Sequence[Linkable], *, lesson_slug: str | None = None) -> str:
    """`html` with the first use of each term in each section linked to its page, and
    the definitions of the terms linked appended, hidden, for screen readers."""
    linker = _Linker(_Matcher(terms), lesson_slug)
    linker.feed(html)
    linker.close()
    if not linker.used:
        return html
    definitions = "".join(
        f'<span id="{definition_id(term.slug)}">{escape(term.definition)}</span>'
        for term in linker.used.values()
    )
    return "".join(linker.out) + f'\n<div class="glossary-definitions" hidden>{definitions}</div>'
