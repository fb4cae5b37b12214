import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible

LIQUIDATION = "/tools/liquidation-price/"
POSITION_SIZE = "/tools/position-size/"
PNL = "/tools/pnl/"
SUMMARY = "#results .results-summary"
LIQUIDATION_RESULT = (
    LIQUIDATION + "?venue=binance&symbol=BTC&side=long&entry_price=60,000&size=1"
    "&size_unit=coins&leverage=10&mode=isolated&tiers=venue&funding_rate=0.01"
    "&funding_intervals=9&last_price=60,100"
)
POSITION_SIZE_RESULT = (
    POSITION_SIZE + "?balance=10,000&risk=1&entry_price=60,000&stop_price=50,000"
    "&leverage=50&symbol=BTC&venue=binance"
)
PNL_RESULT = (
    PNL + "?side=long&entry_price=60,000&exit_price=63,000&size=0.5&size_unit=coins"
    "&leverage=10&venue=binance&entry_order=taker&exit_order=maker&funding_rate=0.01"
    "&funding_intervals=9"
)


def mark_page(page: Page) -> None:
    """Tag the document so a full reload (which would drop the tag) can be detected."""
    page.evaluate("window.notReloaded = true")


def still_same_document(page: Page) -> bool:
    return page.evaluate("window.notReloaded === true")


def test_the_tools_index_leads_to_each_calculator(page: Page, base_url):
    page.goto(base_url + "/tools/")
    expect(page.get_by_role("heading", name="Tools", exact=True)).to_be_visible()
    page.get_by_role("link", name="Position size from risk").click()
    expect(page).to_have_url(re.compile(r"/tools/position-size/$"))
    breadcrumb = page.get_by_role("navigation", name="Breadcrumb")
    expect(breadcrumb.get_by_role("link", name="Tools")).to_have_attribute("href", "/tools/")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Tools")
    ).to_have_attribute("aria-current", "page")


# --------------------------------------------------------------------------- with JavaScript


def test_the_liquidation_price_updates_as_you_type(page: Page, base_url):
    page.goto(base_url + LIQUIDATION)
    mark_page(page)
    page.get_by_label("Entry price").fill("40,000")
    page.get_by_role("textbox", name="Size", exact=True).fill("1")
    field = page.get_by_label("Leverage")
    field.fill("50")
    expect(page.locator(SUMMARY)).to_contain_text("Binance USDS-M is liquidated when")
    expect(field).to_be_focused()  # typing is never interrupted
    expect(page).to_have_url(re.compile(r"entry_price=40%2C000.*leverage=50"))
    # Bybit: its fees replace Binance's in the fields, and its rule applies.
    venue = page.get_by_role("combobox", name="Exchange")
    venue.focus()
    venue.select_option("bybit")
    expect(page.get_by_label("Taker fee (%)")).to_have_value("0.055")
    expect(venue).to_be_focused()  # only the fee fields are swapped
    page.get_by_label("Position margin (isolated, optional)").fill("3,800")
    expect(page.locator(SUMMARY)).to_contain_text("reaches 36,380.25")  # Bybit's example
    expect(page.locator("#tool-status")).to_have_attribute(
        "aria-live", "polite"
    )  # the one live region
    expect(page.locator("#results")).to_contain_text("Why does my exchange show a different")
    assert still_same_document(page)
    page.reload()  # the address is the result
    expect(page.locator(SUMMARY)).to_contain_text("reaches 36,380.25")
    expect(page.get_by_label("Taker fee (%)")).to_have_value("0.055")


def test_a_mistake_while_typing_lists_what_to_fix(page: Page, base_url):
    page.goto(base_url + LIQUIDATION_RESULT)
    mark_page(page)
    page.get_by_label("Leverage").fill("500")
    results = page.locator("#results")
    expect(results).to_contain_text("Results appear once the form is complete")
    results.get_by_role("link", name="Leverage must be at most 125").click()
    expect(page.get_by_label("Leverage")).to_be_focused()
    assert still_same_document(page)


def test_the_position_size_warns_before_a_liquidation_past_the_stop(page: Page, base_url):
    page.goto(base_url + POSITION_SIZE)
    mark_page(page)
    page.get_by_label("Account balance").fill("10,000")
    page.get_by_label("Risk per trade (% of the account)").fill("1")
    page.get_by_label("Entry price").fill("60,000")
    page.get_by_label("Stop price").fill("58,800")
    page.get_by_label("Leverage").fill("10")
    expect(page.locator(SUMMARY)).to_contain_text("go long 0.07940289 BTC")
    expect(page.locator(".tool-warning")).to_have_count(0)
    page.get_by_label("Stop price").fill("50,000")
    page.get_by_label("Leverage").fill("50")
    expect(page.locator(".tool-warning")).to_contain_text("Warning: liquidated before your stop")
    assert still_same_document(page)
    expect(page).to_have_url(re.compile(r"stop_price=50%2C000"))


def test_the_pnl_follows_the_order_types(page: Page, base_url):
    page.goto(base_url + PNL_RESULT)
    expect(page.locator(SUMMARY)).to_contain_text("You make $1,451.70")
    mark_page(page)
    page.get_by_role("group", name="Exit order pays").get_by_label("Taker (market order)").check()
    expect(page.locator(SUMMARY)).to_contain_text("You make $1,442.25")
    page.get_by_label("Exit price").fill("57,000")
    expect(page.locator(SUMMARY)).to_contain_text("You lose")
    assert still_same_document(page)


# --------------------------------------------------------------------------- without JavaScript


def test_the_liquidation_calculator_works_without_javascript(no_js_page: Page):
    page = no_js_page
    page.goto(LIQUIDATION)
    page.get_by_role("group", name="Side").get_by_label("Short").check()
    page.get_by_label("Entry price").fill("3,000")
    page.get_by_role("combobox", name="Coin").select_option("ETH")
    page.get_by_role("textbox", name="Size", exact=True).fill("4")
    page.get_by_label("Leverage").fill("20")
    page.get_by_role("group", name="Margin mode").get_by_label("Cross").check()
    page.get_by_role("button", name="Calculate").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Enter the wallet balance for cross margin, like 10,000")
    expect(page.get_by_label("Entry price")).to_have_value("3,000")
    page.get_by_label("Wallet balance (cross)").fill("2,000")
    page.get_by_role("combobox", name="Exchange").select_option("okx")
    page.get_by_role("button", name="Calculate").click()
    expect(page).to_have_url(re.compile(r"venue=okx.*balance=2%2C000"))
    expect(page.locator(SUMMARY)).to_contain_text("Your ETH short on OKX")
    expect(page.get_by_label("Taker fee (%)")).to_have_value("0.05")
    expect(page.locator(".breakdown-table")).to_contain_text("Check")


def test_the_position_size_calculator_works_without_javascript(no_js_page: Page):
    page = no_js_page
    page.goto(POSITION_SIZE)
    page.get_by_label("Account balance").fill("10,000")
    page.get_by_label("Risk per trade (% of the account)").fill("2")
    page.get_by_label("Entry price").fill("3,000")
    page.get_by_label("Stop price").fill("3,090")
    page.get_by_label("Leverage").fill("5")
    page.get_by_role("combobox", name="Coin").select_option("ETH")
    page.get_by_role("button", name="Calculate").click()
    expect(page.locator(SUMMARY)).to_contain_text("go short")
    expect(page.locator("#results")).to_contain_text("Short (the stop is above the entry)")


def test_the_pnl_calculator_works_without_javascript(no_js_page: Page):
    page = no_js_page
    page.goto(PNL)
    page.get_by_label("Entry price").fill("60,000")
    page.get_by_label("Exit price").fill("lots")
    page.get_by_role("textbox", name="Size", exact=True).fill("0.5")
    page.get_by_label("Leverage").fill("10")
    page.get_by_role("button", name="Calculate").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Exit price must be a number, like 60,000")
    expect(page.get_by_label("Exit price")).to_have_value("lots")
    page.get_by_label("Exit price").fill("63,000")
    page.get_by_role("button", name="Calculate").click()
    expect(page.locator(SUMMARY)).to_contain_text("You make $1,469.25")


# --------------------------------------------------------------------------- accessibility


@pytest.mark.parametrize(
    "path",
    [
        "/tools/",
        LIQUIDATION,
        LIQUIDATION_RESULT,
        LIQUIDATION + "?venue=ftx&entry_price=abc&leverage=500&mode=cross",
        POSITION_SIZE,
        POSITION_SIZE_RESULT,
        POSITION_SIZE + "?balance=-1&risk=200&entry_price=5&stop_price=5",
        PNL,
        PNL_RESULT,
        PNL + "?side=sideways&exit_price=x&funding_intervals=0.5",
    ],
    ids=[
        "index",
        "liquidation-empty",
        "liquidation-result",
        "liquidation-errors",
        "size-empty",
        "size-result-warning",
        "size-errors",
        "pnl-empty",
        "pnl-result",
        "pnl-errors",
    ],
)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_tools_have_no_accessibility_violations(page: Page, base_url, path, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + path)
    assert_accessible(page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_live_results_have_no_accessibility_violations(page: Page, base_url, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + LIQUIDATION_RESULT)
    page.get_by_role("combobox", name="Exchange").select_option("dydx")
    expect(page.locator(SUMMARY)).to_contain_text("dYdX v4")
    assert_accessible(page)


@pytest.mark.parametrize("path", [LIQUIDATION_RESULT, POSITION_SIZE_RESULT, PNL_RESULT, "/tools/"])
def test_tools_fit_a_360px_screen(page: Page, base_url, path):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(base_url + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
