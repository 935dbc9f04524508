"""Keeping :class:`~reporting.models.AttendanceMonthTotals` equal to the attendance records.

A write of attendance changes the day counts of its months and, through the four-day cap of
the ISO week, the compensated days of every month that the written days' weeks touch. So a
refresh counts again, for the written clients, every month from the one of the first written
day's Monday to the one of the last day's Sunday: it deletes their rows of those months and
inserts them anew from the records, in the writer's transaction. Refreshes of the same client
take turns (a row lock on the client), so two concurrent writes cannot insert the same row.

Counting uses the report builders' definitions (``day_counts`` and the state compensation's
ranking), so the dashboards' figures from these totals equal the reports' from the records.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterator
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import F, Max, Min, Q
from django.db.models.functions import TruncMonth

from clients.models import Client
from guidance import busy_weeks
from guidance.models import AttendanceRecord

from .builders.common import week_monday, week_sunday
from .builders.state_compensation import compensated_counts, present_in_weeks
from .figures import day_counts
from .models import AttendanceMonthTotals

REBUILD_CLIENTS_AT_A_TIME = 2000


def month_of(value: Any) -> datetime.date:
    """A month as the database returns it outside the ORM: a date, a datetime (PostgreSQL's
    date_trunc) or ISO text (SQLite)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def refresh(client_ids: Collection[int], first: datetime.date, last: datetime.date) -> int:
    """Count the totals of ``client_ids`` again for the months that changes to their records
    on ``first``–``last`` can touch, in the caller's transaction (the row lock on the clients
    holds until it ends). Five queries. Returns the number of rows written."""
    if not client_ids:
        return 0
    first_month = week_monday(first).replace(day=1)
    last_day = week_sunday(last).replace(day=1) + relativedelta(months=1, days=-1)
    ids = sorted(client_ids)
    list(Client.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
    AttendanceMonthTotals.objects.filter(
        period__client_id__in=ids, month__gte=first_month, month__lte=last_day
    ).delete()
    rows = list(_count(ids, first_month, last_day))
    AttendanceMonthTotals.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _count(
    client_ids: list[int], first: datetime.date, last: datetime.date
) -> Iterator[AttendanceMonthTotals]:
    """The totals of the clients' periods for the whole months ``first``–``last``."""
    in_months = Q(date__gte=first, date__lte=last)
    counted = (
        AttendanceRecord.objects.filter(in_months, period__client_id__in=client_ids)
        .annotate(month=TruncMonth("date"))
        .values("period_id", "month")
        .annotate(**day_counts())
        .order_by()
    )
    compensated = {
        (period_id, month_of(month)): days
        for period_id, month, days in compensated_counts(
            present_in_weeks(first, last).filter(period__client_id__in=client_ids),
            keep=in_months,
            group={"pid": F("period_id"), "month": TruncMonth("date")},
        )
    }
    for row in counted:
        key = (row.pop("period_id"), month_of(row.pop("month")))
        yield AttendanceMonthTotals(
            period_id=key[0], month=key[1], compensated_days=compensated.get(key, 0), **row
        )


def rebuild() -> int:
    """Count every client's totals again (after a bulk load, or to check the kept ones), and
    the busy weeks of the weekly-limit warning (:func:`guidance.busy_weeks.rebuild`), which are
    kept from the same writes. Returns the monthly totals written."""
    busy_weeks.rebuild()
    span = AttendanceRecord.objects.aggregate(first=Min("date"), last=Max("date"))
    AttendanceMonthTotals.objects.all().delete()
    if span["first"] is None:
        return 0
    client_ids = list(
        AttendanceRecord.objects.order_by().values_list("period__client_id", flat=True).distinct()
    )
    client_ids.sort()
    written = 0
    for start in range(0, len(client_ids), REBUILD_CLIENTS_AT_A_TIME):
        chunk = client_ids[start : start + REBUILD_CLIENTS_AT_A_TIME]
        with transaction.atomic():
            written += refresh(chunk, span["first"], span["last"])
    return written


def on_attendance_changed(
    sender: Any, *, client_ids: Collection[int], first: datetime.date, last: datetime.date, **_: Any
) -> None:
    refresh(client_ids, first, last)
