"""The keys of DRF's authtoken table, where an earlier install left one, keep working as
hashed rows named "migrated", and no key stays in plain text."""

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from apitokens.models import ApiToken, TokenOrigin

pytestmark = pytest.mark.django_db

move_keys = importlib.import_module("apitokens.migrations.0002_move_authtoken_keys").move_keys
SCHEMA_EDITOR = SimpleNamespace(connection=connection)  # all that move_keys uses of it
OLD_KEY = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"


@pytest.fixture
def old_table(db):
    """authtoken_token as DRF's migrations made it (the app is no longer installed)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created timestamp with time zone NOT NULL, user_id bigint NOT NULL UNIQUE)"
            if connection.vendor == "postgresql"
            else "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created datetime NOT NULL, user_id bigint NOT NULL UNIQUE)"
        )
    yield "authtoken_token"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE authtoken_token")


def test_old_keys_become_hashed_rows_that_authenticate(catalog, exporter, old_table):
    created = timezone.now().replace(microsecond=0) - datetime.timedelta(days=100)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)",
            [OLD_KEY, created, exporter.pk],
        )
    move_keys(apps, SCHEMA_EDITOR)

    token = ApiToken.objects.get(user=exporter)
    assert (token.name, token.origin, token.prefix) == (
        "migrated",
        TokenOrigin.MIGRATED,
        "9944b091",
    )
    assert token.created_at == created
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {OLD_KEY}")
    assert client.get("/api/v1/reports/").status_code == 200


def test_a_new_database_has_no_old_table_and_nothing_to_move(db):
    assert "authtoken_token" not in connection.introspection.table_names()
    move_keys(apps, SCHEMA_EDITOR)
    assert not ApiToken.objects.exists()
