"""The simulator page's state: its three forms bound to what was typed, and the
simulation when they are valid. Views pick which partial to render from it."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse

from simulator.engine import EngineError, Mode, Side
from simulator.forms import (
    MAX_POSITIONS,
    SYMBOL_PATTERN,
    AccountForm,
    MarksForm,
    PositionFormSet,
)
from simulator.presets import preset_data
from simulator.services import PositionSpec, Scenario, Simulation, simulate

RESULTS_CACHE_SECONDS = 600
PREFIX = "positions"
POSITION_FIELDS = list(PositionFormSet.form.base_fields)
NEW_ROW = {"size_basis": "margin", "margin_mode": "account"}


@dataclass
class SimulatorPage:
    account_form: AccountForm
    formset: PositionFormSet
    marks_form: MarksForm
    simulation: Simulation | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field id, message)
    share_url: str = ""
    notice: str = ""
    marks_changed: bool = False
    missing: bool = False  # the address asked for an example that does not exist

    @property
    def status(self) -> int:
        return 404 if self.missing else 422 if self.errors else 200


def _rows(data: QueryDict) -> list[dict[str, str]]:
    """The position rows as typed, in order, for re-rendering after an edit."""
    try:
        total = int(data.get(f"{PREFIX}-TOTAL_FORMS", "1"))
    except ValueError:
        total = 1
    total = min(max(total, 0), MAX_POSITIONS)
    return [
        {name: data.get(f"{PREFIX}-{i}-{name}", "") for name in POSITION_FIELDS}
        for i in range(total)
    ]


def _symbols(rows: list[dict[str, str]]) -> list[str]:
    symbols = (row.get("symbol", "").strip().upper() for row in rows)
    return list(dict.fromkeys(s for s in symbols if SYMBOL_PATTERN.fullmatch(s)))


def edited_page(data: QueryDict, action: str) -> SimulatorPage:
    """Add or remove a row: re-render what was typed, without judging it yet."""
    rows = _rows(data)
    notice = ""
    if action == "add":
        if len(rows) < MAX_POSITIONS:
            rows.append(dict(NEW_ROW))
            notice = f"Position {len(rows)} added."
        else:
            notice = f"You can simulate at most {MAX_POSITIONS} positions."
    elif action.startswith("remove-"):
        index = action.removeprefix("remove-")
        if index.isdigit() and int(index) < len(rows) and len(rows) > 1:
            rows.pop(int(index))
            notice = f"Position {int(index) + 1} removed."
    initial = {key: data.get(key) for key in data if not key.startswith(PREFIX)}
    return SimulatorPage(
        account_form=AccountForm(initial=initial),
        formset=PositionFormSet(rows=rows, prefix=PREFIX),
        marks_form=MarksForm(initial=initial, symbols=_symbols(rows)),
        notice=notice,
    )


def _scenario(page: SimulatorPage) -> Scenario:
    account = page.account_form.cleaned_data
    positions = tuple(
        PositionSpec(
            symbol=row["symbol"],
            side=Side(row["side"]),
            entry_price=row["entry_price"],
            leverage=row["leverage"],
            size_basis=row["size_basis"],
            size=row["size"],
            margin_mode=Mode(row["margin_mode"]) if row["margin_mode"] in Mode else None,
        )
        for row in page.formset.cleaned_data
        if row
    )
    marks = page.marks_form.cleaned_data
    return Scenario(
        balance=account["balance"],
        mode=Mode(account["mode"]),
        positions=positions,
        marks={symbol: marks[f"mark_{symbol}"] for symbol in page.marks_form.symbols},
        tiered=account["tiers"] == "tiered",
        chart_symbol=marks.get("chart_symbol") or None,
    )


def _scenario_fields(page: SimulatorPage, data: QueryDict) -> list[tuple[str, str]]:
    """The fields that make up the scenario, as typed, in form order: what a shared
    URL needs, and nothing else that came with the post."""
    rows = page.formset.total_form_count()
    names = [*page.account_form.fields, f"{PREFIX}-TOTAL_FORMS", f"{PREFIX}-INITIAL_FORMS"]
    names += [f"{PREFIX}-{i}-{name}" for i in range(rows) for name in POSITION_FIELDS]
    names += list(page.marks_form.fields)
    fields = [(name, data[name]) for name in names if name in data]
    return [
        (name, str(rows)) if name == f"{PREFIX}-TOTAL_FORMS" else (name, value)
        for name, value in fields
    ]


def _error_list(page: SimulatorPage) -> list[tuple[str, str]]:
    """(field id, message) for the error summary, in the order of the form."""
    labelled = [(page.account_form, "")]
    labelled += [(form, f"Position {n}: ") for n, form in enumerate(page.formset.forms, start=1)]
    labelled += [(page.marks_form, "")]
    errors = []
    for form, label in labelled:
        for name, messages in form.errors.items():
            target = form[name].auto_id if name in form.fields else "simulator-form"
            errors.extend((target, label + message) for message in messages)
    errors.extend(("positions", message) for message in page.formset.non_form_errors())
    return errors


def calculated_page(data: QueryDict) -> SimulatorPage:
    symbols = _symbols(_rows(data))
    page = SimulatorPage(
        account_form=AccountForm(data),
        formset=PositionFormSet(data, prefix=PREFIX),
        marks_form=MarksForm(data, symbols=symbols),
        # The scenario fields follow the symbols typed above them.
        marks_changed={f"mark_{s}" for s in symbols} != {k for k in data if k.startswith("mark_")},
    )
    forms_valid = all(
        [page.account_form.is_valid(), page.formset.is_valid(), page.marks_form.is_valid()]
    )
    if forms_valid:
        try:
            page.simulation = simulate(scenario=_scenario(page))
        except EngineError as error:
            page.account_form.add_error("balance", str(error))
    if page.simulation:
        page.share_url = reverse("simulator:index") + "?" + urlencode(_scenario_fields(page, data))
    else:
        page.errors = _error_list(page)
    return page


def empty_page() -> SimulatorPage:
    return SimulatorPage(
        account_form=AccountForm(),
        formset=PositionFormSet(rows=[dict(NEW_ROW)], prefix=PREFIX),
        marks_form=MarksForm(symbols=[]),
    )


def missing_preset_page() -> SimulatorPage:
    """An empty simulator that says the example asked for does not exist."""
    page = empty_page()
    page.missing = True
    page.errors.append(
        ("presets-title", "There is no example by that name. Start from one of these examples.")
    )
    return page


def lesson_example_data(btc_move: int) -> QueryDict:
    """Lesson 4's two positions with BTC moved by `btc_move` percent, ETH held."""
    data = preset_data("two-isolated")
    data["mark_BTC"] = f"{btc_move}%"
    return data


def lesson_example_results(btc_move: int) -> str:
    """The lesson widget's outcome for one move, as HTML. A few dozen possible
    moves, the same for every reader: each is worked out once per cache period."""

    def build() -> str:
        simulation = calculated_page(lesson_example_data(btc_move)).simulation
        return render_to_string(
            "simulator/lesson_widget.html#widget-results",
            {"simulation": simulation, "move": btc_move},
        )

    return cache.get_or_set(f"lesson-example:{btc_move}", build, RESULTS_CACHE_SECONDS)
