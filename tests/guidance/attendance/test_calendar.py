"""Planned days and the days that are not organised (guidance/calendar.py)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from clients.models import Destination, ExitReason, PeriodStatus
from guidance.calendar import default_status, finnish_holidays, month_bounds, planned_days
from organisations.models import ClosureDay
from tests.clients.factories import PeriodFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def test_planned_days_are_the_period_weekdays_in_the_range(unit):
    period = PeriodFactory(unit=unit, weekdays="135", start_date=D(2025, 9, 1))
    days = planned_days(period, D(2025, 11, 1), D(2025, 11, 30))
    assert [d.day for d in days] == [3, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28]
    assert {d.isoweekday() for d in days} == {1, 3, 5}


def test_planned_days_start_with_the_period(unit):
    period = PeriodFactory(unit=unit, weekdays="24", days_per_week=2, start_date=D(2025, 11, 12))
    days = planned_days(period, D(2025, 11, 1), D(2025, 11, 30))
    assert [d.day for d in days] == [13, 18, 20, 25, 27]


def test_planned_days_end_on_the_exit_date_not_the_planned_end(unit):
    period = PeriodFactory(
        unit=unit,
        weekdays="135",
        start_date=D(2025, 9, 1),
        end_date=D(2026, 2, 28),
        status=PeriodStatus.ENDED,
        exit_date=D(2025, 11, 12),
        exit_reason=ExitReason.INTERRUPTED,
        destination=Destination.UNEMPLOYED,
    )
    days = planned_days(period, D(2025, 11, 1), D(2025, 11, 30))
    assert [d.day for d in days] == [3, 5, 7, 10, 12]


def test_planned_days_end_on_the_planned_end(unit):
    period = PeriodFactory(
        unit=unit, weekdays="135", start_date=D(2025, 6, 2), end_date=D(2025, 11, 14)
    )
    assert planned_days(period, D(2025, 11, 1), D(2025, 11, 30))[-1] == D(2025, 11, 14)


def test_a_period_without_weekdays_runs_on_its_first_days_from_monday(unit):
    period = PeriodFactory(unit=unit, weekdays="", days_per_week=3, start_date=D(2025, 9, 1))
    days = planned_days(period, D(2025, 11, 3), D(2025, 11, 9))
    assert [d.isoweekday() for d in days] == [1, 2, 3]


def test_public_holidays_and_closure_days_are_not_planned(unit):
    # December 2025: Christmas Eve is a Wednesday, St Stephen's Day a Friday.
    period = PeriodFactory(unit=unit, weekdays="135", start_date=D(2025, 9, 1))
    ClosureDay.objects.create(unit=unit, date=D(2025, 12, 29), reason="Inventory")
    closures = set(unit.closure_days.values_list("date", flat=True))
    days = planned_days(period, D(2025, 12, 15), D(2025, 12, 31), closures)
    assert [d.day for d in days] == [15, 17, 19, 22, 31]


def test_independence_day_and_christmas_are_not_organised_by_default(unit):
    assert default_status(D(2024, 12, 6), unit) == "not_organised"  # Itsenäisyyspäivä, a Friday
    assert default_status(D(2024, 12, 5), unit) == ""
    for day in (24, 25, 26):
        assert default_status(D(2025, 12, day), unit) == "not_organised"
    assert default_status(D(2025, 12, 23), unit) == ""


def test_a_closure_day_of_the_unit_is_not_organised_by_default(unit, other_unit):
    ClosureDay.objects.create(unit=unit, date=D(2025, 11, 14), reason="Staff training")
    assert default_status(D(2025, 11, 14), unit) == "not_organised"
    assert default_status(D(2025, 11, 14), other_unit) == ""
    assert default_status(D(2025, 11, 14), unit, closures={D(2025, 11, 13)}) == ""


def test_holiday_names_follow_the_language():
    with translation.override("fi"):
        assert finnish_holidays(D(2025, 12, 1), D(2025, 12, 31))[D(2025, 12, 6)] == (
            "Itsenäisyyspäivä"
        )
    with translation.override("en"):
        assert finnish_holidays(D(2025, 12, 1), D(2025, 12, 31))[D(2025, 12, 6)] == (
            "Independence Day"
        )


def test_month_bounds():
    assert month_bounds(2025, 12) == (D(2025, 12, 1), D(2025, 12, 31))
    assert month_bounds(2024, 2) == (D(2024, 2, 1), D(2024, 2, 29))
