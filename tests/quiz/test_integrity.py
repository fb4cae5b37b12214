"""The quiz can't be cheated: no answers in the page, no tampering, no double counting."""

import html as html_lib
import re
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.test import Client
from django.utils import timezone

from core.numbers import money
from quiz import services
from quiz.models import Attempt, Choice, Question, Response
from quiz.visitors import Owner
from tests.quiz.conftest import QUIZ_URL, answer_all, item, question_url, right_answer, start
from tests.visitors import be_visitor

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def snapshot() -> tuple:
    """Everything an answer could change."""
    return (
        list(Response.objects.order_by("pk").values_list("item_id", "is_correct", "number")),
        list(Attempt.objects.order_by("pk").values_list("finished_at", "correct", "percent")),
    )


def text_of(page: str) -> str:
    return html_lib.unescape(page)


# --------------------------------------------------------------------------- nothing in the page


# Numeric figures are drawn per attempt, so one attempt proves little: a page's fixed
# text can coincide with one draw's answer (a hint once read "like $4,000").
@pytest.mark.parametrize("visitor", range(25))
def test_no_question_page_carries_answer_material_before_it_is_answered(margin_quiz, visitor):
    client = Client()
    attempt = start(client)
    markers = {
        "is_correct",
        "correct",
        "quiz-explanation",
        "quiz-note",
        "quiz-verdict",
        "Right answer",
    }
    for entry in attempt.items.select_related("question").order_by("number"):
        page = text_of(client.get(entry.get_absolute_url()).content.decode())
        question = entry.question
        for word in markers:
            assert word not in page, (entry.number, word)
        assert entry.explanation not in page
        assert question.lesson_section not in page  # not even where the answer is taught
        for choice in question.choices.all():
            if choice.feedback:
                assert choice.feedback not in page
        if question.kind == Question.Kind.NUMERIC:
            solution = entry.solution
            for key in question.mistakes:
                assert entry.mistake_feedback(key) not in page
            working = set(entry.values.values()) - set(entry.shown_figures.values())
            for value in working:
                # Short values ("10") can't be told from the page's other numbers.
                if len(value) > 3:
                    assert value not in page, (entry.number, value)
            answer = money(solution.answer, trim=True)
            if answer not in entry.shown_figures.values():
                assert answer not in page
                assert str(solution.answer.normalize()) not in page


def test_an_error_response_carries_no_answer_material_either(client, margin_quiz):
    attempt = start(client)
    entry = item(attempt, 1)
    for extra in ({}, HTMX):
        page = text_of(client.post(question_url(attempt, 1), {}, **extra).content.decode())
        assert entry.question.explanation not in page
        assert not any(c.feedback in page for c in entry.question.choices.all())


def test_choice_values_are_ids_not_flags(client, margin_quiz):
    attempt = start(client)
    page = client.get(question_url(attempt, 1)).content.decode()
    values = re.findall(r'name="answer"[^>]*value="([^"]+)"', page)
    expected = [str(pk) for pk in item(attempt, 1).question.choices.values_list("pk", flat=True)]
    assert values == expected


# --------------------------------------------------------------------------- refused answers


def test_answering_twice_is_refused_and_the_first_answer_stands(client, margin_quiz):
    attempt = start(client)
    entry = item(attempt, 1)
    wrong = entry.question.choices.filter(is_correct=False).first()
    client.post(question_url(attempt, 1), {"answer": str(wrong.pk)})
    before = snapshot()
    response = client.post(question_url(attempt, 1), right_answer(entry))
    assert response.status_code == 409
    assert "already answered" in text_of(response.content.decode())
    assert snapshot() == before
    assert not Response.objects.get(item=entry).is_correct


def test_answering_twice_with_htmx_redirects_to_the_question_with_the_message(client, margin_quiz):
    attempt = start(client)
    entry = item(attempt, 1)
    client.post(question_url(attempt, 1), right_answer(entry), **HTMX)
    before = snapshot()
    response = client.post(question_url(attempt, 1), right_answer(entry), **HTMX)
    assert response.status_code == 409
    assert response["HX-Redirect"] == question_url(attempt, 1)
    assert snapshot() == before
    page = client.get(question_url(attempt, 1)).content.decode()
    assert 'role="status">You have already answered this question.' in page


def test_a_question_that_is_not_in_the_attempt_is_refused(client, margin_quiz):
    attempt = start(client)
    before = snapshot()
    response = client.post(question_url(attempt, 11), {"answer": "1"})
    assert response.status_code == 404
    assert "not part of this attempt" in text_of(response.content.decode())
    assert snapshot() == before


def test_a_question_left_out_of_a_retry_is_refused(client, margin_quiz):
    attempt = start(client)
    answer_all(client, attempt, wrong={2})
    client.post(f"/quiz/attempts/{attempt.pk}/retry/")
    retry = Attempt.objects.get(retry_of=attempt)
    before = snapshot()
    assert client.post(question_url(retry, 2), {"answer": "1"}).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("extra", [{}, HTMX])
def test_a_choice_from_another_question_is_refused(client, margin_quiz, extra):
    attempt = start(client)
    entry = item(attempt, 1)
    other = Choice.objects.exclude(question=entry.question).filter(is_correct=True).first()
    before = snapshot()
    response = client.post(question_url(attempt, 1), {"answer": str(other.pk)}, **extra)
    assert response.status_code == 400
    assert "not one of this question's options" in text_of(response.content.decode())
    assert snapshot() == before


@pytest.mark.parametrize("value", ["abc", "-1", "99999999", ""])
def test_a_made_up_choice_is_refused(client, margin_quiz, value):
    attempt = start(client)
    multiple = attempt.items.filter(question__kind=Question.Kind.MULTIPLE).first()
    before = snapshot()
    mine = str(multiple.question.choices.filter(is_correct=True).first().pk)
    response = client.post(multiple.get_absolute_url(), {"answer": [mine, value]})
    assert response.status_code == 400
    assert snapshot() == before


def test_answering_after_the_attempt_is_finished_is_refused(client, margin_quiz):
    attempt = start(client)
    answer_all(client, attempt)
    before = snapshot()
    response = client.post(question_url(attempt, 3), right_answer(item(attempt, 3)))
    assert response.status_code == 409
    assert "finished" in text_of(response.content.decode())
    assert f'href="{attempt.get_results_url()}"' in text_of(response.content.decode())
    assert snapshot() == before


def test_fields_that_try_to_grade_themselves_are_ignored(client, margin_quiz):
    attempt = start(client)
    entry = item(attempt, 1)
    wrong = entry.question.choices.filter(is_correct=False).first()
    client.post(
        question_url(attempt, 1),
        {"answer": str(wrong.pk), "is_correct": "true", "correct": "1", "score": "100"},
    )
    assert not Response.objects.get(item=entry).is_correct


def test_posting_without_a_csrf_token_is_refused(margin_quiz):
    client = Client(enforce_csrf_checks=True)
    assert client.post(QUIZ_URL).status_code == 403
    assert Attempt.objects.count() == 0
    # Start properly, with the token from the start page.
    page = client.get(QUIZ_URL).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(QUIZ_URL, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    attempt = Attempt.objects.get()
    entry = item(attempt, 1)
    before = snapshot()
    for extra in ({}, HTMX):
        response = client.post(question_url(attempt, 1), right_answer(entry), **extra)
        assert response.status_code == 403
        assert "CSRF" in text_of(response.content.decode())
    assert snapshot() == before
    page = client.get(question_url(attempt, 1)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    client.post(question_url(attempt, 1), {**right_answer(entry), "csrfmiddlewaretoken": token})
    assert Response.objects.get(item=entry).is_correct


def test_retake_and_retry_need_the_csrf_token_too(margin_quiz):
    client = Client(enforce_csrf_checks=True)
    be_visitor(client, "visitor")
    attempt = services.attempt_start(quiz=margin_quiz, owner=Owner(visitor="visitor"))
    for entry in attempt.items.select_related("question"):
        if entry.question.kind == Question.Kind.NUMERIC:
            answer = services.Answer(number=Decimal(0), text="0")
        else:
            answer = services.Answer(choice_ids=(entry.question.choices.first().pk,))
        services.answer_submit(item=entry, answer=answer)
    attempt.refresh_from_db()
    assert attempt.is_finished
    assert client.get(attempt.get_results_url()).status_code == 200
    assert client.post(f"/quiz/attempts/{attempt.pk}/retry/").status_code == 403
    assert client.post(QUIZ_URL).status_code == 403
    assert Attempt.objects.count() == 1


# --------------------------------------------------------------------------- the service itself


def test_the_service_refuses_a_second_answer_even_if_the_view_let_it_through(margin_quiz):
    owner = Owner(visitor="v")
    attempt = services.attempt_start(quiz=margin_quiz, owner=owner)
    entry = item(attempt, 1)
    choice = entry.question.choices.get(is_correct=True)
    answer = services.Answer(choice_ids=(choice.pk,))
    services.answer_submit(item=entry, answer=answer)
    with pytest.raises(services.AlreadyAnswered):
        services.answer_submit(item=item(attempt, 1), answer=answer)
    assert Response.objects.count() == 1


def test_the_one_to_one_response_is_the_backstop_for_a_race(margin_quiz):
    owner = Owner(visitor="v")
    attempt = services.attempt_start(quiz=margin_quiz, owner=owner)
    entry = item(attempt, 1)
    answer = services.Answer(choice_ids=(entry.question.choices.first().pk,))
    # Two requests that both fetched the unanswered item before either saved.
    services.answer_submit(item=entry, answer=answer)
    with pytest.raises(services.AlreadyAnswered):
        services.answer_submit(item=entry, answer=answer)
    assert Response.objects.count() == 1
    with pytest.raises(IntegrityError):
        Response.objects.create(item=entry, is_correct=True)


def test_the_service_checks_again_that_the_attempt_is_open(margin_quiz):
    attempt = services.attempt_start(quiz=margin_quiz, owner=Owner(visitor="v"))
    entry = item(attempt, 1)  # fetched while the attempt was open
    Attempt.objects.filter(pk=attempt.pk).update(finished_at=timezone.now())
    answer = services.Answer(choice_ids=(entry.question.choices.first().pk,))
    with pytest.raises(services.AttemptFinished):
        services.answer_submit(item=entry, answer=answer)
    assert Response.objects.count() == 0


@pytest.mark.parametrize(
    "answer",
    [
        services.Answer(),
        services.Answer(choice_ids=(1, 2)),
        services.Answer(number=None, choice_ids=(999_999,)),
    ],
)
def test_the_service_refuses_answers_that_do_not_fit_a_single_choice(margin_quiz, answer):
    attempt = services.attempt_start(quiz=margin_quiz, owner=Owner(visitor="v"))
    with pytest.raises(services.ForeignChoice):
        services.answer_submit(item=item(attempt, 1), answer=answer)
    assert Response.objects.count() == 0
