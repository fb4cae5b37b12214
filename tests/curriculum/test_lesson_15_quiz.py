"""Lesson 15's numeric questions: each computation's answer and mistakes agree with the
engine for hand-picked figures, worked out here another way; the quiz file loads and
every drawn question reads and grades."""

from decimal import ROUND_HALF_UP, Decimal

import pytest

from quiz.computations import COMPUTATIONS, Unusable
from quiz.models import Quiz
from tests.curriculum.quiz_checks import check_drawn_questions

SLUG = "liquidation-cascades"
MAINTENANCE = Decimal("0.005")


def solve(key: str, **figures):
    return COMPUTATIONS[key].solve({name: str(value) for name, value in figures.items()})


def by_hand(entry, leverage) -> tuple[Decimal, Decimal]:
    """An isolated long's liquidation and bankruptcy prices on a flat rate, from lesson 3's
    formula: entry x (1 - 1/leverage) / (1 - rate), and entry x (1 - 1/leverage)."""
    bankrupt = Decimal(entry) * (1 - Decimal(1) / leverage)
    return bankrupt / (1 - MAINTENANCE), bankrupt


def two_places(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def close(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) < Decimal("1e-9")


@pytest.mark.parametrize(("entry", "leverage"), [(7_300, 10), (5_800, 50), (60_000, 20)])
def test_liquidation_distance(entry, leverage):
    result = solve("l15_liquidation_distance", entry=entry, leverage=leverage)
    liquidation, _ = by_hand(entry, leverage)
    assert result.answer == two_places((entry - liquidation) / entry * 100)
    assert close(result.mistakes["bankruptcy"], Decimal(100) / leverage)
    assert close(result.mistakes["maintenance_added"], Decimal(100) / leverage + 1 / Decimal(2))
    assert close(result.working["liquidation_price"], liquidation)


def test_the_distance_does_not_depend_on_the_entry():
    at_7300 = solve("l15_liquidation_distance", entry=7_300, leverage=20).answer
    assert at_7300 == solve("l15_liquidation_distance", entry=60_000, leverage=20).answer
    assert at_7300 == Decimal("4.52")  # the lesson's 4.52%


@pytest.mark.parametrize("leverage", [5, 10, 20, 50])
def test_first_wave_minutes(leverage):
    result = solve("l15_first_wave_minutes", leverage=leverage)
    liquidation, bankrupt = by_hand(7_300, leverage)
    # A straight line from 7,300 to 5,690 in 60 minutes reaches a price p after
    # 60 x (7,300 - p) / 1,610 minutes.
    exact = 60 * (7_300 - liquidation) / 1_610
    assert result.answer == two_places(exact)
    assert close(result.mistakes["bankruptcy"], 60 * (7_300 - bankrupt) / 1_610)
    assert close(result.mistakes["from_low"], 60 - exact)


def test_the_lessons_ten_x_long_goes_at_10_26():
    assert round(solve("l15_first_wave_minutes", leverage=10).answer) == 26


def test_a_long_that_survives_the_first_wave_makes_no_question():
    with pytest.raises(Unusable):
        solve("l15_first_wave_minutes", leverage=3)  # its liquidation price is 4,891.12


@pytest.mark.parametrize(
    ("size", "leverage", "fund"), [(10_000, 10, 1_000), (50_000, 25, 900), (20_000, 50, 300)]
)
def test_adl_remainder(size, leverage, fund):
    result = solve("l15_adl_remainder", size=size, leverage=leverage, fund=fund)
    quantity = Decimal(size) / 7_300
    margin = Decimal(size) / leverage
    loss = quantity * (7_300 - 5_690)
    shortfall = loss - margin
    assert result.answer == (shortfall - fund).quantize(Decimal("0.01"))
    assert close(result.mistakes["no_fund"], shortfall)
    assert close(result.mistakes["whole_loss"], loss - fund)
    liquidation, _ = by_hand(7_300, leverage)
    assert close(result.mistakes["from_liquidation"], quantity * (liquidation - 5_690) - fund)


def test_the_lessons_adl_figure():
    assert solve("l15_adl_remainder", size=10_000, leverage=10, fund=1_000).answer == Decimal(
        "205.48"
    )


def test_a_fund_that_pays_it_all_makes_no_question():
    with pytest.raises(Unusable):
        solve("l15_adl_remainder", size=10_000, leverage=10, fund=1_500)


@pytest.mark.django_db
def test_the_quiz_loads_with_nine_questions_three_numeric():
    quiz = Quiz.objects.get(slug=SLUG)
    assert quiz.lesson.slug == SLUG and quiz.lesson.number == 15
    assert quiz.lesson.level.slug == "advanced"
    kinds = list(quiz.questions.order_by("position").values_list("kind", flat=True))
    assert len(kinds) == 9
    assert kinds.count("numeric") == 3


@pytest.mark.django_db
def test_drawn_questions_read_and_recognise_their_mistakes():
    check_drawn_questions(SLUG)
