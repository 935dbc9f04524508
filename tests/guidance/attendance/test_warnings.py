"""Attendance warnings (DOMAIN.md §3): runs of consecutive planned days, measured in calendar
days from the run's first day to its last."""

from __future__ import annotations

import datetime

import pytest

from clients.models import PeriodStatus
from guidance.warnings import (
    CHILD_SICK_OVER_4_DAYS,
    SICK_OVER_3_DAYS,
    UNJUSTIFIED_ABSENCE,
    attendance_warnings,
    client_attendance_warnings,
    units_warning_clients,
)
from organisations.models import ClosureDay
from tests.clients.factories import ClientFactory, PeriodFactory

from .factories import AttendanceRecordFactory, keep_counts

pytestmark = pytest.mark.django_db

D = datetime.date
NOVEMBER = (D(2025, 11, 1), D(2025, 11, 30))


def record(period, statuses: dict[datetime.date, str]) -> None:
    for day, status in statuses.items():
        AttendanceRecordFactory(period=period, date=day, status=status)
    if statuses:
        keep_counts({period.client_id}, min(statuses), max(statuses))


def kinds(period, first=NOVEMBER[0], last=NOVEMBER[1]) -> list[tuple[str, int]]:
    found = attendance_warnings([period.pk], first, last).get(period.pk, [])
    return [(w.kind, w.days) for w in found]


# Mon/Wed/Fri in November 2025: 3, 5, 7, 10, 12, 14, ...


def test_a_sickness_over_three_calendar_days_is_allowed(matti_period):
    # Wed 5.11. and Fri 7.11.: two planned days, 3 calendar days.
    record(matti_period, {D(2025, 11, 5): "sick", D(2025, 11, 7): "sick"})
    assert kinds(matti_period) == []


def test_three_planned_days_over_five_calendar_days_warn(matti_period):
    # Mon, Wed, Fri: 3 planned days, 5 calendar days (3.–7.11.): a certificate is needed.
    record(matti_period, {D(2025, 11, 3): "sick", D(2025, 11, 5): "sick", D(2025, 11, 7): "sick"})
    (warning,) = attendance_warnings([matti_period.pk], *NOVEMBER)[matti_period.pk]
    assert (warning.kind, warning.days, warning.calendar_days) == (SICK_OVER_3_DAYS, 3, 5)


def test_a_client_who_comes_once_a_week_is_warned(unit):
    """Sick on two Mondays in a row: 2 planned days, but 8 calendar days."""
    weekly = PeriodFactory(
        client=ClientFactory(registered_unit=unit),
        unit=unit,
        start_date=D(2025, 9, 1),
        end_date=D(2026, 2, 28),
        weekdays="1",
        days_per_week=1,
    )
    record(weekly, {D(2025, 11, 3): "sick"})
    assert kinds(weekly) == []
    record(weekly, {D(2025, 11, 10): "sick"})
    (warning,) = attendance_warnings([weekly.pk], *NOVEMBER)[weekly.pk]
    assert (warning.kind, warning.days, warning.calendar_days) == (SICK_OVER_3_DAYS, 2, 8)
    assert "8" in warning.message


def test_four_sick_days_in_a_row_without_a_certificate_warn(matti_period):
    days = [D(2025, 11, 3), D(2025, 11, 5), D(2025, 11, 7), D(2025, 11, 10)]
    record(matti_period, dict.fromkeys(days, "sick"))
    (warning,) = attendance_warnings([matti_period.pk], *NOVEMBER)[matti_period.pk]
    assert (warning.kind, warning.days) == (SICK_OVER_3_DAYS, 4)
    assert (warning.first, warning.last) == (D(2025, 11, 3), D(2025, 11, 10))
    assert "4" in warning.message
    assert "3.11.2025–10.11.2025" in warning.message


def test_a_certificate_makes_a_long_sickness_no_warning(matti_period):
    days = [D(2025, 11, d) for d in (3, 5, 7, 10, 12)]
    record(matti_period, dict.fromkeys(days, "sick_certified"))
    assert kinds(matti_period) == []


def test_a_day_present_breaks_the_run(matti_period):
    record(
        matti_period,
        {
            D(2025, 11, 3): "sick",
            D(2025, 11, 5): "sick",
            D(2025, 11, 7): "present",
            D(2025, 11, 10): "sick",
            D(2025, 11, 12): "sick",
        },
    )
    assert kinds(matti_period) == []


def test_a_planned_day_without_a_record_breaks_the_run(matti_period):
    record(
        matti_period,
        {D(2025, 11, d): "sick" for d in (3, 5, 10, 12)},  # Friday 7.11. not recorded
    )
    assert kinds(matti_period) == []


def test_child_sick_over_four_calendar_days_warns(matti_period, liisa_period):
    # Matti: Fri 7.11. and Mon 10.11.: 4 calendar days, allowed.
    record(matti_period, {D(2025, 11, d): "child_sick" for d in (7, 10)})
    # Liisa (Tue/Thu from 10.11.): Tue 11.11. and Thu 13.11. (3 days), then Tue 18.11.: 8 days.
    record(liisa_period, {D(2025, 11, d): "child_sick" for d in (11, 13)})
    assert kinds(matti_period) == []
    assert kinds(liisa_period) == []
    record(liisa_period, {D(2025, 11, 18): "child_sick"})
    assert kinds(liisa_period) == [(CHILD_SICK_OVER_4_DAYS, 3)]


def test_any_unjustified_absence_warns(matti_period):
    record(matti_period, {D(2025, 11, 3): "present", D(2025, 11, 5): "unjustified"})
    (warning,) = attendance_warnings([matti_period.pk], *NOVEMBER)[matti_period.pk]
    assert (warning.kind, warning.days, warning.first) == (UNJUSTIFIED_ABSENCE, 1, D(2025, 11, 5))


def test_a_holiday_inside_a_sickness_does_not_break_the_run(matti_period):
    # Mon 22.12., [Wed 24.12. and Fri 26.12. holidays], Mon 29.12.: one run of 2 planned days
    # over 8 calendar days; without the holidays counted as breaks it warns.
    record(
        matti_period,
        {D(2025, 12, 22): "sick", D(2025, 12, 24): "not_organised", D(2025, 12, 29): "sick"},
    )
    december = (D(2025, 12, 1), D(2025, 12, 31))
    assert kinds(matti_period, *december) == [(SICK_OVER_3_DAYS, 2)]


def test_a_closure_day_inside_a_sickness_does_not_break_the_run(matti_period, unit):
    ClosureDay.objects.create(unit=unit, date=D(2025, 11, 7))
    record(matti_period, {D(2025, 11, d): "sick" for d in (3, 5, 10, 12)})
    assert kinds(matti_period) == [(SICK_OVER_3_DAYS, 4)]


def test_a_run_across_the_month_border_is_seen_whole(matti_period):
    record(matti_period, {D(2025, 11, d): "sick" for d in (24, 26, 28)})
    record(matti_period, {D(2025, 12, 1): "sick"})
    assert kinds(matti_period, D(2025, 12, 1), D(2025, 12, 31)) == [(SICK_OVER_3_DAYS, 4)]
    assert kinds(matti_period, D(2025, 10, 1), D(2025, 10, 31)) == []


def test_client_page_warnings_cover_the_last_90_days(matti, matti_period):
    record(matti_period, {D(2025, 9, 3): "unjustified", D(2025, 11, 5): "unjustified"})
    # 90 days up to 1.12. start on 3.9.; up to 2.12. on 4.9.
    assert [w.first for w in client_attendance_warnings(matti, D(2025, 12, 1))] == [
        D(2025, 9, 3),
        D(2025, 11, 5),
    ]
    assert [w.first for w in client_attendance_warnings(matti, D(2025, 12, 2))] == [D(2025, 11, 5)]


def test_home_page_lists_clients_with_warnings_in_the_last_30_days(
    unit, other_unit, matti, matti_period, liisa_period
):
    record(matti_period, {D(2025, 11, d): "sick" for d in (3, 5, 7, 10)})
    record(liisa_period, {D(2025, 11, 11): "present"})
    elsewhere = PeriodFactory(
        client=ClientFactory(registered_unit=other_unit), unit=other_unit, weekdays="135"
    )
    record(elsewhere, {D(2025, 11, 5): "unjustified"})
    draft = PeriodFactory(unit=unit, weekdays="135", status=PeriodStatus.DRAFT)
    record(draft, {D(2025, 11, 5): "unjustified"})

    listed = units_warning_clients([unit.pk], D(2025, 11, 20))
    assert [(item.client, [w.kind for w in item.warnings]) for item in listed] == [
        (matti, [SICK_OVER_3_DAYS])
    ]
    assert units_warning_clients([unit.pk], D(2025, 12, 31)) == []  # over 30 days ago


def test_warnings_take_a_fixed_number_of_queries(
    django_assert_num_queries, matti_period, liisa_period
):
    record(matti_period, {D(2025, 11, 5): "unjustified"})
    # One statement since the runs are found by the database (was 3: periods, records, closure
    # days, with the runs walked in Python).
    with django_assert_num_queries(1):
        attendance_warnings([matti_period.pk, liisa_period.pk], *NOVEMBER)


def test_a_week_over_the_persons_limit_is_warned_on_the_client_page(matti, matti_period, unit):
    """DOMAIN.md §2: the week limit is the person's, all units together. Matti comes Mon, Wed
    and Fri here; two more days in another unit make 5 present dates in one week."""
    from tests.organisations.factories import UnitFactory

    other = PeriodFactory(
        client=matti,
        unit=UnitFactory(),
        start_date=D(2025, 9, 1),
        end_date=D(2026, 2, 28),
        weekdays="24",
        days_per_week=1,
    )
    record(matti_period, {D(2025, 11, d): "present" for d in (3, 5, 7)})
    record(other, {D(2025, 11, 4): "present"})
    assert client_attendance_warnings(matti, D(2025, 11, 30)) == []
    record(other, {D(2025, 11, 6): "present"})
    (warning,) = client_attendance_warnings(matti, D(2025, 11, 30))
    assert (warning.kind, warning.first, warning.days) == ("over_weekly_days", D(2025, 11, 3), 5)
    assert "5 days in the week 3.11.2025–9.11.2025" in warning.message
