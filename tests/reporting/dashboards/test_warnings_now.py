"""The dashboards' "clients with attendance warnings" are the warnings counsellors see, found in
one statement (reporting/dashboards/now.py ``warning_period_ids``)."""

from __future__ import annotations

import datetime

import pytest

from guidance.warnings import attendance_warnings
from reporting.dashboards.now import warning_period_ids, warning_window
from reporting.params import ReportParams
from tests.clients.factories import ClientFactory, PeriodFactory
from tests.guidance.attendance.factories import AttendanceRecordFactory

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2025, 3, 20)
PARAMS = ReportParams.parse({"kind": "outcome", "from": "2025-01-01", "to": "2025-03-31"})


def test_a_sickness_across_a_weekend_is_a_warning_on_the_dashboard(unit):
    """Sick Friday 14.3., Monday 17.3. and Tuesday 18.3.: three records, but five calendar
    days (the weekend is not planned), more than the three allowed without a certificate. A
    count of records (the dashboard's shortcut before) missed it."""
    period = PeriodFactory(
        client=ClientFactory(registered_unit=unit),
        unit=unit,
        start_date=D(2025, 1, 2),
        weekdays="1245",
        days_per_week=4,
    )
    for day in (14, 17, 18):
        AttendanceRecordFactory(period=period, date=D(2025, 3, day), status="sick")
    # Two days of sickness in a row are no warning.
    other = PeriodFactory(client=ClientFactory(registered_unit=unit), unit=unit, weekdays="1245")
    for day in (17, 18):
        AttendanceRecordFactory(period=other, date=D(2025, 3, day), status="sick")

    warned = warning_period_ids(PARAMS, TODAY)

    assert set(warned) == set(attendance_warnings([period.pk, other.pk], *warning_window(TODAY)))
    assert set(warned) == {period.pk}
    assert (warned[period.pk].unit_id, warned[period.pk].client_id) == (unit.pk, period.client_id)


def test_the_warnings_are_one_statement(unit, django_assert_num_queries):
    for _ in range(3):
        period = PeriodFactory(
            client=ClientFactory(registered_unit=unit), unit=unit, start_date=D(2025, 1, 2)
        )
        AttendanceRecordFactory(period=period, date=D(2025, 3, 12), status="unjustified")
    with django_assert_num_queries(1):
        assert len(warning_period_ids(PARAMS, TODAY)) == 3
