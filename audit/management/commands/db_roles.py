"""``python manage.py db_roles APP_ROLE [--password-from-env VAR]`` (interfaces.md §5).

Run as the schema's owner after ``migrate`` (manage.py switches to MIGRATE_DATABASE_URL for
it), and again after every ``migrate`` that adds tables: privileges are granted table by table,
never through ``ALTER DEFAULT PRIVILEGES``, so no future table is opened to the application
by default. The application's PostgreSQL role (created if missing, LOGIN) gets:

- CONNECT on the database and USAGE on the schema, no CREATE;
- SELECT, INSERT, UPDATE, DELETE on every table and USAGE, SELECT on their sequences, except
- ``audit_accesslogentry``: SELECT and INSERT (and its sequence),
  ``audit_accesslogseal``: SELECT (the seals are written by the owner's trigger),
  ``audit_accesslog_maintenance``: nothing;
- no EXECUTE on the owner's SECURITY DEFINER functions (they would write seals as the owner).

Everything else the role held on those tables is revoked, so running it again changes nothing.
It refuses SQLite, the owner itself, a superuser, a role that may create roles or act as
the owner, and a role that owns anything in the schema.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections, transaction
from django.utils.translation import gettext as _

from audit.retention import owner_database

LOG = "audit_accesslogentry"
SEALS = "audit_accesslogseal"
MAINTENANCE = "audit_accesslog_maintenance"
TABLE_RIGHTS = ("SELECT", "INSERT", "UPDATE", "DELETE")
SEQUENCE_RIGHTS = ("USAGE", "SELECT")
# What the application's role may do on the access log's tables and on their sequences.
LOG_TABLES = {
    LOG: (("SELECT", "INSERT"), SEQUENCE_RIGHTS),
    SEALS: (("SELECT",), ()),
    MAINTENANCE: ((), ()),
}
# Checked after granting: none of these may reach the role, whatever path (PUBLIC, membership).
FORBIDDEN = {
    LOG: ("UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"),
    SEALS: ("INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"),
    MAINTENANCE: ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"),
}
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
SCRAM_ITERATIONS = 4096


def quote(name: str) -> str:
    """An SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def scram_verifier(password: str, *, salt: bytes | None = None) -> str:
    """PostgreSQL's SCRAM-SHA-256 verifier of ``password``: the server stores it as given, so
    the password itself never reaches the server or its statement log."""
    salt = secrets.token_bytes(16) if salt is None else salt
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, SCRAM_ITERATIONS)
    stored_key = hashlib.sha256(hmac.new(salted, b"Client Key", "sha256").digest()).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    return f"SCRAM-SHA-256${SCRAM_ITERATIONS}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


class Command(BaseCommand):
    help = _(
        "Create the application's PostgreSQL role and grant it what it needs: on the access "
        "log only SELECT and INSERT. Run as the schema's owner after migrate."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", metavar="APP_ROLE", help=_("The application's role."))
        parser.add_argument(
            "--password-from-env",
            metavar="VAR",
            help=_("Set the role's password from this environment variable."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        role = options["role"]
        if not ROLE_NAME.match(role):
            raise CommandError(
                _("Give the role's name in lower case letters, digits and _ (not %(role)s).")
                % {"role": role}
            )
        password = None
        if options["password_from_env"]:
            password = os.environ.get(options["password_from_env"], "")
            if not password:
                raise CommandError(
                    _("The environment variable %(var)s is not set or empty.")
                    % {"var": options["password_from_env"]}
                )
            if not password.isascii() or not password.isprintable():
                raise CommandError(_("Use printable ASCII characters only in the role's password."))
        alias = owner_database()
        connection = connections[alias]
        if connection.vendor != "postgresql":
            raise CommandError(
                _("Database roles exist on PostgreSQL only; this database is %(vendor)s.")
                % {"vendor": connection.vendor}
            )
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            self.cursor = cursor
            before = self._privileges(role)
            created = self._ensure_role(role, password)
            self._refuse_owner_powers(role)
            self._grant(role)
            self._check(role)
            changed = created or self._privileges(role) != before
        if changed:
            self.stdout.write(
                _("Role %(role)s: privileges set (on the access log only SELECT and INSERT).")
                % {"role": role}
            )
        else:
            self.stdout.write(_("Role %(role)s: nothing to change.") % {"role": role})

    def _one(self, sql: str, params: list[Any] | None = None) -> Any:
        self.cursor.execute(sql, params or [])
        return self.cursor.fetchone()

    def _all(self, sql: str, params: list[Any] | None = None) -> list[Any]:
        self.cursor.execute(sql, params or [])
        return self.cursor.fetchall()

    def _privileges(self, role: str) -> Any:
        """The access control lists of the schema's objects, the schema and the database, and
        whether the role exists: equal before and after when nothing changed."""
        return (
            self._all(
                "SELECT c.relname, array(SELECT unnest(c.relacl)::text ORDER BY 1)"
                " FROM pg_class c"
                " WHERE c.relnamespace = to_regnamespace(quote_ident(current_schema()))"
                " ORDER BY 1"
            ),
            self._all(
                "SELECT p.oid::regprocedure::text, array(SELECT unnest(p.proacl)::text ORDER BY 1)"
                " FROM pg_proc p"
                " WHERE p.pronamespace = to_regnamespace(quote_ident(current_schema()))"
                " ORDER BY 1"
            ),
            self._one(
                "SELECT array(SELECT unnest(nspacl)::text ORDER BY 1) FROM pg_namespace"
                " WHERE oid = to_regnamespace(quote_ident(current_schema()))"
            ),
            self._one(
                "SELECT array(SELECT unnest(datacl)::text ORDER BY 1) FROM pg_database"
                " WHERE datname = current_database()"
            ),
            self._one("SELECT count(*) FROM pg_roles WHERE rolname = %s", [role]),
        )

    def _ensure_role(self, role: str, password: str | None) -> bool:
        """Create the role if missing; refuse one that must not be the application's. Returns
        whether it was created."""
        owner, superuser = self._one(
            "SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user"
        )
        if role == owner:
            raise CommandError(
                _("%(role)s is the role running this command: give the application its own role.")
                % {"role": role}
            )
        found = self._one("SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = %s", [role])
        verifier = scram_verifier(password) if password else None
        if found is None:
            statement = f"CREATE ROLE {quote(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"
            self._create_or_alter(statement, verifier, owner=owner, superuser=superuser)
            return True
        is_superuser, creates_roles = found
        if is_superuser:
            raise CommandError(
                _("%(role)s is a superuser: it could change the access log. Use another role.")
                % {"role": role}
            )
        if creates_roles:
            raise CommandError(
                _(
                    "%(role)s may create roles (CREATEROLE): it could make itself the owner. "
                    "Use another role."
                )
                % {"role": role}
            )
        if verifier:
            self._create_or_alter(
                f"ALTER ROLE {quote(role)}", verifier, owner=owner, superuser=superuser
            )
        return False

    def _create_or_alter(
        self, statement: str, verifier: str | None, *, owner: str, superuser: bool
    ) -> None:
        can = (
            superuser
            or self._one("SELECT rolcreaterole FROM pg_roles WHERE rolname = current_user")[0]
        )
        if not can:
            raise CommandError(
                _(
                    "%(owner)s may not create or change roles: create the application's role "
                    "as a superuser first, or give %(owner)s CREATEROLE."
                )
                % {"owner": owner}
            )
        if verifier:
            self.cursor.execute(statement + " PASSWORD %s", [verifier])
        else:
            self.cursor.execute(statement)

    def _refuse_owner_powers(self, role: str) -> None:
        """A role that owns, or may act as the owner of, anything here could alter the log."""
        if self._one("SELECT pg_has_role(%s, current_user, 'MEMBER')", [role])[0]:
            raise CommandError(
                _("%(role)s is a member of the schema's owner: revoke that membership first.")
                % {"role": role}
            )
        owned = [
            name
            for (name,) in self._all(
                "SELECT 'database ' || datname FROM pg_database"
                " WHERE datname = current_database() AND pg_has_role(%s, datdba, 'MEMBER')"
                " UNION ALL SELECT 'schema ' || nspname FROM pg_namespace"
                " WHERE oid = to_regnamespace(quote_ident(current_schema()))"
                " AND pg_has_role(%s, nspowner, 'MEMBER')"
                " UNION ALL SELECT relname FROM pg_class"
                " WHERE relnamespace = to_regnamespace(quote_ident(current_schema()))"
                " AND pg_has_role(%s, relowner, 'MEMBER')"
                " UNION ALL SELECT oid::regprocedure::text FROM pg_proc"
                " WHERE pronamespace = to_regnamespace(quote_ident(current_schema()))"
                " AND pg_has_role(%s, proowner, 'MEMBER')"
                " ORDER BY 1",
                [role] * 4,
            )
        ]
        if owned:
            raise CommandError(
                _(
                    "%(role)s owns %(objects)s: as a superuser, run REASSIGN OWNED BY "
                    "%(role)s TO the schema's owner, then this command again."
                )
                % {"role": role, "objects": ", ".join(owned[:10])}
            )

    def _grant(self, role: str) -> None:
        who = quote(role)
        database, schema = self._one("SELECT current_database(), current_schema()")
        statements = [
            f"GRANT CONNECT ON DATABASE {quote(database)} TO {who}",
            f"REVOKE CREATE ON SCHEMA {quote(schema)} FROM {who}",
            f"GRANT USAGE ON SCHEMA {quote(schema)} TO {who}",
        ]
        if self._one("SELECT has_schema_privilege('public', %s, 'CREATE')", [schema])[0]:
            # PostgreSQL before 15 lets everyone create in "public": a function made there
            # could run inside the owner's SECURITY DEFINER trigger.
            statements.append(f"REVOKE CREATE ON SCHEMA {quote(schema)} FROM PUBLIC")
        tables = self._all(
            "SELECT relname, relkind FROM pg_class"
            " WHERE relnamespace = to_regnamespace(quote_ident(current_schema()))"
            " AND relkind IN ('r', 'p', 'v', 'm') ORDER BY 1"
        )
        for name, kind in tables:
            rights = LOG_TABLES[name][0] if name in LOG_TABLES else TABLE_RIGHTS
            if kind in ("v", "m"):
                rights = ("SELECT",)
            statements.append(f"REVOKE ALL ON TABLE {quote(name)} FROM {who}")
            if name in LOG_TABLES:
                statements.append(f"REVOKE ALL ON TABLE {quote(name)} FROM PUBLIC")
            if rights:
                statements.append(f"GRANT {', '.join(rights)} ON TABLE {quote(name)} TO {who}")
        # Each sequence with the table whose column it feeds (serial or identity), if any.
        sequences = self._all(
            "SELECT s.relname, t.relname FROM pg_class s"
            " LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid"
            " AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')"
            " LEFT JOIN pg_class t ON t.oid = d.refobjid"
            " WHERE s.relnamespace = to_regnamespace(quote_ident(current_schema()))"
            " AND s.relkind = 'S'"
            " ORDER BY 1"
        )
        for name, table in sequences:
            rights = LOG_TABLES[table][1] if table in LOG_TABLES else SEQUENCE_RIGHTS
            statements.append(f"REVOKE ALL ON SEQUENCE {quote(name)} FROM {who}")
            if table in LOG_TABLES:
                statements.append(f"REVOKE ALL ON SEQUENCE {quote(name)} FROM PUBLIC")
            if rights:
                statements.append(f"GRANT {', '.join(rights)} ON SEQUENCE {quote(name)} TO {who}")
        for (function,) in self._all(
            "SELECT oid::regprocedure::text FROM pg_proc"
            " WHERE pronamespace = to_regnamespace(quote_ident(current_schema()))"
            " AND prosecdef ORDER BY 1"
        ):
            # Triggers call these whoever writes; nobody needs to call them directly.
            statements.append(f"REVOKE EXECUTE ON FUNCTION {function} FROM PUBLIC, {who}")
        for statement in statements:
            self.cursor.execute(statement)

    def _check(self, role: str) -> None:
        """Prove the result: nothing beyond SELECT and INSERT on the log reaches the role."""
        leaks = [
            f"{right} {table}"
            for table, rights in FORBIDDEN.items()
            if self._one("SELECT to_regclass(%s) IS NOT NULL", [table])[0]
            for right in rights
            if self._one("SELECT has_table_privilege(%s, %s, %s)", [role, table, right])[0]
        ]
        leaks += [
            f"EXECUTE {function}"
            for (function,) in self._all(
                "SELECT oid::regprocedure::text FROM pg_proc"
                " WHERE pronamespace = to_regnamespace(quote_ident(current_schema()))"
                " AND prosecdef"
                " AND has_function_privilege(%s, oid, 'EXECUTE') ORDER BY 1",
                [role],
            )
        ]
        if self._one("SELECT has_schema_privilege(%s, current_schema(), 'CREATE')", [role])[0]:
            leaks.append("CREATE " + self._one("SELECT current_schema()")[0])
        if leaks:
            raise CommandError(
                _(
                    "%(role)s would still have %(rights)s, granted through another role or by "
                    "another grantor: revoke them there. Nothing was changed."
                )
                % {"role": role, "rights": ", ".join(leaks)}
            )
