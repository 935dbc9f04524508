"""Figures a person should fix before trusting a report (every report's ``data_quality``):
participants with unknown entry data, participants who left without a known destination and
planned days that nobody recorded."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import ExtractIsoWeekDay

from clients.models import Destination, Education, LabourMarketStatus
from guidance.calendar import finnish_holidays, period_weekdays, planned_days
from guidance.models import AttendanceRecord
from organisations.models import ClosureDay
from reporting.params import ReportParams

from .common import KNOWN_SEXES, filter_q, overlap_q, ranked_periods, scoped_periods


def unknown_entry_q() -> Q:
    return (
        Q(labour_market_status=LabourMarketStatus.UNKNOWN)
        | Q(education=Education.UNKNOWN)
        | ~Q(client__sex__in=KNOWN_SEXES)
    )


def without_destination_q(params: ReportParams) -> Q:
    """A last period that ended in the range without a known destination: exited with
    destination ``unknown``, or its planned end came before the range's end with no exit
    recorded at all."""
    return Q(
        exit_date__gte=params.date_from,
        exit_date__lte=params.date_to,
        destination=Destination.UNKNOWN,
    ) | Q(exit_date__isnull=True, end_date__lt=params.date_to)


def planned_days_without_record(params: ReportParams) -> int:
    """Planned days of the in-scope periods in the range that have no attendance record.

    Planned days come from the unit calendar (:func:`guidance.calendar.planned_days`: the
    period's weekdays within its dates, less public holidays and the unit's closure days).
    The database counts the records in the range by period and ISO weekday, leaving out
    holidays, closure days and days outside the period; the weekdays that are the period's
    are added up here. Three queries, and a loop over periods, never over records. A range
    that reaches into the future counts the future planned days too.
    """
    first, last = params.date_from, params.date_to
    periods = list(
        scoped_periods(params).only(
            "id", "unit_id", "start_date", "end_date", "exit_date", "weekdays", "days_per_week"
        )
    )
    if not periods:
        return 0
    holidays = finnish_holidays(first, last)
    closures: dict[int, set[datetime.date]] = defaultdict(set)
    for unit_id, day in ClosureDay.objects.filter(
        unit_id__in={p.unit_id for p in periods}, date__gte=first, date__lte=last
    ).values_list("unit_id", "date"):
        closures[unit_id].add(day)
    closed = ClosureDay.objects.filter(unit_id=OuterRef("period__unit_id"), date=OuterRef("date"))
    recorded = (
        AttendanceRecord.objects.filter(
            filter_q(params, "period__"),
            overlap_q(params, "period__"),
            date__gte=first,
            date__lte=last,
        )
        .filter(date__gte=F("period__start_date"))
        .filter(
            Q(period__exit_date__isnull=False, date__lte=F("period__exit_date"))
            | Q(period__exit_date__isnull=True, date__lte=F("period__end_date"))
        )
        .exclude(date__in=list(holidays))
        .exclude(Exists(closed))
        .order_by()
        .values("period_id", weekday=ExtractIsoWeekDay("date"))
        .annotate(records=Count("pk"))
    )
    weekdays = {p.pk: period_weekdays(p) for p in periods}
    on_planned_days = sum(
        row["records"] for row in recorded if row["weekday"] in weekdays[row["period_id"]]
    )
    planned = sum(len(planned_days(p, first, last, closures[p.unit_id], holidays)) for p in periods)
    return planned - on_planned_days


def data_quality(params: ReportParams) -> dict[str, int]:
    """Figures a person should fix before trusting the report.

    - ``unknown_entry_data``: participants whose first period in the range lacks the
      labour-market status or education, or whose sex is unknown;
    - ``ended_without_destination``: participants whose last period in the range ended
      without a known destination (see :func:`without_destination_q`);
    - ``planned_days_without_record``: see :func:`planned_days_without_record`.

    Four queries.
    """
    first = Q(pk__in=ranked_periods(params, first=True).values("pk"))
    last = Q(pk__in=ranked_periods(params, first=False).values("pk"))
    values = scoped_periods(params).aggregate(
        unknown_entry_data=Count("pk", filter=first & unknown_entry_q()),
        ended_without_destination=Count("pk", filter=last & without_destination_q(params)),
    )
    return {
        "unknown_entry_data": values["unknown_entry_data"] or 0,
        "ended_without_destination": values["ended_without_destination"] or 0,
        "planned_days_without_record": planned_days_without_record(params),
    }
