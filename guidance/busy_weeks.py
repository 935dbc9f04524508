"""Keeping :class:`~guidance.models.AttendanceBusyWeek` equal to the attendance records.

A week's present dates change only with the records of that week, so a write of attendance on
``first``–``last`` counts again, for the written clients, the weeks from the Monday of
``first`` to the Sunday of ``last``: it deletes their rows of those weeks and inserts the weeks
over the smallest limit anew, in the writer's transaction, with the clients' rows locked so
that two writes of one client take turns.

The counting is :func:`busy_weeks`, the same definition the rebuild uses: the distinct present
dates of each client's periods that are not drafts, by ISO week, in the database.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Max, Min, QuerySet
from django.db.models.functions import TruncWeek

from clients.models import Client, PeriodStatus

from .models import MIN_WEEKLY_LIMIT, AttendanceBusyWeek, AttendanceRecord, AttendanceStatus

REBUILD_CLIENTS_AT_A_TIME = 4000


def week_span(first: datetime.date, last: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The Monday of ``first``'s ISO week and the Sunday of ``last``'s."""
    monday = first - datetime.timedelta(days=first.isoweekday() - 1)
    sunday = last + datetime.timedelta(days=7 - last.isoweekday())
    return monday, sunday


def _as_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def busy_weeks(
    client_ids: Collection[int] | QuerySet[Any], first: datetime.date, last: datetime.date
) -> QuerySet[Any]:
    """Rows ``client``, ``week`` (a Monday), ``dates``: the clients' ISO weeks touching
    ``[first, last]`` with more present dates than :data:`MIN_WEEKLY_LIMIT`, counted from the
    records (periods that are not drafts, all units together). One query."""
    monday, sunday = week_span(first, last)
    return (
        AttendanceRecord.objects.filter(
            period__client_id__in=client_ids,
            status=AttendanceStatus.PRESENT,
            date__gte=monday,
            date__lte=sunday,
        )
        .exclude(period__status=PeriodStatus.DRAFT)
        .order_by()
        .values(client=F("period__client_id"), week=TruncWeek("date"))
        .annotate(dates=Count("date", distinct=True))
        .filter(dates__gt=MIN_WEEKLY_LIMIT)
    )


def refresh(client_ids: Collection[int], first: datetime.date, last: datetime.date) -> int:
    """Count the busy weeks of ``client_ids`` touching ``[first, last]`` again, in the caller's
    transaction. Three queries (four with rows to insert). Returns the rows written."""
    if not client_ids:
        return 0
    ids = sorted(client_ids)
    monday, sunday = week_span(first, last)
    # Two writes of one client take turns: the second counts after the first has committed.
    list(Client.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
    AttendanceBusyWeek.objects.filter(
        client_id__in=ids, week__gte=monday, week__lte=sunday
    ).delete()
    rows = [
        AttendanceBusyWeek(
            client_id=row["client"], week=_as_date(row["week"]), present_dates=row["dates"]
        )
        for row in busy_weeks(ids, first, last)
    ]
    AttendanceBusyWeek.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def rebuild() -> int:
    """Count every client's busy weeks again (after a load past the application)."""
    AttendanceBusyWeek.objects.all().delete()
    span = AttendanceRecord.objects.aggregate(first=Min("date"), last=Max("date"))
    if span["first"] is None:
        return 0
    client_ids = sorted(
        AttendanceRecord.objects.order_by().values_list("period__client_id", flat=True).distinct()
    )
    written = 0
    for start in range(0, len(client_ids), REBUILD_CLIENTS_AT_A_TIME):
        with transaction.atomic():
            written += refresh(
                client_ids[start : start + REBUILD_CLIENTS_AT_A_TIME], span["first"], span["last"]
            )
    return written
