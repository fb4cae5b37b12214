"""Levels and lessons from the content folder (docs/authoring.md).

    content/<level-slug>/_level.yaml     the level: name, position, description
    content/<level-slug>/NN-<slug>.md    a lesson: YAML front matter, then Markdown

Loaded by `manage.py load_content` (core.content), which keeps admin edits.
"""

from pathlib import Path
from typing import Annotated, Literal

import pydantic
from django.core.exceptions import ValidationError

from core.content import ContentRun, split_front_matter
from core.page_cache import clear_page_cache
from glossary.content import FILE_NAME as GLOSSARY_FILE
from glossary.content import read_glossary
from glossary.selectors import term_linkables
from lessons.models import RENDERED_FIELDS, Lesson, Level
from lessons.rendering import stored_fields
from lessons.selectors import lesson_slug_problems

LEVEL_FILE = "_level.yaml"


class _Strict(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", strict=True)


class LevelFile(_Strict):
    name: str
    position: Annotated[int, pydantic.Field(ge=1)]
    description: str = ""
    kind: Literal["track", "strategies"] = "track"  # strategies: its own section, /strategies/


class LessonFrontMatter(_Strict):
    title: str
    slug: str
    number: Annotated[int, pydantic.Field(ge=1)]
    summary: str
    published: bool = True


def level_snapshot(level: Level) -> dict:
    return {
        "name": level.name,
        "position": level.position,
        "description": level.description,
        "kind": level.kind,
    }


def lesson_snapshot(lesson: Lesson) -> dict:
    return {
        "level": lesson.level.slug,
        "number": lesson.number,
        "slug": lesson.slug,
        "title": lesson.title,
        "summary": lesson.summary,
        "body": lesson.body,
        "published": lesson.is_published,
    }


def read_lesson_file(run: ContentRun, path: Path) -> tuple[LessonFrontMatter, str] | None:
    """The lesson's front matter and Markdown body, or None after noting what is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        run.problem(path, "", "is not UTF-8 text")
        return None
    try:
        front, body = split_front_matter(text)
    except ValueError:  # no pair of --- lines
        front = None
    if front is None or not text.startswith("---"):
        run.problem(path, "front matter", "is missing: put it between two --- lines at the top")
        return None
    data = run.read_yaml(path, front)
    spec = run.schema(path, LessonFrontMatter, data if data is not None else {})
    return None if spec is None else (spec, body.strip() + "\n")


def lesson_for_file(path: Path) -> Lesson | None:
    """The lesson row that the lesson file at `path` loads into, if there is one."""
    run = ContentRun(path.parent.parent)
    read = read_lesson_file(run, path) if path.is_file() else None
    if read is None:
        return None
    return (
        Lesson.objects.select_related("level")
        .filter(level__slug=path.parent.name, slug=read[0].slug)
        .first()
    )


def load_lessons(run: ContentRun) -> None:
    for folder in sorted(path for path in run.root.iterdir() if path.is_dir()):
        level = _load_level(run, folder)
        for path in sorted(folder.glob("*.md")):
            _load_lesson(run, path, level)
    # Rows rendered by an older renderer (RENDERER_VERSION), edited or not, are rendered again.
    for lesson in Lesson.objects.all():
        if lesson.render_body():
            lesson.save(update_fields=RENDERED_FIELDS)
    _check_glossary_lessons(run)


def _check_glossary_lessons(run: ContentRun) -> None:
    """The lessons each glossary term names must exist (the glossary loads first)."""
    terms = read_glossary(ContentRun(run.root))  # its own mistakes are reported by its loader
    for slug, spec in (terms or {}).items():
        for message in lesson_slug_problems(spec.lessons):
            run.problem(run.root / GLOSSARY_FILE, f"{slug}, lessons", message)


def relink_lessons(**kwargs) -> None:
    """Render every lesson again with the glossary as it is now, storing those whose HTML
    changed (glossary.hooks.terms_changed: the terms they link are in their stored HTML)."""
    terms = term_linkables()
    changed = False
    for lesson in Lesson.objects.only("pk", "slug", "body", *RENDERED_FIELDS):
        fields = stored_fields(lesson.body, lesson_slug=lesson.slug, terms=terms)
        if any(getattr(lesson, name) != value for name, value in fields.items()):
            Lesson.objects.filter(pk=lesson.pk).update(**fields)
            changed = True
    if changed:
        clear_page_cache()


def _load_level(run: ContentRun, folder: Path) -> Level | None:
    path = folder / LEVEL_FILE
    if not path.is_file():
        run.problem(path, "", f"is missing: every level folder needs a {LEVEL_FILE}")
        return None
    spec = run.schema(path, LevelFile, run.read_yaml(path))
    if spec is None:
        return None
    row = Level.objects.filter(slug=folder.name).first()
    level = Level(pk=row.pk if row else None, slug=folder.name, **spec.model_dump())
    level._state.adding = row is None  # so uniqueness checks leave its own row out
    try:
        level.full_clean()
    except ValidationError as error:
        run.model_errors(path, error)
        return None
    current = level_snapshot(row) if row else {}
    label = f"Level {folder.name}"
    if not run.should_write(
        label=label, row=row, incoming=level_snapshot(level), current=lambda: current
    ):
        return row
    level.content_hash = row.content_hash if row else ""
    level.save()
    run.stamp(level, level_snapshot(Level.objects.get(pk=level.pk)))
    return level


def _load_lesson(run: ContentRun, path: Path, level: Level | None) -> None:
    read = read_lesson_file(run, path)
    if read is None or level is None:
        return
    spec, body = read
    row = Lesson.objects.select_related("level").filter(level=level, slug=spec.slug).first()
    lesson = Lesson(
        pk=row.pk if row else None,
        level=level,
        number=spec.number,
        slug=spec.slug,
        title=spec.title,
        summary=spec.summary,
        body=body,
        is_published=spec.published,
    )
    lesson._state.adding = row is None
    try:
        lesson.full_clean()
    except ValidationError as error:
        run.model_errors(path, error)
        return
    current = lesson_snapshot(row) if row else {}
    label = f"Lesson {level.slug}/{spec.slug}"
    if not run.should_write(
        label=label, row=row, incoming=lesson_snapshot(lesson), current=lambda: current
    ):
        return
    lesson.content_hash = row.content_hash if row else ""
    lesson.save()
    run.stamp(lesson, lesson_snapshot(Lesson.objects.select_related("level").get(pk=lesson.pk)))
