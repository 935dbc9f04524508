"""The client's timeline: individual sessions, group sessions, plan events and the ends of
periods (with the exit reason and destination) in one list, newest first (the client page
shows it with ``templates/guidance/partials/client_timeline.html``).

Eight queries whatever the number of entries: each source is read once, newest first and cut
at ``limit`` (the newest ``limit`` of the merged list are among the newest ``limit`` of each
source), then merged in Python. Period starts and attendance warnings are shown by the client
page itself.

Order: by day, newest first. Within a day, oldest to newest: a plan being made, then its
agreement, then the day's other events by time, then the end of a period. A plan whose
record was made after its parties had agreed (an import, the demo) is shown as made on the
first day of agreement, without a time.

Confidentiality: the caller has got ``client`` from ``clients.access.get_client_for_user``,
so ``user`` may see the client and its session notes. A group session shows only this
client's own note; other members' notes never reach this list. The page that shows the
timeline writes the access-log row.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from activation_plans.models import ActivationPlan, FollowUpMeeting, PlanVersion
from clients.models import Period, PeriodStatus
from organisations.access import get_access

from .models import GroupSessionParticipant, IndividualSession

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from clients.models import Client

NOTE_WORDS = 40


class EntryKind:
    INDIVIDUAL_SESSION = "individual_session"
    GROUP_SESSION = "group_session"
    PLAN_CREATED = "plan_created"
    PLAN_AGREED = "plan_agreed"
    PLAN_CHANGED = "plan_changed"
    FOLLOW_UP_MEETING = "follow_up_meeting"
    PERIOD_ENDED = "period_ended"


# Within one day, oldest first (see the module's docstring); other kinds are 2.
_DAY_STEPS = {EntryKind.PLAN_CREATED: 0, EntryKind.PLAN_AGREED: 1, EntryKind.PERIOD_ENDED: 3}


@dataclass(frozen=True)
class TimelineEntry:
    """One event. ``at`` is aware; for an event with a date only (``has_time`` False) it is
    the start of that day in Europe/Helsinki."""

    kind: str
    at: datetime.datetime
    has_time: bool
    title: str
    details: list[str] = field(default_factory=list)
    note: str = ""
    note_truncated: bool = False
    url: str = ""

    @property
    def day(self) -> datetime.date:
        return timezone.localtime(self.at).date()


def _name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _day(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _details(*items: str) -> list[str]:
    return [item for item in items if item]


def _duration(minutes: int) -> str:
    return _("%(minutes)s min") % {"minutes": minutes}


def _individual_entries(client: Client, limit: int) -> list[TimelineEntry]:
    sessions = (
        IndividualSession.objects.filter(client=client)
        .prefetch_related("counsellors", "goals")
        .order_by("-starts_at", "-pk")[:limit]
    )
    entries = []
    for session in sessions:
        counsellors = ", ".join(_name(user) for user in session.counsellors.all())
        goals = [goal.text for goal in session.goals.all()]
        note = Truncator(session.notes).words(NOTE_WORDS, truncate="…")
        entries.append(
            TimelineEntry(
                kind=EntryKind.INDIVIDUAL_SESSION,
                at=session.starts_at,
                has_time=True,
                title=_("%(kind)s: %(topic)s")
                % {"kind": session.get_kind_display(), "topic": session.topic},
                details=_details(
                    _duration(session.duration_minutes),
                    counsellors,
                    _("Goals: %(goals)s") % {"goals": "; ".join(goals)} if goals else "",
                ),
                note=note,
                note_truncated=note != session.notes,
                url=reverse(
                    "guidance:sessions_individual_detail",
                    kwargs={"client": client.uuid, "code": session.uuid},
                ),
            )
        )
    return entries


def _group_entries(client: Client, user: User | AnonymousUser, limit: int) -> list[TimelineEntry]:
    lines = (
        GroupSessionParticipant.objects.filter(client=client)
        .select_related("session__group")
        .order_by("-session__starts_at", "-pk")[:limit]
    )
    group_units = get_access(user).client_unit_ids
    entries = []
    for line in lines:
        session = line.session
        entries.append(
            TimelineEntry(
                kind=EntryKind.GROUP_SESSION,
                at=session.starts_at,
                has_time=True,
                title=_("Group %(group)s: %(topic)s")
                % {"group": session.group.name, "topic": session.topic},
                details=_details(
                    _duration(session.duration_minutes),
                    _("Took part") if line.took_part else _("Did not take part"),
                ),
                note=line.note,
                url=(
                    reverse("guidance:group_session_detail", kwargs={"code": session.uuid})
                    if session.group.unit_id in group_units
                    else ""
                ),
            )
        )
    return entries


def _agreed_on(plan: ActivationPlan) -> datetime.date | None:
    if plan.period.status == PeriodStatus.DRAFT:
        return None
    dates = [
        plan.client_agreed_on,
        plan.organiser_agreed_on,
        plan.employment_authority_agreed_on,
    ]
    return max(dates) if all(dates) else None  # type: ignore[type-var]


def _first_agreed_on(plan: ActivationPlan) -> datetime.date | None:
    dates = [
        plan.client_agreed_on,
        plan.organiser_agreed_on,
        plan.employment_authority_agreed_on,
    ]
    known = [day for day in dates if day is not None]
    return min(known) if known else None


def _made_at(plan: ActivationPlan) -> tuple[datetime.datetime, bool]:
    """When the plan was made, and whether that has a time: its record's creation, unless a
    party agreed to it on an earlier day (the record was made later, by an import)."""
    first = _first_agreed_on(plan)
    if first is not None and first < timezone.localtime(plan.created_at).date():
        return _start_of(first), False
    return plan.created_at, True


def _plan_entries(client: Client, limit: int) -> list[TimelineEntry]:
    plans = (
        ActivationPlan.objects.filter(period__client=client)
        .select_related("period__unit", "plan_type", "created_by")
        .order_by("-created_at", "-pk")[:limit]
    )
    entries = []
    for plan in plans:
        url = reverse("activation_plans:detail", kwargs={"code": plan.uuid})
        period = plan.period
        placement = f"{period.unit.name}, {_day(period.start_date)}–{_day(period.last_day)}"
        made_at, made_has_time = _made_at(plan)
        entries.append(
            TimelineEntry(
                kind=EntryKind.PLAN_CREATED,
                at=made_at,
                has_time=made_has_time,
                title=_("Plan made: %(plan_type)s") % {"plan_type": plan.plan_type},
                details=_details(placement, _name(plan.created_by)),
                url=url,
            )
        )
        agreed = _agreed_on(plan)
        if agreed is not None:
            entries.append(
                TimelineEntry(
                    kind=EntryKind.PLAN_AGREED,
                    at=_start_of(agreed),
                    has_time=False,
                    title=_("Plan agreed by all three parties"),
                    details=_details(placement),
                    url=url,
                )
            )
    return entries


def _version_entries(client: Client, limit: int) -> list[TimelineEntry]:
    versions = (
        PlanVersion.objects.filter(plan__period__client=client)
        .select_related("plan", "changed_by")
        .order_by("-changed_at", "-pk")[:limit]
    )
    entries = []
    for version in versions:
        labels = [str(change.get("label") or change.get("field")) for change in version.changes]
        shown = ", ".join(labels[:5]) + (" …" if len(labels) > 5 else "")
        entries.append(
            TimelineEntry(
                kind=EntryKind.PLAN_CHANGED,
                at=version.changed_at,
                has_time=True,
                title=_("Plan changed: version %(version)s") % {"version": version.version + 1},
                details=_details(_name(version.changed_by), shown),
                url=reverse(
                    "activation_plans:version_detail",
                    kwargs={"code": version.plan.uuid, "version": version.version},
                ),
            )
        )
    return entries


def _follow_up_entries(client: Client, limit: int) -> list[TimelineEntry]:
    meetings = (
        FollowUpMeeting.objects.filter(plan__period__client=client)
        .select_related("plan", "recorded_by")
        .order_by("-date", "-pk")[:limit]
    )
    return [
        TimelineEntry(
            kind=EntryKind.FOLLOW_UP_MEETING,
            at=_start_of(meeting.date),
            has_time=False,
            title=(
                _("24-month review of the plan")
                if meeting.is_24_month_review
                else _("Follow-up meeting of the plan")
            ),
            details=_details(meeting.participants, _name(meeting.recorded_by)),
            url=reverse("activation_plans:detail", kwargs={"code": meeting.plan.uuid}),
        )
        for meeting in meetings
    ]


def _period_end_entries(client: Client, limit: int) -> list[TimelineEntry]:
    periods = (
        Period.objects.filter(client=client, exit_date__isnull=False)
        .select_related("unit")
        .order_by("-exit_date", "-pk")[:limit]
    )
    return [
        TimelineEntry(
            kind=EntryKind.PERIOD_ENDED,
            at=_start_of(period.exit_date),
            has_time=False,
            title=_("Period ended: %(unit)s") % {"unit": period.unit.name},
            details=_details(
                _("Exit reason: %(reason)s") % {"reason": period.get_exit_reason_display()}
                if period.exit_reason
                else "",
                _("Destination: %(destination)s")
                % {"destination": period.get_destination_display()}
                if period.destination
                else "",
            ),
        )
        for period in periods
    ]


def _order(entry: TimelineEntry) -> tuple[datetime.date, int, datetime.datetime]:
    """Sort key, oldest first: the day, the step within the day, the time."""
    return (entry.day, _DAY_STEPS.get(entry.kind, 2), entry.at)


def client_timeline(
    client: Client, user: User | AnonymousUser, limit: int = 50
) -> list[TimelineEntry]:
    """The client's newest ``limit`` events, newest first (see the module's docstring)."""
    entries = [
        *_individual_entries(client, limit),
        *_group_entries(client, user, limit),
        *_plan_entries(client, limit),
        *_version_entries(client, limit),
        *_follow_up_entries(client, limit),
        *_period_end_entries(client, limit),
    ]
    entries.sort(key=_order, reverse=True)
    return entries[:limit]
