"""`manage.py drf_create_token USER [-r]` as api.md documents it."""

import re
from io import StringIO

import pytest
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from apitokens.models import ApiToken, TokenOrigin
from portal.models import AuditRecord

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command("drf_create_token", *args, stdout=out)
    match = re.fullmatch(r"Generated token ([0-9a-f]{40}) for user (\S+)\n", out.getvalue())
    assert match, out.getvalue()
    return match.group(1)


def _status(key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/reports/").status_code


def test_the_command_is_this_apps():
    assert get_commands()["drf_create_token"] == "apitokens"


def test_it_prints_a_working_key(catalog, exporter):
    key = _run(exporter.username)
    assert _status(key) == 200
    token = ApiToken.objects.get(user=exporter)
    assert token.origin == TokenOrigin.COMMAND
    assert token.prefix == key[:8]
    audit = AuditRecord.objects.get(verb="apitokens.create")
    assert audit.actor is None and audit.actor_label == "system"
    assert key not in str(audit.payload)


def test_reset_revokes_the_earlier_command_token_only(catalog, exporter):
    from apitokens.services import token_create

    _page_token, page_key = token_create(actor=exporter, user=exporter, name="ERP")
    first = _run(exporter.username)
    second = _run("-r", exporter.username)
    assert _status(first) == 401
    assert _status(second) == 200
    assert _status(page_key) == 200  # made on the page: not the command's to revoke
    third = _run("--reset", exporter.username)
    assert _status(second) == 401 and _status(third) == 200
    assert AuditRecord.objects.filter(verb="apitokens.revoke").count() == 2


def test_without_reset_each_run_adds_a_token(catalog, exporter):
    first, second = _run(exporter.username), _run(exporter.username)
    assert first != second
    assert _status(first) == _status(second) == 200


def test_an_unknown_user_is_an_error(db):
    with pytest.raises(CommandError, match="user nobody does not exist"):
        call_command("drf_create_token", "nobody")
