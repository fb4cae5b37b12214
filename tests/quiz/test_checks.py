"""Questions inside lessons (issue 28, item 4): a check embed in every lesson, answered in
place with htmx or by a post and back, graded on the server, the answer never in the page
before it is answered, and a miss in the learner's review."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import ReviewItem
from core.content import ContentError, load_content
from lessons.models import Lesson
from lessons.registry import find_embeds
from quiz.checks import check_question
from quiz.models import Attempt, Question
from tests.test_hostile_input import assert_clear, examples, hostile_text

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def lesson_checks(lesson: Lesson) -> list[Question]:
    embeds, _ = find_embeds(lesson.body)
    found = []
    for embed in embeds:
        if embed.kind == "check":
            question = check_question(
                quiz_slug=embed.attrs["quiz"], number=int(embed.attrs["question"])
            )
            assert question is not None, (lesson, embed)
            found.append(question)
    return found


def form_data(question: Question, *, right: bool) -> dict:
    choices = [
        str(pk) for pk in question.choices.filter(is_correct=right).values_list("pk", flat=True)
    ]
    multiple = question.kind == Question.Kind.MULTIPLE
    value = (choices if right else choices[:1]) if multiple else choices[0]
    return {f"check-{question.pk}-answer": value}


@pytest.fixture
def lesson_and_check(lesson_4):
    (question, *_) = lesson_checks(lesson_4)
    return lesson_4, question


def test_every_track_lesson_asks_at_least_one_question_of_its_own_quiz():
    lessons = Lesson.objects.published().filter(level__kind="track")
    assert lessons.count() >= 10
    for lesson in lessons:
        questions = lesson_checks(lesson)
        assert questions, lesson.title
        assert all(q.quiz.lesson_id == lesson.pk for q in questions), lesson.title


def right_texts(question: Question) -> list[str]:
    return list(question.choices.filter(is_correct=True).values_list("text", flat=True))


def test_the_shared_page_asks_without_the_answer_or_a_token(client, lesson_and_check):
    lesson, question = lesson_and_check
    page = client.get(lesson.get_absolute_url()).content.decode()
    part = page[page.index(f'id="check-{question.pk}"') :][:3000]
    assert f'hx-get="/quiz/checks/{question.pk}/"' in part
    assert f'href="/quiz/checks/{question.pk}/">Answer this question</a>' in part
    assert "csrfmiddlewaretoken" not in page
    assert "Right answer" not in part and "is-right" not in part
    # The form (fetched, or the page without JavaScript) holds the choices, unmarked.
    form = client.get(f"/quiz/checks/{question.pk}/", headers=HTMX).content.decode()
    assert "csrfmiddlewaretoken" in form and "<html" not in form
    assert "Right answer" not in form and "is-right" not in form and "is_correct" not in form


def test_without_javascript_a_post_goes_back_to_the_check_with_its_feedback(
    client, lesson_and_check
):
    lesson, question = lesson_and_check
    page = client.get(f"/quiz/checks/{question.pk}/")
    assert page.status_code == 200 and b"Back to the lesson" in page.content
    response = client.post(f"/quiz/checks/{question.pk}/", form_data(question, right=False))
    assert response.status_code == 302
    assert response["Location"] == f"{lesson.get_absolute_url()}#check-{question.pk}"
    page = client.get(response["Location"]).content.decode()
    part = page[page.index(f'id="check-{question.pk}"') :][:5000]
    assert "Not quite" in part and right_texts(question)[0] in part
    assert "this question comes back for review" in part
    attempt = Attempt.objects.get()
    assert attempt.is_check and attempt.is_finished
    # Not a quiz attempt: no score, no history; but the miss is in the review.
    assert "Best score" not in client.get("/quiz/").content.decode()
    client.get("/progress/")
    assert ReviewItem.objects.filter(question=question).exists()


def test_with_htmx_the_feedback_replaces_the_form(client, lesson_and_check):
    _lesson, question = lesson_and_check
    client.get(f"/quiz/checks/{question.pk}/", headers=HTMX)  # the form, and a token
    response = client.post(
        f"/quiz/checks/{question.pk}/", form_data(question, right=True), headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith(f'<div id="check-{question.pk}-body"')
    assert "Correct" in html and "comes back for review" not in html
    again = client.get(f"/quiz/checks/{question.pk}/?again=1", headers=HTMX).content.decode()
    assert "<form" in again


def test_an_empty_or_foreign_answer_is_refused_with_a_message(client, lesson_and_check):
    _lesson, question = lesson_and_check
    empty = client.post(f"/quiz/checks/{question.pk}/", {})
    assert empty.status_code == 422 and b"There is a problem" in empty.content
    assert b"Select a" in empty.content
    other = Question.objects.exclude(quiz=question.quiz).exclude(kind="numeric").first()
    foreign = other.choices.first().pk
    response = client.post(f"/quiz/checks/{question.pk}/", {f"check-{question.pk}-answer": foreign})
    assert response.status_code == 400
    assert client.get("/quiz/checks/99999999/").status_code == 404
    assert client.put(f"/quiz/checks/{question.pk}/").status_code == 405
    assert not Attempt.objects.exists()


def test_a_numeric_check_is_graded_by_the_engine(client):
    question = Question.objects.filter(kind="numeric", quiz__is_published=True).first()
    from quiz.checks import check_item

    answer = check_item(question).solution.answer
    response = client.post(
        f"/quiz/checks/{question.pk}/", {f"check-{question.pk}-answer": str(answer)}
    )
    assert response.status_code == 302
    assert Attempt.objects.get().correct == 1


def _lesson_file(root: Path) -> Path:
    return next((root / "beginner").glob("04-*.md"))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("[[check quiz=no-such-quiz question=1]]", "names quiz=no-such-quiz, but no quiz file"),
        ("[[check quiz=isolated-vs-cross-margin question=99]]", "asks question 99 of"),
        ("[[check quiz=isolated-vs-cross-margin]]", "give the question's number"),
        ("[[check question=2]]", "name the quiz file"),
        ("[[check quiz=x question=2 colour=red]]", "unknown attribute colour"),
    ],
)
def test_the_loader_names_the_file_and_line_of_a_bad_check(content, line, message):
    path = _lesson_file(content)
    path.write_text(path.read_text() + f"\n\n{line}\n")
    with pytest.raises(ContentError) as raised:
        load_content(content)
    text = "\n".join(str(problem) for problem in raised.value.problems)
    assert message in text and path.name in text, text


def test_the_shipped_content_loads_with_its_checks():
    load_content(Path(settings.CONTENT_DIR))
    assert re.search(r"\[\[check quiz=", _lesson_file(Path(settings.CONTENT_DIR)).read_text())
    assert Client().get("/learn/").status_code == 200


@examples(200)
@given(
    values=st.lists(hostile_text, max_size=3),
    name=st.sampled_from(["answer", "check-{pk}-answer", "check-1-answer", ""]),
    htmx=st.booleans(),
)
def test_hostile_answers(client, values, name, htmx):
    question = Question.objects.filter(quiz__slug="isolated-vs-cross-margin").order_by("position")[
        2
    ]
    field = name.format(pk=question.pk)
    data = {field: values} if field else {}
    headers = HTMX if htmx else {}
    response = client.post(f"/quiz/checks/{question.pk}/", data, headers=headers)
    assert_clear(response, expect="There is a problem")


def test_every_check_is_answered_with_and_without_javascript():
    """Each lesson's checks: the shared page holds no answer; a post without JavaScript
    comes back to the check with its verdict; with htmx the verdict replaces the form."""
    from quiz.checks import check_item

    for lesson in Lesson.objects.published().filter(level__kind="track"):
        for question in lesson_checks(lesson):
            url = f"/quiz/checks/{question.pk}/"
            shared = Client().get(lesson.get_absolute_url()).content.decode()
            part = shared[shared.index(f'id="check-{question.pk}"') :][:3000]
            assert "Right answer" not in part and "is-right" not in part, lesson.title
            if question.is_numeric:
                data = {f"check-{question.pk}-answer": str(check_item(question).solution.answer)}
            else:
                data = form_data(question, right=True)
            no_js = Client()
            back = no_js.post(url, data)
            assert back.status_code == 302, (lesson.title, back.content[:300])
            page = no_js.get(back["Location"]).content.decode()
            assert "Correct" in page[page.index(f'id="check-{question.pk}"') :][:3000]
            htmx = Client()
            answered = htmx.post(
                url,
                form_data(question, right=False)
                if not question.is_numeric
                else {f"check-{question.pk}-answer": "1"},
                headers=HTMX,
            )
            assert answered.status_code == 200 and "Not quite" in answered.content.decode()


def test_two_checks_on_one_page_are_landmarks_of_their_own_names(content, client):
    # Two asides of one name fail axe's landmark-unique: each is named by its question.
    path = _lesson_file(content)
    path.write_text(path.read_text() + "\n\n[[check quiz=isolated-vs-cross-margin question=5]]\n")
    load_content(content)
    page = client.get("/learn/beginner/isolated-vs-cross-margin/").content.decode()
    labels = re.findall(r'<aside id="check-\d+" class="lesson-check" aria-label="([^"]+)"', page)
    assert len(labels) == 2 and len(set(labels)) == 2, labels
    assert "Check yourself, question 5" in labels
