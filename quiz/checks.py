"""Questions inside lessons: the `check` embed.

A line of its own in a lesson's Markdown,

    [[check quiz=isolated-vs-cross-margin question=3]]

asks question 3 of that quiz file (in the file's order) in place. It is graded on the
server, its feedback is the quiz's own, and the answer joins the learner's record as a
one-question attempt (`Attempt.is_check`): it counts toward no score, and a miss falls
due for review like a quiz's. The answer is never in the page before it is answered.

The lesson page everyone shares carries no CSRF token (it sets no cookie), so there the
check shows its question and a link to a small page with the form; htmx fetches that form
into place when the check comes into view. A visitor with a record of their own gets their
page rendered for them, with the form itself, or their last answer and its feedback.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.page_cache import PAGE_CACHE_SECONDS, content_version
from lessons.registry import Embed, find_embeds
from quiz.feedback import feedback_for
from quiz.forms import AnswerForm
from quiz.models import Attempt, AttemptQuestion, Question, Quiz, lesson_sections
from quiz.services import Answer, QuestionUnusable, TooManyAttempts, answer_submit
from quiz.visitors import Owner, owner_from_request

CHECKS_PER_HOUR = 120  # answers to checks, per visitor: plenty for reading, few for a script


def check_seed(question: Question) -> int:
    """The figures of a numeric check are the same for everyone (the page is shared)."""
    return question.pk


def _number(embed: Embed) -> int | None:
    text = embed.attrs.get("question", "")
    return int(text) if text.isdigit() and 0 < int(text) < 1000 else None


def check_question(*, quiz_slug: str, number: int) -> Question | None:
    """The live question at `number` (from 1, in the file's order) of the published quiz."""
    key = f"check-question:{content_version()}:{quiz_slug}:{number}"
    found = cache.get(key)
    if found is None:
        questions = list(
            Question.objects.live()
            .filter(quiz__slug=quiz_slug, quiz__is_published=True)
            .select_related("quiz__lesson__level")
            .prefetch_related("choices")
            .order_by("position")
        )
        found = questions[number - 1] if 0 < number <= len(questions) else False
        cache.set(key, found, PAGE_CACHE_SECONDS)
    return found or None


def check_item(question: Question) -> AttemptQuestion:
    """An unsaved item to draw the question with (its prompt's figures, its form)."""
    seed = check_seed(question)
    figures = question.draw_figures(seed=seed) if question.is_numeric else {}
    return AttemptQuestion(question=question, number=1, seed=seed, figures=figures)


def form_prefix(question: Question) -> str:
    return f"check-{question.pk}"


def last_check(*, question: Question, owner: Owner | None) -> AttemptQuestion | None:
    """The owner's latest answered check of this question, with what feedback needs."""
    if owner is None:
        return None
    return (
        AttemptQuestion.objects.filter(
            question=question,
            attempt__is_check=True,
            attempt__in=Attempt.objects.owned_by(owner),
            response__isnull=False,
        )
        .select_related("response", "attempt__quiz__lesson__level", "question")
        .prefetch_related("response__choices", "question__choices")
        .order_by("-attempt__started_at", "-pk")
        .first()
    )


def with_chosen(item: AttemptQuestion) -> AttemptQuestion:
    """The response's chosen ids, as feedback reads them."""
    response = item.response
    if not hasattr(response, "chosen_ids"):
        response.chosen_ids = frozenset(choice.pk for choice in response.choices.all())
    return item


def check_context(
    *, question: Question, request: HttpRequest, form: AnswerForm | None = None
) -> dict:
    """What quiz/check.html draws: the form, or the learner's last answer and feedback."""
    owner = owner_from_request(request)
    answered = None if form is not None else last_check(question=question, owner=owner)
    feedback = None
    if answered is not None:
        feedback = feedback_for(
            with_chosen(answered), sections=lesson_sections(question.quiz.lesson)
        )
    item = check_item(question)
    if form is None and answered is None:
        form = AnswerForm(item=item, prefix=form_prefix(question))
    return {
        "question": question,
        "item": item,
        "prompt": item.prompt,
        "form": form,
        "feedback": feedback,
        "personal": owner is not None,
        "check_url": reverse("quiz:check", kwargs={"question_id": question.pk}),
        "anchor": f"check-{question.pk}",
        "errors": form.error_summary() if form is not None and form.is_bound else [],
    }


@transaction.atomic
def check_submit(*, question: Question, owner: Owner, answer: Answer) -> AttemptQuestion:
    """Grade and record an answer to a check, as a one-question attempt of its own."""
    window = timezone.now() - timedelta(hours=1)
    recent = Attempt.objects.owned_by(owner).filter(is_check=True, started_at__gt=window)
    if recent.count() >= CHECKS_PER_HOUR:
        raise TooManyAttempts(60)
    attempt = Attempt.objects.create(
        quiz=question.quiz, visitor=owner.visitor, user_id=owner.user_id, is_check=True, total=1
    )
    try:
        item = check_item(question)
    except Exception as error:  # an unlucky draw must not be a 500 (the admin checks 20)
        raise QuestionUnusable(1) from error
    item.attempt = attempt
    item.save()
    answer_submit(item=item, answer=answer)
    return item


class CheckEmbed:
    """The `check` embed kind, registered with lessons.registry by QuizConfig.ready."""

    def problems(self, embed: Embed) -> list[str]:
        problems = []
        unknown = sorted(set(embed.attrs) - {"quiz", "question"})
        if unknown:
            problems.append(f"unknown attribute {', '.join(unknown)} (use quiz= and question=)")
        if not embed.attrs.get("quiz"):
            problems.append("name the quiz file, like quiz=isolated-vs-cross-margin")
        if _number(embed) is None:
            problems.append("give the question's number in its quiz file, like question=3")
        return problems

    def render(self, *, request: HttpRequest, embed: Embed) -> str:
        number = _number(embed)
        question = check_question(quiz_slug=embed.attrs.get("quiz", ""), number=number or 0)
        if question is None:
            return ""  # a quiz unpublished since: the lesson reads on without it
        context = check_context(question=question, request=request)
        return render_to_string("quiz/check.html#embed", context, request=request)


def load_check_embeds(run) -> None:
    """A content loader, after the quizzes: every check embed in a lesson file names a
    quiz that exists and a question it has (the lessons load before their quizzes, so the
    embed alone cannot tell)."""
    counts: dict[str, int] = {}
    for path in sorted(run.root.glob("*/*.md")):
        embeds, _ = find_embeds(path.read_text(encoding="utf-8"))
        for embed in embeds:
            if embed.kind != "check":
                continue
            slug, number = embed.attrs.get("quiz", ""), _number(embed)
            if not slug or number is None:
                continue  # the lessons' loader reported it
            if slug not in counts:
                quiz = Quiz.objects.filter(slug=slug).first()
                counts[slug] = -1 if quiz is None else quiz.questions.live().count()
            count = counts[slug]
            field = f"[[check]] on line {embed.line}"
            if count < 0:
                run.problem(path, field, f"names quiz={slug}, but no quiz file has that name")
            elif number > count:
                run.problem(path, field, f"asks question {number} of {slug}, which has {count}")
