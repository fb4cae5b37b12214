from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.content import ContentError, Report, load_content


class Command(BaseCommand):
    help = (
        "Load the lessons, quizzes and presets in the content folder. Creates what is "
        "missing and updates what has not been edited in the admin since it was loaded; "
        "--force replaces edited rows too."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dir", type=Path, help="The content folder (default: CONTENT_DIR).")
        parser.add_argument(
            "--force", action="store_true", help="Replace rows edited in the admin as well."
        )

    def handle(self, *args, **options) -> None:
        root = options["dir"] or settings.CONTENT_DIR
        try:
            report = load_content(root, force=options["force"])
        except ContentError as error:
            raise CommandError(problems_text(error, "Nothing was loaded.")) from None
        self.stdout.write(report_text(report))


def problems_text(error: ContentError, outcome: str) -> str:
    count = len(error.problems)
    lines = [f"{count} problem{'s' if count != 1 else ''} in the content files. {outcome}"]
    return "\n".join(lines + [f"  {problem}" for problem in error.problems])


def report_text(report: Report) -> str:
    lines = [
        f"Content: {len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged, {len(report.kept)} kept as edited in the admin."
    ]
    if report.kept:
        lines.append("Edited in the admin since they were loaded, so left as they are:")
        lines += [f"  {label}" for label in report.kept]
        lines.append("To replace them with the files: manage.py load_content --force")
    return "\n".join(lines)
