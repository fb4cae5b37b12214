import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible
from tests.conftest import LESSON_4_URL

SUMMARY = "#results .results-summary"


def mark_page(page: Page) -> None:
    """Tag the document so a full reload (which would drop the tag) can be detected."""
    page.evaluate("window.notReloaded = true")


def still_same_document(page: Page) -> bool:
    return page.evaluate("window.notReloaded === true")


def test_changing_the_btc_move_updates_results_in_place(page: Page, base_url):
    page.goto(base_url + "/simulator/?preset=two-isolated")
    expect(page.locator(SUMMARY)).to_contain_text("Isolated: BTC long liquidated")
    mark_page(page)
    field = page.get_by_label("BTC price or move")
    field.fill("-5%")
    expect(page.locator(SUMMARY)).to_contain_text("Isolated: nothing is liquidated")
    expect(field).to_be_focused()  # typing is never interrupted
    assert still_same_document(page)
    expect(page).to_have_url(re.compile(r"mark_BTC=-5%25"))
    expect(page.locator("#simulator-status")).to_contain_text("Isolated: nothing is liquidated")


def test_switching_the_account_to_cross(page: Page, base_url):
    page.goto(base_url + "/simulator/?preset=two-isolated")
    mark_page(page)
    page.get_by_role("group", name="Margin mode").get_by_label("Cross").check()
    expect(page.locator(SUMMARY)).to_contain_text(
        "Cross: nothing is liquidated; equity is $3,800.00."
    )
    assert still_same_document(page)


def test_choosing_a_venue_applies_its_rules(page: Page, base_url):
    page.goto(base_url + "/simulator/?preset=two-isolated")
    expect(page.locator("#results .assumptions")).to_contain_text("Binance USDS-M's rules")
    mark_page(page)
    page.get_by_role("combobox", name="Exchange whose rules apply").select_option("okx")
    assumptions = page.locator("#results .assumptions")
    expect(assumptions).to_contain_text("Liquidation follows OKX USDT-margined swap's rules")
    expect(page.locator("#results")).not_to_contain_text("54,271.36")  # Binance's figure
    expect(page).to_have_url(re.compile(r"venue=okx"))
    assert still_same_document(page)


def test_add_and_remove_a_position(page: Page, base_url):
    page.goto(base_url + "/simulator/?preset=two-isolated")
    mark_page(page)
    page.get_by_role("button", name="Add a position").click()
    expect(page.locator(".position-row")).to_have_count(3)
    expect(page.locator("#simulator-status")).to_have_text("Position 3 added.")
    row = page.get_by_role("group", name="Position 3")
    row.get_by_label("Symbol").fill("SOL")
    row.get_by_label("Long").check()
    row.get_by_label("Entry price").fill("150")
    row.get_by_label("Leverage").fill("3")
    row.get_by_role("textbox", name="Size", exact=True).fill("300")
    expect(page.get_by_label("SOL price or move")).to_be_visible()
    expect(page.locator("#results")).to_contain_text("SOL long")
    page.get_by_role("button", name="Remove position 1").click()
    expect(page.locator(".position-row")).to_have_count(2)
    expect(page.get_by_label("BTC price or move")).to_have_count(0)
    assert still_same_document(page)


def test_errors_show_beside_the_field_and_in_a_summary(page: Page, base_url):
    page.goto(base_url + "/simulator/?preset=two-isolated")
    page.get_by_label("Account balance").fill("lots")
    page.get_by_role("button", name="Calculate").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Account balance must be a number, like 5,000")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Account balance")).to_have_value("lots")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Account balance")).to_be_focused()


def test_try_this_link_from_the_lesson(page: Page, base_url):
    page.goto(base_url + LESSON_4_URL)
    page.locator("#isolated-practical-example ~ p").get_by_role(
        "link", name="Try this in the simulator"
    ).first.click()
    expect(page).to_have_url(re.compile(r"/simulator/\?preset=two-isolated"))
    expect(page.locator(SUMMARY)).to_contain_text("you lose $1,000.00; ETH long keeps running")
    expect(page.locator("#results")).to_contain_text("54,271.36")
    expect(page.locator("#results")).to_contain_text("$4,000.00")


def test_lesson_widget_updates_in_place(page: Page, base_url):
    page.goto(base_url + LESSON_4_URL)
    mark_page(page)
    widget = page.locator("#btc-move")
    expect(widget).to_contain_text("All cross: nothing is liquidated; equity is $3,800.00.")
    slider = widget.get_by_label("BTC's move from 60,000, from \u221260% to 0%")
    slider.fill("-55")
    outcome = page.locator("#btc-move-outcome")
    expect(outcome).to_have_attribute("aria-live", "polite")
    expect(outcome).to_contain_text("BTC \u221255%: 27,000.00")
    expect(outcome).to_contain_text("All cross: BTC long, ETH long liquidated")
    # The link to the full simulator follows the slider (swapped out of band).
    link = widget.get_by_role("link", name="Open these positions in the full simulator")
    expect(link).to_have_attribute("href", re.compile(r"mark_BTC=-55%25"))
    assert still_same_document(page)
    link.click()
    expect(page.locator(SUMMARY)).to_contain_text("All cross: BTC long, ETH long liquidated")


@pytest.fixture
def no_js_page(browser, base_url):
    context = browser.new_context(java_script_enabled=False, base_url=base_url)
    yield context.new_page()
    context.close()


def test_the_simulator_works_without_javascript(no_js_page: Page):
    page = no_js_page
    page.goto("/simulator/?preset=two-isolated")
    page.get_by_label("BTC price or move").fill("-5%")
    page.get_by_role("button", name="Calculate").click()
    expect(page).to_have_url(re.compile(r"mark_BTC=-5%25"))
    expect(page.locator(SUMMARY)).to_contain_text("Isolated: nothing is liquidated")
    page.get_by_role("button", name="Add a position").click()
    expect(page.locator(".position-row")).to_have_count(3)
    page.get_by_role("button", name="Remove position 3").click()
    expect(page.locator(".position-row")).to_have_count(2)
    page.get_by_role("button", name="Calculate").click()
    expect(page.locator(SUMMARY)).to_contain_text("Isolated: nothing is liquidated")


def test_the_lesson_widget_works_without_javascript(no_js_page: Page):
    page = no_js_page
    page.goto(LESSON_4_URL)
    page.get_by_label("BTC's move from 60,000").fill("-55")
    page.get_by_role("button", name="Show the outcome").click()
    expect(page).to_have_url(re.compile(r"\?btc_move=-55#btc-move$"))
    widget = page.locator("#btc-move")
    expect(widget).to_contain_text("BTC \u221255%: 27,000.00")
    expect(widget).to_contain_text("All cross: BTC long, ETH long")
    expect(widget.get_by_label("BTC's move from 60,000")).to_have_value("-55")
    widget.get_by_role("link", name="Open these positions in the full simulator").click()
    expect(page.locator(SUMMARY)).to_contain_text("All cross: BTC long, ETH long liquidated")


@pytest.mark.parametrize(
    "path",
    [
        "/simulator/",
        "/simulator/?preset=two-isolated",
        "/simulator/?balance=abc&mode=cross&positions-TOTAL_FORMS=1&positions-0-leverage=500",
        "/simulator/methodology/",
    ],
    ids=["empty", "results", "errors", "methodology"],
)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_simulator_states_have_no_accessibility_violations(page: Page, base_url, path, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + path)
    assert_accessible(page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_lesson_widget_has_no_accessibility_violations(page: Page, base_url, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + LESSON_4_URL)
    page.locator("#btc-move").get_by_label("BTC's move from 60,000").fill("-40")
    expect(page.locator("#btc-move-outcome")).to_contain_text("BTC \u221240%")
    assert_accessible(page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_widget_as_the_lesson_renders_it_has_no_accessibility_violations(
    page: Page, base_url, scheme
):
    """What a browser without JavaScript gets after "Show the outcome" (axe itself needs
    JavaScript, so it runs in a page that has it)."""
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + LESSON_4_URL + "?btc_move=-55")
    expect(page.locator("#btc-move-outcome")).to_contain_text("BTC \u221255%")
    assert_accessible(page)


def test_simulator_fits_a_360px_screen(page: Page, base_url):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(base_url + "/simulator/?preset=two-isolated")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
