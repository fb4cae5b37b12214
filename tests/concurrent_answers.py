"""Many visitors answering quiz questions at the same moment, on a SQLite file.

Run by tests/test_concurrency.py in its own process (it needs a real database
file shared by several connections, not the test database in memory):
  DATABASE_URL=sqlite:////tmp/x.sqlite3 python tests/concurrent_answers.py
Prints how many answers were recorded and the errors met.
"""

import os
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from core.content import load_content  # noqa: E402
from quiz.models import Quiz, Response  # noqa: E402
from quiz.services import Answer, answer_submit, attempt_start  # noqa: E402
from quiz.visitors import Owner  # noqa: E402

VISITORS = 8


def main() -> None:
    call_command("migrate", verbosity=0)
    load_content(settings.CONTENT_DIR)  # the margin quiz, as `make run` loads it
    quiz = Quiz.objects.get(slug="isolated-vs-cross-margin")
    attempts = [attempt_start(quiz=quiz, owner=Owner(visitor=f"v{i}")) for i in range(VISITORS)]
    jobs = []
    for attempt in attempts:
        answers = []
        for item in attempt.items.select_related("question").order_by("number"):
            if item.question.is_numeric:
                answers.append((item, Answer(number=item.solution.answer, text="x")))
            else:
                choice = item.question.choices.order_by("position").first()
                answers.append((item, Answer(choice_ids=(choice.pk,))))
        jobs.append(answers)
    connection.close()
    errors: list[str] = []
    start = threading.Barrier(VISITORS)

    def visitor(answers: list) -> None:
        start.wait()  # everyone at once
        try:
            for item, answer in answers:
                answer_submit(item=item, answer=answer)
        except Exception as error:  # every failure is the finding
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=visitor, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"recorded {Response.objects.count()} errors {errors}")


if __name__ == "__main__":
    main()
