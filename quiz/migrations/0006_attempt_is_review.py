from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('quiz', '0005_attempt_answered'),
    ]

    operations = [
        migrations.AddField(
            model_name='attempt',
            name='is_review',
            field=models.BooleanField(default=False, help_text="One question brought back by the learner's review (the accounts app), not an attempt at the quiz: it counts toward no score."),
        ),
    ]
