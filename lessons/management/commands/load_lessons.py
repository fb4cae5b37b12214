from django.core.management.base import BaseCommand

from lessons.content import load_shipped_lessons
from lessons.models import Lesson, Level


class Command(BaseCommand):
    help = "Load the lessons shipped in lessons/content/, overwriting their database copies."

    def handle(self, *args, **options) -> None:
        count = load_shipped_lessons(level_model=Level, lesson_model=Lesson, update=True)
        self.stdout.write(self.style.SUCCESS(f"Loaded {count} shipped lessons."))
