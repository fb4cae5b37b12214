"""Numbers as people type and read them: the one parser and the one set of
formatters for the simulator, the quiz and the lessons' widgets.

Pure Python and `Decimal`, no Django. The engine never rounds; these functions
do, half up, and only for display. Formatting (not quantize) so that any
magnitude prints instead of raising: quantize fails once a number has more
digits than the decimal context holds.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, localcontext

MINUS = "\u2212"  # a true minus sign: screen readers say "minus", not "dash"
# Accepted decimals and digits: a price to the satoshi, an account to a billion.
MAX_PLACES = 8
MAX_DIGITS = 20
NUMBER_HINT = "Enter the amount in digits; a $ sign and commas are fine"

# ASCII digits with optional comma thousands separators and decimals: 4000, 4,000, 4000.50.
_NUMBER = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+")
# A space used as a thousands separator, as in "4 000".
_GROUP_SPACE = re.compile(r"(?<=[0-9])[ \u00a0\u202f\u2009](?=[0-9]{3}(?![0-9]))")


class NotANumber(ValueError):
    """The text is not an amount; the message says what to type."""

    def __init__(self, message: str = NUMBER_HINT) -> None:
        super().__init__(message)


def parse_number(text: str) -> Decimal:
    """Read an amount as people type it: '4,000', '$4,000', '4000.00', 'USD 4000',
    '4 000', '-500', and -500 with a true minus (U+2212). Refuses exponents, NaN, infinity, other
    scripts' digits, misplaced commas, more than 8 decimals or 20 digits."""
    cleaned = text.strip().upper().replace(MINUS, "-")
    cleaned = cleaned.removeprefix("USD").removesuffix("USD").strip()
    sign = ""
    if cleaned[:1] in {"-", "+"}:
        sign, cleaned = cleaned[0], cleaned[1:].strip()
    cleaned = _GROUP_SPACE.sub("", cleaned.removeprefix("$").strip())
    if not _NUMBER.fullmatch(cleaned):
        raise NotANumber()
    places = cleaned.partition(".")[2]
    if len(places) > MAX_PLACES or sum(c.isdigit() for c in cleaned) > MAX_DIGITS:
        raise NotANumber()
    return Decimal(sign + cleaned.replace(",", ""))


def parse_mark(text: str) -> tuple[str, Decimal]:
    """'-12%' is a move from entry, '54,000' a price: ('move' or 'price', the number).
    Raises NotANumber."""
    text = text.strip()
    if text.endswith("%"):
        return "move", parse_number(text[:-1])
    return "price", parse_number(text)


def fixed(value: Decimal, places: int) -> str:
    """1234.5 -> '1,234.50' for places=2; the sign as a true minus."""
    with localcontext(rounding=ROUND_HALF_UP):
        text = f"{abs(value):,.{places}f}"
    zero = not text.strip("0.,")
    return text if value >= 0 or zero else MINUS + text


def number(value: Decimal, places: int = 2, *, trim: bool = False) -> str:
    """Grouped thousands; with trim, no trailing zeros: 54,271 or 9.5."""
    text = fixed(value, places)
    return text.rstrip("0").rstrip(".") if trim and "." in text else text


def money(value: Decimal, *, trim: bool = False) -> str:
    """$1,234.56, negative with a true minus; with trim, whole amounts lose their cents: $4,000."""
    text = fixed(value, 2)
    sign = MINUS if text.startswith(MINUS) else ""
    text = text.removeprefix(MINUS)
    if trim:
        text = text.removesuffix(".00")
    return f"{sign}${text}"


def price(value: Decimal, places: int | None = None) -> str:
    """Two decimals, or eight for prices below one dollar, unless places says."""
    if places is None:
        places = 2 if abs(value) >= 1 else 8
    return fixed(value, places)


def percent(fraction: Decimal, places: int = 2, *, trim: bool = False) -> str:
    """A fraction as a percentage: 0.0955 -> '9.55%'; with trim and places=1, 0.12 -> '12%'."""
    return f"{number(fraction * 100, places, trim=trim)}%"
