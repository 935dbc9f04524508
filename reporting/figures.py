"""One definition of each figure, shared by the report builders and the dashboards.

The builders (:mod:`reporting.builders`) count these for a whole range and by sex; the
dashboards (:mod:`reporting.dashboards`) count the same expressions by month or by unit. Both
take the scope of periods and records from :mod:`reporting.builders.common` (``filter_q``,
``overlap_q``, ``scoped_periods``, ``scoped_records``, ``last_periods``) and the money from
``rate_case`` and ``compensated_record_ids``, so a dashboard's figure for a range always adds
up to the report's.

This module depends on the models and :mod:`reporting.params` only, so that both the builders
and the dashboards can import it.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q

from clients.models import INTO_WORKING_LIFE, Destination, ExitReason
from guidance.models import ABSENCE_STATUSES, AttendanceStatus
from reporting.params import ReportParams

ABSENCE_CODES = tuple(str(code) for code in ABSENCE_STATUSES)

# --- attendance records -----------------------------------------------------------------------

# A planned day is a record other than ``not_organised`` (a closed unit or a holiday is not a
# planned day); the attendance rate is present / planned days.
PRESENT = Q(status=AttendanceStatus.PRESENT)
PLANNED = ~Q(status=AttendanceStatus.NOT_ORGANISED)
NOT_ORGANISED = Q(status=AttendanceStatus.NOT_ORGANISED)


def absence_counts(prefix: str = "") -> dict[str, Count]:
    """``Count`` per absence code over attendance records, keyed ``absent_<code>``."""
    return {
        f"absent_{code}": Count("pk", filter=Q(**{f"{prefix}status": code}))
        for code in ABSENCE_CODES
    }


def absence_days(row: Mapping[str, Any]) -> dict[str, int]:
    return {code: row[f"absent_{code}"] or 0 for code in ABSENCE_CODES}


def day_counts() -> dict[str, Count]:
    """Planned, present, not-organised and absence days of attendance records."""
    return {
        "planned_days": Count("pk", filter=PLANNED),
        "present_days": Count("pk", filter=PRESENT),
        "not_organised_days": Count("pk", filter=NOT_ORGANISED),
        **absence_counts(),
    }


def attendance_rate(present: int, planned: int) -> str:
    """Present / planned days with two decimals ("0.87"); "0.00" without planned days."""
    if not planned:
        return "0.00"
    return str((Decimal(present) / Decimal(planned)).quantize(Decimal("0.01"), ROUND_HALF_UP))


# --- exits of participants (over each participant's last period in the range) ----------------


def exited_q(params: ReportParams) -> Q:
    """The last period ended inside the range."""
    return Q(exit_date__gte=params.date_from, exit_date__lte=params.date_to)


def continuing_q(params: ReportParams) -> Q:
    """The last period has no exit up to the range's end."""
    return Q(exit_date__isnull=True) | Q(exit_date__gt=params.date_to)


def exit_conditions(params: ReportParams) -> list[tuple[tuple[str, ...], Q]]:
    """The outcome report's exit and destination counts: (path in the JSON, condition on the
    participant's last period), in the report's order."""
    exited = exited_q(params)
    conditions: list[tuple[tuple[str, ...], Q]] = [(("exits", "total"), exited)]
    conditions += [
        (("exits", str(reason)), exited & Q(exit_reason=reason)) for reason in ExitReason
    ]
    conditions.append((("exits", "continuing"), continuing_q(params)))
    for section, field in (("destinations", "destination"), ("destinations_6m", "destination_6m")):
        conditions += [((section, str(code)), exited & Q(**{field: code})) for code in Destination]
        conditions.append(
            ((section, "into_working_life"), exited & Q(**{f"{field}__in": INTO_WORKING_LIFE}))
        )
    return conditions
