"""The replay: one account, isolated and all-cross, on one price path, step by step.

- /simulator/replay/          GET: the page for the replay in the address (cached).
- /simulator/replay/step/     GET from htmx: the state at one step, for the scrubber.
- /simulator/replay/upload/   POST: a CSV path; 303 to its replay's address.
"""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from core.page_cache import render_cached_page
from simulator import pages
from simulator.replay.forms import PATH_FIELDS, SCENARIO, ReplayForms, UploadForm
from simulator.replay.uploads import UploadRefused, upload_store, uploader_of
from simulator.selectors import path_presets

TEMPLATE = "replay/replay.html"
KEPT = "kept-"  # the upload form's copies of the replay's fields


def _context(forms: ReplayForms, *, upload_form: UploadForm | None = None) -> dict:
    step = forms.step
    outcome = forms.outcome
    states = outcome.at(step) if outcome else ()  # each mode's state: an engine run each
    scenario = forms.scenario_fields if forms.data.get("account") == SCENARIO else {}
    return pages.context(
        errors=forms.errors + (_upload_errors(upload_form) if upload_form else []),
        breadcrumbs=[("Simulator", reverse("simulator:index")), ("Replay", None)],
        simulator_url=reverse("simulator:index") + "?" + urlencode(scenario) if scenario else "",
        current_x=outcome.chart.x(states[0].moment.time) if outcome else "",
        prices=outcome.prices(step) if outcome else [],
        forms=forms,
        upload_form=upload_form or UploadForm(),
        outcome=outcome,
        step=step,
        states=states,
        step_url=forms.url(step=step) if outcome else "",
        previous_url=forms.url(step=step - 1) if outcome and step > 0 else "",
        next_url=forms.url(step=step + 1) if outcome and step < outcome.last_step else "",
        paths=lambda: list(path_presets().values()),
    )


def _upload_errors(form: UploadForm) -> list[tuple[str, str]]:
    return [("id_file", message) for message in form.errors.get("file", [])]


@require_safe
def replay(request: HttpRequest) -> HttpResponse:
    # The address is the whole replay, so its page is the same for everyone.
    return pages.address_page(
        request,
        prefix="replay",
        template_name=TEMPLATE,
        build_context=lambda: _context(ReplayForms(request.GET)),
    )


@require_safe
def replay_step(request: HttpRequest) -> HttpResponse:
    """The scrubber's fragment: the chart and the state at the step in the address."""
    forms = ReplayForms(request.GET)
    if not request.htmx or forms.outcome is None:
        # Only htmx asks here; anyone else gets the whole page for the same address.
        return redirect(
            forms.url(step=forms.step) if forms.outcome else reverse("simulator:replay")
        )
    response = render_cached_page(
        request,
        key=pages.query_key("replay-step", request),
        template_name=f"{TEMPLATE}#replay-step-response",
        build_context=lambda: _context(forms),
    )
    response["HX-Replace-Url"] = forms.url(step=forms.step)
    return response


def _replay_of_upload(post: QueryDict) -> QueryDict:
    """The replay an upload comes from: the path form's fields as typed (htmx sends
    them along), else the copies of the page's that the upload form keeps (kept-…)."""
    typed = QueryDict(mutable=True)
    kept = QueryDict(mutable=True)
    for key, value in post.items():
        if key.startswith(KEPT):
            kept[key.removeprefix(KEPT)] = value
        elif key != "csrfmiddlewaretoken":
            typed[key] = value
    return typed if "account" in typed else kept


@require_POST
def replay_upload(request: HttpRequest) -> HttpResponse:
    """A CSV path: stored under its hash and replayed at its own address, or the
    page again as it was (the path typed, or the one uploaded before) with only why
    the file was refused; nothing stored. htmx swaps that in place, so what was typed
    and not yet replayed stays too."""
    upload_form = UploadForm(request.POST, request.FILES)
    query = _replay_of_upload(request.POST)
    status = 422
    if upload_form.is_valid():
        points = upload_form.cleaned_data["file"]
        fields = query.copy()
        for name in ("path", *PATH_FIELDS):
            if name != "funding":
                fields.pop(name, None)
        fields["upload"] = "pending"
        forms = ReplayForms(fields, upload_points=points)
        if forms.outcome is not None:
            try:
                forms.upload_key = upload_store(points=points, uploader=uploader_of(request))
                if request.htmx:
                    return HttpResponseClientRedirect(forms.url())
                return HttpResponseRedirect(forms.url(), status=303)
            except UploadRefused as refused:
                upload_form.add_error("file", refused.message)
                status = 429
        # What the file's points cannot do on this account is the upload's to say.
        for target, message in forms.problems:
            if target == "id_file":
                upload_form.add_error("file", message)
    context = _context(ReplayForms(query), upload_form=upload_form)
    # htmx swaps only a 2xx answer: the refusal is in the page it swaps in.
    return render(request, TEMPLATE, context, status=200 if request.htmx else status)
