"""Numeric question templates: figures, formatting, and answers from the margin engine."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz import numeric
from quiz.content.margin import QUESTIONS
from quiz.grading import grade_numeric
from quiz.numeric import COMPUTATIONS, FigureSpecError, Tolerance, draw_figures, solve

SPECS = {q["computation"]: q["figures"] for q in QUESTIONS if q["kind"] == "numeric"}

# The lesson's practical example: $5,000; A long BTC $1,000 at 10x; B long ETH $500 at 5x.
LESSON_EXAMPLE = {
    "balance": "5000",
    "margin_a": "1000",
    "leverage_a": "10",
    "margin_b": "500",
    "leverage_b": "5",
    "move": "12",
}


def mistakes(solution) -> dict[str, Decimal]:
    return {mistake.key: mistake.value for mistake in solution.mistakes}


def test_the_lesson_example_gives_the_lesson_figures():
    solution = solve(computation_key="account_after_isolated_liquidation", figures=LESSON_EXAMPLE)
    assert solution.answer == 4000
    found = mistakes(solution)
    assert found["cross_equity"] == 3800  # the same trades in cross mode
    assert found["free_balance_only"] == 3500
    assert found["nothing_lost"] == 5000
    assert found["lost_size"] == -5000
    assert solution.working["liquidation_price"] == "54,271"
    assert solution.working["liquidation_distance"] == "9.5%"
    assert solution.working["free_balance"] == "$3,500"


@pytest.mark.parametrize(
    ("typed", "key", "words"),
    [
        ("3800", "cross_equity", "in cross mode"),
        ("3500", "free_balance_only", "free balance only"),
        ("5000", "nothing_lost", "leaves out the liquidation"),
    ],
)
def test_wrong_answers_that_match_a_common_mistake_name_it(typed, key, words):
    solution = solve(computation_key="account_after_isolated_liquidation", figures=LESSON_EXAMPLE)
    grade = grade_numeric(value=Decimal(typed), solution=solution, tolerance=Tolerance())
    assert not grade.is_correct
    assert grade.mistake.key == key
    assert words in grade.mistake.feedback


def test_a_fall_between_the_liquidation_price_and_the_margin_names_the_maintenance_margin():
    # 9.7% is past the 9.5% liquidation distance but short of 10% (the whole margin).
    figures = {**LESSON_EXAMPLE, "move": "9.7"}
    solution = solve(computation_key="account_after_isolated_liquidation", figures=figures)
    assert solution.answer == 4000
    survived = mistakes(solution)["cross_equity"]
    assert survived == 5000 - 970
    grade = grade_numeric(value=survived, solution=solution, tolerance=Tolerance())
    assert "ignores the maintenance margin" in grade.mistake.feedback


def test_a_move_that_liquidates_nothing_is_not_a_question():
    with pytest.raises(numeric.Unusable):
        solve(
            computation_key="account_after_isolated_liquidation",
            figures={**LESSON_EXAMPLE, "move": "5"},
        )


def test_initial_margin_and_its_mistakes():
    solution = solve(computation_key="initial_margin", figures={"size": "10000", "leverage": "10"})
    assert solution.answer == 1000
    assert mistakes(solution) == {
        "size": 10000,
        "multiplied": 100000,
        "maintenance": 50,  # 0.5% of the position: "that is the maintenance margin"
    }
    grade = grade_numeric(value=Decimal(50), solution=solution, tolerance=Tolerance())
    assert "maintenance margin" in grade.mistake.feedback


@pytest.mark.parametrize(
    ("mode", "answer", "other_mode_loss", "key", "words"),
    [
        ("isolated", 500, 5000, "cross_loss", "the loss if the position had been in cross mode"),
        ("cross", 5000, 500, "isolated_loss", "the loss if the position had been in isolated"),
    ],
)
def test_max_loss_depends_on_the_mode(mode, answer, other_mode_loss, key, words):
    # The lesson's ETH long at 20x with $500 of margin, in a $5,000 account.
    figures = {"balance": "5000", "margin": "500", "leverage": "20", "mode": mode}
    solution = solve(computation_key="max_loss", figures=figures)
    assert solution.answer == answer
    assert mistakes(solution)[key] == other_mode_loss
    grade = grade_numeric(value=Decimal(other_mode_loss), solution=solution, tolerance=Tolerance())
    assert words in grade.mistake.feedback


def test_a_cross_long_backed_by_more_than_its_size_never_liquidates_so_is_not_a_question():
    figures = {"balance": "5000", "margin": "400", "leverage": "10", "mode": "cross"}
    with pytest.raises(numeric.Unusable):
        solve(computation_key="max_loss", figures=figures)


@pytest.mark.parametrize("key", sorted(SPECS))
def test_the_same_seed_draws_the_same_figures(key):
    computation = COMPUTATIONS[key]
    first = draw_figures(computation=computation, spec=SPECS[key], seed=42)
    assert first == draw_figures(computation=computation, spec=SPECS[key], seed=42)
    seeds = range(30)
    drawn = {
        tuple(sorted(draw_figures(computation=computation, spec=SPECS[key], seed=s).items()))
        for s in seeds
    }
    assert len(drawn) > 10  # and other seeds, other figures


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**62), key=st.sampled_from(sorted(SPECS)))
def test_drawn_figures_always_make_a_question_with_mistakes_told_apart(seed, key):
    computation = COMPUTATIONS[key]
    figures = draw_figures(computation=computation, spec=SPECS[key], seed=seed)
    solution = solve(computation_key=key, figures=figures)
    for mistake in solution.mistakes:
        assert not Tolerance().allows(value=mistake.value, target=solution.answer)
    if key == "account_after_isolated_liquidation":
        # The engine agrees with the lesson's rule: an isolated liquidation costs its margin.
        assert solution.answer == Decimal(figures["balance"]) - Decimal(figures["margin_a"])


MARGIN = SPECS["initial_margin"]


@pytest.mark.parametrize(
    ("key", "spec", "message"),
    [
        ("initial_margin", "not an object", "JSON object"),
        ("initial_margin", {"size": MARGIN["size"]}, "missing leverage"),
        ("initial_margin", {**MARGIN, "extra": {"choices": ["1"]}}, "unknown extra"),
        ("initial_margin", {**MARGIN, "size": {"min": "1", "max": "2"}}, '"min", "max" and'),
        ("initial_margin", {**MARGIN, "size": {"min": "9", "max": "2", "step": "1"}}, "min at"),
        ("initial_margin", {**MARGIN, "size": {"min": "1", "max": "2", "step": "0"}}, "positive"),
        ("initial_margin", {**MARGIN, "size": {"min": "x", "max": "2", "step": "1"}}, "a number"),
        ("initial_margin", {**MARGIN, "size": {"min": "NaN", "max": "2", "step": "1"}}, "finite"),
        ("initial_margin", {**MARGIN, "leverage": {"choices": []}}, "non-empty list"),
        ("initial_margin", {**MARGIN, "size": {"min": "1", "max": "1e9", "step": "1"}}, "step"),
        ("initial_margin", {**MARGIN, "leverage": {"choices": ["0"]}}, "rarely give figures"),
        ("max_loss", {**SPECS["max_loss"], "mode": {"choices": ["both"]}}, '"isolated" or'),
    ],
)
def test_bad_figure_specs_are_refused_with_a_reason(key, spec, message):
    with pytest.raises(FigureSpecError, match=message):
        numeric.check_spec(computation=COMPUTATIONS[key], spec=spec, seeds=range(3))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("4000", "$4,000"),
        ("4000.000000001", "$4,000"),
        ("1234.5", "$1,234.50"),
        ("-500", "\u2212$500"),
        ("0.004", "$0"),
    ],
)
def test_money(value, text):
    assert numeric.money(Decimal(value)) == text


def test_figures_are_shown_as_a_learner_reads_them():
    shown = COMPUTATIONS["account_after_isolated_liquidation"].shown(LESSON_EXAMPLE)
    assert shown == {
        "balance": "$5,000",
        "margin_a": "$1,000",
        "leverage_a": "10x",
        "margin_b": "$500",
        "leverage_b": "5x",
        "move": "12%",
    }
    assert numeric.fill("{balance} at {leverage_a}, {unknown}", shown) == "$5,000 at 10x, {unknown}"
