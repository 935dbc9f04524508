"""``planned_days_without_record`` counted by the database (one statement, set-based) against the
rule read day by day (:func:`guidance.calendar.planned_days` for each in-scope period, less its
recorded days), as every report counted it before: random periods, weekdays (known, unknown and
weekend days), exits, drafts, closure days (some on holidays) and records (on planned days,
extra days, holidays, closure days and outside the period), on whichever database the tests run.
"""

from __future__ import annotations

import datetime
import random

import pytest

from guidance.calendar import finnish_holidays, planned_days
from guidance.models import AttendanceRecord
from organisations.models import ClosureDay
from reporting.builders.common import scoped_periods
from reporting.builders.data_quality import data_quality, planned_days_without_record
from reporting.params import ReportParams
from tests.clients.factories import ClientFactory, PeriodFactory
from tests.organisations.factories import UnitFactory

pytestmark = pytest.mark.django_db

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
STATUSES = ["present"] * 6 + ["sick", "child_sick", "unjustified", "not_organised"]


def reference(params: ReportParams) -> int:
    """The rule day by day: each in-scope period's planned days in the range without a record."""
    first, last = params.date_from, params.date_to
    holidays = finnish_holidays(first, last)
    missing = 0
    for period in scoped_periods(params):
        closures = set(ClosureDay.objects.filter(unit=period.unit).values_list("date", flat=True))
        recorded = set(
            AttendanceRecord.objects.filter(period=period).values_list("date", flat=True)
        )
        planned = planned_days(period, first, last, closures, holidays)
        missing += sum(1 for day in planned if day not in recorded)
    return missing


def random_world(rng: random.Random, count: int) -> list:  # type: ignore[type-arg]
    units = [UnitFactory(), UnitFactory()]
    holidays = sorted(finnish_holidays(D(2025, 1, 1), D(2026, 12, 31)))
    for unit in units:
        days = {D(2025, 9, 1) + datetime.timedelta(days=n) for n in rng.sample(range(200), 15)}
        days.update(rng.sample(holidays, 3))  # closed on a holiday too: one day off, not two
        ClosureDay.objects.bulk_create(ClosureDay(unit=unit, date=day) for day in days)
    periods = []
    for _ in range(count):
        unit = rng.choice(units)
        days_per_week = rng.randint(1, 4)
        if rng.random() < 0.25:
            weekdays = ""  # not known: the first days of the week
        else:
            weekdays = "".join(sorted(rng.sample("1234567", min(days_per_week, 4))))
        start = D(2025, 8, 1) + datetime.timedelta(days=rng.randint(0, 150))
        end = start + datetime.timedelta(days=rng.randint(1, 200))
        exited = rng.random() < 0.3
        periods.append(
            PeriodFactory(
                client=ClientFactory(registered_unit=unit),
                unit=unit,
                status="ended" if exited else rng.choice(["active"] * 8 + ["draft"]),
                start_date=start,
                end_date=end,
                exit_date=start + datetime.timedelta(days=rng.randint(0, 200)) if exited else None,
                exit_reason="completed" if exited else "",
                destination="unknown" if exited else "",
                days_per_week=days_per_week,
                weekdays=weekdays,
            )
        )
    # Five days a week from before 2015, weekdays not known: Monday to Friday.
    periods.append(
        PeriodFactory(
            client=ClientFactory(registered_unit=units[0]),
            unit=units[0],
            start_date=D(2014, 6, 2),
            end_date=D(2026, 2, 27),
            days_per_week=5,
            weekdays="",
        )
    )
    records = []
    for period in periods:
        day = max(period.start_date, D(2025, 7, 1)) - datetime.timedelta(days=5)
        while day <= period.last_day + datetime.timedelta(days=5):
            if rng.random() < 0.6:
                records.append(
                    AttendanceRecord(period=period, date=day, status=rng.choice(STATUSES))
                )
            day += ONE_DAY
    AttendanceRecord.objects.bulk_create(records)
    return units


def params(first: datetime.date, last: datetime.date, units: list[str] | None = None):  # type: ignore[no-untyped-def]
    return ReportParams.parse(
        {
            "kind": "attendance",
            "from": first.isoformat(),
            "to": last.isoformat(),
            "units": units or [],
        }
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_database_counts_the_planned_days_the_rule_reads_day_by_day(seed):
    rng = random.Random(seed)
    units = random_world(rng, 30)
    ranges = [
        (D(2025, 12, 1), D(2025, 12, 31)),  # Independence Day and Christmas inside
        (D(2025, 9, 1), D(2026, 3, 31)),  # across the year's turn
        (D(2026, 1, 7), D(2026, 1, 13)),  # one week
        (D(2025, 10, 15), D(2025, 10, 15)),  # one day
        (D(2025, 8, 4), D(2025, 8, 31)),  # a month without holidays
    ]
    compared = 0
    for first, last in ranges:
        for codes in ([], [units[0].code]):
            report_params = params(first, last, codes)
            expected = reference(report_params)
            assert planned_days_without_record(report_params) == expected, (first, last, codes)
            compared += expected
    assert compared > 500  # the random data leaves many planned days without a record


def test_one_statement_whatever_the_number_of_periods(unit, django_assert_num_queries):
    for weekdays in ("135", "24", ""):
        PeriodFactory(client=ClientFactory(registered_unit=unit), unit=unit, weekdays=weekdays)
    report_params = params(D(2025, 9, 1), D(2025, 12, 31))
    with django_assert_num_queries(1):
        missing = planned_days_without_record(report_params)
    assert missing == reference(report_params) > 0
    # With the people counts: two queries for the whole ``data_quality``.
    with django_assert_num_queries(2):
        assert data_quality(report_params)["planned_days_without_record"] == missing
