"""The replay journey in a browser, with and without JavaScript, and axe in both schemes."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible

LESSON_4 = "/learn/beginner/isolated-vs-cross-margin/"
STATUS = "#replay-status"
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def no_js_page(browser, base_url):
    context = browser.new_context(java_script_enabled=False, base_url=base_url)
    yield context.new_page()
    context.close()


def test_watch_lesson_4_happen_and_scrub_through_it(page: Page, base_url):
    page.goto(base_url + LESSON_4)
    page.get_by_role("link", name="replay this example over two days").click()
    expect(page).to_have_url(re.compile(r"/simulator/replay/\?path=lesson-4$"))
    summary = page.locator(".results-summary")
    expect(summary).to_contain_text("first at hour 19.1 (BTC at 54,271.36")
    expect(summary).to_contain_text("first at hour 47.76 (BTC at 30,226.13")
    page.evaluate("window.notReloaded = true")
    slider = page.get_by_label(re.compile("Time: step"))
    slider.focus()
    slider.fill("12")  # a day in: BTC at 52,800
    expect(page.locator("#replay-step h3")).to_contain_text(
        "At step 12: 24 hours in, BTC 52,800.00"
    )
    expect(page.locator(STATUS)).to_have_text(
        re.compile(r"Step 12 of 24.*isolated equity \$4,000\.00, cross equity \$3,800\.00")
    )
    expect(page).to_have_url(re.compile(r"step=12"))
    assert page.evaluate("window.notReloaded === true")  # swapped in place
    expect(slider).to_be_focused()
    # The address is the step: a reload shows the same state.
    page.reload()
    expect(page.locator("#replay-step h3")).to_contain_text("At step 12")


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_the_step_links_and_the_share_link_follow_the_scrubber(page: Page, base_url, viewport):
    # Issue 27, 5: after moving the scrubber from 24 to 13, "Previous step" still went to
    # 23, "Next step" was missing and the share link still said 24.
    page.set_viewport_size(viewport)
    page.goto(base_url + "/simulator/replay/?path=lesson-4")
    share = page.get_by_role("link", name=re.compile("Link to this replay"))
    expect(share).to_have_attribute("href", re.compile(r"step=24$"))
    expect(page.get_by_role("link", name="Next step")).to_have_count(0)
    slider = page.get_by_label(re.compile("Time: step"))
    slider.focus()
    slider.fill("13")
    expect(page.locator("#replay-step h3")).to_contain_text("At step 13")
    expect(share).to_have_attribute("href", re.compile(r"step=13$"))
    expect(share).to_have_text("Link to this replay at step 13")
    expect(page.get_by_role("link", name="Previous step")).to_have_attribute(
        "href", re.compile(r"step=12$")
    )
    expect(page.get_by_role("link", name="Next step")).to_have_attribute(
        "href", re.compile(r"step=14$")
    )
    expect(slider).to_be_focused()  # the slider itself is not swapped
    # The links lead where they say.
    page.get_by_role("link", name="Next step").click()
    expect(page).to_have_url(re.compile(r"step=14$"))
    expect(page.locator("#replay-step h3")).to_contain_text("At step 14")


def test_the_replay_works_without_javascript(no_js_page: Page):
    page = no_js_page
    page.goto("/simulator/replay/?path=lesson-4")
    expect(page.locator(".results-summary")).to_contain_text("54,271.36")
    page.get_by_role("link", name="Previous step").click()
    expect(page).to_have_url(re.compile(r"step=23"))
    expect(page.locator("#replay-step h3")).to_contain_text("At step 23")
    # A path of one's own, typed.
    page.get_by_label("Path: prices or moves from entry").fill("0%, -30%")
    page.get_by_label("Steps between two waypoints").fill("30")
    page.get_by_role("button", name="Replay", exact=True).click()
    expect(page).to_have_url(re.compile(r"moves=0%25%2C(\+|%20)-30%25"))
    expect(page.locator(".results-summary")).to_contain_text("Cross: keeps every position")
    # A mistake comes back beside the field and in the summary, with what was typed.
    page.get_by_label("Path: prices or moves from entry").fill("down a lot")
    page.get_by_role("button", name="Replay", exact=True).click()
    expect(page.locator(".error-summary")).to_contain_text("“down” (item 1) is not a move")
    expect(page.get_by_label("Path: prices or moves from entry")).to_have_value("down a lot")


def test_a_csv_upload_is_replayed(page: Page, base_url, tmp_path: Path):
    csv = tmp_path / "path.csv"
    csv.write_text("time,symbol,price\n0,BTC,60000\n6,BTC,56000\n12,BTC,53000\n")
    page.goto(base_url + "/simulator/replay/?path=lesson-4")
    page.get_by_label("A CSV file of time,symbol,price").set_input_files(str(csv))
    page.get_by_role("button", name="Upload and replay").click()
    expect(page).to_have_url(re.compile(r"upload=[0-9a-f]{32}"))
    expect(page.locator(".results-summary")).to_contain_text("Isolated: loses position 1")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_replay_is_accessible(page: Page, base_url, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + "/simulator/replay/?path=wick&step=2")
    assert_accessible(page)
    page.goto(base_url + "/simulator/replay/?path=lesson-4&moves=lots")
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_refused_upload_keeps_the_page_and_is_accessible(page: Page, base_url, scheme, tmp_path):
    # Issue 27, 6: a semicolon CSV emptied the path and reset the steps and hours.
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + "/simulator/replay/?path=wick")
    csv = tmp_path / "semicolons.csv"
    csv.write_text("time;symbol;price\n0;BTC;60000\n1;BTC;57000\n")
    # Typed, and not replayed yet: htmx sends it along with the file.
    page.get_by_label("Path: prices or moves from entry").fill("0%, -5%, gap -30%")
    page.get_by_label("Hours per step").fill("2")
    page.evaluate("window.notReloaded = true")
    page.get_by_label("A CSV file of time,symbol,price").set_input_files(str(csv))
    page.get_by_role("button", name="Upload and replay").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.locator("li")).to_have_count(1)
    expect(summary).to_contain_text("separated by semicolons")
    expect(page.get_by_label("Path: prices or moves from entry")).to_have_value("0%, -5%, gap -30%")
    expect(page.get_by_label("Hours per step")).to_have_value("2")
    assert page.evaluate("window.notReloaded === true")  # swapped in place
    expect(page.locator(".results-summary")).to_be_visible()
    assert_accessible(page)


def test_a_refused_upload_without_javascript_keeps_the_page(no_js_page: Page, tmp_path):
    page = no_js_page
    page.goto("/simulator/replay/?path=wick")
    csv = tmp_path / "semicolons.csv"
    csv.write_text("time;symbol;price\n0;BTC;60000\n1;BTC;57000\n")
    page.get_by_label("A CSV file of time,symbol,price").set_input_files(str(csv))
    page.get_by_role("button", name="Upload and replay").click()
    expect(page.locator(".error-summary li")).to_have_count(1)
    expect(page.get_by_label("Path: prices or moves from entry")).to_have_value(
        "0%, -2%, gap -15%, -3%, 0%"
    )
    expect(page.get_by_label("Hours per step")).to_have_value("0.25")
    expect(page.locator(".path-description")).to_contain_text("The price gaps")


def test_the_replay_fits_a_phone(page: Page, base_url):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(base_url + "/simulator/replay/?path=lesson-4")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
