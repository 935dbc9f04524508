"""Reads and access checks for attendance: the month sheet of a unit (DOMAIN.md §3).

The sheet
---------
A row per client who has a live period (not a draft) in the unit overlapping the month,
optionally only the members of one of the unit's groups; a column per day of the month.

- A cell is **editable** on the period's scheduled days (its weekdays within its dates, see
  :mod:`guidance.calendar`) and on any day of the period that already has a record. Other days
  are shown greyed and empty.
- On a public holiday or a closure day of the unit, a cell without a record shows
  ``not_organised`` **pre-filled**: the default is not in the database until the month is
  saved, and it is then saved like a value the counsellor entered. In a locked month nothing is
  pre-filled (a saved default there would be a late correction nobody asked for).
- Each cell carries the value **as loaded** from the database; the save sends it back and
  refuses a change to a cell someone else changed meanwhile (:mod:`guidance.attendance_services`).

The sheet is read with a fixed number of queries whatever the number of clients.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _

from clients.models import Client, Period, PeriodStatus
from organisations.access import get_access
from organisations.models import ClosureDay, Group, Unit

from .calendar import days_between, finnish_holidays, month_bounds, scheduled_days
from .models import (
    ABSENCE_STATUSES,
    AttendanceCorrection,
    AttendanceMonthLock,
    AttendanceRecord,
    AttendanceStatus,
    GroupMembership,
)
from .warnings import AttendanceWarning, find_warnings, week_warning

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

# One key per status on the sheet (Finnish mnemonics): p läsnä (present), s sairas (sick),
# t todistus (certificate), l lapsi (child), h haastattelu (interview), k kunnallinen
# luottamustoimi (office of trust), e ei hyväksyttävä (unjustified), x not organised.
STATUS_KEYS: dict[str, str] = {
    AttendanceStatus.PRESENT: "p",
    AttendanceStatus.SICK: "s",
    AttendanceStatus.SICK_CERTIFIED: "t",
    AttendanceStatus.CHILD_SICK: "l",
    AttendanceStatus.JOB_INTERVIEW: "h",
    AttendanceStatus.OFFICE_OF_TRUST: "k",
    AttendanceStatus.UNJUSTIFIED: "e",
    AttendanceStatus.NOT_ORGANISED: "x",
}
EARLIEST_YEAR = 2000
LATEST_YEAR = 2100


@dataclass(frozen=True)
class CellEdit:
    """One cell as a save sends it: the status wanted (``""`` clears it) and the status the
    page showed as loaded from the database."""

    client_uuid: uuid.UUID
    day: datetime.date
    status: str
    loaded: str


@dataclass(frozen=True)
class CellConflict:
    """A cell the user changed that someone else changed after the user loaded the page."""

    client: Client
    day: datetime.date
    current: str
    yours: str

    @property
    def current_label(self) -> str:
        return status_label(self.current)

    @property
    def yours_label(self) -> str:
        return status_label(self.yours)


# --- access ---------------------------------------------------------------------------------


def attendance_unit_for_user(*, user: User | AnonymousUser, unit_uuid: uuid.UUID | str) -> Unit:
    """The unit whose attendance ``user`` may see, or 404 (also for a unit that does not
    exist): staff of the unit and project managers following it."""
    unit_ids = get_access(user).client_unit_ids
    try:
        return Unit.objects.get(uuid=unit_uuid, id__in=unit_ids)
    except (Unit.DoesNotExist, ValueError):
        raise Http404 from None


def attendance_can_edit(*, user: User | AnonymousUser, unit: Unit) -> bool:
    """Counsellors and unit managers of the unit record attendance."""
    return unit.pk in get_access(user).edit_unit_ids


def attendance_can_manage(*, user: User | AnonymousUser, unit: Unit) -> bool:
    """Unit managers of the unit lock and unlock its months."""
    return unit.pk in get_access(user).manage_unit_ids


def attendance_units_for_user(*, user: User | AnonymousUser) -> QuerySet[Unit]:
    return Unit.objects.filter(id__in=get_access(user).client_unit_ids).order_by("name")


def attendance_month(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    """The month's first and last day, or 404 for a month no sheet has."""
    if not (EARLIEST_YEAR <= year <= LATEST_YEAR and 1 <= month <= 12):
        raise Http404
    return month_bounds(year, month)


def attendance_month_lock_of(*, unit: Unit, first: datetime.date) -> AttendanceMonthLock | None:
    """The lock of the unit's month (with who locked it), or None."""
    return (
        AttendanceMonthLock.objects.filter(unit=unit, month=first)
        .select_related("locked_by")
        .first()
    )


def attendance_groups(*, unit: Unit) -> QuerySet[Group]:
    return Group.objects.filter(unit=unit, is_active=True).order_by("name")


# --- periods of a sheet ---------------------------------------------------------------------


def sheet_periods(
    *, unit: Unit, first: datetime.date, last: datetime.date, group: Group | None = None
) -> list[Period]:
    """Live periods in ``unit`` overlapping ``[first, last]``, with their clients, ordered by
    client name and start. With ``group``, only periods of its members in that time."""
    periods = (
        Period.objects.filter(unit=unit, start_date__lte=last)
        .exclude(status=PeriodStatus.DRAFT)
        .annotate(ends=Coalesce("exit_date", "end_date"))
        .filter(ends__gte=first)
        .select_related("client")
        .order_by("client__last_name", "client__first_name", "client_id", "start_date", "pk")
    )
    if group is not None:
        members = GroupMembership.objects.filter(
            group=group, client=OuterRef("client_id"), start_date__lte=last
        ).filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        periods = periods.filter(Exists(members))
    return list(periods)


def period_on_day(
    periods: Sequence[Period], day: datetime.date, recorded: Iterable[int] = ()
) -> Period | None:
    """The client's period for ``day`` among ``periods`` (the client's, ordered by start): the
    one that already has a record that day (``recorded``: such period ids), else the first
    whose dates cover the day."""
    covering = [p for p in periods if p.start_date <= day <= p.last_day]
    recorded_ids = set(recorded)
    for period in covering:
        if period.pk in recorded_ids:
            return period
    return covering[0] if covering else None


# --- the sheet ------------------------------------------------------------------------------


def status_label(status: str) -> str:
    if not status:
        return _("no entry")
    return str(AttendanceStatus(status).label)


def cell_key(client: Client, day: datetime.date) -> str:
    return f"{client.uuid}|{day.isoformat()}"


@dataclass(frozen=True)
class DayColumn:
    day: datetime.date
    holiday: str  # the holiday's name, or ""
    closure: str  # the closure day's reason (or "closed"), or ""

    @property
    def weekend(self) -> bool:
        return self.day.isoweekday() >= 6

    @property
    def not_organised(self) -> bool:
        return bool(self.holiday or self.closure)


@dataclass
class SheetCell:
    client: Client
    day: datetime.date
    editable: bool
    planned: bool = False  # a planned day: scheduled, and neither a holiday nor a closure day
    value: str = ""  # shown (the record's status, or the default)
    loaded: str = ""  # the database's value when the page was made
    is_default: bool = False
    not_organised_day: bool = False
    weekend: bool = False
    changed: bool = False  # an unsaved edit kept from a refused save
    conflict: bool = False  # someone else changed it since the user loaded the page

    @property
    def key(self) -> str:
        return cell_key(self.client, self.day)

    @property
    def prefix(self) -> str:
        """``Virtanen Matti, ti 3.11.``: the cell's row and column for a screen reader."""
        return f"{self.client.full_name}, {format_date(self.day, 'D j.n.')}"

    @property
    def label(self) -> str:
        return f"{self.prefix}: {status_label(self.value)}"

    @property
    def letter(self) -> str:
        return STATUS_KEYS.get(self.value, "").upper()

    @property
    def present(self) -> bool:
        return self.value == AttendanceStatus.PRESENT

    @property
    def absent(self) -> bool:
        return self.value in ABSENCE_STATUSES


@dataclass
class SheetRow:
    client: Client
    periods: list[Period]
    cells: list[SheetCell]
    warnings: list[AttendanceWarning] = field(default_factory=list)

    # The row's totals, of the values the sheet shows (counted from its cells, no query):
    # present days, absent days (any reason; "not organised" is neither) and planned days.
    @property
    def present_days(self) -> int:
        return sum(cell.present for cell in self.cells)

    @property
    def absent_days(self) -> int:
        return sum(cell.absent for cell in self.cells)

    @property
    def planned_days(self) -> int:
        return sum(cell.planned for cell in self.cells)


@dataclass(frozen=True)
class DayTotal:
    """How many clients of the sheet are present and absent on ``day``."""

    day: datetime.date
    present: int
    absent: int


@dataclass
class MonthSheet:
    unit: Unit
    first: datetime.date
    last: datetime.date
    group: Group | None
    columns: list[DayColumn]
    rows: list[SheetRow]
    lock: AttendanceMonthLock | None
    corrections: list[AttendanceCorrection]

    @property
    def locked(self) -> bool:
        return self.lock is not None

    @property
    def day_totals(self) -> list[DayTotal]:
        """Per column, the clients present and absent that day (from the rows' cells)."""
        return [
            DayTotal(
                day=column.day,
                present=sum(row.cells[index].present for row in self.rows),
                absent=sum(row.cells[index].absent for row in self.rows),
            )
            for index, column in enumerate(self.columns)
        ]

    @property
    def previous_month(self) -> datetime.date:
        return (self.first - datetime.timedelta(days=1)).replace(day=1)

    @property
    def next_month(self) -> datetime.date:
        return self.last + datetime.timedelta(days=1)

    def cell(self, client_uuid: uuid.UUID | str, day: datetime.date) -> SheetCell | None:
        index = (day - self.first).days
        if not 0 <= index < len(self.columns):
            return None
        for row in self.rows:
            if str(row.client.uuid) == str(client_uuid):
                return row.cells[index]
        return None


def attendance_month_sheet(
    *, unit: Unit, first: datetime.date, last: datetime.date, group: Group | None = None
) -> MonthSheet:
    """The month sheet of ``unit`` (see the module's docstring). Six queries (seven when a
    client is over the person's weekly limit)."""
    periods = sheet_periods(unit=unit, first=first, last=last, group=group)
    statuses: dict[int, dict[datetime.date, str]] = defaultdict(dict)
    if periods:
        for period_id, day, status in (
            AttendanceRecord.objects.filter(
                period_id__in=[p.pk for p in periods], date__range=(first, last)
            )
            .order_by()
            .values_list("period_id", "date", "status")
        ):
            statuses[period_id][day] = status
    closures: dict[datetime.date, str] = {
        day: reason or _("Unit closed")
        for day, reason in ClosureDay.objects.filter(unit=unit, date__range=(first, last))
        .order_by()
        .values_list("date", "reason")
    }
    holidays = finnish_holidays(first, last)
    lock = (
        AttendanceMonthLock.objects.filter(unit=unit, month=first)
        .select_related("locked_by")
        .first()
    )
    columns = [
        DayColumn(day=day, holiday=holidays.get(day, ""), closure=closures.get(day, ""))
        for day in days_between(first, last)
    ]
    by_client: dict[int, list[Period]] = {}
    for period in periods:
        by_client.setdefault(period.client_id, []).append(period)
    # The runs around the month, and the weeks over the limit, which is the person's: their
    # present dates in every unit count. One query (guidance.warnings.find_warnings).
    found = (
        find_warnings([p.pk for p in periods], first, last, week_clients=list(by_client))
        if by_client
        else None
    )
    over = found.weeks if found else {}
    rows = []
    for client_id, client_periods in by_client.items():
        row = _sheet_row(
            client_periods, columns, statuses, prefill=lock is None, first=first, last=last
        )
        for period in client_periods:
            row.warnings.extend(found.by_period.get(period.pk, []) if found else [])
        row.warnings.extend(
            week_warning(client_id, monday, dates) for monday, dates in over.get(client_id, [])
        )
        row.warnings.sort(key=lambda w: (w.first, w.kind))
        rows.append(row)
    return MonthSheet(
        unit=unit,
        first=first,
        last=last,
        group=group,
        columns=columns,
        rows=rows,
        lock=lock,
        corrections=attendance_corrections(unit=unit, first=first, last=last),
    )


def _sheet_row(
    periods: list[Period],
    columns: list[DayColumn],
    statuses: dict[int, dict[datetime.date, str]],
    *,
    prefill: bool,
    first: datetime.date,
    last: datetime.date,
) -> SheetRow:
    client = periods[0].client
    scheduled = {p.pk: set(scheduled_days(p, first, last)) for p in periods}
    cells = []
    for column in columns:
        day = column.day
        recorded = [p.pk for p in periods if day in statuses.get(p.pk, {})]
        period = period_on_day(periods, day, recorded)
        cell = SheetCell(
            client=client,
            day=day,
            editable=False,
            not_organised_day=column.not_organised,
            weekend=column.weekend,
        )
        if period is not None:
            loaded = statuses.get(period.pk, {}).get(day, "")
            cell.loaded = cell.value = loaded
            cell.editable = bool(loaded) or day in scheduled[period.pk]
            cell.planned = day in scheduled[period.pk] and not column.not_organised
            if cell.editable and not loaded and prefill and column.not_organised:
                cell.value = AttendanceStatus.NOT_ORGANISED
                cell.is_default = True
        cells.append(cell)
    return SheetRow(client=client, periods=periods, cells=cells)


def attendance_corrections(
    *, unit: Unit, first: datetime.date, last: datetime.date
) -> list[AttendanceCorrection]:
    """The late corrections of the unit's month, newest first."""
    return list(
        AttendanceCorrection.objects.filter(
            record__period__unit=unit, record__date__range=(first, last)
        )
        .select_related("record__period__client", "corrected_by")
        .order_by("-corrected_at", "-pk")
    )


def sheet_keep_edits(
    sheet: MonthSheet,
    edits: Iterable[CellEdit],
    conflicts: Iterable[CellConflict] = (),
) -> None:
    """Show a refused save's edits on a freshly read sheet, so that nothing typed is lost.

    An edit keeps the value the user loaded, so that saving again still notices other people's
    changes. A cell in conflict shows its value now instead, marked, and takes that value as
    loaded: the user sees the other person's value and may enter theirs again on purpose.
    """
    conflicting = {(str(c.client.uuid), c.day) for c in conflicts}
    for edit in edits:
        cell = sheet.cell(edit.client_uuid, edit.day)
        if cell is None or not cell.editable:
            continue
        if (str(edit.client_uuid), edit.day) in conflicting:
            cell.value = cell.loaded
            cell.is_default = False
            cell.conflict = True
        elif edit.status in STATUS_KEYS or not edit.status:
            cell.value = edit.status
            cell.loaded = edit.loaded if edit.loaded in STATUS_KEYS else ""
            cell.is_default = False
            cell.changed = cell.value != cell.loaded
