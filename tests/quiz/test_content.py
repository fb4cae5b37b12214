"""The shipped margin quiz: loaded from its file into a fresh database, complete and consistent."""

import pytest
from django.core.exceptions import ValidationError

from core.content import load_content
from quiz.models import Choice, Question, Quiz, choice_problems, lesson_sections

pytestmark = pytest.mark.django_db


def test_the_margin_quiz_is_loaded_and_published_on_lesson_4(margin_quiz, lesson_4):
    assert margin_quiz.lesson == lesson_4
    assert margin_quiz.is_published
    assert margin_quiz.pass_mark == 80
    assert margin_quiz.title == "Isolated vs Cross Margin quiz"
    assert margin_quiz.intro.startswith("Ten questions on lesson 4")
    assert margin_quiz.content_hash  # it remembers what was loaded
    assert Quiz.objects.published().filter(lesson=lesson_4).count() == 1


def test_it_has_the_ten_questions_and_twenty_six_choices(margin_quiz):
    assert list(margin_quiz.questions.values_list("position", "kind")) == [
        (1, "single"),
        (2, "numeric"),
        (3, "multiple"),
        (4, "numeric"),
        (5, "single"),
        (6, "numeric"),
        (7, "single"),
        (8, "multiple"),
        (9, "single"),
        (10, "single"),
    ]
    assert Choice.objects.filter(question__quiz=margin_quiz).count() == 26
    first = margin_quiz.questions.get(position=1)
    assert first.prompt == "What is margin in a leveraged perpetual futures trade?"
    assert first.choices.get(is_correct=True).text == (
        "The collateral you put up to open the position and keep it open"
    )


def test_it_checks_all_eight_learning_objectives(margin_quiz):
    questions = list(margin_quiz.questions.all())
    assert len(questions) >= 8
    assert {q.objective for q in questions} == set(range(1, 9))


def test_numeric_questions_keep_their_figures_and_recognise_mistakes(margin_quiz):
    numeric = margin_quiz.questions.filter(kind=Question.Kind.NUMERIC)
    assert numeric.count() == 3
    second = numeric.get(position=2)
    assert second.computation == "initial_margin"
    assert second.figures == {
        "size": {"min": "2000", "max": "40000", "step": "1000"},
        "leverage": {"choices": ["2", "4", "5", "10", "20", "25"]},
    }
    assert set(second.mistakes) == {"size", "multiplied", "maintenance"}
    sixth = numeric.get(position=6)
    assert sixth.figures["move"] == {"choices": ["9.7", "9.8", "11", "12", "13", "15"]}
    for question in numeric:
        assert question.draw_figures(seed=1) != question.draw_figures(seed=2) or (
            question.draw_figures(seed=3) != question.draw_figures(seed=4)
        )


def test_every_question_is_valid_as_the_admin_would_check_it(margin_quiz):
    for question in margin_quiz.questions.prefetch_related("choices"):
        question.full_clean()
        flags = [choice.is_correct for choice in question.choices.all()]
        assert choice_problems(question.kind, flags) == [], question
        if question.kind != Question.Kind.NUMERIC:
            assert all(choice.feedback for choice in question.choices.all()), question


def test_every_question_links_to_a_real_section_of_the_lesson(margin_quiz):
    sections = lesson_sections(margin_quiz.lesson)
    for question in margin_quiz.questions.all():
        assert question.lesson_section in sections


def test_correct_choices_are_not_always_in_the_same_place(margin_quiz):
    positions = set(
        Choice.objects.filter(question__quiz=margin_quiz, is_correct=True).values_list(
            "position", flat=True
        )
    )
    assert len(positions) >= 3


def test_a_section_that_is_not_on_the_lesson_page_is_refused(margin_quiz):
    question = margin_quiz.questions.first()
    question.lesson_section = "no-such-section"
    with pytest.raises(ValidationError, match="no heading"):
        question.full_clean()


def test_numeric_placeholders_must_exist(margin_quiz):
    question = margin_quiz.questions.filter(kind=Question.Kind.NUMERIC).first()
    question.prompt += " {secret}"
    question.explanation += " {nope}"
    question.mistakes = {**question.mistakes, "size": "That is {size_typo}."}
    with pytest.raises(ValidationError) as caught:
        question.full_clean()
    assert set(caught.value.message_dict) == {"prompt", "explanation", "mistakes"}


def test_the_prompt_cannot_quote_the_working_or_the_answer(margin_quiz):
    question = margin_quiz.questions.get(position=2)
    question.prompt += " ({answer}, {leverage_number})"
    with pytest.raises(ValidationError) as caught:
        question.full_clean()
    assert "answer, leverage_number" in caught.value.message_dict["prompt"][0]


def test_mistakes_the_computation_cannot_recognise_are_refused(margin_quiz):
    question = margin_quiz.questions.get(position=2)
    question.mistakes = {**question.mistakes, "guessed": "A guess."}
    with pytest.raises(ValidationError) as caught:
        question.full_clean()
    message = caught.value.message_dict["mistakes"][0]
    assert "cannot recognise guessed" in message
    assert "multiplied (the size multiplied by the leverage)" in message


def test_a_choice_question_cannot_have_a_computation(margin_quiz):
    question = margin_quiz.questions.exclude(kind=Question.Kind.NUMERIC).first()
    question.computation = "initial_margin"
    with pytest.raises(ValidationError, match="Only numeric questions"):
        question.full_clean()


def test_reserved_slugs_are_refused(margin_quiz):
    margin_quiz.slug = "history"
    with pytest.raises(ValidationError, match="taken"):
        margin_quiz.full_clean()


@pytest.mark.parametrize(
    ("kind", "flags", "problem"),
    [
        ("single", [True], "at least two"),
        ("single", [True, True], "exactly one"),
        ("single", [False, False], "exactly one"),
        ("multiple", [False, False], "at least one"),
        ("numeric", [False], "no choices"),
    ],
)
def test_choice_problems(kind, flags, problem):
    assert any(problem in text for text in choice_problems(kind, flags))


def test_loading_the_shipped_files_again_changes_nothing(margin_quiz, settings):
    before = (margin_quiz.content_hash, list(Question.objects.values_list("pk", "prompt")))
    report = load_content(settings.CONTENT_DIR)
    assert "Quiz isolated-vs-cross-margin" in report.unchanged
    margin_quiz.refresh_from_db()
    assert (margin_quiz.content_hash, list(Question.objects.values_list("pk", "prompt"))) == before
