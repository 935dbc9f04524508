"""An attendance file is saved all or nothing, also when a fault appears only while saving:
the records of the earlier rows are written first, then the late corrections and the access
log; a failure in either must leave every table as it was."""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DatabaseError

import guidance.attendance_import as attendance_import_module
import guidance.attendance_services as attendance_services
from guidance.models import AttendanceMonthLock, AttendanceRecord
from tests.db_counts import row_counts

from .factories import AttendanceRecordFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def import_file(tmp_path: Path, text: str, *args: str) -> None:
    path = tmp_path / "attendance.csv"
    path.write_text(text, encoding="utf-8")
    call_command("import_attendance", str(path), *args, stdout=StringIO(), stderr=StringIO())


def records() -> list[tuple]:
    return sorted(AttendanceRecord.objects.values_list("period_id", "date", "status", "hours"))


def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
    raise DatabaseError("the disk is full")


def test_a_late_correction_failing_saves_no_earlier_record(
    tmp_path, monkeypatch, unit, unit_manager, counsellor, matti_period
):
    """Row 3 changes a locked month: its correction is written after every record."""
    hetu = matti_period.client.hetu
    AttendanceRecordFactory(period=matti_period, date=D(2025, 10, 6), status="sick")
    AttendanceRecordFactory(period=matti_period, date=D(2025, 11, 3), status="sick")
    AttendanceMonthLock.objects.create(unit=unit, month=D(2025, 11, 1), locked_by=unit_manager)
    text = (
        "hetu;date;status\n"
        f"{hetu};6.10.2025;present\n"  # October is open: an update
        f"{hetu};8.10.2025;present\n"  # a new record
        f"{hetu};3.11.2025;sick_certified\n"  # November is locked: a late correction
    )
    monkeypatch.setattr(attendance_services, "_corrections_create", broken)
    before, saved = row_counts(), records()

    with pytest.raises(DatabaseError):
        import_file(tmp_path, text, "--user", counsellor.username, "--reason", "Todistus")

    assert row_counts() == before
    assert records() == saved  # 6.10. is still sick, 3.11. not corrected


def test_a_failed_access_log_write_saves_no_record(tmp_path, monkeypatch, matti_period):
    hetu = matti_period.client.hetu
    text = f"hetu;date;status\n{hetu};3.11.2025;present\n{hetu};5.11.2025;sick\n"
    monkeypatch.setattr(attendance_import_module, "access_log_record_many", broken)
    before = row_counts()

    with pytest.raises(DatabaseError):
        import_file(tmp_path, text)

    assert row_counts() == before
    assert not AttendanceRecord.objects.exists()
