"""The learner's pages: progress, review, marking a lesson read, their account and data."""

import json

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import clock, selectors, services
from accounts.forms import DeleteForm
from accounts.models import ReviewItem
from core.page_cache import render_personal_page
from lessons.models import Lesson
from quiz import services as quiz_services
from quiz.feedback import feedback_when_shown, question_context
from quiz.forms import AnswerForm
from quiz.models import Attempt, AttemptQuestion
from quiz.views import refusal_response
from quiz.visitors import owner_from_request

PROGRESS = ("Your progress", None)


def _crumbs(*more: tuple[str, str | None]) -> list:
    if not more:
        return [PROGRESS]
    return [(PROGRESS[0], reverse("progress:index")), *more]


# --------------------------------------------------------------------------- progress


@require_safe
def progress(request: HttpRequest) -> HttpResponse:
    """The learner's progress, from the cache until their record changes or a review
    falls due: it is the page a returning learner opens first."""
    owner = owner_from_request(request)
    at = clock.now()

    def build_context() -> dict:
        items = services.review_sync(owner=owner, at=at)
        return {
            "progress": selectors.progress_for(owner=owner, review=items, at=at),
            "breadcrumbs": _crumbs(),
        }

    email = request.user.email if request.user.is_authenticated else ""
    return render_personal_page(
        request,
        key=lambda: f"progress:{email}:{selectors.record_version(owner=owner)}",
        template_name="accounts/progress.html",
        build_context=build_context,
        now=at,
        until=lambda context: context["progress"].review.next_due_at,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def mark_read(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """Mark a lesson read: a plain form, posted when the learner presses its button.

    The form is on the lesson page for a visitor with a record of their own; the
    shared page links here for it instead (a click on the link with htmx fetches
    it, and it posts itself at once).
    """
    lesson = get_object_or_404(Lesson.objects.published().select_related("level"), pk=lesson_id)
    read_url = reverse("progress:read", kwargs={"lesson_id": lesson.pk})
    if request.method != "POST":
        owner = owner_from_request(request)
        context = {
            "lesson": lesson,
            "read": selectors.lesson_is_read(lesson=lesson, owner=owner),
            "read_url": read_url,
            "breadcrumbs": _crumbs(("Mark as read", None)),
        }
        if request.htmx:
            context["trigger"] = "load"
            if context["read"]:
                return render(request, "accounts/_lesson_progress.html#marked", context)
            return render(request, "accounts/_lesson_progress.html#form", context)
        return render(request, "accounts/mark_read.html", context)
    owner = owner_from_request(request, create=True)
    services.lesson_mark_read(lesson=lesson, owner=owner, at=clock.now())
    if request.htmx:
        return render(request, "accounts/_lesson_progress.html#marked", {"lesson": lesson})
    return redirect(lesson.get_absolute_url() + "#lesson-progress")


# --------------------------------------------------------------------------- review


@require_safe
def review(request: HttpRequest) -> HttpResponse:
    owner = owner_from_request(request)
    at = clock.now()
    items = services.review_sync(owner=owner, at=at)
    return render(
        request,
        "accounts/review.html",
        {
            "review": selectors.review_summary(items, at=at),
            "breadcrumbs": _crumbs(("Review", None)),
        },
    )


@require_POST
def review_next(request: HttpRequest) -> HttpResponse:
    """Ask the next due question (a one-question review attempt), or say none is due."""
    owner = owner_from_request(request)
    attempt = None
    if owner is not None:
        attempt = services.review_next(owner=owner, at=clock.now())
    if attempt is None:
        messages.info(request, "Nothing is due for review just now.")
        return redirect("progress:review")
    return redirect("progress:review_question", attempt_id=attempt.pk)


def _review_attempt(request: HttpRequest, attempt_id: int) -> Attempt:
    attempt = (
        Attempt.objects.owned_by(owner_from_request(request))
        .filter(is_review=True, pk=attempt_id)
        .select_related("quiz__lesson__level")
        .first()
    )
    if attempt is None:
        raise Http404("No review question of yours has that number.")
    return attempt


@require_http_methods(["GET", "HEAD", "POST"])
def review_question(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """One review question: the quiz's own answer form, grading and feedback."""
    attempt = _review_attempt(request, attempt_id)
    item = selectors.review_question(attempt=attempt)
    if request.method == "POST":
        return _answer(request, attempt, item)
    return _question_page(request, attempt, item)


def _answer(request: HttpRequest, attempt: Attempt, item: AttemptQuestion) -> HttpResponse:
    if attempt.is_finished or hasattr(item, "response"):  # its one question is answered
        return _refuse(request, attempt, quiz_services.AlreadyAnswered())
    form = AnswerForm(request.POST, item=item)
    if not form.is_valid():
        if (refusal := form.refusal) is not None:
            return _refuse(request, attempt, refusal)
        return _question_page(request, attempt, item, form=form, partial="question_area")
    try:
        response = quiz_services.answer_submit(item=item, answer=form.answer())
    except quiz_services.Refused as refusal:
        return _refuse(request, attempt, refusal)
    services.review_count_answer(
        attempt_id=attempt.pk, is_correct=response.is_correct, at=clock.now()
    )
    if not request.htmx:
        return redirect("progress:review_question", attempt_id=attempt.pk)
    return _question_page(request, attempt, item, partial="answered")


def _question_page(
    request: HttpRequest,
    attempt: Attempt,
    item: AttemptQuestion,
    *,
    form: AnswerForm | None = None,
    partial: str = "",
) -> HttpResponse:
    feedback = None
    due, schedule = 0, None
    if hasattr(item, "response"):
        feedback = feedback_when_shown(item)
        reviews = ReviewItem.objects.owned_by(owner_from_request(request))
        schedule = reviews.filter(question_id=item.question_id).first()
        due = reviews.filter(
            done_at__isnull=True, due_at__lte=clock.now(), question__is_retired=False
        ).count()
    elif form is None:
        form = AnswerForm(item=item)
    context = {
        "attempt": attempt,
        "quiz": attempt.quiz,
        **question_context(item, form=form, feedback=feedback),
        "due": due,
        "schedule": schedule,
        "breadcrumbs": _crumbs(("Review", reverse("progress:review")), ("Question", None)),
    }
    template = "accounts/review_question.html"
    if partial and request.htmx:
        template += f"#{partial}"
    return render(request, template, context)


def _refuse(request: HttpRequest, attempt: Attempt, refusal: quiz_services.Refused):
    """Say why nothing was recorded, and lead back to the question."""
    return refusal_response(
        request,
        refusal=refusal,
        quiz=attempt.quiz,
        back=(
            "Back to the review question",
            reverse("progress:review_question", kwargs={"attempt_id": attempt.pk}),
        ),
        breadcrumbs=_crumbs(("Review", reverse("progress:review")), ("Not recorded", None)),
    )


# --------------------------------------------------------------------------- account and data


@login_required
@require_safe
def account(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/account.html",
        {
            "emails": request.user.emailaddress_set.order_by("-primary", "email"),
            "breadcrumbs": [("Your account", None)],
        },
    )


@require_safe
def data(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/data.html", {"breadcrumbs": _data_crumbs()})


def _data_crumbs(*more: tuple[str, str | None]) -> list:
    if not more:
        return [("Your data", None)]
    return [("Your data", reverse("accounts:data")), *more]


@never_cache
@require_safe
def data_download(request: HttpRequest) -> HttpResponse:
    """Everything kept about the learner, as a JSON file."""
    user = request.user if request.user.is_authenticated else None
    export = selectors.learner_export(owner=owner_from_request(request), user=user, at=clock.now())
    response = HttpResponse(
        json.dumps(export, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="margin-academy-data.json"'
    return response


def _has_account(request: HttpRequest) -> bool:
    return request.user.is_authenticated


@reauthentication_required(enabled=_has_account)
@require_http_methods(["GET", "HEAD", "POST"])
def delete(request: HttpRequest) -> HttpResponse:
    """Delete the account (or this browser's record) and everything tied to it, once confirmed."""
    has_account = request.user.is_authenticated
    form = DeleteForm(request.POST if request.method == "POST" else None, has_account=has_account)
    if request.method == "POST" and form.is_valid():
        services.learner_delete(
            owner=owner_from_request(request), user=request.user if has_account else None
        )
        logout(request)  # and a fresh session, with no token left to find anything by
        return redirect("accounts:deleted")
    return render(
        request,
        "accounts/delete.html",
        {
            "form": form,
            "errors": form.error_summary(),
            "has_account": has_account,
            "breadcrumbs": _data_crumbs(("Delete", None)),
        },
        status=422 if form.errors else 200,
    )


@require_safe
def deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/deleted.html", {"breadcrumbs": [("Deleted", None)]})
