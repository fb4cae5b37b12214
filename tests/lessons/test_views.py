import re

import pytest
from django.urls import reverse

from lessons.models import Lesson
from tests.conftest import LESSON_4_URL

pytestmark = pytest.mark.django_db

# Every figure the content brief asks lesson 4 to teach.
BRIEF_FIGURES = [
    "$10,000", "10x", "$1,000", "$5,000", "$500", "$4,500", "$2,500", "5x", "$3,500",
    "12%", "$4,000", "54,271", "9.5%", "30,226", "49.6%", "$3,800", "60,000", "3,000", "0.5%",
]  # fmt: skip


def test_shipped_lessons_are_loaded_into_a_fresh_database():
    beginner = Lesson.objects.published().filter(level__slug="beginner")
    titles = list(beginner.values_list("number", "title"))
    assert titles == [
        (1, "What Is a Perpetual Future?"),
        (2, "Leverage and Margin"),
        (3, "Liquidation and Maintenance Margin"),
        (4, "Isolated vs Cross Margin"),
    ]


@pytest.mark.parametrize("url", ["/", "/learn/", "/learn/beginner/", LESSON_4_URL])
def test_pages_render(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"


def test_home_leads_to_the_beginner_track(client):
    html = client.get("/").content.decode()
    assert 'href="/learn/beginner/"' in html
    assert f'href="{LESSON_4_URL}"' in html


def test_learn_lists_every_published_lesson_in_order(client):
    html = client.get(reverse("lessons:index")).content.decode()
    positions = [html.index(lesson.title) for lesson in Lesson.objects.published()]
    assert positions == sorted(positions)


def test_lesson_4_shows_every_figure_from_the_brief(client):
    html = client.get(LESSON_4_URL).content.decode()
    missing = [figure for figure in BRIEF_FIGURES if figure not in html]
    assert missing == []


def test_lesson_4_has_breadcrumb_title_summary_and_reading_time(client):
    response = client.get(LESSON_4_URL)
    html = response.content.decode()
    crumbs = re.search(r'<nav[^>]*aria-label="Breadcrumb".*?</nav>', html, re.S).group(0)
    assert re.findall(r"<li[^>]*>\s*(?:<a[^>]*>)?([^<]+)", crumbs) == [
        "Learn",
        "Beginner",
        "Lesson 4",
    ]
    assert 'aria-current="page">Lesson 4</li>' in crumbs
    assert '<h1 id="lesson-title">Isolated vs Cross Margin</h1>' in html
    assert "how the two margin modes differ" in html
    assert re.search(r"\d+ min read", html)


def test_table_of_contents_links_to_every_section(client):
    html = client.get(LESSON_4_URL).content.decode()
    toc = re.search(r'<nav class="lesson-toc".*?</nav>', html, re.S).group(0)
    anchors = re.findall(r'href="#([^"]+)"', toc)
    for section in [
        "what-margin-is",
        "isolated-margin",
        "cross-margin",
        "comparison",
        "when-to-use-which",
        "beginners-rule",
    ]:
        assert section in anchors
    for anchor in anchors:
        assert f'id="{anchor}"' in html


def test_comparison_table_is_accessible(client):
    html = client.get(LESSON_4_URL).content.decode()
    table = re.search(r"<table>.*?</table>", html, re.S).group(0)
    assert "<caption>" in table
    assert table.count('scope="col"') == 3
    assert table.count('scope="row"') == 6


def test_warning_and_beginners_rule_are_call_outs(client):
    html = client.get(LESSON_4_URL).content.decode()
    assert '<div class="admonition warning">' in html
    assert '<div class="admonition tip">' in html
    assert "The beginner&#x27;s rule" in html or "The beginner's rule" in html


def test_previous_and_next_links_follow_the_path(client):
    html = client.get("/learn/beginner/liquidation-and-maintenance-margin/").content.decode()
    assert 'rel="prev" href="/learn/beginner/leverage-and-margin/"' in html
    assert f'rel="next" href="{LESSON_4_URL}"' in html
    first = client.get("/learn/beginner/what-is-a-perpetual-future/").content.decode()
    assert 'rel="prev"' not in first


def test_the_last_lesson_of_a_level_leads_to_the_next_level_and_the_last_track_to_the_strategies(
    client,
):
    # Issue 27, item 12: lesson 10 led nowhere. Since issue 29 it leads to the Advanced level,
    # whose last lesson leads to the Strategies.
    def pager(url: str) -> str:
        html = client.get(url).content.decode()
        return re.sub(r"\s+", " ", html[html.index('class="lesson-pager"') :])

    lesson_4 = pager(LESSON_4_URL)
    assert 'rel="next" href="/learn/intermediate/mark-price/"' in lesson_4
    assert "Next level: Intermediate</span> Mark Price" in lesson_4
    lesson_10 = pager("/learn/intermediate/hedging-in-cross-margin/")
    advanced = Lesson.objects.published().filter(level__slug="advanced").order_by("number")
    assert f'rel="next" href="{advanced.first().get_absolute_url()}"' in lesson_10
    assert f"Next level: Advanced</span> {advanced.first().title}</a>" in lesson_10
    last_lesson = pager(advanced.last().get_absolute_url())
    assert 'rel="next" href="/strategies/"' in last_lesson
    assert '<span class="lesson-pager-label">Next section</span> Strategies</a>' in last_lesson
    assert "Next lesson" in pager("/learn/beginner/leverage-and-margin/")
    last_strategy = pager("/strategies/hedge-on-coin-collateral/")
    assert 'rel="next"' not in last_strategy


def test_unpublished_lesson_is_not_found(client, lesson_4):
    lesson_4.is_published = False
    lesson_4.save()
    assert client.get(LESSON_4_URL).status_code == 404
    assert lesson_4.title not in client.get("/learn/").content.decode()


def test_unknown_level_and_lesson_are_not_found(client):
    assert client.get("/learn/expert/").status_code == 404
    assert client.get("/learn/beginner/no-such-lesson/").status_code == 404


def test_lesson_page_uses_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    client.get(LESSON_4_URL)  # warm the rendering cache
    with django_assert_max_num_queries(2):
        client.get(LESSON_4_URL)


def test_learn_page_queries_do_not_grow_with_lessons(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        client.get("/learn/")


def test_pages_only_accept_get(client):
    assert client.post(LESSON_4_URL).status_code == 405


def test_a_strategy_has_one_address_whatever_the_cache_holds(client):
    strategy = Lesson.objects.published().filter(level__kind="strategies").first()
    assert client.get(f"/strategies/{strategy.slug}/").status_code == 200  # now cached
    # Under Learn, as a lesson of a level named after the section: not found, cached or not.
    assert client.get(f"/learn/{strategy.level.slug}/{strategy.slug}/").status_code == 404
    assert client.get(f"/learn/{strategy.level.slug}/").status_code == 404
