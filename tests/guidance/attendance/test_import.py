"""``import_attendance FILE`` (interfaces.md §2)."""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AccessLogEntry, Action
from guidance.models import AttendanceCorrection, AttendanceMonthLock, AttendanceRecord
from tests.clients.factories import ClientFactory, PeriodFactory, make_hetu

from .factories import AttendanceRecordFactory

pytestmark = pytest.mark.django_db
LOG_TABLE = AccessLogEntry._meta.db_table

D = datetime.date


def run(tmp_path: Path, text: str, *args: str, bom: bool = False) -> tuple[str, str]:
    """Run the import on ``text``; return (stdout, stderr). CommandError propagates."""
    path = tmp_path / "attendance.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    out, err = StringIO(), StringIO()
    try:
        call_command("import_attendance", str(path), *args, stdout=out, stderr=err)
    except CommandError:
        run.last_stderr = err.getvalue()  # type: ignore[attr-defined]
        raise
    return out.getvalue(), err.getvalue()


def failing(tmp_path: Path, text: str, *args: str) -> list[str]:
    with pytest.raises(CommandError, match="nothing was saved"):
        run(tmp_path, text, *args)
    return run.last_stderr.splitlines()  # type: ignore[attr-defined]


@pytest.fixture
def matti_hetu(matti) -> str:  # type: ignore[no-untyped-def]
    return matti.hetu


def test_happy_path_with_finnish_excel_file(tmp_path, unit, matti_period, liisa_period, matti_hetu):
    liisa_hetu = liisa_period.client.hetu
    text = (
        "hetu;unit;date;status;hours\n"
        f"{matti_hetu};;3.11.2025;present;\n"
        f"{matti_hetu};{unit.code};2025-11-05;present;4,5\n"
        f"{matti_hetu};;7.11.2025;sick;\n"
        f"{liisa_hetu};;11.11.2025;child_sick;\n"
    )
    with CaptureQueriesContext(connection) as queries:
        out, _err = run(tmp_path, text, bom=True)

    assert "attendance: 4 created, 0 updated, 0 unchanged" in out
    saved = {(r.period_id, r.date): (r.status, r.hours) for r in AttendanceRecord.objects.all()}
    assert saved == {
        (matti_period.pk, D(2025, 11, 3)): ("present", Decimal("6.0")),  # the plan's hours
        (matti_period.pk, D(2025, 11, 5)): ("present", Decimal("4.5")),
        (matti_period.pk, D(2025, 11, 7)): ("sick", Decimal("0.0")),
        (liisa_period.pk, D(2025, 11, 11)): ("child_sick", Decimal("0.0")),
    }
    # One import row per client, without --user naming the command, in one INSERT.
    logged = AccessLogEntry.objects.all()
    assert sorted(str(e.client_uuid) for e in logged) == sorted(
        [str(matti_period.client.uuid), str(liisa_period.client.uuid)]
    )
    digest = hashlib.sha256(b"\xef\xbb\xbf" + text.encode()).hexdigest()[:16]
    assert {(e.action, e.user_id, e.username, e.detail) for e in logged} == {
        (Action.IMPORT, None, "import_attendance", f"import_attendance: file sha256 {digest}")
    }
    assert sum(1 for q in queries if q["sql"].startswith(f'INSERT INTO "{LOG_TABLE}"')) == 1


def test_errors_are_named_by_row_and_column_and_nothing_is_saved(
    tmp_path, unit, other_unit, matti_period, matti_hetu
):
    stranger = make_hetu(D(1980, 5, 5), 123)
    PeriodFactory(  # a second, overlapping period in another unit
        client=matti_period.client,
        unit=other_unit,
        start_date=D(2025, 11, 1),
        end_date=D(2026, 3, 31),
        weekdays="24",
    )
    text = (
        "hetu,unit,date,status,hours\n"
        f"{matti_hetu},,2025-10-01,present,\n"  # row 2: fine
        f"{stranger},,2025-11-03,present,\n"  # row 3: unknown client
        f"{matti_hetu},,2025-11-03,holiday,\n"  # row 4: unknown status
        f"{matti_hetu},,2025-08-29,present,\n"  # row 5: before the period
        f"{matti_hetu},,2025-11-04,present,\n"  # row 6: two periods that day
        f"{matti_hetu},{unit.code},2025-10-03,present,13\n"  # row 7: too many hours
        f"{matti_hetu},nosuch,2025-10-06,present,\n"  # row 8: unknown unit
        f"{matti_hetu},,1.10.2025,sick,\n"  # row 9: the same day as row 2
        f"{matti_hetu},,32.10.2025,sick,\n"  # row 10: not a date
    )
    lines = failing(tmp_path, text)
    assert lines[0] == "row 3, column hetu: No client has this personal identity code. " + (
        "Import the participants first."
    )
    assert lines[1] == "row 4, column status: “holiday” is not one of: " + (
        "present, sick, sick_certified, child_sick, job_interview, office_of_trust, "
        "unjustified, not_organised."
    )
    assert lines[2] == "row 5, column date: The date is not inside any of the client's periods."
    assert lines[3].startswith("row 6, column unit: The client has overlapping periods")
    assert other_unit.code in lines[3]
    assert lines[4] == "row 7, column hours: Hours are from 0 to 12."
    assert lines[5] == "row 8, column unit: No unit has the code “nosuch”."
    assert lines[6] == (
        "row 9, column date: Row 2 already gives this client's attendance on this day."
    )
    assert lines[7].startswith("row 10, column date: ")
    assert len(lines) == 8
    assert not AttendanceRecord.objects.exists()
    assert not AccessLogEntry.objects.exists()


def test_the_unit_picks_one_of_overlapping_periods(
    tmp_path, unit, other_unit, matti_period, matti_hetu
):
    other = PeriodFactory(
        client=matti_period.client,
        unit=other_unit,
        start_date=D(2025, 11, 1),
        end_date=D(2026, 3, 31),
        weekdays="24",
    )
    run(tmp_path, f"hetu;unit;date;status\n{matti_hetu};{other_unit.code};4.11.2025;present\n")
    assert AttendanceRecord.objects.get().period == other


def test_a_unit_without_a_period_on_the_date_is_an_error(
    tmp_path, other_unit, matti_period, matti_hetu
):
    lines = failing(
        tmp_path, f"hetu;unit;date;status\n{matti_hetu};{other_unit.code};3.11.2025;present\n"
    )
    assert lines == [
        f"row 2, column date: The date is not inside any of the client's periods in unit "
        f"{other_unit.code}."
    ]


def test_importing_twice_changes_nothing(tmp_path, matti_period, matti_hetu):
    text = f"hetu;date;status\n{matti_hetu};3.11.2025;present\n{matti_hetu};5.11.2025;sick\n"
    run(tmp_path, text)
    logged = AccessLogEntry.objects.count()
    before = list(AttendanceRecord.objects.values_list("pk", "status", "hours", "updated_at"))

    out, _err = run(tmp_path, text)

    assert "attendance: 0 created, 0 updated, 2 unchanged" in out
    assert list(AttendanceRecord.objects.values_list("pk", "status", "hours", "updated_at")) == (
        before
    )
    assert AccessLogEntry.objects.count() == logged


def test_a_different_status_updates_the_record_and_is_logged(tmp_path, matti_period, matti_hetu):
    AttendanceRecordFactory(period=matti_period, date=D(2025, 11, 3), status="sick")
    out, _err = run(tmp_path, f"hetu;date;status\n{matti_hetu};3.11.2025;sick_certified\n")
    assert "attendance: 0 created, 1 updated, 0 unchanged" in out
    record = AttendanceRecord.objects.get()
    assert record.status == "sick_certified"
    entry = AccessLogEntry.objects.get()
    assert (entry.action, entry.client_uuid) == (Action.IMPORT, matti_period.client.uuid)
    assert not AttendanceCorrection.objects.exists()  # the month is not locked


def test_a_locked_month_needs_a_user_and_a_reason_and_gets_corrections(
    tmp_path, unit, unit_manager, counsellor, matti_period, matti_hetu
):
    AttendanceRecordFactory(period=matti_period, date=D(2025, 11, 3), status="sick")
    AttendanceMonthLock.objects.create(unit=unit, month=D(2025, 11, 1), locked_by=unit_manager)
    text = (
        "hetu;date;status\n"
        f"{matti_hetu};3.11.2025;sick_certified\n"
        f"{matti_hetu};1.12.2025;present\n"  # December is open
    )
    message = (
        "row 2, column date: The unit has locked this month, so the change is a late "
        "correction. Run the import with --user USERNAME and --reason TEXT to name who makes "
        "it and why."
    )
    for args in ([], ["--user", counsellor.username], ["--reason", "Todistus tuli myöhässä"]):
        assert failing(tmp_path, text, *args) == [message]
    assert AttendanceRecord.objects.get().status == "sick"
    assert not AccessLogEntry.objects.exists()  # a failed import logs nobody

    run(tmp_path, text, "--user", counsellor.username, "--reason", " Todistus tuli myöhässä ")

    correction = AttendanceCorrection.objects.get()
    assert (correction.old_status, correction.new_status) == ("sick", "sick_certified")
    assert correction.reason == "Todistus tuli myöhässä"
    assert correction.corrected_by == counsellor
    entry = AccessLogEntry.objects.get()
    assert (entry.action, entry.user, entry.username) == (
        Action.IMPORT, counsellor, counsellor.username,
    )  # fmt: skip
    assert entry.client_uuid == matti_period.client.uuid


def test_a_reason_longer_than_a_correction_holds_is_refused(tmp_path, counsellor, matti_hetu):
    text = f"hetu;date;status\n{matti_hetu};3.11.2025;present\n"
    with pytest.raises(CommandError, match="at most 300 characters") as excinfo:
        run(tmp_path, text, "--user", counsellor.username, "--reason", "x" * 301)

    assert excinfo.value.returncode == 1
    assert not AttendanceRecord.objects.exists()
    assert not AccessLogEntry.objects.exists()


def test_an_unknown_user_is_refused(tmp_path, matti_period, matti_hetu):
    with pytest.raises(CommandError, match="No active user"):
        run(tmp_path, f"hetu;date;status\n{matti_hetu};3.11.2025;present\n", "--user", "nobody")
    assert not AttendanceRecord.objects.exists()
    assert not AccessLogEntry.objects.exists()


def test_the_user_who_imports_is_named_for_each_client_imported(
    tmp_path, counsellor, matti_period, liisa_period, matti_hetu
):
    """Only the clients whose records were created or changed: Liisa's recorded day is the
    same in the file, so she is not logged."""
    AttendanceRecordFactory(
        period=liisa_period, date=D(2025, 11, 11), status="present", hours=Decimal("6.0")
    )
    text = (
        "hetu;date;status\n"
        f"{matti_hetu};3.11.2025;present\n"
        f"{matti_hetu};5.11.2025;present\n"
        f"{liisa_period.client.hetu};11.11.2025;present\n"
    )

    out, _err = run(tmp_path, text, "--user", counsellor.username)

    assert "attendance: 2 created, 0 updated, 1 unchanged" in out

    assert list(AccessLogEntry.objects.values_list("action", "client_uuid", "user")) == [
        (Action.IMPORT, matti_period.client.uuid, counsellor.pk)
    ]


def test_a_draft_period_does_not_take_attendance(tmp_path, unit):
    draft = PeriodFactory(
        client=ClientFactory(registered_unit=unit), unit=unit, status="draft", weekdays="135"
    )
    lines = failing(tmp_path, f"hetu;date;status\n{draft.client.hetu};3.11.2025;present\n")
    assert lines == ["row 2, column date: The date is not inside any of the client's periods."]


def test_missing_required_columns_are_named(tmp_path):
    lines = failing(tmp_path, "hetu;date\n131052-308T;3.11.2025\n")
    assert lines == ["row 1, column status: The header has no such column; it is required."]


def test_empty_hours_keep_the_recorded_hours_of_the_same_status(tmp_path, matti_period, matti_hetu):
    AttendanceRecordFactory(
        period=matti_period, date=D(2025, 11, 3), status="present", hours=Decimal("4.5")
    )
    out, _err = run(tmp_path, f"hetu;date;status;hours\n{matti_hetu};3.11.2025;present;\n")
    assert "attendance: 0 created, 0 updated, 1 unchanged" in out
    out, _err = run(tmp_path, f"hetu;date;status;hours\n{matti_hetu};3.11.2025;present;5\n")
    assert "attendance: 0 created, 1 updated, 0 unchanged" in out
    assert AttendanceRecord.objects.get().hours == Decimal("5.0")


def test_a_nul_byte_in_a_cell_is_a_row_error(tmp_path, matti_period, matti_hetu):
    lines = failing(tmp_path, f"hetu;date;status\n{matti_hetu};2025-11-03;pre\x00sent\n")
    assert lines[0] == (
        "row 2, column status: The cell contains a control character (such as NUL) that text "
        "cannot hold; remove it and save the file again."
    )
    assert not AttendanceRecord.objects.exists()
