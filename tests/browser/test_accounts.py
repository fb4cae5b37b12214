"""Accounts, progress and review in Chromium: with JavaScript (htmx) and without,
axe-clean in light and dark, and at 360 px."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from lessons.models import Lesson
from quiz.models import AttemptQuestion
from tests.accounts.conftest import PASSWORD, Clock, confirmation_link
from tests.browser.conftest import assert_accessible
from tests.browser.test_quiz import answer, current_item, start_from_the_lesson
from tests.conftest import LESSON_4_URL

EMAIL = "learner@example.com"
QUESTION_URL = re.compile(r"/questions/\d+/$")


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """The review's clock, moved by the test (the live server runs in this process)."""
    moved = Clock()
    monkeypatch.setattr("accounts.clock.now", moved)
    return moved


def review_item(page: Page) -> AttemptQuestion:
    """The question on a review page: its attempt's one question."""
    attempt_id = re.search(r"/progress/review/(\d+)/", page.url).group(1)
    return AttemptQuestion.objects.select_related("question").get(attempt_id=attempt_id)


def new_page(browser: Browser, base_url: str, *, javascript: bool = True) -> Page:
    context = browser.new_context(base_url=base_url, java_script_enabled=javascript)
    return context.new_page()


def take_half_the_quiz(page: Page, base_url: str, *, wrong: set[int] = frozenset()) -> None:
    """Answer questions 1 to 5 of lesson 4's quiz, then leave it."""
    start_from_the_lesson(page, base_url)
    for number in range(1, 6):
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Question {number} of 10")
        answer(page, current_item(page), right=number not in wrong)
        page.locator("#feedback").get_by_role("link", name="Next question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Question 6 of 10")


def password_field(page: Page, field_id: str):
    """A password input, checked to be labelled "Password" (it has no role to find it by)."""
    field = page.locator(f"#{field_id}")
    expect(page.locator(f'label[for="{field_id}"]')).to_have_text(re.compile(r"^\s*Password"))
    return field


def sign_up(page: Page, base_url: str, email: str = EMAIL) -> None:
    """Sign up from the navigation, then confirm the address from the email's link."""
    nav = page.get_by_role("navigation", name="Main")
    if nav.locator("summary").is_visible():  # a phone's menu
        nav.locator("summary").click()
    nav.get_by_role("link", name="Log in").click()
    page.get_by_role("main").get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign up")
    page.get_by_label("Email address").fill(email)
    password_field(page, "id_password1").fill(PASSWORD)
    page.get_by_label("Confirm the password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    page.goto(base_url + confirmation_link(email))
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(base_url + "/progress/")


def log_in(page: Page, email: str = EMAIL) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    password_field(page, "id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your progress")


def lesson_4_entry(page: Page):
    return page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name=re.compile("Isolated vs Cross Margin"))
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_half_a_quiz_then_sign_up_and_find_it_on_another_browser(
    browser: Browser, base_url, javascript
):
    page = new_page(browser, base_url, javascript=javascript)
    take_half_the_quiz(page, base_url, wrong={2})
    sign_up(page, base_url)
    expect(page.get_by_text(f"Kept in your account ({EMAIL})")).to_be_visible()
    entry = lesson_4_entry(page)
    expect(entry.locator(".progress-status")).to_have_text("Read")
    expect(entry).to_contain_text("not finished")
    expect(page.get_by_role("link", name=re.compile("^Finish the quiz"))).to_be_visible()
    page.context.close()

    # A fresh browser: log in, see the same progress, and go on where it stopped.
    laptop = new_page(browser, base_url, javascript=javascript)
    log_in(laptop)
    expect(lesson_4_entry(laptop)).to_contain_text("not finished")
    expect(laptop.get_by_text("1 question comes back later")).to_be_visible()
    lesson_4_entry(laptop).get_by_role("link", name=re.compile("continue it")).click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Question 6 of 10")
    laptop.context.close()


def end_of_lesson_marks_nothing(page: Page) -> None:
    """Reaching the end starts no request and marks nothing (issue 27, item 10)."""
    fetches = []
    page.on("request", lambda request: "/progress/read/" in request.url and fetches.append(request))
    page.mouse.wheel(0, 100_000)
    page.locator("#lesson-progress").scroll_into_view_if_needed()
    page.wait_for_timeout(600)  # htmx looked for revealed elements every 200 ms
    assert fetches == []
    expect(page.locator("#lesson-read-status")).to_have_text("")


@pytest.mark.parametrize("record", [False, True], ids=["shared-page", "own-page"])
def test_the_learner_marks_a_lesson_read_with_the_button(page: Page, base_url, record):
    if record:  # a record of their own: the page holds the form itself
        page.goto(base_url + "/learn/beginner/liquidation-and-maintenance-margin/")
        page.get_by_role("link", name="Mark as read").click()
        expect(page.locator("#lesson-read-status")).to_have_text("You have read this lesson.")
    page.goto(base_url + LESSON_4_URL)
    page.evaluate("window.notReloaded = true")
    end_of_lesson_marks_nothing(page)
    role = "button" if record else "link"
    page.locator("#lesson-progress").get_by_role(role, name="Mark as read").click()
    # Posted by htmx: the words appear in the live region, the form goes.
    expect(page.locator("#lesson-read-status")).to_have_text("You have read this lesson.")
    expect(page.locator("#lesson-read-status")).to_have_attribute("role", "status")
    expect(page.get_by_role("button", name="Mark as read")).to_have_count(0)
    assert page.evaluate("window.notReloaded") is True
    page.goto(base_url + "/learn/")
    card = page.get_by_role("listitem").filter(has_text="Isolated vs Cross Margin")
    expect(card.locator(".read-mark")).to_have_text("Read")


# Leaving the shared lesson page while its "Mark as read" fetch could set a new
# visitor's first CSRF cookie: that cookie must not replace the one the next
# page's forms are made for (static/js/leaving.js). Each test holds a request
# with page.route, so the order is fixed, not left to timing.
READ_FETCH = "**/progress/read/**"
QUIZZES = "**/quiz/"


def go_to_the_quiz_list(page: Page) -> None:
    """Click Quiz in the main navigation, without waiting for a page held by a route."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Quiz").click(
        no_wait_after=True
    )


def start_from_the_quiz_list(page: Page, base_url: str) -> None:
    expect(page).to_have_url(base_url + "/quiz/")
    page.locator(".quiz-card-title").get_by_role("link").first.click()
    page.get_by_role("button", name="Start the quiz").click()  # its form's CSRF check passes
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Question 1 of \d+$"))


def wait_until(page: Page, condition, *, seconds: float = 5) -> None:
    """Let Playwright run (route handlers and events arrive meanwhile) until condition()."""
    for _ in range(int(seconds * 50)):
        if condition():
            return
        page.wait_for_timeout(20)
    raise AssertionError(f"still waiting after {seconds} s")


def test_a_read_fetch_in_flight_is_dropped_before_the_next_page_is_asked_for(page: Page, base_url):
    dropped = []
    page.on("requestfailed", lambda request: dropped.append(request.url))
    held_fetch, held_page = [], []
    page.route(READ_FETCH, lambda route: held_fetch.append(route))
    page.route(QUIZZES, lambda route: held_page.append(route))
    page.goto(base_url + LESSON_4_URL)
    page.locator("#lesson-progress").get_by_role("link", name="Mark as read").click()
    wait_until(page, lambda: held_fetch)  # the fetch is on its way, with no answer yet
    go_to_the_quiz_list(page)
    wait_until(page, lambda: held_page)
    # Dropped by the page it came from, while the next page has no answer yet.
    wait_until(page, lambda: dropped)
    assert dropped == [held_fetch[0].request.url]
    held_page[0].continue_()
    start_from_the_quiz_list(page, base_url)


def test_mark_as_read_is_a_plain_form_without_javascript(browser: Browser, base_url):
    page = new_page(browser, base_url, javascript=False)
    page.goto(LESSON_4_URL)
    # The shared page links to the form; once the visitor has a record, the form is on it.
    page.get_by_role("link", name="Mark as read").click()
    page.get_by_role("button", name="Mark as read").click()
    expect(page).to_have_url(re.compile(r"#lesson-progress$"))
    expect(page.locator("#lesson-read-status")).to_have_text("You have read this lesson.")
    page.goto("/learn/beginner/liquidation-and-maintenance-margin/")
    page.get_by_role("button", name="Mark as read").click()
    expect(page).to_have_url(re.compile(r"#lesson-progress$"))
    expect(page.locator("#lesson-read-status")).to_have_text("You have read this lesson.")
    page.goto("/progress/")
    expect(lesson_4_entry(page).locator(".progress-status")).to_have_text("Read")
    expect(page.get_by_text("2 of 4 read")).to_be_visible()
    page.context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_a_review_session_once_the_questions_are_due(browser: Browser, base_url, clock, javascript):
    page = new_page(browser, base_url, javascript=javascript)
    take_half_the_quiz(page, base_url, wrong={2, 3})
    page.goto("/progress/")
    expect(page.get_by_text("2 questions come back later")).to_be_visible()
    clock.forward(days=1, hours=1)
    page.reload()
    expect(page.get_by_text("2 questions due for review")).to_be_visible()
    page.get_by_role("button", name="Start the review").click()
    for remaining in (1, 0):
        expect(page.get_by_role("heading", level=1)).to_have_text("A question you missed before")
        answer(page, review_item(page), right=True)
        verdict = page.locator("#feedback").get_by_role("heading", level=2)
        expect(verdict).to_have_text("Correct")
        if javascript:
            expect(verdict).to_be_focused()
        expect(page.locator("#feedback")).to_contain_text("This question comes back on")
        if remaining:
            expect(page.locator("#feedback")).to_contain_text("1 more due.")
            page.get_by_role("button", name="Next question").click()
    page.get_by_role("link", name="Back to your progress").click()
    expect(page.get_by_text("2 questions come back later")).to_be_visible()
    page.context.close()


def test_errors_beside_the_fields_and_in_the_summary_keep_what_was_typed(page: Page, base_url):
    page.goto(base_url + "/accounts/signup/")
    page.get_by_label("Email address").fill("typed@example.com")
    password_field(page, "id_password1").fill("short")
    page.get_by_label("Confirm the password").fill("other")
    page.get_by_role("button", name="Sign up").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^Error: Sign up"))
    expect(page.get_by_label("Email address")).to_have_value("typed@example.com")
    expect(password_field(page, "id_password1")).to_have_value("")
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_password1")).to_be_focused()


def _check(page: Page, path: str | None = None) -> None:
    if path is not None:
        page.goto(path)
    expect(page.locator("main h1")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_new_page_has_no_accessibility_violations(browser: Browser, base_url, clock, scheme):
    page = new_page(browser, base_url)
    page.emulate_media(color_scheme=scheme)
    for path in (
        "/progress/",
        "/progress/review/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/data/",
        "/accounts/data/delete/",
        "/accounts/data/deleted/",
        "/accounts/confirm-email/not-a-key/",
        "/accounts/password/reset/key/0-not-a-key/",
        f"/progress/read/{Lesson.objects.published().first().pk}/",  # the shared page's link
    ):
        _check(page, path)
    for path, button in (
        ("/accounts/login/", "Log in"),
        ("/accounts/signup/", "Sign up"),
        ("/accounts/password/reset/", "Send me the link"),
        ("/accounts/data/delete/", "Delete everything"),
    ):
        page.goto(path)
        page.get_by_role("button", name=button).click()
        if path != "/accounts/password/reset/":
            expect(page.locator(".error-summary")).to_be_visible()
        _check(page)  # its errors
    page.goto(LESSON_4_URL)
    page.locator("#lesson-progress").get_by_role("link", name="Mark as read").click()
    expect(page.locator("#lesson-read-status")).to_have_text("You have read this lesson.")
    assert_accessible(page)  # the lesson's end, marked read

    take_half_the_quiz(page, base_url, wrong={2})
    page.goto("/accounts/signup/")
    page.get_by_label("Email address").fill(EMAIL)
    password_field(page, "id_password1").fill(PASSWORD)
    page.get_by_label("Confirm the password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    _check(page)  # check your email
    _check(page, confirmation_link(EMAIL))
    page.get_by_role("button", name="Confirm").click()
    _check(page)  # the progress page, with a quiz half done
    clock.forward(days=1, hours=1)
    _check(page, "/progress/review/")
    page.get_by_role("button", name="Start the review").click()
    _check(page)  # a review question
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator(".error-summary")).to_be_visible()
    _check(page)
    answer(page, review_item(page), right=False)
    expect(page.locator("#feedback h2")).to_have_text("Not quite")
    _check(page)  # its feedback
    for path in (
        "/accounts/",
        "/accounts/password/change/",
        "/accounts/email/",
        "/accounts/logout/",
        "/accounts/data/delete/",  # asks for the password first
    ):
        _check(page, path)
    page.context.close()


def test_the_new_pages_fit_a_360px_screen(browser: Browser, base_url, clock):
    page = new_page(browser, base_url)
    page.set_viewport_size({"width": 360, "height": 740})
    take_half_the_quiz(page, base_url, wrong={2})
    clock.forward(days=1, hours=1)
    for path in ("/progress/", "/progress/review/", "/accounts/login/", "/accounts/signup/"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    page.goto("/progress/review/")
    page.get_by_role("button", name="Start the review").click()
    answer(page, review_item(page), right=True)
    expect(page.locator("#feedback h2")).to_have_text("Correct")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    sign_up(page, base_url)
    for path in ("/progress/", "/accounts/", "/accounts/data/"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    page.context.close()
