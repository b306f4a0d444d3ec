from django.core.management.base import BaseCommand, CommandError

from portal.models import User
from signin.services import user_unlock_by_operator


class Command(BaseCommand):
    help = "Unlock an account locked after failed sign-ins (when no administrator can sign in)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        try:
            unlocked = user_unlock_by_operator(username=username)
        except User.DoesNotExist as missing:
            raise CommandError(f"No account named {username!r}.") from missing
        self.stdout.write(f"{username} unlocked." if unlocked else f"{username} was not locked.")
