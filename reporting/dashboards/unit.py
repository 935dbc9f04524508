"""The unit manager's figures on their home page, for each unit they manage: active clients
now, the attendance rate of this and last month, clients with attendance warnings, and which
of the last six months' attendance is locked (with a link to each month sheet)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.db.models import Count
from django.urls import reverse

from reporting.figures import attendance_rate
from reporting.params import ReportParams

from .attendance import attendance_by_unit_month, split_range
from .links import Links
from .now import active_periods, month_locks, warning_period_ids
from .present import fi_number, fi_percent
from .scope import Selection, unit_manager_scope

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from guidance.models import AttendanceMonthLock
    from organisations.models import Unit


@dataclass
class MonthLock:
    month: datetime.date
    lock: AttendanceMonthLock | None
    url: str


@dataclass
class UnitFigures:
    unit: Unit
    active: str
    active_url: str
    rate_this_month: str
    rate_last_month: str
    warnings: str
    warnings_url: str
    locks: list[MonthLock] = field(default_factory=list)


def _rates(params: ReportParams) -> dict[tuple[int, datetime.date], str]:
    """Each unit's attendance rate of each month: last month from the monthly totals, this
    month's days so far from the records (:func:`~.attendance.attendance_by_unit_month`)."""
    cells, _units = attendance_by_unit_month(
        params, split_range(params, set()), None, count_clients=False, unit_names=False
    )
    return {
        key: fi_percent(attendance_rate(row["present_days"], row["planned_days"]))
        for key, row in cells.items()
        if row["planned_days"]
    }


def unit_manager_figures(user: User | AnonymousUser, today: datetime.date) -> list[UnitFigures]:
    """The figures of each unit the user manages; eight queries or fewer, whatever the data."""
    scope = unit_manager_scope(user)
    this_month = today.replace(day=1)
    last_month = this_month - relativedelta(months=1)
    selection = Selection(scope, last_month, today, scope.units, chosen=True)
    params = selection.params("attendance")
    links = Links(selection)
    active: dict[int, Any] = dict(
        active_periods(params, today)
        .values("unit_id")
        .annotate(n=Count("client_id", distinct=True))
        .order_by()
        .values_list("unit_id", "n")
    )
    rates = _rates(params)
    warned_clients: dict[int, set[int]] = {}
    for warned in warning_period_ids(params, today).values():
        warned_clients.setdefault(warned.unit_id, set()).add(warned.client_id)
    months, locks = month_locks([unit.pk for unit in scope.units], today)
    result = []
    for unit in scope.units:
        sheet = [
            MonthLock(
                month,
                locks.get(unit.pk, {}).get(month),
                reverse(
                    "guidance:attendance_month",
                    kwargs={"unit": unit.uuid, "year": f"{month:%Y}", "month": f"{month:%m}"},
                ),
            )
            for month in months
        ]
        result.append(
            UnitFigures(
                unit=unit,
                active=fi_number(active.get(unit.pk, 0)),
                active_url=links.url("active", unit=unit.uuid),
                rate_this_month=rates.get((unit.pk, this_month), "–"),
                rate_last_month=rates.get((unit.pk, last_month), "–"),
                warnings=fi_number(len(warned_clients.get(unit.pk, ()))),
                warnings_url=links.url("warnings", unit=unit.uuid),
                locks=sheet,
            )
        )
    return result
