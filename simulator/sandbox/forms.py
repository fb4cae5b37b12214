"""The simulator's forms: the account, one row per position, and the scenario.

Numbers are typed in text inputs (inputmode decimal), so what a learner types,
right or wrong, comes back to them as typed; the server does all validation.
"""

from collections.abc import Mapping
from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.forms import ErrorList, error_list
from core.numbers import NotANumber, parse_mark
from simulator.engine import EngineError, Mode, Side
from simulator.fields import (
    MAX_LEVERAGE,
    MAX_MONEY,
    MAX_MOVE,
    MAX_PRICE,
    MIN_PRICE,
    SYMBOL_PATTERN,
    NumberField,
    VenueField,
)
from simulator.sandbox.services import PositionSpec, Scenario, Simulation, simulate

MAX_POSITIONS = 10


class AccountForm(forms.Form):
    balance = NumberField(
        label="Account balance",
        help_text="Your wallet in dollars (USDT), e.g. 5,000.",
        minimum=Decimal("0.01"),
        maximum=MAX_MONEY,
        example="5,000",
    )
    mode = forms.ChoiceField(
        label="Margin mode",
        choices=[("isolated", "Isolated"), ("cross", "Cross")],
        widget=forms.RadioSelect,
        initial="isolated",
        error_messages={"required": "Select isolated or cross"},
        help_text="Each position can override this below, for a mixed account.",
    )
    venue = VenueField(
        label="Exchange whose rules apply",
        help_text="How the exchange decides liquidation: Binance's rules are the lessons'.",
    )
    tiers = forms.ChoiceField(
        label="Maintenance margin",
        choices=[
            ("flat", "0.5% for every symbol"),
            ("tiered", "The exchange's real tiers (BTC and ETH; 0.5% for other symbols)"),
        ],
        initial="flat",
        help_text="Exchanges raise the rate for large positions, each with its own tables.",
    )


class PositionForm(forms.Form):
    symbol = forms.CharField(
        label="Symbol",
        max_length=12,
        help_text="BTC, ETH, SOL or your own ticker.",
        widget=forms.TextInput(attrs={"list": "known-symbols", "autocapitalize": "characters"}),
        error_messages={"required": "Enter the symbol, like BTC"},
    )
    side = forms.ChoiceField(
        label="Side",
        choices=[("long", "Long"), ("short", "Short")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select long or short"},
    )
    entry_price = NumberField(
        label="Entry price",
        help_text="In dollars, e.g. 60,000.",
        minimum=MIN_PRICE,
        maximum=MAX_PRICE,
        example="60,000",
    )
    leverage = NumberField(
        label="Leverage",
        minimum=Decimal(1),
        maximum=MAX_LEVERAGE,
        example="10",
        help_text="From 1x to 125x.",
        widget=forms.NumberInput(attrs={"min": 1, "max": 125, "step": "any"}),
        error_messages={
            "required": "Enter the leverage, from 1 to 125",
            "invalid": "Leverage must be a number from 1 to 125",
        },
    )
    size_basis = forms.ChoiceField(
        label="Size given as",
        choices=[("margin", "Margin ($)"), ("notional", "Position size ($)")],
        widget=forms.RadioSelect,
        initial="margin",
        error_messages={"required": "Select whether the size is margin or position size"},
    )
    size = NumberField(
        label="Size",
        help_text="Dollars of margin, or of position size (notional), as chosen.",
        minimum=Decimal("0.01"),
        maximum=MAX_MONEY,
        example="1,000",
    )
    margin_mode = forms.ChoiceField(
        label="Margin mode for this position (optional)",
        choices=[("account", "Same as the account"), ("isolated", "Isolated"), ("cross", "Cross")],
        initial="account",
        required=False,
    )

    def clean_symbol(self) -> str:
        symbol = self.cleaned_data["symbol"].strip().upper()
        if not SYMBOL_PATTERN.fullmatch(symbol):
            raise ValidationError("Use 1 to 12 letters or digits for the symbol, like BTC")
        return symbol


class BasePositionFormSet(forms.BaseFormSet):
    """Position rows. Every row is a new one (no "initial forms"), so a blank row
    beyond the first is skipped rather than flagged while the learner fills it in.
    `rows` re-renders what was typed, unvalidated, after a row is added or removed."""

    def __init__(self, data=None, *, rows: list[dict[str, str]] | None = None, **kwargs):
        super().__init__(data, initial=rows, **kwargs)
        if data is None and rows:
            self.extra = max(len(rows) - self.min_num, 0)

    def initial_form_count(self) -> int:
        return 0

    def full_clean(self) -> None:
        super().full_clean()
        # Django reports a damaged row count as "submit at least 1 form"; say what happened.
        if self.is_bound and not self.management_form.is_valid():
            self._non_form_errors = self.error_class(
                ["The list of positions could not be read. Start again from an example."],
                error_class="nonform",
                renderer=self.renderer,
            )

    def clean(self) -> None:
        if any(self.errors):
            return
        if not any(form.cleaned_data for form in self.forms):
            raise ValidationError("Add at least one position.")


PositionFormSet = forms.formset_factory(
    PositionForm,
    formset=BasePositionFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MAX_POSITIONS,
    validate_max=True,
    absolute_max=MAX_POSITIONS,
)


class MarksForm(forms.Form):
    """One field per symbol held: its mark price, or its move from entry in percent;
    and which symbol's price the chart sweeps."""

    chart_symbol = forms.ChoiceField(
        label="Chart equity against the price of",
        required=False,
        help_text="The chart runs from a 100% fall to a 50% rise from entry.",
    )

    def __init__(self, *args, symbols: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chart_symbol"].choices = [(symbol, symbol) for symbol in symbols]
        for symbol in symbols:
            self.fields[f"mark_{symbol}"] = forms.CharField(
                label=f"{symbol} price or move",
                max_length=40,
                initial="0%",
                required=False,  # left empty: the price stays at entry
                help_text="A move from entry like -12%, or a price like 52,800.",
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )
        self.symbols = symbols

    def clean(self) -> dict:
        cleaned = super().clean()
        for symbol in self.symbols:
            name = f"mark_{symbol}"
            raw = cleaned.get(name) or "0%"
            try:
                kind, value = parse_mark(raw)
            except NotANumber:
                self.add_error(name, f"Enter {symbol}'s move like -12% or its price like 52,800")
                continue
            if kind == "move" and not -100 <= value <= MAX_MOVE:
                self.add_error(name, f"{symbol}'s move must be between -100% and +1,000%")
            elif kind == "price" and not 0 <= value <= MAX_PRICE:
                self.add_error(name, f"{symbol}'s price must be between 0 and {MAX_PRICE:,}")
            else:
                cleaned[name] = (kind, value)
        return cleaned


PREFIX = "positions"
POSITION_FIELDS = list(PositionForm.base_fields)
NEW_ROW = {"size_basis": "margin", "margin_mode": "account"}


def _rows(data: Mapping[str, str]) -> list[dict[str, str]]:
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


class SimulatorForms:
    """The simulator's three forms (account, positions, marks) over one set of data,
    and the simulation they add up to.

    `SimulatorForms(data)` judges what was typed: `is_valid()` cleans the forms and
    then runs the engine, whose refusals (isolated margins above the balance) become
    form errors too. `SimulatorForms()` is the empty simulator, and `edit()` re-renders
    what was typed with a row added or removed, without judging it yet.
    """

    def __init__(self, data: Mapping[str, str] | None = None) -> None:
        self.data = data
        self.notice = ""
        self.simulation: Simulation | None = None
        self._valid: bool | None = None
        if data is None:
            self.account_form = AccountForm()
            self.formset = PositionFormSet(rows=[dict(NEW_ROW)], prefix=PREFIX)
            self.marks_form = MarksForm(symbols=[])
            self.marks_changed = False
            return
        symbols = _symbols(_rows(data))
        self.account_form = AccountForm(data)
        self.formset = PositionFormSet(data, prefix=PREFIX)
        self.marks_form = MarksForm(data, symbols=symbols)
        # The scenario fields follow the symbols typed above them.
        self.marks_changed = {f"mark_{s}" for s in symbols} != {
            k for k in data if k.startswith("mark_")
        }

    @classmethod
    def edit(cls, data: Mapping[str, str], *, action: str) -> "SimulatorForms":
        """What was typed with a row added ("add") or removed ("remove-<index>")."""
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
        forms = cls()
        forms.account_form = AccountForm(initial=initial)
        forms.formset = PositionFormSet(rows=rows, prefix=PREFIX)
        forms.marks_form = MarksForm(initial=initial, symbols=_symbols(rows))
        forms.notice = notice
        return forms

    @property
    def is_bound(self) -> bool:
        return self.data is not None

    def is_valid(self) -> bool:
        """Every form is valid and the engine can simulate the scenario."""
        if not self.is_bound:
            return False
        if self._valid is None:
            forms = [self.account_form, self.formset, self.marks_form]
            self._valid = all([form.is_valid() for form in forms])  # a list: every form cleans
            if self._valid:
                try:
                    self.simulation = simulate(scenario=self.scenario())
                except EngineError as error:
                    self.account_form.add_error("balance", str(error))
                    self._valid = False
        return self._valid

    def scenario(self) -> Scenario:
        """The cleaned forms as a scenario; only once the forms are valid."""
        account = self.account_form.cleaned_data
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
            for row in self.formset.cleaned_data
            if row
        )
        marks = self.marks_form.cleaned_data
        return Scenario(
            balance=account["balance"],
            mode=Mode(account["mode"]),
            positions=positions,
            marks={symbol: marks[f"mark_{symbol}"] for symbol in self.marks_form.symbols},
            tiered=account["tiers"] == "tiered",
            chart_symbol=marks.get("chart_symbol") or None,
            venue=account["venue"],
        )

    @property
    def errors(self) -> ErrorList:
        """(field id, message) for the error summary, in the order of the page."""
        if not self.is_bound or self.is_valid():
            return []
        labelled = [(self.account_form, "")]
        labelled += [(form, f"Position {n}: ") for n, form in enumerate(self.formset, start=1)]
        labelled += [(self.marks_form, "")]
        errors = error_list(labelled, fallback="simulator-form")
        errors += [(PREFIX, message) for message in self.formset.non_form_errors()]
        return errors

    @property
    def share_url(self) -> str:
        """The simulator's address for this scenario: the fields that make it up, as
        typed, in form order, and nothing else that came with the post."""
        if not self.is_valid():
            return ""
        assert self.data is not None  # a valid set of forms is bound
        rows = self.formset.total_form_count()
        names = [*self.account_form.fields, f"{PREFIX}-TOTAL_FORMS", f"{PREFIX}-INITIAL_FORMS"]
        names += [f"{PREFIX}-{i}-{name}" for i in range(rows) for name in POSITION_FIELDS]
        names += list(self.marks_form.fields)
        fields = [(name, self.data[name]) for name in names if name in self.data]
        fields = [
            (name, str(rows)) if name == f"{PREFIX}-TOTAL_FORMS" else (name, value)
            for name, value in fields
        ]
        return reverse("simulator:index") + "?" + urlencode(fields)

    @property
    def replay_url(self) -> str:
        """The replay of these positions (isolated and cross) on a price path."""
        return _replay_url(self.share_url) if self.share_url else ""


def _replay_url(share_url: str) -> str:
    query = share_url.partition("?")[2]
    return reverse("simulator:replay") + "?account=scenario" + (f"&{query}" if query else "")


class RangeForm(forms.Form):
    """The one slider of a lesson's simulator. Its field is named after the widget, so
    several widgets on a page, and the page's own address, keep their values apart."""

    def __init__(
        self,
        data: Mapping[str, str] | None = None,
        *,
        name: str,
        label: str,
        minimum: Decimal,
        maximum: Decimal,
        step: Decimal,
        **kwargs,
    ) -> None:
        super().__init__(data, **kwargs)
        self.name, self.minimum, self.step = name, minimum, step
        attrs = {"type": "range", "min": minimum, "max": maximum, "step": step}
        self.fields[name] = NumberField(
            label=label,
            minimum=minimum,
            maximum=maximum,
            example=f"{minimum:f}",
            widget=forms.NumberInput(attrs={**attrs, "class": "form-range"}),
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        value = cleaned.get(self.name)
        if value is not None and (value - self.minimum) % self.step:
            self.add_error(self.name, f"Pick a value in steps of {self.step:f}")
        return cleaned
