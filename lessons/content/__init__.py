"""The lessons the academy ships, kept as Markdown files beside this module.

Each file is `<level>/<NN>-<slug>.md`: `key: value` header lines (title, slug,
number, summary), a blank line, then the Markdown body. A data migration loads
them into a fresh database; `manage.py load_lessons` refreshes them later.
"""

from dataclasses import dataclass
from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parent

LEVELS = [
    {
        "slug": "beginner",
        "name": "Beginner",
        "position": 1,
        "description": (
            "Start here: what a perpetual future is, how leverage and margin work, "
            "what liquidation means, and how isolated and cross margin change your risk."
        ),
    },
]


@dataclass(frozen=True, slots=True)
class ShippedLesson:
    level_slug: str
    number: int
    slug: str
    title: str
    summary: str
    body: str


def read_lesson(path: Path) -> ShippedLesson:
    header, _, body = path.read_text(encoding="utf-8").partition("\n\n")
    fields = dict(line.split(":", 1) for line in header.splitlines())
    fields = {key.strip(): value.strip() for key, value in fields.items()}
    return ShippedLesson(
        level_slug=path.parent.name,
        number=int(fields["number"]),
        slug=fields["slug"],
        title=fields["title"],
        summary=fields["summary"],
        body=body.strip() + "\n",
    )


def shipped_lessons() -> list[ShippedLesson]:
    return [read_lesson(path) for path in sorted(CONTENT_DIR.glob("*/*.md"))]


def load_shipped_lessons(*, level_model, lesson_model, update: bool) -> int:
    """Create the shipped levels and lessons; with update, overwrite edited copies too.

    Takes the model classes so a data migration can pass its historical models.
    Returns how many lessons were created or updated.
    """
    levels = {}
    for level in LEVELS:
        levels[level["slug"]], _ = level_model.objects.update_or_create(
            slug=level["slug"], defaults={k: v for k, v in level.items() if k != "slug"}
        )
    changed = 0
    for lesson in shipped_lessons():
        values = {
            "number": lesson.number,
            "title": lesson.title,
            "summary": lesson.summary,
            "body": lesson.body,
            "is_published": True,
        }
        key = {"level": levels[lesson.level_slug], "slug": lesson.slug}
        if update:
            lesson_model.objects.update_or_create(**key, defaults=values)
            changed += 1
        else:
            _, created = lesson_model.objects.get_or_create(**key, defaults=values)
            changed += created
    return changed
