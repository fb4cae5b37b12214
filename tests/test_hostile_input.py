"""Random and malformed input at every form endpoint: never a 500, always a clear page.

Hypothesis generates the requests (about 2,000 in all). The test client raises
any exception a view lets escape, so a crash fails the test; each response must
also be a page that says what went wrong (or the normal result).
"""

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quiz.models import Quiz
from simulator.sandbox.forms import PositionForm
from simulator.selectors import preset_data
from simulator.tools.forms import LiquidationForm, PnlForm, PositionSizeForm
from tests.conftest import LESSON_4_URL

pytestmark = pytest.mark.django_db

NASTY = [
    "NaN", "nan", "inf", "-Infinity", "sNaN", "1e999", "-1e-999", "0", "-0", "1_000",
    "١٢٣", "5,000.00.00", "$$5", "%", "-12%%", "\u221212%", "9" * 400, "0x1F", " ", "\t",
    "None", "[]", "{}", "<script>alert(1)</script>", "\x00", "'; DROP TABLE quiz_quiz; --",
    "-100%", "-100.0001%", "1e6%", "125", "125.0000001", "0.00000001", "1e-30",
]  # fmt: skip
hostile_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=30),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
ROW_FIELDS = list(PositionForm.base_fields)
SCENARIO_FIELDS = [
    *("balance", "mode", "venue", "tiers", "mark_BTC", "mark_ETH", "mark_SOL", "chart_symbol"),
]
COUNT_FIELDS = ["positions-TOTAL_FORMS", "positions-INITIAL_FORMS"]


def examples(count: int) -> settings:
    return settings(
        max_examples=count,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@st.composite
def simulator_data(draw) -> dict:
    """A valid scenario with some fields replaced, removed, added or multiplied."""
    data = preset_data("two-isolated").dict()
    for name in draw(st.lists(st.sampled_from(SCENARIO_FIELDS + COUNT_FIELDS), max_size=4)):
        data[name] = draw(hostile_text)
    for _ in range(draw(st.integers(0, 3))):
        row = draw(st.integers(-1, 12))
        data[f"positions-{row}-{draw(st.sampled_from(ROW_FIELDS))}"] = draw(hostile_text)
    for name in draw(st.lists(st.sampled_from(sorted(data)), max_size=3)):
        data.pop(name, None)
    data.update(draw(st.dictionaries(st.text(max_size=12), hostile_text, max_size=3)))
    if draw(st.integers(0, 19)) == 0:  # thousands of rows, with a matching count or not
        rows = draw(st.integers(11, 2000))
        data["positions-TOTAL_FORMS"] = str(draw(st.sampled_from([rows, 2, 10**9])))
        for i in range(rows):
            data[f"positions-{i}-symbol"] = "BTC"
            data[f"positions-{i}-size"] = "100"
    return data


FORM = "application/x-www-form-urlencoded"


def form_body(data: dict) -> str:
    """Encoded as a browser (and htmx) sends a form."""
    return urlencode(data, doseq=True)


def assert_clear(response, *, expect: str = "") -> None:
    assert response.status_code < 500
    if response.status_code in (301, 302, 303):
        return
    html = response.content.decode()
    if response.status_code == 400 and "Something in that request was not right" in html:
        return  # Django's own limits (over 1,000 fields) answer with the site's 400 page
    if response.status_code >= 400:
        assert expect in html if expect else html.strip()


@examples(300)
@given(data=simulator_data(), htmx=st.booleans())
def test_simulator_submits(client, data, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post("/simulator/", form_body(data), content_type=FORM, **headers)
    assert_clear(response, expect="There is a problem")
    if htmx and response.status_code != 400:
        assert response.status_code == 200
        html = response.content.decode()
        assert "Results appear once the form is complete" in html or "equity is" in html


@examples(300)
@given(data=simulator_data())
def test_live_results(client, data):
    headers = {"HTTP_HX_REQUEST": "true"}
    response = client.post("/simulator/results/", form_body(data), content_type=FORM, **headers)
    assert_clear(response)
    if response.status_code != 400:
        assert response.status_code == 200
        html = response.content.decode()
        assert "Results appear once the form is complete" in html or "equity is" in html


@examples(450)
@given(data=simulator_data())
def test_simulator_share_urls(client, data):
    assert_clear(client.get("/simulator/", data), expect="There is a problem")


@examples(250)
@given(
    data=simulator_data(),
    action=st.one_of(st.sampled_from(["add", "remove-0", "remove-1"]), hostile_text),
    htmx=st.booleans(),
)
def test_simulator_row_actions(client, data, action, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    body = form_body({**data, "action": action})
    response = client.post("/simulator/positions/", body, content_type=FORM, **headers)
    assert response.status_code in (200, 400)
    assert_clear(response)
    if response.status_code == 200:
        html = response.content.decode()
        assert 'id="positions"' in html and "There is a problem" not in html


@examples(250)
@given(move=hostile_text, extra=hostile_text, htmx=st.booleans())
def test_lesson_simulator(client, move, extra, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.get("/simulator/lesson-example/", {"btc_move": move, "x": extra}, **headers)
    assert response.status_code == (200 if htmx else 302)
    if not htmx:
        assert_clear(client.get(response["Location"]))
    lesson = client.get(LESSON_4_URL, {"btc_move": move, extra[:20] or "x": extra})
    assert lesson.status_code == 200
    assert "Open these positions in the full simulator" in lesson.content.decode()


WIDGET = {"preset": "two-isolated", "control": "move:BTC", "min": "-60", "max": "0", "id": "w"}
widget_settings = st.sampled_from([*WIDGET, "step", "value", "title"])
controls = st.sampled_from(["move:BTC", "move:ETH", "leverage:1", "margin:2", "balance"])


@examples(400)
@given(
    changes=st.dictionaries(widget_settings, st.one_of(hostile_text, controls), max_size=4),
    value=hostile_text,
    htmx=st.booleans(),
)
def test_lesson_widget_fragment(client, changes, value, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.get("/simulator/widget/", {**WIDGET, **changes, "w": value}, **headers)
    assert response.status_code in (200, 302, 400)
    if response.status_code == 400:
        assert "This lesson simulator address is not right: " in response.content.decode()
    elif htmx:
        assert response.status_code == 200
        assert "hx-swap-oob" in response.content.decode()
    else:
        assert response.status_code == 302
        assert_clear(client.get(response["Location"]))


@pytest.fixture
def attempt_url(client):
    quiz = Quiz.objects.get(slug="isolated-vs-cross-margin")
    response = client.post(quiz.get_absolute_url())
    return response["Location"].rsplit("/questions/", 1)[0]


@examples(500)
@given(
    number=st.one_of(st.integers(1, 10), st.integers(-5, 10**12), st.integers(2**63 - 2, 10**25)),
    answer=st.one_of(hostile_text, st.lists(hostile_text, max_size=4)),
    extra=st.dictionaries(st.text(max_size=10), hostile_text, max_size=2),
    htmx=st.booleans(),
)
def test_quiz_answers(client, attempt_url, number, answer, extra, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    url = f"{attempt_url}/questions/{number}/"
    response = client.post(url, {**extra, "answer": answer}, **headers)
    assert_clear(response)
    # What was taken, the page shows again (a 20-digit number once broke it for good).
    assert_clear(client.get(url))


# The Tools: each calculator's page (with or without htmx) and its results fragment.
TOOLS = {
    "/tools/liquidation-price/": (
        LiquidationForm,
        {
            "venue": "bybit", "symbol": "BTC", "side": "long", "entry_price": "40,000",
            "size": "1", "size_unit": "coins", "leverage": "50", "mode": "isolated",
            "margin": "3,800", "tiers": "venue", "funding_rate": "0.01",
            "funding_intervals": "9", "mark_price": "39,000", "last_price": "39,010",
            "fee_venue": "binance", "taker_fee": "0.05", "maker_fee": "0.02",
        },
    ),
    "/tools/position-size/": (
        PositionSizeForm,
        {
            "balance": "10,000", "risk": "1", "entry_price": "60,000", "stop_price": "58,800",
            "leverage": "10", "symbol": "ETH", "venue": "okx", "taker_fee": "0.05",
        },
    ),
    "/tools/pnl/": (
        PnlForm,
        {
            "side": "short", "entry_price": "60,000", "exit_price": "57,000", "size": "0.5",
            "size_unit": "coins", "leverage": "10", "venue": "hyperliquid",
            "maker_fee": "0.015", "taker_fee": "0.045", "entry_order": "taker",
            "exit_order": "maker", "funding_rate": "-0.01", "funding_intervals": "24",
        },
    ),
}  # fmt: skip
tool_values = st.one_of(
    hostile_text,
    st.sampled_from(["binance", "dydx", "okx", "cross", "isolated", "usd", "coins", "OTHER"]),
    st.sampled_from(["0.00000001", "100000000", "1000000000", "125", "1", "0", "-5", "4.99"]),
)


@st.composite
def tool_data(draw) -> tuple[str, list[tuple[str, str]]]:
    """A calculator's address and a valid calculation with fields replaced, removed,
    repeated or added."""
    url = draw(st.sampled_from(sorted(TOOLS)))
    form, valid = TOOLS[url]
    data = dict(valid)
    names = [*form.base_fields]
    for name in draw(st.lists(st.sampled_from(names), max_size=5)):
        data[name] = draw(tool_values)
    for name in draw(st.lists(st.sampled_from(names), max_size=3)):
        data.pop(name, None)
    data.update(draw(st.dictionaries(st.text(max_size=12), hostile_text, max_size=2)))
    pairs = list(data.items())
    for name in draw(st.lists(st.sampled_from(names), max_size=2)):  # a field given twice
        pairs.append((name, draw(tool_values)))
    return url, pairs


@examples(400)
@given(call=tool_data(), htmx=st.booleans())
def test_tools_pages(client, call, htmx):
    url, pairs = call
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.get(url + "?" + urlencode(pairs), **headers)
    assert_clear(response, expect="There is a problem")
    if response.status_code == 400:
        return
    html = response.content.decode()
    if htmx:
        assert response.status_code == 200
        assert "<html" not in html
    else:
        assert response.status_code in (200, 422)
        assert 'id="tool-form"' in html
    assert "Link to this result" in html or "Results appear once the form is complete" in html


@examples(300)
@given(call=tool_data(), htmx=st.booleans())
def test_tools_results_fragments(client, call, htmx):
    url, pairs = call
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.get(f"{url}results/?{urlencode(pairs)}", **headers)
    assert_clear(response)
    if not htmx:
        assert response.status_code == 302
        assert_clear(client.get(response["Location"]), expect="There is a problem")
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert "Link to this result" in html or "Results appear once the form is complete" in html
    assert response["HX-Replace-Url"].startswith(url)


# --------------------------------------------------------------------------- replay

REPLAY_FIELDS = [
    "account",
    "path",
    "moves",
    "symbol",
    "steps",
    "hours",
    "funding",
    "step",
    "upload",
]
replay_values = st.one_of(
    hostile_text,
    st.sampled_from(["two-isolated", "scenario", "lesson-4", "wick", "BTC", "ETH", "12", "0.25"]),
    st.lists(
        st.sampled_from(["0%", "-12%", "52800", "-100%", "1e9", "→", ",", ";"]), max_size=12
    ).map(" ".join),
)


@st.composite
def replay_query(draw) -> list[tuple[str, str]]:
    """The lesson-4 replay's address with fields replaced, removed, repeated or added."""
    data = {
        "account": "two-isolated", "moves": "0%, -12%, -50%", "symbol": "BTC", "steps": "12",
        "hours": "2", "funding": "0%", "step": "10",
    }  # fmt: skip
    for name in draw(st.lists(st.sampled_from(REPLAY_FIELDS), max_size=4)):
        data[name] = draw(replay_values)
    for name in draw(st.lists(st.sampled_from(sorted(data)), max_size=3)):
        data.pop(name, None)
    if draw(st.booleans()):  # the simulator's own fields, some spoiled
        data.update(simulator_data_plain(draw))
    pairs = list(data.items())
    for name in draw(st.lists(st.sampled_from(REPLAY_FIELDS), max_size=2)):
        pairs.append((name, draw(replay_values)))
    return pairs


def simulator_data_plain(draw) -> dict:
    data = preset_data("two-isolated").dict()
    for name in draw(st.lists(st.sampled_from(SCENARIO_FIELDS + COUNT_FIELDS), max_size=3)):
        data[name] = draw(hostile_text)
    return data


@examples(300)
@given(pairs=replay_query())
def test_replay_pages(client, pairs):
    response = client.get("/simulator/replay/?" + urlencode(pairs))
    assert_clear(response, expect="There is a problem")
    if response.status_code == 200:
        assert "What happens" in response.content.decode()


@examples(200)
@given(pairs=replay_query(), htmx=st.booleans())
def test_replay_step_fragments(client, pairs, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.get("/simulator/replay/step/?" + urlencode(pairs), **headers)
    assert_clear(response)
    if response.status_code == 200:
        assert htmx and "<html" not in response.content.decode()
        assert response["HX-Replace-Url"].startswith("/simulator/replay/?")


csv_cells = st.one_of(
    hostile_text, st.sampled_from(["BTC", "ETH", "0", "1", "2026-11-24T08:00:00Z"])
)


@st.composite
def csv_files(draw) -> bytes:
    header = draw(st.sampled_from(["time,symbol,price", "time,symbol", "Time, Symbol, Price", ""]))
    rows = [
        ",".join(draw(st.lists(csv_cells, min_size=0, max_size=4)))
        for _ in range(draw(st.integers(0, 6)))
    ]
    text = "\n".join([header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "latin-1"]))
    return text.encode(encoding, errors="replace")


@examples(200)
@given(
    data=csv_files(),
    extra=st.dictionaries(st.sampled_from(REPLAY_FIELDS), replay_values, max_size=3),
)
def test_replay_uploads(client, data, extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("path.csv", data, content_type="text/csv")
    response = client.post(
        "/simulator/replay/upload/", {"account": "two-isolated", **extra, "file": upload}
    )
    assert_clear(response, expect="There is a problem")
    if response.status_code == 303:
        assert_clear(client.get(response["Location"]))


CROSS_OVER_MARGIN = {
    # A 10x BTC long with $5,001 of margin on $5,000 in cross: the account exists, but
    # the same position isolated cannot (its margin exceeds the balance).
    "balance": "5000", "mode": "cross", "venue": "binance", "tiers": "flat",
    "positions-TOTAL_FORMS": "1", "positions-INITIAL_FORMS": "0",
    "positions-0-symbol": "BTC", "positions-0-side": "long", "positions-0-entry_price": "60000",
    "positions-0-leverage": "10", "positions-0-size_basis": "margin", "positions-0-size": "5001",
    "positions-0-margin_mode": "account", "mark_BTC": "0%",
}  # fmt: skip


def test_a_cross_margin_over_the_balance_shows_the_other_mode_as_not_possible(client):
    """The other mode's column has no figures: dashes, and why, not a 500."""
    response = client.post("/simulator/", CROSS_OVER_MARGIN)
    assert response.status_code == 303
    page = client.get(response["Location"])  # the share link: the same address
    assert page.status_code == 200
    html = page.content.decode()
    assert "This comparison is not possible" in html
    assert "<td>—</td>" in html
    htmx = client.post("/simulator/", CROSS_OVER_MARGIN, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200 and "This comparison is not possible" in htmx.content.decode()
