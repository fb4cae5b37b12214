"""The collateral tool's form: one row per asset (amount and price), and the positions'
maintenance margin for the account's margin ratio. A plain GET: the address is the result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.forms import ErrorList, error_list
from simulator.engine import COLLATERAL_SCHEDULES, EngineError, Holding, Wallet
from simulator.engine.collateral import KNOWN_ASSETS, QUOTE
from simulator.fields import MAX_MONEY, MAX_PRICE, NumberField

PREFIX = "a"
MAX_ASSETS = 8
ASSETS = sorted(KNOWN_ASSETS, key=lambda asset: (asset != QUOTE, asset))


class AccountForm(forms.Form):
    maintenance = NumberField(
        label="Maintenance margin of your positions",
        required=False,
        minimum=Decimal(0),
        maximum=MAX_MONEY,
        example="1,200",
        help_text="In USDT, optional: the account's margin ratio is this over the collateral.",
    )


class AssetForm(forms.Form):
    asset = forms.ChoiceField(label="Asset", choices=[("", "Choose")] + [(a, a) for a in ASSETS])
    amount = NumberField(label="Amount", minimum=Decimal(0), maximum=MAX_MONEY, example="0.5")
    price = NumberField(
        label="Price in USDT",
        required=False,
        minimum=Decimal(0),
        maximum=MAX_PRICE,
        example="60,000",
        help_text="Empty for USDT: 1.",
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        asset = cleaned.get("asset")
        missing = asset and asset != QUOTE and cleaned.get("price") is None
        if missing and "price" not in self.errors:
            self.add_error("price", f"Enter the price of {asset} in USDT")
        return cleaned


class BaseAssets(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        assets = [form.cleaned_data["asset"] for form in self.forms if form.cleaned_data]
        if not assets:
            raise ValidationError("Enter at least one asset and its amount.")
        twice = sorted({asset for asset in assets if assets.count(asset) > 1})
        if twice:
            raise ValidationError(f"Give each asset once ({', '.join(twice)} appears twice).")


Assets = forms.formset_factory(
    AssetForm, formset=BaseAssets, extra=1, max_num=MAX_ASSETS, validate_max=True,
    absolute_max=MAX_ASSETS,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class VenueResult:
    """One venue's view of the wallet: each asset's line, or why it is not counted."""

    name: str
    source: str
    as_of: str
    note: str
    holdings: tuple[Holding, ...]
    refused: tuple[str, ...]
    """Assets the venue does not take: counted at nothing, with the reason."""
    market_value: Decimal
    collateral_value: Decimal
    margin_ratio: Decimal | None


def _venue(key: str, amounts: dict[str, Decimal], prices: dict[str, Decimal], mm) -> VenueResult:
    schedule = COLLATERAL_SCHEDULES[key]
    taken = {a: n for a, n in amounts.items() if a in schedule.rules}
    refused = tuple(
        f"{asset}: {schedule.name} does not take it as collateral in our table."
        for asset in amounts
        if asset not in schedule.rules
    )
    holdings = Wallet(taken, venue=key).holdings(prices) if taken else ()
    market = sum((h.market_value for h in holdings), start=Decimal(0))
    market += sum(
        (amounts[a] * prices.get(a, Decimal(1)) for a in amounts if a not in taken),
        start=Decimal(0),
    )
    value = sum((h.collateral_value for h in holdings), start=Decimal(0))
    ratio = None if mm is None or value <= 0 else mm / value
    return VenueResult(
        schedule.name, schedule.source, schedule.as_of, schedule.note, holdings, refused, market,
        value, ratio,
    )  # fmt: skip


class CollateralForms:
    def __init__(self, data: Mapping[str, str] | None = None) -> None:
        self.results: tuple[VenueResult, ...] = ()
        if not data:
            self.data = None
            self.account_form = AccountForm()
            self.assets = Assets(prefix=PREFIX)
            return
        self.data = data
        self.account_form = AccountForm(data)
        self.assets = Assets(data, prefix=PREFIX)
        if self.account_form.is_valid() and self.assets.is_valid():
            amounts: dict[str, Decimal] = {}
            prices: dict[str, Decimal] = {}
            for row in self.assets.cleaned_data:
                if row:
                    amounts[row["asset"]] = row["amount"]
                    if row.get("price") is not None:
                        prices[row["asset"]] = row["price"]
            mm = self.account_form.cleaned_data["maintenance"]
            try:
                self.results = tuple(
                    _venue(key, amounts, prices, mm) for key in COLLATERAL_SCHEDULES
                )
            except EngineError as error:
                self.account_form.add_error(None, str(error))

    @property
    def errors(self) -> ErrorList:
        if self.data is None or self.results:
            return []
        labelled = [(self.account_form, "")]
        labelled += [(form, f"Asset {n}: ") for n, form in enumerate(self.assets, start=1)]
        found = error_list(labelled, fallback="collateral-form")
        found += [(PREFIX, message) for message in self.assets.non_form_errors()]
        return found

    @property
    def share_url(self) -> str:
        if not self.results or self.data is None:
            return ""
        names = ["maintenance", f"{PREFIX}-TOTAL_FORMS", f"{PREFIX}-INITIAL_FORMS"]
        names += [
            f"{PREFIX}-{i}-{f}"
            for i in range(self.assets.total_form_count())
            for f in AssetForm.base_fields
        ]
        fields = [(name, self.data[name]) for name in names if self.data.get(name)]
        return reverse("tools:collateral") + "?" + urlencode(fields)
