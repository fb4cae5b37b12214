"""/search/: ranking on a fixed set of queries, typos, snippets, the index following saves,
and hostile queries."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lessons.models import Lesson
from search.models import Entry
from search.selectors import MAX_QUERY, entry_search
from search.services import index_rebuild
from tests.test_hostile_input import assert_clear, examples, hostile_text

pytestmark = pytest.mark.django_db


def titles(query: str) -> list[str]:
    return [hit.entry.title for hit in entry_search(query=query).hits]


def test_the_index_holds_every_published_lesson_strategy_term_and_tool():
    from glossary.models import Term

    lessons = Lesson.objects.published().count()
    assert Entry.objects.filter(kind__in=["lesson", "strategy"]).count() == lessons
    assert Entry.objects.filter(kind="term").count() == Term.objects.count() >= 60
    assert Entry.objects.filter(kind="tool").count() == 7


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("isolated cross", "Isolated vs Cross Margin"),
        ("Isolated vs Cross Margin", "Isolated vs Cross Margin"),
        ("mark price", "Mark Price, Index Price and Last Price"),
        ("funding", "Funding Rates"),
        ("liquidation calculator", "Liquidation price"),
        ("check my position", "Check my position"),
        ("hedged pair", None),  # a strategy: its title names it
        ("bankruptcy price", "Bankruptcy price"),  # a glossary term
        ("risk limit", None),  # Bybit's name for a tier: the term's other names
        ("liquid", None),  # a prefix, as typed so far
    ],
)
def test_a_title_match_ranks_first(query, first):
    found = titles(query)
    assert found, query
    if first is not None:
        assert found[0].lower() == first.lower(), found
    else:
        words = query.split()
        assert all(w in found[0].lower() for w in words) or query == "liquid", found


def test_a_small_typo_is_corrected_and_said():
    found = entry_search(query="liquidaton")
    assert found.hits and found.corrected == "liquidation"


def test_snippets_mark_the_words_and_escape_the_text():
    hit = next(h for h in entry_search(query="bankruptcy").hits if h.entry.kind == "lesson")
    assert "<mark>" in hit.snippet.lower()
    assert "<script" not in hit.snippet


def test_the_index_follows_a_saved_lesson(django_capture_on_commit_callbacks):
    lesson = Lesson.objects.get(level__slug="beginner", number=4)
    with django_capture_on_commit_callbacks(execute=True):
        lesson.title = "Isolated versus Cross Zebra"
        lesson.save()
    assert titles("zebra") == ["Isolated versus Cross Zebra"]
    with django_capture_on_commit_callbacks(execute=True):
        lesson.is_published = False
        lesson.save()
    assert titles("zebra") == []


def test_rebuilding_twice_gives_the_same_index():
    first = index_rebuild()
    assert index_rebuild() == first == Entry.objects.count()


@pytest.mark.parametrize(
    "query",
    ["", "   ", "AND OR NOT", '"unclosed', "* - ^ : ( ) NEAR", "'; DROP TABLE search_entry; --",
     "title:mark", "清算价格", "ليكويديشن", "a" * MAX_QUERY, "%_%", "mark:*"],
)  # fmt: skip
def test_odd_queries_never_fail(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert Entry.objects.exists()


def test_a_null_character_is_refused_with_a_message(client):
    response = client.get("/search/", {"q": "mark\x00"})
    assert response.status_code == 422 and b"Null characters are not allowed" in response.content


def test_a_query_too_long_is_refused_with_a_message_and_kept(client):
    response = client.get("/search/", {"q": "x" * (MAX_QUERY + 1)})
    assert response.status_code == 422
    html = response.content.decode()
    assert f"at most {MAX_QUERY} characters" in html and "x" * (MAX_QUERY + 1) in html


def test_the_page_works_without_javascript_and_with_htmx(client):
    page = client.get("/search/", {"q": "mark price"})
    assert page.status_code == 200 and b"<mark>" in page.content.lower()
    partial = client.get("/search/results/", {"q": "mark price"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200 and b"<html" not in partial.content
    assert partial["HX-Replace-Url"] == "/search/?q=mark+price"
    assert client.get("/search/results/", {"q": "x"}).status_code == 302


@examples(200)
@given(query=hostile_text | st.text(max_size=120), htmx=st.booleans(), results=st.booleans())
def test_hostile_queries(client, query, htmx, results):
    url = "/search/results/" if results else "/search/"
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(url, {"q": query}, headers=headers)
    assert_clear(response, expect="There is a problem")
