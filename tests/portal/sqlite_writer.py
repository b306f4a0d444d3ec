"""One writer process for test_sqlite_writers: read-then-write transactions through Django's
connection with the project's SQLite settings (run as a script)."""

import os
import sys

import django

os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.dev"
django.setup()

from django.db import connection, transaction  # noqa: E402

name, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    # Read first, then write: the pattern that upgrades a lock and fails without IMMEDIATE.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM outbox_probe")
        cursor.fetchone()
        cursor.execute("INSERT INTO outbox_probe (writer, n) VALUES (%s, %s)", [name, i])
print("done", name)
