"""Numeric questions: computations on the margin engine, figures drawn per attempt,
figures and working values shown as a learner reads them, feedback from the quiz file."""

from decimal import Decimal

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from core.content import parse_yaml
from quiz import numeric
from quiz.computations import COMPUTATIONS, Unusable
from quiz.content import stored_figures
from quiz.grading import grade_numeric
from quiz.models import AttemptQuestion, Question
from quiz.numeric import FigureSpecError, Tolerance, draw_figures

QUIZ_FILE = settings.CONTENT_DIR / "beginner" / "04-isolated-vs-cross-margin.quiz.yaml"
NUMERIC = [q for q in parse_yaml(QUIZ_FILE.read_text())["questions"] if q["kind"] == "numeric"]
SPECS = {q["computation"]: stored_figures(q["figures"]) for q in NUMERIC}
MISTAKES = {q["computation"]: set(q["mistakes"]) for q in NUMERIC}

# The lesson's practical example: $5,000; A long BTC $1,000 at 10x; B long ETH $500 at 5x.
LESSON_EXAMPLE = {
    "balance": "5000",
    "margin_a": "1000",
    "leverage_a": "10",
    "margin_b": "500",
    "leverage_b": "5",
    "move": "12",
}


def solve(key: str, figures: dict):
    return COMPUTATIONS[key].solve(figures)


def attempt_item(margin_quiz, key: str, figures: dict) -> AttemptQuestion:
    """The shipped question on `key`, asked with these figures."""
    question = margin_quiz.questions.get(computation=key)
    return AttemptQuestion(question=question, number=1, seed=0, figures=figures)


def test_the_lesson_example_gives_the_lesson_figures():
    result = solve("account_after_isolated_liquidation", LESSON_EXAMPLE)
    assert result.answer == 4000
    assert result.mistakes == {
        "cross_equity": 3800,  # the same trades in cross mode
        "free_balance_only": 3500,
        "nothing_lost": 5000,
        "lost_size": -5000,
    }
    computation = COMPUTATIONS["account_after_isolated_liquidation"]
    shown = numeric.shown(computation.working, result.working)
    assert shown["liquidation_price"] == "54,271"
    assert shown["liquidation_distance"] == "9.5%"
    assert shown["free_balance"] == "$3,500"
    assert shown["loss_a"] == "$1,200"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "key", "words"),
    [
        ("3800", "cross_equity", "absorbs A's $1,200 loss"),
        ("3500", "free_balance_only", "its $500 of margin is still yours"),
        ("5000", "nothing_lost", "A's $1,000 of margin is gone"),
        ("-5000", "lost_size", "A's whole position size ($10,000)"),
    ],
)
def test_wrong_answers_that_match_a_common_mistake_get_its_feedback_filled_in(
    margin_quiz, typed, key, words
):
    entry = attempt_item(margin_quiz, "account_after_isolated_liquidation", LESSON_EXAMPLE)
    grade = grade_numeric(
        value=Decimal(typed),
        answer=entry.solution.answer,
        mistakes=entry.mistakes,
        tolerance=Tolerance(),
    )
    assert not grade.is_correct
    assert grade.mistake == key
    feedback = entry.mistake_feedback(key)
    assert words in feedback
    assert "{" not in feedback


@pytest.mark.django_db
def test_a_fall_between_the_liquidation_price_and_the_margin_names_the_maintenance_margin(
    margin_quiz,
):
    # 9.7% is past the 9.5% liquidation distance but short of 10% (the whole margin).
    figures = {**LESSON_EXAMPLE, "move": "9.7"}
    entry = attempt_item(margin_quiz, "account_after_isolated_liquidation", figures)
    assert entry.solution.answer == 4000
    assert "cross_equity" not in entry.mistakes
    survived = entry.mistakes["ignored_maintenance"]
    assert survived == 5000 - 970
    grade = grade_numeric(
        value=survived, answer=entry.solution.answer, mistakes=entry.mistakes, tolerance=Tolerance()
    )
    assert grade.mistake == "ignored_maintenance"
    feedback = entry.mistake_feedback(grade.mistake)
    assert "ignores the maintenance margin" in feedback
    assert "at about 54,271, so the 9.7% fall liquidates it" in feedback


def test_a_move_that_liquidates_nothing_is_not_a_question():
    with pytest.raises(Unusable):
        solve("account_after_isolated_liquidation", {**LESSON_EXAMPLE, "move": "5"})


def test_initial_margin_and_its_mistakes():
    result = solve("initial_margin", {"size": "10000", "leverage": "10"})
    assert result.answer == 1000
    assert result.mistakes == {
        "size": 10000,
        "multiplied": 100000,
        "maintenance": 50,  # 0.5% of the position: "that is the maintenance margin"
    }
    assert result.working == {"leverage_number": 10}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("mode", "answer", "other_mode_loss", "key", "words"),
    [
        ("isolated", 500, 5000, "cross_loss", "In isolated mode only its $500 of margin"),
        ("cross", 5000, 500, "isolated_loss", "the loss if the position had been in isolated"),
    ],
)
def test_max_loss_depends_on_the_mode(margin_quiz, mode, answer, other_mode_loss, key, words):
    # The lesson's ETH long at 20x with $500 of margin, in a $5,000 account.
    figures = {"balance": "5000", "margin": "500", "leverage": "20", "mode": mode}
    entry = attempt_item(margin_quiz, "max_loss", figures)
    assert entry.solution.answer == answer
    assert entry.mistakes[key] == other_mode_loss
    grade = grade_numeric(
        value=Decimal(other_mode_loss),
        answer=entry.solution.answer,
        mistakes=entry.mistakes,
        tolerance=Tolerance(),
    )
    assert grade.mistake == key
    assert words in entry.mistake_feedback(key)
    # The explanation teaches both modes and says which one this was.
    assert f"This position was in {mode} mode" in entry.explanation
    assert f"costs you ${answer:,}." in entry.explanation


def test_a_cross_long_backed_by_more_than_its_size_never_liquidates_so_is_not_a_question():
    figures = {"balance": "5000", "margin": "400", "leverage": "10", "mode": "cross"}
    with pytest.raises(Unusable):
        solve("max_loss", figures)


@pytest.mark.parametrize("key", sorted(SPECS))
def test_the_same_seed_draws_the_same_figures(key):
    computation = COMPUTATIONS[key]
    first = draw_figures(computation=computation, spec=SPECS[key], seed=42)
    assert first == draw_figures(computation=computation, spec=SPECS[key], seed=42)
    drawn = {
        tuple(sorted(draw_figures(computation=computation, spec=SPECS[key], seed=s).items()))
        for s in range(30)
    }
    assert len(drawn) > 10  # and other seeds, other figures


@hypothesis_settings(max_examples=60, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**62), key=st.sampled_from(sorted(SPECS)))
def test_drawn_figures_always_make_a_question_with_mistakes_told_apart(seed, key):
    computation = COMPUTATIONS[key]
    figures = draw_figures(
        computation=computation, spec=SPECS[key], seed=seed, mistakes=MISTAKES[key]
    )
    result = computation.solve(figures)
    assert result.answer > 0
    for value in result.mistakes.values():
        assert not Tolerance().allows(value=value, target=result.answer)
    # A computation returns exactly the working values it declares, and only its mistakes.
    assert set(result.working) == computation.working_names
    assert set(result.mistakes) <= set(computation.mistakes)
    if key == "account_after_isolated_liquidation":
        # The engine agrees with the lesson's rule: an isolated liquidation costs its margin.
        assert result.answer == Decimal(figures["balance"]) - Decimal(figures["margin_a"])


def test_the_shipped_questions_recognise_every_mistake_their_computation_knows():
    for key, mistakes in MISTAKES.items():
        assert mistakes == set(COMPUTATIONS[key].mistakes), key


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
        ("initial_margin", {**MARGIN, "leverage": {"choices": ["0"]}}, "engine refuses them"),
        ("max_loss", {**SPECS["max_loss"], "mode": {"choices": ["both"]}}, '"isolated" or'),
        ("max_loss", {**SPECS["max_loss"], "mode": "cross"}, '"choices": \\[...\\]'),
    ],
)
def test_bad_figure_specs_are_refused_with_a_reason(key, spec, message):
    with pytest.raises(FigureSpecError, match=message):
        numeric.check_spec(computation=COMPUTATIONS[key], spec=spec, seeds=range(3))


def test_ranges_whose_answer_is_never_positive_say_so():
    spec = {"size": {"choices": ["0.001"]}, "leverage": {"choices": ["20"]}}
    with pytest.raises(FigureSpecError) as caught:
        numeric.check_spec(computation=COMPUTATIONS["initial_margin"], spec=spec, seeds=range(1))
    message = str(caught.value)
    assert "rarely give figures that fit the question" in message
    assert "the answer is zero or negative" in message
    assert "size $0" in message and "leverage 20x" in message


def test_ranges_where_a_recognised_mistake_is_the_answer_say_which():
    # At 1x the margin is the size itself: "size" lands on the answer.
    spec = {"size": {"min": "1000", "max": "2000", "step": "1000"}, "leverage": {"choices": ["1"]}}
    computation = COMPUTATIONS["initial_margin"]
    with pytest.raises(FigureSpecError, match="the mistake “size” lands on the answer"):
        numeric.check_spec(computation=computation, spec=spec, mistakes={"size"}, seeds=range(1))
    # A question that recognises neither it nor "multiplied" (the same at 1x) can ask it.
    numeric.check_spec(computation=computation, spec=spec, mistakes={"maintenance"}, seeds=range(3))


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
def test_money_figures(value, text):
    assert numeric.show(COMPUTATIONS["max_loss"].figures[0], Decimal(value)) == text


def test_figures_are_shown_as_a_learner_reads_them():
    computation = COMPUTATIONS["account_after_isolated_liquidation"]
    shown = numeric.shown(computation.figures, LESSON_EXAMPLE)
    assert shown == {
        "balance": "$5,000",
        "margin_a": "$1,000",
        "leverage_a": "10x",
        "margin_b": "$500",
        "leverage_b": "5x",
        "move": "12%",
    }
    assert numeric.fill("{balance} at {leverage_a}, {unknown}", shown) == "$5,000 at 10x, {unknown}"
    assert numeric.shown(computation.figures, {**LESSON_EXAMPLE, "move": "9.75"})["move"] == "9.8%"


@pytest.mark.django_db
def test_every_numeric_question_explains_with_no_placeholder_left(margin_quiz):
    for question in margin_quiz.questions.filter(kind=Question.Kind.NUMERIC):
        for seed in range(5):
            entry = AttemptQuestion(
                question=question, number=1, seed=seed, figures=question.draw_figures(seed=seed)
            )
            texts = [entry.prompt, entry.explanation]
            texts += [entry.mistake_feedback(key) for key in entry.mistakes]
            for text in texts:
                assert "{" not in text, (question.computation, text)


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("initial_margin", Decimal("1000"), "$1,000"),
        ("l3_liquidation_price", Decimal("54271.356"), "$54,271.36"),
        ("l2_margin_loss_percent", Decimal("15"), "15%"),
        ("l2_margin_loss_percent", Decimal("12.345"), "12.35%"),
    ],
)
def test_answers_are_shown_in_their_computations_format(key, value, shown):
    from quiz.numeric import show_answer

    assert show_answer(COMPUTATIONS[key], value) == shown
