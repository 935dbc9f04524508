"""The dashboard's figures over a range, counted in the database with the report builders'
definitions, so that each adds up to the report for the same range and filters:

- periods started and ended per month: in-scope periods (``scoped_periods``) whose start or
  exit date falls in the month (and the range);
- the flow from participants to exits and destinations: the outcome report's exit counts
  over each participant's last period (``last_periods`` and ``exit_conditions``);
- attendance per unit and month: the attendance report's day counts (``day_counts``) over
  ``scoped_records``, with the expense allowance (the allowance report's rate of each present
  day, ``rate_cents``);
- state compensation per month: the claim's compensated days (``nth_in_week`` over
  ``compensation_candidates``: at most four present days a week per client) at the day's rate;
- goal attainment: the GAS scores (−2…+2) given at follow-up meetings held in the range, of
  in-scope periods.

Each is one query whatever the amount of data.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncMonth

from activation_plans.models import GoalAttainment
from clients.models import Period
from guidance.models import AttendanceRecord
from organisations.models import Unit
from reporting.builders.common import (
    CountTable,
    ReportError,
    filter_q,
    last_periods,
    rate_cents,
    scoped_periods,
    scoped_records,
)
from reporting.builders.state_compensation import (
    DAYS_PER_WEEK,
    compensated_record_ids,
    compensation_candidates,
    nth_in_week,
)
from reporting.figures import PRESENT, day_counts, exit_conditions
from reporting.models import RateKind
from reporting.params import ReportParams

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


def outcome_counts(params: ReportParams) -> dict[str, int]:
    """The flow's figures in one query over the participants' last periods."""
    table = CountTable()
    for key, condition in outcome_conditions(params).items():
        table.add((key,), condition)
    return table.aggregate(last_periods(params))


def attendance_by_unit_month(
    params: ReportParams, allowance: Any, *, count_clients: bool
) -> tuple[dict[tuple[int, datetime.date], dict[str, Any]], dict[int, dict[str, Any]]]:
    extra: dict[str, Any] = {}
    if allowance is not None:
        extra["allowance_cents"] = Sum(allowance, filter=PRESENT)
    if count_clients:
        extra["clients"] = Count("period__client_id", distinct=True)
    rows = (
        scoped_records(params)
        .annotate(month=TruncMonth("date"))
        .values("month", unit_id=F("period__unit_id"))
        .annotate(**day_counts(), **extra)
        .order_by()
    )
    cells = {(row["unit_id"], row["month"]): row for row in rows}
    # The units' names apart: grouping by them too makes the count twice as slow.
    units = {
        pk: {"name": name, "uuid": uuid}
        for pk, name, uuid in Unit.objects.filter(pk__in={unit_id for unit_id, _m in cells})
        .order_by()
        .values_list("pk", "name", "uuid")
    }
    return cells, units


def _month(value: Any) -> datetime.date:
    """A month as the database returns it outside the ORM: a date, a datetime (PostgreSQL's
    date_trunc) or ISO text (SQLite)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def compensation_by_month(params: ReportParams, rate: Any) -> dict[datetime.date, dict[str, int]]:
    """The claim's compensated days and cents per month (``state_compensation``'s definition:
    each client's first four present records of the ISO week, the week read whole).

    The ORM cannot group the rows that a window function keeps, so the builder's ranked
    query is wrapped in one outer ``GROUP BY`` here: one pass over the records instead of the
    builder's ``id IN (ranked ids)``, which reads them twice.
    """
    first, last = params.date_from, params.date_to
    ranked = (
        compensation_candidates(params)
        .annotate(
            nth=nth_in_week(),
            month=TruncMonth("date"),
            cents=rate,
            in_range=Case(When(date__gte=first, date__lte=last, then=Value(1)), default=Value(0)),
        )
        .values("month", "cents", "in_range", "nth")
        .order_by()
    )
    try:
        inner, values = ranked.query.sql_with_params()
    except EmptyResultSet:
        return {}
    sql = (
        "SELECT month, COUNT(*), SUM(cents) FROM ("  # noqa: S608 (Django's own SQL, params apart)
        f"{inner}) ranked WHERE nth <= %s AND in_range = 1 GROUP BY month"
    )
    with connections[ranked.db].cursor() as cursor:
        cursor.execute(sql, [*values, DAYS_PER_WEEK])
        rows = cursor.fetchall()
    return {_month(month): {"days": days, "cents": cents or 0} for month, days, cents in rows}


def range_figures(params: ReportParams, *, count_clients: bool = False) -> RangeFigures:
    """Every range figure of a dashboard: eight queries (ten with ``count_clients``, which
    adds the number of clients of each unit and month, of each month and of the range, for
    hiding the attendance of small groups in the municipal view)."""
    figures = RangeFigures(params)
    figures.starts = _by_month(started_periods(params), "start_date")
    figures.exits = _by_month(ended_periods(params), "exit_date")
    figures.outcome = outcome_counts(params)
    try:
        allowance = rate_cents(RateKind.ALLOWANCE, params)
        compensation = rate_cents(RateKind.STATE_COMPENSATION, params)
    except ReportError as error:
        figures.money_error = str(error)
        allowance = compensation = None
    figures.attendance, figures.units = attendance_by_unit_month(
        params, allowance, count_clients=count_clients
    )
    if count_clients:
        records = scoped_records(params)
        distinct = Count("period__client_id", distinct=True)
        rows = records.annotate(month=TruncMonth("date")).values("month").annotate(n=distinct)
        figures.clients_by_month = {row["month"]: row["n"] for row in rows.order_by()}
        figures.clients_total = records.aggregate(n=distinct)["n"]
    if compensation is not None:
        figures.compensation = compensation_by_month(params, compensation)
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
