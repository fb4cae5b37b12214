"""The collateral tool in a browser: live results, axe in light and dark, a phone's width."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible

URL = "/tools/collateral/"
RESULT = (
    URL + "?maintenance=1200&a-TOTAL_FORMS=3&a-INITIAL_FORMS=0&a-0-asset=BTC&a-0-amount=0.5"
    "&a-0-price=60000&a-1-asset=USDT&a-1-amount=5000"
)


def test_results_follow_the_amounts(page: Page, base_url):
    page.goto(base_url + RESULT)
    page.get_by_label("Amount").first.fill("1")
    expect(page.locator("#tool-status")).to_contain_text("$61,999.50")


@pytest.mark.parametrize(
    "path",
    [URL, RESULT, URL + "?a-TOTAL_FORMS=1&a-INITIAL_FORMS=0&a-0-asset=BTC&a-0-amount=x"],
    ids=["empty", "result", "errors"],
)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_collateral_tool_is_accessible(page: Page, base_url, path, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + path)
    assert_accessible(page)


def test_the_collateral_tool_fits_a_360px_screen(page: Page, base_url):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(base_url + RESULT)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
