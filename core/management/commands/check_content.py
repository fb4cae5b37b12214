from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.content import ContentError, load_content
from core.management.commands.load_content import problems_text


class Command(BaseCommand):
    help = "Check every content file (as a load would) and change nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dir", type=Path, help="The content folder (default: CONTENT_DIR).")

    def handle(self, *args, **options) -> None:
        root = options["dir"] or settings.CONTENT_DIR
        try:
            load_content(root, dry_run=True)
        except ContentError as error:
            raise CommandError(problems_text(error, "Fix them and check again.")) from None
        self.stdout.write(f"The content in {root} is valid.")
