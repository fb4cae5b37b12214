"""The lesson an author added as two content files (docs/authoring.md), in a browser:
its simulator with and without JavaScript, its quiz to the end, and axe clean."""

import re

import pytest
from playwright.sync_api import Page, expect

from core.content import load_content
from tests.browser.conftest import assert_accessible
from tests.content_files import content_with_example
from tests.test_authoring import LESSON_URL, btc_liquidation


@pytest.fixture
def example(tmp_path):
    load_content(content_with_example(tmp_path))


def test_the_widget_updates_in_place(example, page: Page, base_url):
    page.goto(base_url + LESSON_URL)
    widget = page.locator("#leverage")
    expect(widget).to_contain_text(btc_liquidation(10))
    widget.get_by_role("slider").fill("5")
    expect(widget).to_contain_text(btc_liquidation(5))
    expect(page).to_have_url(base_url + LESSON_URL)  # in place, no reload


def test_the_widget_works_without_javascript(example, browser, base_url):
    context = browser.new_context(java_script_enabled=False, base_url=base_url)
    page = context.new_page()
    page.goto(LESSON_URL)
    page.locator("#leverage").get_by_role("slider").fill("5")
    page.locator("#leverage").get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"\?leverage=5#leverage$"))
    expect(page.locator("#leverage")).to_contain_text(btc_liquidation(5))
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_new_lesson_is_accessible(example, page: Page, base_url, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + LESSON_URL)
    assert_accessible(page)
