"""The access log's retention (DOMAIN.md §6): rows older than ``ACCESS_LOG_RETENTION_YEARS``
are removed, and the removal itself is logged (how many rows, up to which day).

The log is append-only in the database (audit migration 0002): a delete passes its trigger
only while a row stands in ``audit_accesslog_maintenance``. The purge inserts that row,
deletes and removes the row again in one transaction, so no other transaction ever sees it
(PostgreSQL) or can write meanwhile (SQLite).
"""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Action
from .services import access_log_record

REASON = "retention purge"
PURGE_USERNAME = "kuty-retention"


def retention_cutoff(now: datetime.datetime, years: int) -> datetime.datetime:
    """Rows logged before this moment are past their retention."""
    return now - relativedelta(years=years)


def access_log_purge(*, now: datetime.datetime | None = None, years: int | None = None) -> int:
    """Remove the access-log rows older than ``years`` (default: the setting) and log the
    removal. Returns the number of rows removed."""
    years = settings.ACCESS_LOG_RETENTION_YEARS if years is None else years
    if years < 1:
        raise ValueError("ACCESS_LOG_RETENTION_YEARS must be at least 1.")
    cutoff = retention_cutoff(now or timezone.now(), years)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO audit_accesslog_maintenance (reason) VALUES (%s)", [REASON])
        cursor.execute("DELETE FROM audit_accesslogentry WHERE at < %s", [cutoff])
        removed = cursor.rowcount
        cursor.execute("DELETE FROM audit_accesslog_maintenance WHERE reason = %s", [REASON])
        if removed:
            access_log_record(
                action=Action.DELETE,
                username=PURGE_USERNAME,
                object_type="audit.accesslogentry",
                detail=_(
                    "Retention (%(years)d years): %(count)d access-log rows logged before "
                    "%(moment)s removed"
                )
                % {
                    "years": years,
                    "count": removed,
                    "moment": f"{timezone.localtime(cutoff):%d.%m.%Y %H:%M}",
                },
            )
    return removed
