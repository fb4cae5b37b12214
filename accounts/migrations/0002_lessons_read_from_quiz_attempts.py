"""Lessons whose quiz a learner took before lessons read were recorded count as read."""

from django.db import migrations
from django.db.models import Min


def record(apps, schema_editor):
    Attempt = apps.get_model("quiz", "Attempt")
    LessonRead = apps.get_model("accounts", "LessonRead")
    quiz_attempts = Attempt.objects.filter(is_review=False, retry_of__isnull=True)
    reads = []
    for row in (
        quiz_attempts.filter(user__isnull=False)
        .values("user_id", "quiz__lesson_id")
        .annotate(first=Min("started_at"), visitor=Min("visitor"))
        .order_by()
    ):
        reads.append(
            LessonRead(
                user_id=row["user_id"],
                visitor=row["visitor"],
                lesson_id=row["quiz__lesson_id"],
                read_at=row["first"],
            )
        )
    for row in (
        quiz_attempts.filter(user__isnull=True)
        .values("visitor", "quiz__lesson_id")
        .annotate(first=Min("started_at"))
        .order_by()
    ):
        reads.append(
            LessonRead(visitor=row["visitor"], lesson_id=row["quiz__lesson_id"], read_at=row["first"])
        )
    LessonRead.objects.bulk_create(reads, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [migrations.RunPython(record, migrations.RunPython.noop)]
