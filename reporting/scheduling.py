"""Reports the schedule makes (kuty/celery.py runs these at 06:00 Helsinki time).

- On the 1st of each month: the allowance and attendance reports of the previous month for
  every unit (scope: the unit), with personal data — they are what the unit pays the
  allowance and reports absences to Kela from. PDF, XLSX and CSV.
- On the 1st of each quarter (January, April, July, October): the outcome report of the
  previous quarter for every project whose dates overlap that quarter (a project that has
  ended gets no more reports). PDF and XLSX.

The runs have ``scheduled=True`` and no requester; the staff of the units and the managers of
the projects find them on their reports page (reporting/access.py says who). Each is made once:
a unique constraint on scheduled runs makes a second call for the same day change nothing.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Prefetch

from organisations.models import Project, Unit

from .access import ReportScope
from .models import ReportRun, RunScope
from .params import KINDS, ReportParams
from .runs import report_run_create

MONTHLY_KINDS = ("allowance", "attendance")
MONTHLY_FORMATS = ("pdf", "xlsx", "csv")
QUARTERLY_FORMATS = ("pdf", "xlsx")


def previous_month(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    last = today.replace(day=1) - datetime.timedelta(days=1)
    return last.replace(day=1), last


def previous_quarter(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    quarter_start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    last = quarter_start - datetime.timedelta(days=1)
    return last.replace(month=(last.month - 1) // 3 * 3 + 1, day=1), last


def _exists(kind: str, scope: str, code: str, first: datetime.date, last: datetime.date) -> bool:
    return ReportRun.objects.filter(
        scheduled=True, kind=kind, scope=scope, scope_code=code, date_from=first, date_to=last
    ).exists()


def _create(
    scope: ReportScope,
    kind: str,
    first: datetime.date,
    last: datetime.date,
    formats: tuple[str, ...],
) -> ReportRun | None:
    if _exists(kind, scope.scope, scope.code, first, last):
        return None
    params = ReportParams.parse(
        {"kind": kind, "from": first, "to": last, **scope.filters()}, check_codes=False
    )
    try:
        with transaction.atomic():
            return report_run_create(
                scope=scope,
                params=params,
                formats=formats,
                include_personal=scope.personal_allowed and kind != "outcome",
                requested_by=None,
            )
    except IntegrityError:  # made meanwhile by another call: the constraint kept it once
        return None


def schedule_monthly_unit_reports(*, today: datetime.date) -> list[ReportRun]:
    """Last month's allowance and attendance runs for every unit; returns the new runs."""
    first, last = previous_month(today)
    created = []
    for unit in Unit.objects.order_by("name"):
        scope = ReportScope(
            scope=RunScope.UNIT,
            code=unit.code,
            label=unit.name,
            unit_ids=frozenset({unit.pk}),
            kinds=KINDS,
            personal_allowed=True,
        )
        runs = (_create(scope, kind, first, last, MONTHLY_FORMATS) for kind in MONTHLY_KINDS)
        created.extend(run for run in runs if run is not None)
    return created


def schedule_quarterly_project_reports(*, today: datetime.date) -> list[ReportRun]:
    """Last quarter's outcome run for every project running during it; returns the new runs."""
    first, last = previous_quarter(today)
    projects = (
        Project.objects.filter(start_date__lte=last, end_date__gte=first)
        .prefetch_related(Prefetch("units", queryset=Unit.objects.only("id")))
        .order_by("name")
    )
    created = []
    for project in projects:
        unit_ids = frozenset(unit.pk for unit in project.units.all())
        if not unit_ids:
            continue
        scope = ReportScope(
            scope=RunScope.PROJECT,
            code=project.code,
            label=project.name,
            unit_ids=unit_ids,
            kinds=KINDS,
            personal_allowed=False,
        )
        if run := _create(scope, "outcome", first, last, QUARTERLY_FORMATS):
            created.append(run)
    return created
