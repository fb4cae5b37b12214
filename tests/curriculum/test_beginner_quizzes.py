"""The quizzes of beginner lessons 1 to 3: they load, have enough questions, link to
sections their lessons have, number their objectives by those sections, and every
figure they ask for or print is the margin engine's.

The hand-picked figures' answers below were worked out by hand with the lessons'
formulas, not by running the code; the drawn figures are then checked against the same
formulas for many seeds.
"""

import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.conf import settings

from core.content import parse_yaml, split_front_matter
from quiz.computations import COMPUTATIONS, Unusable
from quiz.content import stored_figures
from quiz.grading import grade_numeric
from quiz.models import AttemptQuestion, Question, Quiz
from quiz.numeric import Tolerance, draw_figures
from simulator.engine import (
    Account,
    Position,
    Side,
    evaluate,
    liquidation_price,
    margin_for,
)

BEGINNER = Path(settings.CONTENT_DIR) / "beginner"
LESSONS = {
    1: "01-what-is-a-perpetual-future",
    2: "02-leverage-and-margin",
    3: "03-liquidation-and-maintenance-margin",
}
SECTION_ID = re.compile(r"^## .*\{#([\w-]+)\}\s*$", re.M)
BTC = "BTCUSDT"
TIMES = "\N{MULTIPLICATION SIGN}"  # as the quizzes write it


def lesson_text(number: int) -> str:
    return (BEGINNER / f"{LESSONS[number]}.md").read_text()


def quiz_text(number: int) -> str:
    return (BEGINNER / f"{LESSONS[number]}.quiz.yaml").read_text()


def quiz_data(number: int) -> dict:
    return parse_yaml(quiz_text(number))


def quiz_words(number: int) -> str:
    """Every text of the quiz as a learner reads it, spaces collapsed."""

    def texts(value):
        if isinstance(value, dict):
            for item in value.values():
                yield from texts(item)
        elif isinstance(value, list):
            for item in value:
                yield from texts(item)
        elif isinstance(value, str):
            yield value

    return " ".join(" ".join(texts(quiz_data(number))).split())


def sections(number: int) -> list[str]:
    """The lesson's ## section ids, in order, read from its file."""
    return SECTION_ID.findall(split_front_matter(lesson_text(number))[1])


def numeric_questions(number: int) -> list[dict]:
    return [q for q in quiz_data(number)["questions"] if q["kind"] == "numeric"]


def tolerance_of(question: dict) -> Tolerance:
    given = question.get("tolerance", {})
    return Tolerance(
        percent=Decimal(str(given.get("percent", "0.5"))),
        minimum=Decimal(str(given.get("minimum", "1"))),
    )


def solve(key: str, figures: dict):
    return COMPUTATIONS[key].solve({name: str(value) for name, value in figures.items()})


# --------------------------------------------------------------------------- the files


@pytest.mark.django_db
@pytest.mark.parametrize("number", sorted(LESSONS))
def test_each_quiz_is_loaded_with_its_lesson_and_has_enough_questions(number):
    quiz = Quiz.objects.published().get(lesson__level__slug="beginner", lesson__number=number)
    questions = list(quiz.questions.prefetch_related("choices"))
    assert len(questions) >= 6
    assert sum(question.is_numeric for question in questions) >= 2
    for question in questions:
        assert question.explanation.strip()
        if question.is_numeric:
            assert question.mistakes, f"question {question.position} recognises no mistake"
        else:
            assert all(choice.feedback.strip() for choice in question.choices.all())


@pytest.mark.parametrize("number", sorted(LESSONS))
def test_the_intro_counts_the_questions_right(number):
    data = quiz_data(number)
    words = {2: "Two", 3: "Three", 4: "Four", 6: "Six", 7: "Seven", 8: "Eight", 9: "Nine"}
    numeric = len(numeric_questions(number))
    assert data["intro"].startswith(f"{words[len(data['questions'])]} questions on lesson {number}")
    assert f"{words[numeric]} questions use figures drawn just for you" in data["intro"]


@pytest.mark.parametrize("number", sorted(LESSONS))
def test_every_question_links_to_a_section_its_lesson_has(number):
    ids = set(sections(number))
    for question in quiz_data(number)["questions"]:
        assert question["section"] in ids, question["prompt"]


@pytest.mark.parametrize("number", sorted(LESSONS))
def test_objectives_are_the_lessons_sections_in_order_as_the_file_says(number):
    # Lessons 1 to 3 have no list of objectives; if one is added, renumber the quiz by it.
    assert "What you will learn" not in lesson_text(number)
    assert 'no "What you will learn" list, so the objectives are its' in quiz_text(number)
    order = sections(number)
    for question in quiz_data(number)["questions"]:
        assert question["objective"] == order.index(question["section"]) + 1, question["prompt"]


@pytest.mark.parametrize("number", sorted(LESSONS))
def test_right_choices_sit_in_different_places(number):
    places = {
        [choice["correct"] for choice in question["choices"]].index(True)
        for question in quiz_data(number)["questions"]
        if question["kind"] == "single"
    }
    assert len(places) >= 3


@pytest.mark.parametrize("number", sorted(LESSONS))
def test_numeric_questions_recognise_every_mistake_their_computation_knows(number):
    for question in numeric_questions(number):
        computation = COMPUTATIONS[question["computation"]]
        assert computation.key.startswith(f"l{number}_")
        assert set(question["mistakes"]) == set(computation.mistakes), computation.key


# --------------------------------------------------------------------------- computations

CASES = [
    # Lesson 1's example: short 0.1 BTC at 60,000, BTC falls to 59,000: +$100.
    (
        "l1_short_profit",
        {"quantity": "0.1", "entry": "60000", "exit": "59000"},
        Decimal(100),
        {"as_long": Decimal(-100), "price_move": Decimal(1000), "exit_value": Decimal(5900)},
    ),
    (
        "l1_short_profit",
        {"quantity": "0.25", "entry": "62000", "exit": "55500"},
        Decimal(1625),  # 0.25 x 6,500
        {"as_long": Decimal(-1625), "price_move": Decimal(6500), "exit_value": Decimal(13875)},
    ),
    # Lesson 1's example: $10,000 at 0.01% is $1 a payment; 2 days of 8-hour payments are 6.
    (
        "l1_funding_total",
        {"size": "10000", "rate": "0.01", "days": "2"},
        Decimal(6),
        {"one_interval": Decimal(1), "per_day": Decimal(2), "percent_ignored": Decimal(600)},
    ),
    (
        "l1_funding_total",
        {"size": "25000", "rate": "0.03", "days": "7"},
        Decimal("157.50"),  # $7.50 a payment, 21 payments
        {
            "one_interval": Decimal("7.50"),
            "per_day": Decimal("52.50"),
            "percent_ignored": Decimal(15750),
        },
    ),
    # Lesson 2's example: 0.1 BTC at 60,000 ($6,000) at 10x needs $600.
    (
        "l2_margin_for_quantity",
        {"quantity": "0.1", "price": "60000", "leverage": "10"},
        Decimal(600),
        {"notional": Decimal(6000), "multiplied": Decimal(60000)},
    ),
    (
        "l2_margin_for_quantity",
        {"quantity": "0.25", "price": "80000", "leverage": "4"},
        Decimal(5000),
        {"notional": Decimal(20000), "multiplied": Decimal(80000)},
    ),
    # Lesson 2's example the other way round: $1,000 at 10x opens $10,000.
    (
        "l2_position_size",
        {"margin": "1000", "leverage": "10"},
        Decimal(10000),
        {"divided": Decimal(100), "margin_only": Decimal(1000)},
    ),
    (
        "l2_position_size",
        {"margin": "2500", "leverage": "5"},
        Decimal(12500),
        {"divided": Decimal(500), "margin_only": Decimal(2500)},
    ),
    # Lesson 2: "A 5% fall at 10x is a loss of 50% of your margin."
    (
        "l2_margin_loss_percent",
        {"leverage": "10", "move": "5"},
        Decimal(50),
        {"move_only": Decimal(5), "divided": Decimal("0.5")},
    ),
    (
        "l2_margin_loss_percent",
        {"leverage": "20", "move": "4"},
        Decimal(80),  # $240 of $300
        {"move_only": Decimal(4), "divided": Decimal("0.2")},
    ),
    # Lesson 3's example: $6,000 x 0.5% = $30.
    (
        "l3_maintenance_margin",
        {"quantity": "0.1", "price": "60000", "leverage": "10"},
        Decimal(30),
        {"initial": Decimal(600), "rate_as_fraction": Decimal(3000), "notional": Decimal(6000)},
    ),
    (
        "l3_maintenance_margin",
        {"quantity": "0.25", "price": "70000", "leverage": "20"},
        Decimal("87.50"),  # $17,500 x 0.5%
        {"initial": Decimal(875), "rate_as_fraction": Decimal(8750), "notional": Decimal(17500)},
    ),
    # Lesson 3's example: 5,400 ÷ 0.0995; see also the next test for the exact value.
    (
        "l3_liquidation_price",
        {"quantity": "0.1", "entry": "60000", "leverage": "10"},
        Decimal(5400) / Decimal("0.0995"),
        {
            "ignored_maintenance": Decimal(54000),
            "distance": Decimal(60000) - Decimal(5400) / Decimal("0.0995"),
            "margin_from_price": Decimal(59400),
        },
    ),
    (
        "l3_liquidation_price",
        {"quantity": "0.5", "entry": "40000", "leverage": "2"},
        Decimal(10000) / Decimal("0.4975"),  # (20,000 - 10,000) ÷ (0.5 x 0.995)
        {
            "ignored_maintenance": Decimal(20000),
            "distance": Decimal(40000) - Decimal(10000) / Decimal("0.4975"),
            "margin_from_price": Decimal(30000),
        },
    ),
    # 0.1 BTC from 60,000 at 5x ($1,200 margin) falls to 57,000: $1,200 - $300.
    (
        "l3_margin_balance",
        {"leverage": "5", "price": "57000"},
        Decimal(900),
        {"margin_only": Decimal(1200), "loss_added": Decimal(1500), "loss_only": Decimal(300)},
    ),
    (
        "l3_margin_balance",
        {"leverage": "10", "price": "55000"},
        Decimal(100),  # $600 - $500, still above the $27.50 maintenance margin
        {"margin_only": Decimal(600), "loss_added": Decimal(1100), "loss_only": Decimal(500)},
    ),
]


@pytest.mark.parametrize(("key", "figures", "answer", "mistakes"), CASES)
def test_answers_and_mistakes_for_hand_picked_figures(key, figures, answer, mistakes):
    result = solve(key, figures)
    assert result.answer == answer
    assert result.mistakes == mistakes
    # Exactly the working values and mistakes the computation declares.
    assert set(result.working) == COMPUTATIONS[key].working_names
    assert list(result.mistakes) == list(COMPUTATIONS[key].mistakes)


def test_lesson_3s_liquidation_price_to_the_cent_and_its_working():
    result = solve("l3_liquidation_price", {"quantity": "0.1", "entry": "60000", "leverage": "10"})
    assert result.answer.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) == Decimal("54271.36")
    assert result.working["notional"] == 6000
    assert result.working["margin"] == 600
    assert result.working["bankruptcy_price"] == 54000
    assert result.working["fall"].quantize(Decimal("0.1")) == Decimal("9.5")


@pytest.mark.parametrize(
    ("key", "figures"),
    [
        ("l1_short_profit", {"quantity": "0.1", "entry": "60000", "exit": "61000"}),  # a rise
        ("l2_margin_loss_percent", {"leverage": "20", "move": "5"}),  # past 20x's ~4.5%
        ("l3_margin_balance", {"leverage": "10", "price": "54000"}),  # below 54,271
    ],
)
def test_figures_that_make_no_question_are_refused(key, figures):
    with pytest.raises(Unusable):
        solve(key, figures)


def test_funding_every_8_hours_is_the_default_venues():
    # The funding prompt says "every 8 hours"; the computation counts the venue's intervals.
    position = Position(BTC, Side.LONG, Decimal("0.1"), Decimal(60000), 1)
    assert Account(Decimal(6000), (position,)).rules.funding_hours == 8


def lesson_formula(key: str, figures: dict[str, str]) -> Decimal:
    """The answer by the lesson's own formula, written out here."""
    f = {name: Decimal(value) for name, value in figures.items()}
    quantity, entry = Decimal("0.1"), Decimal(60000)  # lessons 2 and 3's running example
    if key == "l1_short_profit":
        return f["quantity"] * (f["entry"] - f["exit"])
    if key == "l1_funding_total":
        return f["size"] * f["rate"] / 100 * f["days"] * 3
    if key == "l2_margin_for_quantity":
        return f["quantity"] * f["price"] / f["leverage"]
    if key == "l2_position_size":
        return f["margin"] * f["leverage"]
    if key == "l2_margin_loss_percent":
        return f["move"] * f["leverage"]
    if key == "l3_maintenance_margin":
        return f["quantity"] * f["price"] * Decimal("0.005")
    if key == "l3_liquidation_price":
        margin = f["quantity"] * f["entry"] / f["leverage"]
        return (f["quantity"] * f["entry"] - margin) / (f["quantity"] * Decimal("0.995"))
    if key == "l3_margin_balance":
        return quantity * entry / f["leverage"] + quantity * (f["price"] - entry)
    raise AssertionError(f"no formula for {key}")


SHIPPED = [
    (number, question) for number in sorted(LESSONS) for question in numeric_questions(number)
]


@pytest.mark.parametrize(
    ("number", "question"), SHIPPED, ids=[q["computation"] for _, q in SHIPPED]
)
def test_drawn_figures_agree_with_the_lessons_formulas(number, question):
    computation = COMPUTATIONS[question["computation"]]
    tolerance = tolerance_of(question)
    for seed in range(25):
        figures = draw_figures(
            computation=computation,
            spec=stored_figures(question["figures"]),
            seed=seed,
            tolerance=tolerance,
            mistakes=set(question["mistakes"]),
        )
        result = computation.solve(figures)
        expected = lesson_formula(computation.key, figures)
        assert abs(result.answer - expected) < Decimal("0.000001"), figures
        for value in result.mistakes.values():
            assert not tolerance.allows(value=value, target=result.answer)


def test_the_liquidation_price_is_where_the_margin_balance_meets_the_maintenance_margin():
    # Lesson 3's check, for every leverage the quiz draws: at LP, margin + PnL = MM.
    for leverage in (2, 4, 5, 10, 20, 25):
        figures = {"quantity": "0.2", "entry": "50000", "leverage": str(leverage)}
        price = solve("l3_liquidation_price", figures).answer
        position = Position(BTC, Side.LONG, Decimal("0.2"), Decimal(50000), leverage)
        account = Account(position.initial_margin, (position,))
        state = evaluate(account, {BTC: price}).positions[0]
        assert abs(state.margin_balance - state.maintenance_margin) < Decimal("1e-18")
        assert price == liquidation_price(account, 0)


# --------------------------------------------------------------------------- grading


def shipped_question(number: int, key: str) -> Question:
    quiz = Quiz.objects.get(lesson__level__slug="beginner", lesson__number=number)
    return quiz.questions.get(computation=key)


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "figures", "answer", "mistakes"), CASES)
def test_each_mistake_is_recognised_with_its_feedback_filled_in(key, figures, answer, mistakes):
    question = shipped_question(int(key[1]), key)
    entry = AttemptQuestion(question=question, number=1, seed=0, figures=figures)
    right = grade_numeric(
        value=answer, answer=entry.solution.answer, mistakes=entry.mistakes, tolerance=Tolerance()
    )
    assert right.is_correct
    for mistake, value in mistakes.items():
        grade = grade_numeric(
            value=value,
            answer=entry.solution.answer,
            mistakes=entry.mistakes,
            tolerance=question.tolerance,
        )
        assert (grade.is_correct, grade.mistake) == (False, mistake)
        feedback = entry.mistake_feedback(mistake)
        assert feedback and "{" not in feedback
    assert "{" not in entry.explanation
    assert "{" not in entry.prompt


# --------------------------------------------------------------------------- printed figures


def whole(value: Decimal) -> str:
    return f"{value.to_integral_value(rounding=ROUND_HALF_UP):,}"


def dollars(value: Decimal) -> str:
    return f"${whole(value)}"


def lesson_3_long(leverage: int, margin: Decimal | None = None) -> Account:
    position = Position(BTC, Side.LONG, Decimal("0.1"), Decimal(60000), leverage, margin=margin)
    return Account(position.isolated_margin, (position,))


def test_quiz_1_prints_the_engines_figures():
    text = quiz_words(1)
    # Linear: a 1,000 move is $100 on 0.1 BTC at any price level.
    for price in (30000, 60000, 90000):
        position = Position(BTC, Side.LONG, Decimal("0.1"), Decimal(price), 1)
        assert position.unrealized_pnl(Decimal(price + 1000)) == 100
    assert f"0.1 {TIMES} 1,000 = $100 at any price" in text
    assert "changes a 0.1 BTC position by exactly $100" in text


def test_quiz_2_prints_the_engines_figures():
    text = quiz_words(2)
    assert "$10,000 ÷ 10 = $1,000 against $10,000 ÷ 5 = $2,000" in text
    assert margin_for(10000, 10) == 1000 and margin_for(10000, 5) == 2000
    # Two traders, 0.1 BTC from 60,000 to 63,000, at 2x and 10x.
    two, ten = (lesson_3_long(leverage) for leverage in (2, 10))
    for account in (two, ten):
        assert evaluate(account, {BTC: 63000}).positions[0].unrealized_pnl == 300
    assert f"{dollars(two.positions[0].initial_margin)} at 2x" in text  # $3,000
    assert f"{dollars(ten.positions[0].initial_margin)} at 10x" in text  # $600
    assert "$300 each" in text and f"0.1 {TIMES} 3,000 = $300" in text
    assert "10% at 2x, 50% at 10x" in text  # $300 ÷ $3,000 and $300 ÷ $600
    assert Decimal(300) / two.positions[0].initial_margin == Decimal("0.1")
    assert Decimal(300) / ten.positions[0].initial_margin == Decimal("0.5")
    # At 10x a 10% fall, to 54,000, loses the whole $600.
    fall = Position(BTC, Side.LONG, Decimal("0.1"), Decimal(60000), 10)
    assert fall.unrealized_pnl(Decimal(54000)) == -fall.initial_margin == -600
    assert "0.1 BTC from 60,000 to 54,000 loses $600, all of its $600 margin" in text


def test_quiz_3_prints_the_engines_figures():
    text = quiz_words(3)
    ten = lesson_3_long(10)
    price = liquidation_price(ten, 0)
    assert f"about {whole(price)}" in text  # 54,271
    left = ten.maintenance_margin(0, price)
    assert f"about {dollars(left)}" in text  # $27
    state = evaluate(ten, {BTC: price}).positions[0]
    assert whole(state.margin_balance) == whole(left)  # what is left is the maintenance margin
    fall = (Decimal(60000) - price) / Decimal(60000) * 100
    assert f"only about {fall.quantize(Decimal('0.1'))}%" in text  # 9.5%
    five = liquidation_price(lesson_3_long(5), 0)
    assert f"from about {whole(price)} to about {whole(five)}" in text  # 48,241
    added = liquidation_price(lesson_3_long(10, margin=Decimal(900)), 0)
    assert f"from about {whole(price)} down to about {whole(added)}" in text  # 51,256
    assert f"about {whole(five)} at 5x, and about {whole(added)}" in text
