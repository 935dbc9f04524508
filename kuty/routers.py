"""Reads of the reports and dashboards from a read-only replica, when there is one.

``REPLICA_DATABASE_URL`` adds the database alias ``replica`` (kuty/settings/base.py). Only the
code inside :func:`report_reads` reads from it: the report builders (``build_report``) and the
dashboards (``dashboard_response``). Everything else — the pages, the services, the access log
— reads and writes the default database as before; without a replica nothing changes.

The rules of :class:`ReplicaRouter`:

- a read inside ``report_reads()`` goes to the replica;
- a write never does: an instance read from the replica is saved to the default database,
  everything else as Django decides without a router (the default, or an explicit ``using``);
- migrations never run on the replica (it copies the primary).

A replica lags its primary by a moment: a report asked for right after a change may not show
it yet. The report runs are built by a worker after the request has committed, so in practice
the lag is far shorter than the time a run waits in the queue.

In the tests the replica is the test database under a second connection (``TEST["MIRROR"]``).
Inside a test's transaction that connection cannot see the test's rows, so while the default
connection of a mirror is in a transaction, reads stay on the default; a test that commits
and allows the alias (``django_db(transaction=True, databases=["default", "replica"])``) reads
through the replica.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

_report_reads: ContextVar[bool] = ContextVar("kuty_report_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


def report_db() -> str:
    """The alias reports and dashboards read from now: the replica when there is one (and it
    can see the data), else the default."""
    if not replica_configured():
        return DEFAULT_DB_ALIAS
    mirror = (connections.settings[REPLICA].get("TEST") or {}).get("MIRROR")
    if mirror and not _mirror_usable(mirror):
        return DEFAULT_DB_ALIAS
    return REPLICA


def _mirror_usable(mirror: str) -> bool:
    """In the tests: whether the replica (a second connection to the test database) can see the
    test's rows — not inside the test's transaction — and the test may use it at all."""
    if connections[mirror].in_atomic_block:
        return False
    from django.test.testcases import _DatabaseFailure  # only the tests have a mirror

    return not isinstance(connections[REPLICA].cursor, _DatabaseFailure)


@contextmanager
def report_reads() -> Iterator[str]:
    """Reads in the block go to the replica (when there is one); yields the alias used."""
    token = _report_reads.set(True)
    try:
        yield report_db()
    finally:
        _report_reads.reset(token)


class ReplicaRouter:
    """See the module's docstring."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if _report_reads.get():
            return report_db()
        return None

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        instance = hints.get("instance")
        if instance is not None and getattr(instance._state, "db", None) == REPLICA:
            return DEFAULT_DB_ALIAS
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        same = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in same and obj2._state.db in same:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        if db == REPLICA:
            return False
        return None
