from django.db import migrations


class Migration(migrations.Migration):
    """Once loaded the margin quiz from Python; quizzes are content files now, loaded by
    `manage.py load_content`. Kept, empty, so that migration history stays intact."""

    dependencies = [("quiz", "0001_initial")]

    operations = []
