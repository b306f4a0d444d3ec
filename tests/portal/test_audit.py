import pytest
from django.urls import reverse

from portal.models import AuditRecord
from portal.services import audit_record
from tests import factories

pytestmark = pytest.mark.django_db


def test_audit_record_writes_actor_target_payload_and_request_id(client):
    admin = factories.AdministratorFactory()
    org = factories.OrganisationFactory()
    row = audit_record(actor=admin, verb="test.verb", target=org, payload={"a": 1})
    assert row.actor_label == admin.username
    assert row.target_type == "portal.organisation" and row.target_id == str(org.pk)
    assert row.payload == {"a": 1}
    system = audit_record(actor=None, verb="clock.tick", target=None)
    assert system.actor_label == "system"


def test_audit_trail_refuses_updates_and_deletes():
    row = audit_record(actor=None, verb="x", target=None, payload={"v": 1})
    row.verb = "changed"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        AuditRecord.objects.filter(pk=row.pk).update(verb="changed")
    with pytest.raises(PermissionError):
        AuditRecord.objects.all().delete()
    assert AuditRecord.objects.get(pk=row.pk).verb == "x"


def test_only_administrators_read_the_audit_trail(client):
    audit_record(actor=None, verb="visible.verb", target=None)
    for user in [
        factories.ExporterFactory(),
        factories.OfficerFactory(),
        factories.SupervisorFactory(),
    ]:
        client.force_login(user)
        assert client.get(reverse("audit_list")).status_code == 403
    client.logout()
    assert client.get(reverse("audit_list")).status_code == 302  # to sign-in
    client.force_login(factories.AdministratorFactory())
    response = client.get(reverse("audit_list"))
    assert response.status_code == 200
    assert "visible.verb" in response.content.decode()


def test_django_admin_cannot_change_or_delete_audit_rows(client):
    row = audit_record(actor=None, verb="x", target=None)
    admin = factories.AdministratorFactory(is_superuser=True)
    client.force_login(admin)
    change = reverse("admin:portal_auditrecord_change", args=[row.pk])
    response = client.post(change, {"verb": "hacked"})
    assert response.status_code in (302, 403)
    delete = reverse("admin:portal_auditrecord_delete", args=[row.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditRecord.objects.get(pk=row.pk).verb == "x"
