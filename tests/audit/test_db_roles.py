"""Production's two PostgreSQL roles (interfaces.md §5): ``db_roles``, run as the schema's owner,
gives the application's role SELECT and INSERT on the access log and nothing that could change
it, and the application still works as that role. PostgreSQL only."""

from __future__ import annotations

import base64
import contextlib
import datetime
import io
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import DEFAULT_DB_ALIAS, ProgrammingError, connection, connections
from django.urls import reverse
from django.utils import translation

from audit.chain import verify
from audit.management.commands.db_roles import scram_verifier
from audit.models import AccessLogEntry, AccessLogSeal, Action
from audit.retention import access_log_purge, owner_database
from tests.clients.factories import ClientFactory
from tests.conftest import need_service
from tests.organisations.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
transactional = pytest.mark.django_db(transaction=True)

INSERT_ENTRY = (
    "INSERT INTO audit_accesslogentry (at, username, action, client_uuid, object_type,"
    " object_id, basis, detail, user_agent) VALUES (now(), 'app', 'view', %s, '', '', '', '', '')"
    " RETURNING id"
)
# What the application's role must never do, each with what the refusal must name: its own
# privileges refuse it, not the log's triggers (which refuse it too, and which the test
# database's maintenance row opens for its flush).
REFUSED = [
    ("UPDATE audit_accesslogentry SET detail = 'changed'", "table audit_accesslogentry"),
    ("DELETE FROM audit_accesslogentry", "table audit_accesslogentry"),
    ("TRUNCATE audit_accesslogentry", "table audit_accesslogentry"),
    ("ALTER TABLE audit_accesslogentry DISABLE TRIGGER ALL", "owner of table audit_accesslogentry"),
    (
        "DROP TRIGGER audit_accesslogentry_append_only ON audit_accesslogentry",
        "owner of relation audit_accesslogentry",
    ),
    ("INSERT INTO audit_accesslog_maintenance (reason) VALUES ('app')", "table audit_accesslog_"),
    ("DELETE FROM audit_accesslog_maintenance", "table audit_accesslog_maintenance"),
    (
        "INSERT INTO audit_accesslogseal (entry_id, prev_hash, hash) VALUES (-1, 'x', 'x')",
        "table audit_accesslogseal",
    ),
    ("UPDATE audit_accesslogseal SET hash = 'x'", "table audit_accesslogseal"),
    ("DELETE FROM audit_accesslogseal", "table audit_accesslogseal"),
    ("ALTER TABLE audit_accesslogseal DISABLE TRIGGER ALL", "owner of table audit_accesslogseal"),
    # The owner's sealing function would write a seal for any row the caller makes up.
    (
        "SELECT audit_accesslog_seal_one(e) FROM audit_accesslogentry e",
        "function audit_accesslog_seal_one",
    ),
    ("CREATE TABLE public.kuty_app_own (id int)", "schema public"),
]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@pytest.fixture
def app_role() -> Iterator[str]:
    """A new role for this test only (roles are shared by every database of the server)."""
    if connection.vendor != "postgresql":
        need_service("PostgreSQL: database roles")
    role = f"kuty_test_app_{uuid.uuid4().hex[:12]}"
    yield role
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone():
            cursor.execute(f"DROP OWNED BY {_quote(role)}")
            cursor.execute(f"DROP ROLE {_quote(role)}")


def _db_roles(*args: str) -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command("db_roles", *args, stdout=out)
    return out.getvalue()


def _connect_as(role: str):  # type: ignore[no-untyped-def]
    settings = connection.settings_dict
    return psycopg2.connect(
        dbname=settings["NAME"],
        user=role,
        host="127.0.0.1",
        port=settings["PORT"] or 5432,
    )


@contextlib.contextmanager
def _application_as(role: str) -> Iterator[None]:
    """Django's ``default`` connection as ``role``, and an ``owner`` alias as the test
    database's owner, as in production with MIGRATE_DATABASE_URL."""
    settings = connection.settings_dict
    owner = {**settings, "ATOMIC_REQUESTS": False}
    saved = settings["USER"], settings["PASSWORD"]
    connection.close()
    settings["USER"], settings["PASSWORD"] = role, ""
    connections.settings["owner"] = owner
    # The test case refuses to open connections for aliases it was not told about at its
    # start: this one connects here, as production's would at its first query.
    connections["owner"].connect()
    try:
        yield
    finally:
        connections["owner"].close()
        del connections["owner"]
        del connections.settings["owner"]
        connection.close()
        settings["USER"], settings["PASSWORD"] = saved


@transactional
def test_the_application_role_may_read_and_add_to_the_log_and_nothing_more(app_role):
    assert "privileges set" in _db_roles(app_role)
    assert "nothing to change" in _db_roles(app_role)  # again: the same privileges

    app = _connect_as(app_role)
    app.autocommit = True
    try:
        with app.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone() == (app_role,)
            client_uuid = uuid.uuid4()
            cursor.execute(INSERT_ENTRY, [str(client_uuid)])
            entry_id = cursor.fetchone()[0]
            # Sealed at commit by the owner's trigger, though the role may not write seals.
            cursor.execute(
                "SELECT count(*) FROM audit_accesslogseal WHERE entry_id = %s", [entry_id]
            )
            assert cursor.fetchone() == (1,)
            allowed = []
            for statement, refusal in REFUSED:
                try:
                    cursor.execute(statement)
                except psycopg2.errors.InsufficientPrivilege as error:
                    if refusal in str(error).splitlines()[0]:
                        continue
                allowed.append(statement)
            assert allowed == []
    finally:
        app.close()
    assert AccessLogEntry.objects.get(pk=entry_id).client_uuid == client_uuid
    assert verify().ok


@transactional
def test_the_application_works_as_that_role(app_role, unit, counsellor, client):
    kuty_client = ClientFactory(registered_unit=unit, responsible_counsellor=counsellor)
    _db_roles(app_role)

    with _application_as(app_role), translation.override("en"):
        assert owner_database() == "owner"
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone() == (app_role,)

        # Sign in and open the client list: sessions, sign-in guard and the log all work.
        client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
        response = client.get(reverse("clients:list"))
        assert response.status_code == 200
        assert kuty_client.last_name in response.content.decode()
        assert AccessLogEntry.objects.filter(user=counsellor, client_uuid=kuty_client.uuid).exists()

        out = io.StringIO()
        call_command(
            "report",
            "outcome",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--aggregate-only",
            stdout=out,
        )
        assert "participants" in json.loads(out.getvalue())

        # The retention purge needs the owner: as the application it is refused, on the owner's
        # alias it removes the rows and logs it, and the chain stays whole.
        with pytest.raises(ProgrammingError, match="permission denied"):
            access_log_purge(using=DEFAULT_DB_ALIAS, years=1)
        logged = AccessLogEntry.objects.count()
        far_future = datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)
        assert access_log_purge(now=far_future, years=1) == logged
        record = AccessLogEntry.objects.get()
        assert record.action == Action.DELETE
        assert AccessLogSeal.objects.count() == 1
        assert verify().ok


@transactional
def test_refused_where_it_would_not_hold(app_role):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        owner, superuser = cursor.fetchone()
        if not superuser:
            pytest.skip("making a superuser role needs a superuser")
        cursor.execute(f"CREATE ROLE {_quote(app_role)} SUPERUSER")
    with pytest.raises(CommandError, match="is the role running this command"):
        _db_roles(owner)
    with pytest.raises(CommandError, match="is a superuser"):
        _db_roles(app_role)

    with connection.cursor() as cursor:
        cursor.execute(f"ALTER ROLE {_quote(app_role)} NOSUPERUSER")
        cursor.execute("CREATE TABLE app_owned (id int)")
        cursor.execute(f"ALTER TABLE app_owned OWNER TO {_quote(app_role)}")
    try:
        with pytest.raises(CommandError, match="owns app_owned"):
            _db_roles(app_role)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE app_owned")


@transactional
def test_the_password_reaches_the_server_only_as_postgresqls_own_verifier(app_role, monkeypatch):
    monkeypatch.setenv("KUTY_TEST_APP_PASSWORD", "local-only-Pa55")
    _db_roles(app_role, "--password-from-env", "KUTY_TEST_APP_PASSWORD")
    with connection.cursor() as cursor:
        try:
            cursor.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", [app_role])
        except ProgrammingError:
            pytest.skip("reading pg_authid needs a superuser")
        (stored,) = cursor.fetchone()
        # The server's own verifier of the same password, with the same salt, is the same text.
        cursor.execute(f"ALTER ROLE {_quote(app_role)} PASSWORD 'local-only-Pa55'")
        cursor.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", [app_role])
        (servers,) = cursor.fetchone()
    salt = base64.b64decode(servers.split(":")[1].split("$")[0])
    assert scram_verifier("local-only-Pa55", salt=salt) == servers
    assert stored.startswith("SCRAM-SHA-256$4096:")
    assert stored != servers  # its own salt


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if "DATABASE_URL" not in key}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "kuty.settings.local", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_manage_py_runs_migrate_as_the_owner_and_the_rest_as_the_application():
    # Nothing listens on port 9: whatever runs as the application here cannot connect.
    roles = {
        "DATABASE_URL": "postgres://kuty_app@127.0.0.1:9/kuty",
        "MIGRATE_DATABASE_URL": "sqlite:///:memory:",
    }
    migrate = _manage("migrate", "--plan", **roles)
    assert migrate.returncode == 0, migrate.stderr
    assert "audit.0002_append_only_trigger" in migrate.stdout

    script = "from django.db import connections; print(sorted(connections.settings))"
    shell = _manage("shell", "-c", script, **roles)
    assert "['default', 'owner']" in shell.stdout
    other = _manage("showmigrations", "audit", **roles)
    assert other.returncode != 0  # the application's (unreachable) database

    alone = _manage("migrate", "--plan", DATABASE_URL="sqlite:///:memory:", MIGRATE_DATABASE_URL="")
    assert alone.returncode == 0, alone.stderr  # no owner configured: DATABASE_URL does all
