from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Entry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("lesson", "Lesson"), ("strategy", "Strategy"), ("term", "Glossary term"), ("tool", "Tool")], max_length=20)),
                ("title", models.CharField(max_length=200)),
                ("place", models.CharField(help_text="Where it lives: its level, or Tools.", max_length=120)),
                ("url", models.CharField(max_length=300)),
                ("terms", models.TextField(blank=True, help_text="Other names it goes by.")),
                ("text", models.TextField(help_text="Its words, as plain text.")),
                ("position", models.PositiveIntegerField(help_text="Its order in the academy.")),
            ],
            options={"ordering": ["position"], "verbose_name_plural": "entries"},
        ),
    ]
