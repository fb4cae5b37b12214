"""content/presets.yaml into Preset rows and content/paths.yaml into PricePath rows
(see core.content and docs/authoring.md).

Each preset is checked three ways before anything is written: its shape (a
pydantic schema), then the simulator's own forms, then the engine (a preset must
simulate). Mistakes are reported with the preset's slug and the field as the
file names it: "two-isolated, position 1, leverage: Leverage must be at most 125".
"""

import math
import re
from decimal import Decimal
from itertools import pairwise
from typing import Annotated, Any, Literal

import pydantic
from django.http import QueryDict
from pydantic_core import PydanticCustomError

from core.content import ContentRun
from simulator.engine.paths import MAX_WAYPOINTS
from simulator.models import Preset, PricePath
from simulator.sandbox.forms import MAX_POSITIONS, PREFIX, SimulatorForms
from simulator.selectors import stored_slugs
from simulator.tools.collateral.wallets import wallet_data, wallet_problems

FILE_NAME = "presets.yaml"
PATHS_FILE = "paths.yaml"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_LENGTH = Preset._meta.get_field("slug").max_length


def _as_text(value: Any) -> str:
    """A number as the simulator's form would receive it; the form judges it."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise PydanticCustomError("number", "must be a number, like 5000")
    return format(value, "f") if isinstance(value, Decimal) else str(value)


Number = Annotated[str, pydantic.BeforeValidator(_as_text)]


class PositionSchema(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")

    symbol: str
    side: Literal["long", "short"]
    entry_price: Number
    leverage: Number
    margin: Number | None = None
    notional: Number | None = None
    margin_mode: Literal["isolated", "cross"] | None = None  # None: the account's

    @pydantic.model_validator(mode="after")
    def one_size(self) -> "PositionSchema":
        if (self.margin is None) == (self.notional is None):
            raise PydanticCustomError("size", "give either margin: or notional: (one of them)")
        return self


class WalletSchema(pydantic.BaseModel):
    """The assets behind a preset's cross positions (lesson 11's collateral simulator)."""

    model_config = pydantic.ConfigDict(extra="forbid")

    venue: str = "binance"  # whose collateral table counts it; the engine checks the name
    assets: dict[str, Number] = pydantic.Field(min_length=1)  # asset: amount held
    prices: dict[str, Number] = {}  # asset: price, for an asset no position moves


class PresetSchema(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")

    title: str = pydantic.Field(min_length=1, max_length=200)
    balance: Number
    mode: Literal["isolated", "cross"]
    tiers: Literal["flat", "tiered"] = "flat"
    venue: str = "binance"  # whose liquidation rule applies; the form checks the name
    positions: list[PositionSchema] = pydantic.Field(min_length=1, max_length=MAX_POSITIONS)
    marks: dict[str, Number] = {}  # symbol: a move like -12% or a price like 52800
    chart_symbol: str | None = None
    wallet: WalletSchema | None = None


class PresetsFile(pydantic.RootModel[dict[str, PresetSchema]]):
    pass


def form_data(preset: PresetSchema) -> dict[str, str]:
    """The preset as the simulator's form would post it."""
    data = {
        "balance": preset.balance,
        "mode": preset.mode,
        "tiers": preset.tiers,
        "venue": preset.venue,
    }
    data[f"{PREFIX}-TOTAL_FORMS"] = str(len(preset.positions))
    data[f"{PREFIX}-INITIAL_FORMS"] = "0"
    for index, position in enumerate(preset.positions):
        row = {
            "symbol": position.symbol,
            "side": position.side,
            "entry_price": position.entry_price,
            "leverage": position.leverage,
            "size_basis": "margin" if position.margin is not None else "notional",
            "size": position.margin if position.margin is not None else position.notional,
            "margin_mode": position.margin_mode or "account",
        }
        data.update({f"{PREFIX}-{index}-{name}": value for name, value in row.items()})
    data.update({f"mark_{symbol}": value for symbol, value in preset.marks.items()})
    if preset.chart_symbol is not None:
        data["chart_symbol"] = preset.chart_symbol
    if preset.wallet is not None:
        wallet = preset.wallet
        data.update(wallet_data(venue=wallet.venue, amounts=wallet.assets, prices=wallet.prices))
        # The replay reads the same wallet as one line, counted by the same venue's ratios.
        data["wallet"] = ", ".join(f"{asset} {amount}" for asset, amount in wallet.assets.items())
        data["collateral"] = wallet.venue
    return data


def _form_problems(preset: PresetSchema, forms: SimulatorForms) -> list[tuple[str, str]]:
    """The forms' and the engine's objections as (field as the file names it, message)."""
    problems = []
    for name, messages in forms.account_form.errors.items():
        problems += [(name, message) for message in messages]
    for number, (form, position) in enumerate(
        zip(forms.formset, preset.positions, strict=True), start=1
    ):
        for name, messages in form.errors.items():
            if name == "size":
                name = "margin" if position.margin is not None else "notional"
            problems += [(f"position {number}, {name}", message) for message in messages]
    problems += [("positions", message) for message in forms.formset.non_form_errors()]
    held = list(dict.fromkeys(position.symbol.strip().upper() for position in preset.positions))
    for symbol in preset.marks:
        if symbol not in held:
            holds = held[0] if len(held) == 1 else f"{', '.join(held[:-1])} and {held[-1]}"
            problems.append((f"marks, {symbol}", f"no position holds {symbol} (they hold {holds})"))
    for name, messages in forms.marks_form.errors.items():
        field = f"marks, {name.removeprefix('mark_')}" if name.startswith("mark_") else name
        problems += [(field, message) for message in messages]
    return problems


def snapshot(preset: Preset) -> dict[str, Any]:
    return {"title": preset.title, "order": preset.order, "data": preset.data}


def load_presets(run: ContentRun) -> None:
    path = run.root / FILE_NAME
    if not path.exists():
        return  # no presets: nothing to load (a lesson naming one will say so)
    text = path.read_text(encoding="utf-8")
    content = run.read_yaml(path, text)
    if content is None:
        return
    run.duplicate_keys(path, text, what="preset")
    if not isinstance(content, dict):
        run.problem(path, "", "must map each preset's slug to its scenario")
        return
    bad_slugs = [
        slug
        for slug in content
        if not isinstance(slug, str) or not SLUG.fullmatch(slug) or len(slug) > SLUG_LENGTH
    ]
    for slug in bad_slugs:
        run.problem(
            path,
            str(slug),
            f"is not a usable slug: use lowercase letters, digits and hyphens, "
            f"at most {SLUG_LENGTH} characters",
        )
    parsed = run.schema(path, PresetsFile, content)
    if parsed is None:
        return
    for order, (slug, preset) in enumerate(parsed.root.items(), start=1):
        data = form_data(preset)
        forms = SimulatorForms(data)
        valid = forms.is_valid()  # before reading errors: the engine's come from here
        problems = _form_problems(preset, forms)
        if valid and preset.wallet is not None:
            problems += wallet_problems(data, forms.scenario())
        for field, message in problems:
            run.problem(path, f"{slug}, {field}", message)
        if valid and not problems and slug not in bad_slugs:
            _write(run, slug=slug, title=preset.title, order=order, data=data)


def _write(run: ContentRun, *, slug: str, title: str, order: int, data: dict[str, str]) -> None:
    row = Preset.objects.filter(slug=slug).first()
    incoming = {"title": title, "order": order, "data": data}
    if not run.should_write(
        label=f"Preset {slug}", row=row, incoming=incoming, current=lambda: snapshot(row)
    ):
        return
    row = row or Preset(slug=slug)
    row.title, row.order, row.data = title, order, data
    row.save()
    row.refresh_from_db()
    run.stamp(row, snapshot(row))


# --------------------------------------------------------------------------- paths


class PointSchema(pydantic.BaseModel):
    """A price a source states at a time (a real crash's path)."""

    model_config = pydantic.ConfigDict(extra="forbid")

    at: pydantic.AwareDatetime  # with its zone: 2020-03-12T10:00:00Z
    price: Decimal = pydantic.Field(gt=0)
    source: str  # a key of the path's sources
    gap: bool = False  # the source describes a jump to this price


def _as_move(value: Any) -> str:
    """A move from the path's first price, like -44% or 0%, as text."""
    text = value.strip() if isinstance(value, str) else ""
    if not MOVE.fullmatch(text):
        raise PydanticCustomError("move", "must be a move from the path's start, like -44% or 0%")
    if Decimal(text.removesuffix("%")) <= -100:
        raise PydanticCustomError("move", "must be above -100%: a price stays above zero")
    return text


MOVE = re.compile(r"^[+-]?\d{1,6}(?:\.\d{1,6})?%$")
Move = Annotated[str, pydantic.BeforeValidator(_as_move)]
AMOUNT_LIMIT = Decimal(10) ** 12


class TraderSchema(pydantic.BaseModel):
    """Another trader's position, ranked for ADL beside the account's (illustrative)."""

    model_config = pydantic.ConfigDict(extra="forbid")

    name: str = pydantic.Field(min_length=1, max_length=60)
    side: Literal["long", "short"]
    entry: Move = "0%"  # from the path's first price (the account's entry)
    notional: Decimal = pydantic.Field(gt=0, le=AMOUNT_LIMIT)  # USDT at entry
    leverage: Decimal = pydantic.Field(ge=1, le=200)
    symbol: str | None = None  # default: the path's symbol


class ShortfallSchema(pydantic.BaseModel):
    """What other traders' liquidations leave beyond bankruptcy at a time (illustrative)."""

    model_config = pydantic.ConfigDict(extra="forbid")

    at: pydantic.AwareDatetime
    side: Literal["long", "short"]  # the side liquidated
    amount: Decimal = pydantic.Field(gt=0, le=AMOUNT_LIMIT)  # USDT
    bankruptcy: Move  # their bankruptcy price, from the path's first price
    symbol: str | None = None


class MarketSchema(pydantic.BaseModel):
    """The insurance fund and the traders around the account: made up, and said so."""

    model_config = pydantic.ConfigDict(extra="forbid")

    illustrative: str = pydantic.Field(min_length=1, max_length=600)  # shown on the page
    fund: Decimal = pydantic.Field(ge=0, le=AMOUNT_LIMIT)  # USDT when the path starts
    traders: list[TraderSchema] = pydantic.Field(default=[], max_length=20)
    shortfalls: list[ShortfallSchema] = pydantic.Field(default=[], max_length=50)


class PathSchema(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")

    title: str = pydantic.Field(min_length=1, max_length=200)
    description: str = ""
    account: str  # a preset's slug
    moves: Number | dict[str, Number] | None = None  # one symbol's waypoints, or each symbol's
    points: list[PointSchema] | None = pydantic.Field(default=None, min_length=2)
    sources: dict[str, str] = {}  # key: the citation (title, publisher, date, address)
    symbol: str | None = None  # default: the account's first symbol
    steps: Number = "10"
    hours: Number = "1"
    funding: Number = "0%"
    market: MarketSchema | None = None  # the fund and ADL's queue: only with points


def _market_problems(item: PathSchema) -> list[tuple[str, str]]:
    market = item.market
    if market is None:
        return []
    if item.points is None:
        return [("market", "goes with points: its shortfalls are at the points' times")]
    problems = []
    names = [trader.name.strip() for trader in market.traders]
    for number, name in enumerate(names, start=1):
        if names.index(name) != number - 1:
            problems.append((f"market, trader {number}, name", f"another trader is named {name}"))
    first, last = item.points[0].at, item.points[-1].at
    for number, shortfall in enumerate(market.shortfalls, start=1):
        if not first <= shortfall.at <= last:
            problems.append((f"market, shortfall {number}, at", "must be within the points' times"))
    return problems


def market_data(item: PathSchema) -> dict[str, Any]:
    """The market as the replay takes it: text only, times in hours from the first point."""
    market = item.market
    if market is None or item.points is None:
        return {}
    start = item.points[0].at

    def text(value: Decimal) -> str:
        return format(value.normalize(), "f")

    return {
        "illustrative": " ".join(market.illustrative.split()),
        "fund": text(market.fund),
        "traders": [
            {
                "name": trader.name.strip(),
                "symbol": trader.symbol or item.symbol or "",
                "side": trader.side,
                "entry": trader.entry,
                "notional": text(trader.notional),
                "leverage": text(trader.leverage),
            }
            for trader in market.traders
        ],
        "shortfalls": [
            {
                "hour": text(Decimal((shortfall.at - start).total_seconds()) / 3600),
                "symbol": shortfall.symbol or item.symbol or "",
                "side": shortfall.side,
                "amount": text(shortfall.amount),
                "bankruptcy": shortfall.bankruptcy,
            }
            for shortfall in market.shortfalls
        ],
    }


def _point_problems(item: PathSchema) -> list[tuple[str, str]]:
    """What is wrong with a path's moves/points/sources, as (field, message)."""
    if (item.moves is None) == (item.points is None):
        return [("moves", "give either moves: or points: (one of them)")]
    if item.points is None:
        if item.sources:
            return [("sources", "sources are for points: each point names one")]
        return []
    problems = []
    given = item.model_fields_set & {"steps", "hours"}
    problems += [(name, "comes from the points' times: leave it out") for name in sorted(given)]
    for number, point in enumerate(item.points, start=1):
        if point.source not in item.sources:
            known = ", ".join(item.sources) or "none"
            problems.append(
                (f"point {number}, source", f"“{point.source}” is not in sources ({known})")
            )
        if number == 1 and point.gap:
            problems.append(("point 1, gap", "a path starts at its first point: no gap there"))
        if number > 1 and point.at <= item.points[number - 2].at:
            problems.append((f"point {number}, at", "must be later than the point before"))
    for key in item.sources:
        if not any(point.source == key for point in item.points):
            problems.append((f"sources, {key}", "no point names this source"))
    if not problems:
        minutes = _minutes(item.points)
        if any(m != int(m) for m in minutes):
            problems.append(("points", "give times to the minute"))
        elif sum(minutes) // _grid(minutes) + 1 > MAX_WAYPOINTS:
            problems.append(
                ("points", f"their times make more than {MAX_WAYPOINTS} waypoints on a common "
                 "grid: round them to fewer distinct minutes")
            )  # fmt: skip
    return problems


def _minutes(points: list[PointSchema]) -> list[Decimal]:
    return [Decimal((b.at - a.at).total_seconds()) / 60 for a, b in pairwise(points)]


def _grid(minutes: list[Decimal]) -> int:
    return math.gcd(*(int(m) for m in minutes))


def moves_from_points(points: list[PointSchema]) -> tuple[str, str]:
    """The points as waypoints on the grid their times share (moves from the first
    point's price, to 0.0001%), and the hours between two: straight lines between the
    points, or the price held until a point marked gap and then a jump to it."""
    minutes = _minutes(points)
    grid = _grid(minutes)
    first = points[0].price
    items = ["0%"]
    for (a, b), span in zip(pairwise(points), minutes, strict=True):
        count = int(span) // grid
        for step in range(1, count + 1):
            if b.gap:
                price = b.price if step == count else a.price
            else:
                price = a.price + (b.price - a.price) * step / count
            move = ((price / first - 1) * 100).quantize(Decimal("0.0001"))
            text = f"{format(move.normalize(), 'f')}%"
            items.append(f"gap {text}" if b.gap and step == count else text)
    hours = (Decimal(grid) / 60).quantize(Decimal("0.0001")).normalize()  # within 0.2 s
    return ", ".join(items), format(hours, "f")


class PathsFile(pydantic.RootModel[dict[str, PathSchema]]):
    pass


def path_snapshot(row: PricePath) -> dict[str, Any]:
    return {
        "title": row.title,
        "description": row.description,
        "order": row.order,
        "account": row.account,
        "data": row.data,
        "market": row.market,
    }


def load_paths(run: ContentRun) -> None:
    """content/paths.yaml: ready-made price paths for the replay, each checked by
    replaying it on its account (which is loaded first, from presets.yaml)."""
    from simulator.replay.forms import ReplayForms  # it imports the models' selectors

    path = run.root / PATHS_FILE
    if not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    content = run.read_yaml(path, text)
    if content is None:
        return
    run.duplicate_keys(path, text, what="path")
    if not isinstance(content, dict):
        run.problem(path, "", "must map each path's slug to its moves")
        return
    for slug in content:
        if not isinstance(slug, str) or not SLUG.fullmatch(slug):
            run.problem(
                path, str(slug), "is not a usable slug: use lowercase letters, digits and hyphens"
            )
    parsed = run.schema(path, PathsFile, content)
    if parsed is None:
        return
    known = set(stored_slugs())
    for order, (slug, item) in enumerate(parsed.root.items(), start=1):
        if item.account not in known:
            run.problem(path, f"{slug}, account", f"there is no preset “{item.account}”")
            continue
        problems = _point_problems(item) + _market_problems(item)
        for field, message in problems:
            run.problem(path, f"{slug}, {field}", message)
        if problems:
            continue
        moves, steps, hours = item.moves, item.steps, item.hours
        if item.points is not None:
            (moves, hours), steps = moves_from_points(item.points), "1"
        if isinstance(moves, dict):  # one line per symbol, as the replay's form takes them
            moves = "\n".join(f"{symbol}: {marks}" for symbol, marks in moves.items())
        data = {"moves": moves, "steps": steps, "hours": hours}
        data["funding"] = item.funding
        if item.symbol is not None:
            data["symbol"] = item.symbol
        query = QueryDict(mutable=True)
        query.update({**data, "account": item.account})
        market = market_data(item)
        forms = ReplayForms(query, presets_now=True, market=market or None)
        if forms.outcome is None:
            for target, message in forms.errors:
                field = target.removeprefix("id_") if target.startswith("id_") else ""
                run.problem(path, f"{slug}, {field}" if field else slug, message)
            continue
        _write_path(run, slug=slug, order=order, item=item, data=data, market=market)


def _write_path(
    run: ContentRun, *, slug: str, order: int, item: PathSchema, data: dict, market: dict
) -> None:
    row = PricePath.objects.filter(slug=slug).first()
    incoming = {
        "title": item.title,
        "description": item.description.strip(),
        "order": order,
        "account": item.account,
        "data": data,
        "market": market,
    }
    if not run.should_write(
        label=f"Path {slug}", row=row, incoming=incoming, current=lambda: path_snapshot(row)
    ):
        return
    row = row or PricePath(slug=slug)
    for name, value in incoming.items():
        setattr(row, name, value)
    row.save()
    row.refresh_from_db()
    run.stamp(row, path_snapshot(row))
