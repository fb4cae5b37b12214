"""The `[[simulator ...]]` embed: what it checks for an author, and what it renders."""

import html as html_lib
import re

import pytest

from lessons.registry import Embed, embed_kind, embed_problems
from simulator.models import Preset
from tests.conftest import LESSON_4_URL

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
FRAGMENT = "/simulator/widget/"
LESSON_4 = {"preset": "two-isolated", "control": "move:BTC", "min": "-60", "max": "0"}


def embed(number: int = 1, **attrs: str) -> Embed:
    return Embed(kind="simulator", attrs=attrs, number=number, line=7)


def problems(**attrs: str) -> list[str]:
    return embed_kind("simulator").problems(embed(**attrs))


def render(rf, *embeds: Embed, **query: str) -> str:
    request = rf.get("/learn/beginner/a-lesson/", query)
    return "".join(embed_kind("simulator").render(request=request, embed=e) for e in embeds)


def text(html: str) -> str:
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


# ----------------------------------------------------------------------------- problems()


@pytest.mark.parametrize(
    "attrs",
    [
        {**LESSON_4, "value": "-12", "id": "btc-move", "title": "Try it: move BTC's price"},
        LESSON_4,
        {"preset": "hedge", "control": "move:ETH", "min": "-50", "max": "50", "step": "2"},
        {"preset": "hedge", "control": "move:ETH", "min": "-52", "max": "48", "step": "2.5"},
        {"preset": "two-cross", "control": "leverage:2", "min": "1", "max": "20", "value": "5"},
        {"preset": "two-isolated", "control": "margin:1", "min": "100", "max": "3000"},
        {"preset": "two-isolated", "control": "balance", "min": "2000", "max": "20000"},
    ],
)
def test_a_sound_embed_has_no_problems(attrs):
    assert problems(**attrs) == []


@pytest.mark.parametrize(
    ("attrs", "expected"),
    [
        ({**LESSON_4, "control": "shift:BTC"}, "control=“shift:BTC” is not one of move:<SYMBOL>"),
        ({**LESSON_4, "control": "move:btc"}, "control=“move:btc” is not one of"),
        ({**LESSON_4, "control": "move:SOL"}, "the preset “two-isolated” holds no SOL (it holds"),
        (
            {**LESSON_4, "control": "leverage:3", "min": "1", "max": "20"},
            "control=leverage:3: the preset “two-isolated” has 2 positions, numbered from 1",
        ),
        ({**LESSON_4, "control": "margin:0", "min": "1", "max": "20"}, "has 2 positions"),
        ({**LESSON_4, "min": "0", "max": "-60"}, "min (0) must be less than max (-60)"),
        ({**LESSON_4, "min": "-5", "max": "-5"}, "min (-5) must be less than max (-5)"),
        ({**LESSON_4, "value": "-70"}, "value (-70) must lie between min (-60) and max (0)"),
        ({**LESSON_4, "value": "-12.5"}, "value (-12.5) must be min plus a whole number of steps"),
        (
            {**LESSON_4, "max": "-20"},
            "the preset's own value (-12) must lie between min (-60) and max (-20); give value=",
        ),
        ({**LESSON_4, "min": "-150"}, "min (-150) is outside what the simulator takes"),
        (
            {"preset": "two-isolated", "control": "leverage:1", "min": "1", "max": "200"},
            "max (200) is outside what the simulator takes for leverage:1: from 1 to 125",
        ),
        ({**LESSON_4, "step": "0"}, "step (0) must be more than 0"),
        ({**LESSON_4, "step": "100"}, "step (100) is larger than the range from min to max"),
        ({**LESSON_4, "colour": "red"}, "“colour” is not a setting of a simulator (settings: "),
        ({"control": "move:BTC", "min": "-60", "max": "0"}, "preset= is missing; it is required"),
        ({**LESSON_4, "preset": "nope"}, "there is no preset “nope” (presets: two-isolated, "),
        ({**LESSON_4, "min": ""}, "min= is missing; it is required"),
        ({**LESSON_4, "max": "zero"}, "max=“zero” is not a number, like max=0"),
        ({**LESSON_4, "value": "1e3"}, "value=“1e3” is not a number"),
        ({**LESSON_4, "id": "BTC_move"}, "id=“BTC_move” must start with a letter"),
        ({**LESSON_4, "title": " "}, "title= is empty"),
        (
            {"preset": "two-isolated", "control": "balance", "min": "100", "max": "20000"},
            "at min (100) the simulator refuses it: The isolated margins add up to 1,500",
        ),
    ],
)
def test_each_mistake_is_explained(attrs, expected):
    found = problems(**attrs)
    assert any(expected in problem for problem in found), found


def test_a_margin_control_needs_a_position_sized_by_margin():
    data = Preset.objects.get(slug="two-isolated").data
    Preset.objects.create(
        slug="by-notional",
        title="Sized by notional",
        data={**data, "positions-1-size_basis": "notional", "positions-1-size": "2500"},
    )
    found = problems(preset="by-notional", control="margin:2", min="100", max="1000")
    assert found == [
        "control=margin:2: position 2 of “by-notional” is sized by its notional, not its margin"
    ]


def test_a_lesson_with_a_bad_embed_names_the_line():
    body = "Text\n\n[[simulator preset=two-isolated control=move:SOL min=-1 max=0]]\n"
    assert embed_problems(body) == [
        "Simulator 1 (line 3): the preset “two-isolated” holds no SOL (it holds BTC and ETH)"
    ]


# ----------------------------------------------------------------------------- render()


def test_lesson_4_shows_its_widget(client):
    response = client.get(LESSON_4_URL)
    html = response.content.decode()
    widget = html[html.index('<section id="btc-move"') :]
    widget = widget[: widget.index("</section>")]
    assert '<h3 id="btc-move-title">Try it: move BTC&#x27;s price</h3>' in widget
    assert (
        "Long BTC ($1,000 margin, 10x) and long ETH ($500 margin, 5x), isolated margin, "
        "in a $5,000 account; ETH stays at 3,000."
    ) in widget
    assert (
        '<label class="form-label" for="widget-btc_move">'
        "BTC&#x27;s move from 60,000, from \u221260% to 0%</label>"
    ) in widget
    assert re.search(r'<input type="range" name="btc_move" value="-12" min="-60" max="0"', widget)
    assert 'aria-live="polite"' in widget
    page = text(widget)
    assert "BTC \u221212%: 52,800.00" in page
    assert "Isolated: BTC long liquidated, you lose $1,000.00; ETH long keeps running" in page
    assert "All cross: nothing is liquidated; equity is $3,800.00." in page
    assert "BTC long: liquidation price 54,271.36, liquidated 30,226.13 " in page
    assert "ETH long: liquidation price 2,412.06 none" in page  # cross: no price above 0
    link = re.search(r'<a href="([^"]+)">Open these positions in the full simulator', widget)
    opened = client.get(link.group(1).replace("&amp;", "&"))
    assert "Isolated: BTC long liquidated" in text(opened.content.decode())


def test_the_widget_form_reloads_the_lesson_without_javascript(client):
    html = client.get(LESSON_4_URL).content.decode()
    form = re.search(r'<form [^>]*hx-get="/simulator/widget/\?[^"]*"[^>]*>', html).group(0)
    assert 'method="get"' in form
    assert f'action="{LESSON_4_URL}#btc-move"' in form
    assert 'hx-target="#btc-move-outcome"' in form
    page = text(client.get(LESSON_4_URL, {"btc_move": "-55"}).content.decode())
    assert "BTC \u221255%: 27,000.00" in page
    assert "All cross: BTC long, ETH long liquidated" in page


@pytest.mark.parametrize("move", ["-99", "5", "abc", "-12.5", "", "1e3", "\x00"])
def test_a_value_out_of_range_or_unreadable_shows_the_default(client, move):
    page = text(client.get(LESSON_4_URL, {"btc_move": move}).content.decode())
    assert "BTC \u221212%: 52,800.00" in page


def test_the_lesson_page_sets_no_cookie(client):
    """Its widget's form is a GET, so no CSRF cookie: anyone, and any cache, can share it."""
    for _ in range(2):  # rendered, then from the page cache
        response = client.get(LESSON_4_URL)
        assert not response.cookies
        assert "csrfmiddlewaretoken" not in response.content.decode()


def test_two_widgets_on_one_page_keep_apart(rf):
    first = embed(1, **LESSON_4, id="a-move")
    second = embed(2, preset="hedge", control="move:ETH", min="-50", max="50")
    html = render(rf, first, second, a_move="-30")
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert {"a-move", "simulator-2", "a-move-caption", "simulator-2-caption"} <= set(ids)
    page = text(html)
    assert "BTC \u221230%: 42,000.00" in page  # the first reads ?a_move
    assert "ETH \u221212%: 2,640.00" in page  # the second keeps its preset's value
    assert 'name="simulator_2"' in html


@pytest.mark.parametrize(
    ("attrs", "query", "expected"),
    [
        (
            {"preset": "two-isolated", "control": "leverage:1", "min": "1", "max": "50"},
            {"simulator_1": "5"},
            [
                "Long BTC's leverage: 5x",
                "Isolated: nothing is liquidated",
                "Long BTC's leverage (position 1), from 1x to 50x",
                "Try it: change BTC's leverage",
                "Long BTC ($1,000 margin) and long ETH ($500 margin, 5x), isolated margin, in a",
            ],
        ),
        (
            {"preset": "two-isolated", "control": "margin:2", "min": "100", "max": "2000"},
            {"simulator_1": "800"},
            [
                "Long ETH's margin: $800",
                "Long ETH's margin (position 2), from $100 to $2,000",
                "Long BTC ($1,000 margin, 10x) and long ETH (5x), isolated margin, in a $5,000",
            ],
        ),
        (
            {"preset": "two-cross", "control": "balance", "min": "1500", "max": "10000"},
            {"simulator_1": "2000", "step": "500"},
            [
                "A $2,000 balance",
                "Account balance, from $1,500 to $10,000",
                "5x), cross margin; BTC is at 52,800 (\u221212%) and ETH stays at 3,000.",
                "All isolated: BTC long liquidated, you lose $1,000.00",
            ],
        ),
    ],
)
def test_every_control_renders(rf, attrs, query, expected):
    page = text(render(rf, embed(**attrs), **query))
    for words in expected:
        assert words in page, words


def test_a_title_given_in_the_lesson_is_used(rf):
    html = render(rf, embed(**LESSON_4, title="Slide it"))
    assert '<h3 id="simulator-1-title">Slide it</h3>' in html


def test_an_edited_preset_changes_the_widget_at_once(client):
    client.get(LESSON_4_URL)
    preset = Preset.objects.get(slug="two-isolated")
    preset.data = {**preset.data, "positions-0-leverage": "2"}  # BTC at 2x survives -12%
    preset.save()
    page = text(client.get(LESSON_4_URL).content.decode())
    assert "Isolated: nothing is liquidated" in page
    assert "Long BTC ($1,000 margin, 2x)" in page


# ----------------------------------------------------------------------------- the fragment


def test_the_fragment_gives_the_outcome_and_the_link_out_of_band(client):
    query = {**LESSON_4, "id": "btc-move", "btc_move": "-30"}
    response = client.get(FRAGMENT, query, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html
    assert "BTC \u221230%: 42,000.00" in html
    assert "All cross: nothing is liquidated; equity is $2,000.00." in html
    link = re.search(r'<p id="btc-move-open" hx-swap-oob="true"><a href="([^"]+)"', html)
    assert "mark_BTC=-30%25" in link.group(1)


def test_the_fragment_is_what_the_lesson_shows_for_the_value(client):
    lesson = client.get(LESSON_4_URL, {"btc_move": "-40"}).content.decode()
    fragment = client.get(FRAGMENT, {**LESSON_4, "id": "btc-move", "btc_move": "-40"}, **HTMX)
    outcome = fragment.content.decode().split('<p id="btc-move-open"')[0].strip()
    assert outcome in lesson


def test_the_fragment_opened_directly_goes_to_the_full_simulator(client):
    response = client.get(FRAGMENT, {**LESSON_4, "simulator_1": "-30"})
    assert response.status_code == 302
    assert "mark_BTC=-30%25" in response["Location"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({**LESSON_4, "preset": "nope"}, "there is no preset “nope”"),
        ({**LESSON_4, "control": "move:SOL"}, "holds no SOL"),
        ({**LESSON_4, "min": "5"}, "min (5) must be less than max (0)"),
        ({**LESSON_4, "id": "<script>"}, "id=“<script>” must start with a letter"),
        ({"preset": "two-isolated"}, "control= is missing"),
        ({**LESSON_4, "step": "NaN"}, "step=“NaN” is not a number"),
    ],
)
@pytest.mark.parametrize("htmx", [True, False])
def test_a_bad_fragment_address_is_a_clear_400(client, query, expected, htmx):
    response = client.get(FRAGMENT, query, **(HTMX if htmx else {}))
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert expected in response.content.decode()


def test_the_fragment_takes_no_post(client):
    assert client.post(FRAGMENT, LESSON_4).status_code == 405


def test_the_description_reads_small_prices_and_notional_sizes(rf):
    Preset.objects.create(
        slug="doge",
        title="A DOGE short",
        data={
            "balance": "1000", "mode": "cross", "tiers": "flat",
            "positions-TOTAL_FORMS": "1", "positions-INITIAL_FORMS": "0",
            "positions-0-symbol": "DOGE", "positions-0-side": "short",
            "positions-0-entry_price": "0.25", "positions-0-leverage": "4",
            "positions-0-size_basis": "notional", "positions-0-size": "2000",
            "positions-0-margin_mode": "isolated", "mark_DOGE": "0.2",
        },
    )  # fmt: skip
    attrs = {"preset": "doge", "control": "leverage:1", "min": "1", "max": "10"}
    assert problems(**attrs) == [  # at 1x the isolated margin would be the whole notional
        "at min (1) the simulator refuses it: The isolated margins add up to 2,000, "
        "more than the wallet balance of 1,000."
    ]
    attrs["min"] = "4"
    assert problems(**attrs) == []
    page = text(render(rf, embed(**attrs)))
    assert "Short DOGE ($2,000 position, isolated), cross margin, in a $1,000 account; " in page
    assert "DOGE is at 0.2 (\u221220%)." in page
    assert "Short DOGE's leverage (position 1), from 4x to 10x" in page
    assert "Short DOGE's leverage: 4x" in page


def test_a_value_the_engine_refuses_is_explained_not_a_crash(rf):
    """problems() refuses such a range when a lesson loads; a preset edited since may
    still land here, and the lesson must read on."""
    attrs = {"preset": "two-isolated", "control": "balance", "min": "100", "max": "20000"}
    page = text(render(rf, embed(**attrs), simulator_1="1000"))
    assert "A $1,000 balance" in page
    assert "The simulator cannot work this out: The isolated margins add up to 1,500" in page
    assert "Open these positions in the full simulator" in page


def test_a_default_title_names_the_position_when_its_symbol_is_held_twice(rf):
    data = Preset.objects.get(slug="two-isolated").data
    Preset.objects.create(
        slug="two-btc", title="Two BTC longs", data={**data, "positions-1-symbol": "BTC"}
    )
    attrs = {"preset": "two-btc", "control": "margin:2", "min": "100", "max": "2000"}
    assert problems(**attrs) == []
    assert '<h3 id="simulator-1-title">Try it: change position 2&#x27;s margin</h3>' in render(
        rf, embed(**attrs)
    )
