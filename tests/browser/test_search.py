"""Search in a browser: results while typing, the same without JavaScript, accessibility in
light and dark, and a phone's width."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible


@pytest.fixture
def no_js_page(browser, base_url):
    context = browser.new_context(java_script_enabled=False, base_url=base_url)
    yield context.new_page()
    context.close()


def test_results_come_while_typing(page: Page, base_url):
    page.goto(base_url + "/search/")
    page.evaluate("window.notReloaded = true")
    page.get_by_role("searchbox", name="Search lessons").press_sequentially("isolated cro")
    first = page.locator(".search-hit").first
    expect(first).to_contain_text("Isolated vs Cross Margin")
    expect(page).to_have_url(re.compile(r"/search/\?q=isolated(\+|%20)cro"))
    assert page.evaluate("window.notReloaded === true")
    first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Isolated vs Cross Margin")


def test_search_works_without_javascript(no_js_page: Page):
    no_js_page.goto("/search/")
    no_js_page.get_by_role("searchbox", name="Search lessons").fill("liquidaton")
    no_js_page.get_by_role("button", name="Search").click()
    expect(no_js_page.locator(".search-corrected")).to_contain_text("liquidation")
    expect(no_js_page.locator(".search-hit mark").first).to_be_visible()


@pytest.mark.parametrize(
    "path",
    ["/search/", "/search/?q=mark+price", "/search/?q=zzzzqqq", "/search/?q=" + "x" * 101],
    ids=["empty", "results", "none", "too-long"],
)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_has_no_accessibility_violations(page: Page, base_url, path, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + path)
    assert_accessible(page)


def test_search_fits_a_360px_screen(page: Page, base_url):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(base_url + "/search/?q=liquidation")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_header_box_searches_from_any_page(page: Page, base_url):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(base_url + "/learn/")
    box = page.get_by_role("navigation", name="Main").get_by_role(
        "searchbox", name="Search the academy"
    )
    box.fill("funding")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=funding"))
    expect(page.locator(".search-hit").first).to_be_visible()
