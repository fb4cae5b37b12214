"""Ready-made scenarios, as the form data the simulator's own form would post.

The lesson links to them (`/simulator/?preset=<slug>`), so their numbers must
stay those of lesson 4.
"""

from django.http import QueryDict


def _positions(*rows: dict[str, str]) -> dict[str, str]:
    data = {"positions-TOTAL_FORMS": str(len(rows)), "positions-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        defaults = {"size_basis": "margin", "margin_mode": "account"}
        for name, value in {**defaults, **row}.items():
            data[f"positions-{index}-{name}"] = value
    return data


BTC_LONG = {"symbol": "BTC", "side": "long", "entry_price": "60000", "leverage": "10",
            "size": "1000"}  # fmt: skip
ETH_LONG = {"symbol": "ETH", "side": "long", "entry_price": "3000", "leverage": "5",
            "size": "500"}  # fmt: skip

PRESETS: dict[str, tuple[str, dict[str, str]]] = {
    "two-isolated": (
        "Lesson 4: two isolated positions, BTC falls 12%",
        {"balance": "5000", "mode": "isolated", "tiers": "flat", "mark_BTC": "-12%",
         "mark_ETH": "0%", **_positions(BTC_LONG, ETH_LONG)},
    ),
    "two-cross": (
        "Lesson 4: the same two positions in cross, BTC falls 12%",
        {"balance": "5000", "mode": "cross", "tiers": "flat", "mark_BTC": "-12%",
         "mark_ETH": "0%", **_positions(BTC_LONG, ETH_LONG)},
    ),
    "single-isolated": (
        "A single 10x isolated long with $500 margin, ETH falls 12%",
        {"balance": "5000", "mode": "isolated", "tiers": "flat", "mark_ETH": "-12%",
         **_positions({**ETH_LONG, "leverage": "10"})},
    ),
    "hedge": (
        "A hedge in cross: long BTC, short ETH, both fall 12%",
        {"balance": "5000", "mode": "cross", "tiers": "flat", "mark_BTC": "-12%",
         "mark_ETH": "-12%",
         **_positions(BTC_LONG, {**ETH_LONG, "side": "short", "leverage": "10",
                                 "size": "1000"})},
    ),
}  # fmt: skip


def preset_data(slug: str) -> QueryDict | None:
    if slug not in PRESETS:
        return None
    data = QueryDict(mutable=True)
    data.update(PRESETS[slug][1])
    return data
