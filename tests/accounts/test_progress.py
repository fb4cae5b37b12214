"""Lessons read (to the end, or by taking their quiz), the progress page, and the
same marks on the Learn page."""

import html
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import LessonRead
from lessons.models import Lesson
from quiz import services as quiz_services
from quiz.models import Quiz
from quiz.visitors import Owner
from tests.accounts.conftest import answer_all, log_in
from tests.conftest import LESSON_4_URL
from tests.quiz.conftest import item, question_url, right_answer, start
from tests.visitors import be_visitor, visitor_of

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    return html.unescape(response.content.decode())


def read_url(lesson: Lesson) -> str:
    return f"/progress/read/{lesson.pk}/"


def lesson_entry(page: str, title: str) -> str:
    """The progress page's entry for the lesson titled `title`."""
    start_at = page.index(f": {title}</a>")
    return page[start_at : page.index("</li>", start_at)]


def test_the_shared_lesson_page_links_to_a_plain_form_that_marks_it_read(client, lesson_4):
    page = text(client.get(LESSON_4_URL))
    # No form and no token on the page everyone shares: it sets no cookie.
    end = page[page.index('id="lesson-progress"') :]
    assert "csrfmiddlewaretoken" not in end
    link = re.search(r'<a class="btn btn-outline-primary"[^>]*>Mark as read</a>', end).group(0)
    assert f'href="{read_url(lesson_4)}"' in link
    # With htmx a click fetches the form (no trigger: a link's click); nothing on reaching it.
    assert f'hx-get="{read_url(lesson_4)}"' in link
    assert "hx-trigger" not in end
    form_page = text(client.get(read_url(lesson_4)))
    assert f"<h1>Mark “{lesson_4.title}” as read</h1>" in form_page
    assert 'name="csrfmiddlewaretoken"' in form_page
    response = client.post(read_url(lesson_4))
    assert response["Location"] == LESSON_4_URL + "#lesson-progress"
    page = text(client.get(LESSON_4_URL))
    assert "You have read this lesson." in page
    assert "Mark as read" not in page
    assert LessonRead.objects.get().lesson == lesson_4


def test_a_visitor_with_a_record_gets_the_form_itself(client, lesson_4, margin_quiz):
    start(client)  # a record of their own (and lesson 4 read by taking its quiz)
    other = Lesson.objects.published().first()
    page = text(client.get(other.get_absolute_url()))
    form = re.search(r'<form class="lesson-read-form"[^>]*>', page).group(0)
    assert f'hx-post="{read_url(other)}"' in form
    assert "hx-trigger" not in form  # posted by its button, not on coming into view
    assert 'name="csrfmiddlewaretoken"' in page


def test_with_htmx_the_form_goes_and_the_words_go_into_the_live_region(client, lesson_4):
    # A click on the shared page's link fetches the form, which posts itself at once.
    fetched = text(client.get(read_url(lesson_4), **HTMX))
    assert 'hx-trigger="load"' in fetched
    assert 'name="csrfmiddlewaretoken"' in fetched
    page = text(client.post(read_url(lesson_4), **HTMX))
    # Nothing replaces the form; the status region, there from the start, gets the words.
    assert page.strip().startswith('<div id="lesson-read-status" hx-swap-oob="innerHTML">')
    assert "You have read this lesson." in page
    assert '<div id="lesson-read-status" role="status">' in text(client.get(LESSON_4_URL))
    # Fetched again (another tab): nothing to post, the words straight away.
    assert "You have read this lesson." in text(client.get(read_url(lesson_4), **HTMX))


def test_marking_twice_keeps_one_mark(client, lesson_4):
    client.post(read_url(lesson_4))
    client.post(read_url(lesson_4), **HTMX)
    assert LessonRead.objects.count() == 1


def test_only_published_lessons_can_be_marked(client, lesson_4):
    lesson_4.is_published = False
    lesson_4.save()
    assert client.post(read_url(lesson_4)).status_code == 404
    assert client.get(read_url(lesson_4)).status_code == 404
    assert client.post("/progress/read/999999/").status_code == 404
    assert client.put(read_url(lesson_4)).status_code == 405
    assert not LessonRead.objects.exists()


def test_marking_read_needs_the_csrf_token(lesson_4):
    for _ in range(2):  # the lesson page rendered, then from the shared cache
        visitor = Client(enforce_csrf_checks=True)
        response = visitor.get(LESSON_4_URL)
        assert not response.cookies  # anyone, and any cache, can share it
        assert visitor.post(read_url(lesson_4)).status_code == 403
        form = visitor.get(read_url(lesson_4)).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        assert visitor.post(read_url(lesson_4), {"csrfmiddlewaretoken": token}).status_code == 302
    assert LessonRead.objects.count() == 2


def test_taking_a_lesson_quiz_counts_as_reading_it(client, margin_quiz):
    start(client)
    page = text(client.get("/progress/"))
    assert "Read</span>" in lesson_entry(page, margin_quiz.lesson.title)
    assert "You have read this lesson." in text(client.get(LESSON_4_URL))


def test_the_learn_page_shows_the_marks_beside_the_lessons(client, lesson_4, margin_quiz):
    assert "read-mark" not in text(client.get("/learn/"))
    client.post(read_url(lesson_4))
    page = text(client.get("/learn/"))
    card = page[page.index(lesson_4.title) :]
    card = card[: card.index("</li>")]
    assert '<span class="read-mark">' in card
    assert "</svg> Read</span>" in card  # the word with the icon, not colour alone
    assert page.count('class="read-mark"') == 1
    attempt = start(client)
    answer_all(client, attempt)
    page = text(client.get("/learn/"))
    assert "Your best quiz score: 100%" in page


def test_the_learn_page_stays_shared_for_visitors_with_nothing_of_their_own(
    client, lesson_4, django_assert_num_queries
):
    client.get("/learn/")
    with django_assert_num_queries(0):
        client.get("/learn/")
    client.post(read_url(lesson_4))  # now they have something of their own
    with CaptureQueriesContext(connection) as queries:
        client.get("/learn/")
    assert any("accounts_lessonread" in query["sql"] for query in queries.captured_queries)
    with django_assert_num_queries(0):
        Client().get("/learn/")


# --------------------------------------------------------------------------- the progress page


def test_a_new_visitor_sees_every_lesson_not_read_and_where_to_start(client):
    page = text(client.get("/progress/"))
    assert "<h1>Your progress</h1>" in page
    assert "Kept in this browser only" in page
    lessons = Lesson.objects.published()
    assert page.count("Not read yet</span>") == lessons.count()
    first = lessons.select_related("level").filter(level__kind="track").first()
    assert f"Read Lesson 1: {first.title}" in page
    assert "No questions to review." in page
    assert visitor_of(client) is None  # looking creates no record


def test_the_progress_page_shows_read_best_score_last_attempt_and_next_step(client, margin_quiz):
    lessons = list(Lesson.objects.published().filter(level__slug="beginner"))
    for lesson in lessons[:3]:
        client.post(read_url(lesson))
    first = start(client)
    answer_all(client, first, wrong={1, 2, 3})  # 70%: not a pass
    page = text(client.get("/progress/"))
    entry = lesson_entry(page, margin_quiz.lesson.title)
    assert "Read</span>" in entry
    assert "70% (not passed: the pass mark is 80%)" in entry
    assert re.search(r"\d+ \w+ \d{4}: 7 of 10 \(70%\)", entry)
    # The path's first step not done: lesson 1's quiz.
    quiz_1 = Quiz.objects.get(lesson=lessons[0])
    assert f"Take the quiz “{quiz_1.title}”" in page
    assert f"You have read Lesson 1: {lessons[0].title} but not passed its quiz yet." in page
    assert "3 questions due for review" not in page  # missed today: due tomorrow
    assert "3 questions come back later" in page

    # A better attempt left half-way: the best stays, the last is the unfinished one,
    # and the next step is to finish it.
    second = start(client)
    client.post(question_url(second, 1), right_answer(item(second, 1)))
    page = text(client.get("/progress/"))
    entry = lesson_entry(page, margin_quiz.lesson.title)
    assert "70% (not passed" in entry
    assert "not finished, <a href=" in entry
    assert f"Finish the quiz “{margin_quiz.title}”" in page


def test_the_next_step_is_to_retake_a_quiz_not_passed(client, margin_quiz):
    for lesson in Lesson.objects.published().filter(level__slug="beginner"):
        client.post(read_url(lesson))
        if lesson != margin_quiz.lesson:
            answer_all(client, start_quiz(client, Quiz.objects.get(lesson=lesson).pk))
    answer_all(client, start(client), wrong={1, 2, 3})
    page = text(client.get("/progress/"))
    assert f"Retake the quiz “{margin_quiz.title}”" in page
    assert "Your best score is 70%; the pass mark is 80%." in page


def test_the_next_step_is_the_first_lesson_not_read(client):
    lessons = list(Lesson.objects.published().filter(level__kind="track"))
    quizzes = dict(Quiz.objects.values_list("lesson_id", "pk"))
    # Read the first lesson and pass its quiz if it has one.
    client.post(read_url(lessons[0]))
    if lessons[0].pk in quizzes:
        attempt = start_quiz(client, quizzes[lessons[0].pk])
        answer_all(client, attempt)
    page = text(client.get("/progress/"))
    assert f"Read Lesson {lessons[1].number}: {lessons[1].title}" in page


def start_quiz(client: Client, quiz_id: int):
    quiz = Quiz.objects.get(pk=quiz_id)
    response = client.post(quiz.get_absolute_url())
    attempt_id = int(re.search(r"/attempts/(\d+)/", response["Location"]).group(1))
    return quiz.attempts.get(pk=attempt_id)


def test_every_lesson_read_and_quiz_passed_leaves_no_next_step(client):
    owner = Owner(visitor="v" * 32)
    be_visitor(client, owner.visitor)
    for lesson in Lesson.objects.published():
        LessonRead.objects.create(lesson=lesson, visitor=owner.visitor, read_at=lesson.updated_at)
    for quiz in Quiz.objects.published():
        attempt = quiz_services.attempt_start(quiz=quiz, owner=owner)
        for entry in attempt.items.select_related("question"):
            quiz_services.answer_submit(item=entry, answer=_right(entry))
    page = text(client.get("/progress/"))
    assert "You have read every lesson and passed every quiz." in page
    assert "Not read yet" not in page


def _right(entry):
    post = right_answer(entry)["answer"]
    if entry.question.is_numeric:
        from core.numbers import parse_number

        return quiz_services.Answer(number=parse_number(post), text=post)
    ids = post if isinstance(post, list) else [post]
    return quiz_services.Answer(choice_ids=tuple(int(pk) for pk in ids))


def test_a_logged_in_learner_sees_where_their_progress_is_kept(client, learner):
    log_in(client, learner.email)
    page = text(client.get("/progress/"))
    assert f"Kept in your account ({learner.email})" in page
    assert 'aria-current="page">Progress</a>' in page


@pytest.mark.parametrize("count", [1, 50])
def test_the_progress_page_needs_the_same_few_queries_however_many_attempts(
    client, learner, margin_quiz, count, django_assert_num_queries
):
    log_in(client, learner.email)
    owner = Owner(visitor="", user_id=learner.pk)
    for _ in range(count):
        attempt = quiz_services.attempt_start(quiz=margin_quiz, owner=owner)
        for entry in attempt.items.select_related("question").order_by("number")[:5]:
            quiz_services.answer_submit(item=entry, answer=_right(entry))
    client.get("/progress/")  # shows the log-in message, so it is not kept
    # Built: session, user, the record's fingerprint; review items, misses (the review
    # brought up to date); attempts, lessons read; the fingerprint again, to keep it under.
    with django_assert_num_queries(8):
        built = client.get("/progress/")
    # Kept: session, user, the fingerprint.
    with django_assert_num_queries(3):
        kept = client.get("/progress/")
    assert kept.status_code == 200
    assert _without_nonce(text(kept)) == _without_nonce(text(built))


def _without_nonce(page: str) -> str:
    return re.sub(r'nonce="[^"]+"', "", page)


def test_the_kept_page_follows_every_change_to_the_record(client, margin_quiz, lesson_4):
    client.get("/progress/")
    start(client)
    page = text(client.get("/progress/"))
    assert "not finished, <a href" in lesson_entry(page, lesson_4.title)
    answer_all(client, start(client))
    page = text(client.get("/progress/"))
    assert "10 of 10 (100%)" in lesson_entry(page, lesson_4.title)
    other = Lesson.objects.published().exclude(pk=lesson_4.pk).first()
    assert "Not read yet" in lesson_entry(page, other.title)
    client.post(read_url(other))
    assert "Not read yet" not in lesson_entry(text(client.get("/progress/")), other.title)


def test_a_kept_page_is_one_learners_own(client, learner, margin_quiz, lesson_4):
    answer_all(client, start(client))
    assert "100%" in lesson_entry(text(client.get("/progress/")), lesson_4.title)
    newcomer = Client()
    assert "Not taken yet" in lesson_entry(text(newcomer.get("/progress/")), lesson_4.title)
    log_in(newcomer, learner.email)
    newcomer.get("/progress/")
    page = text(newcomer.get("/progress/"))
    assert f"Kept in your account ({learner.email})" in page
    assert "Not taken yet" in lesson_entry(page, lesson_4.title)


def test_a_review_falling_due_renews_the_kept_page(client, margin_quiz, clock):
    answer_all(client, start(client), wrong={2})
    page = text(client.get("/progress/"))
    assert "Nothing is due for review now. 1 question comes back later" in page
    clock.forward(hours=23)
    assert "Nothing is due for review now." in text(client.get("/progress/"))
    clock.forward(hours=1, seconds=1)
    assert "1 question due for review." in text(client.get("/progress/"))


def test_messages_are_shown_once_and_not_kept(client, learner):
    log_in(client, learner.email)  # allauth says who logged in
    first = text(client.get("/progress/"))
    assert "account-messages" in first
    assert "account-messages" not in text(client.get("/progress/"))


def test_the_records_fingerprint_moves_with_each_change(client, margin_quiz, lesson_4, clock):
    from accounts import selectors, services

    seen = [selectors.record_version(owner=None)]

    def moved() -> None:
        owner = Owner(visitor=visitor_of(client))
        seen.append(selectors.record_version(owner=owner))
        assert seen[-1] != seen[-2]

    attempt = start(client)
    moved()  # an attempt started (its quiz counts its lesson read, too)
    client.post(question_url(attempt, 1), right_answer(item(attempt, 1)), **HTMX)
    moved()  # an answer
    other = Lesson.objects.published().exclude(pk=lesson_4.pk).first()
    client.post(read_url(other))
    moved()  # a lesson read
    answer_all(client, start(client), wrong={2})
    owner = Owner(visitor=visitor_of(client))
    services.review_sync(owner=owner, at=clock())
    moved()  # a question into review
    clock.forward(days=1, seconds=1)
    client.post("/progress/review/next/")
    moved()  # a review question asked
