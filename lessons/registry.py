"""What other apps add to lesson pages, without lessons importing them.

Two kinds of addition, each registered by the app that provides it in its
AppConfig.ready (the simulator, the quiz):

* **Embeds**: a line of its own in a lesson's Markdown, such as

      [[simulator preset=two-isolated control=move:BTC min=-60 max=0 value=-12]]

  puts a compact simulator at that place. The kind (`simulator`) picks the
  handler; the attributes are `name=value` pairs, quoted when they hold spaces.
* **Sections**: blocks after the lesson body, such as the link to its quiz.
* **Signposts**: a block at the top of the home and Learn pages for a returning visitor
  ("continue where you left off"); those pages are then rendered for them.
"""

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from django.db.models import Model
from django.http import HttpRequest

EMBED_LINE = re.compile(
    r"^\[\[(?P<kind>[a-z][a-z0-9-]*)(?P<attrs>(?:[ \t][^\n]*?)?)\]\][ \t]*$", re.M
)
ATTRIBUTE = re.compile(r"^(?P<name>[a-z][a-z0-9_-]*)=(?P<value>.*)$", re.S)


@dataclass(frozen=True, slots=True)
class Embed:
    """One embed line of a lesson body."""

    kind: str
    attrs: Mapping[str, str]
    number: int  # its place among the page's embeds, from 1
    line: int  # its line in the Markdown, from 1

    @property
    def label(self) -> str:
        return f"{self.kind.capitalize()} {self.number} (line {self.line})"


class EmbedKind(Protocol):
    def problems(self, embed: Embed) -> list[str]:
        """What is wrong with the embed's attributes, in words for the author."""

    def render(self, *, request: HttpRequest, embed: Embed) -> str:
        """The embed's HTML in the lesson page, as the request asks for it."""


class LessonSection(Protocol):
    def is_personal(self, request: HttpRequest) -> bool:
        """Whether this visitor would see something of their own (so no shared cache)."""

    def render(self, *, request: HttpRequest, lesson: Model) -> str:
        """HTML shown after the body of `lesson` (a lessons.models.Lesson; not imported,
        as the models import this module); empty to show nothing."""

    def marks(self, *, request: HttpRequest) -> dict[int, str]:
        """What the visitor sees beside lessons in lists, by lesson id ("Best score 80%")."""


class Signpost(Protocol):
    def render(self, *, request: HttpRequest) -> str:
        """HTML for the top of the home and Learn pages; empty to show nothing. Asked only
        for a visitor a section calls personal (their page is not the shared one)."""


_EMBEDS: dict[str, EmbedKind] = {}
_SECTIONS: dict[str, LessonSection] = {}
_SIGNPOSTS: dict[str, Signpost] = {}


def register_signpost(name: str, signpost: Signpost) -> None:
    _SIGNPOSTS[name] = signpost


def signposts_html(request: HttpRequest) -> str:
    """Every signpost's HTML for this visitor, joined (already safe: each renders a template)."""
    return "".join(signpost.render(request=request) for signpost in _SIGNPOSTS.values())


def is_personal(request: HttpRequest) -> bool:
    """Whether any section would show this visitor something of their own."""
    return any(section.is_personal(request) for section in _SECTIONS.values())


def register_embed(kind: str, handler: EmbedKind) -> None:
    _EMBEDS[kind] = handler


def register_section(name: str, section: LessonSection) -> None:
    _SECTIONS[name] = section


def embed_kind(kind: str) -> EmbedKind | None:
    return _EMBEDS.get(kind)


def sections() -> list[LessonSection]:
    return list(_SECTIONS.values())


def lesson_marks(request: HttpRequest) -> dict[int, list[str]]:
    """Every section's marks for this visitor, by lesson id."""
    found: dict[int, list[str]] = {}
    for section in sections():
        for lesson_id, text in section.marks(request=request).items():
            found.setdefault(lesson_id, []).append(text)
    return found


class EmbedSyntaxError(ValueError):
    pass


def _attributes(text: str) -> dict[str, str]:
    try:
        words = shlex.split(text)
    except ValueError as error:  # an unclosed quote
        raise EmbedSyntaxError(f"cannot read its attributes: {error}") from None
    attrs = {}
    for word in words:
        match = ATTRIBUTE.match(word)
        if match is None:
            raise EmbedSyntaxError(f"“{word}” is not name=value")
        if match["name"] in attrs:
            raise EmbedSyntaxError(f"“{match['name']}” is given twice")
        attrs[match["name"]] = match["value"]
    return attrs


def find_embeds(text: str) -> tuple[list[Embed], list[str]]:
    """The embed lines of a Markdown body, and any that cannot be read."""
    embeds, problems = [], []
    for number, match in enumerate(EMBED_LINE.finditer(text), start=1):
        line = text.count("\n", 0, match.start()) + 1
        try:
            attrs = _attributes(match["attrs"])
        except EmbedSyntaxError as error:
            problems.append(f"{match['kind'].capitalize()} {number} (line {line}): {error}.")
            attrs = {}
        embeds.append(Embed(kind=match["kind"], attrs=attrs, number=number, line=line))
    return embeds, problems


def embed_problems(text: str) -> list[str]:
    """Everything wrong with a body's embeds, in words for its author."""
    embeds, problems = find_embeds(text)
    seen: dict[str, Embed] = {}
    for embed in embeds:
        anchor = embed.attrs.get("id")
        if anchor in seen:
            problems.append(f"{embed.label}: its id “{anchor}” is taken by {seen[anchor].label}.")
        elif anchor:
            seen[anchor] = embed
        handler = embed_kind(embed.kind)
        if handler is None:
            known = ", ".join(sorted(_EMBEDS)) or "none"
            problems.append(
                f"Line {embed.line}: there is no embed called “{embed.kind}” (known: {known})."
            )
        else:
            problems.extend(f"{embed.label}: {problem}" for problem in handler.problems(embed))
    return problems
