"""The monthly attendance totals that the dashboards read are kept by every attendance write,
including the compensated days of the other month of a week that a month's end splits.

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
from guidance.models import AttendanceRecord
from reporting.builders import build_state_compensation
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
