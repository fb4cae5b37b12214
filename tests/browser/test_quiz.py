"""The margin quiz in Chromium: with JavaScript (htmx) and without, and with axe-core."""

import re

import pytest
from playwright.sync_api import Page, expect

from core.numbers import money
from quiz.models import Attempt, AttemptQuestion, Question
from tests.browser.conftest import assert_accessible
from tests.conftest import LESSON_4_URL
from tests.quiz.conftest import first_mistake

QUIZ_PATH = "/quiz/isolated-vs-cross-margin/"
QUESTION_URL = re.compile(r"/quiz/attempts/(\d+)/questions/(\d+)/(?:#.*)?$")


def current_item(page: Page) -> AttemptQuestion:
    attempt_id, number = QUESTION_URL.search(page.url).groups()
    return AttemptQuestion.objects.select_related("question").get(
        attempt_id=attempt_id, number=number
    )


def answer(page: Page, entry: AttemptQuestion, *, right: bool = True) -> None:
    """Fill in the answer the way a learner would, then press Check answer."""
    question = entry.question
    if question.kind == Question.Kind.NUMERIC:
        typed = money(entry.solution.answer, trim=True) if right else "1"
        amount_field(page, entry).fill(typed)
    else:
        choices = list(question.choices.filter(is_correct=right))
        if question.kind == Question.Kind.SINGLE or not right:
            choices = choices[:1]
        for choice in choices:
            page.get_by_label(choice.text, exact=True).check()
    page.get_by_role("button", name="Check answer").click()


def amount_field(page: Page, entry: AttemptQuestion):
    """A numeric question's input, found by its label: the prompt with this attempt's figures."""
    return page.get_by_role("textbox", name=entry.prompt, exact=True)


def start_from_the_lesson(page: Page, base_url: str) -> None:
    page.goto(base_url + LESSON_4_URL)
    section = page.get_by_role("region", name="Test your understanding")
    section.get_by_role("link", name="Take the quiz").click()
    expect(page).to_have_url(base_url + QUIZ_PATH)
    page.get_by_role("button", name="Start the quiz").click()
    expect(page).to_have_url(QUESTION_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Question 1 of 10")


def test_take_the_margin_quiz_with_javascript(page: Page, base_url):
    start_from_the_lesson(page, base_url)
    for number in range(1, 11):
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Question {number} of 10")
        question_url = page.url
        entry = current_item(page)
        # A marker on the window survives only if the page is not reloaded.
        page.evaluate("window.notReloaded = true")
        answer(page, entry, right=number != 4)
        verdict = page.locator("#feedback").get_by_role("heading", level=2)
        expect(verdict).to_have_text("Not quite" if number == 4 else "Correct")
        expect(verdict).to_be_focused()
        assert page.evaluate("window.notReloaded") is True
        assert page.url == question_url  # swapped in place, nothing else moved
        expect(page.get_by_role("button", name="Check answer")).to_have_count(0)
        expect(page.locator("#feedback")).to_contain_text(entry.explanation)
        expect(
            page.locator("#feedback").get_by_role("link", name=re.compile("in the lesson"))
        ).to_have_attribute("href", f"{LESSON_4_URL}#{entry.question.lesson_section}")
        page.locator("#feedback").get_by_role(
            "link", name=re.compile("Next question|See your results")
        ).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your results")
    expect(page.locator(".quiz-score")).to_contain_text("9 out of 10 (90%)")
    expect(page.locator(".quiz-score")).to_contain_text("You passed")
    page.get_by_role("link", name="Back to the lesson").click()
    expect(page.get_by_role("region", name="Test your understanding")).to_contain_text(
        "Your best score so far: 90%"
    )
    # A pass leads on: lesson 4 ends the Beginner level (issue 27, item 12).
    page.go_back()
    page.get_by_role("link", name=re.compile("^Next level: Intermediate")).click()
    expect(page).to_have_url(base_url + "/learn/intermediate/mark-price/")


def test_take_the_margin_quiz_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False, base_url=base_url)
    page = context.new_page()
    start_from_the_lesson(page, base_url)
    # Unanswered: an error summary linked to the field, and the page is still question 1.
    page.get_by_role("button", name="Check answer").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Select an answer")
    expect(page).to_have_title(re.compile("^Error: Question 1 of 10"))
    for number in range(1, 11):
        entry = current_item(page)
        answer(page, entry, right=number not in {2, 7})
        # An ordinary post, redirected back to the question, which now shows its feedback.
        expect(page).to_have_url(re.compile(rf"/questions/{number}/$"))
        expect(page.locator("#feedback h2")).to_have_text(
            "Not quite" if number in {2, 7} else "Correct"
        )
        page.locator("#feedback").get_by_role(
            "link", name=re.compile("Next question|See your results")
        ).click()
    expect(page.locator(".quiz-score")).to_contain_text("8 out of 10 (80%)")
    expect(page.locator(".quiz-review-item")).to_have_count(10)
    # Retry the two missed questions, with ordinary posts again.
    page.get_by_role("button", name="Retry the ones I missed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Question 1 of 2")
    for _ in range(2):
        answer(page, current_item(page))
        page.locator("#feedback").get_by_role(
            "link", name=re.compile("Next question|See your results")
        ).click()
    expect(page.locator(".quiz-score")).to_contain_text("2 out of 2 (100%)")
    page.get_by_role("link", name="All your attempts").click()
    expect(page.get_by_role("table")).to_contain_text("Retry of the questions missed")
    context.close()


def test_a_numeric_question_explains_a_common_mistake(page: Page, base_url):
    start_from_the_lesson(page, base_url)
    page.goto(page.url.replace("/questions/1/", "/questions/6/"))
    entry = current_item(page)
    _, value, feedback = first_mistake(entry)
    amount_field(page, entry).fill(money(value, trim=True))
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator("#feedback")).to_contain_text(feedback)
    expect(page.locator("#feedback")).to_contain_text(
        f"Right answer {money(entry.solution.answer, trim=True)}"
    )


def test_an_unfinished_attempt_resumes_where_it_stopped(page: Page, base_url):
    start_from_the_lesson(page, base_url)
    for _ in range(2):
        answer(page, current_item(page))
        page.get_by_role("link", name="Next question").click()
    prompt = page.locator("legend").inner_text()
    page.goto(base_url + QUIZ_PATH)
    expect(page.get_by_text("You stopped after 2 of 10 questions")).to_be_visible()
    page.get_by_role("link", name="Continue where you stopped").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Question 3 of 10")
    assert page.locator("legend").inner_text() == prompt


def test_the_error_summary_takes_focus_and_leads_to_the_field(page: Page, base_url):
    start_from_the_lesson(page, base_url)
    page.get_by_role("button", name="Check answer").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Select an answer").click()
    expect(page).to_have_url(re.compile(r"#answer_0$"))
    expect(page.locator("#answer_0")).to_be_focused()  # the first option, in the fieldset
    # Nothing was recorded, and the question still takes an answer.
    assert not Attempt.objects.get().items.filter(response__isnull=False).exists()
    answer(page, current_item(page))
    expect(page.locator("#feedback h2")).to_have_text("Correct")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_quiz_pages_have_no_accessibility_violations(page: Page, base_url, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + "/quiz/")
    assert_accessible(page)
    start_from_the_lesson(page, base_url)
    assert_accessible(page)  # a question
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)  # its error state
    answer(page, current_item(page), right=False)
    expect(page.locator("#feedback h2")).to_have_text("Not quite")
    assert_accessible(page)  # its feedback
    page.get_by_role("link", name="Next question").click()
    answer(page, current_item(page))  # a numeric question, with its feedback
    expect(page.locator("#feedback h2")).to_have_text("Correct")
    assert_accessible(page)
    for _ in range(8):
        page.locator("#feedback").get_by_role("link", name=re.compile("Next question")).click()
        answer(page, current_item(page))
    page.get_by_role("link", name="See your results").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your results")
    assert_accessible(page)  # the results
    page.goto(base_url + "/quiz/history/")
    assert_accessible(page)
    page.goto(base_url + LESSON_4_URL)
    assert_accessible(page)  # the lesson page with its best score


def test_a_question_fits_a_360px_screen(page: Page, base_url):
    page.set_viewport_size({"width": 360, "height": 740})
    start_from_the_lesson(page, base_url)
    page.goto(page.url.replace("/questions/1/", "/questions/6/"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    answer(page, current_item(page))
    expect(page.locator("#feedback h2")).to_have_text("Correct")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
