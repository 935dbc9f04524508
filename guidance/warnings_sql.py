"""The runs of absences behind the attendance warnings, found by the database (gaps and islands).

One query returns every run that is a warning, aggregated: its period, client, status, first and
last day and number of planned days. No attendance record travels to Python. The rule is
:mod:`guidance.warnings`'s (docs/rules.md, "Attendance"); this module is how the database
applies it:

1. The records of a warning status (``sick``, ``child_sick``, ``unjustified``) of the periods in
   the window, each with the previous such record of its period (``LAG``).
2. A record starts a new run unless the previous one has the same status and nothing between
   them breaks it. Between the two, a day breaks the run when it has a record other than
   ``not_organised`` (present, another absence), or when it is a planned day — the period's
   weekday within its dates, neither a public holiday nor a closure day of the unit — with no
   record at all. Only pairs of the same status are looked into, and only their days between.
3. ``SUM(starts)`` numbers the runs (islands) of each period; each run is grouped into one row
   and kept when it spans more calendar days than its status allows and touches the range.

On PostgreSQL the days between two records come from ``generate_series``; SQLite (tests and
small installations) takes them from a recursive calendar of the window. Both run the same
statement otherwise, and the tests check them against the rule's day-by-day reading.
"""

# The statement is built from table names, SQL fragments and placeholders only; every value
# travels as a parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime
from typing import Any, NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce

from clients.models import Period
from organisations.models import ClosureDay

from .models import AttendanceRecord, AttendanceStatus

WEEK = "week"


class Run(NamedTuple):
    """A run that is a warning, or a candidate week (:data:`WEEK`)."""

    period_id: int
    client_id: int
    unit_id: int
    status: str
    first: datetime.date
    last: datetime.date
    days: int


def _quote(connection: Any, name: str) -> str:
    return connection.ops.quote_name(name)


class _Dialect:
    """The few expressions that PostgreSQL and SQLite write differently."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"

    def calendar_cte(self) -> str:
        """SQLite only: ``calendar(day)``, every day of the window (two parameters)."""
        return (
            "calendar(day) AS (SELECT %s UNION ALL "
            "SELECT date(day, '+1 day') FROM calendar WHERE day < %s)"
        )

    def days_between(self, low: str, high: str) -> str:
        """A FROM item ``g(day)`` of the days strictly between two dates."""
        if self.postgres:
            return (
                f"(SELECT CAST(t AS date) AS day FROM generate_series("
                f"CAST({low} + 1 AS timestamp), CAST({high} - 1 AS timestamp), "
                "interval '1 day') AS t) g"
            )
        return f"(SELECT day FROM calendar WHERE day > {low} AND day < {high}) g"

    def isodow(self, day: str) -> str:
        if self.postgres:
            return f"CAST(EXTRACT(ISODOW FROM {day}) AS integer)"
        return f"((CAST(strftime('%%w', {day}) AS integer) + 6) %% 7 + 1)"

    def on_weekday(self, weekdays: str, days_per_week: str, dow: str) -> str:
        """The day (ISO weekday ``dow``) is one of the period's weekdays: its ``weekdays``, or
        the first ``days_per_week`` (at most 5) from Monday when they are not known
        (:func:`guidance.calendar.period_weekdays`)."""
        find = "strpos" if self.postgres else "instr"
        return (
            f"(CASE WHEN {weekdays} = '' THEN ({dow} <= {days_per_week} AND {dow} <= 5) "
            f"ELSE {find}({weekdays}, CAST({dow} AS varchar(1))) > 0 END)"
        )

    def span(self, first: str, last: str) -> str:
        """Calendar days from ``first`` to ``last``, both included."""
        if self.postgres:
            return f"({last} - {first} + 1)"
        return f"(CAST(julianday({last}) - julianday({first}) AS integer) + 1)"

    def day(self, value: Any) -> datetime.date:
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        return datetime.date.fromisoformat(value[:10])


def warning_runs(
    periods: QuerySet[Period],
    first: datetime.date,
    last: datetime.date,
    *,
    window: tuple[datetime.date, datetime.date],
    longest_allowed: dict[str, int],
    holidays: list[datetime.date],
    busy_weeks: QuerySet[Any] | None = None,
    days_a_week: int = 0,
) -> list[Run]:
    """Every run of ``periods`` in ``window`` whose status is in ``longest_allowed``, that
    spans more calendar days than allowed and has a day in ``[first, last]``, by period and
    first day. One query.

    ``periods`` is a query (its criteria go into the statement as a subquery, never a list of
    ids); ``holidays`` are the public holidays in the window. ``busy_weeks``, a query of rows
    ``busy_client``, ``monday``, ``dates`` (the kept weeks,
    :func:`guidance.warnings.kept_busy_weeks`), is read in the same statement: each week with
    more than ``days_a_week`` dates comes as a :data:`WEEK` row (period and unit 0, the Monday
    as first and last day, the dates as days).

    On PostgreSQL the statement runs without JIT compilation (``SET LOCAL jit = off`` in the
    same call): its planner prices the correlated look-ups high, and compiling them took
    longer than running them (2.8 s of 5.4 s for a year of 8,000 clients).
    """
    connection = connections[periods.db]
    dialect = _Dialect(connection)
    parts: list[str] = []
    params: list[Any] = []
    try:
        period_sql, period_params = (
            periods.order_by()
            .values("id", "client_id", "unit_id", "weekdays", "days_per_week", "start_date")
            .annotate(last_day=Coalesce(F("exit_date"), F("end_date")))
            .query.sql_with_params()
        )
    except EmptyResultSet:
        pass
    else:
        parts.append(
            _runs_sql(
                dialect,
                period_sql,
                list(period_params),
                first,
                last,
                window,
                longest_allowed,
                holidays,
                params,
            )
        )
    if busy_weeks is not None:
        try:
            weeks_sql, weeks_params = busy_weeks.order_by().query.sql_with_params()
        except EmptyResultSet:
            pass
        else:
            parts.append(
                f"SELECT 0, d.busy_client, 0, %s, d.monday, d.monday, d.dates FROM ({weeks_sql}) d "
                "WHERE d.dates > %s"
            )
            params += [WEEK, *weeks_params, days_a_week]
    if not parts:
        return []
    sql = " UNION ALL ".join(parts) + " ORDER BY 1, 2, 5, 4"
    if dialect.postgres:
        sql = "SET LOCAL jit = off; " + sql
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        Run(period_id, client_id, unit_id, status, dialect.day(low), dialect.day(high), days)
        for period_id, client_id, unit_id, status, low, high, days in rows
    ]


def _runs_sql(
    dialect: _Dialect,
    period_sql: str,
    period_params: list[Any],
    first: datetime.date,
    last: datetime.date,
    window: tuple[datetime.date, datetime.date],
    longest_allowed: dict[str, int],
    holidays: list[datetime.date],
    params: list[Any],
) -> str:
    """The runs' part of :func:`warning_runs`; its values are added to ``params``."""
    connection = dialect.connection
    q = lambda name: _quote(connection, name)  # noqa: E731
    adapt = connection.ops.adapt_datefield_value
    record = q(AttendanceRecord._meta.db_table)
    closure = q(ClosureDay._meta.db_table)
    statuses = list(longest_allowed)
    allowed = " ".join("WHEN %s THEN %s" for _ in statuses)
    allowed_params: list[Any] = [
        v for status in statuses for v in (status, longest_allowed[status])
    ]
    dow = dialect.isodow("g.day")
    holiday_sql = f" AND g.day NOT IN ({', '.join(['%s'] * len(holidays))})" if holidays else ""
    cte_params: list[Any] = []
    ctes = []
    if not dialect.postgres:
        ctes.append(dialect.calendar_cte())
        cte_params += [adapt(window[0]), adapt(window[1])]
    ctes.append(f"p AS ({period_sql})")
    cte_params += period_params
    # The periods are joined (not ``IN (SELECT id FROM p)``): the planner then knows how many
    # there are, and reads a whole organisation's absences by status and date (2.2 s instead
    # of 3.0 s for a year of 40,000 clients) and one client's by period.
    ctes.append(
        "w AS (SELECT r.period_id, r.date, r.status, "
        "LAG(r.date) OVER (PARTITION BY r.period_id ORDER BY r.date) AS prev_date, "
        "LAG(r.status) OVER (PARTITION BY r.period_id ORDER BY r.date) AS prev_status "
        f"FROM {record} r JOIN p pr ON pr.id = r.period_id "
        f"WHERE r.status IN ({', '.join(['%s'] * len(statuses))}) "
        "AND r.date >= %s AND r.date <= %s)"
    )
    cte_params += [*statuses, adapt(window[0]), adapt(window[1])]
    # A day between two records of the same status that breaks their run: another record
    # (not ``not_organised``), or a planned day without any record.
    ctes.append(
        "b AS (SELECT w.period_id, w.date, w.status, CASE "
        "WHEN w.prev_status IS NULL OR w.prev_status <> w.status THEN 1 "
        f"WHEN EXISTS (SELECT 1 FROM {record} x WHERE x.period_id = w.period_id "
        "AND x.date > w.prev_date AND x.date < w.date AND x.status <> %s) THEN 1 "
        f"WHEN EXISTS (SELECT 1 FROM {dialect.days_between('w.prev_date', 'w.date')} "
        "WHERE g.day >= p.start_date AND g.day <= p.last_day AND "
        f"{dialect.on_weekday('p.weekdays', 'p.days_per_week', dow)}{holiday_sql} "
        f"AND NOT EXISTS (SELECT 1 FROM {closure} c WHERE c.unit_id = p.unit_id "
        "AND c.date = g.day) "
        f"AND NOT EXISTS (SELECT 1 FROM {record} y WHERE y.period_id = w.period_id "
        "AND y.date = g.day)) THEN 1 "
        "ELSE 0 END AS starts FROM w JOIN p ON p.id = w.period_id)"
    )
    cte_params += [AttendanceStatus.NOT_ORGANISED, *(adapt(day) for day in holidays)]
    ctes.append(
        "i AS (SELECT period_id, date, status, SUM(starts) OVER (PARTITION BY period_id "
        "ORDER BY date ROWS UNBOUNDED PRECEDING) AS run FROM b)"
    )
    span = dialect.span("MIN(i.date)", "MAX(i.date)")
    head = ("WITH RECURSIVE " if not dialect.postgres else "WITH ") + ", ".join(ctes)
    sql = head + (
        " SELECT i.period_id, p.client_id, p.unit_id, i.status, MIN(i.date), MAX(i.date), "
        "COUNT(*) FROM i JOIN p ON p.id = i.period_id "
        "GROUP BY i.period_id, p.client_id, p.unit_id, i.status, i.run "
        f"HAVING {span} > CASE i.status {allowed} END "
        "AND MIN(i.date) <= %s AND MAX(i.date) >= %s"
    )
    params += [*cte_params, *allowed_params, adapt(last), adapt(first)]
    return sql
