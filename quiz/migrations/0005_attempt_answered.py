from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce


def count_answers(apps, schema_editor):
    """Attempts started before the counter: count the answers they already have."""
    Attempt = apps.get_model("quiz", "Attempt")
    Response = apps.get_model("quiz", "Response")
    answers = (
        Response.objects.filter(item__attempt=OuterRef("pk"))
        .order_by()
        .values("item__attempt")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Attempt.objects.update(answered=Coalesce(Subquery(answers), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("quiz", "0004_question_computation_callable_choices"),
    ]

    operations = [
        migrations.AddField(
            model_name="attempt",
            name="answered",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text="How many of its questions have an answer: counted as each is "
                "recorded, so that recording one learns, in the same statement, whether it "
                "was the last.",
            ),
        ),
        migrations.RunPython(count_answers, migrations.RunPython.noop, elidable=True),
    ]
