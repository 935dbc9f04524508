"""Marking absence notices sent: each notice is stored with its figures as they are at that
moment, who marked it and when; a notice sent again after the attendance changed is stored
as a correction of the one before. One access-log ``change`` row per client, in one insert."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import access_log_record_many
from organisations.models import Unit

from .models import AbsenceNotice
from .selectors import Fortnight, Notice, notices_for_units

if TYPE_CHECKING:
    import uuid

    from django.http import HttpRequest

    from accounts.models import User


def notices_mark_sent(
    *,
    unit: Unit,
    fortnight: Fortnight,
    actor: User,
    today: datetime.date,
    clients: Collection[uuid.UUID] | None = None,
    request: HttpRequest | None = None,
) -> list[AbsenceNotice]:
    """Mark sent the unit's notices of the half-month that are due, overdue or need a
    correction (``clients``: only theirs). Notices already sent and unchanged are left alone;
    a half-month that has not ended has nothing to send. Returns the notices stored."""
    if not fortnight.ended(today):
        return []
    with transaction.atomic():
        # Markings of one unit take turns, so a notice is not stored twice by two people.
        list(Unit.objects.select_for_update().filter(pk=unit.pk).values_list("pk", flat=True))
        notices = notices_for_units(
            units=[unit], fortnights=[fortnight], today=today, clients=clients
        )
        stored = _store([n for n in notices if n.pending], actor=actor)
        access_log_record_many(
            action=Action.CHANGE,
            client_uuids=[notice.client.uuid for notice in stored],
            request=request,
            user=actor,
            object_type="absence_notices.absencenotice",
            object_id=str(unit.uuid),
            detail=f"absence notice {fortnight.first:%Y-%m-%d}–{fortnight.last:%Y-%m-%d} "
            "marked sent",
        )
    return stored


def _store(notices: Sequence[Notice], *, actor: User) -> list[AbsenceNotice]:
    now = timezone.now()
    rows = [
        AbsenceNotice(
            unit=notice.unit,
            client=notice.client,
            first=notice.fortnight.first,
            last=notice.fortnight.last,
            payer=notice.figures.payer,
            correction_of=notice.last_sent,
            figures=notice.figures.as_json(),
            sent_by=actor,
            sent_at=now,
        )
        for notice in notices
    ]
    return AbsenceNotice.objects.bulk_create(rows)
