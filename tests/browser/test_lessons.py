import re

import pytest
from playwright.sync_api import Page, expect

from lessons.models import Lesson, Level
from tests.browser.conftest import assert_accessible
from tests.conftest import LESSON_4_URL


def test_home_to_lesson_4_by_clicking(page: Page, base_url):
    page.goto(base_url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Learn").click()
    expect(page).to_have_url(base_url + "/learn/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Learn")
    page.get_by_role("link", name=re.compile("Isolated vs Cross Margin")).click()
    expect(page).to_have_url(base_url + LESSON_4_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Isolated vs Cross Margin")
    breadcrumb = page.get_by_role("navigation", name="Breadcrumb")
    expect(breadcrumb).to_have_text(re.compile(r"Learn\s*Beginner\s*Lesson 4"))


def test_table_of_contents_jumps_to_the_section(page: Page, base_url):
    page.goto(base_url + LESSON_4_URL)
    toc = page.get_by_role("navigation", name="On this page")
    toc.get_by_role("link", name="Isolated vs cross, side by side").click()
    expect(page).to_have_url(re.compile(r"#comparison$"))
    expect(page.locator("#comparison")).to_be_in_viewport()
    expect(page.get_by_role("table", name="Isolated and cross margin compared")).to_be_visible()


def test_next_and_previous_lesson_links(page: Page, base_url):
    page.goto(base_url + "/learn/beginner/liquidation-and-maintenance-margin/")
    page.get_by_role("link", name=re.compile("Next lesson")).click()
    expect(page).to_have_url(base_url + LESSON_4_URL)
    page.get_by_role("link", name=re.compile("Previous lesson")).click()
    expect(page).to_have_url(base_url + "/learn/beginner/liquidation-and-maintenance-margin/")
    # Lesson 10 leads on to the Advanced level, and its last lesson to the Strategies
    # (issue 27, item 12).
    page.goto(base_url + "/learn/intermediate/hedging-in-cross-margin/")
    page.get_by_role("link", name=re.compile("^Next level")).click()
    expect(page).to_have_url(base_url + "/learn/advanced/collateral-and-haircuts/")
    last = (
        Lesson.objects.published()
        .filter(level__kind=Level.Kind.TRACK)
        .order_by("level__position", "number")
        .last()
    )
    page.goto(base_url + last.get_absolute_url())
    page.get_by_role("link", name=re.compile("^Next section")).click()
    expect(page).to_have_url(base_url + "/strategies/")


def test_skip_link_moves_focus_to_main(page: Page, base_url):
    page.goto(base_url + LESSON_4_URL)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))


LESSON_2_URL = "/learn/beginner/leverage-and-margin/"
LESSON_3_URL = "/learn/beginner/liquidation-and-maintenance-margin/"
LESSON_10_URL = "/learn/intermediate/hedging-in-cross-margin/"


@pytest.mark.parametrize("path", [LESSON_4_URL, LESSON_2_URL, LESSON_3_URL])
def test_lesson_fits_a_360px_screen(page: Page, base_url, path):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(base_url + path)
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 360


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_lesson_3s_simulator_moves_btc_past_the_liquidation_price(browser, base_url, javascript):
    context = browser.new_context(base_url=base_url, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(LESSON_3_URL)
    widget = page.locator("#lp-move")
    expect(widget.locator(".lesson-widget-results")).to_contain_text("BTC −9%: 54,600.00")
    widget.get_by_label(re.compile("^BTC's move")).fill("-10")
    if not javascript:
        widget.get_by_role("button", name="Show the outcome").click()
    results = page.locator("#lp-move .lesson-widget-results")
    expect(results).to_contain_text("Isolated: BTC long liquidated, you lose $600.00")
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    "path", ["/", "/learn/", LESSON_4_URL, LESSON_2_URL, LESSON_3_URL, LESSON_10_URL]
)
def test_pages_have_no_accessibility_violations(page: Page, base_url, path, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + path)
    assert_accessible(page)


def test_dark_scheme_follows_the_system_setting(page: Page, base_url):
    page.emulate_media(color_scheme="dark")
    page.goto(base_url + "/")
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.emulate_media(color_scheme="light")
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert dark != light
    assert light == "rgb(255, 255, 255)"


def test_accessibility_check_catches_a_violation(page: Page, base_url):
    page.goto(base_url + "/")
    page.evaluate("document.querySelector('main').append(document.createElement('button'))")
    with pytest.raises(AssertionError, match="button-name"):
        assert_accessible(page)


@pytest.mark.parametrize("path", ["/", LESSON_4_URL, "/simulator/?preset=two-isolated", "/quiz/"])
def test_pages_raise_no_content_security_policy_violation(page: Page, base_url, path):
    violations = []
    page.on("console", lambda message: violations.append(message.text))
    page.goto(base_url + path)
    page.wait_for_load_state("networkidle")
    assert [text for text in violations if "Content Security Policy" in text] == []
    assert page.evaluate("typeof htmx") == "object"  # htmx loaded under the policy
