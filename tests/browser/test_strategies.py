"""Strategies 4 and 5 in Chromium: their simulators, moved with htmx and without
JavaScript, show what the pages say; the pages fit a phone. Axe runs on every strategy
in tests/browser/test_curriculum.py."""

import re

import pytest
from playwright.sync_api import expect

FUNDING = "/strategies/delta-neutral-funding/"
COLLATERAL = "/strategies/hedge-on-coin-collateral/"


def move(page, widget: str, value: str, javascript: bool) -> None:
    found = page.locator(f"#{widget}")
    found.get_by_label(re.compile("^BTC's move")).fill(value)
    if not javascript:
        found.get_by_role("button", name="Show the outcome").click()


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_each_leg_of_the_funding_trade_is_liquidated_on_its_own_side(browser, base_url, javascript):
    context = browser.new_context(base_url=base_url, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(FUNDING)
    short = page.locator("#short-leg-outcome")
    expect(short).to_contain_text("BTC 20%: 72,000.00")
    move(page, "short-leg", "10", javascript)
    # 66,000 is short of the isolated short's 71,642 (the page's figure).
    expect(page.locator("#short-leg-outcome")).to_contain_text("BTC 10%: 66,000.00")
    expect(page.locator("#short-leg-outcome")).to_contain_text("Isolated: nothing is liquidated")
    move(page, "long-leg", "-30", javascript)
    # 42,000 is past the cross long's 42,211 too.
    long = page.locator("#long-leg-outcome")
    expect(long).to_contain_text("BTC \u221230%: 42,000.00")
    expect(long).to_contain_text("All cross: BTC long liquidated")
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_the_usdt_view_of_the_hedge_is_liquidated_when_btc_doubles(browser, base_url, javascript):
    context = browser.new_context(base_url=base_url, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(COLLATERAL)
    expect(page.locator("#usdt-view-outcome")).to_contain_text("equity is $27,000.00")
    move(page, "usdt-view", "100", javascript)
    expect(page.locator("#usdt-view-outcome")).to_contain_text(
        "Cross: BTC short liquidated, you lose $57,000.00"
    )
    context.close()


@pytest.mark.parametrize("path", [FUNDING, COLLATERAL])
def test_the_new_strategies_fit_a_360px_screen(page, base_url, path):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(base_url + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
