"""Attendance warnings a counsellor must see (DOMAIN.md §3, interfaces.md §3 flags).

- ``sick_over_3_days_uncertified``: a run of ``sick`` (own notice, no certificate) planned
  days that spans more than 3 calendar days from its first day to its last. A certificate is
  needed from the 4th day, so a client who comes once a week and is sick on two of their days
  in a row (8 calendar days) is warned about too.
- ``child_sick_over_4_days``: the same for ``child_sick``, more than 4 calendar days.
- ``unjustified_absence``: any ``unjustified`` day; consecutive ones are one warning.
- ``over_weekly_days``: a calendar week with more present dates than a person may take part,
  all units together (:func:`over_weekly_days`).

**Consecutive planned days.** A run is counted along the period's planned days in date order
(:mod:`guidance.calendar`): its weekdays within its dates, except public holidays and the unit's
closure days. A day outside the plan that has a record anyway (a client who came on an extra
day, an imported period whose weekdays are not known) is taken as planned, unless the record
says ``not_organised``. So a holiday or a closure day inside a sickness neither counts in the
run nor breaks it, and neither do the days between the client's weekdays: sick on Monday,
Wednesday, Friday and the next Monday is four days in a row for a Mon/Wed/Fri period. A planned
day with another status, or with no record yet, ends the run.

A run is looked for up to :data:`WINDOW_MARGIN` around the asked range, so that a run across a
month's border is seen whole; a warning is given for a run that has at least one day in the
range. The software flags; a person decides (DOMAIN.md §3).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F
from django.db.models.functions import TruncWeek
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clients.models import Client, Period, PeriodStatus
from clients.rules import limit_rows, rule_set_for
from organisations.models import ClosureDay

from .calendar import finnish_holidays, scheduled_days
from .models import AttendanceRecord, AttendanceStatus

if TYPE_CHECKING:
    from collections.abc import Collection

SICK_OVER_3_DAYS = "sick_over_3_days_uncertified"
CHILD_SICK_OVER_4_DAYS = "child_sick_over_4_days"
UNJUSTIFIED_ABSENCE = "unjustified_absence"

# The longest run of each status, in calendar days from its first day to its last, that is not
# yet a warning.
LONGEST_ALLOWED_RUN: dict[str, int] = {
    AttendanceStatus.SICK: 3,
    AttendanceStatus.CHILD_SICK: 4,
    AttendanceStatus.UNJUSTIFIED: 0,
}
_KIND_OF_STATUS = {
    AttendanceStatus.SICK: SICK_OVER_3_DAYS,
    AttendanceStatus.CHILD_SICK: CHILD_SICK_OVER_4_DAYS,
    AttendanceStatus.UNJUSTIFIED: UNJUSTIFIED_ABSENCE,
}
WARNING_STATUSES = tuple(LONGEST_ALLOWED_RUN)
WINDOW_MARGIN = datetime.timedelta(days=35)
# The smallest weekly limit there has been (4 days from 1.7.2015): weeks above it are checked.
MIN_WEEKLY_LIMIT = 4
CLIENT_PAGE_DAYS = 90
HOME_PAGE_DAYS = 30


@dataclass(frozen=True)
class AttendanceWarning:
    """One run of absences that needs a person's attention."""

    kind: str
    period_id: int
    client_id: int
    first: datetime.date
    last: datetime.date
    days: int  # planned days in the run

    @property
    def calendar_days(self) -> int:
        """The run's length from its first day to its last, both included."""
        return (self.last - self.first).days + 1

    @property
    def title(self) -> str:
        return {
            SICK_OVER_3_DAYS: _("Sick over 3 days without a certificate"),
            CHILD_SICK_OVER_4_DAYS: _("Child sick over 4 days"),
            UNJUSTIFIED_ABSENCE: _("Unjustified absence"),
            OVER_WEEKLY_DAYS: _("More days in a week than allowed"),
        }[self.kind]

    @property
    def dates(self) -> str:
        first = date_format(self.first, "SHORT_DATE_FORMAT")
        if self.first == self.last:
            return first
        return f"{first}–{date_format(self.last, 'SHORT_DATE_FORMAT')}"

    @property
    def message(self) -> str:
        """The warning as a sentence, e.g. for the client page."""
        values = {"days": self.days, "dates": self.dates, "calendar": self.calendar_days}
        if self.kind == OVER_WEEKLY_DAYS:
            return (
                _(
                    "Present on %(days)d days in the week %(dates)s, all units together: more "
                    "than a person may take part in a week."
                )
                % values
            )
        if self.kind == SICK_OVER_3_DAYS:
            return (
                _(
                    "Sick without a certificate for %(calendar)d calendar days (%(dates)s, "
                    "%(days)d planned days). A certificate is needed from the 4th day."
                )
                % values
            )
        if self.kind == CHILD_SICK_OVER_4_DAYS:
            return (
                _(
                    "Child sick for %(calendar)d calendar days (%(dates)s, %(days)d planned "
                    "days); at most 4 days are allowed."
                )
                % values
            )
        return (
            ngettext(
                "Unjustified absence on %(dates)s.",
                "Unjustified absence on %(days)d planned days in a row (%(dates)s).",
                self.days,
            )
            % values
        )


@dataclass(frozen=True)
class ClientWarnings:
    """A client and their warnings, for lists such as a home page."""

    client: Client
    warnings: list[AttendanceWarning]


def period_warnings(
    period: Period,
    statuses: Mapping[datetime.date, str],
    *,
    first: datetime.date,
    last: datetime.date,
    not_organised: Collection[datetime.date],
) -> list[AttendanceWarning]:
    """The warnings of one period whose runs have a day in ``[first, last]``.

    ``statuses``: the period's records by date around the range (at least
    :data:`WINDOW_MARGIN` on both sides for runs across the range's borders);
    ``not_organised``: the holidays and the unit's closure days in the same window.
    """
    if not statuses:
        return []
    window_first, window_last = min(statuses), max(statuses)
    days = {
        day for day in scheduled_days(period, window_first, window_last) if day not in not_organised
    }
    days.update(day for day, status in statuses.items() if status != AttendanceStatus.NOT_ORGANISED)
    days.difference_update(
        day for day, status in statuses.items() if status == AttendanceStatus.NOT_ORGANISED
    )
    runs: list[tuple[str, list[datetime.date]]] = []
    for day in sorted(days):
        status = statuses.get(day, "")
        if runs and runs[-1][0] == status and status:
            runs[-1][1].append(day)
        else:
            runs.append((status, [day]))
    found: list[AttendanceWarning] = []
    for status, run in runs:
        span = (run[-1] - run[0]).days + 1
        if status not in LONGEST_ALLOWED_RUN or span <= LONGEST_ALLOWED_RUN[status]:
            continue
        if run[0] <= last and run[-1] >= first:
            found.append(
                AttendanceWarning(
                    kind=_KIND_OF_STATUS[status],
                    period_id=period.pk,
                    client_id=period.client_id,
                    first=run[0],
                    last=run[-1],
                    days=len(run),
                )
            )
    return found


def attendance_warnings(
    period_ids: Iterable[int], first: datetime.date, last: datetime.date
) -> dict[int, list[AttendanceWarning]]:
    """The warnings of each period whose runs have a day in ``[first, last]``, by period id.

    Three queries whatever the number of periods. Periods without warnings are left out.
    """
    ids = list(period_ids)
    if not ids:
        return {}
    window_first, window_last = first - WINDOW_MARGIN, last + WINDOW_MARGIN
    periods = list(
        Period.objects.filter(id__in=ids).only(
            "id",
            "client_id",
            "unit_id",
            "start_date",
            "end_date",
            "exit_date",
            "weekdays",
            "days_per_week",
        )
    )
    statuses: dict[int, dict[datetime.date, str]] = defaultdict(dict)
    for period_id, day, status in AttendanceRecord.objects.filter(
        period_id__in=ids, date__range=(window_first, window_last)
    ).values_list("period_id", "date", "status"):
        statuses[period_id][day] = status
    if not any(
        status in LONGEST_ALLOWED_RUN
        for records in statuses.values()
        for status in records.values()
    ):
        return {}
    holidays = set(finnish_holidays(window_first, window_last))
    closed: dict[int, set[datetime.date]] = defaultdict(set)
    for unit_id, day in ClosureDay.objects.filter(
        unit_id__in={p.unit_id for p in periods}, date__range=(window_first, window_last)
    ).values_list("unit_id", "date"):
        closed[unit_id].add(day)
    result: dict[int, list[AttendanceWarning]] = {}
    for period in periods:
        found = period_warnings(
            period,
            statuses.get(period.pk, {}),
            first=first,
            last=last,
            not_organised=holidays | closed[period.unit_id],
        )
        if found:
            result[period.pk] = found
    return result


def client_attendance_warnings(client: Client, today: datetime.date) -> list[AttendanceWarning]:
    """The client's warnings of the last :data:`CLIENT_PAGE_DAYS` days, oldest first, for the
    client page. The caller has checked that the user may see the client."""
    first = today - datetime.timedelta(days=CLIENT_PAGE_DAYS - 1)
    period_ids = Period.objects.filter(
        client=client, start_date__lte=today, end_date__gte=first
    ).exclude(status=PeriodStatus.DRAFT)
    found = attendance_warnings(period_ids.values_list("id", flat=True), first, today)
    weeks = over_weekly_days([client.pk], first, today).get(client.pk, [])
    return sorted(
        [
            *(warning for warnings in found.values() for warning in warnings),
            *(week_warning(client.pk, monday, count) for monday, count in weeks),
        ],
        key=lambda w: (w.first, w.kind),
    )


def week_warning(client_id: int, monday: datetime.date, days: int) -> AttendanceWarning:
    """A week over the person's limit, as a warning of the client (no one period's)."""
    return AttendanceWarning(
        kind=OVER_WEEKLY_DAYS,
        period_id=0,
        client_id=client_id,
        first=monday,
        last=monday + datetime.timedelta(days=6),
        days=days,
    )


def units_warning_clients(unit_ids: Iterable[int], today: datetime.date) -> list[ClientWarnings]:
    """Clients of ``unit_ids`` with a warning in the last :data:`HOME_PAGE_DAYS` days, by name,
    for a home page. ``unit_ids`` must already be the user's (``access.client_unit_ids``).

    Five queries whatever the number of clients.
    """
    first = today - datetime.timedelta(days=HOME_PAGE_DAYS - 1)
    period_ids = list(
        Period.objects.filter(
            unit_id__in=list(unit_ids),
            start_date__lte=today,
            attendance__date__range=(first, today),
            attendance__status__in=WARNING_STATUSES,
        )
        .exclude(status=PeriodStatus.DRAFT)
        .values_list("id", flat=True)
        .distinct()
    )
    found = attendance_warnings(period_ids, first, today)
    by_client: dict[int, list[AttendanceWarning]] = defaultdict(list)
    for warnings in found.values():
        for warning in warnings:
            by_client[warning.client_id].append(warning)
    if not by_client:
        return []
    clients = Client.objects.filter(id__in=by_client).order_by("last_name", "first_name", "id")
    return [
        ClientWarnings(
            client=client,
            warnings=sorted(by_client[client.pk], key=lambda w: (w.first, w.kind)),
        )
        for client in clients
    ]


OVER_WEEKLY_DAYS = "over_weekly_days"


def over_weekly_days(
    client_ids: Iterable[int] | Any, first: datetime.date, last: datetime.date
) -> dict[int, list[tuple[datetime.date, int]]]:
    """The clients (ids, or a query of ids) with a calendar week touching ``[first, last]``
    in which they were present on more dates than a person may take part (DOMAIN.md §2: the
    limit is the person's, all units together; 4 days, 5 before 1.7.2015, dated data): client
    id → each such week as (its Monday, the present dates in it). One query for the
    candidates (weeks over the smallest limit), one for the limits."""
    monday = first - datetime.timedelta(days=first.isoweekday() - 1)
    sunday = last + datetime.timedelta(days=7 - last.isoweekday())
    weeks = (
        AttendanceRecord.objects.filter(
            period__client_id__in=client_ids,
            status=AttendanceStatus.PRESENT,
            date__gte=monday,
            date__lte=sunday,
        )
        .exclude(period__status=PeriodStatus.DRAFT)
        .order_by()
        .values(client=F("period__client_id"), week=TruncWeek("date"))
        .annotate(dates=Count("date", distinct=True))
        .filter(dates__gt=MIN_WEEKLY_LIMIT)
    )
    found: dict[int, list[tuple[datetime.date, int]]] = defaultdict(list)
    rows = list(weeks)
    if not rows:
        return {}
    limits = limit_rows()
    for row in rows:
        week = row["week"].date() if isinstance(row["week"], datetime.datetime) else row["week"]
        if row["dates"] > rule_set_for(week, limits).max_days_per_week:
            found[row["client"]].append((week, row["dates"]))
    return dict(found)
