from django.db import migrations


class Migration(migrations.Migration):
    """Loaded the shipped lessons once; `manage.py load_content` does that now,
    keeping admin edits, so this is kept only for the migration history."""

    dependencies = [("lessons", "0001_initial")]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
