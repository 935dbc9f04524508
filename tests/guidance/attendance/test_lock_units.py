"""A month lock belongs to one unit: locking or unlocking unit A's month leaves unit B's as it
was, on the sheet, when saving it and in the attendance import."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from guidance.models import AttendanceCorrection, AttendanceMonthLock, AttendanceRecord
from tests.clients.factories import ClientFactory, PeriodFactory
from tests.organisations.factories import RoleAssignmentFactory, UserFactory

from .conftest import CONFIRMED, NOVEMBER, cells_payload, lock_url, sheet_url

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def manager_of_both(unit, other_unit):  # type: ignore[no-untyped-def]
    user = UserFactory(username="erkki")
    RoleAssignmentFactory(user=user, role="unit_manager", unit=unit)
    RoleAssignmentFactory(user=user, role="unit_manager", unit=other_unit)
    return user


@pytest.fixture
def pirjo_period(other_unit):  # type: ignore[no-untyped-def]
    """Koski Pirjo in unit B, Mon/Wed/Fri through November 2025."""
    pirjo = ClientFactory(registered_unit=other_unit, first_name="Pirjo", last_name="Koski")
    return PeriodFactory(
        client=pirjo,
        unit=other_unit,
        start_date=D(2025, 9, 1),
        end_date=D(2026, 2, 28),
        weekdays="135",
    )


def sheet(client, unit) -> str:  # type: ignore[no-untyped-def]
    response = client.get(sheet_url(unit))
    assert response.status_code == 200
    return response.content.decode()


def is_locked(page: str) -> bool:
    return 'data-testid="month-locked"' in page


def test_locking_a_units_month_leaves_the_other_units_sheet_editable(
    client, manager_of_both, unit, other_unit, outsider, pirjo_period
):
    client.force_login(manager_of_both)
    client.post(lock_url(unit), CONFIRMED)
    assert is_locked(sheet(client, unit))
    page_b = sheet(client, other_unit)
    assert not is_locked(page_b)
    assert "Lock the month" in page_b

    # Unit B's counsellor saves November without a reason: no late correction is asked for.
    client.force_login(outsider)
    assert 'name="reason"' not in sheet(client, other_unit)
    payload = cells_payload((pirjo_period.client, "2025-11-03", "present", ""))
    response = client.post(sheet_url(other_unit), {"cells": payload, "reason": ""})
    assert response.status_code == 302
    assert AttendanceRecord.objects.get().status == "present"
    assert not AttendanceCorrection.objects.exists()


def test_locking_one_unit_then_the_other_locks_both(client, manager_of_both, unit, other_unit):
    client.force_login(manager_of_both)
    client.post(lock_url(unit), CONFIRMED)
    client.post(lock_url(other_unit), CONFIRMED)
    assert set(AttendanceMonthLock.objects.values_list("unit", "month")) == {
        (unit.pk, NOVEMBER),
        (other_unit.pk, NOVEMBER),
    }
    assert is_locked(sheet(client, other_unit))


def test_unlocking_a_units_month_leaves_the_other_units_lock(
    client, manager_of_both, unit, other_unit, outsider, pirjo_period
):
    AttendanceRecord.objects.create(period=pirjo_period, date=D(2025, 11, 3), status="sick")
    client.force_login(manager_of_both)
    client.post(lock_url(unit), CONFIRMED)
    client.post(lock_url(other_unit), CONFIRMED)

    client.post(lock_url(unit, unlock=True))

    assert not is_locked(sheet(client, unit))
    assert is_locked(sheet(client, other_unit))
    assert list(AttendanceMonthLock.objects.values_list("unit", flat=True)) == [other_unit.pk]
    # B's month still needs a reason for a change.
    client.force_login(outsider)
    payload = cells_payload((pirjo_period.client, "2025-11-03", "sick_certified", "sick"))
    response = client.post(sheet_url(other_unit), {"cells": payload, "reason": ""})
    assert response.status_code == 400
    assert AttendanceRecord.objects.get().status == "sick"


def test_the_import_needs_no_reason_for_a_unit_whose_month_is_open(
    tmp_path, unit, unit_manager, pirjo_period
):
    AttendanceMonthLock.objects.create(unit=unit, month=NOVEMBER, locked_by=unit_manager)
    path = tmp_path / "attendance.csv"
    path.write_text(f"hetu;date;status\n{pirjo_period.client.hetu};3.11.2025;present\n")

    call_command("import_attendance", str(path), stdout=StringIO(), stderr=StringIO())

    assert AttendanceRecord.objects.get().status == "present"
    assert not AttendanceCorrection.objects.exists()
