"""Lesson 14's quiz: its computations agree with the published rules, worked out here
another way for hand-picked figures; every figure a question can draw makes a question
whose mistakes are told apart; and a learner can take it to the end."""

from decimal import Decimal
from pathlib import Path

import pytest

from quiz.computations import COMPUTATIONS, Unusable
from quiz.models import Quiz
from tests.curriculum.quiz_checks import check_drawn_questions
from tests.curriculum.quiz_checks_7_8 import check_shape, figures_not_in_the_lesson, take_to_the_end

LESSON = (
    Path(__file__).resolve().parents[2]
    / "content/advanced/14-auto-deleveraging-and-the-insurance-fund.md"
)
SLUG = "auto-deleveraging-and-the-insurance-fund"
D = Decimal
TINY = D("1e-18")


def solve(key: str, **figures):
    return COMPUTATIONS[key].solve({name: str(value) for name, value in figures.items()})


def test_the_shortfall_question_is_lesson_9s_on_the_lessons_long():
    """Lesson 14 asks lesson 9's computation; for the lesson's 10 BTC long at 10x closed
    at 52,800 (a 12% gap) it gives the lesson's $12,000 beyond the $60,000 margin."""
    result = solve("l9_gap_shortfall", size=600_000, leverage=10, fall=12)
    assert result.answer == 12_000
    assert result.mistakes["whole_loss"] == 72_000 and result.mistakes["margin"] == 60_000


def test_what_adl_takes_after_the_fund():
    # The lesson's: a $12,000 shortfall, $4,800 in the fund.
    result = solve("l14_adl_taken", size=600_000, leverage=10, fall=12, fund=4800)
    assert result.answer == pytest.approx(D(7_200), abs=TINY)
    assert result.mistakes["fund_ignored"] == pytest.approx(D(12_000), abs=TINY)
    assert result.mistakes["fund"] == 4_800
    assert result.mistakes["loss_less_fund"] == pytest.approx(D(72_000 - 4_800), abs=TINY)
    with pytest.raises(Unusable):  # a fund that covers it all leaves ADL nothing to do
        solve("l14_adl_taken", size=120_000, leverage=10, fall=12, fund=4800)


@pytest.mark.parametrize(("leverage", "fall"), [(20, 12), (5, 12), (10, 20)])
def test_the_adl_score_is_bitmexs_formula(leverage, fall):
    """BitMEX: Ranking = PNL% x EffectiveLeverage, EffectiveLeverage = |markValue| /
    (markValue - bankruptValue); for 1 BTC short from 60,000 with margin 60,000/L."""
    mark = 60000 * (1 - D(fall) / 100)
    margin = D(60000) / leverage
    pnl = 60000 - mark
    effective = mark / (margin + pnl)
    result = solve("l14_adl_score", leverage=leverage, fall=fall)
    assert result.answer == pytest.approx(pnl / 60000 * effective, abs=TINY)
    assert result.mistakes["entry_leverage"] == pytest.approx(pnl / 60000 * leverage, abs=TINY)
    assert result.mistakes["divided"] == pytest.approx(pnl / 60000 / effective, abs=TINY)
    assert result.mistakes["profit_on_margin"] == pytest.approx(pnl / margin * effective, abs=TINY)
    if (leverage, fall) == (20, 12):
        assert f"{result.answer:.4f}" == "0.6212"  # the lesson's 20x short


def test_what_closing_at_the_bankruptcy_price_costs():
    # The lesson's short B: 5 BTC from 56,000, closed at 54,000 with the mark at 52,800.
    result = solve("l14_adl_cost", quantity=5, entry=56000, bankruptcy=54000, mark=52800)
    assert result.answer == 6_000
    assert result.mistakes == {"whole_profit": 16_000, "profit_kept": 10_000, "per_btc": 1_200}


@pytest.fixture
def quiz(db) -> Quiz:
    return Quiz.objects.get(slug=SLUG)


def test_the_quiz_has_the_shape_the_issue_asks(quiz):
    check_shape(quiz, LESSON)
    assert quiz.lesson.slug == SLUG
    assert quiz.questions.exclude(computation="").count() == 4
    assert quiz.questions.filter(computation="l9_gap_shortfall").count() == 1


def test_drawn_questions_read_and_recognise_their_mistakes(quiz):
    check_drawn_questions(SLUG)


def test_a_learner_takes_it_to_the_end(client, quiz):
    results = take_to_the_end(client, quiz)
    total = quiz.questions.count()
    assert f"{total} out of {total} (100%)" in results


def test_the_quiz_prints_the_lessons_figures(quiz):
    assert figures_not_in_the_lesson(quiz, LESSON) == set()
