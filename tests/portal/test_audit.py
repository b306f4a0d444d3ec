import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
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


def test_base_manager_refuses_too():
    row = audit_record(actor=None, verb="x", target=None)
    with pytest.raises(PermissionError):
        AuditRecord._base_manager.filter(pk=row.pk).update(verb="changed")


# --- the database itself refuses (PostgreSQL trigger, portal migration 0004) -----------------

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger is PostgreSQL's; CI runs on it"
)


def _without_maintenance_flag(cursor):
    # Test connections carry the superuser maintenance flag so the flush between tests works;
    # an application session has neither the flag nor superuser rights.
    cursor.execute("SET LOCAL portal.audit_maintenance = 'off'")
    # The row was inserted in this test's transaction: settle its deferred foreign-key check
    # first, or PostgreSQL refuses TRUNCATE for "pending trigger events" instead of our trigger.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@needs_postgresql
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE portal_auditrecord SET verb = 'changed'",
        "DELETE FROM portal_auditrecord",
        "TRUNCATE portal_auditrecord",
        "TRUNCATE portal_auditrecord CASCADE",
    ],
)
def test_database_refuses_raw_sql_that_rewrites_the_trail(statement):
    row = audit_record(actor=None, verb="x", target=None)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            _without_maintenance_flag(cursor)
            cursor.execute(statement)
    assert AuditRecord.objects.get(pk=row.pk).verb == "x"


@needs_postgresql
@pytest.mark.parametrize(
    "attempt",
    [
        lambda pk: QuerySet.update(AuditRecord.objects.filter(pk=pk), verb="changed"),
        lambda pk: QuerySet.delete(AuditRecord.objects.filter(pk=pk)),
        lambda pk: AuditRecord.objects.filter(pk=pk)._raw_delete(connection.alias),
    ],
    ids=["queryset-update", "queryset-delete", "raw-delete"],
)
def test_database_refuses_orm_paths_around_the_model(attempt):
    row = audit_record(actor=None, verb="x", target=None)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            _without_maintenance_flag(cursor)
        attempt(row.pk)
    assert AuditRecord.objects.get(pk=row.pk).verb == "x"


@needs_postgresql
def test_the_flag_does_not_help_a_role_that_is_not_superuser():
    row = audit_record(actor=None, verb="x", target=None)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DROP ROLE IF EXISTS portal_audit_probe")
            cursor.execute("CREATE ROLE portal_audit_probe NOSUPERUSER")
            cursor.execute("GRANT SELECT, UPDATE ON portal_auditrecord TO portal_audit_probe")
            cursor.execute("SET LOCAL ROLE portal_audit_probe")
            cursor.execute("SET LOCAL portal.audit_maintenance = 'on'")
            cursor.execute("UPDATE portal_auditrecord SET verb = 'changed'")
    assert AuditRecord.objects.get(pk=row.pk).verb == "x"
