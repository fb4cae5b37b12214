from django.core.management.base import BaseCommand, CommandError, CommandParser

from simulator.replay.uploads import UNUSED_DAYS, uploads_remove_unused


class Command(BaseCommand):
    help = (
        f"Remove uploaded price paths that no one has opened for {UNUSED_DAYS} days "
        "(run it daily: docs/deploy.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=UNUSED_DAYS, help="Unused for at least this many days."
        )

    def handle(self, *args, days: int, **options) -> None:
        if days < 1:
            raise CommandError("--days must be at least 1.")
        removed = uploads_remove_unused(days=days)
        self.stdout.write(f"Removed {removed} uploaded path(s) unused for {days} days or more.")
