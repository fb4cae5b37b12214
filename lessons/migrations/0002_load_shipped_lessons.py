from django.db import migrations

from lessons.content import load_shipped_lessons


def load(apps, schema_editor):
    load_shipped_lessons(
        level_model=apps.get_model("lessons", "Level"),
        lesson_model=apps.get_model("lessons", "Lesson"),
        update=False,
    )


class Migration(migrations.Migration):
    dependencies = [("lessons", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
