"""Figures a person should fix before trusting a report (every report's ``data_quality``):
participants with unknown entry data, participants who left without a known destination and
planned days that nobody recorded."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, DateField, F, Q, Value
from django.db.models.functions import Coalesce, Greatest, Least

from clients.models import Destination, Education, LabourMarketStatus
from guidance.calendar import finnish_holidays
from guidance.models import AttendanceRecord
from guidance.warnings_sql import _Dialect
from organisations.models import ClosureDay
from reporting.params import ReportParams

from .common import KNOWN_SEXES, ranked_periods, scoped_periods

# The statement is built from table names, SQL fragments and placeholders only; every value
# travels as a parameter.
# ruff: noqa: S608


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

    A planned day is :func:`guidance.calendar.planned_days`'s: one of the period's weekdays
    (:func:`~guidance.calendar.period_weekdays`, in SQL the warnings' reading of them,
    :mod:`guidance.warnings_sql`) within its dates, neither a public holiday nor a closure
    day of its unit. One statement counts them as a set, never day by day:

    - the period's days on each of its weekdays in ``[max(start, from), min(last day, to)]``,
      by arithmetic on the dates (seven candidate weekdays a period);
    - less the holidays and the unit's closure days among them (a closure day on a holiday
      once);
    - less the records on those planned days (each period has one record a day at most).

    One query. A range that reaches into the future counts the future planned days too.
    """
    first, last = params.date_from, params.date_to
    periods = (
        scoped_periods(params)
        .order_by()
        .values("id", "unit_id", "weekdays", "days_per_week")
        .annotate(
            lo=Greatest(F("start_date"), Value(first, output_field=DateField())),
            hi=Least(
                Coalesce(F("exit_date"), F("end_date")), Value(last, output_field=DateField())
            ),
        )
    )
    try:
        period_sql, period_params = periods.query.sql_with_params()
    except EmptyResultSet:
        return 0
    connection = connections[periods.db]
    dialect = _Dialect(connection)
    sql, values = _planned_without_record_sql(
        dialect, period_sql, list(period_params), first, last, sorted(finnish_holidays(first, last))
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        (missing,) = cursor.fetchone()
    return int(missing or 0)


def _planned_without_record_sql(
    dialect: _Dialect,
    period_sql: str,
    period_params: list[Any],
    first: datetime.date,
    last: datetime.date,
    holidays: list[datetime.date],
) -> tuple[str, list[Any]]:
    """The statement of :func:`planned_days_without_record` and its values. ``p`` holds the
    in-scope periods with the days they count (``lo``–``hi``); every date value is a
    parameter."""
    connection = dialect.connection
    q = connection.ops.quote_name
    adapt = connection.ops.adapt_datefield_value
    record = q(AttendanceRecord._meta.db_table)
    closure = q(ClosureDay._meta.db_table)

    def weekday_of(day: str) -> str:
        return dialect.on_weekday("p.weekdays", "p.days_per_week", dialect.isodow(day))

    date = "CAST(%s AS date)" if dialect.postgres else "%s"
    values: list[Any] = list(period_params)
    ctes = [f"p AS ({period_sql})"]
    ctes.append("wd(d) AS (" + " UNION ALL ".join(f"SELECT {d}" for d in range(1, 8)) + ")")
    not_holiday = ""
    holiday_values = [adapt(day) for day in holidays]
    if holidays:
        ctes.append("h(day) AS (VALUES " + ", ".join(f"({date})" for _ in holidays) + ")")
        values += holiday_values
        not_holiday = "AND {day} NOT IN (SELECT day FROM h)"
    # Days from lo to hi on ISO weekday d: the first is o days after lo, then every 7th.
    gap = dialect.span("p.lo", "p.hi") + " - 1"
    offset = f"(wd.d - {dialect.isodow('p.lo')} + 7) %% 7"
    parts = [
        f"(SELECT COALESCE(SUM(CASE WHEN {gap} >= {offset} "
        f"THEN ({gap} - {offset}) / 7 + 1 ELSE 0 END), 0) FROM p JOIN wd "
        f"ON {dialect.on_weekday('p.weekdays', 'p.days_per_week', 'wd.d')})"
    ]
    if holidays:
        parts.append(
            "(SELECT COUNT(*) FROM p JOIN h ON h.day >= p.lo AND h.day <= p.hi "
            f"WHERE {weekday_of('h.day')})"
        )
    parts.append(
        f"(SELECT COUNT(*) FROM p JOIN {closure} c ON c.unit_id = p.unit_id "
        f"AND c.date >= p.lo AND c.date <= p.hi WHERE {weekday_of('c.date')} "
        + not_holiday.format(day="c.date")
        + ")"
    )
    parts.append(
        f"(SELECT COUNT(*) FROM {record} r JOIN p ON p.id = r.period_id "
        f"WHERE r.date >= {date} AND r.date <= {date} AND r.date >= p.lo AND r.date <= p.hi "
        f"AND {weekday_of('r.date')} "
        + not_holiday.format(day="r.date")
        + f" AND NOT EXISTS (SELECT 1 FROM {closure} c WHERE c.unit_id = p.unit_id "
        "AND c.date = r.date))"
    )
    values += [adapt(first), adapt(last)]
    sql = "WITH " + ", ".join(ctes) + " SELECT " + " - ".join(parts)
    return sql, values


def data_quality(params: ReportParams) -> dict[str, int]:
    """Figures a person should fix before trusting the report.

    - ``unknown_entry_data``: participants whose first period in the range lacks the
      labour-market status or education, or whose sex is unknown;
    - ``ended_without_destination``: participants whose last period in the range ended
      without a known destination (see :func:`without_destination_q`);
    - ``planned_days_without_record``: see :func:`planned_days_without_record`.

    Two queries.
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
