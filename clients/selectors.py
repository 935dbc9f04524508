"""Reads of the client registry, already scoped to the user (STYLE.md).

The list is one query for its page whatever the number of clients or periods: the current
period's status and unit, and the latest period start, come from subqueries.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Exists,
    F,
    OrderBy,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Role, RoleAssignment, Unit

from .access import clients_visible_to
from .hetu import CENTURIES, clean_hetu
from .models import Client, Period, PeriodStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

PAGE_SIZE = 25
# The shape of a personal identity code, after clean_hetu: a search text of this shape is
# matched exactly against identity codes, anything else against names.
_HETU_SHAPE = re.compile(r"^\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]$")
# A birth date: the start of an identity code (ddmmyy, with or without its century sign), or
# d.m.yyyy as the pages write dates.
_CODE_START_SHAPE = re.compile(r"^(\d{2})(\d{2})(\d{2})([-+A-FU-Y]?)$")
_BIRTH_DATE_SHAPE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")

STAFF_ROLES = (Role.COUNSELLOR, Role.UNIT_MANAGER)


class ListStatus:
    """The list's status filter, worked out from the client's periods."""

    ACTIVE = "active"  # has an active period
    PLANNED = "planned"  # has periods, none active, not all ended (draft or agreed ones)
    ENDED = "ended"  # has periods and all of them have ended
    NONE = "none"  # no period at all

    choices = (
        (ACTIVE, _("Active period")),
        (PLANNED, _("Period being planned")),
        (ENDED, _("All periods ended")),
        (NONE, _("No period")),
    )


# Sort keys of the list; the name always breaks ties so that pages are stable.
SORTS: dict[str, tuple[str | OrderBy, ...]] = {
    "name": ("last_name", "first_name"),
    "-name": ("-last_name", "-first_name"),
    "birth": ("date_of_birth",),
    "-birth": ("-date_of_birth",),
    "unit": (F("unit_name").asc(nulls_last=True),),
    "-unit": (F("unit_name").desc(nulls_last=True),),
    "start": (F("latest_start").asc(nulls_last=True),),
    "-start": (F("latest_start").desc(nulls_last=True),),
}
DEFAULT_SORT = "name"

# Which of a client's periods is "current": an active one, else the next agreed, else a
# draft, else the latest ended; the latest start wins within each.
_STATUS_RANK = {
    PeriodStatus.ACTIVE: 0,
    PeriodStatus.AGREED: 1,
    PeriodStatus.DRAFT: 2,
    PeriodStatus.ENDED: 3,
}


def looks_like_hetu(text: str) -> bool:
    return bool(_HETU_SHAPE.match(clean_hetu(text)))


def birth_date_like(text: str) -> bool:
    text = clean_hetu(text)
    return bool(_CODE_START_SHAPE.match(text) or _BIRTH_DATE_SHAPE.match(text))


def birth_dates_searched(text: str, *, today: datetime.date | None = None) -> list[datetime.date]:
    """The birth dates a search text means, or none when it is no date.

    ``140384`` (the start of an identity code) is 14.3.1984, or 14.3.2004 for ``140304``: every
    century of the 1900s and 2000s that is not in the future. ``140384-`` or ``140384A`` names its
    century with the code's sign, and ``14.3.1984`` is one date.
    """
    text = clean_hetu(text)
    today = today or timezone.localdate()
    if match := _BIRTH_DATE_SHAPE.match(text):
        day, month, year = (int(part) for part in match.groups())
        candidates = [(year, month, day)]
    elif match := _CODE_START_SHAPE.match(text):
        day, month, year, sign = match.groups()
        centuries = [CENTURIES[sign]] if sign else [1900, 2000]
        candidates = [(century + int(year), int(month), int(day)) for century in centuries]
    else:
        return []
    dates = []
    for year, month, day in candidates:
        try:
            born = datetime.date(year, month, day)
        except ValueError:
            continue
        if born <= today:
            dates.append(born)
    return dates


def _current_periods() -> QuerySet[Period]:
    rank = Case(
        *(When(status=status, then=Value(value)) for status, value in _STATUS_RANK.items()),
        default=Value(9),
    )
    return Period.objects.filter(client=OuterRef("pk")).order_by(rank.asc(), "-start_date", "-pk")


def _periods_of(**filters: Any) -> Exists:
    return Exists(Period.objects.filter(client=OuterRef("pk"), **filters))


def client_list(
    user: User | AnonymousUser,
    *,
    query: str = "",
    unit: Unit | None = None,
    counsellor: User | None = None,
    status: str = "",
    sort: str = DEFAULT_SORT,
    mine: bool = False,
) -> QuerySet[Client]:
    """The clients ``user`` may see, filtered and sorted for the client list.

    ``query`` is an identity code (matched exactly, never by part), a birth date (``140384``,
    ``140384-`` or ``14.3.1984``) or words each found in the first or last name. ``mine``
    keeps the clients ``user`` is responsible for. Each row carries ``current_period_status``,
    ``unit_name`` (the current period's unit, or the registering unit) and ``latest_start``.
    """
    clients = clients_visible_to(user)
    if mine:
        clients = clients.filter(responsible_counsellor_id=user.pk)
    query = query.strip()
    if query and looks_like_hetu(query):
        clients = clients.with_hetu(query)
    elif query and (born := birth_dates_searched(query)):
        clients = clients.filter(date_of_birth__in=born)
    elif query and birth_date_like(query):
        clients = clients.none()  # a date that does not exist, e.g. 310284
    else:
        for word in query.split():
            clients = clients.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    if unit is not None:
        clients = clients.filter(Q(registered_unit=unit) | _periods_of(unit=unit))
    if counsellor is not None:
        clients = clients.filter(responsible_counsellor=counsellor)
    if status == ListStatus.ACTIVE:
        clients = clients.filter(_periods_of(status=PeriodStatus.ACTIVE))
    elif status == ListStatus.PLANNED:
        clients = clients.filter(
            _periods_of(status__in=[PeriodStatus.DRAFT, PeriodStatus.AGREED])
            & ~_periods_of(status=PeriodStatus.ACTIVE)
        )
    elif status == ListStatus.ENDED:
        clients = clients.filter(
            _periods_of()
            & ~_periods_of(
                status__in=[PeriodStatus.DRAFT, PeriodStatus.AGREED, PeriodStatus.ACTIVE]
            )
        )
    elif status == ListStatus.NONE:
        clients = clients.filter(~_periods_of())
    current = _current_periods()
    latest = Period.objects.filter(client=OuterRef("pk")).order_by("-start_date")
    clients = (
        clients.select_related("responsible_counsellor", "registered_unit")
        .annotate(
            current_period_status=Subquery(current.values("status")[:1]),
            current_unit_name=Subquery(current.values("unit__name")[:1]),
            latest_start=Subquery(latest.values("start_date")[:1]),
        )
        .annotate(unit_name=Coalesce("current_unit_name", "registered_unit__name"))
    )
    return clients.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]), "last_name", "first_name", "pk")


def _period_relations() -> list[str]:
    """The unit, and the plan when the plans app adds its one-to-one relation to periods."""
    accessors = {rel.get_accessor_name() for rel in Period._meta.related_objects if rel.one_to_one}
    return ["unit", *(["plan"] if "plan" in accessors else [])]


def client_periods(client: Client) -> list[Period]:
    """The client's periods, newest first, with their units (and plans) in the same query."""
    return list(
        Period.objects.filter(client=client)
        .select_related(*_period_relations())
        .order_by("-start_date", "-pk")
    )


def current_period(periods: Iterable[Period]) -> Period | None:
    """The period the client is in now, or the one coming or last ended (see ``_STATUS_RANK``)."""
    return min(
        periods,
        key=lambda p: (_STATUS_RANK.get(p.status, 9), -p.start_date.toordinal(), -p.pk),
        default=None,
    )


def client_units(client: Client, periods: Sequence[Period]) -> list[Unit]:
    """The registering unit and the units of the client's periods, each once."""
    units: dict[int, Unit] = {client.registered_unit_id: client.registered_unit}
    for period in periods:
        units.setdefault(period.unit_id, period.unit)
    return list(units.values())


def client_unit_ids(client: Client) -> set[int]:
    """The ids of the registering unit and of the units of the client's periods."""
    return {client.registered_unit_id, *client.periods.values_list("unit_id", flat=True)}


def staff_of_units(unit_ids: Iterable[int]) -> QuerySet[User]:
    """Active users with a counsellor or unit-manager role in one of the units."""
    user_model = get_user_model()
    has_role = Exists(
        RoleAssignment.objects.filter(
            user=OuterRef("pk"), role__in=STAFF_ROLES, unit_id__in=list(unit_ids)
        )
    )
    return user_model.objects.filter(has_role, is_active=True).order_by(
        "last_name", "first_name", "username"
    )


def client_with_hetu(code: str, *, exclude_pk: int | None = None) -> Client | None:
    """The client registered with exactly this code, whoever may see it (duplicate check)."""
    clients = Client.objects.select_related("registered_unit").with_hetu(code)
    if exclude_pk is not None:
        clients = clients.exclude(pk=exclude_pk)
    return clients.first()
