"""The shipped margin quiz: loaded into a fresh database, complete and consistent."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from lessons.models import Lesson
from quiz.content import load_shipped_quizzes
from quiz.models import Choice, Question, Quiz, choice_problems, lesson_sections

pytestmark = pytest.mark.django_db


def test_the_margin_quiz_is_loaded_and_published_on_lesson_4(margin_quiz, lesson_4):
    assert margin_quiz.lesson == lesson_4
    assert margin_quiz.is_published
    assert margin_quiz.pass_mark == 80
    assert Quiz.objects.published().filter(lesson=lesson_4).count() == 1


def test_it_checks_all_eight_learning_objectives(margin_quiz):
    questions = list(margin_quiz.questions.all())
    assert len(questions) >= 8
    assert {q.objective for q in questions} == set(range(1, 9))


def test_at_least_two_questions_are_numeric_with_figures_drawn_per_attempt(margin_quiz):
    numeric = margin_quiz.questions.filter(kind=Question.Kind.NUMERIC)
    assert numeric.count() >= 2
    for question in numeric:
        assert question.computation
        assert question.figures
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
    with pytest.raises(ValidationError) as caught:
        question.full_clean()
    assert set(caught.value.message_dict) == {"prompt", "explanation"}


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


def test_loading_again_changes_nothing_and_update_restores_edits(margin_quiz):
    models = {
        "lesson_model": Lesson,
        "quiz_model": Quiz,
        "question_model": Question,
        "choice_model": Choice,
    }
    assert load_shipped_quizzes(**models, update=False) == 0
    question = margin_quiz.questions.get(position=1)
    question.prompt = "Edited"
    question.save()
    call_command("load_quizzes", stdout=StringIO())
    question.refresh_from_db()
    assert question.prompt != "Edited"
    assert margin_quiz.questions.count() == 10
