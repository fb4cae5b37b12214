"""No served page holds a character the site's fonts may lack (issue 27, item 14).

The site names no font of its own, only the system's (academy.scss), so a page may
use only characters every system font stack shows: Latin letters and punctuation,
currency, arrows and mathematical signs, and the few symbols set beside words as
icons (which every platform's symbol or emoji font has). Binance's "USDⓈ-M", whose
circled S many fonts lack ("USD▯-M"), is written "USDS-M".
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from lessons.models import Lesson
from quiz.models import Quiz

pytestmark = pytest.mark.django_db

CIRCLED_S = "\u24c8"
# Unicode blocks every system font stack covers (first, last code point).
COVERED = [
    (0x20, 0x7E),  # ASCII
    (0xA0, 0x17F),  # Latin-1 Supplement, Latin Extended-A
    (0x2000, 0x206F),  # General Punctuation
    (0x20A0, 0x20CF),  # Currency Symbols
    (0x2100, 0x214F),  # Letterlike Symbols
    (0x2190, 0x22FF),  # Arrows, Mathematical Operators
    (0x2600, 0x27BF),  # Miscellaneous Symbols, Dingbats: the icons beside words
]
TOOLS = {
    "tools:liquidation_price": "venue=binance&symbol=BTC&side=long&entry_price=60,000&size=1"
    "&size_unit=coins&leverage=10&mode=isolated&tiers=venue",
    "tools:position_size": "balance=10,000&risk=1&entry_price=60,000&stop_price=58,800"
    "&leverage=10&symbol=BTC&venue=binance",
    "tools:pnl": "side=long&entry_price=60,000&exit_price=63,000&size=0.5&size_unit=coins"
    "&leverage=10&venue=binance&entry_order=taker&exit_order=maker",
}


def served_pages() -> list[str]:
    urls = [
        "/", "/learn/", "/strategies/", "/quiz/", "/tools/", "/progress/",
        "/simulator/", "/simulator/?preset=two-isolated", "/simulator/methodology/",
        "/simulator/replay/?path=lesson-4", "/accounts/login/", "/accounts/signup/",
    ]  # fmt: skip
    urls += [lesson.get_absolute_url() for lesson in Lesson.objects.published()]
    urls += [reverse("quiz:detail", kwargs={"slug": quiz.slug}) for quiz in Quiz.objects.all()]
    urls += [f"{reverse(name)}?{query}" for name, query in TOOLS.items()]
    return urls


def uncovered(text: str) -> set[str]:
    return {
        character
        for character in set(text)
        if not character.isspace()
        and not any(first <= ord(character) <= last for first, last in COVERED)
    }


def test_no_served_page_holds_a_glyph_the_fonts_may_lack():
    client = Client()
    found = {}
    for url in served_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert CIRCLED_S not in text, url
        for character in uncovered(text):
            found.setdefault(f"U+{ord(character):04X} {character}", url)
    assert found == {}


def test_the_check_catches_the_circled_s():
    assert uncovered("Binance USD\u24c8-M") == {CIRCLED_S}
    assert uncovered("Binance USDS-M, −12% × 10 ≤ 5 ✔ ⚠ ✖ → €") == set()


def test_binance_is_written_usds_m():
    html = Client().get(reverse("tools:liquidation_price") + "?" + TOOLS["tools:liquidation_price"])
    assert "Binance USDS-M" in html.content.decode()
    assert re.search("USD.-M", html.content.decode()).group(0) == "USDS-M"
