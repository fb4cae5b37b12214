"""The replay's forms: which account, which path, and which step to show.

The replay's address is the whole replay: `?path=<preset>` starts from a ready-made
path (its fields and its account), the path fields spell out a path typed by hand,
`upload=<key>` names a path uploaded as CSV, and `step` is where the scrubber is.
The account is a simulator preset (`account=<slug>`) or, with `account=scenario`,
the simulator's own fields carried over from the simulator.
"""

from collections.abc import Mapping
from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.urls import reverse

from core.forms import ErrorList, error_list
from core.numbers import NotANumber, parse_number
from simulator.engine import EngineError, Wallet
from simulator.engine.paths import (
    MAX_POINTS,
    MAX_UPLOAD_BYTES,
    PathError,
    points_from_csv,
    points_from_waypoints,
    waypoint_lines,
)
from simulator.fields import NumberField
from simulator.replay.services import ReplayOutcome, replay_scenario
from simulator.replay.uploads import uploaded_points
from simulator.sandbox.forms import SimulatorForms
from simulator.selectors import path_preset, path_presets, presets, stored_preset

SCENARIO = "scenario"  # the account is the simulator's fields in the address
PATH_FIELDS = ("moves", "symbol", "steps", "hours", "funding")
WALLET_FIELDS = ("wallet", "collateral")  # a multi-asset wallet, kept with any path
MAX_WALLET_ASSETS = 10
MAX_FUNDING = Decimal(5)  # percent per interval: far beyond any real rate
HOUR_CHOICES = [
    ("0.25", "15 minutes"),
    ("1", "1 hour"),
    ("4", "4 hours"),
    ("8", "8 hours"),
    ("24", "1 day"),
]


class FundingField(forms.CharField):
    """A funding rate per interval in percent, like 0.01% or -0.005%."""

    def to_python(self, value):
        text = (super().to_python(value) or "0").strip().removesuffix("%")
        try:
            if len(text) > 30:
                raise NotANumber()
            rate = parse_number(text)
        except NotANumber:
            raise ValidationError(
                "Enter the funding rate in percent, like 0.01% (or 0 for none)", code="invalid"
            ) from None
        if abs(rate) > MAX_FUNDING:
            raise ValidationError(
                f"The funding rate must be between -{MAX_FUNDING}% and {MAX_FUNDING}% per interval",
                code="max_value",
            )
        return rate / 100


def wallet_balances(text: str) -> dict[str, Decimal]:
    """ "BTC 0.2, USDT 1000" as {asset: amount}; a ValidationError says what to write."""
    balances: dict[str, Decimal] = {}
    items = [item.strip() for item in text.replace("\n", ",").split(",") if item.strip()]
    if len(items) > MAX_WALLET_ASSETS:
        raise ValidationError(f"Give at most {MAX_WALLET_ASSETS} assets", code="too_many")
    for item in items:
        parts = item.replace(":", " ").split()
        if len(parts) != 2 or not parts[0].isalpha() or len(parts[0]) > 10:
            shown = item[:40]
            raise ValidationError(
                f"Write each asset as its name and amount, like BTC 0.2, USDT 1000 (not “{shown}”)",
                code="invalid",
            )
        asset = parts[0].upper()
        try:
            amount = parse_number(parts[1])
        except NotANumber:
            raise ValidationError(
                f"The amount of {asset} must be a number, like 0.2", code="invalid"
            ) from None
        if amount < 0 or amount > 10**12:
            raise ValidationError(
                f"The amount of {asset} must be between 0 and 1,000,000,000,000", code="invalid"
            )
        if asset in balances:
            raise ValidationError(f"{asset} is given twice: add the amounts", code="invalid")
        balances[asset] = amount
    return balances


class PathForm(forms.Form):
    account = forms.ChoiceField(
        label="Account",
        help_text="The positions to replay, each time all isolated and all cross.",
    )
    moves = forms.CharField(
        label="Path: prices or moves from entry",
        max_length=2000,
        required=False,
        help_text=(
            "Waypoints in order, like 0%, -12%, -50% or 60000 → 52800 → 30000. Write gap "
            "before a waypoint to make the price jump to it in one step: 0%, -2%, gap -15%. "
            "To move several symbols, one line each: BTC: 0%, -10% and ETH: 0%, 10%."
        ),
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off", "spellcheck": "false"}),
    )
    symbol = forms.ChoiceField(label="Symbol that moves", required=False)
    steps = forms.IntegerField(
        label="Steps between two waypoints",
        min_value=1,
        max_value=100,
        initial=10,
        help_text="The price moves in a straight line over each step (a gap is one step).",
        error_messages={"invalid": "Enter a whole number of steps, like 10"},
    )
    hours = NumberField(
        label="Hours per step",
        minimum=Decimal("0.01"),
        maximum=Decimal(720),
        example="1",
        initial="1",
        help_text="How long a step lasts: funding is paid at the exchange's interval.",
    )
    wallet = forms.CharField(
        label="Wallet in several assets (optional)",
        max_length=300,
        required=False,
        help_text=(
            "Coins backing the cross account, like BTC 0.2, USDT 1000: each counted at the "
            "exchange's collateral ratio and at its own price along the path. Empty: the "
            "account's balance in USDT."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    collateral = forms.ChoiceField(
        label="Collateral rules",
        required=False,
        choices=[
            ("binance", "Binance Multi-Assets Mode"),
            ("bybit", "Bybit Unified Trading Account"),
        ],
        help_text="Whose collateral ratios count the wallet's assets.",
    )
    funding = FundingField(
        label="Funding rate per interval",
        required=False,
        initial="0%",
        help_text="Paid by longs to shorts when positive, like 0.01%; 0 for none.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    def __init__(self, *args, accounts: list[tuple[str, str]], symbols: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = accounts
        self.fields["symbol"].choices = [(symbol, symbol) for symbol in symbols]
        self.fields["symbol"].error_messages["invalid_choice"] = (
            "Pick a symbol the account holds: " + ", ".join(symbols)
            if symbols
            else "The account holds no position to move"
        )
        self.symbols = symbols

    def clean_symbol(self) -> str:
        symbol = self.cleaned_data["symbol"] or (self.symbols[0] if self.symbols else "")
        if not symbol:
            raise ValidationError("The account holds no position to move", code="required")
        return symbol

    def clean(self) -> dict:
        cleaned = super().clean()
        text = cleaned.get("wallet") or ""
        cleaned["wallet"] = None
        if not text.strip():
            return cleaned
        try:
            balances = wallet_balances(text)
            cleaned["wallet"] = Wallet(balances, cleaned.get("collateral") or "binance")
        except ValidationError as error:
            self.add_error("wallet", error)
        except EngineError as error:
            self.add_error("wallet", str(error).removesuffix("."))
        return cleaned

    def clean_moves(self) -> dict:
        try:
            return waypoint_lines(self.cleaned_data["moves"])
        except PathError as error:
            raise ValidationError(str(error), code="invalid") from None


class StepForm(forms.Form):
    step = forms.IntegerField(label="Step", min_value=0, required=False)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="A CSV file of time,symbol,price",
        help_text=(
            f"At most {MAX_UPLOAD_BYTES // 1024} KB and {MAX_POINTS:,} rows. Time in hours from "
            "the start (0, 1, 2.5…) or as a date and time (2026-11-24T08:00:00Z). The price "
            "moves in a straight line between rows; to make it jump, add a fourth column, gap, "
            "and write gap on the rows it jumps to."
        ),
        error_messages={"required": "Choose a CSV file to upload", "empty": "The file is empty"},
    )

    def clean_file(self) -> list:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                f"The file is {upload.size / 1024:,.0f} KB; upload at most "
                f"{MAX_UPLOAD_BYTES // 1024} KB",
                code="too_big",
            )
        try:
            return points_from_csv(upload.read(MAX_UPLOAD_BYTES + 1))
        except PathError as error:
            raise ValidationError(str(error), code="invalid") from None


def _scenario_fields(query: Mapping[str, str]) -> dict[str, str]:
    """The simulator's own fields in the address: everything the path and step are not."""
    ours = {"account", "path", "upload", "step", "market", "csrfmiddlewaretoken"}
    ours |= {*PATH_FIELDS, *WALLET_FIELDS}
    return {key: query[key] for key in query if key not in ours}


class ReplayForms:
    """The replay's forms over one address, and the replay they add up to."""

    def __init__(
        self,
        query: QueryDict,
        *,
        upload_points: list | None = None,
        presets_now: bool = False,
        market: dict | None = None,
    ) -> None:
        """`presets_now`: read the presets past the cache (while content is loading);
        `market`: a path's market block as given (else the one `market=<path>` names)."""
        self.problems: list[tuple[str, str]] = []
        self.market = market
        self.outcome: ReplayOutcome | None = None
        self.upload_key = query.get("upload", "")
        self.path_preset = None
        data: dict[str, str] = {key: query[key] for key in query}
        if not data and path_presets():  # the bare address: the first ready-made path
            data = {"path": next(iter(path_presets()))}
        if "path" in data:
            self.path_preset = path_preset(data["path"])
            if self.path_preset is None:
                self.problems.append(
                    ("path-list", "There is no path by that name: pick one below.")
                )
            else:
                data = {**self.path_preset.data, "account": self.path_preset.account, **data}
                if self.path_preset.market:
                    data.setdefault("market", self.path_preset.slug)
                data.pop("path", None)
        data.setdefault("account", "two-isolated")
        self.market_slug = "" if market is not None else data.get("market", "")
        if self.market_slug:
            holder = path_preset(self.market_slug)
            if holder is None or not holder.market:
                self.problems.append(
                    ("path-list", "There is no market by that name: pick a path below.")
                )
            else:
                self.market = holder.market
        for name, field in PathForm.base_fields.items():
            if field.initial is not None and name != "account":
                data.setdefault(name, str(field.initial))
        self.data = data
        self.scenario_fields = _scenario_fields(data)
        if data["account"] == SCENARIO:
            account_data = QueryDict(urlencode(self.scenario_fields))
        else:
            found = (stored_preset if presets_now else presets().get)(data["account"])
            account_data = None if found is None else found.form_data()
            for name in WALLET_FIELDS:  # a preset's wallet, unless the address gives one
                if found is not None and name in found.data:
                    data.setdefault(name, found.data[name])
        self.account_forms = SimulatorForms(account_data) if account_data is not None else None
        symbols = []
        if self.account_forms is not None and self.account_forms.is_valid():
            symbols = self.account_forms.scenario().symbols
        data.setdefault("symbol", symbols[0] if symbols else "")
        if self.upload_key:
            data.setdefault("moves", "0%")
        if presets_now:
            accounts = [(data["account"], data["account"])]
        else:
            accounts = [(slug, found.title) for slug, found in presets().items()]
        if data["account"] == SCENARIO or self.scenario_fields:
            accounts.insert(0, (SCENARIO, "Your scenario from the simulator"))
        self.path_form = PathForm(data, accounts=accounts, symbols=symbols)
        self.step_form = StepForm(data)
        self.upload_points = upload_points
        self._run()

    def _run(self) -> None:
        forms_ok = self.path_form.is_valid() and self.step_form.is_valid()
        if self.account_forms is None or not self.account_forms.is_valid():
            if "account" not in self.path_form.errors:
                self.path_form.add_error(
                    "account", "This account cannot be replayed: open it in the simulator to fix it"
                )
            return
        if not forms_ok or self.problems:
            return
        scenario = self.account_forms.scenario()
        cleaned = self.path_form.cleaned_data
        if self.upload_key:
            points = (
                self.upload_points
                if self.upload_points is not None
                else uploaded_points(key=self.upload_key)
            )
            if points is None:
                self.problems.append(
                    ("id_file", "That uploaded path is no longer here: upload the file again.")
                )
                return
        else:
            entries: dict[str, Decimal] = {}
            for spec in scenario.positions:
                entries.setdefault(spec.symbol, spec.entry_price)
            moves = cleaned["moves"]
            unknown = [symbol for symbol in moves if symbol is not None and symbol not in entries]
            if unknown:
                held = ", ".join(entries)
                self.path_form.add_error(
                    "moves", f"The account holds no position on {unknown[0]} (it holds {held})"
                )
                return
            legs = {
                symbol or cleaned["symbol"]: (entries[symbol or cleaned["symbol"]], marks)
                for symbol, marks in moves.items()
            }
            try:
                points = points_from_waypoints(
                    legs=legs, steps=cleaned["steps"], hours=cleaned["hours"]
                )
            except PathError as error:
                self.path_form.add_error("moves", str(error))
                return
        try:
            self.outcome = replay_scenario(
                scenario=scenario,
                points=points,
                funding=cleaned["funding"],
                market=self.market,
                symbol=cleaned["symbol"],
                wallet=cleaned["wallet"],
            )
        except EngineError as error:
            where = "id_file" if self.upload_key else "moves"
            if where == "moves":
                self.path_form.add_error("moves", str(error))
            else:
                self.problems.append((where, str(error)))

    @property
    def step(self) -> int:
        step = self.step_form.cleaned_data.get("step") if self.step_form.is_valid() else None
        if self.outcome is None:
            return 0
        return self.outcome.last_step if step is None else min(step, self.outcome.last_step)

    @property
    def errors(self) -> ErrorList:
        errors = error_list([(self.path_form, ""), (self.step_form, "")], fallback="replay-form")
        if self.account_forms is not None and self.account_forms.is_bound:
            errors += [("id_account", message) for _, message in self.account_forms.errors]
        return errors + self.problems

    def url(self, *, step: int | None = None) -> str:
        """The replay's address: the account, the path and the step, nothing else."""
        fields = self.fields()
        if step is not None:
            fields.append(("step", str(step)))
        return reverse("simulator:replay") + "?" + urlencode(fields)

    def fields(self) -> list[tuple[str, str]]:
        """What makes the replay, as (name, value): the address's fields but the step,
        and the scrubber's hidden inputs."""
        data = self.data
        fields = [("account", data["account"])]
        if data["account"] == SCENARIO:
            fields += list(self.scenario_fields.items())
        if self.upload_key:
            fields += [("upload", self.upload_key), ("funding", data.get("funding", "0%"))]
        else:
            fields += [(name, data.get(name, "")) for name in PATH_FIELDS]
        if self.market_slug:
            fields.append(("market", self.market_slug))
        if data.get("wallet", "").strip():
            fields += [(name, data.get(name, "")) for name in WALLET_FIELDS]
        return fields


def path_problems(*, account: str, data: object, market: object = None) -> dict[str, list[str]]:
    """What is wrong with a ready-made path (admin and content files), by field."""
    if market is not None and not isinstance(market, dict):
        return {"market": ["Give the market as an object: {} for none."]}
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        return {"data": ['Give each field\'s value as text, like {"moves": "0%, -12%"}.']}
    unknown = sorted(set(data) - set(PATH_FIELDS))
    if unknown:
        return {"data": [f"Unknown field {', '.join(unknown)}: use {', '.join(PATH_FIELDS)}."]}
    query = QueryDict(mutable=True)
    query.update({**data, "account": account})
    forms = ReplayForms(query, market=market or None)
    if forms.outcome is not None:
        return {}
    messages = [message for _, message in forms.errors]
    if market and not ReplayForms(query).errors:  # it replays without its market
        return {"market": messages or ["This market cannot be replayed on the path."]}
    return {"data": messages or ["This path cannot be replayed."]}
