"""Locking a month once its allowance report has gone out, and late corrections after that."""

from __future__ import annotations

import datetime

import pytest

from audit.models import AccessLogEntry, Action
from guidance.models import AttendanceCorrection, AttendanceMonthLock, AttendanceRecord

from .conftest import CONFIRMED, NOVEMBER, cells_payload, lock_url, sheet_url
from .factories import AttendanceRecordFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def locked(unit, unit_manager):  # type: ignore[no-untyped-def]
    return AttendanceMonthLock.objects.create(unit=unit, month=NOVEMBER, locked_by=unit_manager)


def test_a_unit_manager_locks_and_unlocks_a_month(client, unit_manager, unit):
    client.force_login(unit_manager)
    assert "Lock the month" in client.get(sheet_url(unit)).content.decode()

    response = client.post(lock_url(unit), CONFIRMED)
    assert response.status_code == 302
    assert response["Location"] == sheet_url(unit)
    lock = AttendanceMonthLock.objects.get()
    assert (lock.unit, lock.month, lock.locked_by) == (unit, NOVEMBER, unit_manager)
    page = client.get(sheet_url(unit)).content.decode()
    assert 'data-testid="month-locked"' in page
    assert "Unlock the month" in page

    assert client.post(lock_url(unit, unlock=True)).status_code == 302
    assert not AttendanceMonthLock.objects.exists()
    details = list(
        AccessLogEntry.objects.filter(action=Action.CHANGE)
        .order_by("id")
        .values_list("object_id", "detail")
    )
    assert details == [
        (str(unit.uuid), "attendance 2025-11 locked"),
        (str(unit.uuid), "attendance 2025-11 unlocked"),
    ]


def test_locking_twice_keeps_one_lock(client, unit_manager, unit):
    client.force_login(unit_manager)
    client.post(lock_url(unit), CONFIRMED)
    client.post(lock_url(unit), CONFIRMED)
    assert AttendanceMonthLock.objects.count() == 1


def test_a_change_to_a_locked_month_needs_a_reason(client, counsellor, unit, matti_period, locked):
    AttendanceRecordFactory(period=matti_period, date=D(2025, 11, 3), status="sick")
    client.force_login(counsellor)
    page = client.get(sheet_url(unit)).content.decode()
    assert 'name="reason"' in page
    payload = cells_payload((matti_period.client, "2025-11-03", "sick_certified", "sick"))

    response = client.post(sheet_url(unit), {"cells": payload, "reason": "  "})

    assert response.status_code == 400
    assert "Give the reason for the late correction" in response.content.decode()
    assert AttendanceRecord.objects.get().status == "sick"
    assert not AttendanceCorrection.objects.exists()


def test_every_changed_record_of_a_locked_month_gets_a_correction(
    client, counsellor, unit, matti_period, liisa_period, locked
):
    matti, liisa = matti_period.client, liisa_period.client
    AttendanceRecordFactory(period=matti_period, date=D(2025, 11, 3), status="sick")
    AttendanceRecordFactory(period=matti_period, date=D(2025, 11, 5), status="present")
    client.force_login(counsellor)
    payload = cells_payload(
        (matti, "2025-11-03", "sick_certified", "sick"),
        (matti, "2025-11-05", "present", "present"),  # unchanged: no correction
        (liisa, "2025-11-11", "present", ""),
    )
    response = client.post(
        sheet_url(unit), {"cells": payload, "reason": "Certificate arrived on 20.11."}
    )
    assert response.status_code == 302

    corrections = {
        (c.record.period.client.last_name, c.record.date.day): c
        for c in AttendanceCorrection.objects.select_related("record__period__client")
    }
    assert set(corrections) == {("Virtanen", 3), ("Aalto", 11)}
    late = corrections[("Virtanen", 3)]
    assert (late.old_status, late.new_status) == ("sick", "sick_certified")
    assert (late.old_hours, late.new_hours) == (0, 0)
    assert late.reason == "Certificate arrived on 20.11."
    assert late.corrected_by == counsellor
    assert late.corrected_at is not None
    new = corrections[("Aalto", 11)]
    assert (new.old_status, new.old_hours, new.new_status, new.new_hours) == (
        "",
        None,
        "present",
        liisa_period.hours_per_day,
    )
    logged = AccessLogEntry.objects.filter(client_uuid=matti.uuid, action=Action.CHANGE).get()
    assert "late correction" in logged.detail

    page = client.get(sheet_url(unit)).content.decode()
    assert 'data-testid="late-corrections"' in page
    assert "Certificate arrived on 20.11." in page


def test_a_record_of_a_locked_month_cannot_be_cleared(
    client, counsellor, unit, matti_period, locked
):
    AttendanceRecordFactory(period=matti_period, date=D(2025, 11, 3), status="sick")
    client.force_login(counsellor)
    payload = cells_payload((matti_period.client, "2025-11-03", "", "sick"))
    response = client.post(sheet_url(unit), {"cells": payload, "reason": "Mistake"})
    assert response.status_code == 400
    assert "Virtanen Matti, 3.11.2025: the month is locked" in response.content.decode()
    assert AttendanceRecord.objects.get().status == "sick"


def test_a_locked_month_is_not_prefilled(client, counsellor, unit, matti_period, unit_manager):
    AttendanceMonthLock.objects.create(unit=unit, month=D(2025, 12, 1), locked_by=unit_manager)
    client.force_login(counsellor)
    response = client.get(sheet_url(unit, D(2025, 12, 1)))
    cell = response.context["sheet"].cell(matti_period.client.uuid, D(2025, 12, 24))
    assert (cell.editable, cell.value, cell.is_default) == (True, "", False)


def test_the_other_months_need_no_reason(client, counsellor, unit, matti_period, locked):
    client.force_login(counsellor)
    payload = cells_payload((matti_period.client, "2025-12-01", "present", ""))
    response = client.post(sheet_url(unit, D(2025, 12, 1)), {"cells": payload})
    assert response.status_code == 302
    assert not AttendanceCorrection.objects.exists()


def test_a_corrected_record_cannot_be_removed_after_unlocking(
    client, counsellor, unit, matti_period, locked
):
    AttendanceRecordFactory(period=matti_period, date=D(2025, 11, 3), status="sick")
    client.force_login(counsellor)
    payload = cells_payload((matti_period.client, "2025-11-03", "present", "sick"))
    client.post(sheet_url(unit), {"cells": payload, "reason": "Was present after all"})
    locked.delete()
    payload = cells_payload((matti_period.client, "2025-11-03", "", "present"))
    response = client.post(sheet_url(unit), {"cells": payload})
    assert response.status_code == 400
    assert "has late corrections" in response.content.decode()
    assert AttendanceRecord.objects.get().status == "present"
