"""Every lesson, strategy and quiz in Chromium: axe-clean in light and dark, and every
quiz completed with JavaScript (htmx) to the end (tests/curriculum/test_walk.py does
it without)."""

import re

import pytest
from playwright.sync_api import Page, expect

from lessons.models import Lesson
from quiz.models import Quiz
from tests.browser.conftest import assert_accessible
from tests.browser.test_quiz import QUESTION_URL, answer, current_item


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_lesson_and_strategy_page_is_accessible(page: Page, base_url, scheme):
    page.emulate_media(color_scheme=scheme)
    urls = ["/learn/", "/learn/intermediate/", "/learn/advanced/", "/strategies/"]
    urls += [
        lesson.get_absolute_url() for lesson in Lesson.objects.published().select_related("level")
    ]
    for url in urls:
        page.goto(base_url + url)
        assert_accessible(page)


def test_every_quiz_can_be_completed_with_javascript(page: Page, base_url):
    for quiz in Quiz.objects.published().select_related("lesson"):
        page.goto(base_url + quiz.get_absolute_url())
        page.get_by_role("button", name="Start the quiz").click()
        expect(page).to_have_url(QUESTION_URL)
        count = quiz.questions.count()
        page.evaluate("window.notReloaded = true")
        for number in range(1, count + 1):
            expect(page.get_by_role("heading", level=1)).to_have_text(
                f"Question {number} of {count}"
            )
            answer(page, current_item(page))
            expect(page.locator("#feedback").get_by_role("heading", level=2)).to_have_text(
                "Correct"
            )
            page.locator("#feedback").get_by_role(
                "link", name=re.compile("Next question|See your results")
            ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Your results")
        expect(page.locator(".quiz-score")).to_contain_text(f"{count} out of {count} (100%)")
