import dataclasses
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils.html import escape

from core.numbers import money, price
from simulator.engine import Account, Position, evaluate
from simulator.engine.venues import VENUES, get_venue
from simulator.models import Preset
from simulator.sandbox import forms as simulator_forms
from simulator.sandbox.services import simulate
from simulator.selectors import preset_data
from tests.conftest import LESSON_4_URL

pytestmark = pytest.mark.django_db
URL = "/simulator/"
RESULTS = "/simulator/results/"
POSITIONS = "/simulator/positions/"
HTMX = {"HTTP_HX_REQUEST": "true"}
SHIPPED_PRESETS = ["two-isolated", "two-cross", "single-isolated", "hedge"]


def scenario(**changes: str) -> dict[str, str]:
    """Lesson 4's two isolated positions as form data, with some fields changed."""
    data = preset_data("two-isolated").dict()
    data.update(changes)
    return data


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_empty_page_invites_a_scenario(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="simulator-form"' in html
    assert "start from an example above" in html
    assert "There is a problem" not in html


def test_preset_shows_the_lessons_numbers(client):
    response = client.get(URL, {"preset": "two-isolated"})
    page = text(response)
    assert response.status_code == 200
    assert "Isolated: BTC long liquidated, you lose $1,000.00; ETH long keeps running" in page
    assert "All cross: nothing is liquidated; equity is $3,800.00." in page
    for figure in ["54,271.36", "30,226.13", "$4,000.00", "$3,500.00", "$3,800.00"]:
        assert figure in page
    assert "Liquidated" in page and "Safe" in page


def test_a_hedge_on_one_symbol_names_each_leg_by_its_side(client):
    # Lesson 10's pair: a BTC long and a BTC short, BTC down 12%; all isolated, the long goes.
    page = text(client.get(URL, {"preset": "l10-btc-hedge"}))
    assert "All isolated: BTC long liquidated, you lose $1,000.00; BTC short keeps running" in page


def test_several_legs_left_keep_running():
    forms = simulator_forms.SimulatorForms(preset_data("two-isolated"))
    assert forms.is_valid()
    spec = forms.scenario()
    three = dataclasses.replace(spec, positions=(*spec.positions, spec.positions[1]))
    assert "; ETH long, ETH long keep running;" in simulate(scenario=three).summary


@pytest.mark.parametrize("slug", SHIPPED_PRESETS)
def test_every_preset_renders_results(client, slug):
    response = client.get(URL, {"preset": slug})
    assert response.status_code == 200
    assert "The account in each mode" in response.content.decode()


def test_unknown_preset_is_not_found(client):
    assert client.get(URL, {"preset": "nope"}).status_code == 404


def test_plain_post_redirects_to_a_shareable_url(client):
    response = client.post(URL, scenario())
    assert response.status_code == 303
    location = response["Location"]
    assert location.startswith("/simulator/?")
    assert "csrfmiddlewaretoken" not in location
    shared = client.get(location)
    assert "equity is $3,800.00" in text(shared)


def test_htmx_results_post_returns_the_partial_and_the_url(client):
    response = client.post(RESULTS, scenario(mark_BTC="-5%"), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="results"')
    assert 'hx-swap-oob="innerHTML:#simulator-status"' in html
    assert "Isolated: nothing is liquidated" in html
    # The symbols did not change, so the scenario fields are left alone while typing.
    assert 'id="marks"' not in html
    url = response["HX-Replace-Url"]
    assert "mark_BTC=-5%25" in url
    assert "equity is" in text(Client().get(url))


def test_htmx_results_post_refreshes_the_scenario_fields_when_symbols_change(client):
    data = scenario(**{"positions-1-symbol": "SOL"})
    response = client.post(RESULTS, data, **HTMX)
    html = response.content.decode()
    assert '<fieldset id="marks" class="form-section" hx-swap-oob="true">' in html
    assert 'name="mark_SOL"' in html


def test_htmx_submit_swaps_the_whole_simulator(client):
    response = client.post(URL, scenario(), **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="simulator"')
    assert 'id="simulator-form"' in html and 'id="results"' in html
    assert response["HX-Replace-Url"].startswith("/simulator/?balance=5000")


def test_htmx_submit_with_a_mistake_shows_it_in_place(client):
    response = client.post(URL, scenario(balance="lots"), **HTMX)
    assert response.status_code == 200  # htmx swaps only successful responses
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="simulator"')
    assert "There is a problem" in html and 'value="lots"' in html
    assert "HX-Replace-Url" not in response


def test_results_without_htmx_is_a_plain_submit(client):
    assert client.post(RESULTS, scenario())["Location"].startswith("/simulator/?")
    assert client.post(RESULTS, scenario(balance="x")).status_code == 422


@pytest.mark.parametrize("url", [RESULTS, POSITIONS])
def test_the_partials_take_only_posts(client, url):
    assert client.get(url).status_code == 405


def test_get_url_round_trip_keeps_every_field(client):
    location = client.post(URL, scenario(balance="7,500", mark_ETH="2900"))["Location"]
    query = urlsplit(location).query
    html = client.get(f"{URL}?{query}").content.decode()
    assert 'value="7,500"' in html
    assert 'value="2900"' in html
    assert "Wallet balance" in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"balance": "abc"}, "Account balance must be a number, like 5,000"),
        ({"balance": "-5"}, "Account balance must be at least 0.01"),
        ({"balance": "NaN"}, "Account balance must be a number"),
        ({"balance": "Infinity"}, "Account balance must be a number"),
        ({"balance": "1e400"}, "Account balance must be a number, like 5,000"),
        ({"balance": "2,000,000,000"}, "Account balance must be at most 1,000,000,000"),
        ({"balance": ""}, "Enter the account balance, like 5,000"),
        ({"positions-0-leverage": "200"}, "Leverage must be at most 125"),
        ({"positions-0-leverage": "0.5"}, "Leverage must be at least 1"),
        ({"positions-0-leverage": "nan"}, "Leverage must be a number from 1 to 125"),
        ({"positions-0-entry_price": "-inf"}, "Entry price must be a number"),
        ({"positions-0-size": "0"}, "Size must be at least 0.01"),
        ({"positions-0-symbol": "BT C"}, "Use 1 to 12 letters or digits"),
        ({"positions-0-side": "sideways"}, "Select a valid choice"),
        ({"mark_BTC": "-150%"}, "BTC&#x27;s move must be between -100% and +1,000%"),
        ({"mark_BTC": "lots"}, "Enter BTC&#x27;s move like -12% or its price like 52,800"),
        ({"balance": "1000"}, "The isolated margins add up to 1,500"),
        ({"positions-TOTAL_FORMS": "abc"}, "The list of positions could not be read"),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_in_the_summary(client, changes, message):
    data = scenario(**changes)
    response = client.post(URL, data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "There is a problem" in html
    assert html.count(message) >= 2  # the summary and the field (or the results' list)


@pytest.mark.parametrize(
    ("name", "typed"),
    [("balance", "5 thousand"), ("positions-0-entry_price", "sixty k"), ("mark_BTC", "-12 %%")],
)
def test_what_was_typed_stays_in_the_field(client, name, typed):
    html = client.post(URL, scenario(**{name: typed})).content.decode()
    assert f'name="{name}" value="{typed}"' in html


def test_error_summary_links_to_the_field(client):
    html = client.post(URL, scenario(balance="abc")).content.decode()
    assert '<a href="#id_balance">' in html
    assert 'id="id_balance"' in html


def test_more_than_ten_positions_is_refused(client):
    data = scenario(**{"positions-TOTAL_FORMS": "11"})
    for i in range(2, 11):
        for name in ["symbol", "side", "entry_price", "leverage", "size", "size_basis"]:
            data[f"positions-{i}-{name}"] = data[f"positions-0-{name}"]
    response = client.post(URL, data)
    assert response.status_code == 422
    assert "Please submit at most 10 forms" in response.content.decode()


def test_a_huge_tampered_row_count_is_capped(client):
    response = client.post(URL, scenario(**{"positions-TOTAL_FORMS": "100000000"}))
    assert response.status_code == 422
    assert "at most 10" in response.content.decode()


def test_nothing_but_garbage_gives_a_clear_page(client):
    response = client.post(URL, {"x": "\x00\ud800".encode("utf-8", "surrogatepass")})
    assert response.status_code == 422
    assert "There is a problem" in response.content.decode()


def test_the_row_buttons_post_to_their_own_address(client):
    html = client.get(URL, {"preset": "two-isolated"}).content.decode()
    buttons = re.findall(r'<button type="submit"[^>]*name="action"[^>]*>', html)
    assert len(buttons) == 3  # remove 1, remove 2, add
    for button in buttons:
        assert f'formaction="{POSITIONS}"' in button and f'hx-post="{POSITIONS}"' in button
    assert f'hx-post="{RESULTS}"' in html


def test_add_a_position_without_javascript_keeps_what_was_typed(client):
    response = client.post(POSITIONS, scenario(balance="12,345", action="add"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="position-row"') == 3
    assert 'value="12,345"' in html
    assert 'name="positions-TOTAL_FORMS" value="3"' in html
    assert "There is a problem" not in html  # the new blank row is not judged yet


def test_add_a_position_with_htmx_returns_the_rows(client):
    response = client.post(POSITIONS, scenario(action="add"), **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<fieldset id="positions"')
    assert html.count('class="position-row"') == 3
    assert "Position 3 added." in html
    assert "autofocus" in html


def test_remove_a_position(client):
    response = client.post(POSITIONS, scenario(action="remove-0"), **HTMX)
    html = response.content.decode()
    assert html.count('class="position-row"') == 1
    assert 'name="positions-0-symbol" value="ETH"' in html
    assert 'name="mark_BTC"' not in html  # the scenario fields follow the rows


def test_tampered_remove_action_changes_nothing(client):
    response = client.post(POSITIONS, scenario(action="remove-99"))
    assert response.status_code == 200
    assert response.content.decode().count('class="position-row"') == 2


def test_adding_past_ten_positions_says_why(client):
    data = scenario(**{"positions-TOTAL_FORMS": "10", "action": "add"})
    response = client.post(POSITIONS, data, **HTMX)
    html = response.content.decode()
    assert html.count('class="position-row"') == 10
    assert "You can simulate at most 10 positions." in html


@pytest.mark.parametrize("url", [URL, RESULTS, POSITIONS])
def test_posts_need_a_csrf_token(url):
    response = Client(enforce_csrf_checks=True).post(url, scenario(), **HTMX)
    assert response.status_code == 403


def test_mixed_account_uses_the_per_position_override(client):
    data = scenario(**{"positions-1-margin_mode": "cross"})
    page = text(client.get(URL, data))
    assert "Your mix" in page
    assert "All cross" in page


def test_tiered_maintenance_changes_the_maintenance_margin(client):
    flat = text(client.get(URL, scenario()))
    tiered = text(client.get(URL, scenario(tiers="tiered")))
    assert "$12.50" in flat  # 0.5% of ETH's $2,500
    assert "$10.00" in tiered  # 0.4% below $50,000


def test_a_fall_to_zero_is_allowed(client):
    response = client.get(URL, scenario(mark_BTC="-100%"))
    assert response.status_code == 200
    assert "BTC long liquidated" in text(response)


def test_chart_has_title_description_markers_and_a_table(client):
    html = client.get(URL, {"preset": "two-isolated"}).content.decode()
    assert '<svg viewBox="0 0 640 320" role="img"' in html
    assert '<title id="chart-svg-title">' in html
    assert "Isolated: BTC long liquidated at 54,271.36" in html
    assert "All cross: BTC long, ETH long liquidated at 30,226.13" in html
    assert "Show the chart as a table" in html


def test_methodology_page_explains_the_formulas(client):
    response = client.get("/simulator/methodology/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "The liquidation price" in html and "54,271" in html


def test_footer_links_to_the_methodology(client):
    assert 'href="/simulator/methodology/"' in client.get("/").content.decode()


def test_the_old_lesson_example_address_serves_lesson_4s_widget(client):
    response = client.get("/simulator/lesson-example/", {"btc_move": "-30"}, **HTMX)
    html = response.content.decode()
    assert "BTC \u221230%: 42,000.00" in html
    assert "All cross: nothing is liquidated; equity is $2,000.00." in html
    assert 'id="btc-move-open" hx-swap-oob="true"' in html


def test_lesson_example_opened_directly_shows_the_scenario_in_the_simulator(client):
    response = client.get("/simulator/lesson-example/", {"btc_move": "-30"})
    assert response.status_code == 302
    assert response["Location"].startswith("/simulator/?")
    page = text(client.get(response["Location"]))
    assert "All cross: nothing is liquidated; equity is $2,000.00." in page


def test_lesson_example_takes_no_post(client):
    assert client.post("/simulator/lesson-example/", {"btc_move": "-5"}).status_code == 405


def test_lesson_links_to_presets_with_its_numbers(client):
    html = client.get(LESSON_4_URL).content.decode()
    links = re.findall(r'href="(/simulator/\?preset=[a-z-]+)">Try this in the simulator', html)
    assert links == [
        "/simulator/?preset=single-isolated",
        "/simulator/?preset=two-isolated",
        "/simulator/?preset=two-cross",
    ]
    single = text(client.get(links[0]))
    assert "ETH long liquidated, you lose $500.00" in single
    assert "equity is $4,500.00" in single
    cross = text(client.get(links[2]))
    assert "Cross: nothing is liquidated; equity is $3,800.00." in cross


def count_engine_runs(monkeypatch) -> list:
    """Every simulator page, partial and lesson widget computes through SimulatorForms."""
    runs = []

    def counting(*, scenario):
        runs.append(scenario)
        return simulate(scenario=scenario)

    monkeypatch.setattr(simulator_forms, "simulate", counting)
    return runs


def test_the_same_live_scenario_is_computed_once(client, monkeypatch):
    runs = count_engine_runs(monkeypatch)
    first = client.post(RESULTS, scenario(), **HTMX)
    second = client.post(RESULTS, scenario(), **HTMX)
    assert first.content == second.content
    assert first["HX-Replace-Url"] == second["HX-Replace-Url"]
    assert len(runs) == 1
    client.post(RESULTS, scenario(mark_BTC="-13%"), **HTMX)
    assert len(runs) == 2


def test_a_shared_url_page_is_rendered_once_per_address(client, monkeypatch):
    runs = count_engine_runs(monkeypatch)
    first = client.get(URL, {"preset": "two-cross"})
    second = client.get(URL, {"preset": "two-cross"})
    assert len(runs) == 1
    assert first.status_code == second.status_code == 200
    assert "placeholder" not in second.content.decode()
    assert client.get(URL, {"balance": "x"}).status_code == 422
    assert client.get(URL, {"balance": "x"}).status_code == 422  # from the cache, still 422


def test_summary_names_the_position_a_row_error_belongs_to(client):
    html = client.post(URL, scenario(**{"positions-1-leverage": "500"})).content.decode()
    assert '<a href="#id_positions-1-leverage">Position 2: Leverage must be at most 125</a>' in html


@pytest.mark.parametrize("mark", ["0.00000001", "100000000", "-99.99999999%", "1000%"])
def test_extreme_but_valid_prices_render(client, mark):
    """Found by the hostile-input tests: a tiny price once crashed the display."""
    response = client.get(URL, scenario(mark_BTC=mark))
    assert response.status_code == 200
    assert "The account in each mode" in response.content.decode()


def test_live_results_and_the_lesson_widget_work_out_each_scenario_once(client, monkeypatch):
    runs = count_engine_runs(monkeypatch)
    fragment = {"preset": "two-isolated", "control": "move:BTC", "min": "-60", "max": "0"}
    fragment |= {"id": "btc-move", "btc_move": "-20"}
    for _ in range(3):
        widget = client.get("/simulator/widget/", fragment, **HTMX)
        assert "BTC \u221220%: 48,000.00" in widget.content.decode()
        lesson = client.get(LESSON_4_URL, {"btc_move": "-20"})  # the same outcome, in place
        assert "BTC \u221220%: 48,000.00" in lesson.content.decode()
        alias = client.get("/simulator/lesson-example/", {"btc_move": "-20"}, **HTMX)
        assert alias.content == widget.content
        results = client.post(RESULTS, preset_data("two-isolated"), **HTMX)
        assert "All cross: nothing is liquidated; equity is $3,800.00." in results.content.decode()
    assert len(runs) == 2


def test_an_unknown_preset_says_so_and_offers_the_real_ones(client):
    response = client.get(URL, {"preset": "nope"})
    assert response.status_code == 404
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#presets-title">There is no example by that name.' in html
    assert 'id="presets-title"' in html
    for slug in SHIPPED_PRESETS:
        assert f'href="/simulator/?preset={slug}"' in html


def test_the_examples_are_listed_in_the_files_order_with_their_titles(client):
    html = client.get(URL).content.decode()
    titles = re.findall(r'<li><a href="/simulator/\?preset=[a-z0-9-]+">([^<]+)</a></li>', html)
    assert titles == [escape(preset.title) for preset in Preset.objects.all()]
    assert titles[:4] == [
        "Lesson 4: two isolated positions, BTC falls 12%",
        "Lesson 4: the same two positions in cross, BTC falls 12%",
        "A single 10x isolated long with $500 margin, ETH falls 12%",
        "A hedge in cross: long BTC, short ETH, both fall 12%",
    ]


def test_negative_money_prints_with_a_true_minus(client):
    html = client.get(URL, scenario(**{"positions-1-side": "short", "mark_ETH": "10%"})).content
    assert "\u2212$250.00" in html.decode()  # ETH short's unrealized loss on a 10% rise


# --------------------------------------------------------------------------- the venue


def test_without_a_venue_binances_rules_apply_and_the_page_says_so(client):
    page = text(client.get(URL, {"preset": "two-isolated"}))
    assert "Liquidation follows Binance USDS-M's rules" in page
    assert "54,271.36" in page  # lesson 4's figure, as before venues


@pytest.mark.parametrize("venue", list(VENUES))
def test_the_chosen_venues_rules_and_tiers_apply(client, venue):
    rules = get_venue(venue)
    positions = (
        Position.from_notional("BTC", "long", 10_000, 60_000, 10),
        Position.from_notional("ETH", "long", 2_500, 3_000, 5),
    )
    account = Account(
        balance=5_000,
        positions=positions,
        brackets={symbol: rules.brackets(symbol) for symbol in ("BTC", "ETH")},
        venue=venue,
    )
    evaluation = evaluate(account, {"BTC": 52_800, "ETH": 3_000})
    response = client.get(URL, scenario(venue=venue, tiers="tiered"))
    assert response.status_code == 200
    page = text(response)
    assert f"Liquidation follows {rules.name}'s rules" in page
    assert f"{rules.name}'s real tiers for BTC and ETH" in page
    for state in evaluation.positions:
        assert price(state.liquidation_price) in page
        assert money(state.maintenance_margin) in page
    assert f'<option value="{venue}" selected>' in response.content.decode()


def test_the_venue_changes_the_liquidation_price_with_flat_tiers_too(client):
    binance = text(client.get(URL, scenario()))
    okx = text(client.get(URL, scenario(venue="okx")))
    assert "54,271.36" in binance and "54,271.36" not in okx  # OKX adds its taker fee
    assert "counts its standard taker fee (0.05%) in the maintenance margin" in okx


def test_an_unknown_venue_lists_the_venues(client):
    response = client.post(URL, scenario(venue="ftx"))
    assert response.status_code == 422
    html = response.content.decode()
    message = "There is no venue &#x27;ftx&#x27;. The venues are: binance, bybit, okx"
    assert html.count(message) >= 2
    assert '<a href="#id_venue">' in html


def test_the_venue_is_part_of_the_scenarios_address(client):
    location = client.post(URL, scenario(venue="dydx"))["Location"]
    assert "venue=dydx" in location
    assert "Liquidation follows dYdX v4's rules" in text(client.get(location))
