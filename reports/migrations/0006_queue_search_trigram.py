"""Queue search on PostgreSQL: pg_trgm GIN indexes for `icontains` on the report's reference
and counterparty (dialogue.selectors.queue_for, `q`).

Django's icontains is `UPPER(col::text) LIKE UPPER('%q%')` on PostgreSQL, so the indexes are
on that expression; a search of three characters or more then reads only the matching rows.
They hold open reports only, as the queue's default filter does: a common word ("Shanghai"
is in one counterparty of eight) then matches a few thousand rows, not a tenth of the table.
A search of all statuses scans, as before.

SQLite has neither the extension nor GIN: there the migration does nothing and the same
icontains query scans, as before.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# reports.lifecycle.OPEN_STATUSES, as in the partial indexes of migration 0005.
OPEN = "'inform_proposed', 'submitted', 'under_dialogue'"
INDEXES = {
    "report_reference_trgm": "reference",
    "report_counterparty_trgm": "counterparty_name",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "reports_report" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops) '
            f"WHERE status IN ({OPEN})"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("reports", "0005_queue_and_clock_indexes")]

    operations = [
        # CreateExtension does nothing on other databases.
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
