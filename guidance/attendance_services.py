"""Writes of attendance: saving a unit's month, locking and unlocking it (DOMAIN.md §3).

Every write and its access-log rows commit together. Saving a month:

- is **one bulk write**: an insert-or-update (``bulk_create`` with ``update_conflicts`` on
  period and date, which PostgreSQL and SQLite both do) of every new or changed record, plus
  one delete of the cleared ones;
- validates every cell first and saves nothing if any is wrong: a date outside all of the
  client's periods in the unit, a status that is not a code;
- **refuses the whole save if another person changed a cell** the user also changed since
  the page was loaded (the page sends the value each cell had when loaded). Cells the user did
  not change are never written, so another person's work in them is kept as it is;
- in a **locked month** needs a reason, refuses to remove a record (a late correction always
  names a record; record the right status instead), and keeps an ``AttendanceCorrection``
  (old and new status and hours, who, when, why) for every record created or changed;
- writes one access-log row per client whose records changed;
- counts the written clients' busy weeks again (:mod:`guidance.busy_weeks`, the candidates
  of the weekly-limit warning) and sends ``signals.attendance_changed``, on which
  ``reporting`` counts its monthly attendance totals of those clients again, in the same
  transaction.

Hours: ``present`` takes the period's hours a day, any other status 0.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import LogLine, access_log_record, access_log_record_each
from organisations.models import Unit

from . import busy_weeks
from .attendance_selectors import (
    CellConflict,
    CellEdit,
    period_on_day,
    sheet_periods,
)
from .models import AttendanceCorrection, AttendanceMonthLock, AttendanceRecord, AttendanceStatus
from .signals import attendance_changed

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User
    from clients.models import Client, Period

MAX_REASON_LENGTH = 300


class AttendanceConflict(Exception):
    """Cells the user changed were changed by someone else meanwhile; nothing was saved."""

    def __init__(self, conflicts: Sequence[CellConflict]) -> None:
        self.conflicts = list(conflicts)
        super().__init__(f"{len(self.conflicts)} cells changed by someone else")


@dataclass(frozen=True)
class RecordChange:
    """A record to create, change (``old`` is the record) or remove (``status`` is ``""``)."""

    period: Period
    day: datetime.date
    old: AttendanceRecord | None
    status: str
    hours: Decimal

    @property
    def month(self) -> datetime.date:
        return self.day.replace(day=1)


@dataclass(frozen=True)
class WriteResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    corrections: int = 0
    clients: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


def default_hours(period: Period, status: str) -> Decimal:
    """The period's hours a day for ``present``, else 0."""
    return period.hours_per_day if status == AttendanceStatus.PRESENT else Decimal(0)


def attendance_records_write(
    *,
    changes: Sequence[RecordChange],
    actor: User | None,
    locked_months: Collection[tuple[int, datetime.date]] = (),
    reason: str = "",
    log_detail: str,
    request: HttpRequest | None = None,
    username: str = "",
    access_log: bool = True,
) -> WriteResult:
    """Write ``changes`` in one insert-or-update and one delete, with a late correction for
    each record in a locked month (``locked_months``: (unit id, first day) pairs) and an
    access-log row per client. The caller has validated the changes and holds a transaction.

    ``log_detail`` starts the access-log detail; ``username`` names a writer without an
    account (an import run without ``--user``). ``access_log=False``: the caller writes the
    log rows itself (the attendance import: one ``import`` row per client for the file).
    """
    upserts = [change for change in changes if change.status]
    removals = [change for change in changes if not change.status]
    corrected = [c for c in upserts if (c.period.unit_id, c.month) in locked_months]
    corrected_keys = {(c.period.pk, c.day) for c in corrected}
    if any((c.period.unit_id, c.month) in locked_months for c in removals):
        raise ValueError("A record of a locked month is never removed.")
    if corrected and (actor is None or not reason.strip()):
        raise ValueError("A late correction needs a user and a reason.")
    if upserts:
        AttendanceRecord.objects.bulk_create(
            [
                AttendanceRecord(
                    period=c.period, date=c.day, status=c.status, hours=c.hours, updated_by=actor
                )
                for c in upserts
            ],
            update_conflicts=True,
            unique_fields=["period", "date"],
            update_fields=["status", "hours", "updated_by", "updated_at"],
        )
    if removals:
        AttendanceRecord.objects.filter(pk__in=[c.old.pk for c in removals if c.old]).delete()
    if corrected:
        _corrections_create(corrected, actor=actor, reason=reason.strip())
    if changes:
        busy_weeks.refresh(
            {c.period.client_id for c in changes},
            min(c.day for c in changes),
            max(c.day for c in changes),
        )
        attendance_changed.send(
            sender=AttendanceRecord,
            client_ids={c.period.client_id for c in changes},
            first=min(c.day for c in changes),
            last=max(c.day for c in changes),
        )
    by_client: dict[int, list[RecordChange]] = defaultdict(list)
    for change in changes:
        by_client[change.period.client_id].append(change)
    lines = []
    for client_changes in by_client.values() if access_log else ():
        client: Client = client_changes[0].period.client
        created = sum(1 for c in client_changes if c.old is None)
        detail = _("%(what)s: %(created)d created, %(changed)d changed, %(removed)d removed") % {
            "what": log_detail,
            "created": created,
            "changed": sum(1 for c in client_changes if c.old is not None and c.status),
            "removed": sum(1 for c in client_changes if not c.status),
        }
        if any((c.period.pk, c.day) in corrected_keys for c in client_changes):
            detail += "; " + _("late correction")
        lines.append(
            LogLine(
                action=Action.CREATE if created == len(client_changes) else Action.CHANGE,
                client_uuid=client.uuid,
                object_type="guidance.attendancerecord",
                object_id=str(client_changes[0].period.uuid),
                detail=detail,
            )
        )
    # One row per client, all in one insert.
    access_log_record_each(lines=lines, request=request, user=actor, username=username)
    return WriteResult(
        created=sum(1 for c in upserts if c.old is None),
        updated=sum(1 for c in upserts if c.old is not None),
        deleted=len(removals),
        corrections=len(corrected),
        clients=len(by_client),
    )


def _corrections_create(
    changes: Sequence[RecordChange], *, actor: User | None, reason: str
) -> None:
    record_ids = {
        (period_id, day): pk
        for period_id, day, pk in AttendanceRecord.objects.filter(
            period_id__in={c.period.pk for c in changes}, date__in={c.day for c in changes}
        ).values_list("period_id", "date", "pk")
    }
    corrections = [
        AttendanceCorrection(
            record_id=record_ids[(c.period.pk, c.day)],
            old_status=c.old.status if c.old else "",
            old_hours=c.old.hours if c.old else None,
            new_status=c.status,
            new_hours=c.hours,
            reason=reason[:MAX_REASON_LENGTH],
            corrected_by=actor,
        )
        for c in changes
    ]
    for correction in corrections:
        correction.full_clean(exclude=["record", "corrected_by"])
    AttendanceCorrection.objects.bulk_create(corrections)


def records_with_corrections(record_ids: Collection[int]) -> set[int]:
    """Which of the records have late corrections (and so may not be removed)."""
    if not record_ids:
        return set()
    return set(
        AttendanceCorrection.objects.filter(record_id__in=record_ids).values_list(
            "record_id", flat=True
        )
    )


def _where(client: Client, day: datetime.date) -> str:
    return f"{client.full_name}, {date_format(day, 'SHORT_DATE_FORMAT')}"


def attendance_month_save(
    *,
    unit: Unit,
    first: datetime.date,
    last: datetime.date,
    edits: Sequence[CellEdit],
    actor: User,
    request: HttpRequest | None = None,
    reason: str = "",
) -> WriteResult:
    """Save the cells of ``unit``'s month sheet (see the module's docstring).

    Raises ValidationError (``{"cells": [...]}`` naming client and date, or ``{"reason": ...}``)
    or AttendanceConflict; nothing is saved then.
    """
    with transaction.atomic():
        # Saves of one unit's attendance take turns, so that two cannot both pass the check
        # for other people's changes and then overwrite each other.
        list(Unit.objects.select_for_update().filter(pk=unit.pk).values_list("pk", flat=True))
        periods = sheet_periods(unit=unit, first=first, last=last)
        by_client: dict[str, list[Period]] = defaultdict(list)
        for period in periods:
            by_client[str(period.client.uuid)].append(period)
        records = {
            (record.period_id, record.date): record
            for record in AttendanceRecord.objects.filter(
                period__in=periods, date__range=(first, last)
            )
        }
        locked = AttendanceMonthLock.objects.filter(unit=unit, month=first).exists()
        wanted = {(str(e.client_uuid), e.day): e for e in edits}
        errors: list[str] = []
        conflicts: list[CellConflict] = []
        changes: list[RecordChange] = []
        for (client_uuid, day), edit in sorted(wanted.items()):
            client_periods = by_client.get(client_uuid)
            if not client_periods:
                errors.append(
                    _(
                        "A client on the sheet no longer has a period in this unit this month. "
                        "Reload the page."
                    )
                )
                continue
            client = client_periods[0].client
            if edit.status and edit.status not in AttendanceStatus.values:
                errors.append(
                    _("%(where)s: “%(status)s” is not an attendance status.")
                    % {"where": _where(client, day), "status": edit.status}
                )
                continue
            recorded = [p.pk for p in client_periods if (p.pk, day) in records]
            period = period_on_day(client_periods, day, recorded) if first <= day <= last else None
            if period is None:
                errors.append(
                    _("%(where)s: the date is outside the client's periods in this unit.")
                    % {"where": _where(client, day)}
                )
                continue
            old = records.get((period.pk, day))
            current = old.status if old else ""
            if edit.status in (edit.loaded, current):
                continue  # not changed by the user, or already so in the database
            if current != edit.loaded:
                conflicts.append(
                    CellConflict(client=client, day=day, current=current, yours=edit.status)
                )
                continue
            if not edit.status and locked:
                errors.append(
                    _(
                        "%(where)s: the month is locked, so a record cannot be removed. "
                        "Record the right status instead."
                    )
                    % {"where": _where(client, day)}
                )
                continue
            changes.append(
                RecordChange(
                    period=period,
                    day=day,
                    old=old,
                    status=edit.status,
                    hours=default_hours(period, edit.status),
                )
            )
        protected = records_with_corrections([c.old.pk for c in changes if c.old and not c.status])
        errors.extend(
            _(
                "%(where)s: the record has late corrections, so it cannot be removed. "
                "Record the right status instead."
            )
            % {"where": _where(c.period.client, c.day)}
            for c in changes
            if c.old and not c.status and c.old.pk in protected
        )
        if errors:
            raise ValidationError({"cells": errors})
        if conflicts:
            raise AttendanceConflict(conflicts)
        if locked and changes and not reason.strip():
            raise ValidationError(
                {
                    "reason": _(
                        "The month is locked: its allowance report has gone out. Give the "
                        "reason for the late correction."
                    )
                }
            )
        return attendance_records_write(
            changes=changes,
            actor=actor,
            locked_months={(unit.pk, first)} if locked else (),
            reason=reason,
            log_detail=f"attendance {first:%Y-%m}",
            request=request,
        )


def attendance_month_lock(
    *, unit: Unit, first: datetime.date, actor: User, request: HttpRequest | None = None
) -> AttendanceMonthLock:
    """Lock the unit's month (idempotent). The caller has checked that ``actor`` manages it."""
    with transaction.atomic():
        existing = AttendanceMonthLock.objects.filter(unit=unit, month=first).first()
        if existing is not None:
            return existing
        lock = AttendanceMonthLock(unit=unit, month=first, locked_by=actor)
        lock.full_clean()
        lock.save()
        access_log_record(
            action=Action.CHANGE,
            request=request,
            user=actor,
            obj=unit,
            detail=f"attendance {first:%Y-%m} locked",
        )
    return lock


def attendance_month_unlock(
    *, unit: Unit, first: datetime.date, actor: User, request: HttpRequest | None = None
) -> bool:
    """Unlock the unit's month; False when it was not locked. Late corrections stay."""
    with transaction.atomic():
        removed, _counts = AttendanceMonthLock.objects.filter(unit=unit, month=first).delete()
        if removed:
            access_log_record(
                action=Action.CHANGE,
                request=request,
                user=actor,
                obj=unit,
                detail=f"attendance {first:%Y-%m} unlocked",
            )
    return bool(removed)
