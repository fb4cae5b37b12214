"""A walk through every published lesson and strategy (issue 12): each lesson has a
quiz, its figures have a test that recomputes them with the engine, its embedded
simulators render with and without JavaScript, its internal links resolve, and its
first load stays within 80 KB compressed. Every quiz can be completed without
JavaScript (the browser walk does it with), and no question page shows its feedback
before it is answered."""

import gzip
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from lessons.models import Lesson, Level
from lessons.registry import find_embeds
from quiz.models import Attempt, Question, Quiz
from simulator.sandbox.widgets import outcome, read_widget
from simulator.selectors import preset
from simulator.tools.collateral.widget import outcome as collateral_outcome
from simulator.tools.collateral.widget import read_collateral
from tests.quiz.conftest import question_url, right_answer

pytestmark = pytest.mark.django_db

TESTS = Path(__file__).resolve().parents[1]
FIRST_LOAD_BUDGET = 80 * 1024
# Where each page's figures are recomputed by the engine, by level and number.
FIGURE_TESTS = {
    ("beginner", 1): "curriculum/test_lessons_1_2_figures.py",
    ("beginner", 2): "curriculum/test_lessons_1_2_figures.py",
    ("beginner", 3): "simulator/test_lesson_figures.py",
    ("beginner", 4): "simulator/test_lesson_figures.py",
}


def published() -> list[Lesson]:
    return list(Lesson.objects.published().select_related("level"))


def figure_test(lesson: Lesson) -> Path:
    name = FIGURE_TESTS.get((lesson.level.slug, lesson.number))
    if name is None:
        kind = "strategy" if lesson.level.kind == Level.Kind.STRATEGIES else "lesson"
        name = f"curriculum/test_{kind}_{lesson.number:02d}_figures.py"
    return TESTS / name


def first_load(client: Client, url: str) -> int:
    """Compressed bytes of the page and the stylesheets, scripts and icons it loads."""
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    raw = response.content
    html = gzip.decompress(raw).decode() if response.get("Content-Encoding") == "gzip" else raw
    assets = re.findall(r'<link[^>]+rel="(?:stylesheet|icon|preload)"[^>]+href="([^"]+)"', html)
    assets += re.findall(r'<script[^>]+src="([^"]+)"', html)
    total = len(raw)
    for asset in set(assets):
        found = finders.find(re.sub(r"^/static/", "", asset))
        assert found, asset
        total += len(gzip.compress(Path(found).read_bytes()))
    return total


def test_there_are_three_levels_of_fifteen_lessons_and_five_strategies():
    pages = published()
    lessons = [p for p in pages if p.level.kind == Level.Kind.TRACK]
    strategies = [p for p in pages if p.level.kind == Level.Kind.STRATEGIES]
    assert [p.number for p in lessons] == list(range(1, 16))  # in the levels' order
    assert [p.level.slug for p in lessons] == ["beginner"] * 4 + ["intermediate"] * 6 + [
        "advanced"
    ] * 5
    assert [p.number for p in strategies] == list(range(1, 6))


def test_every_lesson_and_strategy_walks(client):
    for lesson in published():
        url = lesson.get_absolute_url()
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        if lesson.level.kind == Level.Kind.TRACK:
            quiz = Quiz.objects.published().get(lesson=lesson)
            assert f'href="{quiz.get_absolute_url()}"' in html, url
        assert figure_test(lesson).exists(), f"{url}: no test recomputes its figures"
        _walk_embeds(client, lesson, html)
        _walk_links(client, url, html)
        assert first_load(client, url) <= FIRST_LOAD_BUDGET, url


def _walk_embeds(client: Client, lesson: Lesson, html: str) -> None:
    embeds, problems = find_embeds(lesson.body)
    assert problems == []
    for embed in (e for e in embeds if e.kind == "collateral"):
        found, problems = read_collateral(embed.attrs, number=embed.number, find_preset=preset)
        assert found is not None, problems
        _walk_widget(client, lesson, html, found.widget, found.fragment_url,
                     lambda value, found=found: collateral_outcome(found, value).html)  # fmt: skip
    for embed in (e for e in embeds if e.kind == "simulator"):
        spec, problems = read_widget(embed.attrs, number=embed.number, find_preset=preset)
        assert spec is not None, problems
        _walk_widget(client, lesson, html, spec, spec.fragment_url,
                     lambda value, spec=spec: outcome(spec, value).html)  # fmt: skip


def _walk_widget(client, lesson, html, spec, fragment_url, outcome_html) -> None:
    """A slider's widget: `outcome_html(value)` is its outcome at a value."""
    # With JavaScript: the widget is on the page with its starting outcome.
    assert f'id="{spec.id}"' in html
    assert outcome_html(spec.value) in html
    # Without: the lesson's own address with the value chosen is the outcome.
    other = spec.minimum if spec.value != spec.minimum else spec.maximum
    page = client.get(lesson.get_absolute_url(), {spec.param: str(other)})
    assert page.status_code == 200
    assert outcome_html(other) in page.content.decode()
    # And the fragment htmx asks for is the same outcome.
    fragment = client.get(
        f"{fragment_url}&{urlencode({spec.param: str(other)})}", HTTP_HX_REQUEST="true"
    )
    assert fragment.status_code == 200
    assert outcome_html(other) in fragment.content.decode()


def _walk_links(client: Client, url: str, html: str) -> None:
    main = html.split('id="main"', 1)[1]
    for href in sorted(set(re.findall(r'href="(/[^"#]*)(?:#[^"]*)?"', main))):
        if href.startswith("/static/"):
            continue
        response = client.get(href.replace("&amp;", "&"))
        assert response.status_code == 200, f"{url} links to {href}: {response.status_code}"


def test_every_quiz_can_be_completed_without_javascript_with_no_feedback_before_answering():
    for quiz in Quiz.objects.published():
        client = Client()
        response = client.post(quiz.get_absolute_url())
        assert response.status_code == 302, quiz.slug
        attempt = Attempt.objects.get(
            pk=int(re.search(r"/attempts/(\d+)/", response["Location"])[1])
        )
        for entry in attempt.items.select_related("question").order_by("number"):
            page = client.get(question_url(attempt, entry.number)).content.decode()
            _assert_no_feedback(entry.question, page, entry)
            answered = client.post(question_url(attempt, entry.number), right_answer(entry))
            assert answered.status_code == 302, (quiz.slug, entry.number)
        attempt.refresh_from_db()
        assert attempt.finished_at is not None and attempt.percent == 100, quiz.slug


def _assert_no_feedback(question: Question, page: str, entry) -> None:
    text = re.sub(r"\s+", " ", page)
    # What the question itself shows may be quoted by its feedback; nothing else may show.
    shown = _squash(entry.prompt) + " ".join(_squash(c.text) for c in question.choices.all())
    feedback = [choice.feedback for choice in question.choices.all() if choice.feedback]
    for words in [*feedback, entry.explanation]:
        for sentence in re.split(r"(?<=[.:!?])\s+", _squash(words)):
            if len(sentence) > 25 and sentence not in shown:
                assert sentence not in text, (question.pk, sentence)
    if question.kind == Question.Kind.NUMERIC:
        answer = entry.values["answer"]
        assert f"{answer}<" not in page.replace("</strong>", "<"), (question.pk, "answer")


def _squash(text: str) -> str:
    from django.utils.html import escape

    return re.sub(r"\s+", " ", escape(text))


def test_first_load_budget_counts_something():
    # The budget is measured on real bytes: a page is never free.
    assert first_load(Client(), "/learn/beginner/isolated-vs-cross-margin/") > 10 * 1024


def test_the_feedback_check_catches_a_leak():
    quiz = Quiz.objects.published().get(slug="isolated-vs-cross-margin")
    client = Client()
    location = client.post(quiz.get_absolute_url())["Location"]
    attempt = Attempt.objects.get(pk=int(re.search(r"/attempts/(\d+)/", location)[1]))
    entry = attempt.items.select_related("question").get(number=1)
    page = client.get(question_url(attempt, 1)).content.decode()
    _assert_no_feedback(entry.question, page, entry)  # the real page passes
    leaked = page.replace("</main>", f"<p>{_squash(entry.explanation)}</p></main>")
    with pytest.raises(AssertionError):
        _assert_no_feedback(entry.question, leaked, entry)
