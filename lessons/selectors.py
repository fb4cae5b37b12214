"""What the glossary asks of the lessons (glossary.hooks, registered in LessonsConfig.ready)."""

from collections.abc import Sequence

from lessons.models import Lesson


def lesson_slug_problems(slugs: Sequence[str]) -> list[str]:
    """A message for each slug that names no lesson."""
    known = set(Lesson.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    return [f"there is no lesson “{slug}”" for slug in dict.fromkeys(slugs) if slug not in known]


def lesson_links(slugs: Sequence[str]) -> list[tuple[str, str]]:
    """(title, address) of the published lessons among `slugs`, in course order."""
    lessons = Lesson.objects.published().filter(slug__in=slugs).select_related("level")
    return [(lesson.title, lesson.get_absolute_url()) for lesson in lessons]
