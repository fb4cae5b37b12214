from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from core.page_cache import render_cached_page
from lessons.models import Lesson, Level
from lessons.registry import is_personal, lesson_marks, signposts_html
from lessons.selectors import lesson_next_step, lesson_path


def _levels_with_lessons():
    # What the lists show, stored: never the body, which would mean Markdown.
    published = Lesson.objects.published().only(
        "level_id", "number", "slug", "title", "summary", "reading_minutes"
    )
    return Level.objects.prefetch_related(Prefetch("lessons", queryset=published))


TRACK = Level.Kind.TRACK
STRATEGIES = Level.Kind.STRATEGIES


# Home, Learn and level pages are the same for everyone: they are served from
# the page cache, which saving a lesson or level clears. A returning visitor (a record of
# their own) gets home and Learn rendered for them, with where to continue on top.
def _signposts(request: HttpRequest) -> dict:
    return {"signposts": mark_safe(signposts_html(request))}  # noqa: S308 (rendered templates)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if is_personal(request):
        context = {**_home_context(), **_signposts(request)}
        return render(request, "lessons/home.html", context)
    return render_cached_page(
        request, key="home", template_name="lessons/home.html", build_context=_home_context
    )


def _home_context() -> dict:
    # The map of the academy: every level from the database, so a new one (an
    # Advanced level, say) appears here by itself. Nothing personal: a shared page.
    levels = list(_levels_with_lessons())
    tracks = [level for level in levels if level.kind == TRACK]
    first_lesson = next((lesson for level in tracks for lesson in level.lessons.all()), None)
    return {
        "tracks": tracks,
        "strategies": next((level for level in levels if level.kind == STRATEGIES), None),
        "first_lesson": first_lesson,
    }


@require_safe
def learn_index(request: HttpRequest) -> HttpResponse:
    def build_context() -> dict:
        return {"levels": list(_levels_with_lessons()), "breadcrumbs": [("Learn", None)]}

    if is_personal(request):
        # A returning visitor sees where to continue, and their marks beside the lessons.
        context = {**build_context(), "marks": lesson_marks(request), **_signposts(request)}
        return render(request, "lessons/learn_index.html", context)
    return render_cached_page(
        request, key="learn", template_name="lessons/learn_index.html", build_context=build_context
    )


@require_safe
def level_detail(request: HttpRequest, level_slug: str) -> HttpResponse:
    return _level_page(request, kind=TRACK, level_slug=level_slug)


@require_safe
def strategies_index(request: HttpRequest) -> HttpResponse:
    return _level_page(request, kind=STRATEGIES, level_slug=None)


def _level_page(request: HttpRequest, *, kind: str, level_slug: str | None) -> HttpResponse:
    def build_context() -> dict:
        levels = _levels_with_lessons().filter(kind=kind)
        if level_slug is None:
            level = levels.first()
            if level is None:
                raise Http404("No strategies are published yet.")
        else:
            level = get_object_or_404(levels, slug=level_slug)
        return {"level": level, "breadcrumbs": _trail(level)}

    return render_cached_page(
        request,
        key=f"level:{kind}:{level_slug}",
        template_name="lessons/level_detail.html",
        build_context=build_context,
    )


def _trail(level: Level) -> list[tuple[str, str | None]]:
    """The breadcrumbs down to a level's page (its own entry a link only below it)."""
    if level.kind == STRATEGIES:
        return [(level.name, None)]
    return [("Learn", reverse("lessons:index")), (level.name, None)]


@require_safe
def strategy_detail(request: HttpRequest, lesson_slug: str) -> HttpResponse:
    level = Level.objects.filter(kind=STRATEGIES).only("slug").first()
    if level is None:
        raise Http404("No strategies are published yet.")
    return _lesson_page(request, kind=STRATEGIES, level_slug=level.slug, lesson_slug=lesson_slug)


@require_safe
def lesson_detail(request: HttpRequest, level_slug: str, lesson_slug: str) -> HttpResponse:
    return _lesson_page(request, kind=TRACK, level_slug=level_slug, lesson_slug=lesson_slug)


def _lesson_page(
    request: HttpRequest, *, kind: str, level_slug: str, lesson_slug: str
) -> HttpResponse:
    personal = is_personal(request)
    if not personal and not request.GET:
        # What everyone sees (no widget moved, no quiz score of their own): from the cache,
        # keyed by kind too: /learn/strategies/<slug>/ is a 404, not the strategy's page.
        return render_cached_page(
            request,
            key=f"lesson:{kind}:{level_slug}:{lesson_slug}",
            template_name="lessons/lesson_detail.html",
            build_context=lambda: _lesson_context(kind, level_slug, lesson_slug),
        )
    context = _lesson_context(kind, level_slug, lesson_slug)
    return render(request, "lessons/lesson_detail.html", context)


def _lesson_context(kind: str, level_slug: str, lesson_slug: str) -> dict:
    lesson = get_object_or_404(
        Lesson.objects.published().select_related("level"),
        level__kind=kind,
        level__slug=level_slug,
        slug=lesson_slug,
    )
    path = lesson_path(kind=kind)
    index = next(i for i, item in enumerate(path) if item.pk == lesson.pk)
    trail = _trail(lesson.level)
    breadcrumbs = [
        *trail[:-1],
        (lesson.level.name, lesson.level.get_absolute_url()),
        (f"{lesson.level.item_label} {lesson.number}", None),
    ]
    return {
        "lesson": lesson,
        "previous_lesson": path[index - 1] if index > 0 else None,
        # The last lesson of the track leads on to the Strategies.
        "next_step": lesson_next_step(lesson=lesson, path=path),
        "breadcrumbs": breadcrumbs,
    }
