"""Gaps in a replayed path (issue 27, 7): straight lines between points, a jump only where
the path marks one, typed ("gap -15%"), uploaded (a CSV's gap column) or in
content/paths.yaml; every wrong marker refused with a message, never a 500."""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from simulator.engine.paths import (
    PathError,
    as_json,
    from_json,
    points_from_csv,
    points_from_waypoints,
    waypoint_lines,
    waypoints,
)
from simulator.engine.replay import PathPoint
from simulator.models import PricePath
from simulator.replay.uploads import upload_key
from tests.content_files import edit, problems_of

pytestmark = pytest.mark.django_db

D = Decimal
URL = "/simulator/replay/"
LESSON_4 = {
    "account": "two-isolated", "moves": "0%, -12%, -50%", "symbol": "BTC", "steps": "12",
    "hours": "2", "funding": "0%",
}  # fmt: skip


def text_of(response) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def upload(client, data: bytes):
    file = SimpleUploadedFile("path.csv", data, content_type="text/csv")
    return client.post(
        f"{URL}upload/", {"account": "two-isolated", "funding": "0%", "file": file}, follow=True
    )


# --------------------------------------------------------------------------- typed


def test_gap_before_a_waypoint_marks_a_jump_to_it():
    marks = waypoints("0%, -2%, gap -15%, -3% -> GAP 0%")
    assert [(mark.value, mark.gap) for mark in marks] == [
        (D(0), False),
        (D(-2), False),
        (D(-15), True),
        (D(-3), False),
        (D(0), True),
    ]


def test_a_gap_is_one_step_and_the_others_keep_their_steps():
    marks = waypoints("0%, -10%, gap -20%, -30%")
    points = points_from_waypoints(legs={"BTC": (D(60000), marks)}, steps=4, hours=D(2))
    assert [point.time for point in points] == [2 * n for n in range(10)]
    assert [point.gap for point in points] == [False] * 5 + [True] + [False] * 4
    assert points[5].marks["BTC"] == D(48000) and points[4].marks["BTC"] == D(54000)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("gap 0%, -15%", "A path cannot start with a gap"),
        ("gap", "Write gap before the price or move it jumps to"),
        ("0%, -15%, gap", "The path ends with gap: write it before the price or move"),
        ("0%, gap gap -15%", "Item 2: gap is written twice"),
        ("0%, gap-15%", "“gap-15%” (item 2) is not a move like -12% or a price like 52,800: to "),
        ("0%, gaps -15%", "to mark a jump, write gap, a space, then the price or move"),
        ("0%, jump -15%", "“jump” (item 2) is not a move like -12% or a price like 52,800"),
        ("0%, gap lots", "“lots” (item 2) is not a move"),
    ],
)
def test_a_wrong_gap_marker_says_what_to_write(text, message):
    with pytest.raises(PathError, match=re.escape(message)):
        waypoints(text)


def test_a_gap_moves_every_line_at_once():
    lines = waypoint_lines("BTC: 0%, gap -20%\nETH: 0%, gap 10%")
    assert [mark.gap for mark in lines["ETH"]] == [False, True]
    with pytest.raises(PathError, match="Waypoint 2 is a gap on BTC's line only"):
        waypoint_lines("BTC: 0%, gap -20%\nETH: 0%, 10%")


def test_a_typed_step_past_the_bankruptcy_price_is_a_line_and_a_marked_one_a_gap(client):
    # Lesson 9's 12% fall, from 60,000 to 52,800, in one step: unmarked, a straight line.
    line = text_of(client.get(URL, {**LESSON_4, "moves": "0%, -12%", "steps": "1"}))
    assert "position 1 (BTC long) is liquidated at the liquidation price" in line
    assert "gapped" not in line
    gap = text_of(client.get(URL, {**LESSON_4, "moves": "0%, gap -12%", "steps": "1"}))
    assert (
        "the price gapped past the bankruptcy price, so position 1 (BTC long) is liquidated "
        "at this step's price. You lose its $1,000 of margin, and the exchange's insurance "
        "fund covers the other $200 lost." in gap
    )  # lesson 9's $1,200 loss at 52,800: $1,000 of margin and a $200 shortfall


def test_a_gap_short_of_the_bankruptcy_price_is_told_as_such(client):
    # -9.8%: past the liquidation price (-9.55%), short of the bankruptcy price (-10%).
    text = text_of(client.get(URL, {**LESSON_4, "moves": "0%, gap -9.8%", "steps": "1"}))
    assert (
        "the price gapped past the liquidation price, so position 1 (BTC long) is liquidated "
        "at this step's price. You lose its $1,000 of margin; the $20 left in it goes to the "
        "exchange's insurance fund" in text
    )


def test_a_path_starting_past_the_liquidation_price_says_so(client):
    text = text_of(client.get(URL, {**LESSON_4, "moves": "50000, 40000"}))
    assert "the path starts past the bankruptcy price, so position 1 (BTC long) is liquidated" in (
        text
    )


# --------------------------------------------------------------------------- uploaded


def test_a_csv_marks_a_gap_in_its_fourth_column():
    points = points_from_csv(
        b"time,symbol,price,gap\n0,BTC,57000\n1,BTC,56000,\n2,BTC,53000,gap\n2,ETH,2900,GAP\n"
    )
    assert [point.gap for point in points] == [False, False, True]
    assert points[2].marks == {"BTC": D(53000), "ETH": D(2900)}
    # Three columns, as before: no gaps.
    assert not any(point.gap for point in points_from_csv(b"time,symbol,price\n0,BTC,1\n1,BTC,2\n"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"time,symbol,price,gap\n0,BTC,60000,gap\n1,BTC,1\n", "Row 2, gap: the path starts here"),
        (b"time,symbol,price,gap\n0,BTC,60000\n1,BTC,1,yes\n", "Row 3, gap: “yes” is not a marker"),
        (b"time,symbol,price,gap\n0,BTC,6,\n1,BTC,5,gap\n1,ETH,3\n", "Row 4, gap: the rows of one"),
        (b"time,symbol,price\n0,BTC,60000\n1,BTC,1,gap\n", "Row 3 has 4 cells"),
        (b"time,symbol,price,gap\n0,BTC,6,,\n", "each row needs time,symbol,price and gap"),
        (b"time,symbol,price,jump\n0,BTC,1\n", "time,symbol,price or time,symbol,price,gap"),
    ],
)
def test_a_wrong_gap_in_a_csv_is_refused_with_its_row(client, data, message):
    with pytest.raises(PathError, match=re.escape(message)):
        points_from_csv(data)
    response = upload(client, data)
    assert response.status_code == 422 and message in unescape(response.content.decode())


def test_the_issues_upload_is_a_line_unless_it_says_gap(client):
    # Issue 27: 57,000 to 53,000 in one step was "gapped past the bankruptcy price", the
    # fund covering $166.67, while the page says prices move in straight lines.
    line = text_of(upload(client, b"time,symbol,price\n0,BTC,57000\n1,BTC,53000\n"))
    assert "position 1 (BTC long) is liquidated at the liquidation price" in line
    assert "gapped" not in line and "166.67" not in line
    gap = text_of(upload(client, b"time,symbol,price,gap\n0,BTC,57000,\n1,BTC,53000,gap\n"))
    assert "the price gapped past the bankruptcy price" in gap
    assert "the exchange's insurance fund covers the other $166.67 lost" in gap


def test_a_kept_upload_keeps_its_gaps_and_an_old_one_its_key():
    points = [PathPoint(D(0), {"BTC": D(1)}), PathPoint(D(1), {"BTC": D(2)}, gap=True)]
    assert from_json(as_json(points)) == points
    # A path without gaps is stored as before, so its key and address do not change.
    plain = [PathPoint(D(0), {"BTC": D(1)}), PathPoint(D(1), {"BTC": D(2)})]
    assert as_json(plain) == [["0", {"BTC": "1"}], ["1", {"BTC": "2"}]]
    assert upload_key(plain) != upload_key(points)


# --------------------------------------------------------------------------- content


def test_the_wick_lesson_9_links_to_is_a_marked_gap(client):
    assert "gap -15%" in PricePath.objects.get(slug="wick").data["moves"]
    text = text_of(client.get(URL, {"path": "wick"}))
    assert "the price gapped past the bankruptcy price" in text
    # No other ready-made path gaps: they move in straight lines.
    for path in PricePath.objects.exclude(slug="wick"):
        assert "gapped" not in text_of(client.get(URL, {"path": path.slug})), path.slug


def test_a_wrong_gap_in_the_path_file_names_the_path_and_the_field(content):
    edit(content / "paths.yaml", "  moves: 0%, -2%, gap -15%, -3%, 0%\n", "  moves: gap 0%\n")
    problems = problems_of(content)
    assert any(
        p.startswith("content/paths.yaml: wick, moves: A path cannot start with a gap")
        for p in problems
    ), problems
