"""The check's two ways in: a paste (read once, never kept) and the figures typed.

Both end as the same address: the venue, the wallet balance and one row of figures per
position. The paste never goes into an address, a log or the database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.forms import ErrorList, error_list
from simulator.engine import EngineError, Mode, Side, base_asset
from simulator.fields import MAX_LEVERAGE, MAX_MONEY, MAX_PRICE, MIN_PRICE, NumberField, VenueField
from simulator.sandbox.forms import POSITION_FIELDS
from simulator.sandbox.forms import PREFIX as SIMULATOR_PREFIX
from simulator.tools.check.comparison import AccountCheck, check_statement
from simulator.tools.check.payloads import MAX_POSITIONS, read_payload
from simulator.tools.check.statement import PasteError, Reported, Statement

PREFIX = "p"
SYMBOL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/:_-]{0,29}$")
PLACES = Decimal("0.00000001")  # the address keeps 8 places, as typed numbers do
REPLAY_PATH = "0%, -40%, 0%, 40%"


class AccountForm(forms.Form):
    venue = VenueField(label="Exchange", help_text="Whose rules and tiers the engine applies.")
    balance = NumberField(
        label="Wallet balance",
        required=False,
        minimum=Decimal(0),
        maximum=MAX_MONEY,
        example="5,000",
        help_text="Isolated margins included, unrealized PnL not. Needed for cross positions.",
    )


def _price(label: str, **kwargs) -> NumberField:
    return NumberField(
        label=label, minimum=MIN_PRICE, maximum=MAX_PRICE, example="60,000", **kwargs
    )


class PositionForm(forms.Form):
    sym = forms.CharField(
        label="Symbol", max_length=30, help_text="As the exchange writes it, e.g. BTCUSDT."
    )
    side = forms.ChoiceField(
        label="Side", choices=[("long", "Long"), ("short", "Short")], widget=forms.RadioSelect
    )
    mode = forms.ChoiceField(
        label="Margin mode",
        choices=[("cross", "Cross"), ("isolated", "Isolated")],
        widget=forms.RadioSelect,
    )
    qty = NumberField(label="Size in coins", minimum=PLACES, maximum=MAX_MONEY, example="0.5")
    entry = _price("Entry price")
    lev = NumberField(label="Leverage", minimum=Decimal(1), maximum=MAX_LEVERAGE, example="10")
    mark = _price("Mark price")
    margin = NumberField(
        label="Isolated margin",
        required=False,
        minimum=PLACES,
        maximum=MAX_MONEY,
        example="3,000",
        help_text="Isolated only; empty: the initial margin.",
    )
    liq = _price("Exchange's liquidation price", required=False, help_text="Empty: it shows none.")
    mm = NumberField(
        label="Exchange's maintenance margin",
        required=False,
        minimum=Decimal(0),
        maximum=MAX_MONEY,
        example="150",
        help_text="Optional; it tells a tier table apart.",
    )
    last = _price("Last price", required=False, help_text="Optional.")

    def clean_sym(self) -> str:
        symbol = self.cleaned_data["sym"].strip()
        if not SYMBOL.fullmatch(symbol) or not base_asset(symbol).isalnum():
            raise ValidationError(
                "Write the symbol as the exchange does, like BTCUSDT or BTC-USDT-SWAP"
            )
        return symbol


class BaseRows(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        if not any(form.cleaned_data for form in self.forms):
            raise ValidationError("Enter at least one position.")


Rows = forms.formset_factory(
    PositionForm,
    formset=BaseRows,
    extra=1,
    max_num=MAX_POSITIONS,
    validate_max=True,
    absolute_max=MAX_POSITIONS,
)
FIELDS = list(PositionForm.base_fields)


class PasteForm(forms.Form):
    venue = VenueField(label="Exchange")
    balance = AccountForm.base_fields["balance"]
    paste = forms.CharField(
        label="What your exchange's API returns",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "autocomplete": "off"}),
        help_text="The JSON of its positions endpoint, as it comes. Read once, never kept.",
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            statement = read_payload(cleaned.get("paste") or "", venue=cleaned["venue"])
        except PasteError as error:
            self.add_error("paste", str(error))
            return cleaned
        if cleaned.get("balance") is not None:
            statement = Statement(
                venue=statement.venue,
                positions=statement.positions,
                balance=cleaned["balance"],
                notes=statement.notes,
            )
        cleaned["statement"] = statement
        return cleaned

    @property
    def summary_errors(self) -> ErrorList:
        return error_list([(self, "")], fallback="paste-form")


def _text(value: Decimal | None) -> str:
    if value is None:
        return ""
    if value.as_tuple().exponent < -8:  # type: ignore[operator]
        value = value.quantize(PLACES)
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def address(statement: Statement) -> str:
    """The check's address for these figures: what the page needs, never the paste."""
    count = len(statement.positions)
    fields: list[tuple[str, str]] = [("venue", statement.venue)]
    if statement.balance is not None:
        fields.append(("balance", _text(statement.balance)))
    fields += [
        (f"{PREFIX}-TOTAL_FORMS", str(min(count + 1, MAX_POSITIONS))),
        (f"{PREFIX}-INITIAL_FORMS", "0"),
    ]
    for i, p in enumerate(statement.positions):
        row = {
            "sym": p.symbol,
            "side": p.side.value,
            "mode": p.mode.value,
            "qty": _text(p.quantity),
            "entry": _text(p.entry_price),
            "lev": _text(p.leverage),
            "mark": _text(p.mark_price),
            "margin": _text(p.margin),
            "liq": _text(p.liquidation_price),
            "mm": _text(p.maintenance_margin),
            "last": _text(p.last_price),
        }
        fields += [(f"{PREFIX}-{i}-{name}", value) for name, value in row.items() if value]
    return reverse("tools:check") + "?" + urlencode(fields)


class CheckForms:
    """The typed figures (the account and its rows) and the check they add up to."""

    def __init__(self, data: Mapping[str, str] | None = None) -> None:
        self.data = data
        self.check: AccountCheck | None = None
        self.statement: Statement | None = None
        if not data:
            self.account_form = AccountForm()
            self.rows = Rows(prefix=PREFIX)
            self.data = None
            return
        self.account_form = AccountForm(data)
        self.rows = Rows(data, prefix=PREFIX)
        if self.account_form.is_valid() and self.rows.is_valid():
            self._check()

    def _check(self) -> None:
        account = self.account_form.cleaned_data
        reported = tuple(
            Reported(
                symbol=row["sym"],
                side=Side(row["side"]),
                quantity=row["qty"],
                entry_price=row["entry"],
                leverage=row["lev"],
                mode=Mode(row["mode"]),
                mark_price=row["mark"],
                margin=row["margin"] if row["mode"] == Mode.ISOLATED else None,
                liquidation_price=row["liq"],
                maintenance_margin=row["mm"],
                last_price=row["last"],
            )
            for row in self.rows.cleaned_data
            if row
        )
        statement = Statement(
            venue=account["venue"], positions=reported, balance=account["balance"]
        )
        try:
            self.check = check_statement(statement)
        except EngineError as error:
            self.account_form.add_error("balance", str(error))
            return
        self.statement = statement

    @property
    def errors(self) -> ErrorList:
        if self.data is None or self.check is not None:
            return []
        labelled = [(self.account_form, "")]
        labelled += [(form, f"Position {n}: ") for n, form in enumerate(self.rows, start=1)]
        found = error_list(labelled, fallback="check-form")
        found += [(PREFIX, message) for message in self.rows.non_form_errors()]
        return found

    @property
    def share_url(self) -> str:
        return address(self.statement) if self.statement is not None else ""

    @property
    def simulator_url(self) -> str:
        """The same account in the simulator: sizes as notional, marks as prices."""
        statement = self.statement
        if statement is None or self.check is None:
            return ""
        fields: list[tuple[str, str]] = [
            ("balance", f"{self.check.balance:.2f}"),
            ("mode", "cross"),
            ("venue", statement.venue),
            ("tiers", "tiered"),
            (f"{SIMULATOR_PREFIX}-TOTAL_FORMS", str(len(statement.positions))),
            (f"{SIMULATOR_PREFIX}-INITIAL_FORMS", "0"),
        ]
        marks: dict[str, str] = {}
        for i, p in enumerate(statement.positions):
            symbol = base_asset(p.symbol)[:12]
            row = {
                "symbol": symbol,
                "side": p.side.value,
                "entry_price": _text(p.entry_price),
                "leverage": _text(p.leverage),
                "size_basis": "notional",
                "size": f"{p.quantity * p.entry_price:.2f}",
                "margin_mode": p.mode.value,
            }
            fields += [(f"{SIMULATOR_PREFIX}-{i}-{name}", row[name]) for name in POSITION_FIELDS]
            marks.setdefault(symbol, _text(p.mark_price))
        fields += [(f"mark_{symbol}", price) for symbol, price in marks.items()]
        return reverse("simulator:index") + "?" + urlencode(fields)

    @property
    def replay_url(self) -> str:
        """The same account in the replay, on a path 40% down and 40% up from entry, which
        takes most positions past their liquidation price: the trader edits it there."""
        url = self.simulator_url
        if not url:
            return ""
        path = urlencode([("moves", REPLAY_PATH)])
        return f"{reverse('simulator:replay')}?account=scenario&{url.partition('?')[2]}&{path}"
