"""Lesson 6, "Funding Rates": every figure it prints is the engine's, formatted as the
lesson writes it; the intervals are the venues'; its widget and links work on the page."""

import html as html_lib
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from core.numbers import money, number, price
from simulator.engine import (
    Account,
    Mode,
    Position,
    funding_payment,
    liquidation_price,
    with_funding,
)
from simulator.engine.venues import VENUES

LESSON = (Path(settings.CONTENT_DIR) / "intermediate" / "06-funding-rates.md").read_text()
URL = "/learn/intermediate/funding-rates/"
ENTRY = Decimal(60000)
QUIET, HOT = Decimal("0.0001"), Decimal("0.001")  # +0.01% and +0.1% per payment
# The lesson's inputs: a $10,000 BTC long at 10x ($1,000 isolated margin), and its mirror short.
LONG = Position.from_notional("BTC", "long", 10000, ENTRY, 10)
SHORT = Position.from_notional("BTC", "short", 10000, ENTRY, 10)


def alone(position: Position, balance: int = 1000) -> Account:
    return Account(Decimal(balance), [position])


def funded(account: Account, rate: Decimal, payments: int) -> Account:
    return with_funding(account, rates={"BTC": rate}, intervals=payments)


def about(value: Decimal) -> str:
    return f"about {number(value, 0)}"


def about_bold(value: Decimal) -> str:
    return f"about **{number(value, 0)}**"


def fall_to(value: Decimal) -> str:
    """How far the price must fall from entry, as the lesson writes it: 8.6%."""
    return f"{number((ENTRY - value) / ENTRY * 100, 1)}%"


def paid(before: Account, after: Account) -> Decimal:
    return before.balance - after.balance


def test_payments_per_day_are_the_venues_intervals():
    per_day = {key: 24 // venue.funding_hours for key, venue in VENUES.items()}
    assert per_day == {"binance": 3, "bybit": 3, "okx": 3, "hyperliquid": 24, "dydx": 24}
    assert "**Binance, Bybit and OKX:** every **8 hours** as standard, so **3 payments a day**" in (
        LESSON
    )
    assert "**Hyperliquid and dYdX:** every **hour**, so **24 payments a day**" in LESSON


def test_a_day_on_an_8_hour_venue_and_on_an_hourly_one():
    account = alone(LONG)
    assert f"pays **{money(paid(account, funded(account, QUIET, 3)))} a day**" in LESSON  # $3.00
    assert f"but **{money(paid(account, funded(account, QUIET, 24)))} a day**" in LESSON  # $24.00


def test_one_payment_at_the_mark():
    assert f"= **{money(funding_payment(LONG, rate=QUIET, price=ENTRY))}**" in LESSON  # $1.00
    higher = funding_payment(LONG, rate=QUIET, price=Decimal(63000))
    assert f"you would pay **{money(higher)}**" in LESSON  # $1.05
    received = -funding_payment(LONG, rate=-QUIET, price=ENTRY)
    assert f"you would have *received* {money(received)}" in LESSON
    # At 20x the same position pays the same from half the margin.
    at_20x = Position.from_notional("BTC", "long", 10000, ENTRY, 20)
    assert at_20x.initial_margin * 2 == LONG.initial_margin
    assert funding_payment(at_20x, rate=QUIET, price=ENTRY) == funding_payment(
        LONG, rate=QUIET, price=ENTRY
    )
    assert f"pays the same {money(funding_payment(at_20x, rate=QUIET, price=ENTRY))}" in LESSON


def test_three_days_of_a_quiet_rate():
    account = alone(LONG)
    before = liquidation_price(account, 0)
    after = funded(account, QUIET, 9)
    assert f"liquidation price at {about(before)}" in LESSON  # about 54,271
    assert f"**{money(paid(account, after))}** in all" in LESSON  # $9.00
    assert f"creeps up to {about_bold(liquidation_price(after, 0))}" in LESSON  # 54,326


def test_three_days_of_a_hot_rate():
    account = alone(LONG)
    before = liquidation_price(account, 0)
    after = funded(account, HOT, 9)
    price_after = liquidation_price(after, 0)
    assert f"you pay **{money(funding_payment(LONG, rate=HOT, price=ENTRY))}** each time" in LESSON
    assert f"**{money(paid(account, after))}** in all" in LESSON  # $90.00
    assert f"margin is down to **{money(after.positions[0].margin)}**" in LESSON  # $910.00
    assert f"has risen to {about_bold(price_after)}" in LESSON  # 54,814
    assert f"fall about {fall_to(before)} to liquidate you" in LESSON  # 9.5%
    assert f"a fall of about **{fall_to(price_after)}**" in LESSON  # 8.6%


def test_how_long_a_hot_rate_takes_to_move_the_liquidation_price_1000():
    account = alone(LONG)
    before = liquidation_price(account, 0)
    payments = next(
        n for n in range(1, 100) if liquidation_price(funded(account, HOT, n), 0) - before > 1000
    )
    after = funded(account, HOT, payments)
    hours = payments * VENUES["binance"].funding_hours
    assert f"After **{payments} payments**, {hours // 24} days and {hours % 24} hours" in LESSON
    assert f"margin is down to **{money(after.positions[0].margin)}**" in LESSON  # $830.00
    assert f"liquidation price is {about_bold(liquidation_price(after, 0))}" in LESSON  # 55,296
    assert "more than 1,000 closer than where you started" in LESSON


def test_the_short_on_the_other_side_receives_it():
    account = alone(SHORT)
    after = funded(account, HOT, 9)
    assert f"receives your {money(-funding_payment(SHORT, rate=HOT, price=ENTRY))} each" in LESSON
    assert f"margin has grown to **{money(after.positions[0].margin)}**" in LESSON  # $1,090.00
    assert (
        f"from {about(liquidation_price(account, 0))} to {about_bold(liquidation_price(after, 0))}"
    ) in LESSON  # 65,672 to 66,209


def cross_account(balance: int = 2000) -> Account:
    return Account(
        Decimal(balance),
        [Position.from_notional("BTC", "long", 10000, ENTRY, 10, mode=Mode.CROSS)],
    )


def test_in_cross_mode_the_wallet_pays():
    account = cross_account()
    after = funded(account, HOT, 9)
    assert f"Its liquidation price is {about(liquidation_price(account, 0))}" in LESSON  # 48,241
    assert f"take {money(paid(account, after))} from the wallet" in LESSON  # $90.00
    assert f"leaving **{money(after.balance)}**" in LESSON  # $1,910.00
    assert f"rises to {about_bold(liquidation_price(after, 0))}" in LESSON  # 48,784


def test_the_widget_balance_is_the_wallet_after_funding():
    presets = yaml.safe_load((Path(settings.CONTENT_DIR) / "presets.yaml").read_text())
    preset = presets["l6-funding-cross"]
    (spec,) = preset["positions"]
    assert (preset["balance"], preset["mode"], preset["tiers"]) == (2000, "cross", "flat")
    assert (spec["side"], spec["entry_price"], spec["leverage"], spec["notional"]) == (
        "long",
        60000,
        10,
        10000,
    )
    after = funded(cross_account(), HOT, 9)
    # Setting the balance to what funding leaves is the same account as paying it.
    assert liquidation_price(cross_account(1910), 0) == liquidation_price(after, 0)
    assert f"from $2,000 down to {money(after.balance, trim=True)}" in LESSON


def test_the_venue_table_names_each_venue_and_its_interval():
    table = LESSON[LESSON.index("<caption>Funding at five venues</caption>") :]
    table = table[: table.index("</table>")]
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>([^<]+)</td>', table)
    assert len(rows) == len(VENUES)
    for venue, (name, interval) in zip(VENUES.values(), rows, strict=True):
        assert name.split()[0] == venue.name.split()[0]
        expected = "Every hour" if venue.funding_hours == 1 else "Every 8 hours"
        assert interval.startswith(expected), (name, interval)


# ----------------------------------------------------------------------------- on the page


def page_text(html: str) -> str:
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


@pytest.mark.django_db
def test_the_page_shows_the_widget_with_the_wallet_after_funding(client):
    html = client.get(URL, {"funding_wallet": "1910"}).content.decode()
    widget = html[html.index('<section id="funding-wallet"') :]
    widget = page_text(widget[: widget.index("</section>")])
    after = funded(cross_account(), HOT, 9)
    assert "A $1,910 balance" in widget
    isolated = liquidation_price(alone(LONG), 0)
    assert (
        f"BTC long: liquidation price {price(liquidation_price(after, 0))} {price(isolated)}"
    ) in widget


@pytest.mark.django_db
def test_every_internal_link_resolves_and_the_quiz_follows(client):
    html = client.get(URL).content.decode()
    links = set(re.findall(r'href="(/[^"#]*)', html))
    lesson_links = set(re.findall(r"\]\((/[^)#]*)", LESSON))
    assert lesson_links <= links
    for link in lesson_links:
        assert client.get(link).status_code == 200, link
    assert 'href="/quiz/funding-rates/"' in html
    assert "http" not in LESSON
