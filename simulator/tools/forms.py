"""The Tools' forms: three calculators, each a plain GET form whose address is its result.

Numbers are typed in text inputs, as in the simulator (`NumberField`); rates are
typed in percent ("0.05" or "0.05%") and handed to the services as fractions.
Each form runs its calculator once its fields are clean, so the engine's refusals
become errors beside the field they concern, like any other.

Fees start as the venue's standard rates. The hidden `fee_venue` says whose rates
the fee fields hold: when the venue changes, fees still at the old venue's rates
follow the new venue, and fees the visitor typed stay. An empty fee field means
the venue's rate.
"""

from collections.abc import Mapping
from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.forms import ErrorList, error_list
from core.numbers import NotANumber, parse_number
from simulator.engine import Mode, Side
from simulator.engine.venues import VENUES, Venue
from simulator.fields import (
    DEFAULT_VENUE,
    MAX_LEVERAGE,
    MAX_MONEY,
    MAX_PRICE,
    MIN_PRICE,
    NumberField,
    VenueField,
)
from simulator.tools.calculators import (
    LiquidationInputs,
    PnlInputs,
    PositionSizeInputs,
    ToolError,
    liquidation_compute,
    pnl_compute,
    position_size_compute,
)
from simulator.tools.comparison import VenueRow, venues_compare

MAX_FEE = Decimal(1)  # percent of the trade's value
MAX_FUNDING = Decimal(5)  # percent per interval, either way
MAX_INTERVALS = Decimal(10_000)
MIN_SIZE = Decimal("0.00000001")
SYMBOLS = [("BTC", "BTC"), ("ETH", "ETH"), ("OTHER", "Another coin")]
FEE_NAMES = ("maker_fee", "taker_fee")


def percent_text(fraction: Decimal) -> str:
    """A rate as the fee fields show it: 0.0005 -> '0.05'."""
    return format((fraction * 100).normalize(), "f")


class PercentField(NumberField):
    """A rate in percent: '0.05' or '0.05%'. The cleaned value is the percentage."""

    def to_python(self, value: str | None) -> Decimal | None:
        if isinstance(value, str):
            value = value.strip().removesuffix("%")
        return super().to_python(value)


class IntervalsField(NumberField):
    def validate(self, value: Decimal | None) -> None:
        super().validate(value)
        if value is not None and value != value.to_integral_value():
            raise ValidationError(
                f"{self.label} must be a whole number, like {self.example}", code="whole"
            )

    def clean(self, value: str | None) -> int:
        cleaned = super().clean(value)
        return 0 if cleaned is None else int(cleaned)


def _choice(label: str, choices: list[tuple[str, str]], message: str, **kwargs) -> forms.Field:
    kwargs.setdefault("widget", forms.RadioSelect)
    return forms.ChoiceField(
        label=label,
        choices=choices,
        # Django fills %(value)s into a wrong choice's message: a % sign is written %%.
        error_messages={"required": message, "invalid_choice": message.replace("%", "%%")},
        **kwargs,
    )


def venue_field() -> VenueField:
    return VenueField(
        label="Exchange",
        help_text="Whose liquidation rules, maintenance tiers and fees apply.",
    )


def symbol_field() -> forms.Field:
    return _choice(
        "Coin",
        SYMBOLS,
        "Select BTC, ETH or another coin",
        initial="BTC",
        widget=forms.Select,
        help_text="BTC and ETH use the exchange's own tiers; another coin its default table.",
    )


def side_field() -> forms.Field:
    return _choice(
        "Side", [("long", "Long"), ("short", "Short")], "Select long or short", initial="long"
    )


def price_field(label: str, *, required: bool = True, help_text: str = "") -> NumberField:
    return NumberField(
        label=label,
        minimum=MIN_PRICE,
        maximum=MAX_PRICE,
        example="60,000",
        required=required,
        help_text=help_text or "In dollars, e.g. 60,000.",
    )


def size_fields() -> tuple[NumberField, forms.Field]:
    size = NumberField(
        label="Size",
        minimum=MIN_SIZE,
        maximum=MAX_MONEY,
        example="0.5",
        help_text="In coins (0.5 BTC) or in dollars of position value at entry, as chosen.",
    )
    unit = _choice(
        "Size given in",
        [("coins", "Coins"), ("usd", "Dollars")],
        "Select coins or dollars",
        initial="coins",
    )
    return size, unit


def leverage_field() -> NumberField:
    return NumberField(
        label="Leverage",
        minimum=Decimal(1),
        maximum=MAX_LEVERAGE,
        example="10",
        help_text="From 1x to 125x.",
        error_messages={
            "required": "Enter the leverage, from 1 to 125",
            "invalid": "Leverage must be a number from 1 to 125",
        },
    )


def fee_field(kind: str) -> PercentField:
    return PercentField(
        label=f"{kind.capitalize()} fee (%)",
        minimum=Decimal(0),
        maximum=MAX_FEE,
        example="0.05",
        required=False,
        help_text=(
            "The venue's standard rate to start with; change it to yours. "
            + (
                "Market orders pay it; so does a liquidation, where the venue counts it."
                if kind == "taker"
                else "Limit orders that wait in the book pay it."
            )
        ),
    )


def _intervals_help() -> str:
    every = {1: [], 8: []}
    for venue in VENUES.values():
        every.setdefault(venue.funding_hours, []).append(venue.name)
    parts = [
        f"every {'hour' if hours == 1 else f'{hours} hours'} on {', '.join(names)}"
        for hours, names in every.items()
        if names
    ]
    return "Funding is paid " + "; ".join(parts) + "."


def funding_fields() -> tuple[PercentField, IntervalsField]:
    rate = PercentField(
        label="Funding rate per interval (%)",
        minimum=-MAX_FUNDING,
        maximum=MAX_FUNDING,
        example="0.01",
        required=False,
        help_text="Positive: longs pay shorts; negative: shorts pay longs. E.g. 0.01.",
    )
    intervals = IntervalsField(
        label="Funding intervals",
        minimum=Decimal(0),
        maximum=MAX_INTERVALS,
        example="9",
        required=False,
        help_text="How many times funding is paid. " + _intervals_help(),
    )
    return rate, intervals


def _fee_rate(typed: str) -> Decimal | None:
    try:
        return parse_number(typed.strip().removesuffix("%")) / 100
    except NotANumber:
        return None


def _with_venue_fees(
    data: Mapping[str, str], names: tuple[str, ...]
) -> tuple[Mapping[str, str], bool]:
    """The data with the fee fields following the venue, and whether the venue changed
    since the fees were filled in (the page's fee fields then need the new values)."""
    key = (data.get("venue") or "").strip() or DEFAULT_VENUE
    venue: Venue | None = VENUES.get(key)
    if venue is None:
        return data, False  # the venue's own error says what to do
    previous = VENUES.get(data.get("fee_venue") or "")
    switched = previous is not None and previous.key != venue.key
    updated = data.copy()  # a QueryDict's copy is mutable
    for name in names:
        typed = (data.get(name) or "").strip()
        if not typed or (switched and _fee_rate(typed) == getattr(previous, name)):
            updated[name] = percent_text(getattr(venue, name))
    updated["fee_venue"] = venue.key
    return updated, switched or data.get("fee_venue") != venue.key


class ToolForm(forms.Form):
    """A calculator's form: its page, its results fragment, its computation."""

    page_name = ""  # the URL name of the calculator's page
    fee_names: tuple[str, ...] = FEE_NAMES

    fee_venue = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: Mapping[str, str] | None = None, **kwargs) -> None:
        self.fees_changed = False
        self.result = None
        if data is not None:
            data, self.fees_changed = _with_venue_fees(data, self.fee_names)
        super().__init__(data, **kwargs)
        self.fields["fee_venue"] = self.fields.pop("fee_venue")  # last: after what it follows
        if data is None:
            venue = VENUES[DEFAULT_VENUE]
            self.initial.update(
                {name: percent_text(getattr(venue, name)) for name in self.fee_names}
            )
            self.initial["fee_venue"] = venue.key

    def clean(self) -> dict:
        cleaned = super().clean()
        if self._errors:
            return cleaned
        try:
            self.result = self.compute(cleaned)
        except ToolError as error:
            self.add_error(error.field or None, error.message)
        return cleaned

    def compute(self, cleaned: dict):
        raise NotImplementedError

    @property
    def summary_errors(self) -> ErrorList:
        """(field id, message) for the error summary, in the order of the page."""
        if not self.is_bound or self.is_valid():
            return []
        return error_list([(self, "")], fallback="tool-form")

    @property
    def share_url(self) -> str:
        """The calculator's address for what was typed: its fields in form order."""
        if not self.is_bound:
            return reverse(self.page_name)
        return self._address(self.data)

    def _address(self, data: Mapping[str, str]) -> str:
        fields = [(name, data[name]) for name in self.fields if data.get(name)]
        return reverse(self.page_name) + "?" + urlencode(fields)


def _fraction(value: Decimal | None) -> Decimal:
    return Decimal(0) if value is None else value / 100


class LiquidationForm(ToolForm):
    page_name = "tools:liquidation_price"
    comparison: tuple[VenueRow, ...] = ()  # the same position on every venue, once computed

    venue = venue_field()
    symbol = symbol_field()
    side = side_field()
    entry_price = price_field("Entry price")
    size, size_unit = size_fields()
    leverage = leverage_field()
    mode = _choice(
        "Margin mode",
        [("isolated", "Isolated"), ("cross", "Cross")],
        "Select isolated or cross",
        initial="isolated",
    )
    margin = NumberField(
        label="Position margin (isolated, optional)",
        minimum=MIN_SIZE,
        maximum=MAX_MONEY,
        example="1,000",
        required=False,
        help_text="The margin the exchange shows for the position, after any you added "
        "or removed. Empty: the initial margin, size ÷ leverage.",
    )
    balance = NumberField(
        label="Wallet balance (cross)",
        minimum=Decimal("0.01"),
        maximum=MAX_MONEY,
        example="10,000",
        required=False,
        help_text="Your cross wallet in dollars, as the exchange shows it. "
        "Needed for cross margin only.",
    )
    tiers = _choice(
        "Maintenance margin",
        [("venue", "The exchange's real tiers"), ("flat", "A flat 0.5%, as in the lessons")],
        "Select the exchange's tiers or a flat 0.5%",
        initial="venue",
    )
    maker_fee = fee_field("maker")
    taker_fee = fee_field("taker")
    funding_rate, funding_intervals = funding_fields()
    mark_price = price_field(
        "Mark price (optional)",
        required=False,
        help_text="Where the exchange marks the coin now. Empty: the entry price.",
    )
    last_price = price_field(
        "Last traded price (optional)",
        required=False,
        help_text="The price of the last trade, which the chart shows. Liquidation "
        "follows the mark price; this shows the gap.",
    )

    def clean(self) -> dict:
        cleaned = forms.Form.clean(self)
        cross = cleaned.get("mode") == "cross"
        if cross and "balance" not in self._errors and cleaned.get("balance") is None:
            self.add_error("balance", "Enter the wallet balance for cross margin, like 10,000")
        return super().clean()

    def compute(self, cleaned: dict):
        inputs = LiquidationInputs(
            venue=cleaned["venue"],
            symbol=cleaned["symbol"],
            side=Side(cleaned["side"]),
            entry_price=cleaned["entry_price"],
            size=cleaned["size"],
            size_unit=cleaned["size_unit"],
            leverage=cleaned["leverage"],
            mode=Mode(cleaned["mode"]),
            margin=cleaned["margin"],
            balance=cleaned["balance"],
            real_tiers=cleaned["tiers"] == "venue",
            maker_fee=_fraction(cleaned["maker_fee"]),
            taker_fee=_fraction(cleaned["taker_fee"]),
            funding_rate=_fraction(cleaned["funding_rate"]),
            funding_intervals=cleaned["funding_intervals"],
            mark_price=cleaned["mark_price"],
            last_price=cleaned["last_price"],
        )
        result = liquidation_compute(inputs=inputs)
        self.comparison = venues_compare(inputs=inputs)
        return result

    @property
    def venue_rows(self) -> list[tuple[VenueRow, str]]:
        """Each venue's row of the comparison and the address of this calculation on it
        (fees still at the old venue's standard rates follow the new one, as when the
        venue is changed in the form)."""
        data = dict(self.data.items())  # a QueryDict's items are its last values, not lists
        return [(row, self._address({**data, "venue": row.venue.key})) for row in self.comparison]


class PositionSizeForm(ToolForm):
    page_name = "tools:position_size"
    fee_names = ("taker_fee",)

    balance = NumberField(
        label="Account balance",
        minimum=Decimal("0.01"),
        maximum=MAX_MONEY,
        example="10,000",
        help_text="Your wallet in dollars (USDT), e.g. 10,000.",
    )
    risk = PercentField(
        label="Risk per trade (% of the account)",
        minimum=Decimal("0.01"),
        maximum=Decimal(100),
        example="1",
        help_text="What you accept to lose if the stop is hit, e.g. 1 for 1%.",
    )
    entry_price = price_field("Entry price")
    stop_price = price_field(
        "Stop price",
        help_text="Below the entry for a long, above it for a short: the side follows.",
    )
    leverage = leverage_field()
    symbol = symbol_field()
    venue = venue_field()
    taker_fee = fee_field("taker")

    def compute(self, cleaned: dict):
        return position_size_compute(
            inputs=PositionSizeInputs(
                venue=cleaned["venue"],
                symbol=cleaned["symbol"],
                balance=cleaned["balance"],
                risk=cleaned["risk"] / 100,
                entry_price=cleaned["entry_price"],
                stop_price=cleaned["stop_price"],
                leverage=cleaned["leverage"],
                taker_fee=_fraction(cleaned["taker_fee"]),
            )
        )


ORDER_TYPES = [("taker", "Taker (market order)"), ("maker", "Maker (limit order)")]


class PnlForm(ToolForm):
    page_name = "tools:pnl"

    side = side_field()
    entry_price = price_field("Entry price")
    exit_price = price_field("Exit price")
    size, size_unit = size_fields()
    leverage = leverage_field()
    venue = venue_field()
    maker_fee = fee_field("maker")
    taker_fee = fee_field("taker")
    entry_order = _choice(
        "Entry order pays",
        ORDER_TYPES,
        "Select the fee the entry order pays: taker or maker",
        initial="taker",
    )
    exit_order = _choice(
        "Exit order pays",
        ORDER_TYPES,
        "Select the fee the exit order pays: taker or maker",
        initial="taker",
    )
    funding_rate, funding_intervals = funding_fields()

    def compute(self, cleaned: dict):
        return pnl_compute(
            inputs=PnlInputs(
                venue=cleaned["venue"],
                side=Side(cleaned["side"]),
                entry_price=cleaned["entry_price"],
                exit_price=cleaned["exit_price"],
                size=cleaned["size"],
                size_unit=cleaned["size_unit"],
                leverage=cleaned["leverage"],
                maker_fee=_fraction(cleaned["maker_fee"]),
                taker_fee=_fraction(cleaned["taker_fee"]),
                entry_order=cleaned["entry_order"],
                exit_order=cleaned["exit_order"],
                funding_rate=_fraction(cleaned["funding_rate"]),
                funding_intervals=cleaned["funding_intervals"],
            )
        )
