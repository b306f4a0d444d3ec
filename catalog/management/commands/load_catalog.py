from django.core.management.base import BaseCommand

from catalog.loading import load_catalog


class Command(BaseCommand):
    help = (
        "Add the notified technologies, transaction types, exclusion rules, divisions and "
        "countries that are missing (idempotent)."
    )

    def handle(self, *args, **options):
        counts = load_catalog()
        self.stdout.write(
            "catalog: {divisions} divisions, {technologies} technologies, "
            "{transaction_types} transaction types, {exclusion_rules} exclusion rules, "
            "{countries} countries added".format(**counts)
        )
