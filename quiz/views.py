from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lessons.selectors import lesson_next_step
from quiz import checks, selectors, services
from quiz.feedback import feedback_for, feedback_when_shown, question_context
from quiz.forms import AnswerForm
from quiz.models import Attempt, AttemptQuestion, Question, Quiz, lesson_sections
from quiz.visitors import Owner, owner_from_request

REFUSAL_STATUS = {
    services.NotInAttempt: 404,
    services.ForeignChoice: 400,
    services.RepeatedChoice: 400,
    services.TooManyAttempts: 429,
}


def _crumbs(quiz: Quiz | None = None, *more: tuple[str, str | None]) -> list:
    crumbs = [("Quiz", reverse("quiz:index") if quiz or more else None)]
    if quiz is not None:
        crumbs.append((quiz.title, quiz.get_absolute_url() if more else None))
    return crumbs + list(more)


def _owned_attempt(request: HttpRequest, attempt_id: int) -> Attempt:
    attempt = selectors.owned_attempt(attempt_id=attempt_id, owner=owner_from_request(request))
    if attempt is None:
        raise Http404("No attempt of yours has that number.")
    return attempt


def _next_url(attempt: Attempt, after: int = 0) -> str:
    number = selectors.next_number(attempt=attempt, after=after)
    return attempt.get_results_url() if number is None else attempt.get_question_url(number)


@require_safe
def quiz_index(request: HttpRequest) -> HttpResponse:
    owner = owner_from_request(request)
    return render(
        request,
        "quiz/quiz_list.html",
        {
            "quizzes": selectors.quiz_list(owner=owner),
            "has_history": selectors.attempt_history(owner=owner).exists(),
            "breadcrumbs": _crumbs(),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def quiz_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The quiz's start page; a post starts a new attempt with fresh figures."""
    owner = owner_from_request(request, create=request.method == "POST")
    quiz = get_object_or_404(selectors.quiz_list(owner=owner), slug=slug)
    if request.method == "POST":
        try:
            attempt = services.attempt_start(quiz=quiz, owner=owner, capped=True)
        except services.Refused as refusal:
            messages.warning(request, str(refusal))
            return redirect(quiz.get_absolute_url())
        return redirect(attempt.get_question_url(1))
    unfinished = selectors.unfinished_attempt(quiz=quiz, owner=owner)
    left = selectors.unanswered_numbers(attempt=unfinished) if unfinished else []
    resume = None
    if left:
        resume = {
            "url": unfinished.get_question_url(left[0]),
            "answered": unfinished.total - len(left),
            "total": unfinished.total,
        }
    elif unfinished is not None:  # all it holds is answered: it lost questions (see settle)
        services.attempt_settle(attempt=unfinished)
    return render(
        request,
        "quiz/quiz_detail.html",
        {"quiz": quiz, "resume": resume, "breadcrumbs": _crumbs(quiz)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def question(request: HttpRequest, attempt_id: int, number: int) -> HttpResponse:
    owner = owner_from_request(request)
    if request.method == "POST":
        return _answer(request, attempt_id=attempt_id, number=number, owner=owner)
    item = selectors.owned_item(attempt_id=attempt_id, number=number, owner=owner)
    if item is None:
        _owned_attempt(request, attempt_id)  # which 404: no such attempt of theirs, or question
        raise Http404("That question is not part of this attempt.")
    return _question_page(request, item.attempt, item)


def _answer(
    request: HttpRequest, *, attempt_id: int, number: int, owner: Owner | None
) -> HttpResponse:
    target = selectors.answer_target(attempt_id=attempt_id, number=number, owner=owner)
    if target is None:
        attempt = _owned_attempt(request, attempt_id)  # a 404 unless the attempt is theirs
        return _refuse(request, attempt, services.NotInAttempt(), None)
    item, attempt = target.item, target.item.attempt
    try:
        services.check_answerable(attempt=attempt, answered=target.answered)
    except services.Refused as refusal:
        return _refuse(request, attempt, refusal, item)
    form = AnswerForm(request.POST, item=item)
    if not form.is_valid():
        if (refusal := form.refusal) is not None:
            return _refuse(request, attempt, refusal, item)
        return _question_page(request, attempt, item, form=form, partial="question_area")
    try:
        services.answer_submit(item=item, answer=form.answer())
    except services.Refused as refusal:
        return _refuse(request, attempt, refusal, item)
    if not request.htmx:
        return redirect(item.get_absolute_url())
    # The item and attempt now carry the answer; where to go next was read with the item.
    if attempt.is_finished or target.next_number is None:
        next_url = _next_url(attempt, after=item.number)
    else:
        next_url = attempt.get_question_url(target.next_number)
    return _question_page(
        request, attempt, item, partial="answered", next_url=next_url, sections=target.sections
    )


def _question_page(
    request: HttpRequest,
    attempt: Attempt,
    item: AttemptQuestion,
    *,
    form: AnswerForm | None = None,
    partial: str = "",
    next_url: str = "",
    sections: dict[str, str] | None = None,
) -> HttpResponse:
    """The question, as a form to answer (with `form`'s errors, if given) or answered."""
    quiz = attempt.quiz
    feedback = None
    if form is None and hasattr(item, "response"):
        feedback = feedback_when_shown(item, sections=sections)
        next_url = next_url or _next_url(attempt, after=item.number)
    elif form is None:
        form = AnswerForm(item=item)
    context = {
        "attempt": attempt,
        "quiz": quiz,
        **question_context(item, form=form, feedback=feedback),
        "next_url": next_url,
        "is_last": next_url == attempt.get_results_url(),
    }
    template = "quiz/question.html"
    if partial and request.htmx:
        template += f"#{partial}"
    else:  # only the whole page shows them
        context["breadcrumbs"] = _crumbs(quiz, (f"Question {item.number}", None))
    return render(request, template, context)


def _refuse(
    request: HttpRequest,
    attempt: Attempt,
    refusal: services.Refused,
    item: AttemptQuestion | None,
) -> HttpResponse:
    """Say why nothing was recorded, and where to go on from here."""
    if attempt.is_finished:
        back_url, back_label = attempt.get_results_url(), "See your results"
    elif item is not None:
        back_url, back_label = item.get_absolute_url(), f"Back to question {item.number}"
    else:
        back_url, back_label = _next_url(attempt), "Back to the quiz"
    return refusal_response(
        request,
        refusal=refusal,
        quiz=attempt.quiz,
        back=(back_label, back_url),
        breadcrumbs=_crumbs(attempt.quiz, ("Answer not recorded", None)),
    )


def refusal_response(
    request: HttpRequest,
    *,
    refusal: services.Refused,
    quiz: Quiz,
    back: tuple[str, str],
    breadcrumbs: list,
) -> HttpResponse:
    """Why an answer was not recorded, with a way back (label, address): a page, or
    for htmx, which swaps no error response, the same words on the page it is sent to."""
    status = REFUSAL_STATUS.get(type(refusal), 409)
    back_label, back_url = back
    if request.htmx:
        messages.warning(request, str(refusal))
        response = HttpResponse(str(refusal), status=status, content_type="text/plain")
        response["HX-Redirect"] = back_url
        return response
    context = {
        "quiz": quiz,
        "message": str(refusal),
        "back_url": back_url,
        "back_label": back_label,
        "breadcrumbs": breadcrumbs,
    }
    return render(request, "quiz/refused.html", context, status=status)


@require_safe
def results(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _owned_attempt(request, attempt_id)
    if not attempt.is_finished:
        services.attempt_settle(attempt=attempt)
    if not attempt.is_finished:
        return redirect(_next_url(attempt))
    quiz = attempt.quiz
    sections = lesson_sections(quiz.lesson)
    rows = [
        (item, feedback_for(item, sections=sections))
        for item in selectors.attempt_items(attempt=attempt)
    ]
    return render(
        request,
        "quiz/results.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "rows": rows,
            "missed": attempt.total - attempt.correct,
            # After a pass, on to what follows the lesson.
            "next_step": lesson_next_step(lesson=quiz.lesson) if attempt.passed else None,
            "breadcrumbs": _crumbs(quiz, ("Results", None)),
        },
    )


@require_POST
def retry(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """A new attempt at the questions this one missed, with fresh figures."""
    attempt = _owned_attempt(request, attempt_id)
    owner = owner_from_request(request, create=True)
    try:
        retry_attempt = services.attempt_retry_missed(attempt=attempt, owner=owner)
    except services.Refused as refusal:
        return _refuse(request, attempt, refusal, None)
    return redirect(retry_attempt.get_question_url(1))


@require_safe
def resume(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Where an attempt stopped: its next unanswered question, or its results."""
    return redirect(_next_url(_owned_attempt(request, attempt_id)))


HISTORY_PAGE_SIZE = 25


@require_safe
def history(request: HttpRequest) -> HttpResponse:
    attempts = selectors.attempt_history(owner=owner_from_request(request))
    # A page number that is no number, or past the end, gets the first or the last page.
    page = Paginator(attempts, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "quiz/history.html",
        {
            "attempts": page,
            "page": page,
            "breadcrumbs": _crumbs(None, ("Your attempts", None)),
        },
    )


# --------------------------------------------------------------------------- checks in lessons


@require_http_methods(["GET", "HEAD", "POST"])
def check(request: HttpRequest, question_id: int) -> HttpResponse:
    """A question asked inside a lesson (quiz.checks). GET: the form (a page without
    JavaScript; the form alone for htmx, fetched into the lesson). POST: graded and recorded,
    then the feedback (htmx) or back to the check's place in the lesson."""
    question = get_object_or_404(
        Question.objects.live().select_related("quiz__lesson__level").prefetch_related("choices"),
        pk=question_id,
        quiz__is_published=True,
    )
    lesson_url = f"{question.quiz.lesson.get_absolute_url()}#check-{question.pk}"
    form = None
    status = 200
    if request.method != "POST" and "again" in request.GET:
        form = AnswerForm(item=checks.check_item(question), prefix=checks.form_prefix(question))
    if request.method == "POST":
        form = AnswerForm(
            request.POST, item=checks.check_item(question), prefix=checks.form_prefix(question)
        )
        if form.is_valid():
            owner = owner_from_request(request, create=True)
            try:
                checks.check_submit(question=question, owner=owner, answer=form.answer())
            except services.Refused as refusal:
                return refusal_response(
                    request,
                    refusal=refusal,
                    quiz=question.quiz,
                    back=("Back to the lesson", lesson_url),
                    breadcrumbs=_crumbs(question.quiz, ("Answer not recorded", None)),
                )
            if not request.htmx:
                return redirect(lesson_url)
            form = None
        else:
            status = 400 if form.refusal is not None else 422
    context = checks.check_context(question=question, request=request, form=form)
    if request.htmx:
        return render(request, "quiz/check.html#check", context, status=status)
    context["breadcrumbs"] = _crumbs(question.quiz, ("A question from the lesson", None))
    context["lesson_url"] = lesson_url
    return render(request, "quiz/check.html", context, status=status)
