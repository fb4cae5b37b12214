from django.core.management.base import BaseCommand

from lessons.models import Lesson
from quiz.content import load_shipped_quizzes
from quiz.models import Choice, Question, Quiz


class Command(BaseCommand):
    help = "Load the quizzes shipped in quiz/content/, overwriting their database copies."

    def handle(self, *args, **options) -> None:
        count = load_shipped_quizzes(
            lesson_model=Lesson,
            quiz_model=Quiz,
            question_model=Question,
            choice_model=Choice,
            update=True,
        )
        self.stdout.write(self.style.SUCCESS(f"Loaded {count} shipped quizzes."))
