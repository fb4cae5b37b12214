"""Form fields and limits the simulator's faces share (the sandbox, the Tools, the replay).

Numbers are typed in text inputs (inputmode decimal), so what a learner types,
right or wrong, comes back to them as typed; the server does all validation.
"""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from core.numbers import NotANumber, parse_number
from simulator.engine import VENUES, EngineError, get_venue

MAX_MONEY = Decimal("1000000000")  # $1 billion: beyond any learner's account
MAX_PRICE = Decimal("100000000")
MIN_PRICE = Decimal("0.00000001")
MAX_LEVERAGE = Decimal(125)
MAX_MOVE = Decimal(1000)  # percent
SYMBOL_PATTERN = re.compile(r"^[A-Z0-9]{1,12}$")
KNOWN_SYMBOLS = ["BTC", "ETH", "SOL"]
DEFAULT_VENUE = "binance"


class NumberField(forms.Field):
    """A decimal typed as text, bounded, with messages that say what to type."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def __init__(self, *, minimum: Decimal, maximum: Decimal, example: str, **kwargs):
        self.minimum, self.maximum, self.example = minimum, maximum, example
        messages = kwargs.setdefault("error_messages", {})
        label = kwargs.get("label", "value")
        messages.setdefault("required", f"Enter the {label.lower()}, like {example}")
        messages.setdefault("invalid", f"{label} must be a number, like {example}")
        super().__init__(**kwargs)

    def to_python(self, value: str | None) -> Decimal | None:
        if value in self.empty_values:
            return None
        try:
            return parse_number(str(value))
        except NotANumber:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

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


class VenueField(forms.ChoiceField):
    """The exchange whose rules apply, by key; empty or absent is Binance, the rules
    the lessons teach. A name the engine does not know is refused with its message,
    which lists the venues."""

    widget = forms.Select

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("initial", DEFAULT_VENUE)
        super().__init__(
            choices=[(key, venue.name) for key, venue in VENUES.items()], required=False, **kwargs
        )

    def clean(self, value: object) -> str:
        text = value.strip() if isinstance(value, str) else ""
        try:
            return get_venue(text or DEFAULT_VENUE).key
        except EngineError as error:
            raise ValidationError(str(error), code="invalid_choice") from None
