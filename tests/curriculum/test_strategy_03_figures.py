"""Strategy 3, "Scaling into a position": every figure it prints is the engine's,
recomputed here, formatted as the page writes it and looked up in its text; the two
replays are the replay view's own.

Each state after a buy is computed two ways, which must agree: one position at the
quantity-weighted average entry with the margin of all the buys (as an exchange keeps
it), and one position per buy, all cross."""

from decimal import Decimal

import pytest

from core.numbers import number, price
from simulator.engine import (
    Account,
    Mode,
    Position,
    evaluate,
    liquidation_price,
    liquidation_prices,
    trading_fee,
)
from simulator.engine.venues import get_venue
from tests.curriculum.strategy_checks import about, cash, liquidations, one_place, page, replayed

PAGE = page("03-scaling-in.md")
BALANCE = Decimal(5_000)
LEVERAGE = 10
DOWN = [(Decimal("0.1"), Decimal(60_000)), (Decimal("0.1"), Decimal(57_000)),
        (Decimal("0.2"), Decimal(54_000))]  # fmt: skip
UP = [(Decimal("0.1"), Decimal(60_000)), (Decimal("0.1"), Decimal(63_000)),
      (Decimal("0.1"), Decimal(66_000))]  # fmt: skip


def buy(quantity: Decimal, at: Decimal, mode: Mode) -> Position:
    return Position("BTC", "long", quantity, at, LEVERAGE, mode=mode)


def combined(buys, mode: Mode = Mode.ISOLATED, balance: Decimal = BALANCE) -> Account:
    """One position at the average entry (total cost / total quantity) with every buy's margin."""
    quantity = sum(q for q, _ in buys)
    entry = sum(q * p for q, p in buys) / quantity
    margin = sum(buy(q, p, mode).initial_margin for q, p in buys)
    return Account(balance, [Position("BTC", "long", quantity, entry, LEVERAGE, mode, margin)])


def separate(buys, balance: Decimal = BALANCE) -> Account:
    """One cross position per buy."""
    return Account(balance, [buy(q, p, Mode.CROSS) for q, p in buys])


def row(after: int) -> tuple[Decimal, Decimal, Decimal, Decimal, Decimal]:
    """After `after` buys: quantity, average entry, margin, isolated and cross prices."""
    buys = DOWN[:after]
    position = combined(buys).positions[0]
    isolated = liquidation_price(combined(buys), 0)
    cross = liquidation_price(combined(buys, Mode.CROSS), 0)
    return position.quantity, position.entry_price, position.isolated_margin, isolated, cross


def test_the_three_buys():
    for (quantity, at), worth, margin in zip(
        DOWN, ("$6,000", "$5,700", "$10,800"), ("$600", "$570", "$1,080"), strict=True
    ):
        position = buy(quantity, at, Mode.ISOLATED)
        assert cash(position.notional) == worth and cash(position.initial_margin) == margin
        assert f"**{quantity} BTC at {number(at, 0)}**, worth {worth}, with {margin} of margin" in (
            PAGE
        )
    assert "futures account of **$5,000**" in PAGE


def test_the_average_entry_is_weighted_by_quantity():
    quantity, entry, *_ = row(3)
    costs = [q * p for q, p in DOWN]
    text = " + ".join(number(c, 0) for c in costs)
    quantities = " + ".join(str(q) for q, _ in DOWN)
    total = sum(costs)
    worked = f"({text}) ÷ ({quantities}) = {number(total, 0)} ÷ {quantity}"
    assert f"{worked} = **{number(entry, 0)}**" in PAGE  # 56,250
    plain = sum(p for _, p in DOWN) / 3
    assert f"the plain average of the three prices, {number(plain, 0)}" in PAGE  # 57,000
    assert entry < plain
    # Break-even at the average entry, not at the first buy's price.
    assert evaluate(combined(DOWN), {"BTC": entry}).total_unrealized_pnl == 0
    assert f"only to {number(entry, 0)}, not to 60,000" in PAGE
    # The loss per $1,000 fall, after the third buy and after the first.
    per_thousand = -combined(DOWN).positions[0].unrealized_pnl(entry - 1_000)
    first = -combined(DOWN[:1]).positions[0].unrealized_pnl(Decimal(59_000))
    assert f"every $1,000 that BTC falls now costs you **{cash(per_thousand)}**" in PAGE  # $400
    assert per_thousand == 4 * first and "four times what it cost after the first buy" in PAGE
    assert f"every $1,000 fall costs {cash(per_thousand)}" in PAGE


@pytest.mark.parametrize("after", [1, 2, 3])
def test_the_table_row_after_each_buy(after):
    quantity, entry, margin, isolated, cross = row(after)
    bought_at = DOWN[after - 1][1]
    cells = (
        f"<td>{quantity} BTC</td><td>{number(entry, 0)}</td><td>{cash(margin)}</td>"
        f"<td>{price(isolated)} ({one_place((bought_at - isolated) / bought_at)} away)</td>"
        f"<td>{price(cross)} ({one_place((bought_at - cross) / bought_at)} away)</td>"
    )
    assert f'<th scope="row">{after}, at {number(bought_at, 0)}</th>{cells}' in PAGE


@pytest.mark.parametrize("after", [1, 2, 3])
def test_three_positions_or_one_give_the_same_price(after):
    buys = DOWN[:after]
    *_, isolated, cross = row(after)
    # Per buy, all cross: one symbol, one mark, one price, the single position's.
    assert set(liquidation_prices(separate(buys))) == {cross}
    # In an account holding only the summed margin, cross is the isolated price.
    margin = combined(buys).positions[0].isolated_margin
    assert set(liquidation_prices(separate(buys, balance=margin))) == {isolated}


def test_how_the_two_modes_move():
    first, third = row(1), row(3)
    assert f"from {price(first[3])} to {price(third[3])}" in PAGE  # isolated falls
    assert f"from {price(first[4])} to {price(third[4])}" in PAGE  # cross climbs
    assert third[3] < first[3] and third[4] > first[4]
    near = [one_place((DOWN[n][1] - row(n + 1)[3]) / DOWN[n][1]) for n in (0, 2)]
    assert f"from {near[0]} to {near[1]}" in PAGE  # 9.5% to 5.8%
    far = [one_place((DOWN[n][1] - row(n + 1)[4]) / DOWN[n][1]) for n in (0, 2)]
    assert f"from {far[0]} away to {far[1]} away" in PAGE  # 83.2% to 18.6%
    # The first buy on its own $600 would have gone before the third buy.
    alone = liquidation_price(Account(BALANCE, [buy(*DOWN[0], Mode.ISOLATED)]), 0)
    assert alone > DOWN[2][1]
    assert f"it would have been liquidated at {price(alone)}, before your third buy" in PAGE
    tight = liquidation_prices(separate(DOWN, balance=third[2]))[0]
    assert f"the cross price is the isolated one, {price(tight)}" in PAGE
    assert f"holding only the {cash(third[2])} of margin" in PAGE  # $2,250


def test_the_simulator_starts_at_the_third_buy():
    quantity, entry, margin, _, _ = row(3)
    assert f"{quantity} BTC at {number(entry, 0)} with {cash(margin)} of margin" in PAGE
    assert entry * Decimal("0.96") == DOWN[2][1] and "is −4%" in PAGE
    assert "control=move:BTC" in PAGE and "value=-4 " in PAGE


@pytest.mark.django_db
def test_the_replay_of_a_dip_that_recovers():
    isolated, cross = replayed("s3-dip")
    *_, at_isolated, at_cross = row(3)
    (lost,) = liquidations(isolated)
    assert lost.marks["BTC"] == at_isolated and not lost.gap
    assert f"the position is liquidated at **{price(at_isolated)}**" in PAGE
    assert f"at about **hour {about(lost.time)}**" in PAGE  # 16
    assert f"you lose its **{cash(lost.amount)}**" in PAGE  # $2,250
    assert f"the account ends with **{cash(isolated.final.equity)}**" in PAGE  # $2,750
    assert liquidations(cross) == []
    assert cross.final.marks["BTC"] == 56_000
    assert f"the account ends with **{cash(cross.final.equity)}**" in PAGE  # $4,900
    assert f"only {cash(BALANCE - cross.final.equity)} below where it started" in PAGE  # $100
    low = min(moment.marks["BTC"] for moment in cross.moments)
    assert low == 46_000
    assert f"the liquidation price was only about **{about(low - at_cross)}** away" in PAGE
    assert "(/simulator/replay/?path=s3-dip)" in PAGE


@pytest.mark.django_db
def test_the_replay_of_a_fall_that_goes_on():
    isolated, cross = replayed("s3-keep-falling")
    *_, at_isolated, at_cross = row(3)
    (lost,) = liquidations(isolated)
    assert lost.marks["BTC"] == at_isolated
    hour = about(lost.time)  # 11
    assert f"liquidated at **{price(at_isolated)}** again, at about **hour {hour}**" in PAGE
    assert f"You lose {cash(lost.amount)} and keep **{cash(isolated.final.equity)}**" in PAGE
    (gone,) = liquidations(cross)
    assert gone.marks["BTC"] == at_cross and not gone.gap
    assert f"the position is liquidated at **{price(at_cross)}**" in PAGE  # 43,969.85
    assert f"at about **hour {about(gone.time)}**" in PAGE  # 36
    assert f"you lose the whole **{cash(gone.amount)}**" in PAGE  # $5,000
    assert "(/simulator/replay/?path=s3-keep-falling)" in PAGE


def test_scaling_in_as_the_price_rises():
    entry = combined(UP).positions[0].entry_price
    assert f"The average entry rises to **{number(entry, 0)}**" in PAGE  # 63,000
    isolated = liquidation_price(combined(UP), 0)
    cross = liquidation_price(combined(UP, Mode.CROSS), 0)
    assert set(liquidation_prices(separate(UP))) == {cross}
    first = liquidation_price(combined(UP[:1]), 0)
    first_cross = liquidation_price(combined(UP[:1], Mode.CROSS), 0)
    assert f"from {price(first)} to **{price(isolated)}**" in PAGE  # 56,984.92
    assert f"from {price(first_cross)} to **{price(cross)}**" in PAGE  # 46,566.16
    pullback = evaluate(combined(UP), {"BTC": Decimal(60_000)}).total_unrealized_pnl
    assert f"would leave the position **{cash(-pullback)}** down" in PAGE  # $900


def test_fees_on_every_buy():
    rate = get_venue("binance").taker_fee
    assert f"taker rate of {(rate * 100).normalize()}%" in PAGE  # 0.05%
    fees = [trading_fee(q * p, rate) for q, p in DOWN]
    assert "the three buys cost **$3**, **$2.85** and **$5.40**" in PAGE
    assert [cash(fee) for fee in fees] == ["$3", "$2.85", "$5.40"]
    assert f"**{cash(sum(fees))}** in all" in PAGE  # $11.25
