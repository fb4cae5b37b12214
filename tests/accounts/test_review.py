"""Review: questions missed come back after 1, 3, 7 and 21 days with fresh figures,
until answered right twice in a row; anonymously, and following the account."""

import html
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import INTERVALS, ReviewItem
from quiz.models import Attempt, Question
from tests.accounts.conftest import answer_all, log_in, wrong_answer
from tests.quiz.conftest import item, question_url, right_answer, start

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
NUMERIC = 6  # the margin quiz's question 6 is numeric


def text(response) -> str:
    return html.unescape(response.content.decode())


def next_review(client: Client) -> Attempt:
    """Press "Start the review" (or "Next question"): the attempt asking the next due question."""
    response = client.post("/progress/review/next/")
    match = re.fullmatch(r"/progress/review/(\d+)/", response["Location"])
    assert match, response["Location"]
    return Attempt.objects.get(pk=match.group(1))


def answer_review(client: Client, attempt: Attempt, *, right: bool, **extra):
    entry = item(attempt, 1)
    data = right_answer(entry) if right else wrong_answer(entry)
    return client.post(f"/progress/review/{attempt.pk}/", data, **extra)


def due(client: Client) -> int:
    found = re.search(r"(\d+) questions? due for review", text(client.get("/progress/")))
    return int(found.group(1)) if found else 0


# --------------------------------------------------------------------------- the schedule


def make_item(at) -> ReviewItem:
    return ReviewItem(question_id=1, visitor="v", missed_at=at, due_at=at + INTERVALS[0])


def test_a_missed_question_comes_back_after_1_3_7_and_21_days():
    at = timezone.now()
    review = make_item(at)
    assert review.due_at == at + timedelta(days=1)
    gaps = []
    for _ in range(5):
        at = review.due_at
        review.answered(is_correct=False, at=at)
        gaps.append((review.due_at - at).days)
    assert gaps == [3, 7, 21, 21, 21]
    assert not review.is_done


def test_it_leaves_the_review_once_answered_right_twice_in_a_row():
    at = timezone.now()
    review = make_item(at)
    review.answered(is_correct=True, at=at + timedelta(days=1))
    assert review.right_in_a_row == 1 and not review.is_done
    review.answered(is_correct=False, at=at + timedelta(days=4))
    assert review.right_in_a_row == 0
    review.answered(is_correct=True, at=at + timedelta(days=11))
    assert not review.is_done
    review.answered(is_correct=True, at=at + timedelta(days=32))
    assert review.is_done
    assert not review.is_due(at + timedelta(days=400))


def test_missing_it_again_in_a_quiz_starts_its_review_over():
    at = timezone.now()
    review = make_item(at)
    review.answered(is_correct=True, at=at + timedelta(days=1))
    review.answered(is_correct=True, at=at + timedelta(days=4))
    assert review.is_done
    again = at + timedelta(days=30)
    review.missed(again)
    assert not review.is_done
    assert (review.due_at, review.returns, review.right_in_a_row) == (again + INTERVALS[0], 0, 0)


# --------------------------------------------------------------------------- review pages


def test_review_a_missed_question_the_next_day_without_javascript(client, margin_quiz, clock):
    attempt = start(client)
    answer_all(client, attempt, wrong={2})
    missed = item(attempt, 2).question
    assert due(client) == 0
    assert "1 question comes back later" in text(client.get("/progress/review/"))
    clock.forward(days=1, minutes=1)
    assert due(client) == 1
    review = next_review(client)
    assert review.is_review and review.total == 1
    entry = item(review, 1)
    assert entry.question == missed
    page = text(client.get(f"/progress/review/{review.pk}/"))
    assert "A question you missed before" in page
    assert "Check answer" in page
    response = answer_review(client, review, right=True)
    assert response["Location"] == f"/progress/review/{review.pk}/"
    page = text(client.get(response["Location"]))
    assert "Correct" in page
    back = (clock() + timedelta(days=3)).strftime("%-d %b %Y")
    assert f"This question comes back on {back}." in page
    assert "Nothing more is due for review now." in page
    stored = ReviewItem.objects.get()
    assert (stored.returns, stored.right_in_a_row, stored.attempt) == (1, 1, None)
    # A review is not a quiz attempt: the best score and the history are the quiz's.
    assert "Your best quiz score: 90%" in text(client.get("/learn/"))
    assert review.pk not in [a.pk for a in client.get("/quiz/history/").context["attempts"]]


def test_review_with_htmx_swaps_the_feedback_in(client, margin_quiz, clock):
    answer_all(client, start(client), wrong={1, 2})
    clock.forward(days=2)
    review = next_review(client)
    page = text(answer_review(client, review, right=False, **HTMX))
    assert '<div id="feedback" hx-swap-oob="innerHTML">' in page
    assert "Not quite" in page
    assert "Next question" in page and "1 more due." in page
    second = next_review(client)
    assert second != review
    page = text(answer_review(client, second, right=True, **HTMX))
    assert "Back to your progress" in page


def test_a_numeric_question_comes_back_with_fresh_figures(client, margin_quiz, clock):
    attempt = start(client)
    answer_all(client, attempt, wrong={NUMERIC})
    original = item(attempt, NUMERIC)
    assert original.question.kind == Question.Kind.NUMERIC
    clock.forward(days=1, hours=1)
    review = next_review(client)
    entry = item(review, 1)
    assert entry.question == original.question
    assert entry.seed != original.seed
    answer_review(client, review, right=True)
    assert ReviewItem.objects.get().right_in_a_row == 1


def test_leaving_a_review_question_unanswered_brings_back_the_same_one(client, margin_quiz, clock):
    answer_all(client, start(client), wrong={NUMERIC})
    clock.forward(days=1, hours=1)
    first = next_review(client)
    assert next_review(client) == first  # same question, same figures
    assert Attempt.objects.filter(is_review=True).count() == 1


def test_nothing_due_says_so(client, margin_quiz):
    response = client.post("/progress/review/next/")
    assert response["Location"] == "/progress/review/"
    assert "Nothing is due for review just now." in text(client.get("/progress/review/"))


def test_a_review_answer_counts_once(client, margin_quiz, clock):
    answer_all(client, start(client), wrong={2})
    clock.forward(days=1, hours=1)
    review = next_review(client)
    answer_review(client, review, right=True)
    response = answer_review(client, review, right=True)
    assert response.status_code == 409
    assert "Your first answer stands" in text(response)
    assert ReviewItem.objects.get().right_in_a_row == 1


def test_review_form_errors_are_beside_the_field_and_in_the_summary(client, margin_quiz, clock):
    answer_all(client, start(client), wrong={NUMERIC})
    clock.forward(days=1, hours=1)
    review = next_review(client)
    page = text(client.post(f"/progress/review/{review.pk}/", {"answer": "a lot"}))
    assert "<title>Error: Review" in page
    assert 'class="error-summary"' in page
    assert 'value="a lot"' in page  # what was typed stays
    assert ReviewItem.objects.get().returns == 0


def test_an_answer_given_on_the_quiz_page_instead_still_counts(client, margin_quiz, clock):
    answer_all(client, start(client), wrong={2})
    clock.forward(days=1, hours=1)
    review = next_review(client)
    # The same attempt answered at the quiz's own address.
    client.post(question_url(review, 1), right_answer(item(review, 1)))
    text(client.get("/progress/"))
    stored = ReviewItem.objects.get()
    assert (stored.returns, stored.right_in_a_row, stored.attempt) == (1, 1, None)


def test_a_question_missed_again_in_a_later_quiz_starts_over(client, margin_quiz, clock):
    answer_all(client, start(client), wrong={2})
    for days in (1, 3):
        clock.forward(days=days, hours=1)
        answer_review(client, next_review(client), right=True)
    assert ReviewItem.objects.get().is_done
    answer_all(client, start(client), wrong={2})
    text(client.get("/progress/"))
    stored = ReviewItem.objects.get()
    assert not stored.is_done and stored.returns == 0


def test_the_whole_schedule_through_the_pages(client, margin_quiz, clock):
    """Missed, then wrong, right, wrong, right, right: back after 1, 3, 7, 21, 21 days."""
    answer_all(client, start(client), wrong={2})
    for days, right in [(1, False), (3, True), (7, False), (21, True), (21, True)]:
        clock.forward(days=days, minutes=-1)
        assert due(client) == 0, days
        clock.forward(minutes=2)
        assert due(client) == 1, days
        answer_review(client, next_review(client), right=right)
    assert ReviewItem.objects.get().is_done
    assert "No questions to review." in text(client.get("/progress/"))


def test_review_works_anonymously_and_follows_the_account(client, margin_quiz, clock, learner):
    answer_all(client, start(client), wrong={2, 3})
    clock.forward(days=1, hours=1)
    answer_review(client, next_review(client), right=True)
    log_in(client, learner.email)
    assert set(ReviewItem.objects.values_list("user", flat=True)) == {learner.pk}
    # Another device, the same account.
    laptop = Client()
    log_in(laptop, learner.email)
    assert due(laptop) == 1
    answer_review(laptop, next_review(laptop), right=False)
    assert due(laptop) == 0 and due(client) == 0


def test_a_question_retired_from_its_quiz_comes_back_no_more(client, margin_quiz, clock):
    attempt = start(client)
    answer_all(client, attempt, wrong={1, 2})
    Question.objects.filter(pk=item(attempt, 2).question_id).update(is_retired=True)
    clock.forward(days=1, hours=1)
    assert due(client) == 1
    review = next_review(client)
    assert item(review, 1).question_id == item(attempt, 1).question_id
    page = text(answer_review(client, review, right=True, follow=True))
    assert "Nothing more is due for review now." in page
    assert client.post("/progress/review/next/")["Location"] == "/progress/review/"
