"""Numeric questions: figure specs, figures drawn per attempt, and placeholders filled.

A numeric question names a computation (quiz.computations) and stores, per
figure, a range or a list of choices: its "figure spec". Each attempt draws its
own figures with a seeded RNG, so the same seed always gives the same figures.
Its texts quote figures and working values as {name}, shown as a learner reads
them ($5,000, 10x, 12%) by the site's one set of formatters (core.numbers).
"""

import random
import re
from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from core.numbers import money, number, percent, price
from quiz.computations import Computation, Quantity, Result, Unusable
from simulator.engine import EngineError, Mode

PLACEHOLDER = re.compile(r"\{(\w+)\}")
MAX_VALUES_PER_FIGURE = 10_000
DRAWS = 200

# The answers a learner may type, and the engine's answers with them: less than a
# hundred billion in size, to 4 decimal places. 15 digits in all, which SQLite keeps
# exactly (its decimals are floats, good to 15 significant digits) as PostgreSQL does.
ANSWER_LIMIT = Decimal(10) ** 11
ANSWER_PLACES = 4
ANSWER_DIGITS = 11 + ANSWER_PLACES
ANSWER_STEP = Decimal(1).scaleb(-ANSWER_PLACES)
OUT_OF_RANGE = (
    "Give an answer smaller than 100,000,000,000 (a hundred billion), with at most "
    f"{ANSWER_PLACES} decimal places"
)


def in_answer_range(value: Decimal) -> bool:
    """Whether an answer is one the database keeps exactly (trailing zeros don't count)."""
    return abs(value) < ANSWER_LIMIT and value == value.quantize(ANSWER_STEP)


class FigureSpecError(ValueError):
    """A figure spec an author wrote that cannot produce a question."""


# --------------------------------------------------------------------------- showing


FORMATS: dict[str, Callable[[Decimal], str]] = {
    "money": lambda value: money(value, trim=True),
    "percent": lambda value: percent(value / 100, 1, trim=True),  # given in percent units
    "leverage": lambda value: f"{number(value, trim=True)}x",
    "price": lambda value: number(value, 0),
    "number": lambda value: number(value, trim=True),
}


def show(quantity: Quantity, value: Decimal | str) -> str:
    if quantity.format == "mode":
        return str(value)
    return FORMATS[quantity.format](Decimal(value))


# An answer is shown to the cent (or the hundredth of a percent): a learner compares
# it with what they typed, so it must not be rounded further than the tolerance.
ANSWER_FORMATS: dict[str, Callable[[Decimal], str]] = {
    "money": lambda value: money(value, trim=True),
    "price": lambda value: f"${price(value)}",
    "percent": lambda value: percent(value / 100, 2, trim=True),
    "number": lambda value: number(value, trim=True),
}


def show_answer(computation: Computation, value: Decimal) -> str:
    """A numeric question's answer (or a learner's) in the computation's answer format."""
    return ANSWER_FORMATS[computation.answer_format](Decimal(value))


def shown(quantities: Collection[Quantity], values: Mapping[str, Decimal | str]) -> dict[str, str]:
    """Each of `quantities` found in `values`, as a learner reads it."""
    return {q.name: show(q, values[q.name]) for q in quantities if q.name in values}


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace {name} placeholders; anything else in braces is left as it is."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


# --------------------------------------------------------------------------- figure specs


@dataclass(frozen=True, slots=True)
class FigureRange:
    """A figure drawn from min, min + step, ... up to max, or from a list of choices."""

    choices: tuple[str, ...]

    def draw(self, rng: random.Random) -> str:
        return rng.choice(self.choices)


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
    modes = computation.mode_figures
    return {name: _figure_range(name, spec[name], name in modes) for name in spec}


# --------------------------------------------------------------------------- drawing


@dataclass(frozen=True, slots=True)
class Tolerance:
    """How far an answer may be from the target and still count: max(minimum, percent)."""

    percent: Decimal = Decimal("0.5")
    minimum: Decimal = Decimal(1)

    def allows(self, *, value: Decimal, target: Decimal) -> bool:
        return abs(value - target) <= max(self.minimum, abs(target) * self.percent / 100)


def _misfit(result: Result, tolerance: Tolerance, mistakes: Collection[str] | None) -> str:
    """Why these figures make no question ("" if they do)."""
    if result.answer <= 0:
        return "the answer is zero or negative"
    if result.answer >= ANSWER_LIMIT:
        return "the answer is too large for a learner to type"
    for key, value in result.mistakes.items():
        if (mistakes is None or key in mistakes) and tolerance.allows(
            value=value, target=result.answer
        ):
            # A learner making that mistake would be marked right.
            return f"the mistake “{key}” lands on the answer"
    return ""


def draw_figures(
    *,
    computation: Computation,
    spec: object,
    seed: int,
    tolerance: Tolerance = Tolerance(),
    mistakes: Collection[str] | None = None,
) -> dict[str, str]:
    """The figures for one attempt: the same seed always gives the same figures.

    Figures that make no question, whose answer is not positive, or whose answer
    one of `mistakes` (the question's recognised ones; None: all) would land on
    within the tolerance, are drawn again.
    """
    ranges = parse_spec(computation, spec)
    rng = random.Random(seed)  # noqa: S311 - reproducible figures, not a secret
    reasons: Counter[str] = Counter()
    examples: dict[str, dict[str, str]] = {}
    for _ in range(DRAWS):
        figures = {name: ranges[name].draw(rng) for name in sorted(ranges)}
        try:
            reason = _misfit(computation.solve(figures), tolerance, mistakes)
        except Unusable as error:
            reason = str(error)
        except (EngineError, ArithmeticError) as error:
            reason = f"the margin engine refuses them ({error})"
        if not reason:
            return figures
        reasons[reason] += 1
        examples.setdefault(reason, figures)
    reason = reasons.most_common(1)[0][0]
    example = ", ".join(
        f"{name} {value}" for name, value in shown(computation.figures, examples[reason]).items()
    )
    raise FigureSpecError(
        f"These ranges rarely give figures that fit the question; narrow them. Most often "
        f"{reason}, for example with {example}."
    )


def check_spec(
    *,
    computation: Computation,
    spec: object,
    tolerance: Tolerance = Tolerance(),
    mistakes: Collection[str] | None = None,
    seeds: range = range(20),
) -> None:
    """Raise FigureSpecError unless every seed draws usable figures."""
    for seed in seeds:
        draw_figures(
            computation=computation, spec=spec, seed=seed, tolerance=tolerance, mistakes=mistakes
        )
