"""A covering index for the statistics (insight.selectors): the reports received in a period,
with every column the figures group or filter by, so that PostgreSQL answers the page from an
index-only scan of a few megabytes instead of reading the wide report rows (p95 ≤ 200 ms at
100,000 reports, bench/pages.py). Declared here, with the figures that need it, as SQL: Django
cannot declare INCLUDE columns portably and SQLite (development) needs no such index."""

from django.db import migrations

INDEX = "report_statistics_received"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON reports_report (received_at) "
        "INCLUDE (status, closed_at, late, responsible_division_id, technology_id, "
        "counterparty_country_id) WHERE received_at IS NOT NULL"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("reports", "0008_precedents_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
