"""Grading, for every kind of question, with no database."""

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quiz.grading import NUMBER_HINT, NotANumber, grade_choices, grade_numeric, parse_number
from quiz.numeric import Mistake, Solution, Tolerance


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4000", "4000"),
        ("4,000", "4000"),
        ("$4,000", "4000"),
        ("4000.00", "4000.00"),
        ("  $ 4,000.50 ", "4000.50"),
        ("USD 4000", "4000"),
        ("4000 usd", "4000"),
        ("4 000", "4000"),
        ("1,234,567.8", "1234567.8"),
        ("-500", "-500"),
        ("-$500", "-500"),
        ("\u2212500", "-500"),
        ("0", "0"),
    ],
)
def test_parse_number_accepts_amounts_as_people_type_them(text, expected):
    assert parse_number(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text",
    [
        "", " ", "abc", "NaN", "nan", "inf", "-Infinity", "1e5", "4,00", "40,00,000",
        "4.000,50", "$", "--5", "4000.12345", "12345678901234567", "4000$4000", "0x10",
        "½", "٤٠٠٠",
    ],
)  # fmt: skip
def test_parse_number_refuses_anything_else_with_a_clear_message(text):
    with pytest.raises(NotANumber, match=re.escape(NUMBER_HINT)):
        parse_number(text)


def test_tolerance_is_the_larger_of_the_minimum_and_the_percentage():
    tolerance = Tolerance(percent=Decimal("0.5"), minimum=Decimal(1))
    # 0.5% of 4,000 is 20.
    assert tolerance.allows(value=Decimal("4020"), target=Decimal("4000"))
    assert not tolerance.allows(value=Decimal("4020.01"), target=Decimal("4000"))
    # 0.5% of 80 is 0.40, less than the $1 minimum.
    assert tolerance.allows(value=Decimal("81"), target=Decimal("80"))
    assert not tolerance.allows(value=Decimal("81.01"), target=Decimal("80"))
    assert tolerance.allows(value=Decimal("-1"), target=Decimal("0"))


SOLUTION = Solution(
    answer=Decimal(4000),
    mistakes=(
        Mistake("cross_equity", Decimal(3800), "cross"),
        Mistake("free_balance_only", Decimal(3500), "free"),
        Mistake("too_close", Decimal(4005), "can't be told apart"),
    ),
)


@pytest.mark.parametrize(
    ("value", "correct", "mistake"),
    [
        ("4000", True, None),
        ("3990", True, None),
        ("4005", True, None),  # a mistake on top of the answer is not a mistake
        ("3800", False, "cross_equity"),
        ("3805.5", False, "cross_equity"),
        ("3500", False, "free_balance_only"),
        ("1234", False, None),
        ("-4000", False, None),
    ],
)
def test_grade_numeric(value, correct, mistake):
    grade = grade_numeric(value=Decimal(value), solution=SOLUTION, tolerance=Tolerance())
    assert grade.is_correct is correct
    assert (grade.mistake.key if grade.mistake else None) == mistake


def test_grade_numeric_with_no_tolerance_beyond_a_dollar():
    tight = Tolerance(percent=Decimal(0), minimum=Decimal(1))
    assert grade_numeric(value=Decimal(4001), solution=SOLUTION, tolerance=tight).is_correct
    assert not grade_numeric(value=Decimal(3990), solution=SOLUTION, tolerance=tight).is_correct


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


@given(
    value=st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False),
    style=st.sampled_from(["{:f}", "{:,f}", "${:,f}", "$ {:,.2f}", "USD {:f}", "-{:f}"]),
)
def test_any_amount_written_the_usual_ways_reads_back(value, style):
    expected = -value if style.startswith("-") else value
    assert parse_number(style.format(value)) == expected
