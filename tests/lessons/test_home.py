"""The home page is the map of the academy (issue 27, item 1)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from lessons.models import Lesson, Level

pytestmark = pytest.mark.django_db


def links(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


def main(html: str) -> str:
    return html[html.index('<main id="main"') : html.index("</main>")]


def test_the_home_page_links_every_published_lesson_of_every_level():
    html = main(Client().get("/").content.decode())
    found = links(html)
    published = list(Lesson.objects.published().select_related("level"))
    assert {lesson.level.kind for lesson in published} == {"track", "strategies"}
    assert {lesson.get_absolute_url() for lesson in published} <= found
    for level in Level.objects.all():
        assert level.get_absolute_url() in found
        assert level.name in html


def test_the_home_page_leads_to_every_part_of_the_academy():
    found = links(main(Client().get("/").content.decode()))
    places = [
        "simulator:index", "simulator:replay", "tools:index", "tools:liquidation_price",
        "tools:position_size", "tools:pnl", "quiz:index", "progress:index", "account_signup",
    ]  # fmt: skip
    assert {reverse(name) for name in places} <= found


def test_a_new_level_appears_on_the_home_page_by_itself():
    Client().get("/")  # cached before the level exists
    level = Level.objects.create(
        name="Expert", slug="expert", position=20, description="Portfolio margin."
    )
    lesson = Lesson.objects.create(
        level=level,
        number=1,
        slug="expert-margin",
        title="Portfolio Margin",
        summary="One pot for everything.",
        body="## Portfolio margin {#portfolio}\n\nText.",
        is_published=True,
    )
    html = main(Client().get("/").content.decode())
    assert "Expert" in html and "Portfolio margin." in html
    assert lesson.get_absolute_url() in links(html)


def test_the_home_page_stays_the_same_for_everyone(django_user_model, django_assert_num_queries):
    """A shared page from the cache: nothing of a visitor's record or account is in it.
    Someone logged in gets the same map, with where to continue on top (issue 28, item 5)."""
    anonymous = Client().get("/")
    assert not anonymous.cookies
    with django_assert_num_queries(0):
        Client().get("/")  # the next visitor's comes from the cache
    user = django_user_model.objects.create_user("reader", "reader@example.com", "pw-1234-long")
    client = Client()
    client.force_login(user)
    theirs = main(client.get("/").content.decode())
    assert "Continue where you left off" in theirs
    assert "Continue where you left off" not in anonymous.content.decode()
    signpost = re.compile(r'<section class="continue-panel".*?</section>\n', re.S)
    words = " ".join(signpost.sub("", theirs).split())
    assert words == " ".join(main(anonymous.content.decode()).split())


def test_the_simulator_page_links_to_the_replay_before_any_result():
    html = main(Client().get(reverse("simulator:index")).content.decode())
    assert "results-summary" not in html  # no result yet
    assert reverse("simulator:replay") in links(html)
