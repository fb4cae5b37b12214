"""content/glossary.yaml into Term rows (see core.content and docs/authoring.md).

    mark-price:                   the term's slug: its address, /glossary/mark-price/
      term: Mark price
      definition: One sentence.
      explanation: |
        Markdown, for the term's page.
      lessons: [mark-price]       the lessons that teach it (checked by the lessons' loader)
      synonyms: [fair price]      other names, linked in lessons too
      venues: {bybit: Mark Price} each venue's own name, where it differs

Mistakes are reported with the term's slug and the field: "mark-price,
definition: is empty". Two terms may not share a name or synonym.
"""

import re
from pathlib import Path
from typing import Annotated, Any

import pydantic
from django.core.exceptions import ValidationError
from pydantic_core import PydanticCustomError

from core.content import ContentRun
from glossary.hooks import terms_changed
from glossary.models import Term

FILE_NAME = "glossary.yaml"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_LENGTH = Term._meta.get_field("slug").max_length
DEFINITION_LENGTH = Term._meta.get_field("definition").max_length


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("text", "must be text")
    if not value.strip():
        raise PydanticCustomError("empty", "is empty; write it, or leave the field out")
    return value.strip()


Text = Annotated[str, pydantic.BeforeValidator(_text)]


def _one_sentence(value: str) -> str:
    if len(re.findall(r"[.!?](?:\s|$)", value)) != 1 or not value.endswith((".", "!", "?")):
        raise PydanticCustomError("sentence", "must be one sentence, ending with a full stop")
    if len(value) > DEFINITION_LENGTH:
        raise PydanticCustomError("long", f"is longer than {DEFINITION_LENGTH} characters")
    return value


class VenueNames(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")

    binance: Text | None = None
    bybit: Text | None = None
    okx: Text | None = None
    hyperliquid: Text | None = None
    dydx: Text | None = None


class TermSchema(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")

    term: Text
    definition: Annotated[Text, pydantic.AfterValidator(_one_sentence)]
    explanation: Text
    lessons: list[Text] = []
    synonyms: list[Text] = []
    venues: VenueNames = VenueNames()


class GlossaryFile(pydantic.RootModel[dict[str, TermSchema]]):
    pass


def snapshot(term: Term) -> dict[str, Any]:
    return {
        "term": term.term,
        "definition": term.definition,
        "explanation": term.explanation,
        "lessons": term.lessons,
        "synonyms": term.synonyms,
        "venue_names": term.venue_names,
    }


def read_glossary(run: ContentRun) -> dict[str, TermSchema] | None:
    """The file's terms by slug, or None after noting what is wrong (no file: {})."""
    path = run.root / FILE_NAME
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8")
    content = run.read_yaml(path, text)
    if content is None:
        return None
    run.duplicate_keys(path, text, what="term")
    if not isinstance(content, dict):
        run.problem(path, "", "must map each term's slug to the term")
        return None
    for slug in content:
        if not isinstance(slug, str) or not SLUG.fullmatch(slug) or len(slug) > SLUG_LENGTH:
            run.problem(
                path,
                str(slug),
                "is not a usable slug: use lowercase letters, digits and hyphens, "
                f"at most {SLUG_LENGTH} characters",
            )
    parsed = run.schema(path, GlossaryFile, content)
    if parsed is None:
        return None
    _shared_names(run, path, parsed.root)
    return parsed.root


def _shared_names(run: ContentRun, path: Path, terms: dict[str, TermSchema]) -> None:
    owner: dict[str, str] = {}
    for slug, spec in terms.items():
        for field, names in [("term", [spec.term]), ("synonyms", spec.synonyms)]:
            for name in names:
                key = " ".join(name.split()).casefold()
                if key in owner and owner[key] != slug:
                    run.problem(
                        path, f"{slug}, {field}", f"“{name}” is already a name of {owner[key]}"
                    )
                elif key in owner:
                    run.problem(path, f"{slug}, {field}", f"“{name}” is given twice")
                owner.setdefault(key, slug)


def load_glossary(run: ContentRun) -> None:
    terms = read_glossary(run)
    if not terms or run.problems:
        return
    path = run.root / FILE_NAME
    changed = False
    for slug, spec in terms.items():
        changed |= _write(run, path, slug, spec)
    # A term loaded from the file and since taken out of it goes; one made or edited in
    # the admin stays.
    for row in Term.objects.exclude(slug__in=terms).exclude(content_hash=""):
        if run.force or ContentRun.unchanged_since_loaded(row, snapshot(row)):
            row.delete()
            changed = True
    if changed:
        terms_changed.send(sender=Term)


def _write(run: ContentRun, path: Path, slug: str, spec: TermSchema) -> bool:
    row = Term.objects.filter(slug=slug).first()
    incoming = {
        "term": spec.term,
        "definition": spec.definition,
        "explanation": spec.explanation,
        "lessons": spec.lessons,
        "synonyms": spec.synonyms,
        "venue_names": spec.venues.model_dump(exclude_none=True),
    }
    term = Term(pk=row.pk if row else None, slug=slug, **incoming)
    term._state.adding = row is None
    try:
        # Not Term.clean: lessons load after terms (the lessons' loader checks
        # `lessons`), and the file's names were checked together above.
        term.clean_fields()
        term.validate_unique()
    except ValidationError as error:
        run.model_errors(path, error, where=slug)
        return False
    if not run.should_write(
        label=f"Term {slug}", row=row, incoming=incoming, current=lambda: snapshot(row)
    ):
        return False
    term.content_hash = row.content_hash if row else ""
    term.save()
    run.stamp(term, snapshot(Term.objects.get(pk=term.pk)))
    return True
