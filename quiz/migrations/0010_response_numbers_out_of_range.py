from decimal import Decimal

from django.db import migrations
from django.db.models import Q

LIMIT = Decimal(10) ** 11  # quiz.numeric.ANSWER_LIMIT when this was written


def clear_numbers_out_of_range(apps, schema_editor):
    """Answers typed before the form had a range, such as a 20-digit one that SQLite
    kept as 1e+20 and no page could read back: the number goes, the text as typed and
    the verdict stay. Filtered in SQL, since reading such a row is what failed."""
    Response = apps.get_model("quiz", "Response")
    Response.objects.filter(Q(number__gte=LIMIT) | Q(number__lte=-LIMIT)).update(number=None)


class Migration(migrations.Migration):
    dependencies = [
        ("quiz", "0009_question_is_retired"),
    ]

    operations = [
        migrations.RunPython(clear_numbers_out_of_range, migrations.RunPython.noop),
    ]
