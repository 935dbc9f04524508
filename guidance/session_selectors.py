"""Reads of guidance sessions, groups and transitions, already scoped to the user (STYLE.md).

A record the user may not see answers 404, like one that does not exist; the ``*_get``
functions raise it. Group pages need the group's unit among the units whose clients the user
sees (``Access.client_unit_ids``); changing anything needs it among their own units
(``Access.edit_unit_ids``).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from activation_plans.models import ActivationPlan, ClientGoal
from clients.access import clients_visible_to
from clients.models import Client, Period, PeriodStatus
from clients.selectors import client_periods, current_period, staff_of_units
from organisations.access import get_access
from organisations.models import Group, Unit

from .models import (
    AttendanceRecord,
    GroupMembership,
    GroupSession,
    GroupSessionParticipant,
    IndividualSession,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

# Follow-ups show up this many days before they are due (and stay until recorded).
FOLLOW_UP_NOTICE_DAYS = 14
FOLLOW_UP_MONTHS = (3, 6)
LIVE_STATUSES = (PeriodStatus.AGREED, PeriodStatus.ACTIVE)


def membership_live_on(day: datetime.date, prefix: str = "") -> Q:
    """Memberships that run on ``day``."""
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


def local_day_bounds(first: datetime.date, last: datetime.date) -> tuple[datetime.datetime, ...]:
    """The aware datetimes from the start of ``first`` to the start of the day after ``last``
    (Europe/Helsinki)."""
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min)
    )
    return start, end


# --- Groups --------------------------------------------------------------------------------


def group_list(*, user: User | AnonymousUser, today: datetime.date) -> list[Group]:
    """The groups of the units whose clients the user sees, with ``member_count`` (members on
    ``today``), ``last_session`` and ``next_session``: one query."""
    unit_ids = get_access(user).client_unit_ids
    members = (
        GroupMembership.objects.filter(membership_live_on(today), group=OuterRef("pk"))
        .order_by()
        .values("group")
        .annotate(n=Count("pk"))
        .values("n")
    )
    start_of_today, _end = local_day_bounds(today, today)
    sessions = GroupSession.objects.filter(group=OuterRef("pk"))
    return list(
        Group.objects.filter(unit_id__in=unit_ids)
        .select_related("unit")
        .annotate(
            member_count=Coalesce(Subquery(members, output_field=IntegerField()), 0),
            last_session=Subquery(
                sessions.filter(starts_at__lt=start_of_today)
                .order_by("-starts_at")
                .values("starts_at")[:1]
            ),
            next_session=Subquery(
                sessions.filter(starts_at__gte=start_of_today)
                .order_by("starts_at")
                .values("starts_at")[:1]
            ),
        )
        .order_by("unit__name", "-is_active", "name")
    )


def group_get(*, user: User | AnonymousUser, code: uuid.UUID | str) -> Group:
    """The group, or 404 when it does not exist or its unit's clients are not the user's."""
    try:
        return Group.objects.select_related("unit").get(
            uuid=code, unit_id__in=get_access(user).client_unit_ids
        )
    except (Group.DoesNotExist, ValueError):
        raise Http404 from None


def can_edit_group(*, user: User | AnonymousUser, group: Group) -> bool:
    """Counsellors and unit managers of the group's unit; project managers only read."""
    return group.unit_id in get_access(user).edit_unit_ids


def group_memberships(*, group: Group, today: datetime.date) -> list[GroupMembership]:
    """Every membership of the group, those running ``today`` first, then by name."""
    memberships = list(group.memberships.select_related("client").order_by("start_date", "pk"))
    for membership in memberships:
        membership.is_current = (  # type: ignore[attr-defined]
            membership.start_date <= today
            and (membership.end_date is None or membership.end_date >= today)
        )
    return sorted(
        memberships,
        key=lambda m: (
            not m.is_current,  # type: ignore[attr-defined]
            m.client.last_name,
            m.client.first_name,
            m.start_date,
        ),
    )


def group_roster_on(*, group: Group, day: datetime.date) -> list[GroupMembership]:
    """The members of the group on ``day``: the roster of a session held that day."""
    return list(
        group.memberships.filter(membership_live_on(day))
        .select_related("client")
        .order_by("client__last_name", "client__first_name", "client__pk")
    )


def group_member_candidates(*, group: Group, day: datetime.date) -> QuerySet[Client]:
    """Clients of the group's unit (registered there or with a period not ended there) who
    are not already members on ``day`` or later."""
    in_unit = Q(registered_unit_id=group.unit_id) | Q(
        pk__in=Period.objects.filter(unit_id=group.unit_id)
        .exclude(status=PeriodStatus.ENDED)
        .values("client_id")
    )
    open_memberships = GroupMembership.objects.filter(group=group).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day)
    )
    return (
        Client.objects.filter(in_unit)
        .exclude(pk__in=open_memberships.values("client_id"))
        .order_by("last_name", "first_name", "pk")
    )


def group_sessions_of(*, group: Group, limit: int = 30) -> list[GroupSession]:
    """The group's latest sessions with ``took_part_count`` and ``roster_count``: one query."""
    return list(
        group.sessions.annotate(
            took_part_count=Count("roster", filter=Q(roster__took_part=True)),
            roster_count=Count("roster"),
        ).order_by("-starts_at", "-pk")[:limit]
    )


def group_sessions_at(
    *, group: Group, starts_at: datetime.datetime, exclude: GroupSession | None = None
) -> list[GroupSession]:
    """The group's other sessions starting at the same date and time (a likely double entry)."""
    sessions = GroupSession.objects.filter(group=group, starts_at=starts_at)
    if exclude is not None:
        sessions = sessions.exclude(pk=exclude.pk)
    return list(sessions.order_by("pk"))


def counsellor_choices(*, unit_ids: Iterable[int]) -> QuerySet[User]:
    """Staff (counsellors, unit managers) of the units: who may be named as counsellors."""
    return staff_of_units(unit_ids)


# --- Group sessions ------------------------------------------------------------------------


def group_session_get(*, user: User | AnonymousUser, code: uuid.UUID | str) -> GroupSession:
    """The group session with its group, unit and counsellors, or 404."""
    try:
        return (
            GroupSession.objects.select_related("group__unit", "recorded_by")
            .prefetch_related("counsellors")
            .get(uuid=code, group__unit_id__in=get_access(user).client_unit_ids)
        )
    except (GroupSession.DoesNotExist, ValueError):
        raise Http404 from None


def group_session_roster(*, session: GroupSession) -> list[GroupSessionParticipant]:
    """The roster lines of a session with their clients, by name."""
    return list(
        session.roster.select_related("client").order_by(
            "client__last_name", "client__first_name", "client__pk"
        )
    )


# --- Individual sessions -------------------------------------------------------------------


def individual_session_get(*, client: Client, code: uuid.UUID | str) -> IndividualSession:
    """The client's session with its counsellors and goals, or 404. ``client`` comes from
    ``clients.access.get_client_for_user``, which has already checked the user may see it."""
    try:
        return (
            IndividualSession.objects.select_related("client", "unit", "recorded_by")
            .prefetch_related("counsellors", "goals")
            .get(client=client, uuid=code)
        )
    except (IndividualSession.DoesNotExist, ValueError):
        raise Http404 from None


def client_current_plan(*, client: Client) -> ActivationPlan | None:
    """The plan of the client's current period (clients.selectors.current_period), if any."""
    period = current_period(client_periods(client))
    if period is None:
        return None
    return ActivationPlan.objects.filter(period=period).first()


def client_session_unit(*, client: Client) -> Unit:
    """Where a session with the client belongs: the current period's unit, else the unit that
    registered the client."""
    period = current_period(client_periods(client))
    return period.unit if period is not None else client.registered_unit


def goal_choices(*, client: Client, keep: Iterable[int] = ()) -> QuerySet[ClientGoal]:
    """The goals of the client's current plan, plus goals already linked (``keep``) so that
    editing an older session never drops them."""
    plan = client_current_plan(client=client)
    in_plan = Q(plan=plan) if plan is not None else Q(pk__in=[])
    return (
        ClientGoal.objects.filter(in_plan | Q(pk__in=list(keep), plan__period__client=client))
        .select_related("plan")
        .order_by("plan__period__start_date", "order", "pk")
    )


# --- Transitions ---------------------------------------------------------------------------


def period_get(*, user: User | AnonymousUser, code: uuid.UUID | str) -> Period:
    """The period with its client and unit, or 404 when the user may not see its client."""
    try:
        return (
            Period.objects.select_related("client", "unit")
            .filter(client__in=clients_visible_to(user))
            .get(uuid=code)
        )
    except (Period.DoesNotExist, ValueError):
        raise Http404 from None


def can_edit_period(*, user: User | AnonymousUser, period: Period) -> bool:
    """The staff of the period's own unit end it and record its follow-ups."""
    return period.unit_id in get_access(user).edit_unit_ids


def attendance_after(*, period: Period, day: datetime.date) -> list[datetime.date]:
    """The dates of the period's attendance records after ``day``."""
    return list(
        AttendanceRecord.objects.filter(period=period, date__gt=day)
        .order_by("date")
        .values_list("date", flat=True)
    )


def follow_up_due_date(exit_date: datetime.date, months: int) -> datetime.date:
    """``months`` calendar months after the exit (31.8. + 6 months = 28.2. or 29.2.)."""
    return exit_date + relativedelta(months=months)


def _latest_exit_due_by(day: datetime.date, months: int) -> datetime.date:
    """The latest exit date whose follow-up is due on or before ``day`` (month ends clamp, so
    a few exit dates can share a due date)."""
    latest = day - relativedelta(months=months)
    while follow_up_due_date(latest + datetime.timedelta(days=1), months) <= day:
        latest += datetime.timedelta(days=1)
    return latest


@dataclass(frozen=True)
class FollowUpDue:
    """A follow-up of the destination, ``months`` after the exit, not yet recorded."""

    period: Period
    months: int
    due_date: datetime.date
    overdue: bool


def follow_ups_due(user: User | AnonymousUser, today: datetime.date) -> list[FollowUpDue]:
    """Ended periods of the user's own units whose client consented to follow-up and whose
    3- or 6-month follow-up falls due within 14 days (or has passed) with no destination
    recorded for it yet. One query; soonest due first."""
    unit_ids = get_access(user).edit_unit_ids
    if not unit_ids:
        return []
    horizon = today + datetime.timedelta(days=FOLLOW_UP_NOTICE_DAYS)
    due_3 = Q(exit_date__lte=_latest_exit_due_by(horizon, 3), destination_3m="")
    due_6 = Q(exit_date__lte=_latest_exit_due_by(horizon, 6), destination_6m="")
    periods = (
        Period.objects.filter(
            unit_id__in=unit_ids,
            status=PeriodStatus.ENDED,
            follow_up_consent=True,
            exit_date__isnull=False,
        )
        .filter(due_3 | due_6)
        .select_related("client", "unit")
        .order_by("exit_date", "pk")
    )
    due: list[FollowUpDue] = []
    for period in periods:
        assert period.exit_date is not None  # noqa: S101 - filtered above
        for months in FOLLOW_UP_MONTHS:
            recorded = getattr(period, f"destination_{months}m")
            due_date = follow_up_due_date(period.exit_date, months)
            if not recorded and due_date <= horizon:
                due.append(FollowUpDue(period, months, due_date, due_date < today))
    return sorted(due, key=lambda item: (item.due_date, item.months, item.period.pk))
