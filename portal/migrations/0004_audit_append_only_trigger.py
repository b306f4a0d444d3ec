"""The audit trail is append-only in the database itself, not only in Python.

A trigger refuses UPDATE, DELETE and TRUNCATE on portal_auditrecord. The one way past it is a
superuser session that sets `portal.audit_maintenance = on` for itself: the application role is
no superuser (README, production), and the test database's flush between tests needs it.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION portal_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF current_setting('portal.audit_maintenance', true) = 'on'
       AND (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER portal_audit_no_update_delete
    BEFORE UPDATE OR DELETE ON portal_auditrecord
    FOR EACH ROW EXECUTE FUNCTION portal_audit_append_only();

CREATE TRIGGER portal_audit_no_truncate
    BEFORE TRUNCATE ON portal_auditrecord
    FOR EACH STATEMENT EXECUTE FUNCTION portal_audit_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS portal_audit_no_truncate ON portal_auditrecord;
DROP TRIGGER IF EXISTS portal_audit_no_update_delete ON portal_auditrecord;
DROP FUNCTION IF EXISTS portal_audit_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_notification_outbox")]

    operations = [migrations.RunPython(forward, backward)]
