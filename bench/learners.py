"""A learner with a history, for the progress page's benchmarks (bench/load.py and
bench/progress_bench.py): a confirmed account, finished attempts spread over every
quiz (two answers wrong in each, so the review has questions in it), and half the
lessons read."""

import secrets
from itertools import cycle

WRONG = {2, 5}  # the questions each attempt gets wrong


def make_learner(*, email: str, attempts: int):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from accounts.models import LessonRead
    from lessons.models import Lesson
    from quiz.models import Question, Quiz
    from quiz.services import Answer, answer_submit, attempt_start
    from quiz.visitors import Owner

    user = get_user_model().objects.create_user(email, email, "x-bench-pass-1")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    owner = Owner(visitor=secrets.token_hex(16), user_id=user.pk)
    quizzes = cycle(Quiz.objects.published().order_by("pk"))
    for _ in range(attempts):
        attempt = attempt_start(quiz=next(quizzes), owner=owner)
        for item in attempt.items.select_related("question").order_by("number"):
            question = item.question
            if question.kind == Question.Kind.NUMERIC:
                value = item.solution.answer
                if item.number in WRONG:
                    value = abs(value) * 3 + 777
                answer = Answer(number=value, text=f"{value:f}")
            else:
                right = item.number not in WRONG
                picked = question.choices.filter(is_correct=right).order_by("position")
                if question.kind == Question.Kind.SINGLE or not right:
                    picked = picked[:1]
                answer = Answer(choice_ids=tuple(picked.values_list("pk", flat=True)))
            answer_submit(item=item, answer=answer)
    lessons = list(Lesson.objects.published())
    for lesson in lessons[: len(lessons) // 2]:
        LessonRead.objects.get_or_create(
            lesson=lesson,
            user=user,
            defaults={"visitor": owner.visitor, "read_at": user.date_joined},
        )
    return user
