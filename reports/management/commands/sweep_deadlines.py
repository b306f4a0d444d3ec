import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.sweep import deadlines_sweep


class Command(BaseCommand):
    help = "Run the decision clock's sweep now (or as if at --at), synchronously."

    def add_arguments(self, parser):
        parser.add_argument("--at", help="ISO 8601 datetime to sweep as of (default: now)")

    def handle(self, *args, **options):
        now = timezone.now()
        if options["at"]:
            try:
                now = datetime.datetime.fromisoformat(options["at"])
            except ValueError as exc:
                raise CommandError(f"--at: not an ISO 8601 datetime: {options['at']}") from exc
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        result = deadlines_sweep(now=now)
        self.stdout.write(
            f"sweep at {now.isoformat()}: {result.reminders} reminders sent, "
            f"{result.lapsed} reports lapsed"
        )
