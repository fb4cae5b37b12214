"""Answers to the stated range: 15 digits, 4 of them decimals (quiz.numeric.ANSWER_DIGITS),
which SQLite keeps exactly. Apart from 0010, which clears what would not fit, so that
PostgreSQL narrows the column in a transaction of its own."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("quiz", "0010_response_numbers_out_of_range"),
    ]

    operations = [
        migrations.AlterField(
            model_name="response",
            name="expected",
            field=models.DecimalField(
                blank=True,
                decimal_places=4,
                help_text="The engine's answer when graded.",
                max_digits=15,
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="response",
            name="number",
            field=models.DecimalField(
                blank=True,
                decimal_places=4,
                help_text="The answer as read; empty for one typed before answers had a range.",
                max_digits=15,
                null=True,
            ),
        ),
    ]
