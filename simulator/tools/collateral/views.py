"""/tools/collateral/: the page of what its address spells out (cached), and its results
partial for htmx while typing, as the other Tools; /tools/collateral/widget/: a lesson's
collateral simulator at one value, for htmx."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe

from simulator import pages
from simulator.sandbox.widgets import ATTRIBUTES
from simulator.selectors import preset
from simulator.tools.collateral import widget as embed
from simulator.tools.collateral.forms import MAX_ASSETS, CollateralForms

TEMPLATE = "tools/collateral.html"
PREFIX = "tools:collateral"


def _context(forms: CollateralForms) -> dict:
    return pages.context(
        errors=forms.errors,
        breadcrumbs=[("Tools", reverse("tools:index")), ("Collateral", None)],
        forms=forms,
        max_assets=MAX_ASSETS,
    )


@require_safe
def collateral(request: HttpRequest) -> HttpResponse:
    return pages.page_or_partial(
        request,
        prefix=PREFIX,
        template_name=TEMPLATE,
        build_context=lambda: _context(CollateralForms(request.GET)),
        partial=collateral_results,
    )


@require_safe
def collateral_results(request: HttpRequest) -> HttpResponse:
    def build() -> tuple[str, str]:
        forms = CollateralForms(request.GET)
        html = render_to_string(f"{TEMPLATE}#results-response", _context(forms), request)
        return html, forms.share_url

    return pages.htmx_results(
        request, page_url=reverse("tools:collateral"), prefix=PREFIX, build=build
    )


@require_safe
def collateral_widget(request: HttpRequest) -> HttpResponse:
    """A lesson's collateral simulator at the value its slider sends, for htmx to swap in;
    anyone else goes to the collateral tool with the wallet at those prices."""
    attrs = {name: request.GET[name] for name in ATTRIBUTES if name in request.GET}
    spec, problems = embed.read_collateral(attrs, number=1, find_preset=preset)
    if spec is None:
        text = "This lesson simulator address is not right: " + "; ".join(problems) + "."
        return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")
    result = embed.outcome(spec, spec.widget.chosen_value(request.GET))
    context = embed.frame_context(spec, result)
    if not request.htmx:
        return redirect(context["open_url"])
    return render(request, f"{embed.FRAME}#fragment", context)
