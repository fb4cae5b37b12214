from glossary.linking import Linkable
from glossary.models import Term


def term_list() -> list[Term]:
    return list(Term.objects.only("slug", "term", "definition", "synonyms"))


def term_get(*, slug: str) -> Term | None:
    return Term.objects.filter(slug=slug).first()


def term_linkables() -> list[Linkable]:
    """Every term as lessons' rendering links it."""
    return [
        Linkable(
            slug=term.slug,
            names=tuple(name for name in term.names if isinstance(name, str) and name.strip()),
            definition=term.definition,
            url=term.get_absolute_url(),
            taught_in=frozenset(term.lessons),
        )
        for term in Term.objects.only("slug", "term", "definition", "synonyms", "lessons")
    ]
