"""The dashboard's figures over a range, counted in the database with the report builders'
definitions, so that each adds up to the report for the same range and filters:

- periods started and ended per month: in-scope periods (``scoped_periods``) whose start or
  exit date falls in the month (and the range);
- the flow from participants to exits and destinations: the outcome report's exit counts
  over each participant's last period (``last_periods`` and ``exit_conditions``), for all
  the units and for each unit (the participant's last period in the unit);
- attendance per unit and month: the attendance report's day counts (``day_counts``) over
  ``scoped_records``, with the expense allowance (the allowance report's rate of each present
  day, ``rate_cents``);
- state compensation per month: the claim's compensated days (``nth_in_week`` over
  ``compensation_candidates``: at most four present days a week per client) at the day's rate;
- goal attainment: the GAS scores (−2…+2) given at follow-up meetings held in the range, of
  in-scope periods.

Attendance, allowance and compensation are read for whole months from
:class:`~reporting.models.AttendanceMonthTotals` (the same counts, kept by every attendance
write): counting a year of a big organiser's records takes seconds. Only the days of a month
that the range covers in part are counted from the records (see :class:`Split`).

Each is one query (or two: totals and records) whatever the amount of data.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from dateutil.relativedelta import relativedelta
from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber, TruncMonth

from activation_plans.models import GoalAttainment
from clients.models import Period
from guidance.models import AttendanceRecord
from organisations.models import Unit
from reporting.attendance_totals import month_of
from reporting.builders.common import (
    CountTable,
    ReportError,
    count_ranked,
    filter_q,
    last_periods,
    ranked_periods,
    rate_case,
    rates_in_force,
    scoped_periods,
    scoped_records,
    week_monday,
    week_sunday,
)
from reporting.builders.state_compensation import (
    compensated_counts,
    compensated_record_ids,
    compensation_candidates,
)
from reporting.figures import PRESENT, day_counts, exit_conditions
from reporting.models import AttendanceMonthTotals, RateKind
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


# --- attendance from the monthly totals and the records ---------------------------------------

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
) -> tuple[dict[tuple[int, datetime.date], dict[str, Any]], dict[int, dict[str, Any]]]:
    """The attendance report's day counts by unit and month: from the totals for the whole
    months, from the records for the other days (one query each, when there are any). The
    whole months' cells carry the state compensation too (``compensated_days`` and
    ``compensation_cents``), read in the same pass; :func:`compensation_by_month` adds them up.
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
