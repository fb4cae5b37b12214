"""A lesson's body is rendered when it is saved or loaded, and served from its row
(issue 24, "Render once"): no page converts Markdown, and the stored HTML follows
every way the body changes."""

import re

import markdown
import pytest
from django.core.cache import caches

from core.content import load_content
from lessons import rendering
from lessons.models import Lesson
from simulator.models import Preset
from tests.admin_pages import page_data
from tests.conftest import LESSON_4_URL
from tests.content_files import edit

pytestmark = pytest.mark.django_db

LIST_PAGES = ["/", "/learn/", "/learn/beginner/", "/learn/intermediate/", "/strategies/"]


@pytest.fixture
def conversions(monkeypatch):
    """Every call into the Markdown library, by the text converted."""
    calls: list[str] = []
    convert = markdown.Markdown.convert

    def counted(self, source):
        calls.append(source)
        return convert(self, source)

    monkeypatch.setattr(markdown.Markdown, "convert", counted)
    return calls


def clear_every_cache() -> None:
    for each in caches.all():
        each.clear()


@pytest.mark.parametrize("url", [*LIST_PAGES, LESSON_4_URL, "/strategies/hedged-pair/"])
def test_no_page_converts_markdown_with_every_cache_empty(client, conversions, url):
    response = client.get(url)
    assert response.status_code == 200
    assert conversions == []


def test_lists_read_the_stored_reading_time_not_the_body(client):
    Lesson.objects.filter(level__slug="beginner", number=4).update(reading_minutes=42)
    for url in ["/", "/learn/", "/learn/beginner/"]:
        clear_every_cache()
        html = client.get(url).content.decode()
        assert "42 min read" in html, url


@pytest.mark.parametrize(
    ("url", "queries"),
    # Lesson 4: + its check's question and choices (quiz.checks, kept per content version).
    [(url, 2) for url in LIST_PAGES] + [(LESSON_4_URL, 6), ("/strategies/hedged-pair/", 5)],
)
def test_queries_with_every_cache_empty_stay_pinned(
    client, django_assert_num_queries, url, queries
):
    """Lists: levels, then their lessons (none read later, one by one). Lesson 4: the
    lesson, the path for previous and next, the presets for its widget, its quiz; a
    strategy first looks up the Strategies level."""
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_saving_a_lesson_stores_its_body_rendered(lesson_4, client, conversions):
    lesson_4.body = "## Fresh part {#fresh}\n\nNew words, *emphasised*.\n\n" + "word " * 450
    lesson_4.save()
    assert len(conversions) == 1
    stored = Lesson.objects.get(pk=lesson_4.pk)
    assert "<em>emphasised</em>" in stored.body_html
    assert stored.headings == [{"id": "fresh", "title": "Fresh part", "children": []}]
    assert stored.reading_minutes == 3
    html = client.get(LESSON_4_URL).content.decode()
    assert '<h2 id="fresh">Fresh part</h2>' in html
    assert '<a href="#fresh">Fresh part</a>' in html
    assert "3 min read" in html
    assert len(conversions) == 1  # the page read what the save stored


def test_saving_without_changing_the_body_converts_nothing(lesson_4, conversions):
    lesson_4.title = "Isolated or cross?"
    lesson_4.save()
    lesson_4.save(update_fields=["is_published"])
    assert conversions == []


def test_saving_only_the_body_stores_the_rendering_with_it(lesson_4):
    lesson_4.body = "Only *this*.\n"
    lesson_4.save(update_fields=["body"])
    assert Lesson.objects.get(pk=lesson_4.pk).body_html == "<p>Only <em>this</em>.</p>"


def test_an_admin_edit_is_stored_rendered_and_shown(admin_client, lesson_4, client):
    url = f"/admin/lessons/lesson/{lesson_4.pk}/change/"
    fields = page_data(admin_client.get(url))  # as the page stands, with its row version
    fields["body"] = lesson_4.body.replace("## ", "## Edited: ", 1)
    client.get(LESSON_4_URL)  # in the page cache
    response = admin_client.post(url, fields)
    assert response.status_code == 302, response.content.decode()
    assert "<h2 id=" in Lesson.objects.get(pk=lesson_4.pk).body_html
    assert "Edited: " in Lesson.objects.get(pk=lesson_4.pk).body_html
    assert re.search(r"<h2 id=\"[^\"]+\">Edited: ", client.get(LESSON_4_URL).content.decode())


def test_a_load_stores_the_file_body_rendered(content, lesson_4, client):
    edit(content / "beginner" / "04-isolated-vs-cross-margin.md", "## ", "## Loaded: ")
    load_content(content)
    assert "Loaded: " in Lesson.objects.get(pk=lesson_4.pk).body_html
    assert "Loaded: " in client.get(LESSON_4_URL).content.decode()


def test_a_new_renderer_version_is_served_at_once_and_stored_by_the_next_load(
    monkeypatch, content, lesson_4, client, conversions
):
    """Rows rendered by an older renderer are rendered on their page until a load
    stores them again, admin edits included (their text is kept as it is)."""
    lesson_4.title = "Edited in the admin"
    lesson_4.save()
    monkeypatch.setattr(rendering, "RENDERER_VERSION", "a later one")
    assert "54,271" in client.get(LESSON_4_URL).content.decode()
    assert len(conversions) == 1
    report = load_content(content)
    assert "Lesson beginner/isolated-vs-cross-margin" in report.kept
    for lesson in Lesson.objects.all():
        assert lesson.rendered_hash == rendering.source_hash(lesson.body), lesson
    assert Lesson.objects.get(pk=lesson_4.pk).title == "Edited in the admin"
    conversions.clear()
    clear_every_cache()
    client.get(LESSON_4_URL)
    assert conversions == []


def test_the_stored_html_keeps_embeds_for_each_request(client, lesson_4, conversions):
    """An embed is not stored: the widget shows the preset as it is now, and the
    value this request asks for."""
    assert "btc-move" not in lesson_4.body_html
    preset = Preset.objects.get(slug="two-isolated")
    preset.data = {**preset.data, "positions-1-leverage": "4"}
    preset.save()
    html = client.get(LESSON_4_URL).content.decode()
    assert "long ETH ($500 margin, 4x)" in html
    moved = client.get(LESSON_4_URL, {"btc_move": "-30"}).content.decode()
    assert "BTC \u221230%: 42,000.00" in moved
    assert conversions == []
