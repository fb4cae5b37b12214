"""Grading: pure functions, no database. The views never decide what is right."""

import re
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from quiz.numeric import Mistake, Solution, Tolerance

# No example figure: a drawn question's answer could be that very amount.
NUMBER_HINT = "Enter the amount in digits; a $ sign and commas are fine"
# ASCII digits with optional comma thousands separators and decimals: 4000, 4,000, 4000.50.
NUMBER = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{1,4})?")
# A space used as a thousands separator, as in "4 000".
GROUP_SPACE = re.compile(r"(?<=[0-9])[ \u00a0\u202f\u2009](?=[0-9]{3}(?![0-9]))")
MAX_DIGITS = 15


class NotANumber(ValueError):
    """The learner's text is not an amount; the message says what to type."""


def parse_number(text: str) -> Decimal:
    """Read an amount as people type it: '4,000', '$4,000', '4000.00', 'USD 4000', '-500'."""
    cleaned = text.strip().upper().replace("\u2212", "-")
    cleaned = cleaned.removeprefix("USD").removesuffix("USD").strip()
    sign = ""
    if cleaned[:1] in {"-", "+"}:
        sign, cleaned = cleaned[0], cleaned[1:].strip()
    cleaned = GROUP_SPACE.sub("", cleaned.removeprefix("$").strip())
    if not NUMBER.fullmatch(cleaned) or sum(c.isdigit() for c in cleaned) > MAX_DIGITS:
        raise NotANumber(NUMBER_HINT)
    return Decimal(sign + cleaned.replace(",", ""))


@dataclass(frozen=True, slots=True)
class NumericGrade:
    is_correct: bool
    mistake: Mistake | None = None


def grade_numeric(*, value: Decimal, solution: Solution, tolerance: Tolerance) -> NumericGrade:
    """Right within the tolerance; else the first common mistake it matches, if any."""
    if tolerance.allows(value=value, target=solution.answer):
        return NumericGrade(is_correct=True)
    for mistake in solution.mistakes:
        # A mistake that lands on the answer itself can't be told apart: skip it.
        if tolerance.allows(value=mistake.value, target=solution.answer):
            continue
        if tolerance.allows(value=value, target=mistake.value):
            return NumericGrade(is_correct=False, mistake=mistake)
    return NumericGrade(is_correct=False)


def grade_choices(*, chosen: Collection[int], correct: Collection[int], multiple: bool) -> bool:
    """Single choice: the one right choice. Multiple: exactly the right set, no more, no less."""
    chosen, correct = set(chosen), set(correct)
    if not chosen or (not multiple and len(chosen) != 1):
        raise ValueError("A single-choice answer needs exactly one choice, a multiple one some.")
    return chosen == correct
