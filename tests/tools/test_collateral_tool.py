"""The collateral tool (issue 29, item 5): several assets in, each venue's collateral value,
haircuts and margin ratio out, every figure the engine's; bad input gets a message."""

from decimal import Decimal
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.engine import Wallet
from tests.test_hostile_input import assert_clear, examples, hostile_text

pytestmark = pytest.mark.django_db

URL = "/tools/collateral/"


def query(rows: list[tuple[str, str, str]], **extra: str) -> str:
    fields = [("a-TOTAL_FORMS", str(len(rows) + 1)), ("a-INITIAL_FORMS", "0")]
    for i, (asset, amount, price) in enumerate(rows):
        fields += [(f"a-{i}-asset", asset), (f"a-{i}-amount", amount), (f"a-{i}-price", price)]
    return URL + "?" + urlencode(fields + list(extra.items()))


def test_each_venue_counts_the_wallet_by_its_table(client):
    response = client.get(
        query([("BTC", "0.5", "60000"), ("USDT", "5000", "")], maintenance="1200")
    )
    assert response.status_code == 200
    forms = response.context["forms"]
    binance, bybit = forms.results
    prices = {"BTC": Decimal(60000)}
    for venue, result in (("binance", binance), ("bybit", bybit)):
        wallet = Wallet({"BTC": Decimal("0.5"), "USDT": 5000}, venue=venue)
        assert result.collateral_value == wallet.collateral_value(prices)
        assert result.margin_ratio == Decimal(1200) / wallet.collateral_value(prices)
    # Binance: 30,000 x 95% + 5,000 x 99.99% = 28,500 + 4,999.50.
    assert binance.collateral_value == Decimal("33499.5000")
    html = response.content.decode()
    assert "$33,499.50" in html and "Link to this result" in html


def test_an_asset_one_venue_does_not_take_is_named_not_refused(client):
    response = client.get(query([("BNB", "10", "600")]))
    assert response.status_code == 200
    assert (
        "Bybit Unified Trading Account does not take it as collateral" in response.content.decode()
    )


@pytest.mark.parametrize(
    ("rows", "words"),
    [
        ([("BTC", "1", "")], "Enter the price of BTC in USDT"),
        ([("BTC", "-1", "60000")], "Amount must be at least 0"),
        ([("DOGE", "1", "1")], "Select a valid choice"),
        ([("BTC", "1", "60000"), ("BTC", "2", "60000")], "Give each asset once"),
        ([], "Enter at least one asset"),
    ],
)
def test_bad_input_gets_a_message(client, rows, words):
    response = client.get(query(rows))
    assert response.status_code == 422
    assert words in response.content.decode()


def test_live_results_and_without_javascript(client):
    url = query([("ETH", "3", "3000")])
    partial = client.get(url.replace(URL, URL + "results/"), headers={"HX-Request": "true"})
    assert partial.status_code == 200 and b"<html" not in partial.content
    assert partial["HX-Replace-Url"].startswith(URL + "?")
    assert client.get(url.replace(URL, URL + "results/")).status_code == 302


NAMES = ["maintenance", "a-TOTAL_FORMS", "a-INITIAL_FORMS"] + [
    f"a-{i}-{f}" for i in range(3) for f in ("asset", "amount", "price")
]


@examples(200)
@given(
    replaced=st.dictionaries(st.sampled_from(NAMES), hostile_text, max_size=5),
    htmx=st.booleans(),
)
def test_hostile_figures(client, replaced, htmx):
    base = dict(
        (k, v) for k, v in [("a-TOTAL_FORMS", "2"), ("a-INITIAL_FORMS", "0"), ("a-0-asset", "BTC"),
                            ("a-0-amount", "1"), ("a-0-price", "60000")]
    )  # fmt: skip
    base.update(replaced)
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(URL + "?" + urlencode(base), headers=headers)
    assert_clear(response, expect="There is a problem")
