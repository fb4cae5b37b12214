"""A whole quiz, questions and choices, is written on one admin page."""

import json
import re

import pytest

from core.content import digest
from quiz.content import stored_snapshot
from quiz.models import Choice, Question, Quiz

pytestmark = pytest.mark.django_db


def management(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def question(index: int, *, kind: str, choices: list[tuple[str, bool]], **fields) -> dict:
    prefix = f"questions-{index}"
    data = {
        f"{prefix}-position": str(index + 1),
        f"{prefix}-kind": kind,
        f"{prefix}-objective": "1",
        f"{prefix}-prompt": fields.get("prompt", f"Question {index + 1}?"),
        f"{prefix}-explanation": "Because.",
        f"{prefix}-lesson_section": fields.get("lesson_section", "what-margin-is"),
        f"{prefix}-computation": fields.get("computation", ""),
        f"{prefix}-tolerance_percent": "0.5",
        f"{prefix}-tolerance_minimum": "1",
        f"{prefix}-figures": json.dumps(fields.get("figures", {})),
        **management(f"{prefix}-choices", len(choices)),
    }
    for number, (text, correct) in enumerate(choices):
        choice = f"{prefix}-choices-{number}"
        data[f"{choice}-position"] = str(number + 1)
        data[f"{choice}-text"] = text
        data[f"{choice}-feedback"] = f"About {text}."
        if correct:
            data[f"{choice}-is_correct"] = "on"
    return data


def quiz_form(lesson, *questions: dict) -> dict:
    return {
        "lesson": str(lesson.pk),
        "title": "Another quiz",
        "slug": "another-quiz",
        "intro": "",
        "pass_mark": "80",
        "is_published": "on",
        **management("questions", len(questions)),
        **{key: value for q in questions for key, value in q.items()},
    }


def test_the_quiz_page_shows_every_question_with_its_choices(admin_client, margin_quiz):
    response = admin_client.get(f"/admin/quiz/quiz/{margin_quiz.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('name="questions-0-choices-TOTAL_FORMS"') == 1
    choice = margin_quiz.questions.get(position=1).choices.get(position=1)
    assert choice.text in html
    assert 'name="questions-__prefix__-choices-0-text"' in html  # for "Add another question"
    assert "Figures by computation" in html


def test_a_whole_quiz_is_saved_from_one_post(admin_client, lesson_4):
    data = quiz_form(
        lesson_4,
        question(0, kind="single", choices=[("Yes", True), ("No", False)]),
        question(1, kind="multiple", choices=[("A", True), ("B", True), ("C", False)]),
        question(
            2,
            kind="numeric",
            choices=[],
            prompt="Margin for {size} at {leverage}?",
            computation="initial_margin",
            figures={
                "size": {"min": "1000", "max": "5000", "step": "1000"},
                "leverage": {"choices": ["5", "10"]},
            },
        ),
    )
    response = admin_client.post("/admin/quiz/quiz/add/", data)
    assert response.status_code == 302, response.context["errors"]
    quiz = Quiz.objects.get(slug="another-quiz")
    assert list(quiz.questions.values_list("kind", flat=True)) == ["single", "multiple", "numeric"]
    first, second, third = quiz.questions.all()
    assert list(first.choices.values_list("text", "is_correct")) == [("Yes", True), ("No", False)]
    assert second.choices.filter(is_correct=True).count() == 2
    assert third.choices.count() == 0


def test_choices_that_do_not_fit_the_question_are_refused(admin_client, lesson_4):
    data = quiz_form(lesson_4, question(0, kind="single", choices=[("Yes", True), ("Also", True)]))
    response = admin_client.post("/admin/quiz/quiz/add/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mark exactly one choice as correct." in html
    assert "Check this question" in html
    assert not Quiz.objects.filter(slug="another-quiz").exists()


def test_bad_figures_and_sections_are_refused(admin_client, lesson_4):
    data = quiz_form(
        lesson_4,
        question(
            0,
            kind="numeric",
            choices=[],
            computation="initial_margin",
            figures={"size": {"min": "1000"}},
            lesson_section="nowhere",
        ),
    )
    response = admin_client.post("/admin/quiz/quiz/add/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "missing leverage" in html
    assert "no heading with the id" in html
    assert not Quiz.objects.filter(slug="another-quiz").exists()


def change_page_data(admin_client, quiz) -> dict:
    """The post that saves the quiz's change page as it stands: edit it, then post it."""
    page = admin_client.get(f"/admin/quiz/quiz/{quiz.pk}/change/")
    form = page.context["adminform"].form
    data = {name: field.value() for name, field in ((n, form[n]) for n in form.fields)}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v not in (None, False)}
    data["lesson"] = str(quiz.lesson_id)
    formset = page.context["inline_admin_formsets"][0].formset
    data.update(management("questions", len(formset.forms), len(formset.forms)))
    for question_form in formset.forms:
        for name in question_form.fields:
            value = question_form[name].value()
            if name in {"figures", "mistakes"}:
                value = json.dumps(value if isinstance(value, dict) else json.loads(value))
            if value is True:
                value = "on"
            if value not in (None, False):
                data[question_form.add_prefix(name)] = value
        choices = question_form.choices
        count = len(choices.forms)
        data.update(management(choices.prefix, count, choices.initial_form_count()))
        for choice_form in choices.forms:
            for name in choice_form.fields:
                value = choice_form[name].value()
                if value is True:
                    value = "on"
                if value not in (None, False, ""):
                    data[choice_form.add_prefix(name)] = value
    return data


def question_prefix(data: dict, question) -> str:
    key = next(
        k for k, v in data.items() if re.fullmatch(r"questions-\d+-id", k) and v == question.pk
    )
    return key.removesuffix("-id")


def test_editing_a_choice_on_the_quiz_page(admin_client, margin_quiz):
    data = change_page_data(admin_client, margin_quiz)
    target = margin_quiz.questions.get(position=1).choices.get(position=1)
    id_key = next(
        key
        for key, value in data.items()
        if "-choices-" in key and key.endswith("-id") and str(value) == str(target.pk)
    )
    data[id_key.removesuffix("-id") + "-text"] = "Edited on the quiz page"
    response = admin_client.post(f"/admin/quiz/quiz/{margin_quiz.pk}/change/", data)
    assert response.status_code == 302, response.context and response.context["errors"]
    target.refresh_from_db()
    assert target.text == "Edited on the quiz page"
    assert Choice.objects.filter(question__quiz=margin_quiz).count() == 26
    assert Question.objects.filter(quiz=margin_quiz).count() == 10


def test_saving_the_quiz_page_unchanged_changes_nothing_the_loader_compares(
    admin_client, margin_quiz
):
    """Else every admin save would count as an edit and stop the files updating the quiz."""
    before = stored_snapshot(margin_quiz)
    data = change_page_data(admin_client, margin_quiz)
    response = admin_client.post(f"/admin/quiz/quiz/{margin_quiz.pk}/change/", data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert digest(stored_snapshot(margin_quiz)) == digest(before) == margin_quiz.content_hash


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        # Ranges that give a zero margin: the answer must be positive.
        (
            {"figures": {"size": {"choices": ["0.001"]}, "leverage": {"choices": ["20"]}}},
            "figures",
            "the answer is zero or negative",
        ),
        # At 1x the margin is the size: the "size" mistake would be marked right.
        (
            {"figures": {"size": {"min": "1000", "max": "9000", "step": "1000"},
                         "leverage": {"choices": ["1"]}}},
            "figures",
            "rarely give figures",
        ),
        ({"prompt": "Margin for {size} at {levrage}?"}, "prompt", "Unknown placeholders: levrage"),
        ({"mistakes": {"sized": "Oops."}}, "mistakes", "cannot recognise sized"),
        ({"mistakes": {"size": "That is {answr}."}}, "mistakes", "Unknown placeholders: answr"),
        ({"mistakes": ["size"]}, "mistakes", "Give each mistake as"),
        ({"computation": "initial_margn"}, "computation", "Select a valid choice"),
    ],
)  # fmt: skip
def test_authoring_mistakes_in_a_numeric_question_are_form_errors(
    admin_client, margin_quiz, change, field, message
):
    data = change_page_data(admin_client, margin_quiz)
    prefix = question_prefix(data, margin_quiz.questions.get(position=2))
    for name, value in change.items():
        data[f"{prefix}-{name}"] = value if isinstance(value, str) else json.dumps(value)
    response = admin_client.post(f"/admin/quiz/quiz/{margin_quiz.pk}/change/", data)
    assert response.status_code == 200
    form = next(
        f for f in response.context["inline_admin_formsets"][0].formset.forms if f.prefix == prefix
    )
    assert any(message in error for error in form.errors[field]), form.errors
    assert margin_quiz.questions.get(position=2).computation == "initial_margin"


def test_the_help_lists_each_computations_figures_working_values_and_mistakes(
    admin_client, margin_quiz
):
    html = admin_client.get(f"/admin/quiz/quiz/{margin_quiz.pk}/change/").content.decode()
    assert "Figures by computation" in html
    assert "leverage_number (The leverage as a plain number)" in html
    assert "Mistakes by computation" in html
    assert "ignored_maintenance (A counted as open" in html


def test_one_question_on_its_own_page(admin_client, margin_quiz):
    target = margin_quiz.questions.get(position=1)
    response = admin_client.get(f"/admin/quiz/question/{target.pk}/change/")
    assert response.status_code == 200
    assert target.choices.first().text in response.content.decode()
