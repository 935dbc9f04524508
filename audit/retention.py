"""The access log's retention (DOMAIN.md §6): rows older than ``ACCESS_LOG_RETENTION_YEARS``
are removed, and the removal itself is logged (how many rows, up to which day).

The log is append-only in the database (audit migration 0002): a delete passes its trigger
only while a row stands in ``audit_accesslog_maintenance``. The purge inserts that row,
deletes and removes the row again in one transaction, so no other transaction ever sees it
(PostgreSQL) or can write meanwhile (SQLite). It removes the oldest entries with their seals
(``audit.chain.purge_before``) and records the last removed seal's hash, the chain's new
anchor, in its own entry, written in the same transaction.

With two database roles (interfaces.md §5) only the schema's owner may write the maintenance
table: the purge runs on the ``owner`` alias when MIGRATE_DATABASE_URL is set, else on
``default``.
"""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .chain import ANCHOR_OBJECT_TYPE, purge_before
from .models import AccessLogEntry, Action

REASON = "retention purge"
PURGE_USERNAME = "kuty-retention"
OWNER_ALIAS = "owner"


def owner_database() -> str:
    """The alias of the schema's owner: ``owner`` when MIGRATE_DATABASE_URL is set, else
    ``default`` (one role for everything)."""
    return OWNER_ALIAS if OWNER_ALIAS in connections.settings else DEFAULT_DB_ALIAS


def retention_cutoff(now: datetime.datetime, years: int) -> datetime.datetime:
    """Rows logged before this moment are past their retention."""
    return now - relativedelta(years=years)


def access_log_purge(
    *,
    now: datetime.datetime | None = None,
    years: int | None = None,
    using: str | None = None,
) -> int:
    """Remove the access-log rows older than ``years`` (default: the setting) and log the
    removal, on the owner's connection (``using``, default :func:`owner_database`). Returns the
    number of rows removed."""
    years = settings.ACCESS_LOG_RETENTION_YEARS if years is None else years
    if years < 1:
        raise ValueError("ACCESS_LOG_RETENTION_YEARS must be at least 1.")
    alias = using or owner_database()
    cutoff = retention_cutoff(now or timezone.now(), years)
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        cursor.execute("INSERT INTO audit_accesslog_maintenance (reason) VALUES (%s)", [REASON])
        removed, anchor = purge_before(cursor, cutoff)
        cursor.execute("DELETE FROM audit_accesslog_maintenance WHERE reason = %s", [REASON])
        if anchor is not None:
            # Written here rather than by access_log_record, which writes on ``default``: the
            # record and its anchor must commit with the removal, on the owner's connection.
            AccessLogEntry(
                username=PURGE_USERNAME,
                action=Action.DELETE,
                object_type=ANCHOR_OBJECT_TYPE,
                object_id=anchor,
                detail=_(
                    "Retention (%(years)d years): %(count)d access-log rows logged before "
                    "%(moment)s removed"
                )
                % {
                    "years": years,
                    "count": removed,
                    "moment": f"{timezone.localtime(cutoff):%d.%m.%Y %H:%M}",
                },
            ).save(using=alias)
    return removed
