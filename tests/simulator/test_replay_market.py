"""A path's market block (content/paths.yaml, `market:`): loaded, checked with file and
field in every error, and replayed on the page with the backstops' events in words,
every figure the engine's (simulator/content.py, simulator/replay/)."""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.http import QueryDict

from simulator.engine.replay import EventKind
from simulator.models import PricePath
from simulator.replay.forms import ReplayForms, path_problems
from tests.content_files import edit, problems_of

pytestmark = pytest.mark.django_db

D = Decimal

URL = "/simulator/replay/"
SLUG = "black-thursday-2020-advanced"
HTMX = {"HTTP_HX_REQUEST": "true"}


def text_of(response) -> str:
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", unescape(text))


def outcome():
    forms = ReplayForms(QueryDict(f"path={SLUG}"))
    assert forms.outcome is not None, forms.errors
    return forms


def test_the_market_is_stored_with_times_in_hours_from_the_first_point():
    market = PricePath.objects.get(slug=SLUG).market
    assert market["fund"] == "5000"
    assert market["illustrative"].startswith("Made up to show the rules")
    assert market["traders"][0] == {
        "name": "Trader A", "symbol": "BTC", "side": "short", "entry": "0%",
        "notional": "100000", "leverage": "20",
    }  # fmt: skip
    # 02:15 on the 13th is 16.25 hours after 10:00 on the 12th.
    assert market["shortfalls"] == [
        {"hour": "16.25", "symbol": "BTC", "side": "long", "amount": "14000", "bankruptcy": "-40%"}
    ]
    assert PricePath.objects.get(slug="black-thursday-2020").market == {}


def test_the_advanced_path_shows_partial_liquidation_the_fund_and_adl():
    forms = outcome()
    isolated = forms.outcome.modes[0].result
    kinds = [event.kind for event in isolated.events]
    assert EventKind.PARTIAL in kinds and EventKind.FUND in kinds and EventKind.ADL in kinds
    partials = [e for e in isolated.events if e.kind is EventKind.PARTIAL]
    assert all(o.closed == o.quantity_before * Decimal("0.2") for e in partials for o in e.orders)
    (draw,) = [e for e in isolated.events if e.kind is EventKind.FUND]
    assert draw.fund.source == "market" and draw.fund.fund_after == 0
    # The bankruptcy price is -40% from the account's entry, 7,300.
    assert draw.fund.bankruptcy_price == Decimal(4380)
    adl = [e for e in isolated.events if e.kind is EventKind.ADL]
    assert [e.deleveraged.rank for e in adl] == [1, 2]
    assert adl[0].deleveraged.name == "Trader A" and adl[1].positions == (1,)  # your short


def test_the_page_tells_the_backstops_in_words_with_the_engines_figures(client):
    forms = outcome()
    text = text_of(client.get(URL, {"path": SLUG}))
    assert "The market around your account: illustrative" in text
    assert "Made up to show the rules" in text
    for line in forms.outcome.modes[0].log:
        assert unescape(line) in text
    assert "partial liquidation. Position 1 (BTC long): 8.21917808 of 41.09589041 closed" in text
    assert "because Hyperliquid: worth" in text and "20% of the position" in text
    assert "the insurance fund pays" in text and "auto-deleveraging closes your position 2" in text
    assert "Ranked 2 of 3 (profit percentage x effective leverage" in text
    assert "The exchange's insurance fund (illustrative): $0" in text  # at the last step


def test_the_market_is_in_the_address_and_the_scrubber_keeps_it(client):
    html = client.get(URL, {"path": SLUG}).content.decode()
    assert f'name="market" value="{SLUG}"' in html
    step = client.get(f"{URL}step/", {**dict(outcome().fields()), "step": "2"}, **HTMX)
    assert step.status_code == 200
    assert "The exchange's insurance fund (illustrative): $5,000" in text_of(step)


def test_the_table_shows_what_adl_left_of_your_short(client):
    text = text_of(client.get(URL, {"path": SLUG}))  # the last step
    assert "Open 4.09431925 left after auto-deleveraging at hour 16.25" in text


@pytest.mark.parametrize("market", ["nope", "lesson-4", "x" * 300, "<script>"])
def test_an_unknown_market_is_refused_with_a_message_not_a_500(client, market):
    response = client.get(URL, {"path": SLUG, "market": market})
    assert response.status_code == 422
    assert "There is no market by that name" in text_of(response)


def test_a_market_typed_by_hand_with_the_path_replays_without_it():
    forms = outcome()
    fields = dict(forms.fields())
    fields.pop("market")
    again = ReplayForms(QueryDict(mutable=True) | fields)
    assert again.outcome is not None and again.outcome.market is None


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("    fund: 5000\n", "    fund: -5\n",
         "market, fund: Input should be greater than or equal to 0"),
        ("    fund: 5000\n", "    fund: lots\n", "market, fund: Input should be a valid decimal"),
        ("    fund: 5000\n", "", "market, fund: is missing; it is required"),
        ("    illustrative: >-\n", "    label: >-\n", "market, illustrative: is missing"),
        ('{name: "Trader A", side: short', '{name: "Trader A", side: sideways',
         "market, trader 1, side: Input should be 'long' or 'short'"),
        ("entry: 0%, notional: 100000", "entry: -100%, notional: 100000",
         "market, trader 1, entry: must be above -100%"),
        ("entry: 0%, notional: 100000", "entry: 7300, notional: 100000",
         "market, trader 1, entry: must be a move from the path's start"),
        ("notional: 100000, leverage: 20", "notional: 100000, leverage: 0",
         "market, trader 1, leverage: Input should be greater than or equal to 1"),
        ("notional: 100000, leverage: 20", "notional: 100000, leverage: 20, colour: red",
         "market, trader 1, colour: is not a field here"),
        ('{name: "Trader B"', '{name: "Trader A"', "market, trader 2, name: another trader"),
        ('{at: "2020-03-13T02:15:00Z", side: long', '{at: "2020-03-14T00:00:00Z", side: long',
         "market, shortfall 1, at: must be within the points' times"),
        ("amount: 14000", "amount: 0",
         "market, shortfall 1, amount: Input should be greater than 0"),
        ("bankruptcy: -40%", "bankruptcy: '-40'",
         "market, shortfall 1, bankruptcy: must be a move"),
        ('{name: "Trader A", side: short', '{name: "Trader A", symbol: ETH, side: short',
         "Trader 1 is on ETH, which the account does not hold"),
    ],
)  # fmt: skip
def test_a_wrong_market_names_the_file_the_path_and_the_field(content, old, new, expected):
    edit(content / "paths.yaml", old, new)
    problems = problems_of(content)
    prefix = f"content/paths.yaml: {SLUG}"
    assert any(p.startswith(prefix) and expected in p for p in problems), problems


def test_a_market_on_a_path_of_moves_is_refused(content):
    edit(
        content / "paths.yaml",
        "  moves: 0%, -12%, -50%\n",
        "  moves: 0%, -12%, -50%\n  market: {illustrative: made up, fund: 1}\n",
    )
    expected = "content/paths.yaml: lesson-4, market: goes with points"
    assert any(p.startswith(expected) for p in problems_of(content))


def test_the_admin_refuses_a_market_that_cannot_be_replayed():
    row = PricePath.objects.get(slug=SLUG)
    assert path_problems(account=row.account, data=row.data, market=row.market) == {}
    broken = {**row.market, "traders": [{"name": "T", "side": "short"}]}
    problems = path_problems(account=row.account, data=row.data, market=broken)
    assert "market" in problems and "notional" in problems["market"][0]
    assert path_problems(account=row.account, data=row.data, market=[1]) == {
        "market": ["Give the market as an object: {} for none."]
    }


COINS = "black-thursday-advanced-coins"


def test_the_coins_account_on_the_same_path_is_lost_sooner_than_on_usdt(client):
    forms = ReplayForms(QueryDict(f"path={SLUG}&account={COINS}"))
    assert forms.outcome is not None, forms.errors
    usdt, coins = forms.outcome.modes
    assert (usdt.label, coins.label) == ("Cross on USDT", "Cross on the wallet")
    first = next(e for e in coins.result.events if e.kind is EventKind.PARTIAL)
    plain = next(e for e in usdt.result.events if e.kind is EventKind.PARTIAL)
    assert first.time < plain.time and first.marks["BTC"] > plain.marks["BTC"]
    # 2 BTC at 7,300 counted at 95% and 36,130 USDT at 99.99%.
    assert coins.result.moments[0].collateral == D("13870") + D("36126.387")
    kinds = {e.kind for e in coins.result.events}
    assert {EventKind.PARTIAL, EventKind.FUND, EventKind.ADL} <= kinds
    html = client.get(URL, {"path": SLUG, "account": COINS}).content.decode()
    assert 'value="BTC 2, USDT 36130"' in html  # the preset's wallet, in the form
    assert "The wallet counts $49,996.39 as collateral at these prices." in text_of(
        client.get(URL, {"path": SLUG, "account": COINS, "step": "0"})
    )


@pytest.mark.parametrize(
    ("wallet", "message"),
    [
        ("BTC", "Write each asset as its name and amount"),
        ("BTC two", "The amount of BTC must be a number"),
        ("BTC -1", "between 0 and"),
        ("BTC 1, BTC 2", "BTC is given twice"),
        ("DOGE 5", "We do not know the asset"),
        ("ETH 1", "holds ETH, but the account holds no position on it"),
        ("XRP 1", "holds XRP"),
        (", ".join(f"USDT{n} 1" for n in range(11)), "at most 10 assets"),
        ("<script>alert(1)</script> 1", "Write each asset"),
        ("BTC 1e999999", "must be a number"),
        ("x" * 400, "at most 300 characters"),
    ],
)
def test_a_wrong_wallet_is_refused_with_a_message_and_kept_as_typed(client, wallet, message):
    response = client.get(URL, {"path": SLUG, "account": COINS, "wallet": wallet})
    assert response.status_code == 422
    text = text_of(response)
    assert message in text, text[:3000]
    if len(wallet) <= 300:
        assert wallet in unescape(response.content.decode())


def test_a_wallet_with_bybits_rules_and_isolated_presets_replay_cross(client):
    forms = ReplayForms(
        QueryDict(f"path={SLUG}&wallet=BTC+1,+USDT+20000&collateral=bybit")
    )  # the isolated preset's positions, all cross on the wallet
    assert forms.outcome is not None, forms.errors
    assert forms.outcome.modes[1].result.moments[0].collateral == D("7154") + D("20000")
    assert ("wallet", "BTC 1, USDT 20000") in forms.fields()
    response = client.get(URL, {"path": SLUG, "wallet": "BTC 1", "collateral": "kraken"})
    assert response.status_code == 422
    assert "Select a valid choice" in text_of(response)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("assets: {BTC: 2, USDT: 36130}", "assets: {DOGE: 2}",
         "black-thursday-advanced-coins, wallet: We do not know the asset 'DOGE'"),
        ("assets: {BTC: 2, USDT: 36130}", "assets: {BTC: -2}",
         "black-thursday-advanced-coins, wallet: The amount of BTC cannot be negative"),
        ("assets: {BTC: 2, USDT: 36130}", "assets: {BTC: lots}",
         "black-thursday-advanced-coins, wallet, assets, BTC: “lots” is not a number"),
        ("assets: {BTC: 2, USDT: 36130}", "assets: {}",
         "black-thursday-advanced-coins, wallet, assets: Dictionary should have at least 1"),
        ("    venue: binance\n    assets: {BTC: 2, USDT: 36130}",
         "    venue: bybit\n    assets: {SOL: 2}",
         "black-thursday-advanced-coins, wallet: Bybit Unified Trading Account does not take SOL"),
        ("    venue: binance\n    assets: {BTC: 2, USDT: 36130}",
         "    venue: kraken\n    assets: {BTC: 2, USDT: 36130}",
         "black-thursday-advanced-coins, wallet: There is no collateral table for 'kraken'"),
    ],
)  # fmt: skip
def test_a_wrong_preset_wallet_names_the_file_the_preset_and_the_field(content, old, new, expected):
    edit(content / "presets.yaml", old, new)
    problems = problems_of(content)
    assert any(p.startswith(f"content/presets.yaml: {expected}") for p in problems), problems
