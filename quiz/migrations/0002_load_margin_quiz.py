from django.db import migrations

from quiz.content import load_shipped_quizzes


def load(apps, schema_editor):
    load_shipped_quizzes(
        lesson_model=apps.get_model("lessons", "Lesson"),
        quiz_model=apps.get_model("quiz", "Quiz"),
        question_model=apps.get_model("quiz", "Question"),
        choice_model=apps.get_model("quiz", "Choice"),
        update=False,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("quiz", "0001_initial"),
        ("lessons", "0002_load_shipped_lessons"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
