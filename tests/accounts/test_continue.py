"""Continue where you left off (issue 28, item 5): a returning learner's home and Learn
pages show the next step and the reviews due; the shared pages stay shared."""

import html

import pytest
from django.test import Client

from lessons.models import Lesson
from tests.accounts.conftest import answer_all
from tests.quiz.conftest import start

pytestmark = pytest.mark.django_db

TITLE = "Continue where you left off"


def text(response) -> str:
    return html.unescape(response.content.decode())


def first_lessons() -> list[Lesson]:
    return list(
        Lesson.objects.published().filter(level__kind="track").order_by("level__position", "number")
    )


@pytest.mark.parametrize("url", ["/", "/learn/"])
def test_a_new_visitor_gets_the_shared_page_with_no_signpost(
    client, url, django_assert_num_queries
):
    assert TITLE not in text(client.get(url))
    with django_assert_num_queries(0):
        response = client.get(url)
    assert TITLE not in text(response)


@pytest.mark.parametrize("url", ["/", "/learn/"])
def test_a_returning_visitor_is_shown_the_next_lesson(client, url):
    one, two, *_ = first_lessons()
    client.post(f"/progress/read/{one.pk}/")
    page = text(client.get(url))
    assert TITLE in page
    assert f'Next lesson to read: <a href="{two.get_absolute_url()}">Lesson 2: {two.title}' in page
    # Their page is theirs: the next visitor gets the shared one, with no signpost.
    assert TITLE not in text(Client().get(url))


def test_reviews_due_are_counted_and_linked(client, clock, margin_quiz):
    attempt = start(client)
    answer_all(client, attempt, wrong={1, 2})
    page = text(client.get("/"))
    assert "due for review" not in page  # a missed question comes back after a day
    clock.forward(days=1, hours=1)
    page = text(client.get("/"))
    assert "2 questions due for review</a>" in page
    assert 'href="/progress/review/"' in page
