"""/tools/collateral/: the page of what its address spells out (cached), and its results
partial for htmx while typing, as the other Tools."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
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
    if request.htmx and not request.htmx.history_restore_request:
        return collateral_results(request)
    response = pages.address_page(
        request,
        prefix=PREFIX,
        template_name=TEMPLATE,
        build_context=lambda: _context(CollateralForms(request.GET)),
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def collateral_results(request: HttpRequest) -> HttpResponse:
    if not request.htmx:
        query = request.META.get("QUERY_STRING", "")
        return redirect(reverse("tools:collateral") + (f"?{query}" if query else ""))

    def build() -> tuple[str, str]:
        forms = CollateralForms(request.GET)
        return render_to_string(
            f"{TEMPLATE}#results-response", _context(forms), request
        ), forms.share_url

    response = pages.results_partial(key=pages.query_key(PREFIX, request), build=build)
    patch_vary_headers(response, ["HX-Request"])
    return response
