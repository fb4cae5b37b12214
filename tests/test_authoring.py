"""An author adds a lesson with an embedded simulator and its quiz as two content files
(the complete example in docs/authoring.md), and a learner reads it and takes the quiz."""

import re
from decimal import Decimal

import pytest

from core.content import load_content
from lessons.models import Lesson
from quiz.models import Attempt, Question, Quiz
from simulator.engine import Account, Position, liquidation_price
from tests.content_files import content_with_example, example_files

pytestmark = pytest.mark.django_db

LESSON_URL = "/learn/intermediate/leverage-and-distance/"


def test_the_example_is_a_level_a_lesson_and_a_quiz_and_no_python():
    names = sorted(example_files())
    assert names == [
        "content/intermediate/11-leverage-and-distance.md",
        "content/intermediate/11-leverage-and-distance.quiz.yaml",
        "content/intermediate/_level.yaml",
    ]


@pytest.fixture
def example(tmp_path):
    report = load_content(content_with_example(tmp_path))
    assert "Lesson intermediate/leverage-and-distance" in report.created
    return Lesson.objects.get(slug="leverage-and-distance")


def btc_liquidation(leverage: int) -> str:
    """The BTC long of the two-isolated preset ($1,000 margin) at another leverage."""
    position = Position.from_notional("BTC", "long", 1000 * leverage, 60000, leverage)
    price = liquidation_price(Account(Decimal(5000), [position]), 0)
    return f"{price.quantize(Decimal('0.01')):,}"


def test_the_lesson_renders_with_its_widget(client, example):
    html = client.get(LESSON_URL).content.decode()
    assert "Try it: change BTC&#x27;s leverage" in html or "Try it: change BTC's leverage" in html
    assert 'type="range"' in html
    assert btc_liquidation(10) in html  # the preset's own leverage


def test_without_javascript_the_widget_reloads_the_lesson_with_the_value(client, example):
    html = client.get(LESSON_URL).content.decode()
    form = re.search(r'<form [^>]*action="([^"]*)"[^>]*>', html[html.index('id="leverage"') :])
    assert form.group(1) == f"{LESSON_URL}#leverage"
    moved = client.get(LESSON_URL, {"leverage": "5"}).content.decode()
    assert btc_liquidation(5) in moved  # 48,241.21
    assert btc_liquidation(10) not in moved


def test_its_quiz_can_be_taken_to_the_end(client, example):
    quiz = Quiz.objects.get(lesson=example)
    assert 'href="/quiz/leverage-and-distance/"' in client.get(LESSON_URL).content.decode()
    response = client.post(quiz.get_absolute_url())
    attempt = Attempt.objects.get(quiz=quiz)
    for item in attempt.items.select_related("question").order_by("number"):
        if item.question.kind == Question.Kind.NUMERIC:
            answer = {"answer": str(item.solution.answer)}
        else:
            answer = {"answer": [c.pk for c in item.question.choices.all() if c.is_correct]}
        response = client.post(item.get_absolute_url(), answer)
        assert response.status_code == 302
    results = client.get(attempt.get_results_url()).content.decode()
    assert "2 out of 2 (100%)" in results
    assert "You passed" in results
