"""The lessons' collateral simulator (`[[collateral ...]]`): checked when content loads
(a bad preset, control or wallet is an error naming the file and the line), rendered per
request with and without JavaScript, its figures the engine's, and its fragment address
never a 500 whatever it is sent."""

import json
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.content import load_content
from core.numbers import money, price
from simulator.engine import Account, Position, Wallet, collateral_liquidation_price
from simulator.models import Preset
from simulator.selectors import preset
from simulator.tools.collateral.wallets import read_wallet
from simulator.tools.collateral.widget import read_collateral, reading
from tests.content_files import edit, problems_of
from tests.test_hostile_input import hostile_text

pytestmark = pytest.mark.django_db

LESSON = "/learn/advanced/collateral-and-haircuts/"
WIDGET = "/tools/collateral/widget/"
SETTINGS = {
    "preset": "l11-btc-on-btc", "control": "move:BTC", "min": "-60", "max": "0",
    "value": "-30", "id": "btc-on-btc",
}  # fmt: skip
LESSON_FILE = "advanced/11-collateral-and-haircuts.md"
EMBED = (
    "[[collateral preset=l11-btc-on-btc control=move:BTC min=-60 max=0 value=-30 id=btc-on-btc "
    'title="Try it: a BTC long on BTC collateral"]]'
)


def spec():
    found, problems = read_collateral(SETTINGS, number=1, find_preset=preset)
    assert found is not None, problems
    return found


def test_the_preset_keeps_its_wallet_beside_the_simulators_fields():
    data = preset("l11-btc-on-btc").data
    assert data["wallet-venue"] == "binance" and data["wallet-amount-BTC"] == "1"
    found, problems = read_wallet(data)
    assert problems == [] and found.wallet.balances == {"BTC": Decimal(1)}
    mixed, _ = read_wallet(preset("l11-mixed-wallet").data)
    assert mixed.prices == {"BTC": Decimal(60000)}


def test_its_figures_are_the_engines():
    at = reading(spec(), Decimal(-30))
    wallet = Wallet({"BTC": 1}, "binance")
    assert at.mark == 42000
    assert at.collateral_value == wallet.collateral_value({"BTC": 42000}) == Decimal(39900)
    assert at.unrealized_pnl == -18000 and at.equity == 21900 and at.maintenance == 210
    assert at.margin_ratio == Decimal(210) / Decimal(21900)
    account = Account(Decimal(57000), (Position("BTC", "long", 1, 60000, 10, mode="cross"),))
    (btc,) = at.liquidations
    assert btc.price == collateral_liquidation_price(account, 0, wallet)
    assert price(btc.price) == "30,848.33" and price(btc.as_quote) == "3,015.08"
    assert not at.liquidated and reading(spec(), Decimal(-49)).liquidated


def test_the_lesson_shows_it_without_javascript_at_the_value_in_the_address(client):
    page = client.get(LESSON).content.decode()
    assert 'id="btc-on-btc"' in page and f'action="{LESSON}#btc-on-btc"' in page
    assert "BTC −30%: 42,000.00" in page and money(Decimal(39900)) in page
    assert "0.96%" in page and "30,848.33" in page and "3,015.08" in page
    assert '<th scope="row">5,000 USDT</th>' in page and '<th scope="row">0.2 BTC</th>' in page
    moved = client.get(LESSON, {"btc_on_btc": "-50"}).content.decode()
    assert "BTC −50%: 30,000.00" in moved and "Liquidated: the equity" in moved
    # A value off the slider gives its starting value, never an error.
    assert "BTC −30%" in client.get(LESSON, {"btc_on_btc": "-75"}).content.decode()


def test_htmx_asks_its_own_fragment(client):
    page = client.get(LESSON).content.decode()
    assert 'hx-get="/tools/collateral/widget/?preset=l11-btc-on-btc' in page
    response = client.get(WIDGET, {**SETTINGS, "btc_on_btc": "-40"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "BTC −40%: 36,000.00" in body and 'hx-swap-oob="true"' in body
    assert "<html" not in body


def test_without_htmx_the_fragment_sends_the_wallet_to_the_collateral_tool(client):
    response = client.get(WIDGET, {**SETTINGS, "btc_on_btc": "-30"})
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert urlsplit(response["Location"]).path == "/tools/collateral/"
    assert query["a-0-asset"] == ["BTC"] and query["a-0-price"] == ["42000.00"]
    assert query["maintenance"] == ["210.00"]
    tool = client.get(response["Location"]).content.decode()
    assert "$39,900.00" in tool


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"preset": "two-cross"}, "the preset “two-cross”, wallet: is missing"),
        ({"preset": "nope"}, "there is no preset “nope”"),
        ({"control": "leverage:1"}, "a collateral simulator moves a price"),
        ({"control": "move:ETH"}, "holds no ETH"),
        ({"min": "x"}, "min=“x” is not a number"),
        ({"value": "5"}, "value (5) must lie between min (-60) and max (0)"),
    ],
)
def test_a_bad_address_is_a_400_that_says_why(client, changes, expected):
    response = client.get(WIDGET, {**SETTINGS, **changes}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert expected in response.content.decode()


def test_only_reads(client):
    assert client.post(WIDGET, SETTINGS).status_code == 405


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    changes=st.dictionaries(
        st.sampled_from([*SETTINGS, "step", "title"]),
        st.one_of(hostile_text, st.sampled_from(["move:BTC", "balance", "l11-mixed-wallet"])),
        max_size=4,
    ),
    value=hostile_text,
    htmx=st.booleans(),
)
def test_hostile_addresses_never_break_it(client, changes, value, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.get(WIDGET, {**SETTINGS, **changes, "btc_on_btc": value}, **headers)
    assert response.status_code in (200, 302, 400)
    if response.status_code == 400:
        assert "This lesson simulator address is not right: " in response.content.decode()
    elif htmx:
        assert "hx-swap-oob" in response.content.decode()
    else:
        assert client.get(response["Location"]).status_code in (200, 422)


# ----------------------------------------------------------------------------- loading


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "preset=l11-btc-on-btc control",
            "preset=l11-btc-on-btx control",
            "there is no preset “l11-btc-on-btx”",
        ),
        ("preset=l11-btc-on-btc control", "preset=two-cross control", "wallet: is missing"),
        ("control=move:BTC min=-60", "control=balance min=-60", "moves a price"),
        ("control=move:BTC min=-60", "control=move:ETH min=-60", "holds no ETH"),
    ],
)
def test_a_bad_embed_is_an_error_naming_the_file_and_line(content, old, new, expected):
    edit(content / LESSON_FILE, EMBED, EMBED.replace(old, new))
    problems = problems_of(content)
    line = next(p for p in problems if p.startswith(f"content/{LESSON_FILE}: body: Collateral"))
    assert expected in line, problems
    body = (content / LESSON_FILE).read_text().split("---\n", 2)[2].lstrip("\n")
    number = body[: body.index("[[collateral preset=")].count("\n") + 1
    assert f"(line {number}): " in line


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("    assets: {BTC: 1}\n", "    assets: {BTC: -1}\n", "l11-btc-on-btc, wallet: The amount"),
        ("    assets: {BTC: 1}\n", "    assets: {FOO: 1}\n", "We do not know the asset 'FOO'"),
        ("    assets: {BTC: 1}\n", "    assets: {}\n", "l11-btc-on-btc, wallet, assets:"),
        ("    assets: {BTC: 1}\n", "    assets: {BTC: lots}\n", "wallet, assets, BTC:"),
        (
            "    venue: binance\n    assets: {BTC: 1}\n",
            "    venue: kraken\n    assets: {BTC: 1}\n",
            "l11-btc-on-btc, wallet: There is no collateral table for 'kraken'",
        ),
        (
            "    assets: {BTC: 0.2, ETH: 3, USDT: 5000}\n    prices: {BTC: 60000}\n",
            "    assets: {BTC: 0.2, ETH: 3, USDT: 5000}\n",
            "l11-mixed-wallet, wallet, assets, BTC: no position moves BTC",
        ),
        (
            "    prices: {BTC: 60000}\n",
            "    prices: {BTC: 60000, ETH: 3000}\n",
            "l11-mixed-wallet, wallet, prices, ETH: ETH moves with its position's mark",
        ),
        (
            "    - {symbol: BTC, side: long, entry_price: 60000, leverage: 10, notional: 60000}\n"
            "  marks: {BTC: -30%}\n",
            "    - {symbol: BTC, side: long, entry_price: 60000, leverage: 10, notional: 60000, "
            "margin_mode: isolated}\n  marks: {BTC: -30%}\n",
            "l11-btc-on-btc, mode: a wallet backs cross positions only",
        ),
        ("    assets: {BTC: 1}\n", "    asets: {BTC: 1}\n", "l11-btc-on-btc, wallet, asets:"),
    ],
)
def test_a_bad_wallet_is_an_error_naming_the_file_the_preset_and_the_field(
    content, old, new, expected
):
    edit(content / "presets.yaml", old, new)
    problems = problems_of(content)
    assert any(problem.startswith("content/presets.yaml: ") and expected in problem
               for problem in problems), problems  # fmt: skip


def test_loading_again_changes_nothing(content):
    report = load_content(content)
    assert "Preset l11-btc-on-btc" in report.unchanged


def test_the_admin_refuses_a_wallet_the_engine_refuses(admin_client):
    row = Preset.objects.get(slug="l11-btc-on-btc")
    url = f"/admin/simulator/preset/{row.pk}/change/"
    fields = {"slug": row.slug, "title": row.title, "order": str(row.order)}
    data = {**row.data, "wallet-amount-BTC": "-1"}
    response = admin_client.post(url, {**fields, "data": json.dumps(data)})
    assert response.status_code == 200
    assert "wallet: The amount of BTC cannot be negative" in response.content.decode()
    row.refresh_from_db()
    assert row.data["wallet-amount-BTC"] == "1"
    data = {**row.data, "wallet-amount-BTC": "2"}
    assert admin_client.post(url, {**fields, "data": json.dumps(data)}).status_code == 302
