"""The simulator's forms: the account, one row per position, and the scenario.

Numbers are typed in text inputs (inputmode decimal), so what a learner types,
right or wrong, comes back to them as typed; the server does all validation.
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

MAX_POSITIONS = 10
MAX_MONEY = Decimal("1000000000")  # $1 billion: beyond any learner's account
MAX_PRICE = Decimal("100000000")
MIN_PRICE = Decimal("0.00000001")
MAX_LEVERAGE = Decimal(125)
MAX_MOVE = Decimal(1000)  # percent
SYMBOL_PATTERN = re.compile(r"^[A-Z0-9]{1,12}$")
KNOWN_SYMBOLS = ["BTC", "ETH", "SOL"]


def parse_number(raw: str) -> Decimal:
    """Read '5,000', '$5000', ' 12.5 ' or -3 with a typographic minus (U+2212)."""
    text = raw.strip().replace("\u2212", "-").replace(",", "").replace("_", "")
    text = text.replace("$", "").replace(" ", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(raw) from None
    if not value.is_finite():
        raise ValueError(raw)
    return value


class NumberField(forms.Field):
    """A decimal typed as text, bounded, with messages that say what to type."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def __init__(self, *, minimum: Decimal, maximum: Decimal, example: str, **kwargs):
        self.minimum, self.maximum, self.example = minimum, maximum, example
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault(
            "required", f"Enter the {kwargs.get('label', 'value').lower()}, like {example}"
        )
        super().__init__(**kwargs)

    def to_python(self, value: str | None) -> Decimal | None:
        if value in self.empty_values:
            return None
        try:
            return parse_number(str(value))
        except ValueError:
            raise ValidationError(
                f"{self.label} must be a number, like {self.example}", code="invalid"
            ) from None

    def validate(self, value: Decimal | None) -> None:
        super().validate(value)
        if value is None:
            return
        if value < self.minimum:
            raise ValidationError(
                f"{self.label} must be at least {self.minimum:,f}", code="min_value"
            )
        if value > self.maximum:
            raise ValidationError(
                f"{self.label} must be at most {self.maximum:,f}", code="max_value"
            )


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
    tiers = forms.ChoiceField(
        label="Maintenance margin",
        choices=[
            ("flat", "0.5% for every symbol"),
            ("tiered", "Tiered: 0.4% up to $50,000, 0.5% up to $250,000, 1% above"),
        ],
        initial="flat",
        help_text="Exchanges raise the rate for large positions; these are Binance's BTC tiers.",
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
    leverage = forms.DecimalField(
        label="Leverage",
        min_value=1,
        max_value=MAX_LEVERAGE,
        help_text="From 1x to 125x.",
        widget=forms.NumberInput(attrs={"min": 1, "max": 125, "step": "any"}),
        error_messages={
            "required": "Enter the leverage, from 1 to 125",
            "invalid": "Leverage must be a number from 1 to 125",
            "min_value": "Leverage must be at least 1",
            "max_value": "Leverage must be at most 125",
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


def parse_mark(raw: str) -> tuple[str, Decimal]:
    """'-12%' is a move from entry, '54,000' a price: returns ('move'|'price', value)."""
    text = raw.strip()
    if text.endswith("%"):
        return "move", parse_number(text[:-1])
    return "price", parse_number(text)


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
            except ValueError:
                self.add_error(name, f"Enter {symbol}'s move like -12% or its price like 52,800")
                continue
            if kind == "move" and not -100 <= value <= MAX_MOVE:
                self.add_error(name, f"{symbol}'s move must be between -100% and +1,000%")
            elif kind == "price" and not 0 <= value <= MAX_PRICE:
                self.add_error(name, f"{symbol}'s price must be between 0 and {MAX_PRICE:,}")
            else:
                cleaned[name] = (kind, value)
        return cleaned


class LessonExampleForm(forms.Form):
    """Lesson 4's compact simulator: how far BTC falls, ETH held at its entry."""

    btc_move = forms.IntegerField(
        label="BTC's move from 60,000",
        min_value=-60,
        max_value=0,
        initial=-12,
        widget=forms.NumberInput(attrs={"type": "range", "step": 1, "class": "form-range"}),
    )
