import hashlib
from pathlib import Path

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from academy.page_cache import render_cached_page
from lessons.rendering import render_markdown
from simulator.forms import MAX_POSITIONS, LessonExampleForm
from simulator.pages import (
    RESULTS_CACHE_SECONDS,
    SimulatorPage,
    calculated_page,
    edited_page,
    empty_page,
    lesson_example_data,
    lesson_example_results,
    missing_preset_page,
)
from simulator.presets import PRESETS, preset_data

METHODOLOGY = Path(__file__).resolve().parent.parent / "docs" / "methodology.md"
TEMPLATE = "simulator/simulator.html"


def see_other(url: str) -> HttpResponseRedirect:
    """303: after a POST, the browser GETs the result page (post/redirect/get)."""
    return HttpResponseRedirect(url, status=303)


def _page_for(data: QueryDict) -> SimulatorPage:
    action = data.get("action", "")
    if action:
        return edited_page(data, action)
    return calculated_page(data) if data else empty_page()


def _context(page: SimulatorPage) -> dict:
    return {
        "page": page,
        "presets": PRESETS,
        "max_positions": MAX_POSITIONS,
        "breadcrumbs": [("Simulator", None)],
    }


def _get_page(request: HttpRequest) -> SimulatorPage:
    if "preset" not in request.GET:
        return _page_for(request.GET)
    data = preset_data(request.GET["preset"])
    return missing_preset_page() if data is None else _page_for(data)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@require_http_methods(["GET", "HEAD", "POST"])
def simulator(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        # The address is the whole scenario, so its page is the same for everyone.
        return render_cached_page(
            request,
            key=f"simulator:{_digest(request.META.get('QUERY_STRING', ''))}",
            template_name=TEMPLATE,
            build_context=lambda: _context(_get_page(request)),
            status=lambda context: context["page"].status,
        )
    data = request.POST
    target = request.htmx.target if request.htmx else None
    if target == "results" and not data.get("action"):
        return _results(request, data)
    page = _page_for(data)
    if not request.htmx:
        if page.simulation and not data.get("action"):
            return see_other(page.share_url)
        return render(request, TEMPLATE, _context(page), status=page.status)
    partial = "positions" if target == "positions" else "simulator"
    response = render(request, f"{TEMPLATE}#{partial}-response", _context(page))
    if page.share_url:
        response["HX-Replace-Url"] = page.share_url
    return response


def _results(request: HttpRequest, data: QueryDict) -> HttpResponse:
    """The results partial for live updates. The same scenario always gives the same
    partial, so it is kept for a while: sliding back and forth, or many learners on
    one lesson preset, cost one computation."""
    scenario = sorted(
        (k, v) for k, values in data.lists() if k != "csrfmiddlewaretoken" for v in values
    )

    def build() -> tuple[str, str]:
        page = calculated_page(data)
        html = render_to_string(f"{TEMPLATE}#results-response", _context(page), request=request)
        return html, page.share_url

    key = f"simulator-results:{_digest(repr(scenario))}"
    html, share_url = cache.get_or_set(key, build, RESULTS_CACHE_SECONDS)
    response = HttpResponse(html)
    if share_url:
        response["HX-Replace-Url"] = share_url
    return response


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


@require_safe
def lesson_example(request: HttpRequest) -> HttpResponse:
    """The compact simulator in lesson 4: isolated and cross outcomes for one BTC move."""
    form = LessonExampleForm(request.GET)
    move = form.cleaned_data["btc_move"] if form.is_valid() else 0
    if not request.htmx:
        # Only htmx asks here; anyone else gets the same scenario in the full simulator.
        return redirect(calculated_page(lesson_example_data(move)).share_url)

    return HttpResponse(lesson_example_results(move))
