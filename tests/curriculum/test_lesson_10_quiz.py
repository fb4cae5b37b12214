"""Lesson 10's numeric questions: each computation's answer and mistakes agree with the
engine for hand-picked figures, worked out here another way; the quiz file loads and
every drawn question reads and grades."""

from decimal import Decimal

import pytest

from quiz.computations import COMPUTATIONS, Unusable
from quiz.models import Quiz
from simulator.engine import Account, Mode, Position, evaluate, liquidation_price
from tests.curriculum.quiz_checks import check_drawn_questions

BTC, ETH = Decimal(60_000), Decimal(3_000)
SLUG = "hedging-in-cross-margin"


def cents(value) -> Decimal:
    """Two results computed different ways agree to far below a cent."""
    return Decimal(value).quantize(Decimal("0.01"))


def solve(key: str, **figures):
    return COMPUTATIONS[key].solve({name: str(value) for name, value in figures.items()})


def btc_eth(balance, size, leverage, mode=Mode.CROSS) -> Account:
    return Account(
        Decimal(balance),
        [
            Position.from_notional("BTCUSDT", "long", size, BTC, leverage, mode=mode),
            Position.from_notional("ETHUSDT", "short", size, ETH, leverage, mode=mode),
        ],
    )


@pytest.mark.parametrize(
    ("btc_fall", "eth_move", "equity", "isolated"),
    [
        # BTC -12%: the 10x long is past its liquidation price in isolated mode.
        (12, -8, 4_600, 4_800),
        (4, 8, 3_800, None),
        (12, -4, 4_200, 4_400),
    ],
)
def test_hedged_equity(btc_fall, eth_move, equity, isolated):
    result = solve(
        "l10_hedged_equity",
        balance=5_000,
        size=10_000,
        leverage=10,
        btc_fall=btc_fall,
        eth_move=eth_move,
    )
    # Balance + the long's PnL (size x -fall) + the short's PnL (size x -move).
    assert result.answer == 5_000 - 100 * btc_fall - 100 * eth_move
    assert result.answer == equity
    marks = {
        "BTCUSDT": BTC * (1 - Decimal(btc_fall) / 100),
        "ETHUSDT": ETH * (1 + Decimal(eth_move) / 100),
    }
    assert cents(evaluate(btc_eth(5_000, 10_000, 10), marks).equity) == equity
    long_pnl, short_pnl = -100 * btc_fall, -100 * eth_move
    assert cents(result.mistakes["long_only"]) == 5_000 + long_pnl
    assert cents(result.mistakes["short_as_long"]) == 5_000 + long_pnl - short_pnl
    assert cents(result.mistakes["pnl_only"]) == long_pnl + short_pnl
    found = result.mistakes.get("isolated_equity")
    assert (found if found is None else cents(found)) == isolated


@pytest.mark.parametrize(
    ("size", "leverage", "fall", "answer", "mistakes"),
    [
        (10_000, 10, 12, 1_000, {"whole_move": 1_200, "netted": 0}),
        (10_000, 10, 5, 500, {"whole_margin": 1_000, "netted": 0}),
        (20_000, 5, 15, 3_000, {"whole_margin": 4_000, "netted": 0}),
        (20_000, 20, 8, 1_000, {"whole_move": 1_600, "netted": 0}),
    ],
)
def test_isolated_losing_leg(size, leverage, fall, answer, mistakes):
    result = solve("l10_isolated_losing_leg", size=size, leverage=leverage, fall=fall)
    assert result.answer == answer
    assert {key: cents(value) for key, value in result.mistakes.items()} == mistakes
    long = Position.from_notional("BTCUSDT", "long", size, BTC, leverage)
    alone = Account(long.isolated_margin, [long])
    after = evaluate(alone, {"BTCUSDT": BTC * (1 - Decimal(fall) / 100)})
    # The short beside it changes nothing: the long's loss is the same alone.
    lost = after.total_lost if after.liquidated else -after.total_unrealized_pnl
    assert cents(lost) == answer


@pytest.mark.parametrize(
    ("balance", "size", "leverage", "eth_rise"),
    [(5_000, 10_000, 10, 10), (8_000, 15_000, 5, 20), (3_000, 5_000, 10, 5)],
)
def test_imperfect_hedge_liquidation(balance, size, leverage, eth_rise):
    result = solve(
        "l10_imperfect_hedge_liquidation",
        balance=balance,
        size=size,
        leverage=leverage,
        eth_rise=eth_rise,
    )
    account = btc_eth(balance, size, leverage)
    eth = ETH * (1 + Decimal(eth_rise) / 100)
    # At the answer the cross pot is down to the two legs' maintenance margin.
    at = evaluate(account, {"BTCUSDT": result.answer, "ETHUSDT": eth})
    assert abs(at.cross_equity - at.cross_maintenance_margin) < Decimal("0.01")
    above = evaluate(account, {"BTCUSDT": result.answer + 1, "ETHUSDT": eth})
    assert not above.cross_liquidated
    assert result.mistakes["eth_ignored"] == liquidation_price(account, 0)
    # Where the pot is used up: cross equity 0.
    used_up = evaluate(account, {"BTCUSDT": result.mistakes["no_maintenance"], "ETHUSDT": eth})
    assert abs(used_up.cross_equity) < Decimal("0.000001")
    isolated = btc_eth(balance, size, leverage, Mode.ISOLATED)
    assert result.mistakes["isolated"] == liquidation_price(isolated, 0)


def test_the_lessons_imperfect_hedge():
    result = solve(
        "l10_imperfect_hedge_liquidation", balance=5_000, size=10_000, leverage=10, eth_rise=10
    )
    assert result.answer == Decimal("36512.56")


def test_an_eth_rise_that_liquidates_the_account_by_itself_is_no_question():
    with pytest.raises(Unusable):
        solve(
            "l10_imperfect_hedge_liquidation",
            balance=3_000,
            size=15_000,
            leverage=5,
            eth_rise=20,
        )


@pytest.mark.django_db
def test_the_quiz_loads_with_nine_questions_three_numeric():
    quiz = Quiz.objects.get(slug=SLUG)
    assert quiz.lesson.slug == SLUG and quiz.lesson.number == 10
    kinds = list(quiz.questions.order_by("position").values_list("kind", flat=True))
    assert len(kinds) == 9
    assert kinds.count("numeric") == 3


@pytest.mark.django_db
def test_drawn_questions_read_and_recognise_their_mistakes():
    check_drawn_questions(SLUG)
