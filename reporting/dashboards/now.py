"""The dashboard's figures of today, by unit:

- active clients: clients with an in-scope period running today (the report scope
  ``scoped_periods`` for the one-day range of today);
- clients with attendance warnings: the warnings counsellors see on their home page
  (:func:`guidance.warnings.find_warnings`, the last
  :data:`~guidance.warnings.HOME_PAGE_DAYS` days);
- plans waiting for the three parties' agreement, follow-up meetings overdue and 24-month
  reviews overdue: the reminders' definitions (:mod:`activation_plans.selectors`), counted
  per unit instead of listed for a user;
- which of the last months' attendance is locked, for the unit manager.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q, QuerySet

from activation_plans.review import clients_due_for_review
from activation_plans.selectors import LIVE_STATUSES
from clients.models import Period, PeriodStatus
from guidance.models import AttendanceMonthLock
from guidance.warnings import HOME_PAGE_DAYS, LONGEST_ALLOWED_RUN, WINDOW_MARGIN, find_warnings
from organisations.models import Unit
from reporting.builders.common import filter_q, scoped_periods
from reporting.params import ReportParams

REMINDERS = ("awaiting_agreement", "follow_ups_overdue", "reviews_overdue")
UNIT = ("unit_id", "unit__name", "unit__uuid")
LOCK_MONTHS = 6


def on_day(params: ReportParams, day: datetime.date) -> ReportParams:
    return dataclasses.replace(params, date_from=day, date_to=day)


def place_q(params: ReportParams, prefix: str = "") -> Q:
    """The units and municipality filters of ``params`` without the report's exclusion of
    draft periods (a plan waits for agreement while its period is a draft)."""
    q = Q()
    if params.units:
        q &= Q(**{f"{prefix}unit__code__in": params.units})
    if params.municipality:
        q &= Q(**{f"{prefix}client__home_municipality__code": params.municipality})
    return q


# --- the records behind each figure ---------------------------------------------------------


def active_periods(params: ReportParams, today: datetime.date) -> QuerySet[Period]:
    return scoped_periods(on_day(params, today))


def warning_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    return today - datetime.timedelta(days=HOME_PAGE_DAYS - 1), today


@dataclasses.dataclass(frozen=True)
class Warned:
    unit_id: int
    client_id: int


def warning_candidates(params: ReportParams, today: datetime.date) -> QuerySet[Period]:
    """The in-scope periods that could have a warning in the last days, as a query: for a
    status of the warnings, a record in the window read around the range (the margin of
    :func:`~guidance.warnings.find_warnings`) that could begin a run touching the range, one
    that could end it, and two records at least where a single day is allowed (a run of one
    record spans one calendar day). Necessary conditions only, so that no warning is missed
    (a run across a weekend or a closure spans more days than it has records)."""
    first, last = warning_window(today)
    around = (first - WINDOW_MARGIN, last + WINDOW_MARGIN)
    counts = {}
    candidate = Q(pk__in=[])
    for status, allowed in LONGEST_ALLOWED_RUN.items():
        mine = Q(attendance__status=status)
        counts[f"n_{status}"] = Count("attendance", filter=mine)
        counts[f"begins_{status}"] = Count(
            "attendance", filter=mine & Q(attendance__date__lte=last)
        )
        counts[f"ends_{status}"] = Count("attendance", filter=mine & Q(attendance__date__gte=first))
        candidate |= Q(
            **{
                f"n_{status}__gte": min(allowed + 1, 2),
                f"begins_{status}__gt": 0,
                f"ends_{status}__gt": 0,
            }
        )
    with_runs = (
        Period.objects.filter(
            filter_q(params),
            start_date__lte=last,
            attendance__status__in=list(LONGEST_ALLOWED_RUN),
            attendance__date__range=around,
        )
        .order_by()
        .annotate(**counts)
        .filter(candidate)
        .values("pk")
    )
    return Period.objects.filter(pk__in=with_runs)


def warning_period_ids(params: ReportParams, today: datetime.date) -> dict[int, Warned]:
    """Period id → its unit and client, of the in-scope periods with a warning in the last
    days: the warnings counsellors see (:func:`guidance.warnings.find_warnings`, the same
    runs and window), looked for among :func:`warning_candidates`. One statement."""
    first, last = warning_window(today)
    found = find_warnings(warning_candidates(params, today), first, last)
    return {
        period_id: Warned(found.unit_of_period[period_id], warnings[0].client_id)
        for period_id, warnings in found.by_period.items()
    }


def reminder_periods(params: ReportParams, today: datetime.date, kind: str) -> QuerySet[Period]:
    periods = Period.objects.filter(place_q(params))
    if kind == "awaiting_agreement":
        return periods.filter(status=PeriodStatus.DRAFT, plan__isnull=False)
    if kind == "follow_ups_overdue":
        return periods.filter(status__in=LIVE_STATUSES, plan__next_follow_up__lt=today)
    live = periods.filter(status__in=LIVE_STATUSES, exit_date__isnull=True)
    return live.filter(client_id__in=list(clients_due_for_review(live.values("client_id"), today)))


# --- the figures --------------------------------------------------------------------------


@dataclasses.dataclass
class NowFigures:
    today: datetime.date
    active_total: int = 0
    active: dict[int, int] = dataclasses.field(default_factory=dict)
    warnings_total: int = 0
    warnings: dict[int, int] = dataclasses.field(default_factory=dict)
    reminders: dict[int, dict[str, int]] = dataclasses.field(default_factory=dict)
    # Unit id → (name, uuid) of every unit in the figures above.
    units: dict[int, tuple[str, Any]] = dataclasses.field(default_factory=dict)


def now_figures(params: ReportParams, today: datetime.date) -> NowFigures:
    figures = NowFigures(today)
    active = active_periods(params, today)
    figures.active_total = active.aggregate(n=Count("client_id", distinct=True))["n"]
    rows = active.values(*UNIT).annotate(n=Count("client_id", distinct=True)).order_by()
    for row in rows:
        figures.active[row["unit_id"]] = row["n"]
        figures.units[row["unit_id"]] = (row["unit__name"], row["unit__uuid"])

    by_unit: dict[int, set[int]] = defaultdict(set)
    for warned in warning_period_ids(params, today).values():
        by_unit[warned.unit_id].add(warned.client_id)
    figures.warnings = {unit_id: len(ids) for unit_id, ids in by_unit.items()}
    figures.warnings_total = len(set().union(*by_unit.values()))

    reminders: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(REMINDERS, 0))
    for kind in REMINDERS:
        rows = reminder_periods(params, today, kind).values(*UNIT).annotate(n=Count("pk"))
        for row in rows.order_by():
            reminders[row["unit_id"]][kind] = row["n"]
            figures.units[row["unit_id"]] = (row["unit__name"], row["unit__uuid"])
    figures.reminders = dict(reminders)
    unnamed = set(figures.warnings) - set(figures.units)
    if unnamed:
        for pk, name, uuid in Unit.objects.filter(pk__in=unnamed).values_list("pk", "name", "uuid"):
            figures.units[pk] = (name, uuid)
    return figures


def month_locks(
    unit_ids: list[int], today: datetime.date
) -> tuple[list[datetime.date], dict[int, dict[datetime.date, AttendanceMonthLock]]]:
    """The last :data:`LOCK_MONTHS` months, newest first, and each unit's locks among them."""
    this_month = today.replace(day=1)
    months = [this_month - relativedelta(months=n) for n in range(LOCK_MONTHS)]
    locks: dict[int, dict[datetime.date, AttendanceMonthLock]] = defaultdict(dict)
    for lock in AttendanceMonthLock.objects.filter(
        unit_id__in=unit_ids, month__gte=months[-1]
    ).select_related("locked_by"):
        locks[lock.unit_id][lock.month] = lock
    return months, locks
