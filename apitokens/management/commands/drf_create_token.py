"""`manage.py drf_create_token USERNAME [-r]` as api.md documents it, on the hashed tokens.

It replaces DRF's command of the same name (rest_framework.authtoken is no longer installed).
Only a hash is stored, so an earlier key cannot be printed again: each run makes a new token.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from apitokens.services import token_create_by_command

UserModel = get_user_model()


class Command(BaseCommand):
    help = "Create an API token for a user and print its key (shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username", type=str)
        parser.add_argument(
            "-r",
            "--reset",
            action="store_true",
            dest="reset_token",
            default=False,
            help="Revoke the user's tokens made by this command, then create a new one.",
        )

    def handle(self, *args, **options):
        username = options["username"]
        try:
            user = UserModel._default_manager.get_by_natural_key(username)
        except UserModel.DoesNotExist:
            raise CommandError(f"Cannot create the Token: user {username} does not exist") from None
        _token, key = token_create_by_command(user=user, reset=options["reset_token"])
        self.stdout.write(f"Generated token {key} for user {username}")
