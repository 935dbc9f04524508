"""The dashboards' attendance, expense allowance and state compensation over a range: read for
whole months from :class:`~reporting.models.AttendanceMonthTotals` (the same counts as the
records', kept by every attendance write) and counted from the records only for the days of a
month that the range covers in part, or of a month in which a rate changes after its first day
(:class:`Split`). Counting a year of a big organiser's records would take seconds.

The definitions are the report builders': ``day_counts`` for the attendance report, the rate of
each present day for the allowance report, the state compensation's four-day cap
(``compensated_counts``) for the claim.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Count, ExpressionWrapper, F, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from guidance.models import AttendanceRecord
from organisations.models import Unit
from reporting.attendance_totals import month_of
from reporting.builders.common import (
    filter_q,
    rate_case,
    rates_in_force,
    scoped_records,
    week_monday,
    week_sunday,
)
from reporting.builders.state_compensation import compensated_counts, compensation_candidates
from reporting.figures import PRESENT, day_counts
from reporting.models import AttendanceMonthTotals, RateKind
from reporting.params import ReportParams

DAY_KEYS = tuple(day_counts())


@dataclass(frozen=True)
class Split:
    """A range cut into the whole months that the monthly totals answer and the days that
    are counted from the records: a month the range covers only in part, or one in which a
    rate changes after its first day (the totals are priced by the month)."""

    months: tuple[datetime.date, ...]
    days: tuple[tuple[datetime.date, datetime.date], ...]

    def days_q(self, field: str = "date", *, whole_weeks: bool = False) -> Q:
        q = Q(pk__in=[])
        for first, last in self.days:
            if whole_weeks:
                first, last = week_monday(first), week_sunday(last)
            q |= Q(**{f"{field}__gte": first, f"{field}__lte": last})
        return q


def split_range(params: ReportParams, rate_changes: set[datetime.date]) -> Split:
    months: list[datetime.date] = []
    days: list[tuple[datetime.date, datetime.date]] = []
    changed = {day.replace(day=1) for day in rate_changes if day.day != 1}
    month = params.date_from.replace(day=1)
    while month <= params.date_to:
        end = month + relativedelta(months=1, days=-1)
        first, last = max(month, params.date_from), min(end, params.date_to)
        if (first, last) == (month, end) and month not in changed:
            months.append(month)
        else:
            days.append((first, last))
        month += relativedelta(months=1)
    return Split(tuple(months), tuple(days))


@dataclass(frozen=True)
class Prices:
    """A rate as SQL for the records (by day) and for the monthly totals (by month)."""

    by_day: Any
    by_month: Any


def prices(kind: RateKind, params: ReportParams) -> tuple[Prices, set[datetime.date]]:
    """The rate of ``kind`` and the days on which it changes in the range."""
    cents = rates_in_force(kind, params)
    changes = {valid_from for valid_from, _cents in cents if valid_from > params.date_from}
    return Prices(rate_case(cents), rate_case(cents, "month")), changes


def _totals(params: ReportParams, split: Split) -> QuerySet[AttendanceMonthTotals]:
    return AttendanceMonthTotals.objects.filter(
        filter_q(params, "period__"), month__in=split.months
    )


def _records(params: ReportParams, split: Split) -> QuerySet[AttendanceRecord]:
    return scoped_records(params).filter(split.days_q())


def _times(field: str, price: Any) -> ExpressionWrapper:
    return ExpressionWrapper(F(field) * price, output_field=IntegerField())


def attendance_by_unit_month(
    params: ReportParams,
    split: Split,
    allowance: Prices | None,
    compensation: Prices | None = None,
    *,
    count_clients: bool,
    unit_names: bool = True,
) -> tuple[dict[tuple[int, datetime.date], dict[str, Any]], dict[int, dict[str, Any]]]:
    """The attendance report's day counts by unit and month: from the totals for the whole
    months, from the records for the other days (one query each, when there are any), and
    the units' names and UUIDs (one more, unless ``unit_names`` is false). The whole months'
    cells carry the state compensation too (``compensated_days`` and ``compensation_cents``),
    read in the same pass; :func:`compensation_by_month` adds them up.
    """
    rows: list[dict[str, Any]] = []
    distinct = {"clients": Count("period__client_id", distinct=True)} if count_clients else {}
    if split.months:
        money = {}
        if allowance is not None:
            money["allowance_cents"] = Sum(_times("present_days", allowance.by_month))
        if compensation is not None:
            money["compensation_cents"] = Sum(_times("compensated_days", compensation.by_month))
            money["compensated"] = Sum("compensated_days")
        rows += (
            _totals(params, split)
            .values("month", unit_id=F("period__unit_id"))
            # The money first: after the sums, "present_days" would name the sum.
            .annotate(**money, **distinct)
            .annotate(**{key: Sum(key) for key in DAY_KEYS})
            .order_by()
        )
    if split.days:
        money = {}
        if allowance is not None:
            money["allowance_cents"] = Sum(allowance.by_day, filter=PRESENT)
        rows += (
            _records(params, split)
            .annotate(month=TruncMonth("date"))
            .values("month", unit_id=F("period__unit_id"))
            .annotate(**day_counts(), **money, **distinct)
            .order_by()
        )
    cells = {(row["unit_id"], month_of(row["month"])): row for row in rows}
    if not unit_names:
        return cells, {}
    # The units' names apart: grouping by them too makes the count twice as slow.
    units = {
        pk: {"name": name, "uuid": uuid}
        for pk, name, uuid in Unit.objects.filter(pk__in={unit_id for unit_id, _m in cells})
        .order_by()
        .values_list("pk", "name", "uuid")
    }
    return cells, units


def clients_counted(params: ReportParams, split: Split) -> tuple[dict[datetime.date, int], int]:
    """The clients with attendance records in each month and in the whole range."""
    by_month: dict[datetime.date, int] = {}
    distinct = Count("period__client_id", distinct=True)
    parts = []
    if split.months:
        totals = _totals(params, split)
        for row in totals.values("month").annotate(n=distinct).order_by():
            by_month[month_of(row["month"])] = row["n"]
        parts.append(totals.values_list("period__client_id").order_by())
    if split.days:
        records = _records(params, split)
        rows = records.annotate(month=TruncMonth("date")).values("month").annotate(n=distinct)
        for row in rows.order_by():
            by_month[month_of(row["month"])] = row["n"]
        parts.append(records.values_list("period__client_id").order_by())
    if len(parts) == 1:
        total = parts[0].aggregate(n=distinct)["n"]
    else:
        total = parts[0].union(parts[1]).count()  # UNION: each client once
    return by_month, total


def compensation_by_month(
    params: ReportParams,
    split: Split,
    compensation: Prices,
    cells: dict[tuple[int, datetime.date], dict[str, Any]],
) -> dict[datetime.date, dict[str, int]]:
    """The claim's compensated days and cents per month (``state_compensation``'s definition:
    each client's first four present records of the ISO week, the week read whole): the
    totals' compensated days of the whole months at the month's rate (summed from the
    attendance ``cells``), and the other days ranked from the records at each day's rate."""
    result: dict[datetime.date, dict[str, int]] = {}
    for (_unit_id, month), cell in cells.items():
        if "compensated" in cell:
            month_total = result.setdefault(month, {"days": 0, "cents": 0})
            month_total["days"] += cell["compensated"] or 0
            month_total["cents"] += cell["compensation_cents"] or 0
    if split.days:
        counted = compensated_counts(
            compensation_candidates(params).filter(split.days_q(whole_weeks=True)),
            keep=filter_q(params, "period__") & split.days_q(),
            group={"month": TruncMonth("date")},
            sums={"cents": compensation.by_day},
        )
        for month, days, cents in counted:
            result[month_of(month)] = {"days": days, "cents": cents or 0}
    return result
