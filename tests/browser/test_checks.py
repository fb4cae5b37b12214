"""A question inside a lesson, in a browser: answered in place with JavaScript, by a post
and back without it, axe clean in light and dark."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible

LESSON_4 = "/learn/beginner/isolated-vs-cross-margin/"


@pytest.fixture
def no_js_page(browser, base_url):
    context = browser.new_context(java_script_enabled=False, base_url=base_url)
    yield context.new_page()
    context.close()


def _check(page: Page):
    return page.locator(".lesson-check").first


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_check_is_answered_in_place(page: Page, base_url, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + LESSON_4)
    check = _check(page)
    check.scroll_into_view_if_needed()
    expect(check.get_by_role("button", name="Check answer")).to_be_visible()
    assert_accessible(page)
    check.locator("input[type=radio], input[type=checkbox]").first.check()
    check.get_by_role("button", name="Check answer").click()
    expect(check.locator(".quiz-verdict")).to_be_visible()
    expect(page).to_have_url(base_url + LESSON_4)
    assert_accessible(page)


def test_without_javascript_a_check_posts_and_comes_back(no_js_page: Page):
    no_js_page.goto(LESSON_4)
    _check(no_js_page).get_by_role("link", name="Answer this question").click()
    no_js_page.locator("main input[type=radio], main input[type=checkbox]").first.check()
    no_js_page.get_by_role("button", name="Check answer").click()
    assert "#check-" in no_js_page.url
    expect(_check(no_js_page).locator(".quiz-verdict")).to_be_visible()
