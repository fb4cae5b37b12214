"""Lesson 15, "Liquidation cascades": every figure it prints is the engine's (or, for the
two crashes, its sources'), recomputed here, formatted as the lesson writes it, and
looked up in its text. The replays are the replay view's own, on the loaded content."""

import re
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
import yaml
from django.conf import settings
from django.http import QueryDict

from core.numbers import money
from simulator.engine import (
    Account,
    Counterparty,
    EventKind,
    Mode,
    PathPoint,
    Position,
    bankruptcy_price,
    deleverage,
    evaluate,
    liquidation_price,
    liquidation_prices,
    replay,
    with_mode,
)
from simulator.engine.deleveraging import (
    ADL_RULES,
    HYPERLIQUID_COOLDOWN_SECONDS,
    HYPERLIQUID_PARTIAL_ABOVE,
    HYPERLIQUID_PARTIAL_SHARE,
    AdlRule,
    okx_step,
)
from simulator.engine.venues import get_venue
from simulator.replay.forms import ReplayForms
from simulator.selectors import path_preset, preset
from tests.curriculum.formats import cents

LESSON = (settings.CONTENT_DIR / "advanced" / "15-liquidation-cascades.md").read_text()
SOURCES = " ".join(
    (settings.BASE_DIR / "docs" / "lessons" / "15-liquidation-cascades.md").read_text().split()
)
PATHS = yaml.safe_load((settings.CONTENT_DIR / "paths.yaml").read_text())
PRESETS = yaml.safe_load((settings.CONTENT_DIR / "presets.yaml").read_text())
ENTRY = Decimal(7_300)
LADDER = (100, 50, 20, 10, 5, 3, 2)
START = datetime(2020, 3, 12, 10, 0, tzinfo=UTC)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def two_places(fraction: Decimal) -> str:
    """A fraction as the lesson prints a percentage: 9.55%."""
    return f"{(fraction * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def long_from(entry: Decimal, leverage, margin=1_000) -> Account:
    """An isolated BTC long with $1,000 of margin, alone in its account."""
    position = Position("BTC", "long", Decimal(margin) * leverage / entry, entry, leverage)
    return Account(position.isolated_margin, [position])


def crash_points() -> list[PathPoint]:
    """Black Thursday's four points as content/paths.yaml gives them."""
    points = PATHS["black-thursday-2020"]["points"]
    first = datetime.fromisoformat(points[0]["at"])
    return [
        PathPoint(
            Decimal((datetime.fromisoformat(p["at"]) - first).total_seconds()) / 3600,
            {"BTC": Decimal(p["price"])},
        )
        for p in points
    ]


def preset_path_hours() -> str:
    """How long a step of the loaded black-thursday-2020 path lasts, in hours."""
    return path_preset("black-thursday-2020").data["hours"]


def clock(hours: Decimal) -> str:
    """Hours after 10:00 UTC on 12 March 2020, as the lesson writes the moment."""
    minutes = (hours * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    moment = START + timedelta(minutes=int(minutes))
    return f"{moment:%H:%M} on {moment.day} March"


def test_the_crash_is_the_paths_own():
    prices = [Decimal(p["price"]) for p in PATHS["black-thursday-2020"]["points"]]
    assert prices == [7_300, 5_690, 5_800, 3_900]
    assert "from **7,300** at about 10:00 UTC to a low of **5,690** at 11:00 UTC" in LESSON
    assert "from **5,800** at 23:00 UTC to a low of **3,900** at 02:15 UTC on 13 March" in LESSON
    fall = (prices[0] - prices[-1]) / prices[0]
    assert f"From 7,300 to 3,900 is a fall of {two_places(fall)}." in LESSON  # 46.58%


def test_the_ladder_of_liquidation_prices():
    for leverage in LADDER:
        account = long_from(ENTRY, leverage)
        price = liquidation_price(account, 0)
        below = (ENTRY - price) / ENTRY
        cells = f"<td>{cents(price)}</td><td>{two_places(below)}</td>"
        row = f'<tr><th scope="row">{leverage}x</th>{cells}</tr>'
        assert row in LESSON, leverage


def test_the_rungs_of_the_chain():
    rungs = {lev: liquidation_price(long_from(ENTRY, lev), 0) for lev in (50, 20, 10)}
    below = (ENTRY - rungs[50]) / ENTRY
    assert f"The 50x longs from 7,300 go {two_places(below)} down, at {cents(rungs[50])}." in LESSON
    to_20 = (rungs[50] - rungs[20]) / rungs[50]
    to_10 = (rungs[20] - rungs[10]) / rungs[20]
    assert (
        f"push the price another {two_places(to_20)}, it reaches the 20x longs' rung at "
        f"{cents(rungs[20])}; if the 20x longs' sales carry it another {two_places(to_10)}, "
        f"it reaches the 10x rung at {cents(rungs[10])}."
    ) in LESSON


def cluster() -> Account:
    """The preset l15-cluster: 10x, 20x and 50x longs from 7,300, $1,000 each, isolated."""
    spec = PRESETS["l15-cluster"]
    positions = [
        Position.from_notional("BTC", p["side"], p["margin"] * p["leverage"], p["entry_price"],
                               p["leverage"])
        for p in spec["positions"]
    ]  # fmt: skip
    assert [p.leverage for p in positions] == [10, 20, 50]
    assert all(p.isolated_margin == 1_000 and p.entry_price == ENTRY for p in positions)
    return Account(Decimal(spec["balance"]), positions)


def test_at_a_fall_of_five_percent_two_of_three_are_gone():
    assert PRESETS["l15-cluster"]["marks"] == {"BTC": "-5%"}
    state = evaluate(cluster(), {"BTC": ENTRY * Decimal("0.95")})
    assert [p.liquidated for p in state.positions] == [False, True, True]
    assert "At a fall of 5%, two of the three are already gone." in LESSON
    cross = with_mode(cluster(), Mode.CROSS)
    at_five = evaluate(cross, {"BTC": ENTRY * Decimal("0.95")})
    assert not any(p.liquidated for p in at_five.positions)
    together = set(liquidation_prices(cross))
    assert len(together) == 1  # one pot, one price
    assert (
        f"none goes at 5%, but all three go together at {cents(together.pop())}, and the "
        "wallet with them"
    ) in LESSON
    assert "control=move:BTC min=-50 max=0 step=0.5 value=-5" in LESSON


def test_the_gap_example_and_what_adl_takes():
    account = long_from(ENTRY, 10)
    position = account.positions[0]
    assert position.notional == 10_000 and position.isolated_margin == 1_000
    assert "Take a $10,000 long on BTC opened at 7,300 with 10x, $1,000 of isolated margin." in (
        LESSON
    )
    liquidation, bankrupt = liquidation_price(account, 0), bankruptcy_price(account, 0)
    assert (
        f"Its liquidation price is {cents(liquidation)} and its bankruptcy price "
        f"**{bankrupt:,.0f}**"
    ) in LESSON
    low = Decimal(5_690)
    loss = -position.unrealized_pnl(low)
    shortfall = loss - position.isolated_margin
    assert f"the position has lost **{money(loss)}**" in LESSON  # $2,205.48
    assert f"**{money(shortfall)}** is lost beyond the margin" in LESSON  # $1,205.48
    assert f"The {money(shortfall)} is a **shortfall**" in LESSON
    # The same as evaluating the account there: the trader loses the margin, no more.
    assert evaluate(account, {"BTC": low}).total_lost == position.isolated_margin

    fund = Decimal(1_000)
    short = Counterparty("short", "short", position.quantity, ENTRY, low, 1_000)
    outcome = deleverage(
        shortfall=shortfall, fund=fund, bankruptcy_price=bankrupt, liquidated_side="long",
        positions=[short],
    )  # fmt: skip
    assert outcome.fund_used == fund and outcome.uncovered == 0
    assert outcome.steps[0].price == bankrupt
    assert "Suppose the fund has only $1,000 left for the shortfall above." in LESSON
    assert f"ADL takes the other **{money(outcome.taken)}**" in LESSON  # $205.48
    assert f"closed at {bankrupt:,.0f} while the market is at 5,690" in LESSON


def test_when_the_path_reaches_each_long():
    points = crash_points()
    rows = []
    for leverage in LADDER:
        account = long_from(ENTRY, leverage)
        price = liquidation_price(account, 0)
        found = [e for e in replay(account, points).events if e.kind is EventKind.LIQUIDATION]
        if found:
            assert found[0].marks["BTC"] == price  # filled on its line, at its price
            when = clock(found[0].time)
        else:
            assert price < min(p.marks["BTC"] for p in points)
            when = "never: the low was 3,900"
        rows.append((leverage, when))
        row = f'<tr><th scope="row">{leverage}x</th><td>{cents(price)}</td><td>{when}</td></tr>'
        assert row in LESSON, leverage
    first_hour = [lev for lev, when in rows if when.endswith("12 March")]
    assert first_hour == [100, 50, 20, 10, 5]
    assert all(when < "11:00" for lev, when in rows if lev in first_hour)
    assert "Every long from 7,300 at 5x or more was gone within the first hour." in LESSON
    assert dict(rows)[3].endswith("13 March")  # the second wave, that night
    assert "only the 2x long lived through both" in LESSON


@pytest.mark.django_db
def test_the_ready_made_path_gives_the_same_moments():
    """The replay view's own path (the loader's grid of moves from 7,300) agrees with the
    four points: each of the cluster's longs goes at the time the table gives."""
    forms = ReplayForms(QueryDict("path=black-thursday-2020&account=l15-cluster"))
    assert forms.outcome is not None, forms.errors
    isolated = forms.outcome.modes[0].result
    events = [e for e in isolated.events if e.kind is EventKind.LIQUIDATION]
    assert [e.positions for e in events] == [(2,), (1,), (0,)]  # 50x, then 20x, then 10x
    for event, leverage in zip(events, (50, 20, 10), strict=True):
        assert f"<td>{clock(event.time)}</td>" in LESSON
        assert f'<th scope="row">{leverage}x</th>' in LESSON
    assert "(/simulator/replay/?path=black-thursday-2020)" in LESSON
    assert preset_path_hours() == "0.25" and "every quarter of an hour" in LESSON
    assert "(/simulator/replay/?path=black-thursday-2020&account=l15-cluster)" in LESSON


@pytest.mark.django_db
def test_typing_the_four_prices_liquidates_the_same_positions_in_the_same_order():
    typed = "7300 → 5690 → 5800 → 3900"
    assert f"`{typed}`" in LESSON
    query = preset("l15-cluster").form_data().copy()
    query.update({"account": "scenario", "moves": typed, "symbol": "BTC", "steps": "10"})
    forms = ReplayForms(QueryDict(query.urlencode()))
    assert forms.outcome is not None, forms.errors
    ready = ReplayForms(QueryDict("path=black-thursday-2020&account=l15-cluster")).outcome
    for mine, theirs in zip(forms.outcome.modes, ready.modes, strict=True):
        got = [e for e in mine.result.events if e.kind is EventKind.LIQUIDATION]
        want = [e for e in theirs.result.events if e.kind is EventKind.LIQUIDATION]
        assert [(e.positions, e.marks["BTC"]) for e in got] == [
            (e.positions, e.marks["BTC"]) for e in want
        ]


def test_a_long_from_60000_falls_as_far_in_the_first_hour():
    fall = (Decimal(7_300) - 5_690) / 7_300
    assert f"so a position opened at 60,000 falls {two_places(fall)} in the first hour" in LESSON


def test_which_leverage_survives_the_low():
    spec = PRESETS["l15-one-long"]
    assert spec["marks"] == {"BTC": 3900}
    survivors = []
    for leverage in range(1, 11):
        state = evaluate(long_from(ENTRY, leverage), {"BTC": Decimal(3_900)})
        if not state.positions[0].liquidated:
            survivors.append(leverage)
    assert survivors == [1, 2]
    position = long_from(ENTRY, 10).positions[0]
    cross = with_mode(Account(Decimal(spec["balance"]), [position]), Mode.CROSS)
    state = evaluate(cross, {"BTC": Decimal(3_900)})
    assert not state.positions[0].liquidated
    assert (
        f"so it survives 3,900 even at 10x, with {money(state.equity)} left of the $5,000"
    ) in LESSON
    assert "control=leverage:1 min=1 max=10 step=1 value=10" in LESSON
    assert "Lower the leverage until the position survives." in LESSON


def test_the_october_figures_are_their_sources():
    """Each figure the lesson gives for 10 October 2025 is quoted in the lesson's sources."""
    section = LESSON.split("## 10 October 2025")[1].split("## How the venues")[0]
    quoted = {  # the lesson's words: the source's, as docs/lessons quotes it
        "**14:57 UTC**": "14:57 UTC – Trump tariff announcement",
        "from **20:50 UTC**": "At 20:50 UTC on October 10, 2025",
        "**$6.93 billion** of positions in **40 minutes**": "40-minute cascade that would "
        "liquidate $6.93 billion",
        "its worst minute at **21:15 UTC**": "At the peak minute (21:15 UTC)",
        "**$3.21 billion** liquidated in 60 seconds": "How $3.21B Vanished in 60 Seconds",
        "**$9.89 billion** by 03:00 UTC": "By 03:00 UTC the following morning, $9.89 billion",
        "**$8.30 billion** (83.9%)": "Forced selling from liquidated longs: $8.30B (83.9%)",
        "down 8.4% at **$104,782** at 21:20 UTC": "down 8.4% at $104,782 as of 17:20 ET (2120 GMT)",
        "between 21:36 and 22:16 UTC": "2025-10-10, 21:36–22:16 UTC",
        "discounts abnormal spot prints": "Futures mark-price logic discounts abnormal spot ticks",
    }
    for ours, theirs in quoted.items():
        assert ours in " ".join(section.split()), ours
        assert theirs in SOURCES, theirs
    october = PATHS["october-2025"]
    stated = {point["price"]: october["sources"][point["source"]] for point in october["points"]}
    assert " ".join(stated[121525.6].split()).endswith("was down 0.5% to $121,525.6.”")
    assert "$104,782 as of 17:20 ET (2120 GMT)" in stated[104782]
    assert "illustrative" in october["market"]["illustrative"]


@pytest.mark.django_db
def test_the_multi_asset_account_through_october_2025_is_the_replays():
    """The ready-made 10 October 2025 replay (issue 29's "done when"): which positions the
    partial steps, the fund and auto-deleveraging took, every figure from the engine."""
    section = " ".join(
        LESSON.split("### Follow a multi-asset account")[1].split("## How")[0].split()
    )
    forms = ReplayForms(QueryDict("path=october-2025"))
    assert forms.outcome is not None, forms.errors
    usdt, wallet = (mode.result for mode in forms.outcome.modes)
    assert forms.outcome.wallet is not None
    kinds = [e.kind for e in wallet.events]
    partial = [e for e in wallet.events if e.kind is EventKind.PARTIAL]
    assert len(partial) == 3 and EventKind.LIQUIDATION not in kinds
    # The summary says what the backstops took, though no position was liquidated whole.
    assert (
        "Cross on the wallet: loses no position to a whole liquidation (3 partial "
        "liquidations; position 2 (BTC short) taken by auto-deleveraging)"
    ) in forms.outcome.summary
    for event in partial[:2]:
        assert all(order.closed == order.quantity_before / 5 for order in event.orders)
        assert f"**{cents(event.marks['BTC'])}**" in section
    assert f"at **{cents(partial[2].marks['BTC'])}**" in section
    assert [o.position for o in partial[2].orders] == [0]  # the long alone, after the ADL
    (fund,) = [e for e in wallet.events if e.kind is EventKind.FUND]
    assert fund.fund.fund_used == 5000 and fund.fund.shortfall == 14000
    assert "**$14,000**" in section and "**$5,000**" in section
    adl = [e for e in wallet.events if e.kind is EventKind.ADL]
    ranks = [(e.deleveraged.name, e.positions) for e in adl]
    assert ranks[0][0] == "Trader A" and ranks[1][1] == (1,)  # your short, second
    mine = adl[1].deleveraged
    assert f"**{cents(mine.price)}**" in section
    assert "13.78% and 2.75x" in mine.reason and "**13.78%**" in section and "**2.75x**" in section
    assert f"**{money(wallet.final.equity)}**" in section
    assert f"**{money(usdt.final.equity)}**" in section
    assert f"**{money(wallet.final.collateral)}**" in section  # at the last step's prices
    isolated = ReplayForms(QueryDict("path=october-2025&account=october-2025-usdt")).outcome
    steps = [e for e in isolated.modes[0].result.events if e.kind is EventKind.PARTIAL]
    assert len(steps) == 6 and "six 20% steps and then whole" in section


def test_the_venue_table_follows_the_engines_sources():
    row = text(LESSON.split('<th scope="row">Hyperliquid</th>')[1].split("</tr>")[0])
    assert f"above {HYPERLIQUID_PARTIAL_ABOVE:,} USDC" in row
    assert f"{HYPERLIQUID_PARTIAL_SHARE:.0%} of the position" in row
    assert f"within {HYPERLIQUID_COOLDOWN_SECONDS} seconds" in row
    assert ADL_RULES["binance"] is AdlRule.LEVERAGE_PNL  # "by profit and margin ratio"
    assert ADL_RULES["bybit"] is AdlRule.PROFIT_X_LEVERAGE
    assert "ADL ranked by profit and margin ratio" in LESSON
    assert "ADL ranked by profit and effective leverage" in LESSON
    # OKX from tier 3: down to tier 1's maximum; tiers 1 and 2 whole.
    maxima = (Decimal(2_000), Decimal(4_000), Decimal(6_000))
    assert okx_step(Decimal(5_000), maxima)[0] == 3_000  # tier 3: down to 2,000
    assert okx_step(Decimal(3_000), maxima)[0] == 3_000  # tier 2: all of it
    assert "from tier 3 up, partly closed down to tier 1; tiers 1 and 2 closed whole" in LESSON
    assert get_venue("dydx").liquidation_fee == Decimal("0.015")
    assert "with a penalty of up to 1.5%" in LESSON


def test_the_links_to_the_other_advanced_lessons():
    for slug in ("partial-liquidation-and-backstops", "auto-deleveraging-and-the-insurance-fund"):
        assert f"(/learn/advanced/{slug}/)" in LESSON
    assert "(/learn/intermediate/how-liquidation-happens/)" in LESSON
