"""Real crashes as ready-made paths (issue 29, 3): every point a time and a price its
source states, joined by straight lines, each source cited; the dates are the crash's."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import yaml
from django.conf import settings
from django.http import QueryDict

from simulator.content import PointSchema, moves_from_points
from simulator.engine.replay import EventKind
from simulator.models import PricePath
from simulator.replay.forms import ReplayForms
from tests.content_files import edit, problems_of

pytestmark = pytest.mark.django_db

D = Decimal
CRASHES = {"black-thursday-2020": {date(2020, 3, 12), date(2020, 3, 13)}}
PRESETS = ["two-isolated", "two-cross", "s1-pair", "s3-scaled-in"]  # each holds BTC


def paths_file() -> dict:
    return yaml.safe_load((settings.CONTENT_DIR / "paths.yaml").read_text())


def point(at: str, price: int, *, gap: bool = False) -> PointSchema:
    return PointSchema(at=f"2020-03-12T{at}:00Z", price=price, source="s", gap=gap)


def test_each_crash_loads_as_a_path_on_a_quarter_hour_grid():
    for slug in CRASHES:
        row = PricePath.objects.get(slug=slug)
        assert row.data["hours"] == "0.25" and row.data["steps"] == "1"
        # 10:00 on the 12th to 02:15 on the 13th: 65 quarter hours, 66 waypoints.
        assert len(row.data["moves"].split(", ")) == 66


def test_every_point_has_a_cited_source_and_the_crashs_dates():
    content = paths_file()
    for slug, dates in CRASHES.items():
        item = content[slug]
        assert item["points"] and "moves" not in item
        for number, each in enumerate(item["points"], start=1):
            citation = item["sources"][each["source"]]
            assert re.search(r"https://\S+", citation), (slug, number)
            moment = datetime.fromisoformat(each["at"])
            assert moment.tzinfo is not None and moment.astimezone(UTC).date() in dates
        assert {datetime.fromisoformat(p["at"]).date() for p in item["points"]} == dates


def test_the_sources_prices_are_the_waypoints_at_their_times():
    item = paths_file()["black-thursday-2020"]
    moves = PricePath.objects.get(slug="black-thursday-2020").data["moves"].split(", ")
    first = D(item["points"][0]["price"])
    start = datetime.fromisoformat(item["points"][0]["at"])
    for each in item["points"]:
        index = int((datetime.fromisoformat(each["at"]) - start).total_seconds() // 900)
        assert D(moves[index].removesuffix("%")) == ((D(each["price"]) / first - 1) * 100).quantize(
            D("0.0001")
        )
    assert moves[-1] == "-46.5753%"  # 3,900 from 7,300


def test_straight_lines_between_the_points_and_a_gap_held_until_it_jumps():
    moves = moves_from_points([point("10:00", 100), point("10:15", 95), point("11:00", 80)])
    assert moves == ("0%, -5%, -10%, -15%, -20%", "0.25")
    jump = point("11:30", 80, gap=True)
    moves = moves_from_points([point("10:00", 100), point("10:30", 90), jump])
    assert moves == ("0%, -10%, -10%, gap -20%", "0.5")
    assert moves_from_points([point("10:00", 100), point("11:00", 50)]) == ("0%, -50%", "1")


@pytest.mark.parametrize("account", PRESETS)
def test_replaying_a_preset_through_each_crash_gives_its_events_in_order(account):
    for slug in CRASHES:
        forms = ReplayForms(QueryDict(f"path={slug}&account={account}"))
        assert forms.outcome is not None, forms.errors
        for mode in forms.outcome.modes:
            times = [event.time for event in mode.result.events]
            assert times == sorted(times) and times[-1] == D("16.25")
            assert mode.result.events[-1].kind is EventKind.END


def test_the_lesson_4_account_loses_its_10x_btc_long_in_the_first_wave():
    forms = ReplayForms(QueryDict("path=black-thursday-2020"))
    isolated = forms.outcome.modes[0].result
    lost = [e for e in isolated.events if e.kind is EventKind.LIQUIDATION]
    assert lost and lost[0].positions == (0,)
    assert lost[0].time <= 1  # within the first hour: 10:00 to 11:00 UTC, -22%


def test_the_replay_page_shows_a_crash(client):
    response = client.get("/simulator/replay/", {"path": "black-thursday-2020"})
    assert response.status_code == 200
    assert "Black Thursday" in response.content.decode()


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("source: btcmex}\n", "source: bitmex}\n",
         "black-thursday-2020, point 1, source: “bitmex” is not in sources (btcmex)"),
        ('"2020-03-12T23:00:00Z"', '"2020-03-12T10:30:00Z"',
         "black-thursday-2020, point 3, at: must be later than the point before"),
        ('"2020-03-12T23:00:00Z"', '"2020-03-12T23:00:00"',
         "black-thursday-2020, point 3, at: Input should have timezone"),
        ("source: btcmex}\n", "source: btcmex, gap: true}\n",
         "black-thursday-2020, point 1, gap: a path starts at its first point"),
        ("  symbol: BTC\n  points:", "  moves: 0%, -10%\n  symbol: BTC\n  points:",
         "black-thursday-2020, moves: give either moves: or points: (one of them)"),
        ("  symbol: BTC\n  points:", "  steps: 4\n  symbol: BTC\n  points:",
         "black-thursday-2020, steps: comes from the points' times: leave it out"),
        ('"2020-03-13T02:15:00Z"', '"2020-03-13T02:15:30Z"',
         "black-thursday-2020, points: give times to the minute"),
        ('"2020-03-13T02:15:00Z"', '"2020-03-13T02:16:00Z"',
         "black-thursday-2020, points: their times make more than 100 waypoints"),
    ],
)  # fmt: skip
def test_a_wrong_point_names_the_file_the_path_and_the_field(content, old, new, expected):
    edit(content / "paths.yaml", old, new)
    problems = problems_of(content)
    assert any(p.startswith(f"content/paths.yaml: {expected}") for p in problems), problems


def test_a_source_no_point_names_is_refused(content):
    edit(content / "paths.yaml", "  sources:\n", "  sources:\n    spare: A report, https://x.y\n")
    expected = "content/paths.yaml: black-thursday-2020, sources, spare: no point names this source"
    assert expected in problems_of(content)
