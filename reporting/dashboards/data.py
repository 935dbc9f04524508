"""The dashboard's figures over a range, counted in the database with the report builders'
definitions, so that each adds up to the report for the same range and filters:

- periods started and ended per month: in-scope periods (``scoped_periods``) whose start or
  exit date falls in the month (and the range);
- the flow from participants to exits and destinations: the outcome report's exit counts
  over each participant's last period (``last_periods`` and ``exit_conditions``), for all
  the units and for each unit (the participant's last period in the unit);
- attendance per unit and month: the attendance report's day counts (``day_counts``) over
  ``scoped_records``, with the expense allowance (the allowance report's rate of each present
  day, ``rate_case``);
- state compensation per month: the claim's compensated days (``nth_in_week`` over
  ``compensation_candidates``: at most four present days a week per client) at the day's rate;
- goal attainment: the GAS scores (−2…+2) given at follow-up meetings held in the range, of
  in-scope periods.

Attendance, allowance and compensation are read for whole months from the monthly totals
(:mod:`.attendance`).

Each is one query (or two: totals and records) whatever the amount of data.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db.models import Case, Count, F, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber, TruncMonth

from activation_plans.models import GoalAttainment
from clients.models import Period
from guidance.models import AttendanceRecord
from reporting.builders.common import (
    CountTable,
    ReportError,
    count_ranked,
    filter_q,
    last_periods,
    ranked_periods,
    scoped_periods,
    scoped_records,
)
from reporting.builders.state_compensation import compensated_record_ids
from reporting.figures import PRESENT, exit_conditions
from reporting.models import RateKind
from reporting.params import ReportParams

from .attendance import (
    attendance_by_unit_month,
    clients_counted,
    compensation_by_month,
    prices,
    split_range,
)

GAS_SCORES = (-2, -1, 0, 1, 2)


# --- the records behind each figure (also listed by the drill-down pages) ---------------------


def month_range(
    params: ReportParams, month: datetime.date | None
) -> tuple[datetime.date, datetime.date]:
    """The days of ``month`` inside the range, or the whole range."""
    if month is None:
        return params.date_from, params.date_to
    last = (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return max(params.date_from, month), min(params.date_to, last)


def started_periods(params: ReportParams, month: datetime.date | None = None) -> QuerySet[Period]:
    first, last = month_range(params, month)
    return scoped_periods(params).filter(start_date__gte=first, start_date__lte=last)


def ended_periods(params: ReportParams, month: datetime.date | None = None) -> QuerySet[Period]:
    first, last = month_range(params, month)
    return scoped_periods(params).filter(exit_date__gte=first, exit_date__lte=last)


def outcome_conditions(params: ReportParams) -> dict[str, Q | None]:
    """The flow's figures by key ("participants", "exits.completed", "destinations.pension",
    ...): conditions on each participant's last period in the range."""
    conditions: dict[str, Q | None] = {"participants": None}
    for path, condition in exit_conditions(params):
        if path[0] in ("exits", "destinations"):
            conditions[".".join(path)] = condition
    return conditions


def outcome_periods(params: ReportParams, key: str) -> QuerySet[Period]:
    condition = outcome_conditions(params)[key]
    periods = last_periods(params)
    return periods if condition is None else periods.filter(condition)


def status_records(
    params: ReportParams, status: str, month: datetime.date | None = None
) -> QuerySet[AttendanceRecord]:
    first, last = month_range(params, month)
    return scoped_records(params).filter(status=status, date__gte=first, date__lte=last)


def compensated_records(
    params: ReportParams, month: datetime.date | None = None
) -> QuerySet[AttendanceRecord]:
    """The claim's compensated records of the month (or range). Each ISO week is ranked on
    its own, so ranking the weeks of the month gives the same days as ranking the range's."""
    first, last = month_range(params, month)
    weeks = dataclasses.replace(params, date_from=first, date_to=last)
    return scoped_records(params).filter(
        PRESENT, pk__in=compensated_record_ids(weeks), date__gte=first, date__lte=last
    )


def gas_attainments(params: ReportParams) -> QuerySet[GoalAttainment]:
    return GoalAttainment.objects.filter(
        filter_q(params, "meeting__plan__period__"),
        meeting__date__gte=params.date_from,
        meeting__date__lte=params.date_to,
    )


# --- the figures --------------------------------------------------------------------------


@dataclass
class RangeFigures:
    params: ReportParams
    starts: dict[datetime.date, int] = field(default_factory=dict)
    exits: dict[datetime.date, int] = field(default_factory=dict)
    outcome: dict[str, int] = field(default_factory=dict)
    # unit id → participants, left, working (into working life), name, uuid
    outcome_by_unit: dict[int, dict[str, Any]] = field(default_factory=dict)
    # (unit id, month) → day counts, ``allowance_cents`` and (municipal view) ``clients``
    attendance: dict[tuple[int, datetime.date], dict[str, Any]] = field(default_factory=dict)
    units: dict[int, dict[str, Any]] = field(default_factory=dict)  # id → name, uuid
    compensation: dict[datetime.date, dict[str, int]] = field(default_factory=dict)
    gas: dict[int, int] = field(default_factory=dict)
    money_error: str = ""
    # With ``count_clients``: clients with attendance records per month and in the range.
    clients_by_month: dict[datetime.date, int] | None = None
    clients_total: int | None = None


def _by_month(queryset: QuerySet[Any], date_field: str) -> dict[datetime.date, int]:
    rows = (
        queryset.annotate(month=TruncMonth(date_field))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["month"]: row["n"] for row in rows}


def _one_if(condition: Q | None) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0))


def outcome_by_unit(params: ReportParams) -> dict[int, dict[str, Any]]:
    """Each unit's participants, those of them who left in the range and those who went into
    working life, as the outcome report of that unit alone counts them (over each
    participant's last period in the unit); with the unit's name and UUID. One pass over the
    periods (:func:`count_ranked`)."""
    conditions = outcome_conditions(params)
    ranked = scoped_periods(params).annotate(
        row_rank=Window(
            RowNumber(),
            partition_by=[F("client_id"), F("unit_id")],
            order_by=[F("start_date").desc(), F("pk").desc()],
        ),
        unit_pk=F("unit_id"),
        unit_name=F("unit__name"),
        unit_uuid=F("unit__uuid"),
        exited=_one_if(conditions["exits.total"]),
        working=_one_if(conditions["destinations.into_working_life"]),
    )
    rows = count_ranked(
        ranked,
        where="row_rank = 1",
        uses=("row_rank", "exited", "working"),
        group=("unit_pk", "unit_name", "unit_uuid"),
        sums=("exited", "working"),
    )
    return {
        unit_id: {
            "unit_id": unit_id,
            "name": name,
            "uuid": uuid if isinstance(uuid, UUID) else UUID(str(uuid)),
            "participants": participants,
            "left": left or 0,
            "working": working or 0,
        }
        for unit_id, name, uuid, participants, left, working in rows
    }


def outcome_counts(params: ReportParams) -> dict[str, int]:
    """The flow's figures in one query over the participants' last periods."""
    table = CountTable()
    for key, condition in outcome_conditions(params).items():
        table.add((key,), condition)
    return table.aggregate(ranked_periods(params, first=False))


def range_figures(params: ReportParams, *, count_clients: bool = False) -> RangeFigures:
    """Every range figure of a dashboard: eight queries for whole months (ten with
    ``count_clients``, which adds the number of clients of each unit and month, of each month
    and of the range, for hiding the attendance of small groups in the municipal view), and
    up to four more for days counted from the records (see :class:`Split`)."""
    figures = RangeFigures(params)
    figures.starts = _by_month(started_periods(params), "start_date")
    figures.exits = _by_month(ended_periods(params), "exit_date")
    figures.outcome = outcome_counts(params)
    figures.outcome_by_unit = outcome_by_unit(params)
    try:
        allowance, allowance_changes = prices(RateKind.ALLOWANCE, params)
        compensation, compensation_changes = prices(RateKind.STATE_COMPENSATION, params)
    except ReportError as error:
        figures.money_error = str(error)
        split = split_range(params, set())
        allowance = compensation = None
    else:
        split = split_range(params, allowance_changes | compensation_changes)
    figures.attendance, figures.units = attendance_by_unit_month(
        params, split, allowance, compensation, count_clients=count_clients
    )
    if count_clients:
        figures.clients_by_month, figures.clients_total = clients_counted(params, split)
    if compensation is not None:
        figures.compensation = compensation_by_month(
            params, split, compensation, figures.attendance
        )
    scores = gas_attainments(params).values("score").annotate(n=Count("pk")).order_by()
    figures.gas = {row["score"]: row["n"] for row in scores}
    return figures


def unit_totals(figures: RangeFigures) -> dict[int, dict[str, int]]:
    """Each unit's day counts over the range (the attendance report's unit rows)."""
    totals: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (unit_id, _month), row in figures.attendance.items():
        for key, value in row.items():
            if key.endswith("_days") or key.startswith("absent_") or key == "allowance_cents":
                totals[unit_id][key] += value or 0
    return totals
