"""Numeric question templates: figures drawn per attempt, answers from the margin engine.

A numeric question names a computation (a key of `COMPUTATIONS`) and stores,
per figure, a range or a list of choices (its "figure spec"). Each attempt
draws its own figures with a seeded RNG; the computation builds an engine
`Account` from them and returns the answer, the wrong answers that match a
common mistake (each with the feedback that names it), and the worked values
an explanation may quote. Nothing here computes margin itself: the engine does.
"""

import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from simulator.engine import (
    Account,
    EngineError,
    Mode,
    Position,
    Side,
    evaluate,
    liquidation_price,
    with_mode,
)
from simulator.formatting import fixed

CENT = Decimal("0.01")
# The lesson's setup: the prices every example uses.
BTC = "BTCUSDT"
ETH = "ETHUSDT"
BTC_PRICE = Decimal(60_000)
ETH_PRICE = Decimal(3_000)
# A crash deep enough to liquidate any long the templates can draw.
CRASH = Decimal("0.01")

Figures = Mapping[str, Decimal | str]

PLACEHOLDER = re.compile(r"\{(\w+)\}")


class FigureSpecError(ValueError):
    """A figure spec an author wrote that cannot produce a question."""


class Unusable(Exception):
    """These figures make no sense for the question (e.g. nothing is liquidated); draw again."""


# --------------------------------------------------------------------------- formatting


def money(value: Decimal) -> str:
    """$4,000 or $1,234.50, rounded to the cent."""
    text = fixed(abs(value), 2)
    sign = "\u2212" if value < 0 and text != "0.00" else ""  # a true minus sign
    return f"{sign}${text.removesuffix('.00')}"


def plain(value: Decimal, places: int = 2) -> str:
    """A number with thousands separators and no trailing zeros: 54,271 or 9.5."""
    text = fixed(value, places)
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(value: Decimal) -> str:
    """A percentage given in percent units: 12 -> '12%', 9.55 -> '9.6%'."""
    return f"{plain(value, 1)}%"


FORMATS: dict[str, Callable[[Decimal], str]] = {
    "money": money,
    "percent": percent,
    "leverage": lambda value: f"{plain(value)}x",
    "price": lambda value: plain(value, 0),
}


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace {name} placeholders; anything else in braces is left as it is."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


# --------------------------------------------------------------------------- computations


@dataclass(frozen=True, slots=True)
class Figure:
    name: str
    label: str
    format: str  # a key of FORMATS, or "mode" for a margin mode drawn as a word

    def show(self, value: Decimal | str) -> str:
        if self.format == "mode":
            return str(value)
        return FORMATS[self.format](Decimal(value))


@dataclass(frozen=True, slots=True)
class Mistake:
    key: str
    value: Decimal
    feedback: str


@dataclass(frozen=True, slots=True)
class Solution:
    answer: Decimal
    mistakes: tuple[Mistake, ...] = ()
    working: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Computation:
    key: str
    label: str
    figures: tuple[Figure, ...]
    solve: Callable[[Figures], Solution]

    @property
    def figure_names(self) -> set[str]:
        return {figure.name for figure in self.figures}

    def shown(self, figures: Figures) -> dict[str, str]:
        """The figures as a learner reads them: $5,000, 10x, 12%."""
        return {figure.name: figure.show(figures[figure.name]) for figure in self.figures}


def _number(figures: Figures, name: str) -> Decimal:
    return Decimal(figures[name])


def _long(symbol: str, price: Decimal, margin: Decimal, leverage: Decimal, mode=Mode.ISOLATED):
    return Position.from_notional(
        symbol, Side.LONG, margin * leverage, price, leverage, mode=mode, margin=margin
    )


def _initial_margin(figures: Figures) -> Solution:
    size = _number(figures, "size")
    leverage = _number(figures, "leverage")
    position = Position.from_notional(BTC, Side.LONG, size, BTC_PRICE, leverage)
    account = Account(balance=position.initial_margin, positions=(position,))
    answer = position.initial_margin.quantize(CENT, rounding=ROUND_HALF_UP)
    maintenance = account.maintenance_margin(0, BTC_PRICE)
    return Solution(
        answer=answer,
        mistakes=(
            Mistake(
                "size",
                size,
                "That is the size of the position, not the margin. The margin is the "
                "deposit that backs it: the size divided by the leverage.",
            ),
            Mistake(
                "multiplied",
                size * leverage,
                "That multiplies the size by the leverage. Leverage makes the position "
                "bigger than your deposit, so divide the size by the leverage instead.",
            ),
            Mistake(
                "maintenance",
                maintenance,
                "That is the maintenance margin (0.5% of the position), the least it "
                "needs to stay open. Opening it takes the initial margin: size ÷ leverage.",
            ),
        ),
        working={"leverage_number": plain(leverage)},
    )


def _max_loss(figures: Figures) -> Solution:
    balance = _number(figures, "balance")
    margin = _number(figures, "margin")
    leverage = _number(figures, "leverage")
    mode = Mode(figures["mode"])
    try:
        account = Account(balance, (_long(ETH, ETH_PRICE, margin, leverage, mode),))
    except EngineError as error:
        raise Unusable(str(error)) from None
    crash = {ETH: ETH_PRICE * CRASH}
    outcome = evaluate(account, crash)
    if not outcome.positions[0].liquidated:
        # A cross long backed by more than its size never liquidates: no question.
        raise Unusable("the crash does not liquidate the position")
    other_mode = Mode.CROSS if mode is Mode.ISOLATED else Mode.ISOLATED
    other = evaluate(with_mode(account, other_mode), crash)
    size = margin * leverage
    if mode is Mode.ISOLATED:
        rule = (
            "In isolated mode a position can use, and lose, only the margin assigned to it; "
            "the rest of the balance is walled off."
        )
        mistakes = (
            Mistake(
                "cross_loss",
                other.total_lost,
                "That is the loss if the position had been in cross mode, where the whole "
                f"balance backs it. In isolated mode only its {money(margin)} of margin "
                "is at risk.",
            ),
            Mistake(
                "kept",
                balance - margin,
                "That is what you keep, not what you lose: the balance you did not assign "
                "to an isolated position is untouched when it is liquidated.",
            ),
        )
    else:
        rule = (
            "In cross mode the whole balance is collateral for the position, so a "
            "liquidation takes all of it."
        )
        mistakes = (
            Mistake(
                "isolated_loss",
                other.total_lost,
                "That is the loss if the position had been in isolated mode. In cross mode "
                "the margin is not a limit: the whole balance backs the trade, and a "
                "liquidation takes all of it.",
            ),
        )
    mistakes += (
        Mistake(
            "size",
            size,
            f"That is the size of the position ({money(size)}). What you can lose is the "
            "collateral behind it, not its size.",
        ),
    )
    return Solution(
        answer=outcome.total_lost,
        mistakes=mistakes,
        working={"rule": rule, "size": money(size)},
    )


def _account_after_isolated_liquidation(figures: Figures) -> Solution:
    balance = _number(figures, "balance")
    margin_a = _number(figures, "margin_a")
    leverage_a = _number(figures, "leverage_a")
    margin_b = _number(figures, "margin_b")
    move = _number(figures, "move")
    try:
        account = Account(
            balance,
            (
                _long(BTC, BTC_PRICE, margin_a, leverage_a),
                _long(ETH, ETH_PRICE, margin_b, _number(figures, "leverage_b")),
            ),
        )
    except EngineError as error:
        raise Unusable(str(error)) from None
    marks = {BTC: BTC_PRICE * (1 - move / 100), ETH: ETH_PRICE}
    isolated = evaluate(account, marks)
    cross = evaluate(with_mode(account, Mode.CROSS), marks)
    a, b = isolated.positions
    # The story: A is liquidated, B is not, and the same trades in cross survive.
    if not a.liquidated or b.liquidated or cross.cross_liquidated:
        raise Unusable("the move does not tell isolated from cross")
    liquidation = liquidation_price(account, 0)
    assert liquidation is not None  # an isolated long always has one
    size_a = margin_a * leverage_a
    if move < 100 / leverage_a:
        # The fall is smaller than the whole margin: only the maintenance margin explains it.
        survived = (
            "That treats A as still open, as if it were only liquidated once its whole "
            "margin was gone. That ignores the maintenance margin: A is closed when its "
            f"margin falls to the maintenance margin, at about {plain(liquidation, 0)}, so "
            f"the {percent(move)} fall liquidates it and you lose its {money(margin_a)}."
        )
    else:
        survived = (
            "That is what the account would be worth in cross mode, where the shared "
            f"balance absorbs A's {money(size_a * move / 100)} loss. In isolated mode A is "
            f"liquidated and you lose exactly its {money(margin_a)} of margin."
        )
    return Solution(
        answer=isolated.equity,
        mistakes=(
            Mistake("cross_equity", cross.equity, survived),
            Mistake(
                "free_balance_only",
                isolated.free_balance,
                "That is your free balance only. Position B is still open and its "
                f"{money(margin_b)} of margin is still yours: count it too.",
            ),
            Mistake(
                "nothing_lost",
                balance,
                f"That leaves out the liquidation: A's {money(margin_a)} of margin is gone.",
            ),
            Mistake(
                "lost_size",
                balance - size_a,
                f"That takes away A's whole position size ({money(size_a)}). In isolated "
                "mode A can lose only its own margin.",
            ),
        ),
        working={
            "liquidation_price": plain(liquidation, 0),
            "liquidation_distance": percent((BTC_PRICE - liquidation) / BTC_PRICE * 100),
            "free_balance": money(isolated.free_balance),
        },
    )


COMPUTATIONS: dict[str, Computation] = {
    computation.key: computation
    for computation in (
        Computation(
            key="initial_margin",
            label="Margin a BTC position needs (size ÷ leverage)",
            figures=(
                Figure("size", "Position size in dollars", "money"),
                Figure("leverage", "Leverage", "leverage"),
            ),
            solve=_initial_margin,
        ),
        Computation(
            key="max_loss",
            label="Most an ETH long can lose when liquidated, in either mode",
            figures=(
                Figure("balance", "Account balance", "money"),
                Figure("margin", "The position's margin", "money"),
                Figure("leverage", "Leverage", "leverage"),
                Figure("mode", "Margin mode: isolated or cross", "mode"),
            ),
            solve=_max_loss,
        ),
        Computation(
            key="account_after_isolated_liquidation",
            label="Account after isolated long A (BTC) is liquidated and B (ETH) is not",
            figures=(
                Figure("balance", "Account balance", "money"),
                Figure("margin_a", "Margin of position A (BTC long)", "money"),
                Figure("leverage_a", "Leverage of A", "leverage"),
                Figure("margin_b", "Margin of position B (ETH long)", "money"),
                Figure("leverage_b", "Leverage of B", "leverage"),
                Figure("move", "BTC's fall, in percent", "percent"),
            ),
            solve=_account_after_isolated_liquidation,
        ),
    )
}

COMPUTATION_CHOICES = [(key, computation.label) for key, computation in COMPUTATIONS.items()]


def figures_help() -> str:
    """Each computation's figures, for the admin's help text."""
    return "; ".join(
        f"{key}: " + ", ".join(f"{f.name} ({f.label})" for f in computation.figures)
        for key, computation in COMPUTATIONS.items()
    )


# --------------------------------------------------------------------------- figure specs


@dataclass(frozen=True, slots=True)
class FigureRange:
    """A figure drawn from min, min + step, ... up to max, or from a list of choices."""

    choices: tuple[str, ...]

    def draw(self, rng: random.Random) -> str:
        return rng.choice(self.choices)


MAX_VALUES_PER_FIGURE = 10_000
DRAWS = 200


def _decimal(value: object, where: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        raise FigureSpecError(f"{where} must be a number (got {value!r}).") from None
    if not result.is_finite():
        raise FigureSpecError(f"{where} must be a finite number (got {value!r}).")
    return result


def _figure_range(name: str, spec: object, is_mode: bool) -> FigureRange:
    if not isinstance(spec, Mapping):
        raise FigureSpecError(f'"{name}" needs {{"min", "max", "step"}} or {{"choices": [...]}}.')
    if "choices" in spec:
        if set(spec) != {"choices"} or not isinstance(spec["choices"], list) or not spec["choices"]:
            raise FigureSpecError(f'"{name}": "choices" must be a non-empty list, alone.')
        if is_mode:
            modes = {str(choice) for choice in spec["choices"]}
            if not modes <= {mode.value for mode in Mode}:
                raise FigureSpecError(f'"{name}": the choices must be "isolated" or "cross".')
            return FigureRange(tuple(str(choice) for choice in spec["choices"]))
        values = [_decimal(choice, f'A choice of "{name}"') for choice in spec["choices"]]
        return FigureRange(tuple(str(value) for value in values))
    if is_mode:
        raise FigureSpecError(f'"{name}" is a margin mode: give {{"choices": [...]}}.')
    if set(spec) != {"min", "max", "step"}:
        raise FigureSpecError(f'"{name}" needs exactly "min", "max" and "step".')
    low = _decimal(spec["min"], f'The "min" of "{name}"')
    high = _decimal(spec["max"], f'The "max" of "{name}"')
    step = _decimal(spec["step"], f'The "step" of "{name}"')
    if step <= 0 or low > high:
        raise FigureSpecError(f'"{name}": the step must be positive and min at most max.')
    count = int((high - low) / step) + 1
    if count > MAX_VALUES_PER_FIGURE:
        raise FigureSpecError(f'"{name}": use a larger step (at most 10,000 values).')
    return FigureRange(tuple(str(low + step * k) for k in range(count)))


def parse_spec(computation: Computation, spec: object) -> dict[str, FigureRange]:
    """Check an author's figure spec against the computation's figures."""
    if not isinstance(spec, Mapping):
        raise FigureSpecError("The figures must be a JSON object with one entry per figure.")
    expected = computation.figure_names
    missing = sorted(expected - set(spec))
    extra = sorted(set(spec) - expected)
    if missing or extra:
        parts = []
        if missing:
            parts.append("missing " + ", ".join(missing))
        if extra:
            parts.append("unknown " + ", ".join(extra))
        raise FigureSpecError(
            f"The figures for this computation are {', '.join(sorted(expected))}: "
            + "; ".join(parts)
            + "."
        )
    modes = {figure.name for figure in computation.figures if figure.format == "mode"}
    return {name: _figure_range(name, spec[name], name in modes) for name in spec}


@dataclass(frozen=True, slots=True)
class Tolerance:
    """How far an answer may be from the target and still count: max(minimum, percent)."""

    percent: Decimal = Decimal("0.5")
    minimum: Decimal = Decimal(1)

    def allows(self, *, value: Decimal, target: Decimal) -> bool:
        return abs(value - target) <= max(self.minimum, abs(target) * self.percent / 100)


def _clear(solution: Solution, tolerance: Tolerance) -> bool:
    """Every named mistake is far enough from the answer to be told apart from it."""
    return not any(
        tolerance.allows(value=mistake.value, target=solution.answer)
        for mistake in solution.mistakes
    )


def draw_figures(
    *, computation: Computation, spec: object, seed: int, tolerance: Tolerance = Tolerance()
) -> dict[str, str]:
    """The figures for one attempt: the same seed always gives the same figures.

    Figures that make no question, or whose answer a common mistake would land
    on within the tolerance, are drawn again.
    """
    ranges = parse_spec(computation, spec)
    rng = random.Random(seed)  # noqa: S311 - reproducible figures, not a secret
    for _ in range(DRAWS):
        figures = {name: ranges[name].draw(rng) for name in sorted(ranges)}
        try:
            solution = computation.solve(figures)
        except (Unusable, EngineError):
            continue
        if _clear(solution, tolerance):
            return figures
    raise FigureSpecError("These ranges rarely give figures that fit the question; narrow them.")


def check_spec(
    *,
    computation: Computation,
    spec: object,
    tolerance: Tolerance = Tolerance(),
    seeds: range = range(20),
) -> None:
    """Raise FigureSpecError unless every seed draws usable figures."""
    for seed in seeds:
        draw_figures(computation=computation, spec=spec, seed=seed, tolerance=tolerance)


def solve(*, computation_key: str, figures: Figures) -> Solution:
    """The answer, the mistakes and the working for one attempt's figures."""
    return COMPUTATIONS[computation_key].solve(figures)
