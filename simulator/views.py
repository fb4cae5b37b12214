from pathlib import Path

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lessons.rendering import render_markdown
from simulator.forms import MAX_POSITIONS, LessonExampleForm
from simulator.pages import calculated_page, edited_page, empty_page, lesson_example_data
from simulator.presets import PRESETS, preset_data

METHODOLOGY = Path(__file__).resolve().parent.parent / "docs" / "methodology.md"


def _is_lesson_url(url: str) -> bool:
    try:
        return url.startswith("/") and resolve(url).view_name == "lessons:lesson"
    except Resolver404:
        return False


def see_other(url: str) -> HttpResponseRedirect:
    """303: after a POST, the browser GETs the result page (post/redirect/get)."""
    return HttpResponseRedirect(url, status=303)


@require_http_methods(["GET", "POST"])
def simulator(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        data = request.POST
    elif "preset" in request.GET:
        data = preset_data(request.GET["preset"])
        if data is None:
            raise Http404("No such preset")
    else:
        data = request.GET
    action = data.get("action", "")

    if action:
        page = edited_page(data, action)
    elif data:
        page = calculated_page(data)
    else:
        page = empty_page()

    if request.method == "POST" and not request.htmx and page.simulation and not action:
        return see_other(page.share_url)

    context = {
        "page": page,
        "presets": PRESETS,
        "max_positions": MAX_POSITIONS,
        "breadcrumbs": [("Simulator", None)],
    }
    template = "simulator/simulator.html"
    if request.htmx:
        target = request.htmx.target or ""
        partial = {"results": "results", "positions": "positions"}.get(target, "simulator")
        response = render(request, f"{template}#{partial}-response", context)
        if page.share_url:
            response["HX-Replace-Url"] = page.share_url
        return response
    return render(request, template, context, status=422 if page.errors else 200)


@require_safe
def methodology(request: HttpRequest) -> HttpResponse:
    body = render_markdown(METHODOLOGY.read_text(encoding="utf-8"))
    return render(
        request,
        "simulator/methodology.html",
        {
            "body": body,
            "breadcrumbs": [("Simulator", reverse("simulator:index")), ("Methodology", None)],
        },
    )


@require_POST
def lesson_example(request: HttpRequest) -> HttpResponse:
    """The compact simulator in lesson 4: isolated and cross outcomes for one BTC move."""
    form = LessonExampleForm(request.POST)
    move = form.cleaned_data["btc_move"] if form.is_valid() else 0
    if request.htmx:
        page = calculated_page(lesson_example_data(move))
        return render(
            request,
            "simulator/lesson_widget.html#widget-results",
            {"simulation": page.simulation, "move": move},
        )
    next_url = request.POST.get("next", "")
    if not _is_lesson_url(next_url):
        return see_other(reverse("lessons:index"))  # tampered: no lesson to go back to
    return see_other(f"{next_url}?btc_move={move}#lesson-simulator")
