"""One short view per interaction with the simulator, each with its own address:

- /simulator/            GET: the page for the scenario in the address (cached);
                         POST: the form submitted (303 to the scenario's address,
                         or the page with errors); with htmx, the simulator partial.
- /simulator/results/    POST from htmx while typing: the results partial.
- /simulator/positions/  POST: add or remove a position row.
- /simulator/widget/     GET from htmx: a lesson widget's outcome for one value.
"""

from collections.abc import Mapping
from pathlib import Path

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    QueryDict,
)
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lessons.rendering import render_markdown
from simulator import pages
from simulator.sandbox.forms import MAX_POSITIONS, SimulatorForms
from simulator.sandbox.widgets import ATTRIBUTES, outcome, read_widget
from simulator.sandbox.widgets import TEMPLATE as WIDGET_TEMPLATE
from simulator.selectors import preset, preset_data, presets

METHODOLOGY = Path(__file__).resolve().parents[2] / "docs" / "methodology.md"
TEMPLATE = "sandbox/simulator.html"
MISSING_PRESET = (
    "presets-title",
    "There is no example by that name. Start from one of these examples.",
)
# Lesson 4's widget, which /simulator/lesson-example/?btc_move=N used to serve alone.
LESSON_4_WIDGET = {
    "preset": "two-isolated",
    "control": "move:BTC",
    "min": "-60",
    "max": "0",
    "value": "-12",
    "id": "btc-move",
}


def _context(forms: SimulatorForms, *, errors: list[tuple[str, str]] | None = None) -> dict:
    return pages.context(
        errors=forms.errors if errors is None else errors,
        breadcrumbs=[("Simulator", None)],
        forms=forms,
        # Called by the template only where it lists them (not in the partials).
        presets=lambda: list(presets().values()),
        max_positions=MAX_POSITIONS,
    )


def _page_context(query: QueryDict) -> dict:
    """The page for an address: empty, a preset, or the scenario its fields spell out."""
    if "preset" not in query:
        return _context(SimulatorForms(query) if query else SimulatorForms())
    data = preset_data(query["preset"])
    if data is None:
        return {**_context(SimulatorForms(), errors=[MISSING_PRESET]), "missing": True}
    return _context(SimulatorForms(data))


@require_http_methods(["GET", "HEAD", "POST"])
def simulator(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _submit(request)
    # The address is the whole scenario, so its page is the same for everyone.
    return pages.address_page(
        request,
        prefix="simulator",
        template_name=TEMPLATE,
        build_context=lambda: _page_context(request.GET),
    )


def _submit(request: HttpRequest) -> HttpResponse:
    """The form submitted: post/redirect/get to the scenario's address, or the errors
    with what was typed. htmx swaps the simulator in place (a 200, which htmx swaps)."""
    forms = SimulatorForms(request.POST)
    valid = forms.is_valid()
    if request.htmx:
        response = render(request, f"{TEMPLATE}#simulator-response", _context(forms))
        if valid:
            response["HX-Replace-Url"] = forms.share_url
        return response
    if valid:
        return HttpResponseRedirect(forms.share_url, status=303)
    return render(request, TEMPLATE, _context(forms), status=422)


@require_POST
def results(request: HttpRequest) -> HttpResponse:
    """The results partial for live updates. The same scenario always gives the same
    partial, so it is kept for a while: sliding back and forth, or many learners on
    one lesson preset, cost one computation."""
    if not request.htmx:
        return _submit(request)  # nothing asks here without htmx; treat it as a submit
    data = request.POST
    scenario = sorted(
        (k, v) for k, values in data.lists() if k != "csrfmiddlewaretoken" for v in values
    )

    def build() -> tuple[str, str]:
        forms = SimulatorForms(data)
        html = render_to_string(f"{TEMPLATE}#results-response", _context(forms), request=request)
        return html, forms.share_url

    return pages.results_partial(
        key=f"simulator-results:{pages.digest(repr(scenario))}", build=build
    )


@require_POST
def positions(request: HttpRequest) -> HttpResponse:
    """Add a position row or remove one, keeping what was typed, unjudged."""
    forms = SimulatorForms.edit(request.POST, action=request.POST.get("action", ""))
    if request.htmx:
        return render(request, f"{TEMPLATE}#positions-response", _context(forms))
    return render(request, TEMPLATE, _context(forms))


@require_safe
def widget(request: HttpRequest) -> HttpResponse:
    """A lesson widget's outcome for the value its slider sends, for htmx to swap in."""
    return _widget(request, {name: request.GET[name] for name in ATTRIBUTES if name in request.GET})


@require_safe
def lesson_example(request: HttpRequest) -> HttpResponse:
    """The old address of lesson 4's widget: ?btc_move=N."""
    return _widget(request, LESSON_4_WIDGET)


def _widget(request: HttpRequest, attrs: Mapping[str, str]) -> HttpResponse:
    spec, problems = read_widget(attrs, number=1, find_preset=preset)
    if spec is None:
        text = "This lesson simulator address is not right: " + "; ".join(problems) + "."
        return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")
    result = outcome(spec, spec.chosen_value(request.GET))
    open_url = result.share_url or spec.preset_url
    if not request.htmx:
        # Only htmx asks here; anyone else gets the same scenario in the full simulator.
        return redirect(open_url)
    context = {"spec": spec, "outcome": result, "open_url": open_url}
    return render(request, f"{WIDGET_TEMPLATE}#fragment", context)


@require_safe
def methodology(request: HttpRequest) -> HttpResponse:
    body = render_markdown(METHODOLOGY.read_text(encoding="utf-8"))
    return render(
        request,
        "sandbox/methodology.html",
        {
            "body": body,
            "breadcrumbs": [("Simulator", reverse("simulator:index")), ("Methodology", None)],
        },
    )
