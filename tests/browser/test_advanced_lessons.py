"""Lessons 13 and 14 in Chromium: each fits a 360 px screen and is axe-clean in light and
dark, and each one's simulator moves BTC with JavaScript (htmx) and without."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible

LESSON_13_URL = "/learn/advanced/partial-liquidation-and-backstops/"
LESSON_14_URL = "/learn/advanced/auto-deleveraging-and-the-insurance-fund/"


@pytest.mark.parametrize("path", [LESSON_13_URL, LESSON_14_URL])
def test_the_lesson_fits_a_360px_screen(page: Page, base_url, path):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(base_url + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", [LESSON_13_URL, LESSON_14_URL, "/learn/advanced/"])
def test_the_pages_have_no_accessibility_violations(page: Page, base_url, path, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + path)
    assert_accessible(page)


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
@pytest.mark.parametrize(
    ("path", "widget", "start", "value", "after"),
    [
        # Back above 57,721.52 both Hyperliquid longs are open again.
        (LESSON_13_URL, "hyperliquid-move", "BTC −3.8%: 57,720.00", "-3", "nothing is liquidated"),
        # At +5% both shorts are at a loss, the 20x one past its liquidation price, 62,686.57.
        (LESSON_14_URL, "two-shorts", "BTC −12%: 52,800.00", "5", "BTC 5%: 63,000.00"),
    ],
)
def test_the_simulator_moves_btc(browser, base_url, javascript, path, widget, start, value, after):
    context = browser.new_context(base_url=base_url, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(path)
    results = page.locator(f"#{widget} .lesson-widget-results")
    expect(results).to_contain_text(start)
    page.locator(f"#{widget}").get_by_label(re.compile("^BTC's move")).fill(value)
    if not javascript:
        page.locator(f"#{widget}").get_by_role("button", name="Show the outcome").click()
    expect(page.locator(f"#{widget} .lesson-widget-results")).to_contain_text(after)
    context.close()
