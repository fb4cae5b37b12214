"""/tools/collateral/: the page of what its address spells out (cached), and its results
partial for htmx while typing, as the other Tools."""

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe

from simulator import pages
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
