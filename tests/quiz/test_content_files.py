"""Quiz files (content/<level>/NN-<slug>.quiz.yaml): every mistake is reported with its
file and field, admin edits survive loading, and a bad file loads nothing."""

import shutil
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from core.content import load_content, parse_yaml
from quiz.models import Question, Quiz
from quiz.services import attempt_start
from quiz.visitors import Owner
from tests.content_files import problems_of
from tests.quiz.test_admin import change_page_data

pytestmark = pytest.mark.django_db

NAME = "content/beginner/04-isolated-vs-cross-margin.quiz.yaml"
LABEL = "Quiz isolated-vs-cross-margin"


class _Dumper(yaml.SafeDumper):
    """Writes back what parse_yaml read: decimals as YAML numbers."""


_Dumper.add_representer(
    Decimal, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:float", str(value))
)


def quiz_file(content: Path) -> Path:
    return content.parent / NAME


def read(content: Path) -> dict:
    return parse_yaml(quiz_file(content).read_text())


def write(content: Path, data: dict, path: Path | None = None) -> None:
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False)
    (path or quiz_file(content)).write_text(text)


def assert_reported(content: Path, expected: str) -> None:
    found = problems_of(content)
    assert any(problem.startswith(expected) for problem in found), found


@pytest.fixture
def lesson_1_without_quiz(content: Path) -> Path:
    """The content copy with lesson 1's quiz taken away, from the files and the database,
    so that a test can add one as a new file."""
    (content / "beginner" / "01-what-is-a-perpetual-future.quiz.yaml").unlink(missing_ok=True)
    # Nor does the lesson ask its questions in place any more (its check lines).
    lesson = content / "beginner" / "01-what-is-a-perpetual-future.md"
    kept = [line for line in lesson.read_text().split("\n") if not line.startswith("[[check ")]
    lesson.write_text("\n".join(kept))
    Quiz.objects.filter(slug="what-is-a-perpetual-future").delete()
    return content


# --------------------------------------------------------------------------- each mistake


def test_an_unknown_field(content):
    data = read(content)
    data["questions"][2]["hint"] = "Think of the envelopes."
    write(content, data)
    assert_reported(content, f"{NAME}: question 3, hint: is not a field here (check its spelling)")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(pass_mark="high"), "pass_mark: Input should be a valid integer"),
        (
            lambda d: d["questions"][0]["choices"][1].update(correct="maybe"),
            "question 1, choice 2, correct: Input should be a valid boolean",
        ),
        (lambda d: d["questions"][0].update(prompt=12), "question 1, prompt: Input should be"),
        (
            lambda d: d["questions"][0]["choices"][1].pop("correct"),
            "question 1, choice 2, correct: is missing; it is required",
        ),
        (lambda d: d["questions"][0].update(kind="essay"), "question 1, kind: Input should be"),
        (lambda d: d.update(questions=[]), "questions: List should have at least 1 item"),
    ],
)
def test_a_wrong_type(content, change, expected):
    data = read(content)
    change(data)
    write(content, data)
    assert_reported(content, f"{NAME}: {expected}")


def test_an_unknown_computation(content):
    data = read(content)
    data["questions"][1]["computation"] = "initial_margn"
    write(content, data)
    expected = (
        f"{NAME}: question 2, computation: There is no computation “initial_margn”; "
        "the margin engine knows "
    )
    assert_reported(content, expected)
    # Every computation is listed, whichever module of the package holds it.
    problem = next(p for p in problems_of(content) if p.startswith(expected))
    assert {"initial_margin", "max_loss"} <= set(problem.removeprefix(expected).split(", "))


def test_a_single_choice_question_with_no_right_answer(content):
    data = read(content)
    for choice in data["questions"][0]["choices"]:
        choice["correct"] = False
    write(content, data)
    assert_reported(content, f"{NAME}: question 1, choices: Mark exactly one choice as correct.")


def test_a_multiple_choice_question_with_none_right(content):
    data = read(content)
    for choice in data["questions"][2]["choices"]:
        choice["correct"] = False
    write(content, data)
    assert_reported(content, f"{NAME}: question 3, choices: Mark at least one choice as correct.")


def test_a_section_the_lesson_does_not_have(content):
    data = read(content)
    data["questions"][4]["section"] = "comparisons"
    write(content, data)
    assert_reported(
        content,
        f"{NAME}: question 5, section: The lesson has no heading with the id “comparisons”.",
    )


def test_sections_are_those_of_the_lesson_file_not_of_an_admin_edit(content, lesson_4):
    lesson_4.body = "## Rewritten in the admin {#rewritten}\n\nNo other heading.\n"
    lesson_4.save()
    report = load_content(content)  # the files agree with each other: nothing to report
    assert "Lesson beginner/isolated-vs-cross-margin" in report.kept
    lesson_file = content / "beginner" / "04-isolated-vs-cross-margin.md"
    text = lesson_file.read_text()
    lesson_file.write_text(text.replace("{#when-cross}", "{#when-cross-margin}"))
    assert_reported(
        content, f"{NAME}: question 9, section: The lesson has no heading with the id “when-cross”."
    )


def test_a_quiz_whose_lesson_file_has_a_mistake_says_to_fix_that_first(content):
    lesson_file = content / "beginner" / "04-isolated-vs-cross-margin.md"
    lesson_file.write_text(lesson_file.read_text().replace("title: Isolated", "title: [Isolated"))
    assert (
        f"{NAME}: its lesson, 04-isolated-vs-cross-margin.md, could not be loaded: fix it first"
        in problems_of(content)
    )


def test_figures_missing_or_extra_for_the_computation(content):
    data = read(content)
    figures = data["questions"][1]["figures"]
    figures.pop("leverage")
    figures["fee"] = {"choices": [1]}
    write(content, data)
    assert_reported(
        content,
        f"{NAME}: question 2, figures: The figures for this computation are leverage, size: "
        "missing leverage; unknown fee.",
    )


def test_figures_whose_answer_is_never_positive(content):
    data = read(content)
    data["questions"][1]["figures"]["size"] = {"choices": [Decimal("0.001")]}
    write(content, data)
    assert_reported(
        content,
        f"{NAME}: question 2, figures: These ranges rarely give figures that fit the question; "
        "narrow them. Most often the answer is zero or negative",
    )


def test_a_mistake_the_computation_does_not_know(content):
    data = read(content)
    data["questions"][3]["mistakes"]["forgot_fees"] = "There are no fees here."
    write(content, data)
    assert_reported(
        content, f"{NAME}: question 4, mistakes: This computation cannot recognise forgot_fees."
    )


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("prompt", lambda q: q.update(prompt=q["prompt"] + " {balanse}")),
        ("explanation", lambda q: q.update(explanation=q["explanation"] + " {loss}")),
        ("mistakes", lambda q: q["mistakes"].update(kept="You keep {kept}.")),
    ],
)
def test_an_unknown_placeholder(content, field, change):
    data = read(content)
    change(data["questions"][3])
    write(content, data)
    assert_reported(content, f"{NAME}: question 4, {field}: Unknown placeholders: ")


def test_a_negative_tolerance(content):
    data = read(content)
    data["questions"][1]["tolerance"] = {"percent": -1}
    write(content, data)
    assert_reported(
        content,
        f"{NAME}: question 2, tolerance, percent: Ensure this value is greater than or equal to 0.",
    )


def test_invalid_yaml(content):
    text = quiz_file(content).read_text().replace("pass_mark: 80", "pass_mark: [80", 1)
    quiz_file(content).write_text(text)
    assert_reported(content, f"{NAME}: is not valid YAML (line ")


def test_a_quiz_with_no_lesson_beside_it(content):
    shutil.copy(quiz_file(content), content / "beginner" / "09-fees.quiz.yaml")
    assert_reported(
        content,
        "content/beginner/09-fees.quiz.yaml: has no lesson beside it: a quiz is named after "
        "its lesson, here 09-fees.md",
    )


def test_two_quizzes_with_one_slug(content):
    data = read(content)
    data["slug"] = "the-quiz"
    write(content, data)
    write(content, data, content / "beginner" / "01-what-is-a-perpetual-future.quiz.yaml")
    assert_reported(
        content,
        f"{NAME}: slug: “the-quiz” is also the slug of "
        "content/beginner/01-what-is-a-perpetual-future.quiz.yaml",
    )


def test_every_mistake_is_reported_at_once(content):
    data = read(content)
    data["pass_mark"] = 0
    data["questions"][0]["section"] = "nowhere"
    data["questions"][5]["mistakes"]["nothing_lost"] = "{oops}"
    write(content, data)
    found = problems_of(content)
    assert f"{NAME}: pass_mark: Ensure this value is greater than or equal to 1." in found
    assert any(p.startswith(f"{NAME}: question 1, section:") for p in found)
    assert any(
        p.startswith(f"{NAME}: question 6, mistakes: Unknown placeholders: oops") for p in found
    )


# --------------------------------------------------------------------------- loading


def test_an_edited_file_updates_a_quiz_nobody_edited_and_attempts_keep_their_questions(
    content, margin_quiz
):
    attempt = attempt_start(quiz=margin_quiz, owner=Owner(visitor="v"))
    asked = list(attempt.items.order_by("number").values_list("question_id", flat=True))
    data = read(content)
    data["questions"][0]["prompt"] = "What is margin, in one word?"
    data["questions"][1]["mistakes"].pop("maintenance")
    write(content, data)
    report = load_content(content)
    assert report.updated == [LABEL]
    first = margin_quiz.questions.get(position=1)
    assert first.prompt == "What is margin, in one word?"
    assert "maintenance" not in margin_quiz.questions.get(position=2).mistakes
    assert list(attempt.items.order_by("number").values_list("question_id", flat=True)) == asked
    assert LABEL in load_content(content).unchanged


def test_questions_left_out_of_the_file_are_retired_and_choices_deleted(content, margin_quiz):
    data = read(content)
    data["questions"] = data["questions"][:9]
    data["questions"][0]["choices"] = data["questions"][0]["choices"][:2]
    write(content, data)
    load_content(content)
    assert margin_quiz.questions.live().count() == 9
    assert margin_quiz.questions.get(is_retired=True).position == 10
    assert margin_quiz.questions.get(position=1).choices.count() == 2
    assert LABEL in load_content(content).unchanged


def test_an_admin_edit_to_a_question_survives_loading_and_force_replaces_it(content, margin_quiz):
    question = margin_quiz.questions.get(position=3)
    question.explanation = "Edited in the admin."
    question.save()
    for _ in range(2):
        report = load_content(content)
        assert LABEL in report.kept
        question.refresh_from_db()
        assert question.explanation == "Edited in the admin."
    out = StringIO()
    call_command("load_content", "--force", "--dir", str(content), stdout=out)
    question.refresh_from_db()
    assert question.explanation.startswith("In isolated mode the most a position can lose")
    assert LABEL in load_content(content).unchanged  # and it is pristine again


def test_an_admin_edit_to_a_choice_counts_too(content, margin_quiz):
    choice = margin_quiz.questions.get(position=1).choices.get(position=2)
    choice.feedback = "Edited."
    choice.save()
    data = read(content)
    data["title"] = "A new title from the file"
    write(content, data)
    assert LABEL in load_content(content).kept
    margin_quiz.refresh_from_db()
    assert margin_quiz.title == "Isolated vs Cross Margin quiz"


def test_unpublishing_a_quiz_in_the_admin_sticks(content, margin_quiz, admin_client):
    data = change_page_data(admin_client, margin_quiz)
    data.pop("is_published")
    response = admin_client.post(f"/admin/quiz/quiz/{margin_quiz.pk}/change/", data)
    assert response.status_code == 302
    call_command("load_content", "--dir", str(content), stdout=StringIO())
    call_command("load_content", stdout=StringIO())
    margin_quiz.refresh_from_db()
    assert not margin_quiz.is_published
    call_command("load_content", "--force", stdout=StringIO())
    margin_quiz.refresh_from_db()
    assert margin_quiz.is_published


def test_a_new_quiz_file_makes_a_quiz_with_the_lessons_slug(lesson_1_without_quiz, client):
    content = lesson_1_without_quiz
    lesson_1 = "/learn/beginner/what-is-a-perpetual-future/"
    assert "Test your understanding" not in client.get(lesson_1).content.decode()
    write(
        content,
        {
            "title": "Perpetuals quiz",
            "questions": [
                {
                    "kind": "single",
                    "section": "funding",
                    "prompt": "Who pays funding when the perpetual trades above the index?",
                    "explanation": "Longs pay shorts, pulling the price back to the index.",
                    "choices": [
                        {"text": "Longs", "correct": True},
                        {"text": "Shorts", "correct": False},
                    ],
                }
            ],
        },
        content / "beginner" / "01-what-is-a-perpetual-future.quiz.yaml",
    )
    report = load_content(content)
    assert report.created == ["Quiz what-is-a-perpetual-future"]
    quiz = Quiz.objects.get(slug="what-is-a-perpetual-future")
    assert quiz.is_published
    assert quiz.lesson.number == 1
    assert quiz.pass_mark == 80
    html = client.get(lesson_1).content.decode()
    assert "1 question on this lesson" in html
    assert 'href="/quiz/what-is-a-perpetual-future/"' in html


def test_a_bad_file_loads_nothing_not_even_the_good_ones(lesson_1_without_quiz, margin_quiz):
    content = lesson_1_without_quiz
    good = {
        "title": "Perpetuals quiz",
        "questions": [
            {
                "kind": "single",
                "section": "funding",
                "prompt": "Who pays funding?",
                "explanation": "Longs, when the price is above the index.",
                "choices": [
                    {"text": "Longs", "correct": True},
                    {"text": "Shorts", "correct": False},
                ],
            }
        ],
    }
    write(content, good, content / "beginner" / "01-what-is-a-perpetual-future.quiz.yaml")
    data = read(content)
    data["title"] = "Changed"
    data["questions"][1]["figures"]["leverage"] = {"choices": ["lots"]}
    write(content, data)
    before = list(Question.objects.order_by("pk").values_list("pk", "prompt", "figures"))
    assert problems_of(content) == [
        f"{NAME}: question 2, figures: A choice of \"leverage\" must be a number (got 'lots')."
    ]
    assert not Quiz.objects.filter(slug="what-is-a-perpetual-future").exists()
    margin_quiz.refresh_from_db()
    assert margin_quiz.title == "Isolated vs Cross Margin quiz"
    assert list(Question.objects.order_by("pk").values_list("pk", "prompt", "figures")) == before


def test_check_content_names_the_file_and_the_field_and_changes_nothing(content, margin_quiz):
    data = read(content)
    data["questions"][0]["section"] = "nowhere"
    data["title"] = "Changed"
    write(content, data)
    with pytest.raises(CommandError) as caught:
        call_command("check_content", "--dir", str(content))
    assert f"{NAME}: question 1, section: The lesson has no heading" in str(caught.value)
    margin_quiz.refresh_from_db()
    assert margin_quiz.title == "Isolated vs Cross Margin quiz"
