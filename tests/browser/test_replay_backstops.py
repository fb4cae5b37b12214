"""The replay's backstops in a browser: partial liquidation, the insurance fund and ADL
on Black Thursday, and a wallet of coins, with and without JavaScript, axe in both
schemes and a 360 px phone."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible

ADVANCED = "/simulator/replay/?path=black-thursday-2020-advanced"
COINS = ADVANCED + "&account=black-thursday-advanced-coins"


def test_the_backstops_are_told_in_the_log_and_the_scrubber_keeps_the_market(page: Page, base_url):
    page.goto(base_url + ADVANCED)
    expect(page.locator(".market-note")).to_contain_text("illustrative")
    log = page.locator(".event-log").first
    expect(log).to_contain_text("partial liquidation. Position 1 (BTC long): 8.21917808 of")
    expect(log).to_contain_text("the insurance fund pays")
    expect(log).to_contain_text("auto-deleveraging closes your position 2 (BTC short)")
    page.evaluate("window.notReloaded = true")
    slider = page.get_by_label(re.compile("Time: step"))
    slider.focus()
    slider.fill("2")
    expect(page.locator("#replay-step")).to_contain_text(
        "The exchange's insurance fund (illustrative): $6,102.31"
    )
    expect(page).to_have_url(re.compile(r"market=black-thursday-2020-advanced.*step=2"))
    assert page.evaluate("window.notReloaded === true")


def test_the_backstops_and_a_wallet_work_without_javascript(no_js_page: Page):
    page = no_js_page
    page.goto(COINS)
    expect(page.get_by_label("Wallet in several assets (optional)")).to_have_value(
        "BTC 2, USDT 36130"
    )
    expect(page.locator(".event-log").nth(1)).to_contain_text("Cross on the wallet: what happened")
    page.get_by_role("link", name="Previous step").click()
    expect(page).to_have_url(re.compile(r"wallet=BTC"))
    # A wrong wallet comes back beside the field, as typed.
    page.get_by_label("Wallet in several assets (optional)").fill("DOGE 5")
    page.get_by_role("button", name="Replay", exact=True).click()
    expect(page.locator(".error-summary")).to_contain_text("We do not know the asset 'DOGE'")
    expect(page.get_by_label("Wallet in several assets (optional)")).to_have_value("DOGE 5")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_backstops_page_is_accessible(page: Page, base_url, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + ADVANCED)
    assert_accessible(page)
    page.goto(base_url + COINS + "&step=0")
    assert_accessible(page)


def test_the_backstops_page_fits_a_phone(page: Page, base_url):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(base_url + ADVANCED)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
