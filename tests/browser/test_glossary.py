"""The glossary in a browser: a term's definition in a popover on hover and focus, closed
by Esc, below the line it explains; the glossary's pages and a lesson with links pass axe."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible
from tests.conftest import LESSON_4_URL

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
LIQUIDATION_PRICE = "The mark price at which a position's margin balance equals its maintenance"


def first_link(page: Page, term: str):
    return page.locator(f'.lesson-body a.glossary-link[href="/glossary/{term}/"]').first


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_hover_shows_the_definition_below_the_line_and_esc_closes_it(
    page: Page, base_url, viewport
):
    page.set_viewport_size(viewport)
    page.goto(base_url + LESSON_4_URL)
    link = first_link(page, "liquidation-price")
    link.scroll_into_view_if_needed()
    link.hover()
    popover = page.get_by_role("tooltip")
    expect(popover).to_be_visible()
    expect(popover).to_contain_text(LIQUIDATION_PRICE)
    line = link.bounding_box()
    box = popover.bounding_box()
    assert box["y"] >= line["y"] + line["height"]  # never over the line being read
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    page.keyboard.press("Escape")
    expect(popover).to_be_hidden()


def test_the_pointer_can_move_onto_the_popover(page: Page, base_url):
    page.set_viewport_size(DESKTOP)
    page.goto(base_url + LESSON_4_URL)
    link = first_link(page, "liquidation-price")
    link.hover()
    popover = page.get_by_role("tooltip")
    popover.hover()
    page.wait_for_timeout(500)
    expect(popover).to_be_visible()
    page.mouse.move(0, 0)
    expect(popover).to_be_hidden()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_focus_shows_the_definition_and_esc_closes_it(page: Page, base_url, viewport):
    page.set_viewport_size(viewport)
    page.goto(base_url + LESSON_4_URL)
    link = first_link(page, "leverage")
    link.focus()
    popover = page.get_by_role("tooltip")
    expect(popover).to_be_visible()
    expect(popover).to_have_text("How many times larger a position is than the margin behind it.")
    page.keyboard.press("Escape")
    expect(popover).to_be_hidden()
    expect(link).to_be_focused()
    link.focus()  # shown again on the next focus, hidden when focus leaves
    page.keyboard.press("Shift+Tab")
    expect(link).not_to_be_focused()
    expect(page.get_by_role("tooltip").filter(has_text="How many times larger")).to_have_count(0)


def test_the_link_is_named_by_its_words_and_described_by_the_definition(page: Page, base_url):
    page.goto(base_url + LESSON_4_URL)
    link = first_link(page, "leverage")
    expect(link).to_have_accessible_name("leverage")
    expect(link).to_have_accessible_description(
        "How many times larger a position is than the margin behind it."
    )


def test_keyboard_reaches_a_glossary_link(page: Page, base_url):
    page.goto(base_url + LESSON_4_URL)
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('glossary-link')"):
            break
    expect(page.get_by_role("tooltip")).to_be_visible()


@pytest.mark.parametrize("javascript", [False])
def test_without_javascript_the_link_leads_to_the_terms_page(browser, base_url, javascript):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(base_url + LESSON_4_URL)
    first_link(page, "leverage").click()
    expect(page).to_have_url(base_url + "/glossary/leverage/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Leverage")
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/glossary/", "/glossary/maintenance-tier/", LESSON_4_URL])
def test_pages_have_no_accessibility_violations(page: Page, base_url, path, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + path)
    assert_accessible(page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_lesson_with_its_popover_open_has_no_accessibility_violations(
    page: Page, base_url, scheme
):
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + LESSON_4_URL)
    first_link(page, "leverage").focus()
    expect(page.get_by_role("tooltip")).to_be_visible()
    assert_accessible(page)


def test_the_popover_raises_no_content_security_policy_violation(page: Page, base_url):
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto(base_url + LESSON_4_URL)
    first_link(page, "leverage").hover()
    expect(page.get_by_role("tooltip")).to_be_visible()
    assert [text for text in messages if "Content Security Policy" in text] == []
