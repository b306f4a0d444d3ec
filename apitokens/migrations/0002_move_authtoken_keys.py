"""Moves the keys of DRF's authtoken table into hashed rows named "migrated", so that every
company's system keeps its key, then empties that table: no key stays in plain text.

rest_framework.authtoken is no longer installed, so its migrations never run on a new
database; the table is read only where an earlier install left it.
"""

import datetime
import hashlib

from django.db import migrations
from django.utils.dateparse import parse_datetime

OLD_TABLE = "authtoken_token"


def _aware(created):
    """SQLite hands back the stored UTC time without its zone (or as text)."""
    if isinstance(created, str):
        created = parse_datetime(created)
    if created.tzinfo is None:
        created = created.replace(tzinfo=datetime.UTC)
    return created


def move_keys(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("apitokens", "ApiToken")
    table, key_column = (connection.ops.quote_name(name) for name in (OLD_TABLE, "key"))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {key_column}, user_id, created FROM {table}")  # noqa: S608
        rows = [(key, user_id, _aware(created)) for key, user_id, created in cursor.fetchall()]
    ApiToken.objects.bulk_create(
        ApiToken(
            user_id=user_id,
            name="migrated",
            prefix=key[:8],
            key_hash=hashlib.sha256(key.encode()).hexdigest(),
            origin="migrated",
            created_at=created,
        )
        for key, user_id, created in rows
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [("apitokens", "0001_initial")]

    operations = [migrations.RunPython(move_keys, migrations.RunPython.noop, elidable=True)]
