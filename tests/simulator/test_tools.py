"""The Tools: three calculators whose figures are the engine's, each at an address
that is its result (the same page with or without htmx; htmx gets the partial)."""

import html as html_lib
import re
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client

from core.numbers import money, number, percent, price
from simulator.engine import (
    Account,
    Position,
    bankruptcy_price,
    evaluate,
    explain_liquidation_price,
    funding_payment,
    liquidation_fee,
    liquidation_price,
    trading_fee,
    with_funding,
)
from simulator.engine.venues import VENUES, get_venue
from simulator.tools import forms as tool_forms
from simulator.tools.calculators import liquidation_compute, signed

pytestmark = pytest.mark.django_db
D = Decimal
HTMX = {"HTTP_HX_REQUEST": "true"}
INDEX = "/tools/"
LIQUIDATION = "/tools/liquidation-price/"
POSITION_SIZE = "/tools/position-size/"
PNL = "/tools/pnl/"
PAGES = [LIQUIDATION, POSITION_SIZE, PNL]
VENUE_LIST = "The venues are: binance, bybit, okx, hyperliquid, dydx."


def text(content: bytes | str) -> str:
    raw = content.decode() if isinstance(content, bytes) else content
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", raw))).strip()


def figure(response, label: str) -> str:
    """The value in the results table's row headed `label`."""
    html = response.content.decode()
    found = re.search(rf'<th scope="row"[^>]*>{re.escape(label)}</th><td>(.*?)</td>', html)
    assert found, f"no row {label!r}"
    return text(found.group(1))


def liquidation(**changes: str | None) -> dict[str, str]:
    data = {
        "venue": "binance",
        "symbol": "BTC",
        "side": "long",
        "entry_price": "60,000",
        "size": "1",
        "size_unit": "coins",
        "leverage": "10",
        "mode": "isolated",
        "tiers": "venue",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def position_size(**changes: str | None) -> dict[str, str]:
    data = {
        "balance": "10,000",
        "risk": "1",
        "entry_price": "60,000",
        "stop_price": "58,800",
        "leverage": "10",
        "symbol": "BTC",
        "venue": "binance",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def pnl(**changes: str | None) -> dict[str, str]:
    data = {
        "side": "long",
        "entry_price": "60,000",
        "exit_price": "63,000",
        "size": "0.5",
        "size_unit": "coins",
        "leverage": "10",
        "venue": "binance",
        "entry_order": "taker",
        "exit_order": "maker",
        "funding_rate": "0.01",
        "funding_intervals": "9",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def engine_account(
    venue_key: str,
    *,
    symbol: str = "BTC",
    side: str = "long",
    entry: Decimal | int = 60_000,
    quantity: Decimal | int = 1,
    leverage: Decimal | int = 10,
    mode: str = "isolated",
    margin: Decimal | None = None,
    balance: Decimal | None = None,
    taker: Decimal | None = None,
) -> Account:
    """The account the liquidation calculator should build, made with the engine here."""
    venue = get_venue(venue_key)
    position = Position(
        symbol=symbol,
        side=side,
        quantity=quantity,
        entry_price=entry,
        leverage=leverage,
        mode=mode,
        margin=margin,
    )
    return Account(
        balance=position.isolated_margin if balance is None else balance,
        positions=(position,),
        brackets={symbol: venue.brackets(symbol)},
        venue=venue_key,
        taker_fee=venue.taker_fee if taker is None else taker,
    )


# --------------------------------------------------------------------------- the index


def test_the_index_has_a_card_per_calculator(client):
    response = client.get(INDEX)
    assert response.status_code == 200
    html = response.content.decode()
    for url, title in [
        (LIQUIDATION, "Liquidation price"),
        (POSITION_SIZE, "Position size from risk"),
        (PNL, "PnL and return on margin"),
    ]:
        assert f'<a class="lesson-card-link" href="{url}">{title}</a>' in html
    assert "why does my exchange show a different number" in text(html)


@pytest.mark.parametrize("url", [INDEX, *PAGES])
def test_every_tools_page_is_in_the_tools_section_and_takes_no_post(client, url):
    html = client.get(url).content.decode()
    assert '<li class="breadcrumb-item' in html and ">Tools<" in html
    assert client.post(url).status_code == 405


@pytest.mark.parametrize("url", PAGES)
def test_an_empty_calculator_invites_input_with_the_venues_fees_filled_in(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" not in html
    assert 'method="get"' in html and f'action="{url}"' in html
    assert f'hx-get="{url}results/"' in html
    assert 'hx-trigger="input delay:300ms, change delay:300ms"' in html
    assert 'aria-live="polite"' in html
    assert 'name="taker_fee" value="0.05"' in html  # Binance's standard taker rate
    assert 'name="fee_venue" value="binance"' in html
    assert "or try an example" in html
    for key, venue in VENUES.items():
        assert f'<option value="{key}"' in html and venue.name in html


@pytest.mark.parametrize("url", PAGES)
def test_the_example_link_gives_a_result(client, url):
    html = client.get(url).content.decode()
    example = html_lib.unescape(re.search(r'or try an example: <a href="([^"]+)"', html).group(1))
    response = client.get(example)
    assert response.status_code == 200
    assert "Link to this result" in response.content.decode()


# --------------------------------------------------------------------------- liquidation price


@pytest.mark.parametrize("venue_key", list(VENUES))
@pytest.mark.parametrize(
    ("changes", "engine"),
    [
        ({}, {}),
        (
            {"side": "short", "symbol": "ETH", "entry_price": "3,000", "size": "4"},
            {"side": "short", "symbol": "ETH", "entry": D(3000), "quantity": D(4)},
        ),
        (
            {"mode": "cross", "balance": "9,000", "leverage": "20"},
            {"mode": "cross", "balance": D(9000), "leverage": D(20)},
        ),
        ({"margin": "7,500", "taker_fee": "0.04"}, {"margin": D(7500), "taker": D("0.0004")}),
    ],
    ids=["btc-long", "eth-short", "cross", "added-margin"],
)
def test_liquidation_figures_are_the_engines_for_every_venue(client, venue_key, changes, engine):
    account = engine_account(venue_key, **engine)
    symbol = account.positions[0].symbol
    marks = {symbol: account.positions[0].entry_price}
    state = evaluate(account, marks).positions[0]
    lp = liquidation_price(account, 0, marks)
    assert lp is not None and state.liquidation_price == lp

    response = client.get(LIQUIDATION, liquidation(venue=venue_key, **changes))
    assert response.status_code == 200
    assert figure(response, "Liquidation price") == price(lp)
    assert figure(response, "Bankruptcy price") == price(bankruptcy_price(account, 0, marks))
    assert figure(response, "Margin ratio") == percent(state.margin_ratio)
    assert figure(response, "Distance to liquidation") == percent(state.distance_to_liquidation)
    assert figure(response, "Liquidation fee at that price") == money(
        liquidation_fee(account, 0, lp)
    )
    assert f"{get_venue(venue_key).name}: " in text(response.content)


def test_bybits_published_example_is_reproduced(client):
    """Bybit, UTA trading rules: 1 BTC long at 40,000 USDT, 50x, 3,000 USDT extra margin,
    MMR 0.5%, taker 0.055% -> liquidation price 36,380.25 USDT
    (https://www.bybit.com/en/help-center/article/UTA-Trading-Rules)."""
    data = liquidation(
        venue="bybit",
        entry_price="40,000",
        leverage="50",
        margin="3,800",  # 800 + 3,000 added
    )
    response = client.get(LIQUIDATION, data)
    assert figure(response, "Liquidation price") == "36,380.25"
    assert 'name="taker_fee" value="0.055"' in response.content.decode()
    # Bybit's bankruptcy price holds the whole margin: 40,000 - 3,800.
    assert figure(response, "Bankruptcy price") == "36,200.00"


def test_the_breakdown_lists_every_step_and_adds_up(client):
    data = liquidation(
        venue="okx",
        symbol="ETH",
        side="short",
        entry_price="3,000",
        size="4",
        margin="1,500",
        funding_rate="-0.01",
        funding_intervals="6",
        mark_price="3,050",
        last_price="3,056.5",
    )
    response = client.get(LIQUIDATION, data)
    assert response.status_code == 200
    account = engine_account(
        "okx", symbol="ETH", side="short", entry=D(3000), quantity=D(4), margin=D(1500)
    )
    explanation = explain_liquidation_price(
        account,
        0,
        {"ETH": D(3050)},
        funding_rate=D("-0.0001"),
        funding_intervals=6,
        last_price=D("3056.5"),
    )
    total = sum((step.change for step in explanation.steps), start=D(0))
    assert explanation.textbook + total == explanation.price  # exactly
    html = response.content.decode()
    table = html[html.index('<table class="table breakdown-table">') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    cells = [[text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)] for row in rows]
    assert cells[0] == ["Step", "Detail", "Price", "Change"]
    assert cells[1][0] == "Textbook price" and cells[1][2] == price(explanation.textbook)
    steps = cells[2:-1]
    assert [row[0] for row in steps] == [step.label for step in explanation.steps]
    assert [row[1] for row in steps] == [step.detail for step in explanation.steps]
    assert [row[2] for row in steps] == [price(step.price) for step in explanation.steps]
    assert [row[3] for row in steps] == [signed(step.change) for step in explanation.steps]
    assert steps[-1][0] == "Mark price versus last price"
    assert cells[-1] == [
        "Check",
        f"Textbook {price(explanation.textbook)} {signed(total)} in changes = "
        f"{price(explanation.price)}, the price OKX USDT-margined swap works out.",
    ]
    assert figure(response, "Liquidation price") == price(explanation.price)


def test_funding_moves_the_liquidation_price_and_says_so(client):
    response = client.get(LIQUIDATION, liquidation(funding_rate="0.01", funding_intervals="9"))
    account = engine_account("binance")
    marks = {"BTC": D(60_000)}
    funded = with_funding(account, rates={"BTC": D("0.0001")}, intervals=9, marks=marks)
    before, after = liquidation_price(account, 0, marks), liquidation_price(funded, 0, marks)
    paid = funding_payment(account.positions[0], rate=D("0.0001"), price=D(60_000)) * 9
    assert before < after  # paid funding brings a long's liquidation price up
    assert (
        f"After 3 days at 0.01% per 8 hours, you pay {money(paid)} in funding and your "
        f"liquidation price moves from {price(before)} to {price(after)}."
    ) in text(response.content)
    assert figure(response, "Liquidation price") == price(after)


def test_funding_received_and_hourly_venues_read_right(client):
    data = liquidation(venue="hyperliquid", funding_rate="-0.005", funding_intervals="5")
    page = text(client.get(LIQUIDATION, data).content)
    assert "After 5 hours at \u22120.005% per hour, you receive $15.00 in funding" in page


def test_funding_that_would_use_up_the_margin_is_refused_beside_the_intervals(client):
    response = client.get(LIQUIDATION, liquidation(funding_rate="0.1", funding_intervals="2000"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "it would have been liquidated" in html
    assert '<a href="#id_funding_intervals">' in html


def test_flat_tiers_use_the_lessons_rate(client):
    response = client.get(LIQUIDATION, liquidation(tiers="flat"))
    assert figure(response, "Liquidation price") == "54,271.36"  # lesson 3's example
    assert "A flat 0.5% of the position's value" in text(response.content)


def test_another_coin_uses_the_venues_default_table(client):
    response = client.get(LIQUIDATION, liquidation(symbol="OTHER", venue="hyperliquid"))
    page = text(response.content)
    assert figure(response, "Liquidation price") == "54,271.36"  # the flat 0.5% default
    assert "Your long on Hyperliquid is liquidated" in page
    assert "has no table here for this coin" in page


def test_the_mark_price_sets_the_margin_ratio_and_distance(client):
    response = client.get(LIQUIDATION, liquidation(mark_price="55,000"))
    account = engine_account("binance")
    state = evaluate(account, {"BTC": D(55_000)}).positions[0]
    assert figure(response, "Margin ratio") == percent(state.margin_ratio)
    assert figure(response, "Distance to liquidation") == percent(state.distance_to_liquidation)
    past = text(client.get(LIQUIDATION, liquidation(mark_price="50,000")).content)
    assert "is past its liquidation price" in past


def test_a_size_in_dollars_is_the_same_position(client):
    coins = client.get(LIQUIDATION, liquidation(size="0.5"))
    dollars = client.get(LIQUIDATION, liquidation(size="30,000", size_unit="usd"))
    assert figure(coins, "Liquidation price") == figure(dollars, "Liquidation price")


# --------------------------------------------------------------------------- the address


def test_the_address_is_the_result_with_and_without_htmx(client):
    data = liquidation(funding_rate="0.01", funding_intervals="3")
    page = client.get(LIQUIDATION, data)
    assert page.status_code == 200
    assert "<html" in page.content.decode()
    partial = client.get(LIQUIDATION, data, **HTMX)
    assert partial.status_code == 200
    html = partial.content.decode()
    assert "<html" not in html and "<form" not in html
    assert "HX-Request" in partial["Vary"]
    assert figure(partial, "Liquidation price") == figure(page, "Liquidation price")
    # The fragment htmx asks while typing is the same partial, at its own address.
    fragment = client.get(LIQUIDATION + "results/", data, **HTMX)
    assert fragment.content == partial.content
    assert fragment["HX-Replace-Url"] == partial["HX-Replace-Url"]
    # The address put in the bar is the page of the same result, the fields in form order.
    url = fragment["HX-Replace-Url"]
    assert urlsplit(url).path == LIQUIDATION
    query = dict(parse_qsl(urlsplit(url).query))
    assert query["entry_price"] == "60,000" and query["fee_venue"] == "binance"
    assert list(query)[:3] == ["venue", "symbol", "side"]
    shared = Client().get(url)
    assert figure(shared, "Liquidation price") == figure(page, "Liquidation price")
    assert f'<a href="{html_lib.escape(url)}">Link to this result</a>' in (shared.content.decode())


@pytest.mark.parametrize("url", PAGES)
def test_the_results_fragment_without_htmx_sends_to_the_page(client, url):
    response = client.get(url + "results/", {"entry_price": "5"})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?entry_price=5"
    assert client.get(url + "results/").status_code == 302


def test_a_history_restore_gets_the_whole_page(client):
    headers = {**HTMX, "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}
    response = client.get(LIQUIDATION, liquidation(), **headers)
    assert "<html" in response.content.decode()


def test_mistakes_while_typing_come_back_as_a_list_of_links_with_a_200(client):
    response = client.get(LIQUIDATION + "results/", liquidation(leverage="x"), **HTMX)
    assert response.status_code == 200  # htmx swaps only successful responses
    html = response.content.decode()
    assert "Results appear once the form is complete" in html
    assert '<a href="#id_leverage">Leverage must be a number from 1 to 125</a>' in html
    assert "HX-Replace-Url" in response  # the address keeps what was typed


def test_a_calculation_is_worked_out_once_per_address(client, monkeypatch):
    runs = []

    def counting(*, inputs):
        runs.append(inputs)
        return liquidation_compute(inputs=inputs)

    monkeypatch.setattr(tool_forms, "liquidation_compute", counting)
    for _ in range(2):
        client.get(LIQUIDATION, liquidation())
        client.get(LIQUIDATION + "results/", liquidation(), **HTMX)
    assert len(runs) == 2  # one for the page, one for the partial
    client.get(LIQUIDATION, liquidation(leverage="11"))
    assert len(runs) == 3


# --------------------------------------------------------------------------- fees follow the venue


def test_fees_still_at_the_old_venues_rates_follow_the_new_venue(client):
    data = liquidation(
        venue="bybit", fee_venue="binance", maker_fee="0.02", taker_fee="0.05", margin="1,000"
    )
    response = client.get(LIQUIDATION + "results/", data, **HTMX)
    html = response.content.decode()
    # The page's fee fields are swapped for Bybit's rates, out of band.
    assert re.search(r'<div id="fees" class="form-grid" hx-swap-oob="true">', html)
    assert 'name="taker_fee" value="0.055"' in html
    assert 'name="fee_venue" value="bybit"' in html
    account = engine_account("bybit", margin=D(1000), taker=D("0.00055"))
    assert figure(response, "Liquidation price") == price(liquidation_price(account, 0))
    assert "taker_fee=0.055" in response["HX-Replace-Url"]


def test_fees_the_visitor_typed_stay_when_the_venue_changes(client):
    data = liquidation(venue="bybit", fee_venue="binance", taker_fee="0.04", margin="1,000")
    response = client.get(LIQUIDATION, data)
    html = response.content.decode()
    assert 'name="taker_fee" value="0.04"' in html
    account = engine_account("bybit", margin=D(1000), taker=D("0.0004"))
    assert figure(response, "Liquidation price") == price(liquidation_price(account, 0))


def test_fees_are_not_swapped_while_the_venue_stays(client):
    data = liquidation(fee_venue="binance", taker_fee="", maker_fee="0.02")
    response = client.get(LIQUIDATION + "results/", data, **HTMX)
    assert 'id="fees"' not in response.content.decode()  # an emptied field is not refilled
    assert figure(response, "Fee to open or close at entry").startswith("$30.00 as taker")


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("url", "data", "field", "message"),
    [
        (LIQUIDATION, liquidation(venue="ftx"), "venue", "There is no venue 'ftx'. " + VENUE_LIST),
        (LIQUIDATION, liquidation(symbol="DOGE"), "symbol", "Select BTC, ETH or another coin"),
        (LIQUIDATION, liquidation(side="up"), "side", "Select long or short"),
        (LIQUIDATION, liquidation(entry_price=""), "entry_price", "Enter the entry price"),
        (
            LIQUIDATION,
            liquidation(entry_price="NaN"),
            "entry_price",
            "Entry price must be a number",
        ),
        (LIQUIDATION, liquidation(entry_price="-5"), "entry_price", "Entry price must be at least"),
        (LIQUIDATION, liquidation(size="0"), "size", "Size must be at least 0.00000001"),
        (LIQUIDATION, liquidation(size="1e3"), "size", "Size must be a number, like 0.5"),
        (LIQUIDATION, liquidation(size_unit="lots"), "size_unit", "Select coins or dollars"),
        (LIQUIDATION, liquidation(leverage="200"), "leverage", "Leverage must be at most 125"),
        (LIQUIDATION, liquidation(leverage="0.5"), "leverage", "Leverage must be at least 1"),
        (LIQUIDATION, liquidation(mode="hedge"), "mode", "Select isolated or cross"),
        (LIQUIDATION, liquidation(margin="0"), "margin", "must be at least 0.00000001"),
        (
            LIQUIDATION,
            liquidation(mode="cross"),
            "balance",
            "Enter the wallet balance for cross margin, like 10,000",
        ),
        (LIQUIDATION, liquidation(tiers="mine"), "tiers", "Select the exchange's tiers or a flat"),
        (LIQUIDATION, liquidation(taker_fee="2"), "taker_fee", "Taker fee (%) must be at most 1"),
        (LIQUIDATION, liquidation(maker_fee="-1"), "maker_fee", "Maker fee (%) must be at least 0"),
        (
            LIQUIDATION,
            liquidation(funding_rate="9"),
            "funding_rate",
            "Funding rate per interval (%) must be at most 5",
        ),
        (
            LIQUIDATION,
            liquidation(funding_intervals="2.5"),
            "funding_intervals",
            "Funding intervals must be a whole number, like 9",
        ),
        (
            LIQUIDATION,
            liquidation(mark_price="inf"),
            "mark_price",
            "Mark price (optional) must be a number",
        ),
        (
            LIQUIDATION,
            liquidation(last_price="0"),
            "last_price",
            "Last traded price (optional) must be at least",
        ),
        (POSITION_SIZE, position_size(balance="lots"), "balance", "Account balance must be a"),
        (POSITION_SIZE, position_size(risk="0"), "risk", "must be at least 0.01"),
        (POSITION_SIZE, position_size(risk="150%"), "risk", "must be at most 100"),
        (
            POSITION_SIZE,
            position_size(stop_price="60,000"),
            "stop_price",
            "The stop must be above or below the entry price",
        ),
        (POSITION_SIZE, position_size(stop_price=""), "stop_price", "Enter the stop price"),
        (POSITION_SIZE, position_size(venue="Mt Gox"), "venue", VENUE_LIST),
        (POSITION_SIZE, position_size(symbol=""), "symbol", "Select BTC, ETH or another coin"),
        (PNL, pnl(exit_price="abc"), "exit_price", "Exit price must be a number"),
        (PNL, pnl(side=""), "side", "Select long or short"),
        (
            PNL,
            pnl(entry_order="both"),
            "entry_order",
            "Select the fee the entry order pays: taker or maker",
        ),
        (
            PNL,
            pnl(exit_order=None),
            "exit_order",
            "Select the fee the exit order pays: taker or maker",
        ),
        (PNL, pnl(funding_intervals="-1"), "funding_intervals", "must be at least 0"),
        (PNL, pnl(venue="binance "), "", ""),  # spaces around a venue are fine
    ],
)
def test_each_field_is_explained_beside_it_and_in_the_summary(client, url, data, field, message):
    response = client.get(url, data)
    html = html_lib.unescape(response.content.decode())
    if not field:
        assert response.status_code == 200
        return
    assert response.status_code == 422
    summary = html[html.index('class="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert message in summary
    assert html.count(message) >= 2  # the summary and beside the field (or the results' list)
    target = re.search(rf'<a href="#(id_{field}[^"]*)">[^<]*{re.escape(message)}', summary)
    assert target, f"the summary does not link {field}"
    assert f'id="{target.group(1)}"' in html


@pytest.mark.parametrize(
    ("url", "data", "name", "typed"),
    [
        (LIQUIDATION, liquidation(entry_price="sixty k"), "entry_price", "sixty k"),
        (LIQUIDATION, liquidation(margin="1,000 usd?"), "margin", "1,000 usd?"),
        (POSITION_SIZE, position_size(risk="one"), "risk", "one"),
        (PNL, pnl(funding_rate="a lot"), "funding_rate", "a lot"),
    ],
)
def test_what_was_typed_stays_in_the_field(client, url, data, name, typed):
    html = client.get(url, data).content.decode()
    assert f'name="{name}" value="{html_lib.escape(typed)}"' in html


def test_the_error_summary_leads_the_page_and_the_results_list_the_same(client):
    html = client.get(PNL, pnl(entry_price="x", exit_price="")).content.decode()
    assert html.index('class="error-summary"') < html.index('id="tool-form"')
    results = html[html.index('id="results-body"') :]
    assert '<a href="#id_entry_price">Entry price must be a number, like 60,000</a>' in results
    assert '<a href="#id_exit_price">Enter the exit price, like 60,000</a>' in results


# --------------------------------------------------------------------------- position size


@pytest.mark.parametrize("venue_key", list(VENUES))
@pytest.mark.parametrize(
    ("entry", "stop", "symbol"), [("60,000", "58,800", "BTC"), ("3,000", "3,090", "ETH")]
)
def test_position_size_figures_are_the_engines(client, venue_key, entry, stop, symbol):
    response = client.get(
        POSITION_SIZE,
        position_size(venue=venue_key, entry_price=entry, stop_price=stop, symbol=symbol),
    )
    assert response.status_code == 200
    venue = get_venue(venue_key)
    e, s, rate = D(entry.replace(",", "")), D(stop.replace(",", "")), venue.taker_fee
    risk = D(100)  # 1% of 10,000
    quantity = risk / (abs(e - s) + trading_fee(e, rate) + trading_fee(s, rate))
    side = "long" if s < e else "short"
    position = Position(symbol=symbol, side=side, quantity=quantity, entry_price=e, leverage=10)
    # The loss at the stop, fees to open and close included, is the risk chosen.
    loss = (
        -position.unrealized_pnl(s)
        + trading_fee(position.notional, rate)
        + trading_fee(quantity * s, rate)
    )
    assert abs(loss - risk) < D("1e-18")
    account = Account(
        balance=position.initial_margin,
        positions=(position,),
        brackets={symbol: venue.brackets(symbol)},
        venue=venue_key,
        taker_fee=rate,
    )
    assert figure(response, "Side").startswith(side.capitalize())
    assert figure(response, "Position size") == f"{number(quantity, 8, trim=True)} {symbol}"
    assert figure(response, "Position value") == money(position.notional)
    assert figure(response, "Margin needed") == f"{money(position.initial_margin)} at 10x"
    assert figure(response, "Leverage on the whole account") == (
        f"{number(position.notional / D(10_000), 2, trim=True)}x"
    )
    assert figure(response, "Isolated liquidation price") == price(liquidation_price(account, 0))
    assert figure(response, "Loss if the stop is hit").startswith("$100.00: ")
    assert "Warning" not in response.content.decode()


def test_a_liquidation_before_the_stop_is_a_warning(client):
    response = client.get(POSITION_SIZE, position_size(stop_price="50,000", leverage="50"))
    html = response.content.decode()
    box = re.search(r'<div class="admonition warning tool-warning">(.*?)</div>', html, re.S)
    assert box, "no warning box"
    words = text(box.group(1))
    assert words.startswith("Warning: liquidated before your stop")
    lp = figure(response, "Isolated liquidation price")
    assert f"liquidates this long at {lp}, before the price reaches your stop at 50,000.00" in words
    # Lower leverage: liquidated beyond the stop, no warning.
    safe = client.get(POSITION_SIZE, position_size(stop_price="50,000", leverage="2"))
    assert "Warning" not in safe.content.decode()


def test_a_short_liquidated_before_its_stop_is_warned_too(client):
    response = client.get(
        POSITION_SIZE, position_size(stop_price="70,000", leverage="25", venue="dydx")
    )
    assert "Warning: liquidated before your stop" in text(response.content)
    assert figure(response, "Side").startswith("Short")


def test_margin_beyond_the_account_is_a_warning(client):
    response = client.get(
        POSITION_SIZE, position_size(risk="10", stop_price="59,990", leverage="1")
    )
    assert "Warning: not enough margin" in text(response.content)


# --------------------------------------------------------------------------- PnL


@pytest.mark.parametrize("venue_key", list(VENUES))
@pytest.mark.parametrize(
    ("changes", "side", "quantity", "exit_price", "orders", "rate", "count"),
    [
        ({}, "long", D("0.5"), D(63_000), ("taker", "maker"), D("0.0001"), 9),
        (
            {"side": "short", "size": "15,000", "size_unit": "usd", "exit_price": "61,500"},
            "short",
            D("0.25"),
            D(61_500),
            ("taker", "maker"),
            D("0.0001"),
            9,
        ),
        (
            {"entry_order": "maker", "exit_order": "taker", "funding_rate": "-0.02"},
            "long",
            D("0.5"),
            D(63_000),
            ("maker", "taker"),
            D("-0.0002"),
            9,
        ),
    ],
    ids=["long", "short-in-dollars", "maker-entry-funding-received"],
)
def test_pnl_figures_are_the_engines(
    client, venue_key, changes, side, quantity, exit_price, orders, rate, count
):
    response = client.get(PNL, pnl(venue=venue_key, **changes))
    assert response.status_code == 200
    venue = get_venue(venue_key)
    position = Position(
        symbol="COIN", side=side, quantity=quantity, entry_price=D(60_000), leverage=10
    )
    rates = {"taker": venue.taker_fee, "maker": venue.maker_fee}
    gross = position.unrealized_pnl(exit_price)
    entry_fee = trading_fee(position.notional, rates[orders[0]])
    exit_fee = trading_fee(quantity * exit_price, rates[orders[1]])
    funding = funding_payment(position, rate=rate, price=D(60_000)) * count
    net = gross - entry_fee - exit_fee - funding
    assert figure(response, "Price move (gross PnL)") == money(gross)
    page = text(response.content)
    assert f"Fee to open ({orders[0]}, " in page and money(-entry_fee) in page
    assert f"Fee to close ({orders[1]}, " in page and money(-exit_fee) in page
    assert money(-funding) in page
    assert figure(response, "Net PnL") == money(net)
    assert figure(response, "Margin posted") == f"{money(position.initial_margin)} at 10x"
    assert figure(response, "Return on margin") == percent(net / position.initial_margin)
    hours = count * venue.funding_hours
    held = f"{hours // 24} day" if hours % 24 == 0 else f"{hours} hour"
    assert held in page


def test_a_losing_trade_says_so(client):
    page = text(client.get(PNL, pnl(exit_price="57,000")).content)
    sentence = "You lose $1,547.70 after fees and funding, \u221251.59% on your $3,000.00 margin."
    assert sentence in page


def test_a_trade_that_breaks_even_says_so(client):
    data = pnl(exit_price="60,000", funding_rate="", maker_fee="0", entry_order="maker")
    response = client.get(PNL, {**data, "fee_venue": "binance"})
    assert figure(response, "Net PnL") == "$0.00"
    assert "You break even after fees and funding, on your $3,000.00 margin." in text(
        response.content
    )
