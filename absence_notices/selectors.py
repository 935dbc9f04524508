"""Absence notices as the month sheet makes them: who needs one for which half-month, with
which figures, and whether it is due, overdue, sent or needs a correction (docs/rules.md,
"Absence notices").

- **Half-months.** A notice covers the 1st–14th or the 15th–last day of a month
  (:class:`Fortnight`), so that no notice spans two months (and two month locks).
- **Who.** A client with a live period (not a draft) in the unit overlapping the half-month,
  with planned days or recorded days in it, whose benefit (the period's entry benefit, else the
  client's) is paid by Kela or an unemployment fund (``reporting.builders.allowance.payer_for``).
  Toimintaraha (social assistance, paid by the organiser) and an unknown benefit need no notice.
- **Figures.** The status of each recorded day of the client's periods in the unit, and the
  planned days (scheduled days that are not public holidays nor closure days of the unit).
- **Status.** Due once the half-month has ended; overdue when not sent within
  ``ABSENCE_NOTICE_OVERDUE_DAYS`` (default 7) days after its last day; sent when marked sent;
  correction due when the recorded days now differ from those of the last notice sent.
- The lists look back ``ABSENCE_NOTICE_LOOKBACK_DAYS`` (default 92) days, and not before
  ``ABSENCE_NOTICES_FROM`` (an ISO date, unset by default) when it is set.

Everything a list needs is read with four queries, whatever the number of clients.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import pgettext_lazy

from clients.models import Client, Period, PeriodStatus
from guidance.calendar import ONE_DAY, finnish_holidays, month_bounds, planned_days
from guidance.models import ABSENCE_STATUSES, AttendanceRecord, AttendanceStatus
from organisations.access import get_access
from organisations.models import ClosureDay, Unit
from reporting.builders.allowance import payer_for

from .models import AbsenceNotice, Payer

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

EARLIEST_YEAR = 2000
LATEST_YEAR = 2100
SECOND_HALF_STARTS = 15  # the first half is the 1st–14th


def overdue_days() -> int:
    """Days after a half-month's last day within which its notices should be sent."""
    return int(getattr(settings, "ABSENCE_NOTICE_OVERDUE_DAYS", 7))


def lookback_days() -> int:
    """How far back the lists look for half-months whose notices are due."""
    return int(getattr(settings, "ABSENCE_NOTICE_LOOKBACK_DAYS", 92))


def notices_from() -> datetime.date | None:
    """The first day notices are prepared for (``ABSENCE_NOTICES_FROM``, an ISO date: when the
    unit started sending them from KUTY); None: as far as the look-back goes."""
    value = getattr(settings, "ABSENCE_NOTICES_FROM", None)
    if not value:
        return None
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


# --- half-months -----------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Fortnight:
    """A half of a month: the 1st–14th (``half`` 1) or the 15th–last day (``half`` 2)."""

    first: datetime.date
    last: datetime.date

    @classmethod
    def of(cls, year: int, month: int, half: int) -> Fortnight:
        """The half-month, or ValueError for one that does not exist."""
        if not (EARLIEST_YEAR <= year <= LATEST_YEAR and 1 <= month <= 12 and half in (1, 2)):
            raise ValueError("no such half-month")
        month_first, month_last = month_bounds(year, month)
        if half == 1:
            return cls(month_first, month_first.replace(day=SECOND_HALF_STARTS - 1))
        return cls(month_first.replace(day=SECOND_HALF_STARTS), month_last)

    @classmethod
    def containing(cls, day: datetime.date) -> Fortnight:
        return cls.of(day.year, day.month, 1 if day.day < SECOND_HALF_STARTS else 2)

    @property
    def half(self) -> int:
        return 1 if self.first.day == 1 else 2

    @property
    def previous(self) -> Fortnight:
        return Fortnight.containing(self.first - ONE_DAY)

    def ended(self, today: datetime.date) -> bool:
        return self.last < today

    def due_by(self) -> datetime.date:
        """The last day to send its notices before they are overdue."""
        return self.last + datetime.timedelta(days=overdue_days())

    def kwargs(self) -> dict[str, int]:
        return {"year": self.first.year, "month": self.first.month, "half": self.half}

    def __str__(self) -> str:
        last = self.last
        return f"{self.first.day}.{self.first.month}.–{last.day}.{last.month}.{last.year}"


def fortnight_or_404(year: int, month: int, half: int) -> Fortnight:
    try:
        return Fortnight.of(year, month, half)
    except ValueError:
        raise Http404 from None


def fortnights_of_month(first_of_month: datetime.date) -> list[Fortnight]:
    return [Fortnight.of(first_of_month.year, first_of_month.month, half) for half in (1, 2)]


def recent_fortnights(today: datetime.date) -> list[Fortnight]:
    """The half-months that have ended within the look-back, newest first."""
    earliest = today - datetime.timedelta(days=lookback_days())
    start = notices_from()
    found = []
    fortnight = Fortnight.containing(today).previous
    while (
        fortnight.last >= earliest
        and fortnight.first.year >= EARLIEST_YEAR
        and (start is None or fortnight.last >= start)
    ):
        found.append(fortnight)
        fortnight = fortnight.previous
    return found


# --- access ---------------------------------------------------------------------------------


def notice_units_for_user(user: User | AnonymousUser) -> QuerySet[Unit]:
    """Units whose notices the user prepares: counsellors and unit managers of the unit."""
    return Unit.objects.filter(id__in=get_access(user).edit_unit_ids).order_by("name")


def notice_units(user: User | AnonymousUser) -> list[Unit]:
    """The units whose notices the user prepares: those they are a counsellor or manager of."""
    return list(Unit.objects.filter(id__in=get_access(user).edit_unit_ids).order_by("name"))


def notice_unit_or_404(*, user: User | AnonymousUser, unit_uuid: uuid.UUID | str) -> Unit:
    """The unit, when the user is one of its counsellors or unit managers; else 404 (also for
    a project manager who follows the unit, and for a unit that does not exist)."""
    try:
        return Unit.objects.select_related("organiser").get(
            uuid=unit_uuid, id__in=get_access(user).edit_unit_ids
        )
    except (Unit.DoesNotExist, ValueError):
        raise Http404 from None


# --- the figures ----------------------------------------------------------------------------


class NoticeStatus:
    DUE = "due"
    OVERDUE = "overdue"
    CORRECTION_DUE = "correction_due"
    SENT = "sent"

    PENDING = (DUE, OVERDUE, CORRECTION_DUE)
    LABELS = {
        DUE: pgettext_lazy("absence notice", "Due"),
        OVERDUE: pgettext_lazy("absence notice", "Overdue"),
        CORRECTION_DUE: pgettext_lazy("absence notice", "Correction due"),
        SENT: pgettext_lazy("absence notice", "Sent"),
    }


@dataclass(frozen=True)
class AbsenceLine:
    code: str
    dates: list[datetime.date]

    @property
    def label(self) -> str:
        return str(AttendanceStatus(self.code).label)

    @property
    def count(self) -> int:
        return len(self.dates)


@dataclass(frozen=True)
class NoticeFigures:
    """What a notice says, as stored when it is sent (:meth:`as_json`) and read back."""

    client_name: str
    unit_name: str
    organiser_name: str
    payer: str
    benefit: str
    counsellor_name: str
    counsellor_email: str
    counsellor_phone: str
    days: dict[str, str]  # ISO date: attendance code, every recorded day
    planned: list[str]  # ISO dates of the planned days

    def as_json(self) -> dict[str, Any]:
        return {
            "client_name": self.client_name,
            "unit_name": self.unit_name,
            "organiser_name": self.organiser_name,
            "payer": self.payer,
            "benefit": self.benefit,
            "counsellor": {
                "name": self.counsellor_name,
                "email": self.counsellor_email,
                "phone": self.counsellor_phone,
            },
            "days": dict(sorted(self.days.items())),
            "planned": sorted(self.planned),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> NoticeFigures:
        counsellor = data.get("counsellor") or {}
        return cls(
            client_name=data.get("client_name", ""),
            unit_name=data.get("unit_name", ""),
            organiser_name=data.get("organiser_name", ""),
            payer=data.get("payer", ""),
            benefit=data.get("benefit", ""),
            counsellor_name=counsellor.get("name", ""),
            counsellor_email=counsellor.get("email", ""),
            counsellor_phone=counsellor.get("phone", ""),
            days=dict(data.get("days") or {}),
            planned=list(data.get("planned") or []),
        )

    def _dates(self, code: str) -> list[datetime.date]:
        return [datetime.date.fromisoformat(d) for d, s in sorted(self.days.items()) if s == code]

    @property
    def payer_label(self) -> str:
        return str(Payer(self.payer).label) if self.payer in Payer.values else self.payer

    @property
    def planned_count(self) -> int:
        return len(self.planned)

    @property
    def present_dates(self) -> list[datetime.date]:
        return self._dates(AttendanceStatus.PRESENT)

    @property
    def present_count(self) -> int:
        return len(self.present_dates)

    @property
    def absences(self) -> list[AbsenceLine]:
        """Every absence code, in the order of the codes, with the dates (none: empty)."""
        return [AbsenceLine(code=str(code), dates=self._dates(code)) for code in ABSENCE_STATUSES]

    @property
    def absent_count(self) -> int:
        return sum(1 for s in self.days.values() if s in ABSENCE_STATUSES)

    @property
    def not_organised_count(self) -> int:
        return sum(1 for s in self.days.values() if s == AttendanceStatus.NOT_ORGANISED)

    @property
    def unrecorded_dates(self) -> list[datetime.date]:
        """Planned days without any record: the sheet is not filled in for them."""
        return [datetime.date.fromisoformat(d) for d in sorted(self.planned) if d not in self.days]


@dataclass
class Notice:
    """A client's notice for a half-month in a unit: the figures as they are now, and the
    notices already sent for it (oldest first)."""

    unit: Unit
    client: Client
    fortnight: Fortnight
    figures: NoticeFigures
    sent: list[AbsenceNotice] = field(default_factory=list)
    today: datetime.date | None = None

    @property
    def last_sent(self) -> AbsenceNotice | None:
        return self.sent[-1] if self.sent else None

    @property
    def status(self) -> str:
        last = self.last_sent
        if last is not None:
            if NoticeFigures.from_json(last.figures).days != self.figures.days:
                return NoticeStatus.CORRECTION_DUE
            return NoticeStatus.SENT
        today = self.today or datetime.date.max
        if today > self.fortnight.due_by():
            return NoticeStatus.OVERDUE
        return NoticeStatus.DUE

    @property
    def status_label(self) -> str:
        return str(NoticeStatus.LABELS[self.status])

    @property
    def pending(self) -> bool:
        return self.status in NoticeStatus.PENDING

    @property
    def is_correction(self) -> bool:
        """Sending it now would correct a notice already sent."""
        return self.last_sent is not None


def _benefit(period: Period) -> str:
    return period.benefit or period.client.benefit


def _counsellor(client: Client) -> tuple[str, str, str]:
    person = client.responsible_counsellor
    if person is None:
        return "", "", ""
    return (person.get_full_name() or person.get_username(), person.email, person.phone)


def notices_for_units(
    *,
    units: Collection[Unit],
    fortnights: Sequence[Fortnight],
    today: datetime.date,
    clients: Collection[uuid.UUID] | None = None,
) -> list[Notice]:
    """The notices of ``units`` for ``fortnights`` (ended or not: the caller chooses), ordered
    by unit, half-month (newest first) and client name. Four queries. ``clients``: only these
    clients (by public id)."""
    if not units or not fortnights:
        return []
    first = min(f.first for f in fortnights)
    last = max(f.last for f in fortnights)
    unit_ids = [u.pk for u in units]
    units_by_id = {u.pk: u for u in units}
    periods_query = (
        Period.objects.filter(unit_id__in=unit_ids, start_date__lte=last)
        .exclude(status=PeriodStatus.DRAFT)
        .annotate(ends=Coalesce("exit_date", "end_date"))
        .filter(ends__gte=first)
        .select_related("client__responsible_counsellor")
        .order_by("client__last_name", "client__first_name", "client_id", "start_date", "pk")
    )
    if clients is not None:
        periods_query = periods_query.filter(client__uuid__in=list(clients))
    periods = list(periods_query)
    period_ids = {p.pk for p in periods}
    statuses: dict[int, dict[datetime.date, str]] = defaultdict(dict)
    # By unit and dates rather than period ids, so the query is made (and counted) always.
    for period_id, day, status in AttendanceRecord.objects.filter(
        period__unit_id__in=unit_ids, date__range=(first, last)
    ).values_list("period_id", "date", "status"):
        if period_id in period_ids:
            statuses[period_id][day] = status
    closures: dict[int, set[datetime.date]] = defaultdict(set)
    for unit_id, day in ClosureDay.objects.filter(
        unit_id__in=unit_ids, date__range=(first, last)
    ).values_list("unit_id", "date"):
        closures[unit_id].add(day)
    sent: dict[tuple[int, int, datetime.date], list[AbsenceNotice]] = defaultdict(list)
    for notice in (
        AbsenceNotice.objects.filter(unit_id__in=unit_ids, first__range=(first, last))
        .select_related("sent_by")
        .order_by("sent_at", "pk")
    ):
        sent[(notice.unit_id, notice.client_id, notice.first)].append(notice)
    holidays = set(finnish_holidays(first, last))

    by_unit_client: dict[tuple[int, int], list[Period]] = {}
    for period in periods:
        by_unit_client.setdefault((period.unit_id, period.client_id), []).append(period)
    notices = []
    for (unit_id, _client_id), client_periods in by_unit_client.items():
        unit = units_by_id[unit_id]
        for fortnight in fortnights:
            notice = _notice(
                unit,
                client_periods,
                fortnight,
                statuses=statuses,
                closures=closures[unit_id],
                holidays=holidays,
            )
            if notice is not None:
                notice.sent = sent.get((unit_id, notice.client.pk, fortnight.first), [])
                notice.today = today
                notices.append(notice)
    unit_order = {u.pk: n for n, u in enumerate(sorted(units, key=lambda u: u.name))}
    # Stable: within a unit and half-month the clients keep the periods' name order.
    notices.sort(key=lambda n: (unit_order[n.unit.pk], -n.fortnight.first.toordinal()))
    return notices


def _notice(
    unit: Unit,
    periods: list[Period],
    fortnight: Fortnight,
    *,
    statuses: dict[int, dict[datetime.date, str]],
    closures: set[datetime.date],
    holidays: set[datetime.date],
) -> Notice | None:
    """The client's notice for the half-month, or None when none is needed."""
    covering = [
        p for p in periods if p.start_date <= fortnight.last and p.last_day >= fortnight.first
    ]
    if not covering:
        return None
    benefit = _benefit(covering[-1])  # the benefit of the latest period in the half-month
    payer = payer_for(benefit)
    if payer not in Payer.values:
        return None
    days: dict[str, str] = {}
    planned: set[str] = set()
    for period in covering:  # ordered by start: the earlier period's record of a day wins
        for day, status in statuses.get(period.pk, {}).items():
            if fortnight.first <= day <= fortnight.last:
                days.setdefault(day.isoformat(), status)
        planned.update(
            d.isoformat()
            for d in planned_days(period, fortnight.first, fortnight.last, closures, holidays)
        )
    if not days and not planned:
        return None
    client = covering[0].client
    name, email, phone = _counsellor(client)
    figures = NoticeFigures(
        client_name=client.full_name,
        unit_name=unit.name,
        organiser_name=unit.organiser.name,
        payer=payer,
        benefit=benefit,
        counsellor_name=name,
        counsellor_email=email,
        counsellor_phone=phone,
        days=dict(sorted(days.items())),
        planned=sorted(planned),
    )
    return Notice(unit=unit, client=client, fortnight=fortnight, figures=figures)


def client_notice_or_404(
    *, unit: Unit, client_uuid: uuid.UUID, fortnight: Fortnight, today: datetime.date
) -> Notice:
    """The client's notice of an ended half-month in the unit; 404 when there is none (the
    half-month has not ended, the client has no period there or no payer to tell)."""
    if not fortnight.ended(today):
        raise Http404
    found = notices_for_units(
        units=[unit], fortnights=[fortnight], today=today, clients=[client_uuid]
    )
    if not found:
        raise Http404
    return found[0]


@dataclass(frozen=True)
class UnitSummary:
    """The counts of a unit's notices for the home page (no client is named)."""

    unit: Unit
    due: int
    overdue: int
    corrections: int

    @property
    def any(self) -> bool:
        return bool(self.due or self.overdue or self.corrections)


def notice_summaries(*, units: Iterable[Unit], today: datetime.date) -> list[UnitSummary]:
    """Per unit: the notices of the half-months ended within the look-back that are due,
    overdue or need a correction."""
    the_units = sorted(units, key=lambda u: u.name)
    counts: dict[int, dict[str, int]] = {u.pk: defaultdict(int) for u in the_units}
    for notice in notices_for_units(
        units=the_units, fortnights=recent_fortnights(today), today=today
    ):
        counts[notice.unit.pk][notice.status] += 1
    return [
        UnitSummary(
            unit=unit,
            due=counts[unit.pk][NoticeStatus.DUE],
            overdue=counts[unit.pk][NoticeStatus.OVERDUE],
            corrections=counts[unit.pk][NoticeStatus.CORRECTION_DUE],
        )
        for unit in the_units
    ]
