"""Presets as content: content/presets.yaml is checked as the simulator would check it,
loading keeps admin edits, and the database (not code) is where pages read them."""

import io
import json

import pytest
from django.conf import settings
from django.core.management import call_command

from core.content import load_content, parse_yaml
from simulator.models import Preset
from simulator.selectors import preset_data
from tests.conftest import LESSON_4_URL
from tests.content_files import edit, problems_of

pytestmark = pytest.mark.django_db

# What the Python PRESETS dict held before presets became content: the same
# form data, so every link to a preset and every shared address still matches.
TWO_ISOLATED = {
    "balance": "5000", "mode": "isolated", "tiers": "flat", "venue": "binance",
    "mark_BTC": "-12%", "mark_ETH": "0%",
    "positions-TOTAL_FORMS": "2", "positions-INITIAL_FORMS": "0",
    "positions-0-symbol": "BTC", "positions-0-side": "long", "positions-0-entry_price": "60000",
    "positions-0-leverage": "10", "positions-0-size": "1000", "positions-0-size_basis": "margin",
    "positions-0-margin_mode": "account",
    "positions-1-symbol": "ETH", "positions-1-side": "long", "positions-1-entry_price": "3000",
    "positions-1-leverage": "5", "positions-1-size": "500", "positions-1-size_basis": "margin",
    "positions-1-margin_mode": "account",
}  # fmt: skip


def test_the_shipped_presets_are_loaded_in_the_files_order():
    presets = list(Preset.objects.all())
    in_file = list(parse_yaml((settings.CONTENT_DIR / "presets.yaml").read_text()))
    assert [p.slug for p in presets] == in_file  # lessons append theirs after these four
    assert in_file[:4] == ["two-isolated", "two-cross", "single-isolated", "hedge"]
    assert all(p.content_hash for p in presets)
    assert presets[0].title == "Lesson 4: two isolated positions, BTC falls 12%"
    assert presets[0].data == TWO_ISOLATED
    assert preset_data("two-isolated").dict() == TWO_ISOLATED
    hedge = Preset.objects.get(slug="hedge").data
    assert hedge["positions-1-side"] == "short" and hedge["positions-1-size"] == "1000"
    assert hedge["mark_ETH"] == "-12%"


def test_loading_again_changes_nothing(content):
    report = load_content(content)
    assert "Preset two-isolated" in report.unchanged
    assert not [label for label in report.created + report.updated if "Preset" in label]


def test_an_edited_file_updates_a_preset_nobody_edited(content):
    edit(content / "presets.yaml", "marks: {ETH: -12%}", "marks: {ETH: -20%}")
    report = load_content(content)
    assert report.updated == ["Preset single-isolated"]
    assert Preset.objects.get(slug="single-isolated").data["mark_ETH"] == "-20%"
    assert "Preset single-isolated" in load_content(content).unchanged


def test_a_new_preset_with_a_notional_size_and_its_own_margin_mode(content):
    with (content / "presets.yaml").open("a") as file:
        file.write(
            "\nmixed:\n  title: A mixed account\n  balance: 2,500\n  mode: isolated\n"
            "  positions:\n"
            "    - {symbol: SOL, side: short, entry_price: 150.5, leverage: 3, notional: 900,"
            " margin_mode: cross}\n"
            "  chart_symbol: SOL\n  venue: okx\n"
        )
    assert load_content(content).created == ["Preset mixed"]
    mixed = Preset.objects.get(slug="mixed")
    assert mixed.order == Preset.objects.count()  # appended: after every shipped preset
    assert mixed.data["balance"] == "2,500"
    assert mixed.data["positions-0-size_basis"] == "notional"
    assert mixed.data["positions-0-entry_price"] == "150.5"
    assert mixed.data["positions-0-margin_mode"] == "cross"
    assert mixed.data["chart_symbol"] == "SOL"
    assert mixed.data["venue"] == "okx"


def test_an_admin_edit_survives_a_load_and_force_replaces_it(content):
    hedge = Preset.objects.get(slug="hedge")
    hedge.title = "My own hedge"
    hedge.save()
    report = load_content(content)
    assert report.kept == ["Preset hedge"]
    assert Preset.objects.get(slug="hedge").title == "My own hedge"
    # The file changed too: the admin's edit still wins, until --force.
    edit(content / "presets.yaml", "both fall 12%", "both fall by 12%")
    assert load_content(content).kept == ["Preset hedge"]
    call_command("load_content", "--dir", str(content), "--force", stdout=io.StringIO())
    hedge.refresh_from_db()
    assert hedge.title == "A hedge in cross: long BTC, short ETH, both fall by 12%"
    assert "Preset hedge" in load_content(content).unchanged


def test_the_command_reports_a_kept_preset(content, capsys):
    Preset.objects.filter(slug="two-cross").update(title="Edited")
    call_command("load_content", "--dir", str(content))
    out = capsys.readouterr().out
    assert "Preset two-cross" in out and "--force" in out


PRESET_MISTAKES = [
    (
        "  tiers: flat\n  positions:\n    - {symbol: BTC",
        "  tiers: flat\n  colour: red\n  positions:\n    - {symbol: BTC",
        "content/presets.yaml: two-isolated, colour: is not a field here (check its spelling)",
    ),
    (
        "leverage: 10, margin: 1000}",
        "leverage: 10, margin: 1000, stop: 50000}",
        "content/presets.yaml: two-isolated, position 1, stop: is not a field here",
    ),
    (
        "leverage: 10, margin: 1000}",
        "leverage: ten, margin: 1000}",
        "content/presets.yaml: two-isolated, position 1, leverage: "
        "Leverage must be a number from 1 to 125",
    ),
    (
        "leverage: 10, margin: 1000}",
        "leverage: 200, margin: 1000}",
        "content/presets.yaml: two-isolated, position 1, leverage: Leverage must be at most 125",
    ),
    (
        "leverage: 10, margin: 1000}",
        "leverage: yes, margin: 1000}",
        "content/presets.yaml: two-isolated, position 1, leverage: must be a number, like 5000",
    ),
    (
        "leverage: 10, margin: 1000}",
        "leverage: 10, margin: -5}",
        "content/presets.yaml: two-isolated, position 1, margin: Size must be at least 0.01",
    ),
    (
        "{symbol: BTC, side: long",
        "{symbol: BTC, side: sideways",
        "content/presets.yaml: two-isolated, position 1, side: Input should be 'long' or 'short'",
    ),
    (
        "leverage: 10, margin: 1000}",
        "leverage: 10, margin: 1000, notional: 10000}",
        "content/presets.yaml: two-isolated, position 1: give either margin: or notional:",
    ),
    (
        "{symbol: BTC, side: long",
        "{symbol: BT C, side: long",
        "content/presets.yaml: two-isolated, position 1, symbol: Use 1 to 12 letters or digits",
    ),
    (
        "  mode: isolated\n",
        "  mode: sideways\n",
        "content/presets.yaml: two-isolated, mode: Input should be 'isolated' or 'cross'",
    ),
    (
        '  title: "Lesson 4: two isolated',
        '  titel: "Lesson 4: two isolated',
        "content/presets.yaml: two-isolated, title: is missing; it is required",
    ),
    (
        "marks: {BTC: -12%, ETH: 0%}",
        "marks: {BTC: -12%, ETH: 0%, SOL: 5%}",
        "content/presets.yaml: two-isolated, marks, SOL: "
        "no position holds SOL (they hold BTC and ETH)",
    ),
    (
        "marks: {BTC: -12%, ETH: 0%}",
        "marks: {BTC: -150%, ETH: 0%}",
        "content/presets.yaml: two-isolated, marks, BTC: BTC's move must be between -100% and",
    ),
    (
        "marks: {BTC: -12%, ETH: 0%}",
        "marks: {BTC: lots, ETH: 0%}",
        "content/presets.yaml: two-isolated, marks, BTC: Enter BTC's move like -12%",
    ),
    (
        "  balance: 5000\n  mode: isolated",
        "  balance: 1000\n  mode: isolated",  # the engine refuses: $1,500 of isolated margin
        "content/presets.yaml: two-isolated, balance: The isolated margins add up to 1,500",
    ),
    (
        "two-isolated:\n",
        "Two Isolated:\n",
        "content/presets.yaml: Two Isolated: is not a usable slug",
    ),
    (
        "hedge:\n",
        "two-cross:\n",
        "content/presets.yaml: two-cross: is given twice (lines 24 and 43); "
        "each preset needs its own slug",
    ),
    (
        "  tiers: flat\n  positions:\n    - {symbol: BTC, side: long, entry_price: 60000, "
        "leverage: 10, margin: 1000}",
        "  tiers: flat\n  venue: binanse\n  positions:\n    - {symbol: BTC, side: long, "
        "entry_price: 60000, leverage: 10, margin: 1000}",
        "content/presets.yaml: two-isolated, venue: ",
    ),
    ("  mode: isolated\n", "  mode: [isolated\n", "content/presets.yaml: is not valid YAML (line"),
]


@pytest.mark.parametrize(("old", "new", "expected"), PRESET_MISTAKES)
def test_each_mistake_names_the_file_the_preset_and_the_field(content, old, new, expected):
    edit(content / "presets.yaml", old, new)
    problems = problems_of(content)
    assert any(problem.startswith(expected) for problem in problems), problems


def test_a_file_that_is_not_a_mapping_says_what_it_should_be(content):
    (content / "presets.yaml").write_text("- two-isolated\n- hedge\n")
    assert "content/presets.yaml: must map each preset's slug to its scenario" in problems_of(
        content
    )


def test_a_bad_preset_leaves_every_preset_as_it_was(content):
    edit(content / "presets.yaml", "marks: {ETH: -12%}", "marks: {ETH: -20%}")
    edit(content / "presets.yaml", "leverage: 5, margin: 500}", "leverage: 500, margin: 500}")
    problems_of(content)
    assert Preset.objects.get(slug="single-isolated").data["mark_ETH"] == "-12%"


def test_a_lesson_naming_a_missing_preset_is_refused(content):
    lesson = content / "beginner/04-isolated-vs-cross-margin.md"
    edit(lesson, "[[simulator id=btc-move preset=two-isolated", "[[simulator preset=two-isolatd")
    problems = problems_of(content)
    assert any(
        problem.startswith("content/beginner/04-isolated-vs-cross-margin.md: body: Simulator 1")
        and "there is no preset “two-isolatd” (presets: two-isolated, two-cross," in problem
        for problem in problems
    ), problems


def test_a_lesson_widget_checks_the_preset_as_the_same_load_writes_it(content):
    """Presets load first, so a lesson's widget is checked against the file's presets."""
    edit(content / "presets.yaml", "marks: {BTC: -12%, ETH: 0%}", "marks: {ETH: 0%}")
    report = load_content(content)
    assert report.updated == ["Preset two-isolated"]
    edit(content / "presets.yaml", "{symbol: BTC, side: long", "{symbol: XBT, side: long")
    problems = problems_of(content)
    expected = "the preset “two-isolated” holds no BTC (it holds XBT and ETH)"
    assert any(expected in problem for problem in problems), problems


# ----------------------------------------------------------------------------- the database


def test_a_saved_preset_shows_at_once(client):
    assert "Lesson 4: two isolated" in client.get("/simulator/").content.decode()
    preset = Preset.objects.get(slug="two-isolated")
    preset.title = "Two isolated longs"
    preset.save()
    assert "Two isolated longs" in client.get("/simulator/").content.decode()
    preset.data = {**preset.data, "mark_BTC": "-5%"}
    preset.save()
    page = client.get("/simulator/", {"preset": "two-isolated"}).content.decode()
    assert "Isolated: nothing is liquidated" in page


def test_a_deleted_preset_is_gone_from_every_page(client):
    client.get("/simulator/", {"preset": "hedge"})
    Preset.objects.filter(slug="hedge").delete()  # a queryset delete sends the signal too
    assert client.get("/simulator/", {"preset": "hedge"}).status_code == 404
    assert "?preset=hedge" not in client.get("/simulator/").content.decode()


def test_a_lesson_widget_whose_preset_was_deleted_still_lets_the_lesson_read(client):
    Preset.objects.filter(slug="two-isolated").delete()
    response = client.get(LESSON_4_URL)
    assert response.status_code == 200
    assert "This simulator is not available at the moment." in response.content.decode()


# ----------------------------------------------------------------------------- the admin


@pytest.fixture
def hedge_change(admin_client):
    hedge = Preset.objects.get(slug="hedge")
    url = f"/admin/simulator/preset/{hedge.pk}/change/"
    fields = {"slug": "hedge", "title": hedge.title, "order": "4"}
    return admin_client, url, fields, hedge


def test_the_admin_lists_the_presets(admin_client):
    html = admin_client.get("/admin/simulator/preset/").content.decode()
    assert "A hedge in cross" in html and 'href="/simulator/?preset=hedge"' in html


def test_an_admin_edit_the_simulator_refuses_is_a_form_error(hedge_change):
    client, url, fields, hedge = hedge_change
    data = {**hedge.data, "positions-0-leverage": "500"}
    response = client.post(url, {**fields, "data": json.dumps(data)})
    assert response.status_code == 200
    assert "Position 1: Leverage must be at most 125" in response.content.decode()
    hedge.refresh_from_db()
    assert hedge.data["positions-0-leverage"] == "10"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ('{"balance": 5000}', "Give each field&#x27;s value as text"),
        ("[1, 2]", "Give each field&#x27;s value as text"),
        ('{"balance": "100"}', "The isolated margins add up to"),  # cross in the file: isolated
        ("{not json", "Enter a valid JSON"),
    ],
)
def test_the_admin_refuses_data_that_does_not_simulate(hedge_change, data, message):
    client, url, fields, hedge = hedge_change
    if data == '{"balance": "100"}':
        data = json.dumps({**hedge.data, "balance": "100", "mode": "isolated"})
    response = client.post(url, {**fields, "data": data})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_valid_admin_edit_is_saved(hedge_change):
    client, url, fields, hedge = hedge_change
    data = {**hedge.data, "mark_BTC": "-20%"}
    response = client.post(url, {**fields, "data": json.dumps(data)})
    assert response.status_code == 302
    hedge.refresh_from_db()
    assert hedge.data["mark_BTC"] == "-20%"


def test_a_check_that_rolls_back_leaves_no_preset_behind_in_the_cache(client, content):
    """check_content writes in a transaction it rolls back; nothing it wrote may linger."""
    with (content / "presets.yaml").open("a") as file:
        file.write(
            "\nghost:\n  title: A ghost preset\n  balance: 5000\n  mode: cross\n  positions:\n"
            "    - {symbol: BTC, side: long, entry_price: 60000, leverage: 10, margin: 1000}\n"
        )
    edit(content / "beginner/04-isolated-vs-cross-margin.md", "preset=two-isolated", "preset=ghost")
    client.get("/simulator/")  # the list of examples is cached
    load_content(content, dry_run=True)
    assert not Preset.objects.filter(slug="ghost").exists()
    assert "A ghost preset" not in client.get("/simulator/").content.decode()
    assert client.get("/simulator/", {"preset": "ghost"}).status_code == 404
