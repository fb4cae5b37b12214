"""The shared layout on a laptop (1280x800) and a phone (390x844): the navigation, the
Tools in the workbench, readable charts, nothing wider than the screen (issue 27:
items 1, 2, 11 and 14)."""

import itertools
import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_simulator_layout import assert_in_viewport, box
from tests.conftest import LESSON_4_URL

WIDE = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
LIQUIDATION = (
    "/tools/liquidation-price/?venue=binance&symbol=BTC&side=long&entry_price=60,000&size=1"
    "&size_unit=coins&leverage=10&mode=isolated&tiers=venue"
)
POSITION_SIZE = (
    "/tools/position-size/?balance=10,000&risk=1&entry_price=60,000&stop_price=58,800"
    "&leverage=10&symbol=BTC&venue=binance"
)
PNL = (
    "/tools/pnl/?side=long&entry_price=60,000&exit_price=63,000&size=0.5&size_unit=coins"
    "&leverage=10&venue=binance&entry_order=taker&exit_order=maker&funding_rate=0.01"
    "&funding_intervals=9"
)
SIMULATOR = "/simulator/?preset=two-isolated"
REPLAY = "/simulator/replay/?path=lesson-4"
PAGES = ["/", "/learn/", LESSON_4_URL, "/strategies/", SIMULATOR, REPLAY, "/tools/"]
PAGES += [LIQUIDATION, POSITION_SIZE, PNL]
AT_TEN = "liquidated when the mark price reaches 54,221.11"
AT_TWENTY = "liquidated when the mark price reaches 57,236.18"
LIVE_REGIONS = "[aria-live], [role=status], [role=alert], [role=log]"


def main_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main")


# --------------------------------------------------------------------------- navigation


def test_a_phone_shows_the_navigation_in_one_row_with_a_menu(page: Page, base_url):
    page.set_viewport_size(PHONE)
    page.goto(base_url + "/")
    assert box(page.locator(".site-header"))["height"] <= 72  # one row, not three
    nav = main_nav(page)
    expect(nav.get_by_role("link", name="Tools")).to_have_count(0)  # folded away
    # By keyboard: the skip link, the brand, then the menu's button.
    for _ in range(3):
        page.keyboard.press("Tab")
    summary = nav.locator("summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_accessible_name("Menu")
    page.keyboard.press("Enter")
    links = nav.get_by_role("link")
    expect(links).to_have_text(
        [
            "Margin Academy",
            "Learn",
            "Strategies",
            "Simulator",
            "Tools",
            "Quiz",
            "Progress",
            "Log in",
        ]
    )
    for name in ("Learn", "Log in"):
        assert_in_viewport(page, nav.get_by_role("link", name=name))
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="Learn")).to_be_focused()
    nav.get_by_role("link", name="Tools").click()
    expect(page).to_have_url(re.compile(r"/tools/$"))
    expect(main_nav(page).get_by_role("link", name="Tools")).to_have_count(0)


def test_the_menu_opens_without_javascript(no_js_page: Page):
    page = no_js_page
    page.set_viewport_size(PHONE)
    page.goto("/learn/")
    page.get_by_text("Menu", exact=True).click()
    link = main_nav(page).get_by_role("link", name="Simulator")
    expect(link).to_be_visible()
    expect(main_nav(page).get_by_role("link", name="Learn")).to_have_attribute(
        "aria-current", "page"
    )
    link.click()
    expect(page).to_have_url(re.compile(r"/simulator/$"))


def test_a_laptop_shows_every_section_in_one_row_and_no_menu(page: Page, base_url):
    page.set_viewport_size(WIDE)
    page.goto(base_url + "/")
    assert box(page.locator(".site-header"))["height"] <= 72
    expect(main_nav(page).locator("summary")).to_be_hidden()
    for name in ("Learn", "Strategies", "Simulator", "Tools", "Quiz", "Progress", "Log in"):
        assert_in_viewport(page, main_nav(page).get_by_role("link", name=name))


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["wide", "phone"])
def test_the_home_page_leads_to_the_replay_and_the_replay_to_the_simulator(
    page: Page, base_url, viewport
):
    page.set_viewport_size(viewport)
    page.goto(base_url + "/")
    page.get_by_role("main").get_by_role("link", name="Replay", exact=True).click()
    expect(page).to_have_url(re.compile(r"/simulator/replay/$"))
    if viewport is PHONE:
        page.get_by_text("Menu", exact=True).click()
    expect(main_nav(page).get_by_role("link", name="Simulator")).to_have_attribute(
        "aria-current", "page"
    )
    main_nav(page).get_by_role("link", name="Simulator").click()
    # The simulator links to the replay before it shows any result.
    expect(page.get_by_role("main").get_by_role("link", name="replay")).to_be_visible()


# --------------------------------------------------------------------------- nothing too wide


@pytest.mark.parametrize("url", PAGES)
def test_no_page_scrolls_sideways_on_a_phone(page: Page, base_url, url):
    page.set_viewport_size(PHONE)
    page.goto(base_url + url)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("width", [320, 360])
def test_the_brand_and_the_menu_fit_the_narrowest_screens(page: Page, base_url, width):
    page.set_viewport_size({"width": width, "height": 640})
    page.goto(base_url + "/tools/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_in_viewport(page, main_nav(page).locator("summary"))


TOO_WIDE = """() => [...document.querySelectorAll(
    '.lesson-widget .table-responsive, .results .table-responsive')]
  .filter(region => region.querySelector('.tool-figures, .venues-table, .compare-table'))
  .filter(region => region.scrollWidth > region.clientWidth + 1)
  .map(region => region.querySelector('caption').textContent)"""


@pytest.mark.parametrize("width", [390, 360])
@pytest.mark.parametrize("url", [LESSON_4_URL, LIQUIDATION, POSITION_SIZE, PNL])
def test_summary_tables_fit_a_phone_without_sideways_scrolling(page: Page, base_url, url, width):
    """Lesson 4's widget table and the Tools' tables, each whole within its card or column."""
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(base_url + url)
    assert page.locator(".tool-figures, .lesson-widget .compare-table").count() >= 1
    assert page.evaluate(TOO_WIDE) == []
    for card in page.locator(".lesson-widget").all():
        outer = box(card)
        inner = box(card.locator("table").first)
        assert inner["x"] + inner["width"] <= outer["x"] + outer["width"]


# --------------------------------------------------------------------------- the Tools


def test_a_laptop_shows_the_tools_result_beside_the_form(page: Page, base_url):
    page.set_viewport_size(WIDE)
    page.goto(base_url + LIQUIDATION)
    summary = page.locator("#results .results-summary")
    expect(summary).to_contain_text(AT_TEN)
    assert box(page.locator("#results"))["y"] < WIDE["height"] / 2
    assert_in_viewport(page, summary)
    field = page.get_by_label("Leverage")
    field.scroll_into_view_if_needed()
    field.fill("20")
    expect(summary).to_contain_text(AT_TWENTY)
    expect(field).to_be_focused()
    assert_in_viewport(page, field)
    assert_in_viewport(page, summary)
    assert box(page.locator("#results"))["x"] >= box(field)["x"] + box(field)["width"]
    # The table of the five exchanges is in the results column, all of it.
    table = page.get_by_role("table", name=re.compile("Each exchange's rule"))
    table.scroll_into_view_if_needed()
    expect(table.locator("tbody tr")).to_have_count(5)
    expect(page.locator(LIVE_REGIONS)).to_have_count(1)


def test_a_phone_keeps_the_tools_summary_in_view_while_typing(page: Page, base_url):
    page.set_viewport_size(PHONE)
    page.goto(base_url + LIQUIDATION)
    field = page.get_by_label("Leverage")
    field.scroll_into_view_if_needed()
    field.fill("20")
    status = page.locator("#tool-status")
    expect(status).to_contain_text(AT_TWENTY)
    assert box(page.locator("#results .results-summary"))["y"] > PHONE["height"]
    bar = assert_in_viewport(page, status)
    assert box(field)["y"] >= bar["y"] + bar["height"]
    expect(page.locator(LIVE_REGIONS)).to_have_count(1)
    expect(status).to_have_attribute("aria-live", "polite")


@pytest.mark.parametrize(
    ("viewport", "in_view"),
    [(WIDE, "#results .results-summary"), (PHONE, "#tool-status")],
    ids=["wide", "phone"],
)
def test_the_tools_layout_needs_no_javascript(no_js_page: Page, viewport, in_view):
    page = no_js_page
    page.set_viewport_size(viewport)
    page.goto(LIQUIDATION)
    page.get_by_label("Leverage").fill("20")
    page.get_by_role("button", name="Calculate").click()
    expect(page.get_by_label("Leverage")).to_have_value("20")
    expect(page.locator(in_view)).to_contain_text(AT_TWENTY)
    assert_in_viewport(page, page.locator(in_view))


def test_a_phone_shows_the_summary_once(page: Page, base_url):
    """The bar steps aside while the results' own summary is on screen, and comes back."""
    page.set_viewport_size(PHONE)
    page.goto(base_url + SIMULATOR)
    status = page.locator("#simulator-status")
    opacity = "el => getComputedStyle(el).opacity"
    expect(status).not_to_be_empty()
    assert status.evaluate(opacity) == "1"
    page.locator("#results .results-summary").scroll_into_view_if_needed()
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('#simulator-status')).opacity === '0'"
    )
    page.get_by_label("BTC price or move").scroll_into_view_if_needed()
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('#simulator-status')).opacity === '1'"
    )


# --------------------------------------------------------------------------- charts

LABELS = """() => [...document.querySelectorAll('svg .chart-label')]
  .filter(label => getComputedStyle(label).display !== 'none')
  .map(label => {
    const svg = label.ownerSVGElement, view = svg.viewBox.baseVal, b = label.getBBox();
    const scale = svg.getBoundingClientRect().width / view.width;
    return {text: label.textContent, px: parseFloat(getComputedStyle(label).fontSize) * scale,
            left: b.x, right: b.x + b.width, top: b.y, bottom: b.y + b.height,
            width: view.width, height: view.height, x: label.classList.contains('chart-label-y')};
  })"""


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["wide", "phone"])
@pytest.mark.parametrize("url", [SIMULATOR, REPLAY])
def test_chart_labels_are_readable_and_inside_the_chart(page: Page, base_url, url, viewport):
    page.set_viewport_size(viewport)
    page.goto(base_url + url)
    labels = page.evaluate(LABELS)
    assert len(labels) >= 5
    for label in labels:
        assert label["px"] >= 12, label
        assert label["left"] >= 0 and label["right"] <= label["width"], label
        assert label["top"] >= 0 and label["bottom"] <= label["height"], label
    # The price (or hour) labels along the bottom never overlap.
    along = sorted((label for label in labels if not label["x"]), key=lambda label: label["left"])
    for before, after in itertools.pairwise(along):
        assert before["right"] <= after["left"], (before, after)
    if url == SIMULATOR:
        assert "+50%" in [label["text"] for label in labels]


# --------------------------------------------------------------------------- accessibility


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["wide", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    "url", ["/", LESSON_4_URL, SIMULATOR, LIQUIDATION, POSITION_SIZE, PNL, REPLAY]
)
def test_changed_pages_have_no_accessibility_violations(
    page: Page, base_url, url, scheme, viewport
):
    page.set_viewport_size(viewport)
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + url)
    assert_accessible(page)
    if viewport is PHONE:
        page.get_by_text("Menu", exact=True).click()
        assert_accessible(page)
