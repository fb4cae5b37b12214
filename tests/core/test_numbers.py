"""The one number parser and formatter, for the simulator, the quiz and the widgets."""

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.numbers import (
    NUMBER_HINT,
    NotANumber,
    money,
    number,
    parse_number,
    percent,
    price,
)


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
        ("+12.5", "12.5"),
        ("\u2212500", "-500"),
        ("0", "0"),
        (".5", "0.5"),
        ("0.00000001", "0.00000001"),
        ("99999999999999999999", "99999999999999999999"),
    ],
)
def test_amounts_are_read_as_people_type_them(text, expected):
    assert parse_number(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text",
    [
        "", " ", "abc", "NaN", "nan", "inf", "-Infinity", "sNaN", "1e5", "1E-30", "4,00",
        "40,00,000", "4.000,50", "$", "--5", "0.000000001", "999999999999999999999",
        "4000$4000", "0x10", "½", "٤٠٠٠", "1_000", "5,000.00.00", "$$5", "12%",
    ],
)  # fmt: skip
def test_anything_else_is_refused_with_a_message_that_says_what_to_type(text):
    with pytest.raises(NotANumber, match=re.escape(NUMBER_HINT)):
        parse_number(text)


@pytest.mark.parametrize(
    ("value", "kwargs", "text"),
    [
        ("4000", {}, "$4,000.00"),
        ("4000", {"trim": True}, "$4,000"),
        ("4000.000000001", {"trim": True}, "$4,000"),
        ("1234.5", {"trim": True}, "$1,234.50"),
        ("-500", {}, "\u2212$500.00"),
        ("-0.004", {}, "$0.00"),
        ("0.005", {}, "$0.01"),
        ("1E+30", {}, "$1,000,000,000,000,000,000,000,000,000,000.00"),
    ],
)
def test_money(value, kwargs, text):
    assert money(Decimal(value), **kwargs) == text


def test_prices_percentages_and_plain_numbers():
    assert price(Decimal("54271.3571")) == "54,271.36"
    assert price(Decimal("0.323215")) == "0.32321500"
    assert price(Decimal("54271.5"), 0) == "54,272"
    assert percent(Decimal("0.0955")) == "9.55%"
    assert percent(Decimal("0.12"), 1, trim=True) == "12%"
    assert percent(Decimal("-0.496")) == "\u221249.60%"
    assert number(Decimal("9.50"), trim=True) == "9.5"
    assert number(Decimal("1E-20"), 2) == "0.00"


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False))
def test_what_is_shown_reads_back_as_the_same_amount(value):
    assert parse_number(money(value)) == value
    assert parse_number(number(value, 2, trim=True)) == value
