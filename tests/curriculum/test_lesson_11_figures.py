"""Lesson 11, "Collateral and Haircuts": every figure it prints is the engine's (or, for a
ratio or a tier, the collateral table the engine ships), recomputed here, formatted as the
lesson writes it, and looked up in its text; and its page shows them."""

from decimal import Decimal
from pathlib import Path

import pytest

from core.numbers import percent, price
from simulator.engine import (
    BINANCE_MULTI_ASSETS,
    BYBIT_UTA,
    Account,
    Position,
    Wallet,
    collateral_liquidation_price,
    evaluate,
    liquidation_price,
    multi_assets_margin_ratio,
)
from simulator.engine.collateral import CollateralRule, CollateralSchedule
from tests.curriculum.formats import MINUS, TIMES, dollars, rate

LESSON = (
    Path(__file__).resolve().parents[2] / "content/advanced/11-collateral-and-haircuts.md"
).read_text()
URL = "/learn/advanced/collateral-and-haircuts/"
ENTRY = Decimal(60000)


def long_btc(balance: Decimal, side: str = "long") -> Account:
    return Account(balance, (Position("BTC", side, 1, ENTRY, 10, mode="cross"),))


def test_binances_ratios_are_the_tables():
    rules = BINANCE_MULTI_ASSETS.rules
    ratio = {asset: rule.tiers[0].ratio for asset, rule in rules.items()}
    assert "Binance counts BTC and ETH at 95%, and USDT at 99.99%" in LESSON
    assert (
        f"BTC, ETH and BNB at {rate(ratio['BTC'])}; XRP, ADA, DOT and SOL at {rate(ratio['XRP'])}; "
        f"USDT and USDC at {rate(ratio['USDT'])}; BUSD at {rate(ratio['BUSD'])}"
    ) in LESSON
    assert ratio["ETH"] == ratio["BNB"] == ratio["BTC"]
    assert ratio["ADA"] == ratio["DOT"] == ratio["SOL"] == ratio["XRP"]
    assert ratio["USDC"] == ratio["USDT"]
    assert "dated 28 May 2021" in LESSON and BINANCE_MULTI_ASSETS.as_of == "2021-05-28"
    assert BINANCE_MULTI_ASSETS.source in LESSON and BYBIT_UTA.source in LESSON


def test_the_wallet_of_three_assets():
    wallet = Wallet({"BTC": "0.2", "ETH": 3, "USDT": 5000})
    rows = {row.asset: row for row in wallet.holdings({"BTC": ENTRY, "ETH": 3000})}
    for line, asset in [("0.2 BTC", "BTC"), ("3 ETH", "ETH")]:
        row = rows[asset]
        shown = f"{line}: {dollars(row.market_value)} {TIMES} 95% = {dollars(row.collateral_value)}"
        assert shown in LESSON
    assert f"5,000 USDT: $5,000 {TIMES} 99.99% = {dollars(rows['USDT'].collateral_value)}" in LESSON
    prices = {"BTC": ENTRY, "ETH": 3000}
    value, market = wallet.collateral_value(prices), wallet.market_value(prices)
    assert f"worth {dollars(market)} at market prices, and counts as **{dollars(value)}**" in LESSON
    assert f"The haircut is {dollars(market - value)}." in LESSON


def test_bybits_example_tiers():
    tiers = BYBIT_UTA.rules["BTC"].tiers
    floors = [tier.floor for tier in tiers]
    rows = [
        f'<tr><th scope="row">{low} to {high}</th><td>{rate(tier.ratio)}</td></tr>'
        for low, high, tier in zip(floors, floors[1:], tiers, strict=False)
    ]
    assert all(row in LESSON for row in rows), rows
    last = f'<tr><th scope="row">Above {floors[-1]}</th><td>{rate(tiers[-1].ratio)}</td></tr>'
    assert last in LESSON
    wallet = Wallet({"BTC": 25}, "bybit")
    value = wallet.collateral_value({"BTC": ENTRY})
    counted = (value / ENTRY).normalize()
    market = dollars(25 * ENTRY)
    assert f"Together {counted} BTC, or **{dollars(value)}** of a market value of {market}" in (
        LESSON
    )
    # Beyond 50 BTC a coin more adds nothing.
    beyond, at_50 = Wallet({"BTC": 51}, "bybit"), Wallet({"BTC": 50}, "bybit")
    assert beyond.collateral_value({"BTC": 1}) == at_50.collateral_value({"BTC": 1})


def test_a_btc_long_on_btc_is_exposed_twice():
    wallet = Wallet({"BTC": 1})
    entry_value = wallet.collateral_value({"BTC": ENTRY})
    assert entry_value == 57000 and "At entry your collateral counts $57,000." in LESSON
    account = long_btc(entry_value)
    on_btc = collateral_liquidation_price(account, 0, wallet)
    as_usdt = liquidation_price(account, 0)
    assert f"P = 60,000 ÷ 1.945 = **{price(on_btc)}**" in LESSON
    assert on_btc == pytest.approx(ENTRY / Decimal("1.945"), abs=Decimal("1e-20"))
    fall = (1 - on_btc / ENTRY) * 100
    assert "That is a fall of about 49%." in LESSON and round(fall) == 49
    assert f"at **{price(as_usdt)}**: 57,000 + (P {MINUS} 60,000)" in LESSON
    assert as_usdt == pytest.approx(Decimal(3000) / Decimal("0.995"), abs=Decimal("1e-20"))
    assert f"Below about {MINUS}{fall:.1f}% the account is liquidated" in LESSON
    short = collateral_liquidation_price(long_btc(entry_value, "short"), 0, wallet)
    assert f"at {price(short)}, eighteen times the entry" in LESSON and int(short / ENTRY) == 18


def test_the_long_at_a_fall_of_30_and_48_percent():
    wallet = Wallet({"BTC": 1})
    for mark, lines in [
        (
            Decimal(42000),
            ["42,000 × 95% = **$39,900**", "the collateral counts $39,900;",
             "the long has lost $18,000;", "$39,900 − $18,000 = $21,900;",
             "0.5% of $42,000 = $210.", "$210 ÷ $21,900 = **0.96%**"],
        ),
        (Decimal(31200), ["the equity is down to $840 and the ratio is **18.57%**"]),
    ]:  # fmt: skip
        value = wallet.collateral_value({"BTC": mark})
        state = evaluate(long_btc(value), {"BTC": mark})
        ratio = state.cross_maintenance_margin / state.cross_equity
        figures = {
            dollars(value),
            dollars(-state.cross_unrealized_pnl),
            dollars(state.cross_equity),
            dollars(state.cross_maintenance_margin),
            percent(ratio),
        }
        for line in lines:
            assert line.replace("×", TIMES).replace("−", MINUS) in LESSON, line
            assert any(figure in line for figure in figures), line


def test_binances_published_margin_ratio():
    """Binance's example (docs/engine.md): 199.596 ÷ 416.02 = 47.98%."""
    bid = Decimal("0.9801")
    rules = (CollateralRule.flat("USDT", 1), CollateralRule.flat("USDC", 1))
    at_bid = CollateralSchedule("bid", "at the bid rate", rules)
    wallet = Wallet({"USDT": 200, "USDC": 220}, at_bid)
    assert wallet.collateral_value({"USDT": bid, "USDC": 1}) == Decimal("416.0200")
    maintenance = {"USDT": 80, "USDC": 120}  # 0.5 BTC x 20,000 x 0.8%; 20 ETH x 600 x 1%
    ratio = multi_assets_margin_ratio(
        wallet, {"USDT": bid, "USDC": 1}, maintenance, {"USDT": "0.99495"}
    )
    assert ratio == Decimal("199.596") / Decimal("416.02")
    assert f"199.596 ÷ 416.02 = **{percent(ratio)}**" in LESSON


def test_the_mixed_wallet_behind_an_eth_long():
    wallet = Wallet({"BTC": "0.2", "ETH": 3, "USDT": 5000})
    value = wallet.collateral_value({"BTC": ENTRY, "ETH": 3000})
    long_eth = Position.from_notional("ETH", "long", 30000, 3000, 10, mode="cross")
    account = Account(value, (long_eth,))
    on_wallet = collateral_liquidation_price(account, 0, wallet, prices={"BTC": ENTRY})
    assert "an ETH long of $30,000 at 10x" in LESSON
    as_usdt = price(liquidation_price(account, 0))
    shown = f"at **{price(on_wallet)}**; with the same {dollars(value)} in USDT, at {as_usdt}."
    assert shown in LESSON


@pytest.mark.django_db
def test_the_page_shows_both_simulators_and_links_the_tool(client):
    page = client.get(URL).content.decode()
    assert 'id="btc-on-btc"' in page and 'id="mixed-wallet"' in page
    assert page.count("Open this wallet in the collateral tool") == 2
    assert 'href="/tools/collateral/"' in page
    assert "30,848.33" in page and "1,062.54" in page
