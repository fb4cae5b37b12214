import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("quiz", "0008_visitor_token_help_text"),
    ]

    operations = [
        migrations.AlterField(
            model_name="attemptquestion",
            name="question",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="+",
                to="quiz.question",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="question",
            name="unique_question_position",
        ),
        migrations.AddField(
            model_name="question",
            name="is_retired",
            field=models.BooleanField(
                default=False,
                help_text="Taken out of its quiz's file: kept for the attempts that asked it, "
                "asked in no new one.",
                verbose_name="retired",
            ),
        ),
        migrations.AddConstraint(
            model_name="question",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_retired", False)),
                fields=("quiz", "position"),
                name="unique_live_question_position",
            ),
        ),
    ]
