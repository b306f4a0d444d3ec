from django.core.management.base import BaseCommand

from catalog.loading import load_catalog


class Command(BaseCommand):
    help = "Add the notified technologies, divisions and countries that are missing (idempotent)."

    def handle(self, *args, **options):
        counts = load_catalog()
        self.stdout.write(
            "catalog: {divisions} divisions, {technologies} technologies, "
            "{countries} countries added".format(**counts)
        )
