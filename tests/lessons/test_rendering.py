from django.core.cache import cache

from lessons import rendering
from lessons.rendering import render_markdown


def test_script_an_editor_typed_is_stripped():
    html = render_markdown("Hello <script>alert('x')</script> world").html
    assert "<script" not in html
    assert "alert" not in html


def test_event_handlers_and_javascript_links_are_stripped():
    html = render_markdown(
        '<p onclick="steal()">Hi</p>\n\n[click](javascript:alert(1)) <img src=x onerror=y>'
    ).html
    assert "onclick" not in html
    assert "javascript:" not in html
    assert "<img" not in html


def test_headings_get_ids_and_feed_the_table_of_contents():
    body = render_markdown("## First part {#first}\n\n### Detail & more\n\n## Second\n")
    assert '<h2 id="first">First part</h2>' in body.html
    assert [(h.id, h.title) for h in body.headings] == [
        ("first", "First part"),
        ("second", "Second"),
    ]
    assert [(h.id, h.title) for h in body.headings[0].children] == [
        ("detail-more", "Detail & more")
    ]


def test_call_outs_and_accessible_tables_survive_sanitizing():
    text = (
        '!!! warning "Warning: careful"\n    Body text.\n\n'
        '<table><caption>Cap</caption><tr><th scope="col">A</th></tr></table>\n'
    )
    html = render_markdown(text).html
    assert '<div class="admonition warning">' in html
    assert '<p class="admonition-title">Warning: careful</p>' in html
    assert '<th scope="col">A</th>' in html
    assert "<caption>Cap</caption>" in html


def test_unknown_classes_are_dropped():
    html = render_markdown('<div class="admonition evil-overlay">x</div>').html
    assert "evil-overlay" not in html


def test_reading_time_counts_words():
    assert render_markdown("word " * 100).reading_minutes == 1
    assert render_markdown("word " * 401).reading_minutes == 3


def test_rendering_is_cached(monkeypatch):
    cache.clear()
    calls = []
    original = rendering._render
    monkeypatch.setattr(rendering, "_render", lambda text: calls.append(text) or original(text))
    render_markdown("Cached *once*")
    render_markdown("Cached *once*")
    assert calls == ["Cached *once*"]
