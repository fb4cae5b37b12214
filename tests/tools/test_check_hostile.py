"""Random and malformed input at the check's three addresses: never a 500, always a page
that says what is wrong (or the check). Hypothesis draws the requests."""

import json
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from hypothesis import given
from hypothesis import strategies as st

from simulator.tools.check.forms import FIELDS, address
from simulator.tools.check.payloads import READERS, read_payload
from tests.test_hostile_input import assert_clear, examples, hostile_text

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "check"
TEXTS = {path.name: path.read_text() for path in FIXTURES.glob("*.json")}
VALID = QueryDict(
    address(read_payload(TEXTS["binance_hand_cross.json"], venue="binance")).partition("?")[2]
    + "&balance=10000"
)
NAMES = ["venue", "balance", "p-TOTAL_FORMS", "p-INITIAL_FORMS"]
NAMES += [f"p-{i}-{name}" for i in range(3) for name in FIELDS]

KEYS = st.sampled_from([
    "positionAmt", "symbol", "szi", "data", "list", "result", "assetPositions", "position",
    "openPerpetualPositions", "subaccount", "markPrice", "pos", "instId",
]) | st.text(max_size=8)  # fmt: skip
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | hostile_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=4),
    max_leaves=12,
)


@st.composite
def mutated_paste(draw) -> str:
    """A venue's real response with fields replaced or removed, or random JSON, or text."""
    choice = draw(st.integers(0, 2))
    if choice == 0:
        return json.dumps(draw(json_values))
    if choice == 1:
        return draw(hostile_text)
    data = json.loads(draw(st.sampled_from(sorted(TEXTS.values()))))

    def walk(node):
        if isinstance(node, dict):
            for key in list(node):
                roll = draw(st.integers(0, 9))
                if roll == 0:
                    node.pop(key)
                elif roll == 1:
                    node[key] = draw(json_values)
                else:
                    walk(node[key])
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(data)
    return json.dumps(data)


@examples(300)
@given(paste=mutated_paste(), venue=st.sampled_from([*READERS, "", "ftx"]), balance=hostile_text)
def test_pastes(client, paste, venue, balance):
    response = client.post(
        "/tools/check/paste/", {"venue": venue, "paste": paste, "balance": balance}
    )
    assert_clear(response, expect="There is a problem")
    if response.status_code == 303:
        assert "paste" not in response["Location"]
        assert_clear(client.get(response["Location"]))


@examples(300)
@given(
    replaced=st.dictionaries(st.sampled_from(NAMES), hostile_text, max_size=5),
    removed=st.lists(st.sampled_from(NAMES), max_size=3),
    htmx=st.booleans(),
    results=st.booleans(),
)
def test_typed_figures(client, replaced, removed, htmx, results):
    data = VALID.copy()
    for name in removed:
        data.pop(name, None)
    for name, value in replaced.items():
        data[name] = value
    url = "/tools/check/results/" if results else "/tools/check/"
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(url + "?" + urlencode(list(data.lists()), doseq=True), headers=headers)
    assert_clear(response, expect="There is a problem")
    if response.status_code == 302:
        assert_clear(client.get(response["Location"]), expect="There is a problem")
