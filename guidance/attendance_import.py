"""The attendance import (interfaces.md §2): daily attendance from a spreadsheet.

One row per client and day. The file rules (encoding, delimiter, dates, row numbers, all or
nothing) are those of :mod:`organisations.importing`.

- ``hetu`` must be a registered client (compared exactly after upper-casing and removing
  spaces; the century sign is kept).
- ``date`` must fall inside one of the client's periods (not a draft): from its start to its
  exit date, or its planned end when it has not ended. ``unit`` (a unit code) is needed only
  when the client has several periods on that date; when given, the period must be in it.
- ``status`` is an attendance code (DOMAIN.md §3). ``hours`` defaults to the period's hours a
  day for ``present`` and 0 otherwise; 0–12 with one decimal (``7,5`` or ``7.5``). An empty
  ``hours`` never changes the hours of a recorded day whose status stays the same.
- A record is matched by period and date, so the same file can be imported any number of
  times: the second time nothing changes. A row that gives a recorded day another status or
  other hours updates it. The same day twice in the file is an error.
- One access-log row (action ``import``) per client whose records were created or changed,
  all written with one INSERT in the import's transaction. It names the user given
  (``--user``), else the command (``import_attendance``), and the file by its SHA-256; a
  failed import writes none.
- A record created or changed in a **locked month** is a late correction, recorded like one
  made on the month sheet: it names who made it and why, so such an import needs ``--user``
  and ``--reason``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import access_log_record_many
from clients.hetu import clean_hetu, validate_hetu
from clients.models import Client, Period, PeriodStatus
from organisations.importing import (
    Change,
    ErrorList,
    ImportCounts,
    Row,
    RowReader,
    read_table,
)
from organisations.importing.digest import file_digest
from organisations.models import Unit

from .attendance_services import RecordChange, attendance_records_write, default_hours
from .models import AttendanceMonthLock, AttendanceRecord, AttendanceStatus

if TYPE_CHECKING:
    from accounts.models import User

ATTENDANCE_COLUMNS = ("hetu", "unit", "date", "status", "hours")
REQUIRED_COLUMNS = ("hetu", "date", "status")
COUNT_KIND = "attendance"
LOG_DETAIL = "import_attendance"  # who acted, without --user; starts the log detail
MAX_REASON_LENGTH = 300  # AttendanceCorrection.reason
MAX_HOURS = Decimal(12)
_ONE_DECIMAL = Decimal("0.1")


@dataclass
class _AttendanceRow:
    number: int
    period: Period
    day: datetime.date
    status: str
    hours: Decimal
    hours_given: bool


@dataclass
class _Context:
    clients: dict[str, Client]
    periods: dict[int, list[Period]]  # by client id
    units: dict[str, Unit]


def attendance_import(
    *, data: bytes | str | Path, user: User | None = None, reason: str = ""
) -> ImportCounts:
    """Create or update the attendance records in a CSV file, all or nothing.

    ``user`` is the person recorded in the access log and on late corrections, ``reason``
    the corrections' reason (at most ``MAX_REASON_LENGTH`` characters); both are needed when
    the file changes a locked month. Raises ImportFailed with every error.
    """
    errors = ErrorList(columns=ATTENDANCE_COLUMNS)
    table = read_table(
        data, columns=ATTENDANCE_COLUMNS, required_columns=REQUIRED_COLUMNS, errors=errors
    )
    context = _load_context(table.rows)
    items: list[_AttendanceRow] = []
    row_of_day: dict[tuple[int, datetime.date], int] = {}
    for row in table.rows:
        item = _read_row(row, errors, context)
        if item is None:
            continue
        key = (item.period.pk, item.day)
        if key in row_of_day:
            RowReader(row, errors).error(
                "date",
                _("Row %(row)d already gives this client's attendance on this day.")
                % {"row": row_of_day[key]},
            )
            continue
        row_of_day[key] = item.number
        items.append(item)
    existing = _existing_records(items)
    changes: list[RecordChange] = []
    counts = ImportCounts([COUNT_KIND])
    for item in items:
        old = existing.get((item.period.pk, item.day))
        same_hours = old is not None and (not item.hours_given or old.hours == item.hours)
        if old is not None and old.status == item.status and same_hours:
            counts.add(COUNT_KIND, Change.UNCHANGED)
            continue
        counts.add(COUNT_KIND, Change.CREATED if old is None else Change.UPDATED)
        changes.append(
            RecordChange(
                period=item.period, day=item.day, old=old, status=item.status, hours=item.hours
            )
        )
    locked = _locked_months(changes)
    if user is None or not reason.strip():
        for change in changes:
            if (change.period.unit_id, change.month) in locked:
                errors.add(
                    row_of_day[(change.period.pk, change.day)],
                    "date",
                    _(
                        "The unit has locked this month, so the change is a late correction. "
                        "Run the import with --user USERNAME and --reason TEXT to name who "
                        "makes it and why."
                    ),
                )
    errors.raise_if_any()
    with transaction.atomic():
        attendance_records_write(
            changes=changes,
            actor=user,
            locked_months=locked,
            reason=reason,
            log_detail=LOG_DETAIL,
            access_log=False,
        )
        access_log_record_many(
            action=Action.IMPORT,
            client_uuids=[change.period.client.uuid for change in changes],
            user=user,
            username=LOG_DETAIL,
            object_type="guidance.attendancerecord",
            basis="attendance import",
            detail=f"{LOG_DETAIL}: file sha256 {file_digest(data)[:16]}",
        )
    return counts


def _load_context(rows: tuple[Row, ...]) -> _Context:
    hetus = {clean_hetu(row["hetu"]) for row in rows if row["hetu"]}
    clients = Client.objects.in_bulk_by_hetu(hetus)
    periods: dict[int, list[Period]] = defaultdict(list)
    for period in (
        Period.objects.filter(client__in=clients.values())
        .exclude(status=PeriodStatus.DRAFT)
        .select_related("client", "unit")
        .order_by("start_date", "pk")
    ):
        periods[period.client_id].append(period)
    units = Unit.objects.in_bulk({row["unit"] for row in rows if row["unit"]}, field_name="code")
    return _Context(clients=clients, periods=periods, units=units)


def _read_client(cells: RowReader, context: _Context) -> Client | None:
    raw = cells.text("hetu", required=True)
    if not raw:
        return None
    try:
        code = validate_hetu(raw, allow_temporary=True)
    except ValidationError as exc:
        cells.error("hetu", " ".join(exc.messages))
        return None
    client = context.clients.get(code)
    if client is None:
        cells.error(
            "hetu",
            _("No client has this personal identity code. Import the participants first."),
        )
    return client


def _read_hours(cells: RowReader) -> Decimal | None:
    hours = cells.decimal("hours")
    if hours is None:
        return None
    if not Decimal(0) <= hours <= MAX_HOURS:
        cells.error("hours", _("Hours are from 0 to 12."))
        return None
    if hours != hours.quantize(_ONE_DECIMAL):
        cells.error("hours", _("Hours are given with at most one decimal, e.g. 7.5."))
        return None
    return hours.quantize(_ONE_DECIMAL)


def _read_row(row: Row, errors: ErrorList, context: _Context) -> _AttendanceRow | None:
    """The row's values, or None after adding every problem with it to ``errors``."""
    found_before = len(errors)
    cells = RowReader(row, errors)
    client = _read_client(cells, context)
    unit_code = cells.text("unit")
    unit = context.units.get(unit_code) if unit_code else None
    if unit_code and unit is None:
        cells.error("unit", _("No unit has the code “%(code)s”.") % {"code": unit_code})
    day = cells.date("date", required=True)
    status = cells.choice("status", AttendanceStatus.values, required=True)
    hours = _read_hours(cells)
    if len(errors) > found_before or client is None or day is None or status is None:
        return None
    period = _period_for(cells, context.periods.get(client.pk, []), day, unit)
    if period is None:
        return None
    return _AttendanceRow(
        number=row.number,
        period=period,
        day=day,
        status=status,
        hours=hours if hours is not None else default_hours(period, status),
        hours_given=hours is not None,
    )


def _period_for(
    cells: RowReader, periods: list[Period], day: datetime.date, unit: Unit | None
) -> Period | None:
    covering = [p for p in periods if p.start_date <= day <= p.last_day]
    if unit is not None:
        in_unit = [p for p in covering if p.unit_id == unit.pk]
        if not in_unit:
            message = (
                _("The date is not inside any of the client's periods in unit %(unit)s.")
                % {"unit": unit.code}
                if covering
                else _("The date is not inside any of the client's periods.")
            )
            cells.error("date", message)
            return None
        covering = in_unit
    if not covering:
        cells.error("date", _("The date is not inside any of the client's periods."))
        return None
    if len(covering) > 1:
        units = ", ".join(sorted({p.unit.code for p in covering}))
        if unit is None:
            cells.error(
                "unit",
                _(
                    "The client has overlapping periods on this date (units %(units)s). "
                    "Give the unit."
                )
                % {"units": units},
            )
        else:
            cells.error(
                "date",
                _("The client has overlapping periods in this unit on this date."),
            )
        return None
    return covering[0]


def _existing_records(
    items: list[_AttendanceRow],
) -> dict[tuple[int, datetime.date], AttendanceRecord]:
    if not items:
        return {}
    found: dict[tuple[int, datetime.date], AttendanceRecord] = {}
    wanted = {(item.period.pk, item.day) for item in items}
    records = AttendanceRecord.objects.filter(
        period_id__in={item.period.pk for item in items},
        date__range=(min(item.day for item in items), max(item.day for item in items)),
    )
    for record in records:
        key = (record.period_id, record.date)
        if key in wanted:
            found[key] = record
    return found


def _locked_months(changes: list[RecordChange]) -> set[tuple[int, datetime.date]]:
    if not changes:
        return set()
    months = {(c.period.unit_id, c.month) for c in changes}
    locks = AttendanceMonthLock.objects.filter(
        unit_id__in={unit_id for unit_id, _month in months},
        month__in={month for _unit_id, month in months},
    ).values_list("unit_id", "month")
    return {lock for lock in locks if lock in months}
