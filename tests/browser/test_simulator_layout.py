"""The simulator keeps the outcome of a change in view (issue 11, item 5).

Wide screens (xl, 1200 px up): the results column sits beside the form, sticky, so
the summary, the comparison table and the chart stay in view while typing.
Narrower: the polite live region is also a summary bar stuck to the top, and the
browser scrolls focused fields clear of it (scroll-padding).
"""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import assert_accessible

LESSON_4 = "/simulator/?preset=two-isolated"
WIDE = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SUMMARY = "#results .results-summary"
BEFORE = "Isolated: BTC long liquidated"  # the preset's BTC move, -12%
AFTER = (  # BTC -5%
    "Isolated: nothing is liquidated; equity is $4,500.00. "
    "All cross: nothing is liquidated; equity is $4,500.00."
)
LIVE_REGIONS = "[aria-live], [role=status], [role=alert], [role=log]"


def box(locator: Locator) -> dict:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not rendered"
    return found


def assert_in_viewport(page: Page, locator: Locator) -> dict:
    """The whole of the element is on screen; returns its box."""
    b, viewport = box(locator), page.viewport_size
    assert b["y"] >= 0 and b["y"] + b["height"] <= viewport["height"], (locator, b, viewport)
    assert b["x"] >= 0 and b["x"] + b["width"] <= viewport["width"], (locator, b, viewport)
    return b


def type_btc_move(page: Page, move: str) -> Locator:
    """Scroll to the BTC field as a reader would, and type over its value."""
    field = page.get_by_label("BTC price or move")
    field.scroll_into_view_if_needed()
    field.click()
    field.press("ControlOrMeta+a")
    field.press_sequentially(move)
    return field


def test_wide_screen_shows_the_results_of_a_change_beside_the_form(page: Page, base_url):
    page.set_viewport_size(WIDE)
    page.goto(base_url + LESSON_4)
    expect(page.locator(SUMMARY)).to_contain_text(BEFORE)
    field = type_btc_move(page, "-5%")
    expect(page.locator(SUMMARY)).to_have_text(AFTER)
    expect(field).to_be_focused()
    assert_in_viewport(page, field)
    assert_in_viewport(page, page.locator(SUMMARY))
    assert_in_viewport(page, page.locator("#results .compare-table"))
    assert_in_viewport(page, page.locator("#results .equity-chart svg"))
    assert_in_viewport(page, page.locator("#results .chart-legend"))
    # Side by side: the form first, the results to its right.
    assert box(page.locator("#results"))["x"] >= sum(box(field).get(k) for k in ("x", "width"))
    # The results are on screen, so the live region has no visible copy.
    assert box(page.locator("#simulator-status"))["height"] <= 1
    expect(page.locator(LIVE_REGIONS)).to_have_count(1)


def test_a_phone_keeps_the_summary_of_a_change_in_view(page: Page, base_url):
    page.set_viewport_size(PHONE)
    page.goto(base_url + LESSON_4)
    field = type_btc_move(page, "-5%")
    expect(page.locator(SUMMARY)).to_have_text(AFTER)
    # The results are far below the field; the live region itself is the bar on screen.
    assert box(page.locator(SUMMARY))["y"] > PHONE["height"]
    status = page.locator("#simulator-status")
    expect(status).to_have_text(AFTER)
    bar = assert_in_viewport(page, status)
    assert bar["height"] > 20
    expect(page.locator(LIVE_REGIONS)).to_have_count(1)
    expect(status).to_have_attribute("aria-live", "polite")
    expect(field).to_be_focused()
    assert box(field)["y"] >= bar["y"] + bar["height"]
    assert_in_viewport(page, field)


def test_the_summary_bar_never_hides_the_focused_field(page: Page, base_url):
    """WCAG 2.2 focus not obscured: moving back up the form puts each field below the bar."""
    page.set_viewport_size(PHONE)
    page.goto(base_url + LESSON_4)
    page.get_by_label("BTC price or move").focus()
    status = page.locator("#simulator-status")
    for _ in range(12):
        page.keyboard.press("Shift+Tab")
        bar = box(status)
        focused = box(page.locator(":focus"))
        assert focused["y"] >= bar["y"] + bar["height"], page.evaluate(
            "document.activeElement.outerHTML.slice(0, 120)"
        )


def test_a_360px_screen_never_scrolls_sideways_after_a_change(page: Page, base_url):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(base_url + LESSON_4)
    type_btc_move(page, "-5%")
    expect(page.locator("#simulator-status")).to_have_text(AFTER)
    assert_in_viewport(page, page.locator("#simulator-status"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.fixture
def no_js_page(browser, base_url):
    context = browser.new_context(java_script_enabled=False, base_url=base_url)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize(
    ("viewport", "in_view"),
    [(WIDE, SUMMARY), (PHONE, "#simulator-status")],
    ids=["wide", "phone"],
)
def test_the_layout_needs_no_javascript(no_js_page: Page, viewport, in_view):
    page = no_js_page
    page.set_viewport_size(viewport)
    page.goto(LESSON_4)
    page.get_by_label("BTC price or move").fill("-5%")
    page.get_by_role("button", name="Calculate").click()
    field = page.get_by_label("BTC price or move")
    expect(field).to_have_value("-5%")
    field.scroll_into_view_if_needed()
    expect(page.locator(in_view)).to_have_text(AFTER)
    assert_in_viewport(page, page.locator(in_view))


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["wide", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_layout_has_no_accessibility_violations(page: Page, base_url, viewport, scheme):
    page.set_viewport_size(viewport)
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + LESSON_4)
    type_btc_move(page, "-5%")
    expect(page.locator("#simulator-status")).to_have_text(AFTER)
    assert_accessible(page)


# Issue 27, item 3: the positions' key columns (margin, liquidation price, distance to
# it) in view with no sideways scrolling, beside the form at 1280 px and on a phone,
# where they come within two screens of the results' summary, one link away from the top.
KEY_COLUMNS = ("Margin", "Liquidation price", "Distance to liquidation")


def assert_key_columns_fit(page: Page) -> None:
    results = box(page.locator("#results"))
    for table in page.locator(".positions-table").all():
        region = table.locator("xpath=..")
        assert region.evaluate("e => e.scrollWidth <= e.clientWidth"), box(table)
        for name in KEY_COLUMNS:
            cell = box(table.get_by_role("columnheader", name=name, exact=True))
            assert cell["x"] + cell["width"] <= results["x"] + results["width"] + 0.5, name
        liquidation = table.locator("tbody tr").first.locator("td").nth(1)
        liquidation.scroll_into_view_if_needed()
        assert_in_viewport(page, liquidation)


def test_wide_screen_shows_the_positions_key_columns_without_sideways_scrolling(
    page: Page, base_url
):
    page.set_viewport_size(WIDE)
    page.goto(base_url + LESSON_4)
    expect(page.locator(SUMMARY)).to_contain_text(BEFORE)
    assert_key_columns_fit(page)
    expect(page.locator(".positions-table").first.locator("tbody tr").first).to_contain_text(
        "54,271.36"
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_a_phone_reaches_the_positions_within_two_screens_of_the_summary(
    browser, base_url, javascript
):
    context = browser.new_context(base_url=base_url, viewport=PHONE, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(LESSON_4)
    page.get_by_role("link", name="Skip to the results").click()
    expect(page).to_have_url(re.compile("#results$"))
    summary = box(page.locator(SUMMARY))
    assert -1 <= summary["y"] < PHONE["height"]  # the link brought the results on screen
    first = box(page.locator(".positions-table").first)
    assert first["y"] - summary["y"] <= 2 * PHONE["height"]
    assert_key_columns_fit(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
