"""A counsellor's agenda for the home page (``templates/guidance/partials/home_agenda.html``):
today's and this week's group sessions in the user's own units, the individual sessions the
user is a counsellor of, and the destination follow-ups that are due. Three queries.

The home page that shows it writes the access-log rows for the clients it names
(:meth:`Agenda.client_uuids`).
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from clients.access import clients_visible_to
from organisations.access import get_access

from .models import GroupSession, IndividualSession
from .session_selectors import FollowUpDue, follow_ups_due, local_day_bounds

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


@dataclass(frozen=True)
class AgendaItem:
    kind: str  # "group" or "individual"
    starts_at: datetime.datetime
    duration_minutes: int
    title: str  # the group's name, or the client's name
    topic: str
    unit_name: str
    url: str
    client_uuid: uuid.UUID | None = None  # the client an individual session names

    @property
    def day(self) -> datetime.date:
        return timezone.localtime(self.starts_at).date()


@dataclass
class Agenda:
    today: datetime.date
    week_start: datetime.date
    week_end: datetime.date
    today_items: list[AgendaItem] = field(default_factory=list)
    week_items: list[AgendaItem] = field(default_factory=list)  # the week's other days
    follow_ups: list[FollowUpDue] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.today_items or self.week_items or self.follow_ups)

    def client_uuids(self) -> list[uuid.UUID]:
        """The clients the agenda names, for the access log of the page that shows it."""
        named = [
            item.client_uuid
            for item in (*self.today_items, *self.week_items)
            if item.client_uuid is not None
        ]
        return named + [due.period.client.uuid for due in self.follow_ups]


def counsellor_agenda(user: User | AnonymousUser, today: datetime.date) -> Agenda:
    """The week (Monday to Sunday) around ``today``, sessions in time order."""
    week_start = today - datetime.timedelta(days=today.weekday())
    week_end = week_start + datetime.timedelta(days=6)
    agenda = Agenda(today=today, week_start=week_start, week_end=week_end)
    unit_ids = get_access(user).edit_unit_ids
    if not unit_ids:
        return agenda
    start, end = local_day_bounds(week_start, week_end)
    items = [
        AgendaItem(
            kind="group",
            starts_at=session.starts_at,
            duration_minutes=session.duration_minutes,
            title=session.group.name,
            topic=session.topic,
            unit_name=session.group.unit.name,
            url=reverse("guidance:group_session_detail", kwargs={"code": session.uuid}),
        )
        for session in GroupSession.objects.filter(
            group__unit_id__in=unit_ids, starts_at__gte=start, starts_at__lt=end
        ).select_related("group__unit")
    ]
    items += [
        AgendaItem(
            kind="individual",
            starts_at=session.starts_at,
            duration_minutes=session.duration_minutes,
            title=session.client.full_name,
            topic=session.topic,
            unit_name=session.unit.name,
            url=reverse(
                "guidance:sessions_individual_detail",
                kwargs={"client": session.client.uuid, "code": session.uuid},
            ),
            client_uuid=session.client.uuid,
        )
        for session in IndividualSession.objects.filter(
            counsellors=user,
            client__in=clients_visible_to(user),
            starts_at__gte=start,
            starts_at__lt=end,
        ).select_related("client", "unit")
    ]
    items.sort(key=lambda item: (item.starts_at, item.title))
    agenda.today_items = [item for item in items if item.day == today]
    agenda.week_items = [item for item in items if item.day != today]
    agenda.follow_ups = follow_ups_due(user, today)
    return agenda
