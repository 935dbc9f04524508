"""Writes of transitions (DOMAIN.md §4): ending a period and following up the destination.

Rules a person can get wrong are checked here with the message the form shows; the
constraints on ``clients.Period`` (exit not before start, exit with reason and destination,
ended means an exit date) are the last line.

- The exit date is the last day of the period: on or after its start, on or before its
  planned end (a longer period needs a changed plan first), and not in the future: an exit is
  recorded on the day or afterwards, never ahead.
- No attendance may be recorded after the exit date: such records are listed and the exit
  refused, so that no day is silently deleted from the allowance or compensation figures.
- The plan has no status of its own: the period's status is the plan's, so the plan ends
  with it.
- The client's memberships in the groups of the period's unit end on the exit date, unless
  the client has another live period in that unit.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import access_log_record
from clients.models import Destination, ExitReason, Period, PeriodStatus

from .models import GroupMembership
from .session_selectors import (
    FOLLOW_UP_MONTHS,
    FOLLOW_UP_NOTICE_DAYS,
    LIVE_STATUSES,
    attendance_after,
    can_edit_period,
    follow_up_due_date,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User

# How many of the blocking attendance dates the message names.
LISTED_DATES = 10


def _date(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _check_period(user: User, period: Period) -> None:
    if not can_edit_period(user=user, period=period):
        raise PermissionDenied


def _exit_errors(
    *, period: Period, exit_date: datetime.date, today: datetime.date
) -> dict[str, list[str]]:
    if period.status not in LIVE_STATUSES:
        if period.status == PeriodStatus.ENDED:
            return {NON_FIELD_ERRORS: [_("This period has already ended.")]}
        return {NON_FIELD_ERRORS: [_("A draft period cannot be ended: it has not been agreed.")]}
    problems = []
    if exit_date < period.start_date:
        problems.append(
            _("The exit date cannot be before the period starts (%(start)s).")
            % {"start": _date(period.start_date)}
        )
    if exit_date > today:
        problems.append(_("The exit date cannot be in the future: record the exit on the day."))
    if exit_date > period.end_date:
        problems.append(
            _(
                "The exit date is after the planned end (%(end)s). If the period was "
                "extended, change the plan first."
            )
            % {"end": _date(period.end_date)}
        )
    if problems:
        return {"exit_date": problems}
    later = attendance_after(period=period, day=exit_date)
    if later:
        listed = ", ".join(_date(day) for day in later[:LISTED_DATES])
        if len(later) > LISTED_DATES:
            listed += " " + _("and %(count)s more") % {"count": len(later) - LISTED_DATES}
        return {
            "exit_date": [
                _(
                    "Attendance is recorded after the exit date, on %(dates)s. Remove those "
                    "records on the attendance page, or choose a later exit date."
                )
                % {"dates": listed}
            ]
        }
    return {}


def period_end(
    *,
    user: User,
    period: Period,
    exit_date: datetime.date,
    exit_reason: str,
    destination: str,
    follow_up_consent: bool,
    today: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> Period:
    """End the period (and so its plan): exit date, reason, destination at exit and the
    client's consent to be followed up at 3 and 6 months."""
    _check_period(user, period)
    today = today or timezone.localdate()
    errors = _exit_errors(period=period, exit_date=exit_date, today=today)
    if exit_reason not in ExitReason.values:
        errors.setdefault("exit_reason", []).append(_("Choose the exit reason."))
    if destination not in Destination.values:
        errors.setdefault("destination", []).append(_("Choose the destination."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        period.exit_date = exit_date
        period.exit_reason = exit_reason
        period.destination = destination
        period.follow_up_consent = follow_up_consent
        period.status = PeriodStatus.ENDED
        period.full_clean()
        period.save()
        ended = _end_memberships(period=period, exit_date=exit_date)
        access_log_record(
            action=Action.CHANGE,
            request=request,
            user=user,
            client_uuid=period.client.uuid,
            obj=period,
            detail=(
                f"period ended {exit_date:%Y-%m-%d}: {exit_reason}, {destination}, "
                f"follow-up consent {'yes' if follow_up_consent else 'no'}"
                + (f"; {ended} group membership(s) ended" if ended else "")
            ),
        )
    return period


def _end_memberships(*, period: Period, exit_date: datetime.date) -> int:
    still_in_unit = (
        Period.objects.filter(client_id=period.client_id, unit_id=period.unit_id)
        .exclude(pk=period.pk)
        .filter(status__in=[*LIVE_STATUSES, PeriodStatus.DRAFT])
        .exists()
    )
    if still_in_unit:
        return 0
    return (
        GroupMembership.objects.filter(
            client_id=period.client_id,
            group__unit_id=period.unit_id,
            start_date__lte=exit_date,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=exit_date))
        .update(end_date=exit_date)
    )


def period_follow_up_record(
    *,
    user: User,
    period: Period,
    months: int,
    destination: str,
    today: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> Period:
    """Record where the client is ``months`` (3 or 6) after the exit. It can be recorded
    from 14 days before the date, and corrected later."""
    _check_period(user, period)
    today = today or timezone.localdate()
    if months not in FOLLOW_UP_MONTHS:
        raise ValidationError(_("A follow-up is made at 3 or 6 months."), code="months")
    if period.status != PeriodStatus.ENDED or period.exit_date is None:
        raise ValidationError(_("A follow-up is recorded after the period has ended."))
    if not period.follow_up_consent:
        raise ValidationError(_("The client has not consented to be followed up."))
    due = follow_up_due_date(period.exit_date, months)
    if due - datetime.timedelta(days=FOLLOW_UP_NOTICE_DAYS) > today:
        raise ValidationError(
            _("This follow-up is due on %(due)s and can be recorded from two weeks before.")
            % {"due": _date(due)}
        )
    if destination not in Destination.values:
        raise ValidationError({"destination": [_("Choose the destination.")]})
    field = f"destination_{months}m"
    with transaction.atomic():
        before = getattr(period, field)
        setattr(period, field, destination)
        period.full_clean()
        period.save(update_fields=[field, "updated_at"])
        access_log_record(
            action=Action.CHANGE,
            request=request,
            user=user,
            client_uuid=period.client.uuid,
            obj=period,
            detail=f"{months}-month follow-up: {destination}"
            + (f" (was {before})" if before else ""),
        )
    return period
