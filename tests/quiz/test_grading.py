"""Grading, for every kind of question, with no database.

Reading the typed amount is core.numbers.parse_number's (tests/core/test_numbers.py).
"""

from decimal import Decimal

import pytest

from quiz.grading import grade_choices, grade_numeric
from quiz.numeric import Tolerance


def test_tolerance_is_the_larger_of_the_minimum_and_the_percentage():
    tolerance = Tolerance(percent=Decimal("0.5"), minimum=Decimal(1))
    # 0.5% of 4,000 is 20.
    assert tolerance.allows(value=Decimal("4020"), target=Decimal("4000"))
    assert not tolerance.allows(value=Decimal("4020.01"), target=Decimal("4000"))
    # 0.5% of 80 is 0.40, less than the $1 minimum.
    assert tolerance.allows(value=Decimal("81"), target=Decimal("80"))
    assert not tolerance.allows(value=Decimal("81.01"), target=Decimal("80"))
    assert tolerance.allows(value=Decimal("-1"), target=Decimal("0"))


ANSWER = Decimal(4000)
MISTAKES = {
    "cross_equity": Decimal(3800),
    "free_balance_only": Decimal(3500),
    "too_close": Decimal(4005),  # can't be told apart from the answer
}


@pytest.mark.parametrize(
    ("value", "correct", "mistake"),
    [
        ("4000", True, ""),
        ("3990", True, ""),
        ("4005", True, ""),  # a mistake on top of the answer is not a mistake
        ("3800", False, "cross_equity"),
        ("3805.5", False, "cross_equity"),
        ("3500", False, "free_balance_only"),
        ("1234", False, ""),
        ("-4000", False, ""),
    ],
)
def test_grade_numeric(value, correct, mistake):
    grade = grade_numeric(
        value=Decimal(value), answer=ANSWER, mistakes=MISTAKES, tolerance=Tolerance()
    )
    assert grade.is_correct is correct
    assert grade.mistake == mistake


def test_grade_numeric_with_no_tolerance_beyond_a_dollar():
    tight = Tolerance(percent=Decimal(0), minimum=Decimal(1))
    grade = lambda value: grade_numeric(  # noqa: E731
        value=Decimal(value), answer=ANSWER, mistakes=MISTAKES, tolerance=tight
    )
    assert grade(4001).is_correct
    assert not grade(3990).is_correct


def test_the_first_mistake_in_order_wins_when_two_are_close():
    mistakes = {"first": Decimal(3000), "second": Decimal(3010)}
    grade = grade_numeric(
        value=Decimal(3005), answer=ANSWER, mistakes=mistakes, tolerance=Tolerance()
    )
    assert grade.mistake == "first"


@pytest.mark.parametrize(
    ("chosen", "correct", "multiple", "expected"),
    [
        ({2}, {2}, False, True),
        ({1}, {2}, False, False),
        ({1, 3}, {1, 3}, True, True),
        ({1}, {1, 3}, True, False),  # some of the right ones is not enough
        ({1, 2, 3}, {1, 3}, True, False),  # nor all of them and a wrong one
        ({2}, {1, 3}, True, False),
    ],
)
def test_grade_choices(chosen, correct, multiple, expected):
    assert grade_choices(chosen=chosen, correct=correct, multiple=multiple) is expected


@pytest.mark.parametrize(("chosen", "multiple"), [(set(), False), (set(), True), ({1, 2}, False)])
def test_grade_choices_refuses_an_impossible_selection(chosen, multiple):
    with pytest.raises(ValueError, match="exactly one"):
        grade_choices(chosen=chosen, correct={1}, multiple=multiple)
