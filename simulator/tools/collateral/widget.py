"""The lessons' collateral simulator, one line of a lesson's Markdown:

    [[collateral preset=l11-btc-on-btc control=move:BTC min=-60 max=0 value=-30]]

A preset with a `wallet:` block (wallets.py) and one slider that moves a symbol's
price: the wallet's coin of that symbol moves with it. At each value it shows the
wallet's collateral value asset by asset, the account's margin ratio and where each
symbol is liquidated, with the same collateral held as USDT beside it, all from the
engine. The settings are the `[[simulator ...]]` widget's, read by the sandbox's
`read_widget`; the control must be a move. Without JavaScript its form reloads the
lesson with `?<id with - as _>=<value>`; with htmx it asks /tools/collateral/widget/.
"""

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from core.numbers import money, number, price
from lessons.registry import Embed
from simulator.engine import (
    Account,
    EngineError,
    Holding,
    collateral_liquidation_price,
    evaluate,
    liquidation_price,
)
from simulator.engine.collateral import QUOTE
from simulator.engine.venues import base_asset
from simulator.pages import RESULTS_CACHE_SECONDS
from simulator.sandbox.services import build_account, entry_prices, mark_prices
from simulator.sandbox.widgets import TEMPLATE as WIDGET_TEMPLATE
from simulator.sandbox.widgets import WidgetSpec, label, read_control, read_widget
from simulator.selectors import PresetData, preset, stored_preset
from simulator.tools.collateral.forms import PREFIX as TOOL_PREFIX
from simulator.tools.collateral.wallets import PresetWallet, read_wallet, wallet_problems

logger = logging.getLogger(__name__)
TEMPLATE = "tools/collateral/widget.html"
FRAME = WIDGET_TEMPLATE  # the sandbox's lesson widget: title, slider, outcome, link
OPEN_TEXT = "Open this wallet in the collateral tool"
HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class CollateralSpec:
    """One embed's settings, checked: the slider's (`widget`) and the preset's wallet."""

    widget: WidgetSpec
    wallet: PresetWallet

    @property
    def fragment_url(self) -> str:
        return f"{reverse('tools:collateral_widget')}?{self.widget.fragment_query}"

    @property
    def symbol(self) -> str:
        return self.widget.control.symbol


def read_collateral(
    attrs: Mapping[str, str],
    *,
    number: int,
    find_preset: Callable[[str], PresetData | None],
) -> tuple[CollateralSpec | None, list[str]]:
    """The embed's settings, or None and what is wrong with them, in words for the author."""
    attrs = {"id": f"collateral-{number}", **attrs}
    control = read_control(attrs.get("control", ""))
    if control is not None and control.kind != "move":
        return None, [
            f"control={control.name}: a collateral simulator moves a price, like control=move:BTC"
        ]
    spec, problems = read_widget(attrs, number=number, find_preset=find_preset)
    if spec is None:
        return None, problems
    found, _ = read_wallet(spec.preset.data)
    wrong = wallet_problems(spec.preset.data, spec.scenario)
    if found is None or wrong:
        return None, [
            f"the preset “{spec.preset.slug}”, {field}: {message}" for field, message in wrong
        ]
    return CollateralSpec(spec, found), []


# ----------------------------------------------------------------------------- the engine


@dataclass(frozen=True, slots=True)
class Liquidation:
    symbol: str
    price: Decimal | None
    """Where it is liquidated with the wallet behind it (its coin moving with it)."""
    as_quote: Decimal | None
    """Where it would be with the wallet's value at entry held as USDT instead."""


@dataclass(frozen=True, slots=True)
class Reading:
    """The wallet and the account at one value of the slider."""

    mark: Decimal
    holdings: tuple[Holding, ...]
    market_value: Decimal
    collateral_value: Decimal
    entry_value: Decimal
    """The wallet's collateral value at the entry prices."""
    unrealized_pnl: Decimal
    equity: Decimal
    maintenance: Decimal
    margin_ratio: Decimal | None
    liquidated: bool
    liquidations: tuple[Liquidation, ...]
    tool_url: str


def _tool_url(holdings: tuple[Holding, ...], maintenance: Decimal) -> str:
    """The collateral tool with this wallet at these prices and this maintenance margin."""
    fields = [
        (f"{TOOL_PREFIX}-TOTAL_FORMS", str(len(holdings) + 1)),
        (f"{TOOL_PREFIX}-INITIAL_FORMS", "0"),
        ("maintenance", format(round(maintenance, 2), "f")),
    ]
    for row, holding in enumerate(holdings):
        fields += [
            (f"{TOOL_PREFIX}-{row}-asset", holding.asset),
            (f"{TOOL_PREFIX}-{row}-amount", format(holding.amount.normalize(), "f")),
        ]
        if holding.asset != QUOTE:
            fields.append((f"{TOOL_PREFIX}-{row}-price", format(round(holding.price, 2), "f")))
    return f"{reverse('tools:collateral')}?{urlencode(fields)}"


def reading(spec: CollateralSpec, value: Decimal) -> Reading:
    """The engine's figures with the slider's symbol moved `value` percent. Raises EngineError."""
    scenario, wallet = spec.widget.scenario, spec.wallet.wallet
    marks = mark_prices(scenario)
    marks[spec.symbol] = entry_prices(scenario)[spec.symbol] * (1 + value / HUNDRED)
    prices = {**spec.wallet.prices, **{base_asset(s): mark for s, mark in marks.items()}}
    start = {**spec.wallet.prices, **{base_asset(s): p for s, p in entry_prices(scenario).items()}}
    built = build_account(scenario)
    holdings = wallet.holdings(prices)
    value_now = wallet.collateral_value(prices)
    account = Account(value_now, built.positions, brackets=built.brackets, venue=built.venue)
    entry_value = wallet.collateral_value(start)
    as_quote = Account(entry_value, built.positions, brackets=built.brackets, venue=built.venue)
    state = evaluate(account, marks)
    liquidations = []
    for symbol in scenario.symbols:
        index = next(i for i, p in enumerate(built.positions) if p.symbol == symbol)
        liquidations.append(
            Liquidation(
                symbol,
                collateral_liquidation_price(
                    account, index, wallet, prices=spec.wallet.prices, marks=marks
                ),
                liquidation_price(as_quote, index),
            )
        )
    equity, maintenance = state.cross_equity, state.cross_maintenance_margin
    return Reading(
        mark=marks[spec.symbol],
        holdings=holdings,
        market_value=wallet.market_value(prices),
        collateral_value=value_now,
        entry_value=entry_value,
        unrealized_pnl=state.cross_unrealized_pnl,
        equity=equity,
        maintenance=maintenance,
        margin_ratio=maintenance / equity if equity > 0 else None,
        liquidated=state.cross_liquidated,
        liquidations=tuple(liquidations),
        tool_url=_tool_url(holdings, maintenance),
    )


def _engine_problems(spec: CollateralSpec) -> list[str]:
    """A slider the engine refuses at one end is a mistake the author can fix."""
    problems = []
    widget = spec.widget
    for name, value in [("min", widget.minimum), ("max", widget.maximum), ("value", widget.value)]:
        try:
            reading(spec, value)
        except EngineError as error:
            problems.append(
                f"at {name} ({number(value, trim=True)}) the engine refuses it: {error}"
            )
    return problems


# ----------------------------------------------------------------------------- rendering


@dataclass(frozen=True, slots=True)
class Outcome:
    html: str
    tool_url: str


def _wallet_words(spec: CollateralSpec) -> str:
    wallet = spec.wallet.wallet
    held = [f"{number(amount, 8, trim=True)} {asset}" for asset, amount in wallet.balances.items()]
    return f"{', '.join(held)}, counted by {wallet.schedule.name}"


def description(spec: CollateralSpec) -> str:
    """One sentence on the preset: its positions and the wallet behind them."""
    positions = [
        f"{p.side.value} {p.symbol} ({money(p.notional, trim=True)} position, "
        f"{number(p.leverage, trim=True)}x)"
        for p in spec.widget.scenario.positions
    ]
    sentence = f"{', '.join(positions)}, cross margin, on a wallet of {_wallet_words(spec)}."
    return sentence[0].upper() + sentence[1:]


def outcome(spec: CollateralSpec, value: Decimal) -> Outcome:
    """The figures at one value, as HTML: the same for every reader, cached per value
    (keyed by the preset's data, so an edit shows at once)."""

    def build() -> Outcome:
        try:
            found, problem = reading(spec, value), ""
        except EngineError as error:
            found, problem = None, str(error)
        heading = f"{spec.symbol} {number(value, trim=True)}%"
        if found is not None:
            heading += f": {price(found.mark)}"
        html = render_to_string(
            f"{TEMPLATE}#outcome",
            {"spec": spec, "heading": heading, "reading": found, "problem": problem},
        )
        return Outcome(html=html, tool_url=found.tool_url if found else "")

    widget = spec.widget
    key = f"collateral-widget:{widget.preset.digest}:{widget.control.name}:{value:f}:{widget.id}"
    return cache.get_or_set(key, build, RESULTS_CACHE_SECONDS)


def render_widget(*, request: HttpRequest, spec: CollateralSpec) -> SafeString:
    widget = spec.widget
    value = widget.chosen_value(request.GET)
    result = outcome(spec, value)
    form = widget.range_form(label=label(widget))
    form.initial = {widget.param: format(value.normalize(), "f")}
    return render_to_string(FRAME, frame_context(spec, result, field=form[widget.param]), request)


def frame_context(spec: CollateralSpec, result: Outcome, **rest: object) -> dict:
    """What the sandbox's widget frame shows for a collateral simulator."""
    return {
        "spec": spec.widget,
        "description": description(spec),
        "fragment_url": spec.fragment_url,
        "outcome": result,
        "open_url": result.tool_url or reverse("tools:collateral"),
        "open_text": OPEN_TEXT,
        **rest,
    }


class CollateralEmbed:
    """`[[collateral ...]]` in a lesson (lessons.registry)."""

    def problems(self, embed: Embed) -> list[str]:
        # The database, not the cache: a load checks lessons against the presets it
        # has just written, in a transaction that may yet roll back.
        spec, problems = read_collateral(
            embed.attrs, number=embed.number, find_preset=stored_preset
        )
        return problems if spec is None else _engine_problems(spec)

    def render(self, *, request: HttpRequest, embed: Embed) -> str:
        spec, problems = read_collateral(embed.attrs, number=embed.number, find_preset=preset)
        if spec is None:
            # Checked when loaded; a preset edited or deleted since lands here.
            logger.warning("Collateral widget %s: %s", embed.label, "; ".join(problems))
            return render_to_string(f"{FRAME}#unavailable")
        return render_widget(request=request, spec=spec)
