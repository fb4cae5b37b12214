"""Check my position in a browser: a paste with and without JavaScript, the live results
while typing, accessibility in light and dark, and a phone's width."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible

CHECK = "/tools/check/"
PASTE = (
    Path(__file__).parents[1] / "tools" / "fixtures" / "check" / "hyperliquid_docs.json"
).read_text()
RESULT = (
    CHECK + "?venue=hyperliquid&p-TOTAL_FORMS=2&p-INITIAL_FORMS=0&p-0-sym=ETH&p-0-side=long"
    "&p-0-mode=isolated&p-0-qty=0.0335&p-0-entry=2986.3&p-0-lev=20&p-0-mark=2985.9"
    "&p-0-margin=4.981226&p-0-liq=2866.26936529&p-0-mm=1.0002765"
)


@pytest.fixture
def no_js_page(browser, base_url):
    context = browser.new_context(java_script_enabled=False, base_url=base_url)
    yield context.new_page()
    context.close()


def _paste(page: Page) -> None:
    page.get_by_role("combobox", name="Exchange").first.select_option("hyperliquid")
    page.get_by_label("What your exchange's API returns").fill(PASTE)
    page.get_by_role("button", name="Check the paste").click()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_paste_shows_theirs_beside_ours(page: Page, no_js_page: Page, base_url, javascript):
    page = page if javascript else no_js_page
    page.goto(base_url + CHECK)
    _paste(page)
    results = page.locator("#results")
    expect(results).to_contain_text("Our figure differs from Hyperliquid's by")
    expect(results).to_contain_text("the difference is the tier table")
    assert "assetPositions" not in page.url and "paste" not in page.url
    page.get_by_role("link", name="Open this account in the simulator").click()
    expect(page.locator("#results .results-summary")).to_be_visible()


def test_typing_a_liquidation_price_updates_the_check(page: Page, base_url):
    page.goto(base_url + RESULT)
    page.get_by_label("Exchange's liquidation price").first.fill("2895.52")
    expect(page.locator("#results .verdict")).to_contain_text("Our figure matches")
    expect(page).to_have_url(re.compile(r"p-0-liq=2895\.52"))


@pytest.mark.parametrize(
    "path",
    [CHECK, RESULT, CHECK + "?p-TOTAL_FORMS=1&p-INITIAL_FORMS=0&p-0-sym=<x>"],
    ids=["empty", "result", "errors"],
)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_check_has_no_accessibility_violations(page: Page, base_url, path, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + path)
    assert_accessible(page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_refused_paste_has_no_accessibility_violations(page: Page, base_url, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + CHECK)
    page.get_by_label("What your exchange's API returns").fill("{broken")
    page.get_by_role("button", name="Check the paste").click()
    expect(page.locator(".error-summary")).to_contain_text("not valid JSON")
    expect(page.get_by_label("What your exchange's API returns")).to_have_value("{broken")
    assert_accessible(page)


def test_the_check_fits_a_360px_screen(page: Page, base_url):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(base_url + RESULT)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
