"""The compact simulator a lesson embeds with one line of its Markdown:

    [[simulator preset=two-isolated control=move:BTC min=-60 max=0 value=-12 id=btc-move]]

A preset's scenario with one slider: `control` is what it moves (`move:<SYMBOL>`,
`leverage:<N>`, `margin:<N>` or `balance`), between `min` and `max` in steps of
`step` (1), from `value` (the preset's own). The widget shows the outcome in both
margin modes. Without JavaScript its form reloads the lesson with
`?<id with - as _>=<value>`, which the lesson renders; with htmx it asks the
fragment at /simulator/widget/. Both share one cached outcome per value.
"""

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import HttpRequest, QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from core.numbers import NotANumber, money, number, parse_number, price
from lessons.registry import Embed
from simulator.engine import Mode
from simulator.fields import MAX_LEVERAGE, MAX_MONEY, MAX_MOVE
from simulator.pages import RESULTS_CACHE_SECONDS
from simulator.sandbox.forms import PREFIX, RangeForm, SimulatorForms
from simulator.sandbox.services import PositionSpec, Scenario
from simulator.selectors import PresetData, preset, stored_preset, stored_slugs

logger = logging.getLogger(__name__)
TEMPLATE = "sandbox/lesson_widget.html"
ATTRIBUTES = ("preset", "control", "min", "max", "step", "value", "id", "title")
ID = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
CONTROL = re.compile(
    r"^(?:move:(?P<symbol>[A-Z0-9]{1,12})|(?P<kind>leverage|margin):(?P<position>[0-9]{1,2})"
    r"|balance)$"
)
REQUIRED = ("preset", "control", "min", "max")
CONTROLS = "move:<SYMBOL>, leverage:<N>, margin:<N> or balance"


def _plain(value: Decimal) -> str:
    """-12, 2.5, 100: a value as an address or a form has it."""
    return format(value.normalize(), "f")


def _short_price(value: Decimal) -> str:
    """A price in a sentence: 60,000, 2,640.5 or 0.025 (no trailing zeros)."""
    text = price(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


@dataclass(frozen=True, slots=True)
class Control:
    """What the slider moves, and how that reads in the simulator's form data."""

    kind: str  # "move", "leverage", "margin" or "balance"
    symbol: str = ""  # for a move
    position: int = 0  # for leverage and margin, from 1

    @property
    def name(self) -> str:
        if self.kind == "move":
            return f"move:{self.symbol}"
        return f"{self.kind}:{self.position}" if self.position else self.kind

    @property
    def field(self) -> str:
        """The form field it sets."""
        row = f"{PREFIX}-{self.position - 1}"
        return {
            "move": f"mark_{self.symbol}",
            "leverage": f"{row}-leverage",
            "margin": f"{row}-size",
            "balance": "balance",
        }[self.kind]

    @property
    def bounds(self) -> tuple[Decimal, Decimal]:
        """The simulator form's own limits for what it moves."""
        return {
            "move": (Decimal(-100), MAX_MOVE),
            "leverage": (Decimal(1), MAX_LEVERAGE),
            "margin": (Decimal("0.01"), MAX_MONEY),
            "balance": (Decimal("0.01"), MAX_MONEY),
        }[self.kind]

    def form_value(self, value: Decimal) -> str:
        return f"{_plain(value)}%" if self.kind == "move" else _plain(value)

    def show(self, value: Decimal) -> str:
        """The value as the learner reads it: -12% (with a true minus), 20x, $800."""
        if self.kind == "move":
            return f"{number(value, trim=True)}%"
        if self.kind == "leverage":
            return f"{number(value, trim=True)}x"
        return money(value, trim=True)

    def default_title(self, scenario: Scenario) -> str:
        if self.kind == "move":
            return f"Try it: move {self.symbol}'s price"
        if self.kind == "balance":
            return "Try it: change the account balance"
        symbol = scenario.positions[self.position - 1].symbol
        held = [spec.symbol for spec in scenario.positions].count(symbol)
        whose = f"{symbol}'s" if held == 1 else f"position {self.position}'s"
        return f"Try it: change {whose} {self.kind}"


def read_control(text: str) -> Control | None:
    match = CONTROL.fullmatch(text)
    if match is None:
        return None
    if match["symbol"]:
        return Control("move", symbol=match["symbol"])
    if match["kind"]:
        return Control(match["kind"], position=int(match["position"]))
    return Control("balance")


@dataclass(frozen=True, slots=True)
class WidgetSpec:
    """One embed's settings, checked."""

    preset: PresetData
    control: Control
    minimum: Decimal
    maximum: Decimal
    step: Decimal
    value: Decimal  # the starting value
    id: str
    title: str
    scenario: Scenario  # the preset's, as its forms read it

    @property
    def preset_url(self) -> str:
        return f"{reverse('simulator:index')}?preset={self.preset.slug}"

    @property
    def param(self) -> str:
        """The query parameter of its value: id btc-move gives ?btc_move=-55."""
        return self.id.replace("-", "_")

    def data_for(self, value: Decimal) -> QueryDict:
        data = self.preset.form_data()
        data[self.control.field] = self.control.form_value(value)
        return data

    @property
    def fragment_url(self) -> str:
        return f"{reverse('simulator:widget')}?{self.fragment_query}"

    @property
    def fragment_query(self) -> str:
        """The embed's settings as the fragment's address has them."""
        attrs = {
            "preset": self.preset.slug,
            "control": self.control.name,
            "min": _plain(self.minimum),
            "max": _plain(self.maximum),
            "step": _plain(self.step),
            "value": _plain(self.value),
            "id": self.id,
        }
        return urlencode(attrs)

    def range_form(self, data: Mapping[str, str] | None = None, *, label: str) -> RangeForm:
        return RangeForm(
            data,
            name=self.param,
            label=label,
            minimum=self.minimum,
            maximum=self.maximum,
            step=self.step,
            auto_id="widget-%s",
        )

    def chosen_value(self, query: Mapping[str, str]) -> Decimal:
        """The value the address asks for; anything unusable gives the starting value."""
        if self.param not in query:
            return self.value
        form = self.range_form({self.param: query[self.param]}, label="")
        return form.cleaned_data[self.param] if form.is_valid() else self.value


# ----------------------------------------------------------------------------- reading an embed


def _preset_scenario(found: PresetData) -> Scenario | None:
    """The preset's positions as the simulator's forms read them (no engine), or None.
    Every widget request asks; keyed by the preset's data, so an edit is a new key."""

    def build() -> Scenario | None:
        forms = SimulatorForms(found.data)
        valid = [forms.account_form.is_valid(), forms.formset.is_valid()]
        return forms.scenario() if all(valid) and forms.marks_form.is_valid() else None

    key = f"simulator-preset-scenario:{found.digest}"
    return cache.get_or_set(key, build, RESULTS_CACHE_SECONDS)


def _starting_value(control: Control, scenario: Scenario) -> Decimal:
    """The preset's own value of what the control moves."""
    if control.kind == "balance":
        return scenario.balance
    if control.kind == "move":
        kind, value = scenario.marks.get(control.symbol, ("move", Decimal(0)))
        if kind == "move":
            return value
        entry = next(s.entry_price for s in scenario.positions if s.symbol == control.symbol)
        return (value / entry - 1) * 100
    spec = scenario.positions[control.position - 1]
    return spec.leverage if control.kind == "leverage" else spec.size


def _control_problems(control: Control, scenario: Scenario, slug: str) -> list[str]:
    symbols = scenario.symbols
    if control.kind == "move" and control.symbol not in symbols:
        return [f"the preset “{slug}” holds no {control.symbol} (it holds {_list(symbols)})"]
    if control.kind in {"leverage", "margin"}:
        count = len(scenario.positions)
        if not 1 <= control.position <= count:
            return [
                f"control={control.name}: the preset “{slug}” has {count} position"
                f"{'s' if count != 1 else ''}, numbered from 1"
            ]
        sized = scenario.positions[control.position - 1].size_basis
        if control.kind == "margin" and sized != "margin":
            return [
                f"control={control.name}: position {control.position} of “{slug}” is sized "
                "by its notional, not its margin"
            ]
    return []


EXAMPLES = {"min": "-60", "max": "0", "step": "1", "value": "-12"}


def _number(attrs: Mapping[str, str], name: str, problems: list[str]) -> Decimal | None:
    text = attrs.get(name)
    if text is None or (not text and name in REQUIRED):  # a missing one is reported already
        return None
    try:
        return parse_number(text)
    except NotANumber:
        problems.append(f"{name}=“{text}” is not a number, like {name}={EXAMPLES[name]}")
        return None


def _range_problems(spec: WidgetSpec, *, value_given: bool) -> list[str]:
    low, high = spec.control.bounds
    # Without value= the widget starts at the preset's own value, which may not fit.
    start = "value" if value_given else "the preset's own value"
    hint = "" if value_given else "; give value= to start elsewhere"
    problems = []
    if spec.minimum >= spec.maximum:
        problems.append(
            f"min ({_plain(spec.minimum)}) must be less than max ({_plain(spec.maximum)})"
        )
    for name, value in [("min", spec.minimum), ("max", spec.maximum)]:
        if not low <= value <= high:
            problems.append(
                f"{name} ({_plain(value)}) is outside what the simulator takes for "
                f"{spec.control.name}: from {_plain(low)} to {_plain(high)}"
            )
    if spec.step <= 0:
        problems.append(f"step ({_plain(spec.step)}) must be more than 0")
    if problems:
        return problems
    if spec.step > spec.maximum - spec.minimum:
        problems.append(f"step ({_plain(spec.step)}) is larger than the range from min to max")
    elif not spec.minimum <= spec.value <= spec.maximum:
        problems.append(
            f"{start} ({_plain(spec.value)}) must lie between min ({_plain(spec.minimum)}) "
            f"and max ({_plain(spec.maximum)}){hint}"
        )
    elif (spec.value - spec.minimum) % spec.step:
        problems.append(
            f"{start} ({_plain(spec.value)}) must be min plus a whole number of steps "
            f"of {_plain(spec.step)}{hint}"
        )
    return problems


def read_widget(
    attrs: Mapping[str, str],
    *,
    number: int,
    find_preset: Callable[[str], PresetData | None],
) -> tuple[WidgetSpec | None, list[str]]:
    """The embed's settings, or None and what is wrong with them, in words for the author."""
    unknown = [name for name in attrs if name not in ATTRIBUTES]
    problems = [
        f"“{name}” is not a setting of a simulator (settings: {', '.join(ATTRIBUTES)})"
        for name in unknown
    ]
    for name in REQUIRED:
        if not attrs.get(name):
            problems.append(f"{name}= is missing; it is required")
    found = find_preset(attrs["preset"]) if attrs.get("preset") else None
    if attrs.get("preset") and found is None:
        known = ", ".join(stored_slugs()) or "none yet"
        problems.append(f"there is no preset “{attrs['preset']}” (presets: {known})")
    control = read_control(attrs.get("control", ""))
    if attrs.get("control") and control is None:
        problems.append(f"control=“{attrs['control']}” is not one of {CONTROLS}")
    widget_id = attrs.get("id", f"simulator-{number}")
    if not ID.fullmatch(widget_id):
        problems.append(
            f"id=“{widget_id}” must start with a letter and hold only lowercase letters, "
            "digits and hyphens (at most 40)"
        )
    if "title" in attrs and not attrs["title"].strip():
        problems.append("title= is empty; leave it out for the default title")
    minimum, maximum = _number(attrs, "min", problems), _number(attrs, "max", problems)
    step = _number(attrs, "step", problems) if "step" in attrs else Decimal(1)
    value = _number(attrs, "value", problems)
    if found is None or control is None or None in (minimum, maximum, step) or problems:
        return None, problems
    scenario = _preset_scenario(found)
    if scenario is None:
        return None, [f"the preset “{found.slug}” does not simulate; fix it first"]
    problems = _control_problems(control, scenario, found.slug)
    if problems:
        return None, problems
    spec = WidgetSpec(
        preset=found,
        control=control,
        minimum=minimum,
        maximum=maximum,
        step=step,
        value=_starting_value(control, scenario) if value is None else value,
        id=widget_id,
        title=attrs.get("title", "").strip() or control.default_title(scenario),
        scenario=scenario,
    )
    problems = _range_problems(spec, value_given=value is not None)
    return (None, problems) if problems else (spec, [])


def _engine_problems(spec: WidgetSpec) -> list[str]:
    """A slider the simulator refuses at one end is a mistake the author can fix."""
    problems = []
    for name, value in [("min", spec.minimum), ("max", spec.maximum), ("value", spec.value)]:
        forms = SimulatorForms(spec.data_for(value))
        if not forms.is_valid():
            reasons = "; ".join(message for _, message in forms.errors)
            problems.append(f"at {name} ({_plain(value)}) the simulator refuses it: {reasons}")
    return problems


# ----------------------------------------------------------------------------- rendering


@dataclass(frozen=True, slots=True)
class Outcome:
    html: str
    share_url: str


def _describe_position(spec: PositionSpec, account_mode: Mode, *, moved: str) -> str:
    """long BTC ($1,000 margin, 10x), leaving out what the slider moves (`moved`)."""
    basis = "margin" if spec.size_basis == "margin" else "position"
    parts = [] if moved == "margin" else [f"{money(spec.size, trim=True)} {basis}"]
    parts += [] if moved == "leverage" else [f"{number(spec.leverage, trim=True)}x"]
    if spec.margin_mode not in (None, account_mode):
        parts.append(spec.margin_mode.value)
    return f"{spec.side.value} {spec.symbol} ({', '.join(parts)})"


def _describe_mark(symbol: str, scenario: Scenario) -> str:
    kind, value = scenario.marks.get(symbol, ("move", Decimal(0)))
    entry = next(s.entry_price for s in scenario.positions if s.symbol == symbol)
    at = entry * (1 + value / 100) if kind == "move" else value
    if at == entry:
        return f"{symbol} stays at {_short_price(entry)}"
    move = (at / entry - 1) * 100
    return f"{symbol} is at {_short_price(at)} ({number(move, trim=True)}%)"


def description(spec: WidgetSpec) -> str:
    """One sentence on the preset's scenario, so a new lesson needs no new text. What
    the slider moves is left out: the slider shows it."""
    scenario, control = spec.scenario, spec.control
    positions = [
        _describe_position(
            position,
            scenario.mode,
            moved=control.kind if number == control.position else "",
        )
        for number, position in enumerate(scenario.positions, start=1)
    ]
    sentence = f"{_list(positions)}, {scenario.mode.value} margin"
    if control.kind != "balance":
        sentence += f", in a {money(scenario.balance, trim=True)} account"
    held = [s for s in scenario.symbols if control.kind != "move" or s != control.symbol]
    if held:
        sentence += f"; {_list([_describe_mark(symbol, scenario) for symbol in held])}"
    return sentence[0].upper() + sentence[1:] + "."


def _position_name(spec: WidgetSpec) -> str:
    """The position a leverage or margin control moves: Long BTC."""
    position = spec.scenario.positions[spec.control.position - 1]
    return f"{position.side.value.capitalize()} {position.symbol}"


def label(spec: WidgetSpec) -> str:
    """The slider's visible label: what it moves, and its range."""
    scenario = spec.scenario
    control = spec.control
    span = f"from {control.show(spec.minimum)} to {control.show(spec.maximum)}"
    if control.kind == "move":
        entry = next(s.entry_price for s in scenario.positions if s.symbol == control.symbol)
        return f"{control.symbol}'s move from {_short_price(entry)}, {span}"
    if control.kind == "balance":
        return f"Account balance, {span}"
    return f"{_position_name(spec)}'s {control.kind} (position {control.position}), {span}"


def _heading(spec: WidgetSpec, value: Decimal, forms: SimulatorForms) -> str:
    control = spec.control
    if control.kind == "move":
        text = f"{control.symbol} {control.show(value)}"
        if forms.simulation is not None:
            text += f": {price(forms.simulation.marks[control.symbol])}"
        return text
    if control.kind == "balance":
        return f"A {control.show(value)} balance"
    return f"{_position_name(spec)}'s {control.kind}: {control.show(value)}"


def outcome(spec: WidgetSpec, value: Decimal) -> Outcome:
    """Both modes' outcome at one value, as HTML. The same for every reader, and a
    slider has few values: each is worked out once per cache period, for the lesson
    page and the fragment alike. Keyed by the preset's data, so an edit shows at once."""

    def build() -> Outcome:
        forms = SimulatorForms(spec.data_for(value))
        valid = forms.is_valid()
        html = render_to_string(
            f"{TEMPLATE}#outcome",
            {
                "spec": spec,
                "heading": _heading(spec, value, forms),
                "simulation": forms.simulation,
                "problems": [] if valid else [message for _, message in forms.errors],
            },
        )
        return Outcome(html=html, share_url=forms.share_url)

    key = f"simulator-widget:{spec.preset.digest}:{spec.control.name}:{_plain(value)}:{spec.id}"
    return cache.get_or_set(key, build, RESULTS_CACHE_SECONDS)


def render_widget(*, request: HttpRequest, spec: WidgetSpec) -> SafeString:
    value = spec.chosen_value(request.GET)
    result = outcome(spec, value)
    form = spec.range_form(label=label(spec))
    form.initial = {spec.param: _plain(value)}
    return render_to_string(
        TEMPLATE,
        {
            "spec": spec,
            "description": description(spec),
            "field": form[spec.param],
            "outcome": result,
            "open_url": result.share_url or spec.preset_url,
        },
        request=request,
    )


class SimulatorEmbed:
    """`[[simulator ...]]` in a lesson (lessons.registry)."""

    def problems(self, embed: Embed) -> list[str]:
        # The database, not the cache: a load checks lessons against the presets it
        # has just written, in a transaction that may yet roll back.
        spec, problems = read_widget(embed.attrs, number=embed.number, find_preset=stored_preset)
        return problems if spec is None else _engine_problems(spec)

    def render(self, *, request: HttpRequest, embed: Embed) -> str:
        spec, problems = read_widget(embed.attrs, number=embed.number, find_preset=preset)
        if spec is None:
            # Checked when loaded; a preset edited or deleted since lands here.
            logger.warning("Simulator widget %s: %s", embed.label, "; ".join(problems))
            return render_to_string(f"{TEMPLATE}#unavailable")
        return render_widget(request=request, spec=spec)
