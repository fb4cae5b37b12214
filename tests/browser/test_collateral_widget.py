"""Lesson 11's collateral simulators in a browser: the slider moves BTC with htmx and
without JavaScript, axe finds nothing in light and dark, and it fits a phone's width."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible

LESSON_11_URL = "/learn/advanced/collateral-and-haircuts/"
LESSON_12_URL = "/learn/advanced/portfolio-margin/"


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_moving_btc_liquidates_the_long_on_btc(browser, base_url, javascript):
    context = browser.new_context(base_url=base_url, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(LESSON_11_URL)
    widget = page.locator("#btc-on-btc")
    results = widget.locator(".lesson-widget-results")
    expect(results).to_contain_text("BTC −30%: 42,000.00")
    expect(results).to_contain_text("$39,900.00")
    widget.get_by_label(re.compile("^BTC's move")).fill("-50")
    if not javascript:
        widget.get_by_role("button", name="Show the outcome").click()
        expect(page).to_have_url(re.compile(r"btc_on_btc=-50"))
    results = page.locator("#btc-on-btc .lesson-widget-results")
    expect(results).to_contain_text("BTC −50%: 30,000.00")
    expect(results).to_contain_text("Liquidated: the equity")
    widget = page.locator("#btc-on-btc")
    link = widget.get_by_role("link", name="Open this wallet in the collateral tool")
    expect(link).to_have_attribute("href", re.compile(r"a-0-price=30000\.00"))
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", [LESSON_11_URL, LESSON_11_URL + "?btc_on_btc=-55", LESSON_12_URL])
def test_the_advanced_lessons_are_accessible(page: Page, base_url, path, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + path)
    assert_accessible(page)


@pytest.mark.parametrize("path", [LESSON_11_URL, LESSON_12_URL])
def test_the_advanced_lessons_fit_a_360px_screen(page: Page, base_url, path):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(base_url + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
