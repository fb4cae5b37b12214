"""Strategy 5, "A hedge held on coin collateral": every figure it prints is the engine's,
recomputed here, formatted as the page writes it and looked up in its text.

The coin as collateral is `simulator/engine/collateral.py` (a `Wallet` counted by
Binance's Multi-Assets table or Bybit's example tiers, `collateral_liquidation_price`,
`multi_assets_margin_ratio`). The replay counts no coin collateral: the two replays
are the replay view's own, on the USDT-equivalent account ($57,000, what 1 BTC counts
for at the start), and the page's coin figures at the replay's prices come from the
collateral module."""

from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.http import QueryDict

from core.numbers import number, price
from simulator.engine import (
    BINANCE_MULTI_ASSETS,
    BYBIT_UTA,
    Account,
    Mode,
    Position,
    Wallet,
    collateral_liquidation_price,
    collateral_value,
    evaluate,
    funding_payment,
    liquidation_price,
    multi_assets_margin_ratio,
)
from simulator.replay.forms import ReplayForms
from tests.curriculum.strategy_checks import (
    about,
    cash,
    liquidations,
    one_place,
    page,
    payments,
    replayed,
)

PAGE = page("05-hedge-on-coin-collateral.md")
BTC = Decimal(60_000)
COIN = Wallet({"BTC": 1}, venue="binance")


def short(mode: Mode = Mode.CROSS, quantity: Decimal = Decimal(1)) -> Position:
    """The hedge: a BTC short of `quantity` coins at 10x (1 BTC is $60,000)."""
    return Position("BTC", "short", quantity, BTC, 10, mode=mode)


def on_coin(at: Decimal, wallet: Wallet = COIN, venue: str = "binance") -> Account:
    """The account as the venue counts it at `at`: the wallet's collateral value as its
    balance, the short in cross (Multi-Assets Mode is cross only)."""
    amount = wallet.balances["BTC"]
    return Account(collateral_value(wallet, {"BTC": at}), [short(quantity=amount)], venue=venue)


def held(at: Decimal) -> Decimal:
    """What the account holds at `at` with the coin as collateral."""
    return evaluate(on_coin(at), {"BTC": at}).equity


def rise(at: Decimal) -> str:
    return one_place((at - BTC) / BTC)


def test_the_setup_and_the_haircut():
    assert cash(short().initial_margin) == "$6,000"
    assert "a $60,000 short at 10x, whose initial margin is **$6,000**" in PAGE
    (line,) = COIN.holdings({"BTC": BTC})
    assert BINANCE_MULTI_ASSETS.rules["BTC"].tiers[0].ratio == Decimal("0.95")
    assert "Binance counts BTC at **95%** of its value" in PAGE
    assert f"counts as **{cash(line.collateral_value)}**" in PAGE  # $57,000
    assert f"The **{cash(line.haircut)}** it does not count is the **haircut**" in PAGE
    bybit = Wallet({"BTC": 1}, venue="bybit").collateral_value({"BTC": BTC})
    assert BYBIT_UTA.rules["BTC"].tiers[0].ratio == Decimal("0.98")
    assert f"up to 10 BTC at 98%: **{cash(bybit)}**" in PAGE  # $58,800

    account = on_coin(BTC)
    maintenance = account.maintenance_margin(0, BTC)
    assert f"the short's maintenance margin is **{cash(maintenance)}**" in PAGE  # $300
    ratio = multi_assets_margin_ratio(COIN, {"BTC": BTC}, {"USDT": maintenance})
    assert ratio == evaluate(account, {"BTC": BTC}).positions[0].margin_ratio
    assert f"the coin's collateral value: **{number(ratio * 100, 2)}%**" in PAGE  # 0.53%


@pytest.mark.django_db
def test_the_collateral_tool_link_shows_the_same_coin(client):
    link = (
        "/tools/collateral/?maintenance=300&a-TOTAL_FORMS=1&a-INITIAL_FORMS=0"
        "&a-0-asset=BTC&a-0-amount=1&a-0-price=60000"
    )
    assert f"({link})" in PAGE
    html = client.get(link).content.decode()
    assert "57,000.00" in html and "58,800.00" in html


def test_the_collateral_falls_as_the_short_gains():
    down, up = BTC * Decimal("0.8"), BTC * Decimal("1.2")
    assert "When BTC falls 20% to 48,000" in PAGE and down == 48_000
    gain = evaluate(on_coin(down), {"BTC": down}).positions[0].unrealized_pnl
    assert f"the short gains **{cash(gain)}** and your coin counts only " in PAGE  # $12,000
    assert f"counts only **{cash(COIN.collateral_value({'BTC': down}))}**" in PAGE  # $45,600
    assert f"the account holds **{cash(held(down))}**. When" in PAGE  # $57,600
    assert "When BTC rises 20% to 72,000" in PAGE and up == 72_000
    loss = evaluate(on_coin(up), {"BTC": up}).positions[0].unrealized_pnl
    assert f"the short loses **{cash(-loss)}** and the coin counts " in PAGE
    assert f"the coin counts **{cash(COIN.collateral_value({'BTC': up}))}**" in PAGE  # $68,400
    assert f"the account holds **{cash(held(up))}**." in PAGE  # $56,400

    per_thousand = held(BTC) - held(BTC + 1_000)
    assert per_thousand == held(BTC - 1_000) - held(BTC)
    assert f"the account loses **{cash(per_thousand)}**" in PAGE  # $50


def test_where_each_margin_liquidates_the_short():
    on_the_coin = collateral_liquidation_price(on_coin(BTC), 0, COIN)
    assert f"liquidated only at about **{about(on_the_coin)}**" in PAGE  # 1,090,909
    assert f"a rise of about **{about((on_the_coin - BTC) / BTC * 100)}%**" in PAGE  # 1,718%
    usdt = Account(COIN.collateral_value({"BTC": BTC}), [short()])
    in_usdt = liquidation_price(usdt, 0)
    assert f"liquidated at about **{about(in_usdt)}**, a rise of about **{rise(in_usdt)}**" in PAGE
    isolated = liquidation_price(Account(usdt.balance, [short(Mode.ISOLATED)]), 0)
    assert f"would go at about **{about(isolated)}**, a rise of about **{rise(isolated)}**" in PAGE
    assert isolated < in_usdt < on_the_coin

    # The simulator's view at +50%, and the coin's.
    at = BTC * Decimal("1.5")
    assert "preset=s5-short-hedge control=move:BTC min=0 max=100 value=50" in PAGE
    assert evaluate(usdt, {"BTC": at}).equity == 27_000  # what the widget shows in cross
    assert f"the coin counts **{cash(COIN.collateral_value({'BTC': at}))}**" in PAGE  # $85,500
    assert f"the account still holds **{cash(held(at))}**" in PAGE  # $55,500


def test_safer_and_riskier():
    long = Position("BTC", "long", 1, BTC, 10, mode=Mode.CROSS)
    twice = collateral_liquidation_price(Account(57_000, [long]), 0, COIN)
    once = liquidation_price(Account(57_000, [long]), 0)
    assert f"is liquidated at about **{about(twice)}**, where the same $57,000" in PAGE
    assert f"would hold until about **{about(once)}**" in PAGE  # 3,015

    tiers = [tier.ratio for tier in BYBIT_UTA.rules["BTC"].tiers]
    assert tiers == [Decimal(r) for r in ("0.98", "0.95", "0.9", "0.85", "0.8", "0")]
    assert "98% up to 10 BTC, then 95%, 90%, 85%, 80%, and nothing above 50 BTC" in PAGE
    big = Wallet({"BTC": 60}, venue="bybit")
    value, market = big.collateral_value({"BTC": BTC}), big.market_value({"BTC": BTC})
    assert f"A holding of **60 BTC** counts as **{cash(value)}** of its **{cash(market)}**" in (
        PAGE
    )
    assert f"about **{one_place(value / market)}**" in PAGE  # 74.7%
    big_price = collateral_liquidation_price(on_coin(BTC, big, "bybit"), 0, big)
    small = Wallet({"BTC": 1}, venue="bybit")
    small_price = collateral_liquidation_price(on_coin(BTC, small, "bybit"), 0, small)
    assert f"liquidated at about **{about(big_price)}**, where Bybit's 1 BTC" in PAGE  # 232,258
    assert f"holds until about **{about(small_price)}**" in PAGE  # 2,400,000

    eth = Wallet({"ETH": 20}, venue="binance")
    assert cash(eth.collateral_value({"ETH": 3_000})) == "$57,000"
    assert "20 ETH at 3,000 count as $57,000 on Binance too" in PAGE
    fallen = eth.collateral_value({"ETH": 2_400})
    up = BTC * Decimal("1.2")
    after = evaluate(Account(fallen, [short()]), {"BTC": up})
    assert f"the ETH counts only **{cash(fallen)}**" in PAGE  # $45,600
    assert f"the short has lost **{cash(-after.positions[0].unrealized_pnl)}**" in PAGE
    assert f"and the account holds **{cash(after.equity)}**." in PAGE  # $33,600


@pytest.mark.django_db
def test_the_replay_of_a_doubling():
    isolated, cross = replayed("s5-rally")
    assert "longs pay shorts 0.01% every 8 hours" in PAGE
    (lost,) = liquidations(isolated)
    funding = -sum(event.amount for event in payments(isolated))
    assert f"liquidated at **{price(lost.marks['BTC'])}**, at about **hour " in PAGE  # 65,740.60
    assert f"at about **hour {about(lost.time)}**, less than four days in" in PAGE  # 92
    assert lost.time < 4 * 24
    assert lost.amount == short().initial_margin + funding
    assert f"It loses **{cash(lost.amount)}**, the funding it received included" in PAGE
    assert f"the account ends with **{cash(isolated.final.equity)}**." in PAGE  # $51,000

    (gone,) = liquidations(cross)
    got = payments(cross)
    received = -sum(event.amount for event in got)
    assert f"receives **{cash(received)}** in {len(got)} payments" in PAGE  # $1,011.75, 114
    at = gone.marks["BTC"]
    assert f"is liquidated at **{price(at)}**, at about **hour {about(gone.time)}**" in PAGE
    assert f"on day {gone.time // 24 + 1}" in PAGE  # 39: hour 919 is in the 39th day
    assert f"It loses the whole **{cash(gone.amount)}**." in PAGE  # $58,011.75
    assert cross.final.marks["BTC"] == 2 * BTC

    # The coin at the replay's prices.
    coin = COIN.collateral_value({"BTC": at})
    assert f"At {price(at)} the coin counts **{cash(coin)}**" in PAGE  # $111,553.40
    assert f"the short has lost **{cash(at - BTC)}**" in PAGE  # $57,424.63
    assert f"the account holds **{cash(held(at))}** before the funding" in PAGE  # $54,128.77
    top = 2 * BTC
    assert f"At 120,000 it holds **{cash(held(top))}**" in PAGE  # $54,000
    ratio = evaluate(on_coin(top), {"BTC": top}).positions[0].margin_ratio
    assert f"a margin ratio of **{one_place(ratio)}**." in PAGE  # 1.1%
    assert "(/simulator/replay/?path=s5-rally)" in PAGE
    coin_end = on_the_coin("s5-rally").final.equity
    assert coin_end - held(top) == received_on_the_coin("s5-rally") > 0
    assert f"The replay on the coin ends with **{cash(coin_end)}**: those" in PAGE  # $55,083
    assert "(/simulator/replay/?path=s5-rally&account=s5-short-on-coin)" in PAGE


@pytest.mark.django_db
def test_the_replay_of_black_thursday():
    isolated, cross = replayed("s5-black-thursday")
    assert liquidations(isolated) == liquidations(cross) == []
    assert payments(isolated) == payments(cross) == []
    assert "No funding is paid in this replay" in PAGE
    first_hour = next(m.marks["BTC"] for m in isolated.moments if m.time == 1)
    assert abs(first_hour / BTC - Decimal(5_690) / 7_300) < Decimal("1e-6")  # to 0.0001%
    assert f"to **{price(first_hour)}** in the first hour" in PAGE  # 46,767.12
    end = isolated.final
    assert end.time == Decimal("16.25") and "sixteen and a quarter hours" in PAGE
    assert f"and to **{price(end.marks['BTC'])}** sixteen" in PAGE  # 32,054.82
    gain = end.account.positions[0].unrealized_pnl(end.marks["BTC"])
    assert f"It gains **{cash(gain)}**" in PAGE  # $27,945.18
    assert isolated.final.equity == cross.final.equity
    assert f"the account ends with **{cash(end.equity)}**." in PAGE  # $84,945.18
    assert f"The replay's {cash(end.equity)} is not what the venue would show" in PAGE

    at = end.marks["BTC"]
    assert f"at {price(at)} the coin counts **{cash(COIN.collateral_value({'BTC': at}))}**" in PAGE
    assert f"and the account holds **{cash(held(at))}**, a margin ratio" in PAGE  # $58,397.26
    ratio = evaluate(on_coin(at), {"BTC": at}).positions[0].margin_ratio
    assert f"a margin ratio of **{number(ratio * 100, 2)}%**" in PAGE  # 0.27%
    assert f"the coin, worth **{cash(at)}**, and the short's gain of {cash(gain)}" in PAGE
    assert f"**{cash(at + gain)}**, the value you set out to keep" in PAGE  # $60,000
    assert "(/simulator/replay/?path=s5-black-thursday)" in PAGE
    coin_end = on_the_coin("s5-black-thursday").final.equity
    assert coin_end == held(at)
    assert f"The replay on the coin ends with the same **{cash(coin_end)}**." in PAGE
    assert "(/simulator/replay/?path=s5-black-thursday&account=s5-short-on-coin)" in PAGE


def on_the_coin(slug: str):
    """The path replayed on the coin itself (the preset's wallet of 1 BTC): the replay's
    cross account on the wallet, beside the same value in USDT."""
    forms = ReplayForms(QueryDict(urlencode({"path": slug, "account": "s5-short-on-coin"})))
    assert forms.outcome is not None and forms.outcome.wallet is not None, forms.errors
    return forms.outcome.modes[1].result  # the cross account on the wallet


def received_on_the_coin(slug: str) -> Decimal:
    return -sum(event.amount for event in payments(on_the_coin(slug)))


def test_what_can_go_wrong():
    haircut = COIN.holdings({"BTC": 2 * BTC})[0].haircut
    assert f"at 120,000 Binance's 5% haircut is **{cash(haircut)}**" in PAGE  # $6,000
    gets = -funding_payment(short(), rate=Decimal("0.0001"), price=BTC)
    pays = funding_payment(short(), rate=Decimal("-0.0001"), price=BTC)
    assert gets == pays
    assert f"At +0.01% the short receives **${gets:.2f}** a payment at 60,000" in PAGE
    assert "at \u22120.01% it pays as much" in PAGE


def test_where_the_venues_differ_is_the_engines_table():
    rates = {asset: rule.tiers[0].ratio for asset, rule in BINANCE_MULTI_ASSETS.rules.items()}
    assert all(rates[a] == Decimal("0.95") for a in ("BTC", "ETH", "BNB"))
    assert all(rates[a] == Decimal("0.90") for a in ("XRP", "ADA", "DOT", "SOL"))
    assert rates["USDT"] == rates["USDC"] == Decimal("0.9999")
    assert "BTC, ETH and BNB at 95%; XRP, ADA, DOT and SOL at 90%; USDT and USDC at 99.99%" in PAGE
    assert BINANCE_MULTI_ASSETS.as_of == "2021-05-28" and "(its table of 28 May 2021)" in PAGE
    floors = [tier.floor for tier in BYBIT_UTA.rules["BTC"].tiers]
    assert floors == [0, 10, 20, 30, 40, 50]
    assert "BTC at 98% up to 10 BTC, 95% to 20, 90% to 30, 85% to 40, 80% to 50" in PAGE
    assert "Bybit's live ratios were not in our sources" in PAGE
