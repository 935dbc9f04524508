"""The database's runs (guidance.warnings_sql) against the rule read day by day, as the client
page and the month sheet read it before (docs/rules.md, "Attendance"): random periods, weekdays,
closure days, holidays and records, on whichever database the tests run (PostgreSQL and
SQLite take different paths for the days between two records)."""

from __future__ import annotations

import datetime
import random

import pytest

from clients.models import Period
from guidance.calendar import finnish_holidays, period_weekdays
from guidance.models import AttendanceRecord, AttendanceStatus
from guidance.warnings import (
    LONGEST_ALLOWED_RUN,
    WINDOW_MARGIN,
    attendance_warnings,
    find_warnings,
)
from organisations.models import ClosureDay
from tests.clients.factories import ClientFactory, PeriodFactory

from .factories import AttendanceRecordFactory, keep_counts

pytestmark = pytest.mark.django_db

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)


def reference_runs(
    period: Period, first: datetime.date, last: datetime.date
) -> list[tuple[str, datetime.date, datetime.date, int]]:
    """The rule day by day: the period's planned days and recorded days in date order, a run
    of one status ended by any other status or a planned day without a record."""
    window_first, window_last = first - WINDOW_MARGIN, last + WINDOW_MARGIN
    statuses = dict(
        AttendanceRecord.objects.filter(
            period=period, date__range=(window_first, window_last)
        ).values_list("date", "status")
    )
    if not statuses:
        return []
    not_organised = set(finnish_holidays(window_first, window_last)) | set(
        ClosureDay.objects.filter(unit_id=period.unit_id).values_list("date", flat=True)
    )
    low, high = min(statuses), max(statuses)
    weekdays = period_weekdays(period)
    days = set()
    day = max(low, period.start_date)
    while day <= min(high, period.last_day):
        if day.isoweekday() in weekdays and day not in not_organised:
            days.add(day)
        day += ONE_DAY
    days.update(d for d, s in statuses.items() if s != AttendanceStatus.NOT_ORGANISED)
    days.difference_update(d for d, s in statuses.items() if s == AttendanceStatus.NOT_ORGANISED)
    runs: list[tuple[str, list[datetime.date]]] = []
    for day in sorted(days):
        status = statuses.get(day, "")
        if runs and runs[-1][0] == status and status:
            runs[-1][1].append(day)
        else:
            runs.append((status, [day]))
    return [
        (status, run[0], run[-1], len(run))
        for status, run in runs
        if status in LONGEST_ALLOWED_RUN
        and (run[-1] - run[0]).days + 1 > LONGEST_ALLOWED_RUN[status]
        and run[0] <= last
        and run[-1] >= first
    ]


STATUSES = [
    *["sick"] * 6,
    *["child_sick"] * 4,
    *["unjustified"] * 2,
    *["present"] * 3,
    *["not_organised"] * 2,
    "sick_certified",
]


def random_world(rng: random.Random, unit, count: int) -> list[Period]:  # type: ignore[no-untyped-def]
    ClosureDay.objects.bulk_create(
        ClosureDay(unit=unit, date=D(2025, 10, 1) + datetime.timedelta(days=offset))
        for offset in rng.sample(range(120), 12)
    )
    periods = []
    for _ in range(count):
        days_per_week = rng.randint(1, 4)
        known = rng.random() < 0.8
        start = D(2025, 9, 1) + datetime.timedelta(days=rng.randint(0, 60))
        end = start + datetime.timedelta(days=rng.randint(40, 150))
        exited = rng.random() < 0.3
        periods.append(
            PeriodFactory(
                client=ClientFactory(registered_unit=unit),
                unit=unit,
                start_date=start,
                end_date=end,
                exit_date=end - datetime.timedelta(days=rng.randint(0, 30)) if exited else None,
                exit_reason="completed" if exited else "",
                destination="unknown" if exited else "",
                days_per_week=days_per_week,
                weekdays="".join(sorted(rng.sample("12345", days_per_week))) if known else "",
            )
        )
    records = []
    for period in periods:
        weekdays = period_weekdays(period)
        day = period.start_date - datetime.timedelta(days=3)
        while day <= period.last_day + datetime.timedelta(days=3):
            chance = 0.85 if day.isoweekday() in weekdays else 0.06
            if rng.random() < chance:
                records.append(
                    AttendanceRecord(period=period, date=day, status=rng.choice(STATUSES))
                )
            day += ONE_DAY
    AttendanceRecord.objects.bulk_create(records)
    return periods


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_database_finds_the_runs_the_rule_reads_day_by_day(unit, seed):
    rng = random.Random(seed)
    periods = random_world(rng, unit, 25)
    ranges = [
        (D(2025, 11, 1), D(2025, 11, 30)),
        (D(2025, 12, 1), D(2025, 12, 31)),  # Christmas inside
        (D(2025, 9, 15), D(2026, 1, 20)),
    ]
    compared = 0
    for first, last in ranges:
        found = attendance_warnings(Period.objects.filter(unit=unit), first, last)
        for period in periods:
            expected = reference_runs(period, first, last)
            got = [
                (w.kind, w.first, w.last, w.days)
                for w in sorted(found.get(period.pk, []), key=lambda w: w.first)
            ]
            kinds = {
                "sick": "sick_over_3_days_uncertified",
                "child_sick": "child_sick_over_4_days",
                "unjustified": "unjustified_absence",
            }
            assert got == [(kinds[s], a, b, n) for s, a, b, n in expected], (period.pk, first)
            compared += len(expected)
    assert compared > 50  # the random data has runs of every kind to compare


def test_runs_and_weeks_come_in_one_query(unit, django_assert_num_queries):
    period = PeriodFactory(
        client=ClientFactory(registered_unit=unit),
        unit=unit,
        start_date=D(2025, 9, 1),
        end_date=D(2026, 2, 28),
        weekdays="1234",
        days_per_week=4,
    )
    for day in range(3, 8):  # Mon–Fri 3.–7.11.: 5 present days
        AttendanceRecordFactory(period=period, date=D(2025, 11, day), status="present")
    for day in (10, 11, 12, 13):
        AttendanceRecordFactory(period=period, date=D(2025, 11, day), status="sick")
    keep_counts({period.client_id}, D(2025, 11, 3), D(2025, 11, 13))
    # The runs and the candidate weeks in one statement, the dated weekly limits in another.
    with django_assert_num_queries(2):
        found = find_warnings(
            Period.objects.filter(unit=unit),
            D(2025, 11, 1),
            D(2025, 11, 30),
            week_clients=Period.objects.filter(unit=unit).values("client_id"),
        )
    (run,) = found.by_period[period.pk]
    assert (run.kind, run.first, run.last, run.days) == (
        "sick_over_3_days_uncertified",
        D(2025, 11, 10),
        D(2025, 11, 13),
        4,
    )
    assert found.weeks == {period.client_id: [(D(2025, 11, 3), 5)]}
    assert found.unit_of_period == {period.pk: unit.pk}


def test_no_periods_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert attendance_warnings([], D(2025, 11, 1), D(2025, 11, 30)) == {}


def test_a_bulk_read_of_attendance_for_the_warnings_has_no_order_by(unit):
    """docs: bulk reads of attendance never inherit ``AttendanceRecord.Meta.ordering``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    period = PeriodFactory(client=ClientFactory(registered_unit=unit), unit=unit, weekdays="135")
    AttendanceRecordFactory(period=period, date=D(2025, 11, 3), status="present")
    with CaptureQueriesContext(connection) as context:
        find_warnings(
            Period.objects.filter(unit=unit),
            D(2025, 11, 1),
            D(2025, 11, 30),
            week_clients=[period.client_id],
        )
    (query,) = [q["sql"] for q in context.captured_queries]
    assert "ORDER BY 1, 2, 5, 4" in query  # the result's own order, nothing inside
    assert query.count("ORDER BY") == query.count("OVER (PARTITION BY") + 1
