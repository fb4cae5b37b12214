"""The Tools: an index and three calculators, each at two addresses.

- /tools/<calculator>/          GET: the page for what its address spells out (cached);
                                with htmx, only the results partial.
- /tools/<calculator>/results/  GET from htmx while typing: the results partial, with
                                HX-Replace-Url so the address stays the result.

Working something out changes nothing, so every form is a plain GET: without
JavaScript, "Calculate" loads the page of the result.
"""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe

from simulator import pages
from simulator.tools.forms import LiquidationForm, PnlForm, PositionSizeForm, ToolForm


@dataclass(frozen=True, slots=True)
class Calculator:
    name: str  # its URL names: tools:<name> and tools:<name>_results
    title: str
    form: type[ToolForm]

    @property
    def template(self) -> str:
        return f"tools/{self.name}.html"


LIQUIDATION = Calculator("liquidation_price", "Liquidation price", LiquidationForm)
POSITION_SIZE = Calculator("position_size", "Position size from risk", PositionSizeForm)
PNL = Calculator("pnl", "PnL and return on margin", PnlForm)


def _context(calculator: Calculator, query: QueryDict) -> dict:
    form = calculator.form(query) if query else calculator.form()
    form.is_valid()  # judges what was typed and works the result out
    return pages.context(
        errors=form.summary_errors,
        breadcrumbs=[("Tools", reverse("tools:index")), (calculator.title, None)],
        form=form,
        result=form.result,
    )


def _prefix(calculator: Calculator) -> str:
    return f"tools:{calculator.name}"


def _build(calculator: Calculator, request: HttpRequest) -> tuple[str, str]:
    """The results partial and its share address: the same query always gives the same."""
    context = _context(calculator, request.GET)
    html = render_to_string(f"{calculator.template}#results-response", context, request)
    return html, context["form"].share_url


def _results(request: HttpRequest, calculator: Calculator) -> HttpResponse:
    return pages.htmx_results(
        request,
        page_url=reverse(_prefix(calculator)),
        prefix=_prefix(calculator),
        build=lambda: _build(calculator, request),
    )


def _page(request: HttpRequest, calculator: Calculator) -> HttpResponse:
    # The address is the whole calculation, so its page is the same for everyone.
    return pages.page_or_partial(
        request,
        prefix=_prefix(calculator),
        template_name=calculator.template,
        build_context=lambda: _context(calculator, request.GET),
        partial=lambda request: _results(request, calculator),
    )


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "tools/index.html",
        {"calculators": [LIQUIDATION, POSITION_SIZE, PNL], "breadcrumbs": [("Tools", None)]},
    )


@require_safe
def liquidation_price(request: HttpRequest) -> HttpResponse:
    return _page(request, LIQUIDATION)


@require_safe
def liquidation_price_results(request: HttpRequest) -> HttpResponse:
    return _results(request, LIQUIDATION)


@require_safe
def position_size(request: HttpRequest) -> HttpResponse:
    return _page(request, POSITION_SIZE)


@require_safe
def position_size_results(request: HttpRequest) -> HttpResponse:
    return _results(request, POSITION_SIZE)


@require_safe
def pnl(request: HttpRequest) -> HttpResponse:
    return _page(request, PNL)


@require_safe
def pnl_results(request: HttpRequest) -> HttpResponse:
    return _results(request, PNL)
