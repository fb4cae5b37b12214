"""What a computation is: its figures, mistakes and working values declared for authors,
and the function that works them out on the engine. The concept modules of this
package declare theirs with `computation`; the package gathers them."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

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


def computation(
    key: str,
    label: str,
    *,
    figures: tuple[Quantity, ...],
    mistakes: Mapping[str, str],
    working: tuple[Quantity, ...] = (),
    answer_format: str = "money",
) -> Callable[[Callable[[Figures], Result]], Computation]:
    """Declare the function below as the computation `key`, its declaration above its code."""

    def declare(compute: Callable[[Figures], Result]) -> Computation:
        return Computation(key, label, figures, mistakes, working, compute, answer_format)

    return declare


def number_of(figures: Figures, name: str) -> Decimal:
    return Decimal(figures[name])


def numbers(figures: Figures, *names: str) -> tuple[Decimal, ...]:
    """The figures called `names`, in that order."""
    return tuple(number_of(figures, name) for name in names)


# Quantities that several computations declare with the same words.
LEVERAGE = Quantity("leverage", "Leverage", "leverage")
LEVERAGE_NUMBER = Quantity("leverage_number", "The leverage as a plain number", "number")
BALANCE = Quantity("balance", "Account balance", "money")
BTC_QUANTITY = Quantity("quantity", "Position in BTC", "number")
BTC_FALL = Quantity("fall", "BTC's fall, in percent", "percent")
NOTIONAL = Quantity("notional", "The notional", "money")
MARGIN = Quantity("margin", "The margin", "money")
LIQUIDATION_PRICE = Quantity("liquidation_price", "The liquidation price", "price")
BANKRUPTCY_PRICE = Quantity("bankruptcy_price", "The bankruptcy price", "price")
ENTRY_VALUE = Quantity("size", "The position's value at entry, in dollars", "money")
INITIAL_MARGIN = Quantity("margin", "The initial margin (size ÷ leverage)", "money")
