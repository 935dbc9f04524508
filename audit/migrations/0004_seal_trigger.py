"""Seal every access-log entry into the hash chain (audit.chain) and keep the seals append-only.

PostgreSQL: ``audit_accesslog_seal_one`` builds the same text as ``audit.chain.entry_message``
and appends the seal under a transaction-scoped advisory lock; a deferred constraint trigger
calls it when the inserting transaction commits. It is ``SECURITY DEFINER``: it runs as the
schema owner, so the application's role (``db_roles``) needs no right to write seals.
SQLite: an AFTER INSERT trigger seals each entry with ``kuty_seal_hash``, a function
audit.chain registers on every connection.

Existing entries are sealed here in id order. The seals get the same append-only triggers as the
entries (the maintenance table of migration 0002 opens both for the retention purge).
"""

from django.db import migrations

LOCK_KEY = 703202311  # Act 703/2023 11 §: any constant shared by every writer

PG_UP = f"""
CREATE OR REPLACE FUNCTION audit_accesslog_field(value text) RETURNS text AS $$
    SELECT length(coalesce(value, ''))::text || ':' || coalesce(value, '')
$$ LANGUAGE sql IMMUTABLE;

CREATE OR REPLACE FUNCTION audit_accesslog_seal_one(e audit_accesslogentry) RETURNS void AS $$
DECLARE
    previous varchar(64);
    message text;
BEGIN
    PERFORM pg_advisory_xact_lock({LOCK_KEY});
    SELECT hash INTO previous FROM audit_accesslogseal ORDER BY seq DESC LIMIT 1;
    previous := coalesce(previous, repeat('0', 64));
    message := concat_ws('|',
        audit_accesslog_field(e.id::text),
        audit_accesslog_field(floor(extract(epoch FROM e.at) * 1000000)::bigint::text),
        audit_accesslog_field(e.user_id::text),
        audit_accesslog_field(e.username),
        audit_accesslog_field(e.action),
        audit_accesslog_field(e.client_uuid::text),
        audit_accesslog_field(e.object_type),
        audit_accesslog_field(e.object_id),
        audit_accesslog_field(e.basis),
        audit_accesslog_field(e.detail),
        audit_accesslog_field(host(e.ip_address)),
        audit_accesslog_field(e.user_agent));
    INSERT INTO audit_accesslogseal (entry_id, prev_hash, hash)
    VALUES (e.id, previous,
            encode(sha256(convert_to(previous || '|' || message, 'UTF8')), 'hex'));
END;
$$ LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp;

CREATE OR REPLACE FUNCTION audit_accesslogentry_seal() RETURNS trigger AS $$
BEGIN
    PERFORM audit_accesslog_seal_one(NEW);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp;

-- SECURITY DEFINER functions must not be callable by anyone else: a made-up seal written as
-- the owner would corrupt the chain (the trigger fires them without an EXECUTE check).
REVOKE EXECUTE ON FUNCTION audit_accesslog_seal_one(audit_accesslogentry) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION audit_accesslogentry_seal() FROM PUBLIC;

CREATE CONSTRAINT TRIGGER audit_accesslogentry_seal
    AFTER INSERT ON audit_accesslogentry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION audit_accesslogentry_seal();

CREATE TRIGGER audit_accesslogseal_append_only
    BEFORE UPDATE OR DELETE ON audit_accesslogseal
    FOR EACH ROW EXECUTE FUNCTION audit_accesslogentry_refuse_change();
CREATE TRIGGER audit_accesslogseal_no_truncate
    BEFORE TRUNCATE ON audit_accesslogseal
    FOR EACH STATEMENT EXECUTE FUNCTION audit_accesslogentry_refuse_change();

DO $$
DECLARE
    e audit_accesslogentry;
BEGIN
    FOR e IN SELECT * FROM audit_accesslogentry ORDER BY id LOOP
        PERFORM audit_accesslog_seal_one(e);
    END LOOP;
END;
$$;
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS audit_accesslogseal_no_truncate ON audit_accesslogseal;
DROP TRIGGER IF EXISTS audit_accesslogseal_append_only ON audit_accesslogseal;
DROP TRIGGER IF EXISTS audit_accesslogentry_seal ON audit_accesslogentry;
DROP FUNCTION IF EXISTS audit_accesslogentry_seal();
DROP FUNCTION IF EXISTS audit_accesslog_seal_one(audit_accesslogentry);
DROP FUNCTION IF EXISTS audit_accesslog_field(text);
"""
SQLITE_SEAL = (
    "(SELECT hash FROM audit_accesslogseal ORDER BY seq DESC LIMIT 1), '" + "0" * 64 + "'"
)
SQLITE_UP = [
    f"""CREATE TRIGGER audit_accesslogentry_seal AFTER INSERT ON audit_accesslogentry BEGIN
       INSERT INTO audit_accesslogseal (entry_id, prev_hash, hash) VALUES (
           NEW.id,
           coalesce({SQLITE_SEAL}),
           kuty_seal_hash(coalesce({SQLITE_SEAL}), NEW.id, NEW.at, NEW.user_id, NEW.username,
               NEW.action, NEW.client_uuid, NEW.object_type, NEW.object_id, NEW.basis,
               NEW.detail, NEW.ip_address, NEW.user_agent));
       END;""",
    """CREATE TRIGGER audit_accesslogseal_no_update BEFORE UPDATE ON audit_accesslogseal
       WHEN NOT EXISTS (SELECT 1 FROM audit_accesslog_maintenance) BEGIN SELECT RAISE(ABORT, 'The access log is append-only'); END;""",
    """CREATE TRIGGER audit_accesslogseal_no_delete BEFORE DELETE ON audit_accesslogseal
       WHEN NOT EXISTS (SELECT 1 FROM audit_accesslog_maintenance) BEGIN SELECT RAISE(ABORT, 'The access log is append-only'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_accesslogentry_seal;",
    "DROP TRIGGER IF EXISTS audit_accesslogseal_no_update;",
    "DROP TRIGGER IF EXISTS audit_accesslogseal_no_delete;",
]


def _seal_existing_in_python(apps):
    from audit.chain import GENESIS, message_of, seal_hash

    entry_model = apps.get_model("audit", "AccessLogEntry")
    seal_model = apps.get_model("audit", "AccessLogSeal")
    previous = GENESIS
    seals = []
    for entry in entry_model.objects.order_by("pk").iterator(chunk_size=2000):
        digest = seal_hash(previous, message_of(entry))
        seals.append(seal_model(entry_id=entry.pk, prev_hash=previous, hash=digest))
        previous = digest
    seal_model.objects.bulk_create(seals, batch_size=500)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif vendor == "sqlite":
        _seal_existing_in_python(apps)
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
    dependencies = [("audit", "0003_access_log_seal")]

    operations = [migrations.RunPython(forwards, backwards)]
