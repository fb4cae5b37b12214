"""Reading the search index: Django's `icontains` on both databases, ranked and cut into
snippets here. Measured against SQLite's FTS5 and PostgreSQL's full-text search on this
index (docs/performance.md, "Search"): the plain scan costs less on both, for an index of a
course's size, and needs no raw SQL, virtual table or extension.

A query is cut into words (letters and digits only: no operator, quote or SQL reaches the
database); every word must appear, as a word or the start or middle of one (so results
come while the learner types). A title that holds every word ranks first, then an entry
whose other names do, then the most mentions. With no result, a word close to one in a
title or name (a small typo) is corrected, and the page says so.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.html import escape

from search.models import Entry

MAX_QUERY = 100
MAX_WORDS = 8
MAX_RESULTS = 20
SNIPPET = 200  # characters of text around the first match
WORD = re.compile(r"[^\W_]+")
START, STOP = "\x02", "\x03"  # marks around matched words in a snippet, escaped after


@dataclass(frozen=True, slots=True)
class Hit:
    entry: Entry
    snippet: str
    """HTML: the entry's text around the matched words, escaped, the words in <mark>."""


@dataclass(frozen=True, slots=True)
class Found:
    query: str
    words: tuple[str, ...]
    hits: tuple[Hit, ...] = ()
    corrected: str = ""
    """The query as corrected, when the one typed found nothing and a near one did."""
    kinds: dict[str, int] = field(default_factory=dict)


def query_words(query: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(word.lower() for word in WORD.findall(query)))[:MAX_WORDS]


def _snippet(text: str, words: tuple[str, ...]) -> str:
    """About `SNIPPET` characters of `text` from just before the first match, on word
    boundaries, every match marked; HTML-escaped."""
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    first = pattern.search(text)
    at = first.start() if first else 0
    begin = max(text.rfind(" ", 0, max(at - SNIPPET // 4, 0)) + 1, 0) if at > SNIPPET // 4 else 0
    end = text.find(" ", begin + SNIPPET)
    piece = text[begin : end if end != -1 else len(text)]
    piece = pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", piece)
    marked = escape(piece).replace(START, "<mark>").replace(STOP, "</mark>")
    return ("… " if begin else "") + marked + (" …" if end != -1 else "")


def _hits(words: tuple[str, ...]) -> list[Hit]:
    if not words:
        return []
    rows = Entry.objects.all()
    for word in words:
        rows = rows.filter(
            Q(title__icontains=word) | Q(terms__icontains=word) | Q(text__icontains=word)
        )

    def rank(entry: Entry) -> tuple[int, int, int]:
        title, terms, text = entry.title.lower(), entry.terms.lower(), entry.text.lower()
        named = 0 if all(w in title for w in words) else 1 if all(w in terms for w in words) else 2
        mentions = sum(10 * title.count(w) + 5 * terms.count(w) + text.count(w) for w in words)
        return named, -mentions, entry.position

    entries = sorted(rows, key=rank)[:MAX_RESULTS]
    return [Hit(entry, _snippet(entry.text, words)) for entry in entries]


def _vocabulary() -> list[str]:
    names = Entry.objects.values_list("title", "terms")
    return sorted({w.lower() for title, terms in names for w in WORD.findall(f"{title} {terms}")})


def _corrected(words: tuple[str, ...]) -> tuple[str, ...]:
    vocabulary = _vocabulary()
    known = set(vocabulary)
    fixed = []
    for word in words:
        close = (
            []
            if word in known or len(word) < 4
            else difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.75)
        )
        fixed.append(close[0] if close else word)
    return tuple(fixed)


def entry_search(*, query: str) -> Found:
    """What the index holds for `query` (at most `MAX_QUERY` characters, checked by the form)."""
    words = query_words(query)
    hits = _hits(words)
    corrected = ""
    if not hits and words:
        fixed = _corrected(words)
        if fixed != words:
            hits = _hits(fixed)
            corrected = " ".join(fixed) if hits else ""
    kinds: dict[str, int] = {}
    for hit in hits:
        kinds[hit.entry.get_kind_display()] = kinds.get(hit.entry.get_kind_display(), 0) + 1
    return Found(query=query, words=words, hits=tuple(hits), corrected=corrected, kinds=kinds)
