"""What numeric questions can ask: a small registry of computations on the margin engine.

A computation takes one attempt's figures, builds an engine `Account` from them
and returns the answer, the value each common mistake it can detect would give
for these figures, and working values an explanation may quote. It declares its
figures, its mistakes and its working values with labels for authors; the words
a learner reads (prompt, explanation, feedback on each mistake) are content
(the quiz files), never here. Nothing here computes margin itself: the engine does.

Each module of this package holds the computations of one quiz or topic in a
tuple named COMPUTATIONS; the registry below gathers them all, so a new topic is
a new module and nothing else changes.
"""

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured

Figures = Mapping[str, str]


class Unusable(Exception):
    """These figures make no sense for the question (e.g. nothing is liquidated); draw again."""


@dataclass(frozen=True, slots=True)
class Quantity:
    """A named number a question can show: a figure drawn per attempt, or a working value.

    `format` says how a learner reads it (see quiz.numeric.show): money, leverage,
    percent (in percent units: 12 is 12%), price, number, or mode (a word).
    """

    name: str
    label: str
    format: str


@dataclass(frozen=True, slots=True)
class Result:
    """One attempt's answer, the mistakes that apply to its figures, and the working."""

    answer: Decimal
    mistakes: Mapping[str, Decimal] = field(default_factory=dict)
    working: Mapping[str, Decimal | str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Computation:
    key: str
    label: str
    figures: tuple[Quantity, ...]
    mistakes: Mapping[str, str]  # key -> what the mistake is, for authors
    working: tuple[Quantity, ...]
    compute: Callable[[Figures], Result]
    # How the answer is typed and shown: money ($), price, percent (percent units) or number.
    answer_format: str = "money"

    @property
    def answer(self) -> Quantity:
        return Quantity("answer", "The answer", self.answer_format)

    @property
    def figure_names(self) -> set[str]:
        return {figure.name for figure in self.figures}

    @property
    def working_names(self) -> set[str]:
        return {value.name for value in self.working}

    @property
    def mode_figures(self) -> set[str]:
        return {figure.name for figure in self.figures if figure.format == "mode"}

    def solve(self, figures: Figures) -> Result:
        """The result, its mistakes in the order declared here (grading tries them in turn).

        Raises Unusable or EngineError for figures that make no question.
        """
        result = self.compute(figures)
        mistakes = {key: result.mistakes[key] for key in self.mistakes if key in result.mistakes}
        return Result(answer=result.answer, mistakes=mistakes, working=result.working)


ANSWER_FORMATS = ("money", "price", "percent", "number")


def number_of(figures: Figures, name: str) -> Decimal:
    return Decimal(figures[name])


def _gather() -> dict[str, Computation]:
    found: dict[str, Computation] = {}
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        for computation in importlib.import_module(f"{__name__}.{module.name}").COMPUTATIONS:
            if computation.key in found:
                raise ImproperlyConfigured(f"Two computations are called {computation.key!r}")
            if computation.answer_format not in ANSWER_FORMATS:
                raise ImproperlyConfigured(
                    f"{computation.key}: answer_format must be one of {', '.join(ANSWER_FORMATS)}"
                )
            found[computation.key] = computation
    return found


COMPUTATIONS: dict[str, Computation] = _gather()


def computation_choices() -> list[tuple[str, str]]:
    """The model field's choices; a callable, so a new computation needs no migration."""
    return [(key, computation.label) for key, computation in COMPUTATIONS.items()]
