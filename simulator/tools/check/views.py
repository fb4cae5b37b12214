"""Check my position: /tools/check/ (GET, the figures in the address), its results partial
for htmx, and /tools/check/paste/ (POST, a paste read once and forgotten).

The paste is posted, not put in an address: it can be long, and it is the trader's. Once
read, the browser is sent to the address of its figures (303), so a reload or a shared link
repeats the check without the paste. Nothing pasted is stored or logged: the form is not
bound to a model, and error reports leave the field out (`sensitive_post_parameters`).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST, require_safe

from simulator import pages
from simulator.tools.check.forms import CheckForms, PasteForm, address
from simulator.tools.check.payloads import READERS

TEMPLATE = "tools/check.html"
PREFIX = "tools:check"


def _context(forms: CheckForms, paste_form: PasteForm | None = None) -> dict:
    paste_form = paste_form or PasteForm(initial={"venue": forms.account_form["venue"].value()})
    errors = forms.errors + (paste_form.summary_errors if paste_form.is_bound else [])
    return pages.context(
        errors=errors,
        breadcrumbs=[("Tools", reverse("tools:index")), ("Check my position", None)],
        forms=forms,
        form=forms.account_form,
        paste_form=paste_form,
        check=forms.check,
        readers=READERS.values(),
    )


@require_safe
def check(request: HttpRequest) -> HttpResponse:
    return pages.page_or_partial(
        request,
        prefix=PREFIX,
        template_name=TEMPLATE,
        build_context=lambda: _context(CheckForms(request.GET)),
        partial=check_results,
    )


@require_safe
def check_results(request: HttpRequest) -> HttpResponse:
    def build() -> tuple[str, str]:
        forms = CheckForms(request.GET)
        html = render_to_string(f"{TEMPLATE}#results", _context(forms), request)
        return html, forms.share_url

    return pages.htmx_results(request, page_url=reverse("tools:check"), prefix=PREFIX, build=build)


@sensitive_post_parameters("paste")
@require_POST
def check_paste(request: HttpRequest) -> HttpResponse:
    paste_form = PasteForm(request.POST)
    if paste_form.is_valid():
        response = redirect(address(paste_form.cleaned_data["statement"]) + "#results")
        response.status_code = 303  # see the figures' address, by GET
        return response
    context = _context(CheckForms(), paste_form)
    response = render(request, TEMPLATE, context, status=pages.status(context))
    response["Cache-Control"] = "no-store"  # the page holds the paste
    return response
