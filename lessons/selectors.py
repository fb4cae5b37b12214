"""What others read about the lessons: the path through them (the lesson pages, the
quiz's results) and what the glossary asks (glossary.hooks, registered in
LessonsConfig.ready)."""

from collections.abc import Sequence
from dataclasses import dataclass

from lessons.models import Lesson, Level


@dataclass(frozen=True, slots=True)
class NextStep:
    """Where a reader goes on from a lesson: "Next lesson" and its title, or past the
    end of a level or of the track, the next level or the Strategies."""

    label: str
    title: str
    url: str


def lesson_path(*, kind: str) -> list[Lesson]:
    """The whole path in order (a handful of rows): the lessons of every level, or
    the strategies."""
    return list(
        Lesson.objects.published()
        .filter(level__kind=kind)
        .select_related("level")
        .only(
            "number", "slug", "title", "level__slug", "level__name", "level__position",
            "level__kind",
        )
    )  # fmt: skip


def lesson_next_step(*, lesson: Lesson, path: list[Lesson] | None = None) -> NextStep | None:
    """The step after `lesson` on its path (`path`, when the caller has read it)."""
    path = lesson_path(kind=lesson.level.kind) if path is None else path
    index = next(i for i, item in enumerate(path) if item.pk == lesson.pk)
    if index + 1 < len(path):
        following = path[index + 1]
        if following.level_id == lesson.level_id:
            label = f"Next {lesson.level.item_label.lower()}"
        else:
            label = f"Next level: {following.level.name}"
        return NextStep(label=label, title=following.title, url=following.get_absolute_url())
    if lesson.level.kind != Level.Kind.TRACK:
        return None
    strategies = Level.objects.filter(
        kind=Level.Kind.STRATEGIES, lessons__in=Lesson.objects.published()
    ).first()
    if strategies is None:
        return None
    return NextStep(label="Next section", title=strategies.name, url=strategies.get_absolute_url())


def lesson_slug_problems(slugs: Sequence[str]) -> list[str]:
    """A message for each slug that names no lesson."""
    known = set(Lesson.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    return [f"there is no lesson “{slug}”" for slug in dict.fromkeys(slugs) if slug not in known]


def lesson_links(slugs: Sequence[str]) -> list[tuple[str, str]]:
    """(title, address) of the published lessons among `slugs`, in course order."""
    lessons = Lesson.objects.published().filter(slug__in=slugs).select_related("level")
    return [(lesson.title, lesson.get_absolute_url()) for lesson in lessons]
