from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from core.page_cache import render_cached_page
from lessons.models import Lesson, Level
from lessons.registry import sections


def _levels_with_lessons():
    published = Lesson.objects.published().only(
        "level_id", "number", "slug", "title", "summary", "body"
    )
    return Level.objects.prefetch_related(Prefetch("lessons", queryset=published))


# Home, Learn and level pages are the same for everyone: they are served from
# the page cache, which saving a lesson or level clears.
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render_cached_page(
        request,
        key="home",
        template_name="lessons/home.html",
        build_context=lambda: {"level": _levels_with_lessons().first()},
    )


@require_safe
def learn_index(request: HttpRequest) -> HttpResponse:
    return render_cached_page(
        request,
        key="learn",
        template_name="lessons/learn_index.html",
        build_context=lambda: {
            "levels": list(_levels_with_lessons()),
            "breadcrumbs": [("Learn", None)],
        },
    )


@require_safe
def level_detail(request: HttpRequest, level_slug: str) -> HttpResponse:
    def build_context() -> dict:
        level = get_object_or_404(_levels_with_lessons(), slug=level_slug)
        breadcrumbs = [("Learn", reverse("lessons:index")), (level.name, None)]
        return {"level": level, "breadcrumbs": breadcrumbs}

    return render_cached_page(
        request,
        key=f"level:{level_slug}",
        template_name="lessons/level_detail.html",
        build_context=build_context,
    )


@require_safe
def lesson_detail(request: HttpRequest, level_slug: str, lesson_slug: str) -> HttpResponse:
    personal = any(section.is_personal(request) for section in sections())
    if not personal and not request.GET:
        # What everyone sees (no widget moved, no quiz score of their own): from the cache.
        return render_cached_page(
            request,
            key=f"lesson:{level_slug}:{lesson_slug}",
            template_name="lessons/lesson_detail.html",
            build_context=lambda: _lesson_context(level_slug, lesson_slug),
        )
    return render(request, "lessons/lesson_detail.html", _lesson_context(level_slug, lesson_slug))


def _lesson_context(level_slug: str, lesson_slug: str) -> dict:
    lesson = get_object_or_404(
        Lesson.objects.published().select_related("level"),
        level__slug=level_slug,
        slug=lesson_slug,
    )
    # The whole path in order (a handful of rows), for previous and next links.
    path = list(
        Lesson.objects.published()
        .select_related("level")
        .only("number", "slug", "title", "level__slug", "level__name", "level__position")
    )
    index = next(i for i, item in enumerate(path) if item.pk == lesson.pk)
    breadcrumbs = [
        ("Learn", reverse("lessons:index")),
        (lesson.level.name, lesson.level.get_absolute_url()),
        (f"Lesson {lesson.number}", None),
    ]
    return {
        "lesson": lesson,
        "previous_lesson": path[index - 1] if index > 0 else None,
        "next_lesson": path[index + 1] if index + 1 < len(path) else None,
        "breadcrumbs": breadcrumbs,
    }
