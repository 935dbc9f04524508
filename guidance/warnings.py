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

**One definition, in the database.** :func:`find_warnings` serves the month sheet, the client
page, the home page and the reports: one statement returns the runs that are warnings and the
candidate weeks, aggregated (gaps and islands with window functions, :mod:`guidance.warnings_sql`);
no attendance record is read into Python.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clients.models import Client, Period, PeriodStatus
from clients.rules import limit_rows, rule_set_for

from .busy_weeks import week_span
from .calendar import finnish_holidays
from .models import MIN_WEEKLY_LIMIT, AttendanceBusyWeek, AttendanceStatus
from .warnings_sql import WEEK, warning_runs

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


@dataclass(frozen=True)
class FoundWarnings:
    """What :func:`find_warnings` returns: the runs by period and the weeks over the person's
    limit by client (each as its Monday and the present dates in it)."""

    by_period: dict[int, list[AttendanceWarning]]
    weeks: dict[int, list[tuple[datetime.date, int]]]
    unit_of_period: dict[int, int]


def _as_periods(periods: QuerySet[Period] | Iterable[int]) -> QuerySet[Period] | None:
    if isinstance(periods, QuerySet):
        return periods
    ids = list(periods)
    return Period.objects.filter(pk__in=ids) if ids else None


def find_warnings(
    periods: QuerySet[Period] | Iterable[int],
    first: datetime.date,
    last: datetime.date,
    *,
    week_clients: Iterable[int] | Any = None,
) -> FoundWarnings:
    """The one definition of the warnings that the month sheet, the client page, the home page
    and the reports show: the runs of each of ``periods`` that have a day in ``[first, last]``
    and, with ``week_clients`` (client ids, or a query of them), those clients' weeks over the
    person's weekly limit (:func:`over_weekly_days`).

    ``periods``: a query of periods (its criteria become a subquery of the statement, never a
    list of ids) or their ids. One query whatever the number of periods and records (and one
    for the dated limits when a week is over the smallest limit): the database finds the runs
    and returns only those that are warnings (:mod:`guidance.warnings_sql`).
    """
    query = _as_periods(periods)
    if query is None:
        query = Period.objects.none()
    window = (first - WINDOW_MARGIN, last + WINDOW_MARGIN)
    by_period: dict[int, list[AttendanceWarning]] = {}
    unit_of_period: dict[int, int] = {}
    candidates: list[tuple[int, datetime.date, int]] = []
    for run in warning_runs(
        query,
        first,
        last,
        window=window,
        longest_allowed={str(status): allowed for status, allowed in LONGEST_ALLOWED_RUN.items()},
        holidays=list(finnish_holidays(*window)),
        busy_weeks=(
            kept_busy_weeks(week_clients, first, last) if week_clients is not None else None
        ),
        days_a_week=MIN_WEEKLY_LIMIT,
    ):
        if run.status == WEEK:
            candidates.append((run.client_id, run.first, run.days))
            continue
        unit_of_period[run.period_id] = run.unit_id
        by_period.setdefault(run.period_id, []).append(
            AttendanceWarning(
                kind=_KIND_OF_STATUS[run.status],
                period_id=run.period_id,
                client_id=run.client_id,
                first=run.first,
                last=run.last,
                days=run.days,
            )
        )
    return FoundWarnings(by_period, weeks_over_limit(candidates), unit_of_period)


def attendance_warnings(
    periods: QuerySet[Period] | Iterable[int], first: datetime.date, last: datetime.date
) -> dict[int, list[AttendanceWarning]]:
    """The warnings of each period whose runs have a day in ``[first, last]``, by period id,
    each period's oldest first. Periods without warnings are left out. One query
    (:func:`find_warnings`)."""
    if _as_periods(periods) is None:
        return {}
    return find_warnings(periods, first, last).by_period


def client_attendance_warnings(client: Client, today: datetime.date) -> list[AttendanceWarning]:
    """The client's warnings of the last :data:`CLIENT_PAGE_DAYS` days, oldest first, for the
    client page. The caller has checked that the user may see the client."""
    first = today - datetime.timedelta(days=CLIENT_PAGE_DAYS - 1)
    periods = Period.objects.filter(
        client=client, start_date__lte=today, end_date__gte=first
    ).exclude(status=PeriodStatus.DRAFT)
    found = find_warnings(periods, first, today, week_clients=[client.pk])
    weeks = found.weeks.get(client.pk, [])
    return sorted(
        [
            *(warning for warnings in found.by_period.values() for warning in warnings),
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

    Two queries whatever the number of clients: the warnings of the units' periods that have
    an absence of a warning status in the days (a subquery), and the clients.
    """
    first = today - datetime.timedelta(days=HOME_PAGE_DAYS - 1)
    periods = Period.objects.filter(
        unit_id__in=list(unit_ids),
        start_date__lte=today,
        attendance__date__range=(first, today),
        attendance__status__in=WARNING_STATUSES,
    ).exclude(status=PeriodStatus.DRAFT)
    found = attendance_warnings(Period.objects.filter(pk__in=periods.values("pk")), first, today)
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


def kept_busy_weeks(
    client_ids: Iterable[int] | Any, first: datetime.date, last: datetime.date
) -> QuerySet[Any]:
    """Rows ``busy_client``, ``monday``, ``dates``: the clients' weeks touching
    ``[first, last]`` with more present dates than the smallest limit, from the kept
    :class:`~guidance.models.AttendanceBusyWeek` (counted from the records on every write,
    :func:`guidance.busy_weeks.busy_weeks`). :func:`find_warnings` reads them in its
    statement."""
    monday, _sunday = week_span(first, last)
    if not isinstance(client_ids, QuerySet):
        client_ids = list(client_ids)
    return (
        AttendanceBusyWeek.objects.filter(
            client_id__in=client_ids, week__gte=monday, week__lte=last
        )
        .order_by()
        .values(busy_client=F("client_id"), monday=F("week"), dates=F("present_dates"))
    )


def weeks_over_limit(
    candidates: Iterable[tuple[int, datetime.date | datetime.datetime, int]],
) -> dict[int, list[tuple[datetime.date, int]]]:
    """The candidate weeks (client id, Monday, present dates) over the person's limit in
    force that week (dated data, one query when there is a candidate), by client."""
    rows = list(candidates)
    if not rows:
        return {}
    limits = limit_rows()
    found: dict[int, list[tuple[datetime.date, int]]] = defaultdict(list)
    for client_id, week, dates in rows:
        monday = week.date() if isinstance(week, datetime.datetime) else week
        if dates > rule_set_for(monday, limits).max_days_per_week:
            found[client_id].append((monday, dates))
    return dict(found)


def over_weekly_days(
    client_ids: Iterable[int] | Any, first: datetime.date, last: datetime.date
) -> dict[int, list[tuple[datetime.date, int]]]:
    """The clients (ids, or a query of ids) with a calendar week touching ``[first, last]``
    in which they were present on more dates than a person may take part (DOMAIN.md §2: the
    limit is the person's, all units together; 4 days, 5 before 1.7.2015, dated data): client
    id → each such week as (its Monday, the present dates in it). One query for the
    candidates (weeks over the smallest limit), one for the limits when there is one."""
    return find_warnings(Period.objects.none(), first, last, week_clients=client_ids).weeks
