"""The seam through which other apps add to lesson pages: embed lines and sections."""

import pytest

from lessons import registry
from lessons.rendering import render_markdown


class Echo:
    """An embed kind for tests: renders its attributes, refuses `bad=...`."""

    def problems(self, embed: registry.Embed) -> list[str]:
        return ["bad is not allowed"] if "bad" in embed.attrs else []

    def render(self, *, request, embed: registry.Embed) -> str:
        return f"<aside>echo {embed.number}: {embed.attrs.get('say', '')}</aside>"


@pytest.fixture
def echo():
    registry.register_embed("echo", Echo())
    yield
    registry._EMBEDS.pop("echo")


def test_embed_lines_are_read_with_quoted_attributes():
    embeds, problems = registry.find_embeds(
        'Intro.\n\n[[echo say="it\'s here" n=2]]\n\nMiddle.\n[[echo]]\n'
    )
    assert problems == []
    assert [(e.kind, dict(e.attrs), e.number, e.line) for e in embeds] == [
        ("echo", {"say": "it's here", "n": "2"}, 1, 3),
        ("echo", {}, 2, 6),
    ]


def test_an_embed_must_be_a_line_of_its_own():
    embeds, _ = registry.find_embeds("Text with [[echo]] inside.\n    [[echo]]\n")
    assert embeds == []


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('[[echo say="open]]', "Echo 1 (line 1): cannot read its attributes"),
        ("[[echo say]]", "Echo 1 (line 1): “say” is not name=value."),
        ("[[echo a=1 a=2]]", "Echo 1 (line 1): “a” is given twice."),
        ("[[echo bad=1]]", "Echo 1 (line 1): bad is not allowed"),
        ("[[nothing x=1]]", "Line 1: there is no embed called “nothing” (known: "),
        ("[[echo id=a]]\n[[echo id=a]]", "Echo 2 (line 2): its id “a” is taken by Echo 1"),
    ],
)
def test_embed_problems_say_which_embed_and_what(echo, line, problem):
    problems = registry.embed_problems(line + "\n")
    assert any(found.startswith(problem) for found in problems), problems


def test_rendering_leaves_a_place_for_each_embed_in_order(echo):
    body = render_markdown("## One {#one}\n\nBefore.\n[[echo say=a]]\nAfter.\n\n[[echo say=b]]\n")
    pieces = body.pieces
    assert [embed.attrs["say"] if embed else None for _, embed in pieces] == ["a", "b", None]
    assert "Before." in pieces[0][0] and "After." in pieces[1][0]
    assert "placeholder" not in "".join(html for html, _ in pieces)
    assert body.reading_minutes == 1


def test_a_lesson_page_renders_its_embeds_in_place(echo, lesson_4, client):
    lesson_4.body = "## Part {#part}\n\nFirst.\n\n[[echo say=hello]]\n\nLast.\n"
    lesson_4.save()
    html = client.get(lesson_4.get_absolute_url()).content.decode()
    assert html.index("First.") < html.index("<aside>echo 1: hello</aside>") < html.index("Last.")


def test_the_admin_refuses_a_body_with_a_broken_embed(echo, lesson_4):
    from django.core.exceptions import ValidationError

    lesson_4.body = "[[echo bad=1]]\n"
    with pytest.raises(ValidationError) as caught:
        lesson_4.full_clean()
    assert caught.value.message_dict["body"] == ["Echo 1 (line 1): bad is not allowed"]
