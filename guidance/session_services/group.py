"""Writes of group sessions: the session, its roster and, when asked, the day's attendance.

A group session is saved at once: the session, every roster line (bulk) and, when asked,
the day's attendance of those who took part (bulk). Each roster client gets its own
access-log row, so the session shows up in that client's "who has processed my data" list.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import access_log_record
from clients.models import Client, Period, PeriodStatus
from organisations.models import Group

from ..attendance_selectors import period_on_day
from ..attendance_services import RecordChange, attendance_records_write, default_hours
from ..models import (
    AttendanceMonthLock,
    AttendanceRecord,
    AttendanceStatus,
    GroupSession,
    GroupSessionParticipant,
)
from ..session_selectors import group_roster_on
from .checks import check_counsellors, check_group

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User


@dataclass(frozen=True)
class RosterLine:
    """One member's line on the session's roster. ``note`` None keeps a saved note as it is
    (the edit screen never shows notes back); "" clears it."""

    client: Client
    took_part: bool
    note: str | None = None


@dataclass(frozen=True)
class GroupSessionResult:
    session: GroupSession
    attendance_marked: int


def _roster_errors(
    *, roster: Sequence[RosterLine], allowed_client_ids: set[int]
) -> dict[str, list[str]]:
    errors: defaultdict[str, list[str]] = defaultdict(list)
    seen: set[int] = set()
    for line in roster:
        if line.client.pk not in allowed_client_ids or line.client.pk in seen:
            errors[NON_FIELD_ERRORS].append(
                _("%(name)s is not on this session's roster.") % {"name": line.client.full_name}
            )
        seen.add(line.client.pk)
        if line.note and len(line.note) > 500:
            errors[NON_FIELD_ERRORS].append(
                _("The note on %(name)s is longer than 500 characters.")
                % {"name": line.client.full_name}
            )
    return dict(errors)


def _attendance_errors(*, group: Group, day: datetime.date) -> dict[str, list[str]]:
    if day > timezone.localdate():
        return {"mark_present": [_("Attendance can be marked on the day or afterwards.")]}
    month = day.replace(day=1)
    if AttendanceMonthLock.objects.filter(unit_id=group.unit_id, month=month).exists():
        return {
            "mark_present": [
                _(
                    "The unit's attendance for %(month)s is locked. Correct attendance on the "
                    "attendance page, where a late correction is recorded with its reason."
                )
                % {"month": f"{day:%m/%Y}"}
            ]
        }
    return {}


def attendance_mark_present(
    *,
    user: User,
    group: Group,
    day: datetime.date,
    client_ids: Sequence[int],
    request: HttpRequest | None = None,
) -> list[RecordChange]:
    """Mark the clients present on ``day`` with the period's hours a day, in their period in
    the group's unit that covers the day (agreed, active or ended, from the start to the exit
    date or else the planned end; the attendance sheet's own choice when two overlap). A day
    that is not one of the period's planned weekdays is still marked: the client did come.
    Clients with no such period, and records already present with those hours, are skipped.

    Written through the attendance sheet's own writer (``attendance_records_write``): two
    reads and one bulk insert-or-update whatever the number of clients, plus its access-log
    row per client whose attendance changed. The caller holds the transaction and has refused
    a locked month."""
    periods = (
        Period.objects.filter(client_id__in=client_ids, unit_id=group.unit_id, start_date__lte=day)
        .exclude(status=PeriodStatus.DRAFT)
        .annotate(ends=Coalesce("exit_date", "end_date"))
        .filter(ends__gte=day)
        .select_related("client")
        .order_by("client_id", "start_date", "pk")
    )
    by_client: defaultdict[int, list[Period]] = defaultdict(list)
    for period in periods:
        by_client[period.client_id].append(period)
    existing = {
        record.period_id: record
        for record in AttendanceRecord.objects.filter(
            period_id__in=[p.pk for ps in by_client.values() for p in ps], date=day
        )
    }
    changes = []
    for client_periods in by_client.values():
        period = period_on_day(client_periods, day, recorded=existing)
        if period is None:
            continue
        old = existing.get(period.pk)
        hours = default_hours(period, AttendanceStatus.PRESENT)
        if old is not None and old.status == AttendanceStatus.PRESENT and old.hours == hours:
            continue
        changes.append(
            RecordChange(
                period=period, day=day, old=old, status=AttendanceStatus.PRESENT, hours=hours
            )
        )
    if changes:
        attendance_records_write(
            changes=changes,
            actor=user,
            log_detail="marked present from a group session",
            request=request,
        )
    return changes


def _save_group_session(
    *,
    user: User,
    session: GroupSession,
    counsellors: Sequence[User],
    roster: Sequence[RosterLine],
    allowed_client_ids: set[int],
    mark_present: bool,
    request: HttpRequest | None,
) -> GroupSessionResult:
    group = session.group
    check_group(user, group)
    day = timezone.localtime(session.starts_at).date()
    errors = {
        **check_counsellors(counsellors, {group.unit_id}),
        **_roster_errors(roster=roster, allowed_client_ids=allowed_client_ids),
        **(_attendance_errors(group=group, day=day) if mark_present else {}),
    }
    if errors:
        raise ValidationError(errors)
    creating = session.pk is None
    with transaction.atomic():
        session.full_clean()
        session.save()
        session.counsellors.set(counsellors)
        saved = {line.client_id: line for line in session.roster.all()} if not creating else {}
        new, changed = [], []
        for line in roster:
            current = saved.get(line.client.pk)
            if current is None:
                new.append(
                    GroupSessionParticipant(
                        session=session,
                        client=line.client,
                        took_part=line.took_part,
                        note=(line.note or "").strip(),
                    )
                )
            else:
                current.took_part = line.took_part
                if line.note is not None:
                    current.note = line.note.strip()
                changed.append(current)
        GroupSessionParticipant.objects.bulk_create(new)
        GroupSessionParticipant.objects.bulk_update(changed, ["took_part", "note"])
        participants = [line.client.pk for line in roster if line.took_part]
        marked = (
            attendance_mark_present(
                user=user, group=group, day=day, client_ids=participants, request=request
            )
            if mark_present
            else []
        )
        marked_clients = {change.period.client_id for change in marked}
        for line in roster:
            detail = "group session: " + ("took part" if line.took_part else "did not take part")
            if line.client.pk in marked_clients:
                detail += "; marked present in attendance"
            access_log_record(
                action=Action.CREATE if creating else Action.CHANGE,
                request=request,
                user=user,
                client_uuid=line.client.uuid,
                obj=session,
                detail=detail,
            )
    return GroupSessionResult(session=session, attendance_marked=len(marked))


def group_session_create(
    *,
    user: User,
    group: Group,
    starts_at: datetime.datetime,
    duration_minutes: int,
    topic: str,
    counsellors: Sequence[User],
    roster: Sequence[RosterLine],
    mark_present: bool = False,
    request: HttpRequest | None = None,
) -> GroupSessionResult:
    """Record a group session with its whole roster: the group's members on that day."""
    day = timezone.localtime(starts_at).date()
    members = {m.client_id for m in group_roster_on(group=group, day=day)}
    session = GroupSession(
        group=group,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        topic=topic.strip(),
        recorded_by=user,
    )
    return _save_group_session(
        user=user,
        session=session,
        counsellors=counsellors,
        roster=roster,
        allowed_client_ids=members,
        mark_present=mark_present,
        request=request,
    )


def group_session_update(
    *,
    user: User,
    session: GroupSession,
    starts_at: datetime.datetime,
    duration_minutes: int,
    topic: str,
    counsellors: Sequence[User],
    roster: Sequence[RosterLine],
    mark_present: bool = False,
    request: HttpRequest | None = None,
) -> GroupSessionResult:
    """Change a session and its roster. The roster may hold the lines already saved and the
    members of the group on the session's (original) day."""
    original_day = timezone.localtime(session.starts_at).date()
    allowed = {
        *session.roster.values_list("client_id", flat=True),
        *(m.client_id for m in group_roster_on(group=session.group, day=original_day)),
    }
    session.starts_at = starts_at
    session.duration_minutes = duration_minutes
    session.topic = topic.strip()
    return _save_group_session(
        user=user,
        session=session,
        counsellors=counsellors,
        roster=roster,
        allowed_client_ids=allowed,
        mark_present=mark_present,
        request=request,
    )
