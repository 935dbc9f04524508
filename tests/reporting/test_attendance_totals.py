"""The monthly attendance totals that the dashboards read, and the busy weeks of the
weekly-limit warning, are kept by every attendance write, including the compensated days of
the other month of a week that a month's end splits.

Week Mon 29.9.–Sun 5.10.2025: Pirjo (Mon–Thu) is present Mon–Tue (September) and Wed–Fri
(October; Friday made up for another day). The first four present days of the week are
compensated: September 2, October 2. When Monday becomes a sick day, Friday moves up among
the four: September 1, October 3.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from clients.models import Period
from guidance.attendance_services import RecordChange, attendance_records_write
from guidance.models import AttendanceBusyWeek, AttendanceRecord
from guidance.warnings import find_warnings
from reporting.builders import build_attendance, build_state_compensation
from reporting.dashboards.data import range_figures
from reporting.models import AttendanceMonthTotals
from tests.reporting.builder_data import d, make_world, params, period, person

pytestmark = pytest.mark.django_db

SEPTEMBER, OCTOBER = d(2025, 9, 1), d(2025, 10, 1)


def write(a_period: Period, days: dict[datetime.date, str]) -> None:
    """Write statuses (``""`` removes the record) the way the month sheet does."""
    old = {r.date: r for r in AttendanceRecord.objects.filter(period=a_period, date__in=days)}
    attendance_records_write(
        changes=[
            RecordChange(
                period=a_period,
                day=day,
                old=old.get(day),
                status=status,
                hours=Decimal("6.0") if status == "present" else Decimal(0),
            )
            for day, status in days.items()
        ],
        actor=None,
        log_detail="test",
        username="test",
    )


def totals(a_period: Period) -> dict[datetime.date, tuple[int, int, int]]:
    """Month → (planned, present, compensated) days."""
    return {
        row.month: (row.planned_days, row.present_days, row.compensated_days)
        for row in AttendanceMonthTotals.objects.filter(period=a_period)
    }


@pytest.fixture
def pirjo_period():
    world = make_world()
    pirjo = person(born=d(1979, 3, 3), sex="woman", municipality=world.helsinki, unit=world.u1)
    a_period = period(pirjo, world.u1, d(2025, 9, 1), d(2026, 2, 28))
    week = [d(2025, 9, 29) + datetime.timedelta(days=n) for n in range(5)]
    write(a_period, dict.fromkeys(week, "present"))
    return a_period


def test_a_write_counts_its_months_and_the_weeks_cap(pirjo_period):
    assert totals(pirjo_period) == {SEPTEMBER: (2, 2, 2), OCTOBER: (3, 3, 2)}


def test_a_change_in_september_moves_a_compensated_day_in_october(pirjo_period):
    write(pirjo_period, {d(2025, 9, 29): "sick"})

    assert totals(pirjo_period) == {SEPTEMBER: (2, 1, 1), OCTOBER: (3, 3, 3)}
    # The dashboard's whole months read these totals and agree with the claim.
    claim = build_state_compensation(params("state-compensation", "2025-10-01", "2025-10-31"))
    figures = range_figures(params("outcome", "2025-10-01", "2025-10-31"))
    assert claim["totals"]["compensated_days"] == 3
    assert figures.compensation == {OCTOBER: {"days": 3, "cents": 3 * 1009}}


def test_removing_a_months_records_removes_its_totals(pirjo_period):
    write(pirjo_period, {d(2025, 9, 29): "", d(2025, 9, 30): ""})

    assert totals(pirjo_period) == {OCTOBER: (3, 3, 3)}


def test_the_check_command_finds_totals_that_differ_from_the_records(pirjo_period, capsys):
    with translation.override("en"):
        call_command("attendance_totals", "--check")
    assert "match the records" in capsys.readouterr().out

    AttendanceMonthTotals.objects.filter(month=OCTOBER).update(compensated_days=1)
    with translation.override("en"), pytest.raises(CommandError, match="differ from the"):
        call_command("attendance_totals", "--check")
    assert totals(pirjo_period)[OCTOBER] == (3, 3, 1)  # --check saves nothing

    call_command("attendance_totals")
    assert totals(pirjo_period) == {SEPTEMBER: (2, 2, 2), OCTOBER: (3, 3, 2)}


# The busy weeks (guidance.busy_weeks): Pirjo's week 29.9.–5.10. has 5 present dates, over the
# person's 4 (DOMAIN.md §2), across the months' border.


def busy(a_period: Period) -> list[tuple[datetime.date, int]]:
    return list(
        AttendanceBusyWeek.objects.filter(client_id=a_period.client_id).values_list(
            "week", "present_dates"
        )
    )


def weekly_warnings(a_period: Period) -> list[tuple[datetime.date, int]]:
    found = find_warnings([a_period.pk], d(2025, 10, 1), d(2025, 10, 31), week_clients=[
        a_period.client_id
    ])  # fmt: skip
    return found.weeks.get(a_period.client_id, [])


def test_a_write_keeps_the_week_over_the_limit_and_its_warning(pirjo_period):
    assert busy(pirjo_period) == [(d(2025, 9, 29), 5)]
    assert weekly_warnings(pirjo_period) == [(d(2025, 9, 29), 5)]
    report = build_attendance(params("attendance", "2025-10-01", "2025-10-31"))
    assert report["clients"][0]["flags"] == ["over_weekly_days"]


def test_a_write_that_takes_a_day_off_the_week_removes_it(pirjo_period):
    write(pirjo_period, {d(2025, 9, 29): "sick"})

    assert busy(pirjo_period) == []
    assert weekly_warnings(pirjo_period) == []
    report = build_attendance(params("attendance", "2025-10-01", "2025-10-31"))
    assert report["clients"][0]["flags"] == []


def test_the_check_command_finds_a_busy_week_that_differs_and_counts_it_again(pirjo_period):
    AttendanceBusyWeek.objects.update(present_dates=6)
    with translation.override("en"), pytest.raises(CommandError, match="differ from the"):
        call_command("attendance_totals", "--check")
    assert busy(pirjo_period) == [(d(2025, 9, 29), 6)]  # --check saves nothing

    AttendanceBusyWeek.objects.all().delete()
    call_command("attendance_totals")
    assert busy(pirjo_period) == [(d(2025, 9, 29), 5)]
