"""The liquidation-price tool compares the same position on all five exchanges in one
table (issue 27, item 2); every figure is recomputed here on the engine itself."""

import html as html_lib
import re
from decimal import Decimal

import pytest
from django.test import Client

from core.numbers import percent, price
from simulator.engine import (
    Account,
    Mode,
    Position,
    Side,
    bankruptcy_price,
    evaluate,
    liquidation_price,
)
from simulator.engine.venues import VENUES

pytestmark = pytest.mark.django_db
D = Decimal
PAGE = "/tools/liquidation-price/"
QUERY = (
    "?venue=bybit&symbol=ETH&side=short&entry_price=3,000&size=20&size_unit=coins"
    "&leverage=20&mode=isolated&tiers=venue&funding_rate=0.01&funding_intervals=3"
)


def table_rows(page: str) -> dict[str, list[str]]:
    table = re.search(r'<table class="table venues-table">.*?</table>', page, re.S)
    assert table, "no table of the exchanges"
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(0).split("<tbody>")[1], re.S):
        cells = [
            " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        rows[cells[0]] = cells[1:]
    return rows


def engine_figures(venue) -> list[str]:
    """The 20 ETH short at 3,000, 20x isolated, on the venue's own tiers and taker fee."""
    position = Position(
        symbol="ETH",
        side=Side.SHORT,
        quantity=D(20),
        entry_price=D(3000),
        leverage=D(20),
        mode=Mode.ISOLATED,
    )
    account = Account(
        balance=position.isolated_margin,
        positions=(position,),
        brackets={"ETH": venue.brackets("ETH")},
        venue=venue.key,
        taker_fee=venue.taker_fee,
    )
    marks = {"ETH": D(3000)}
    state = evaluate(account, marks).positions[0]
    return [
        f"{price(liquidation_price(account, 0, marks))} "
        f"{percent(state.distance_to_liquidation)} from the mark",
        price(bankruptcy_price(account, 0, marks)),
    ]


def test_every_exchange_is_compared_for_the_same_position_with_the_engines_figures():
    rows = table_rows(Client().get(PAGE + QUERY).content.decode())
    assert len(rows) == len(VENUES) == 5
    for venue in VENUES.values():
        label = venue.name + (" (yours)" if venue.key == "bybit" else "")
        assert rows[label] == engine_figures(venue), venue.key
    # The rules differ, so the prices do: five exchanges, more than one answer.
    assert len({tuple(figures) for figures in rows.values()}) > 1


def test_each_other_exchange_links_to_this_calculation_on_it():
    page = Client().get(PAGE + QUERY).content.decode()
    table = re.search(r'<table class="table venues-table">.*?</table>', page, re.S).group(0)
    hrefs = [html_lib.unescape(href) for href in re.findall(r'href="([^"]+)"', table)]
    assert [re.search(r"venue=(\w+)", href).group(1) for href in hrefs] == [
        key for key in VENUES if key != "bybit"
    ]
    okx = Client().get(next(href for href in hrefs if "venue=okx" in href)).content.decode()
    assert "OKX USDT-margined swap is liquidated when" in html_lib.unescape(okx)
