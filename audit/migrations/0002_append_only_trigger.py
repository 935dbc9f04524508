"""Make the access log append-only in the database itself, on PostgreSQL and SQLite.

Rows can be removed only while a row stands in ``audit_accesslog_maintenance``: the retention
purge (rows older than ACCESS_LOG_RETENTION_YEARS) and the test database's flush use it inside
their own transaction. No application code path writes that table otherwise.
"""

from django.db import migrations

MAINTENANCE_TABLE = "CREATE TABLE audit_accesslog_maintenance (reason varchar(200) NOT NULL)"
PG_UP = """
CREATE OR REPLACE FUNCTION audit_accesslogentry_refuse_change() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM audit_accesslog_maintenance) THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        IF TG_OP = 'UPDATE' THEN RETURN NEW; END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'The access log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_accesslogentry_append_only
    BEFORE UPDATE OR DELETE ON audit_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION audit_accesslogentry_refuse_change();
CREATE TRIGGER audit_accesslogentry_no_truncate
    BEFORE TRUNCATE ON audit_accesslogentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_accesslogentry_refuse_change();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS audit_accesslogentry_no_truncate ON audit_accesslogentry;
DROP TRIGGER IF EXISTS audit_accesslogentry_append_only ON audit_accesslogentry;
DROP FUNCTION IF EXISTS audit_accesslogentry_refuse_change();
DROP TABLE IF EXISTS audit_accesslog_maintenance;
"""
SQLITE_UP = [
    """CREATE TRIGGER audit_accesslogentry_no_update BEFORE UPDATE ON audit_accesslogentry
       WHEN NOT EXISTS (SELECT 1 FROM audit_accesslog_maintenance) BEGIN SELECT RAISE(ABORT, 'The access log is append-only'); END;""",
    """CREATE TRIGGER audit_accesslogentry_no_delete BEFORE DELETE ON audit_accesslogentry
       WHEN NOT EXISTS (SELECT 1 FROM audit_accesslog_maintenance) BEGIN SELECT RAISE(ABORT, 'The access log is append-only'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_accesslogentry_no_update;",
    "DROP TRIGGER IF EXISTS audit_accesslogentry_no_delete;",
    "DROP TABLE IF EXISTS audit_accesslog_maintenance;",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute(MAINTENANCE_TABLE)
    if vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
