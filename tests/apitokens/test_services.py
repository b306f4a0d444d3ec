"""Creating and revoking tokens: hashed storage, own tokens only, every change audited."""

import hashlib
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from apitokens import services
from apitokens.models import ApiToken, TokenOrigin
from portal.models import AuditRecord, Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_token_is_stored_as_its_prefix_and_hash_only(exporter):
    token, key = services.token_create(actor=exporter, user=exporter, name="ERP")
    assert re.fullmatch(r"[0-9a-f]{40}", key)
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert row["prefix"] == key[:8]
    assert row["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert not any(key in str(value) for value in row.values())
    assert row["origin"] == TokenOrigin.PAGE
    assert row["last_used_at"] is None and row["revoked_at"] is None


def test_each_key_is_new(exporter):
    keys = {services.token_create(actor=exporter, user=exporter, name="x")[1] for _ in range(5)}
    assert len(keys) == 5


def test_create_and_revoke_are_audited_without_the_key(exporter):
    token, key = services.token_create(actor=exporter, user=exporter, name="ERP")
    services.token_revoke(actor=exporter, token_id=token.pk)
    rows = AuditRecord.objects.filter(target_type="apitokens.apitoken", target_id=str(token.pk))
    assert sorted(rows.values_list("verb", flat=True)) == ["apitokens.create", "apitokens.revoke"]
    for row in rows:
        assert row.actor == exporter
        assert row.payload["name"] == "ERP"
        assert row.payload["prefix"] == key[:8]
        assert key not in str(row.payload) and key not in row.target_label


def test_revoking_twice_changes_nothing_twice(exporter):
    token, _key = services.token_create(actor=exporter, user=exporter, name="ERP")
    first = services.token_revoke(actor=exporter, token_id=token.pk).revoked_at
    again = services.token_revoke(actor=exporter, token_id=token.pk).revoked_at
    assert first == again is not None
    assert AuditRecord.objects.filter(verb="apitokens.revoke").count() == 1


def test_a_user_cannot_revoke_someone_elses_token(exporter):
    token, _key = services.token_create(actor=exporter, user=exporter, name="ERP")
    other = factories.ExporterFactory(organisation=exporter.organisation)
    with pytest.raises(Http404):
        services.token_revoke(actor=other, token_id=token.pk)
    with pytest.raises(Http404):
        services.token_revoke(actor=exporter, token_id="not-a-number")
    token.refresh_from_db()
    assert token.revoked_at is None


def test_tokens_are_made_by_their_owner_only(exporter):
    colleague = factories.ExporterFactory(organisation=exporter.organisation)
    with pytest.raises(PermissionDenied):
        services.token_create(actor=exporter, user=colleague, name="ERP")
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "make",
    [
        factories.ExporterFactory,
        factories.OfficerFactory,
        factories.SupervisorFactory,
        factories.AdministratorFactory,
    ],
)
def test_everyone_the_api_serves_may_have_tokens(make):
    user = make()
    token, _key = services.token_create(actor=user, user=user, name="tool")
    assert token.user == user


def test_an_inactive_user_or_one_without_a_role_may_not(exporter):
    nobody = factories.UserFactory(role="", organisation=None)
    assert nobody.role != Role.EXPORTER
    exporter.is_active = False
    exporter.save()
    for user in (nobody, exporter):
        with pytest.raises(PermissionDenied):
            services.token_create(actor=user, user=user, name="x")


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_token_needs_a_name(exporter, name):
    with pytest.raises(ValidationError) as caught:
        services.token_create(actor=exporter, user=exporter, name=name)
    assert "name" in caught.value.error_dict
