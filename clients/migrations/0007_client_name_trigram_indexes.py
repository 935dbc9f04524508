"""Trigram indexes for the client list's search by part of a name (PostgreSQL only).

The list's name search is ``icontains`` on the first and the last name, which PostgreSQL runs
as ``UPPER(name::text) LIKE UPPER('%word%')``: without an index, a scan of every client row.
These GIN indexes on the same expressions answer it from the index (words of three letters or
more). pg_trgm is a trusted extension (PostgreSQL 13+): the schema's owner may create it. Where
it cannot be created, the search works as before, only without the index. SQLite: nothing.
"""

from django.db import migrations

INDEXES = {
    "client_last_name_trgm": "last_name",
    "client_first_name_trgm": "first_name",
}


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            cursor.execute("SAVEPOINT kuty_trgm")
            try:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            except Exception:  # noqa: BLE001 (not available here: search without the index)
                cursor.execute("ROLLBACK TO SAVEPOINT kuty_trgm")
                return
            cursor.execute("RELEASE SAVEPOINT kuty_trgm")
        for name, column in INDEXES.items():
            cursor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "clients_client" '
                f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0006_hetu_encrypted"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
