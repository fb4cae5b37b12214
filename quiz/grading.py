"""Grading: pure functions, no database. The views never decide what is right.

Reading what the learner typed is core.numbers.parse_number's job, as for every
number on the site.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal

from quiz.numeric import Tolerance


@dataclass(frozen=True, slots=True)
class NumericGrade:
    is_correct: bool
    mistake: str = ""  # the key of the common mistake matched, if any


def grade_numeric(
    *, value: Decimal, answer: Decimal, mistakes: Mapping[str, Decimal], tolerance: Tolerance
) -> NumericGrade:
    """Right within the tolerance; else the first common mistake (in order) it matches."""
    if tolerance.allows(value=value, target=answer):
        return NumericGrade(is_correct=True)
    for key, mistake in mistakes.items():
        # A mistake that lands on the answer itself can't be told apart: skip it.
        if tolerance.allows(value=mistake, target=answer):
            continue
        if tolerance.allows(value=value, target=mistake):
            return NumericGrade(is_correct=False, mistake=key)
    return NumericGrade(is_correct=False)


def grade_choices(*, chosen: Collection[int], correct: Collection[int], multiple: bool) -> bool:
    """Single choice: the one right choice. Multiple: exactly the right set, no more, no less."""
    chosen, correct = set(chosen), set(correct)
    if not chosen or (not multiple and len(chosen) != 1):
        raise ValueError("A single-choice answer needs exactly one choice, a multiple one some.")
    return chosen == correct
