"""The quizzes the academy ships, kept as Python data beside this module.

A data migration loads them into a fresh database; `manage.py load_quizzes`
refreshes them later. The loader takes the model classes so that a migration
can pass its historical models.
"""

from quiz.content import margin

SHIPPED = [margin]


def load_shipped_quizzes(
    *, lesson_model, quiz_model, question_model, choice_model, update: bool
) -> int:
    """Create the shipped quizzes; with update, overwrite edited copies too.

    Questions and choices are matched by position, so attempts keep pointing at
    the same questions. Returns how many quizzes were created or updated.
    """
    changed = 0
    for module in SHIPPED:
        spec = dict(module.QUIZ)
        level_slug, lesson_slug = spec.pop("lesson")
        lesson = lesson_model.objects.filter(level__slug=level_slug, slug=lesson_slug).first()
        if lesson is None:
            continue
        values = {**spec, "lesson": lesson, "is_published": True}
        quiz = quiz_model.objects.filter(slug=spec["slug"]).first()
        if quiz is not None and not update:
            continue
        quiz, _ = quiz_model.objects.update_or_create(slug=spec["slug"], defaults=values)
        for position, item in enumerate(module.QUESTIONS, start=1):
            fields = {key: value for key, value in item.items() if key != "choices"}
            question, _ = question_model.objects.update_or_create(
                quiz=quiz, position=position, defaults=fields
            )
            choices = item.get("choices", [])
            for number, (text, is_correct, feedback) in enumerate(choices, start=1):
                choice_model.objects.update_or_create(
                    question=question,
                    position=number,
                    defaults={"text": text, "is_correct": is_correct, "feedback": feedback},
                )
            question.choices.filter(position__gt=len(choices)).delete()
        quiz.questions.filter(position__gt=len(module.QUESTIONS)).delete()
        changed += 1
    return changed
