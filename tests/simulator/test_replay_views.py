"""The replay view: paths ready-made, typed and uploaded; the scrubber with and without
htmx; what is refused and how (simulator/replay/, simulator/engine/paths.py)."""

import re
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.content import load_content
from simulator.engine import Account, Mode, Position, liquidation_price
from simulator.engine.paths import MAX_POINTS, PathError, points_from_csv, waypoints
from simulator.models import PricePath, UploadedPath
from simulator.selectors import preset_data
from tests.conftest import LESSON_4_URL
from tests.content_files import edit, problems_of

pytestmark = pytest.mark.django_db

URL = "/simulator/replay/"
HTMX = {"HTTP_HX_REQUEST": "true"}
LESSON_4 = {
    "account": "two-isolated", "moves": "0%, -12%, -50%", "symbol": "BTC", "steps": "12",
    "hours": "2", "funding": "0%",
}  # fmt: skip


def text_of(response) -> str:
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", unescape(text))


def lesson_4_account(mode: Mode) -> Account:
    return Account(
        Decimal(5000),
        [
            Position.from_notional("BTC", "long", 10000, Decimal(60000), 10, mode=mode),
            Position.from_notional("ETH", "long", 2500, Decimal(3000), 5, mode=mode),
        ],
    )


def test_lesson_4_replayed_tells_the_lessons_story_with_the_engines_figures(client):
    response = client.get(URL, {"path": "lesson-4"})
    assert response.status_code == 200
    text = text_of(response)
    isolated = liquidation_price(lesson_4_account(Mode.ISOLATED), 0)
    cross = liquidation_price(
        lesson_4_account(Mode.CROSS), 0, {"BTC": Decimal(60000), "ETH": Decimal(3000)}
    )
    assert f"{isolated:,.2f}" == "54,271.36" and f"{cross:,.2f}" == "30,226.13"
    assert (
        "Isolated: loses position 1 (BTC long), the first at hour 19.1 (BTC at 54,271.36, "
        "ETH at 3,000.00), and ends with $4,000." in text
    )
    assert "Cross: loses every position, the first at hour 47.76 (BTC at 30,226.13" in text
    assert (
        "position 1 (BTC long) is liquidated at the liquidation price. "
        "You lose its $1,000 of margin" in text
    )
    assert (
        "the cross account is liquidated: position 1 (BTC long) and position 2 (ETH long) "
        "closed together" in text
    )
    # At 52,800 (step 12, a day in) isolated has lost A and cross has lost nothing.
    step_12 = text_of(client.get(URL, {**LESSON_4, "step": "12"}))
    assert "At step 12: 24 hours in, BTC 52,800.00, ETH 3,000.00" in step_12
    assert "isolated equity $4,000.00, cross equity $3,800.00" in step_12


def test_the_lesson_links_to_its_replay(client):
    html = client.get(LESSON_4_URL).content.decode()
    assert 'href="/simulator/replay/?path=lesson-4"' in html


def test_the_bare_address_replays_the_first_ready_made_path(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert "What happens" in response.content.decode()
    first = PricePath.objects.first()
    assert first.slug == "lesson-4"


def test_every_ready_made_path_replays(client):
    for path in PricePath.objects.all():
        response = client.get(URL, {"path": path.slug})
        assert response.status_code == 200, path.slug
        assert path.description.split()[0] in text_of(response)


def test_the_wick_gaps_through_the_bankruptcy_price(client):
    text = text_of(client.get(URL, {"path": "wick"}))
    assert (
        "the price gapped past the bankruptcy price, so position 1 (BTC long) is liquidated" in text
    )
    assert "the exchange's insurance fund covers the other $500 lost" in text


def test_the_grind_pays_funding_until_the_isolated_long_is_liquidated(client):
    text = text_of(client.get(URL, {"path": "grind-funding"}))
    assert "funding. You pay $2.50 (position 1 (ETH long))" in text
    assert "Isolated: loses every position, the first at hour 338.3 (ETH at 2,774.46)" in text


def test_a_step_is_in_the_address_and_clamped_to_the_path(client):
    text = text_of(client.get(URL, {**LESSON_4, "step": "999"}))
    assert "Step 24 of 24" in text
    text = text_of(client.get(URL, {**LESSON_4, "step": "0"}))
    assert "At step 0: 0 hours in, BTC 60,000.00" in text


def test_the_scrubber_swaps_the_step_in_and_keeps_the_address(client):
    response = client.get(f"{URL}step/", {**LESSON_4, "step": "5"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and 'id="replay-step"' in html
    assert 'hx-swap-oob="innerHTML:#replay-status"' in html
    assert "Step 5 of 24" in html
    url = response["HX-Replace-Url"]
    assert url.startswith(URL) and parse_qs(urlparse(url).query)["step"] == ["5"]
    # The page at that address shows the same step.
    assert "At step 5: 10 hours in" in text_of(client.get(url))


def test_the_step_fragment_without_htmx_sends_the_whole_page(client):
    response = client.get(f"{URL}step/", {**LESSON_4, "step": "5"})
    assert response.status_code == 302
    assert "step=5" in response["Location"] and "/step/" not in response["Location"]


def test_previous_and_next_step_links_work_without_javascript(client):
    html = client.get(URL, {**LESSON_4, "step": "5"}).content.decode()
    assert re.search(r'href="[^"]*step=4">Previous step', html)
    assert re.search(r'href="[^"]*step=6">Next step', html)


def step_links(html: str) -> dict[str, str]:
    """Where the step links and the share link point: {text: step}."""
    found = re.findall(r'<a href="[^"]*(?:\?|;)step=(\d+)">([^<]+)</a>', html)
    return {text: step for step, text in found}


def scrubber_fields(html: str) -> dict[str, str]:
    """What the scrubber's form sends, as a browser would (its hidden inputs)."""
    form = re.search(r'<form id="scrubber".*?</form>', html, re.S).group(0)
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def test_the_step_links_follow_the_scrubber_without_javascript(client):
    # Issue 27, 5: from step 24 the scrubber's own GET (its "Show this step" button).
    html = client.get(URL, {**LESSON_4, "step": "24"}).content.decode()
    assert step_links(html) == {"Previous step": "23", "Link to this replay at step 24": "24"}
    fields = {key: unescape(value) for key, value in scrubber_fields(html).items()}
    html = client.get(URL, {**fields, "step": "13"}).content.decode()
    assert step_links(html) == {
        "Link to this replay at step 13": "13",
        "Previous step": "12",
        "Next step": "14",
    }


def test_the_scrubber_swaps_the_step_links_and_the_share_link_too(client):
    # Issue 27, 5: with htmx, moving the scrubber from 24 to 13 left them at 24.
    response = client.get(f"{URL}step/", {**LESSON_4, "step": "13"}, **HTMX)
    html = response.content.decode()
    assert '<nav id="step-links" class="step-links" aria-label="Steps" hx-swap-oob="true">' in html
    assert '<p id="step-share" class="share" hx-swap-oob="true">' in html
    assert step_links(html) == {
        "Link to this replay at step 13": "13",
        "Previous step": "12",
        "Next step": "14",
    }
    # At either end a link is left out.
    html = client.get(f"{URL}step/", {**LESSON_4, "step": "0"}, **HTMX).content.decode()
    assert "Previous step" not in html and "Next step" in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"moves": "lots"}, "“lots” (item 1) is not a move like -12% or a price like 52,800"),
        ({"moves": ""}, "Enter at least one price or move"),
        ({"moves": "0%, -150%"}, "Item 2, -150%: a move must be above -100%"),
        ({"moves": "60000 0 30000"}, "Item 2, 0: a price must be above 0"),
        ({"steps": "0"}, "Ensure this value is greater than or equal to 1"),
        ({"steps": "many"}, "Enter a whole number of steps, like 10"),
        ({"hours": "-1"}, "Hours per step must be at least 0.01"),
        ({"funding": "lots"}, "Enter the funding rate in percent, like 0.01%"),
        ({"funding": "50%"}, "The funding rate must be between -5% and 5% per interval"),
        ({"symbol": "SOL"}, "Pick a symbol the account holds: BTC, ETH"),
        ({"account": "nope"}, "Select a valid choice"),
        ({"moves": " ".join(["-1%"] * 100), "steps": "100"}, "the replay takes at most 1,000"),
    ],
)
def test_a_bad_path_says_what_to_change_and_keeps_what_was_typed(client, changes, message):
    response = client.get(URL, {**LESSON_4, **changes})
    assert response.status_code == 422
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    for name, value in changes.items():  # what was typed comes back
        if value and name == "moves":
            assert f"{value}</textarea>" in html
        elif value and name in {"hours", "funding"}:
            assert f'value="{value}"' in html


def test_an_unknown_ready_made_path_offers_the_real_ones(client):
    response = client.get(URL, {"path": "nope"})
    assert response.status_code == 422
    html = response.content.decode()
    assert '<a href="#path-list">There is no path by that name' in html
    assert 'href="/simulator/replay/?path=lesson-4"' in html


def test_the_simulator_sends_its_positions_to_the_replay(client):
    html = client.get("/simulator/", preset_data("hedge")).content.decode()
    link = re.search(r'href="(/simulator/replay/\?account=scenario[^"]*)"', html).group(1)
    response = client.get(link.replace("&amp;", "&") + "&moves=0%25+-30%25&steps=10")
    assert response.status_code == 200
    text = text_of(response)
    assert "Your scenario from the simulator" in text
    assert "Edit this account in the simulator" in text


# --------------------------------------------------------------------------- uploads

GOOD_CSV = b"time,symbol,price\n0,BTC,60000\n1,BTC,57000\n1,ETH,3000\n2,BTC,50000\n"


def upload(client, data: bytes, **fields):
    file = SimpleUploadedFile("path.csv", data, content_type="text/csv")
    return client.post(
        f"{URL}upload/", {"account": "two-isolated", "funding": "0%", **fields, "file": file}
    )


def test_an_uploaded_path_is_kept_under_its_hash_and_replayed_at_its_own_address(client):
    response = upload(client, GOOD_CSV)
    assert response.status_code == 303
    location = response["Location"]
    key = parse_qs(urlparse(location).query)["upload"][0]
    assert UploadedPath.objects.filter(key=key).exists()
    text = text_of(client.get(location))
    assert "Path: the CSV file you uploaded" in text
    # 57,000 to 50,000 is a straight line (no row says gap): A goes at its liquidation price.
    assert "position 1 (BTC long) is liquidated at the liquidation price" in text
    assert "gapped" not in text
    # The same file again is the same row and the same address.
    assert upload(client, GOOD_CSV)["Location"] == location
    assert UploadedPath.objects.count() == 1


def test_uploaded_dates_become_hours_from_the_first(client):
    data = b"time,symbol,price\n2026-11-24T00:00:00Z,BTC,60000\n2026-11-24T08:00:00Z,BTC,59000\n"
    points = points_from_csv(data)
    assert [point.time for point in points] == [0, 8]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"time,price\n0,60000\n", "The first row must be the header time,symbol,price"),
        (b"time,symbol,price\n", "The file has a header but no prices"),
        ("time,symbol,price\n0,BTC,60000\n".encode("utf-16"), "The file is not UTF-8 text"),
        (
            b"time,symbol,price\n0,BTC,60000\n2,BTC,59000\n1,BTC,58000\n",
            "Row 4, time: earlier than the row before it",
        ),
        (b"time,symbol,price\n0,BTC,0\n", "Row 2, price: must be above 0"),
        (b"time,symbol,price\n0,BTC,-5\n", "Row 2, price: must be above 0"),
        (b"time,symbol,price\n0,BTC,lots\n", "Row 2, price: “lots” is not a number"),
        (b"time,symbol,price\nyesterday,BTC,60000\n", "Row 2, time: “yesterday” is neither hours"),
        (b"time,symbol,price\n0,BTC\n", "Row 2 has 2 cells"),
        (b"time,symbol,price\n0,SOL,150\n", "holds no position on it"),
        (b"time,symbol,price\n0,BTC,1\n0,BTC,2\n", "Row 3: BTC is given twice at the same time"),
        (b"time,symbol,price\n" + b"0,BTC,1\n" * (MAX_POINTS + 1), "upload at most 1,000"),
        (b"x" * (64 * 1024 + 1), "upload at most 64 KB"),
    ],
)
def test_a_bad_upload_says_why_and_stores_nothing(client, data, message):
    response = upload(client, data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert not UploadedPath.objects.exists()
    assert 'value="two-isolated" selected' in html or "two-isolated" in html  # the account kept


SEMICOLONS = b"time;symbol;price\n0;BTC;60000\n1;BTC;57000\n"


def upload_fields(html: str) -> dict[str, str]:
    """What the page's upload form sends besides the file (its hidden inputs): without
    JavaScript, only its copies of the page's replay (kept-…)."""
    form = re.search(r'<form id="upload-form".*?</form>', html, re.S).group(0)
    found = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
    return {name: unescape(value) for name, value in found if name != "csrfmiddlewaretoken"}


def error_summary(html: str) -> list[str]:
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    return [unescape(item) for item in re.findall(r'<li><a href="[^"]*">([^<]+)</a></li>', summary)]


def test_a_refused_upload_keeps_the_typed_path_and_says_only_why(client):
    # Issue 27, 6: a semicolon CSV emptied the path, reset steps and hours, and added
    # "Enter at least one price or move".
    typed = {**LESSON_4, "moves": "0%, -5%, gap -30%", "steps": "7", "hours": "4"}
    fields = upload_fields(client.get(URL, typed).content.decode())
    assert {key: fields[f"kept-{key}"] for key in typed} == typed
    file = SimpleUploadedFile("path.csv", SEMICOLONS, content_type="text/csv")
    response = client.post(f"{URL}upload/", {**fields, "file": file})
    assert response.status_code == 422
    html = response.content.decode()
    assert error_summary(html) == [
        "The file's cells are separated by semicolons: save it with commas (as “CSV UTF-8”), "
        "with the header time,symbol,price"
    ]
    assert "0%, -5%, gap -30%</textarea>" in html
    assert re.search(r'<input type="number" name="steps" value="7"', html)
    assert re.search(r'<input type="text" name="hours" value="4"', html)
    assert "Cross: keeps every position" in text_of(response)  # the typed path, replayed
    assert not UploadedPath.objects.exists()


def test_a_refused_upload_keeps_the_path_uploaded_before(client):
    location = upload(client, GOOD_CSV)["Location"]
    fields = upload_fields(client.get(location).content.decode())
    bad = b"time,symbol,price\n0,BTC,60000\n1,SOL,150\n"
    file = SimpleUploadedFile("path.csv", bad, content_type="text/csv")
    response = client.post(f"{URL}upload/", {**fields, "file": file})
    assert response.status_code == 422
    html = response.content.decode()
    # The engine's refusal of the file's points is the upload's message, beside its field.
    assert error_summary(html) == ["Point 2 moves SOL, but the account holds no position on it."]
    assert "Path: the CSV file you uploaded" in text_of(response)
    assert UploadedPath.objects.count() == 1


def test_with_htmx_the_path_as_typed_wins_and_the_refusal_is_swapped_in(client):
    # htmx sends the path form as typed (not yet replayed) beside the page's copies.
    kept = upload_fields(client.get(URL, LESSON_4).content.decode())
    typed = {**LESSON_4, "moves": "0%, gap -20%", "hours": "8"}
    file = SimpleUploadedFile("path.csv", SEMICOLONS, content_type="text/csv")
    response = client.post(f"{URL}upload/", {**kept, **typed, "file": file}, **HTMX)
    assert response.status_code == 200  # htmx swaps only a 2xx answer
    html = response.content.decode()
    assert error_summary(html)[0].startswith("The file's cells are separated by semicolons")
    assert "0%, gap -20%</textarea>" in html
    assert re.search(r'<input type="text" name="hours" value="8"', html)
    # A good file: the browser is sent to the new replay's address.
    file = SimpleUploadedFile("path.csv", GOOD_CSV, content_type="text/csv")
    response = client.post(f"{URL}upload/", {**kept, **typed, "file": file}, **HTMX)
    assert response.status_code == 200 and "upload=" in response["HX-Redirect"]


def test_an_upload_without_a_file_asks_for_one(client):
    response = client.post(f"{URL}upload/", {"account": "two-isolated"})
    assert response.status_code == 422
    assert "Choose a CSV file to upload" in response.content.decode()


def test_an_upload_needs_the_csrf_token():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(f"{URL}upload/", {"account": "two-isolated"})
    assert response.status_code == 403


def test_a_forgotten_upload_says_so(client):
    response = client.get(URL, {"account": "two-isolated", "upload": "0" * 32})
    assert response.status_code == 422
    assert "That uploaded path is no longer here" in response.content.decode()


def test_waypoints_read_moves_prices_and_thousands_separators():
    assert [(w.kind, w.value) for w in waypoints("60,000, 52,800 → 30000; -5%")] == [
        ("price", Decimal(60000)),
        ("price", Decimal(52800)),
        ("price", Decimal(30000)),
        ("move", Decimal(-5)),
    ]
    with pytest.raises(PathError, match="at most 100"):
        waypoints(" ".join(["1%"] * 101))


# --------------------------------------------------------------------------- content


def test_each_mistake_in_a_path_file_names_the_file_the_path_and_the_field(content):
    edit(content / "paths.yaml", "  account: eth-short\n", "  account: nobody\n")
    edit(content / "paths.yaml", "  moves: 0%, -40%\n", "  moves: down a lot\n")
    problems = problems_of(content)
    assert "content/paths.yaml: short-squeeze, account: there is no preset “nobody”" in problems
    assert any(
        p.startswith("content/paths.yaml: steady-fall, moves: “down” (item 1) is not a move")
        for p in problems
    ), problems


def test_a_path_edited_in_the_admin_is_kept_by_a_load(content):
    path = PricePath.objects.get(slug="wick")
    path.title = "An edited title"
    path.save()
    report = load_content(content)
    assert "Path wick" in report.kept
    assert PricePath.objects.get(slug="wick").title == "An edited title"


def test_several_symbols_move_at_once_one_line_each(client):
    moves = "BTC: 0%, -20%\nETH: 0%, 20%"
    response = client.get(URL, {**LESSON_4, "account": "hedge", "moves": moves, "steps": "10"})
    assert response.status_code == 200
    text = text_of(response)
    assert "At step 10: 20 hours in, BTC 48,000.00, ETH 3,600.00" in text


@pytest.mark.parametrize(
    ("moves", "message"),
    [
        ("BTC: 0%, -20%\nETH: 0%", "Give each symbol as many waypoints (BTC 2, ETH 1)"),
        ("BTC: 0%, -20%\n0%, 5%", "Line 2: start each line with its symbol"),
        ("BTC: 0%\nBTC: 5%", "BTC has two lines"),
        ("BTC: 0%, -20%\nSOL: 0%, 5%", "The account holds no position on SOL (it holds BTC, ETH)"),
        ("BTC: 0%, lots\nETH: 0%, 5%", "BTC: “lots” (item 2) is not a move"),
        # Gaps (tests/simulator/test_replay_gaps.py), on the page.
        ("gap 0%, -15%", "A path cannot start with a gap"),
        ("0%, -15% gap", "The path ends with gap"),
        ("0%, gap:-15%", "to mark a jump, write gap, a space"),
        ("BTC: 0%, gap -20%\nETH: 0%, 5%", "Waypoint 2 is a gap on BTC's line only"),
        ("BTC: gap 0%, -20%\nETH: 0%, 5%", "BTC: A path cannot start with a gap"),
    ],
)
def test_a_bad_line_of_several_symbols_says_which(client, moves, message):
    response = client.get(URL, {**LESSON_4, "account": "hedge", "moves": moves})
    assert response.status_code == 422
    html = unescape(response.content.decode())
    assert "There is a problem" in html and message in html
    assert f"{moves}</textarea>" in html  # what was typed comes back


def test_the_admin_refuses_a_path_that_does_not_replay():
    from django.core.exceptions import ValidationError

    path = PricePath.objects.get(slug="lesson-4")
    path.full_clean()  # as shipped: replays
    path.data = {**path.data, "moves": "down a lot"}
    with pytest.raises(ValidationError, match="is not a move"):
        path.full_clean()
    path.data = {**path.data, "moves": "0%, -10%", "speed": "fast"}
    with pytest.raises(ValidationError, match="Unknown field speed"):
        path.full_clean()
    path.data, path.account = {"moves": "0%, -10%"}, "nobody"
    with pytest.raises(ValidationError):
        path.full_clean()
