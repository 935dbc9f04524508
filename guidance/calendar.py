"""Which days a client is expected in the unit, and which days are not organised (DOMAIN.md §3).

Words used here and in the attendance code:

- A period's **weekdays** are its ``weekdays`` field (ISO numbers, ``"135"`` = Monday,
  Wednesday, Friday). A period without weekdays (imported from an earlier system, where they
  are not known) is taken to run on the first ``days_per_week`` weekdays from Monday:
  ``"1234"[:days_per_week]``, Monday–Friday for a five-day period of before 2015. This is a
  documented guess; the month sheet still accepts a record on any day of the period.
- A period's **scheduled days** are the days in its dates (start to exit date, or the planned
  end when it has not ended) on its weekdays. The month sheet has a cell for each.
- **Not organised** days are Finnish public holidays (the ``holidays`` package, which also
  counts Midsummer Eve and Christmas Eve, de facto days off) and the unit's own closure days.
  Their default status is ``not_organised``.
- A period's **planned days** are its scheduled days that are organised: the days the client is
  expected to attend. A run of absences is counted in planned days, so a holiday in the middle
  of a sickness neither counts in the run nor breaks it (:mod:`guidance.warnings`).
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterator
from functools import cache
from typing import TYPE_CHECKING

import holidays as holiday_calendars
from django.utils import translation

from .models import AttendanceStatus

if TYPE_CHECKING:
    from clients.models import Period
    from organisations.models import Unit

ONE_DAY = datetime.timedelta(days=1)
# The holidays package's own catalogues, by Django language.
_HOLIDAY_LANGUAGES = {"fi": "fi", "sv": "sv_FI", "en": "en_US"}


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    """The first and the last day of a month."""
    first = datetime.date(year, month, 1)
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first, following - ONE_DAY


def days_between(first: datetime.date, last: datetime.date) -> Iterator[datetime.date]:
    """Every day from ``first`` to ``last``, both included."""
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def period_weekdays(period: Period) -> frozenset[int]:
    """The ISO weekday numbers the period runs on (see the module's docstring)."""
    digits = [int(d) for d in period.weekdays if d in "1234567"]
    if digits:
        return frozenset(digits)
    return frozenset(range(1, min(period.days_per_week, 5) + 1))


def scheduled_days(
    period: Period, first: datetime.date, last: datetime.date
) -> list[datetime.date]:
    """The period's days in ``[first, last]`` on its weekdays, holidays included."""
    start = max(first, period.start_date)
    end = min(last, period.last_day)
    weekdays = period_weekdays(period)
    return [day for day in days_between(start, end) if day.isoweekday() in weekdays]


def planned_days(
    period: Period,
    first: datetime.date,
    last: datetime.date,
    closures: Collection[datetime.date] = (),
    holidays: Collection[datetime.date] | None = None,
) -> list[datetime.date]:
    """The days in ``[first, last]`` the client of ``period`` is expected to attend.

    These are the scheduled days (the period's weekdays within its dates, up to its exit
    date) that are neither in ``closures`` (the unit's closure days) nor in ``holidays``
    (Finnish public holidays when not given).
    """
    if holidays is None:
        holidays = finnish_holidays(first, last)
    return [
        day
        for day in scheduled_days(period, first, last)
        if day not in closures and day not in holidays
    ]


@cache
def _holidays_of_year(year: int, language: str) -> dict[datetime.date, str]:
    calendar = holiday_calendars.country_holidays("FI", years=year, language=language)
    return dict(calendar.items())


def finnish_holidays(first: datetime.date, last: datetime.date) -> dict[datetime.date, str]:
    """Finnish public holidays in ``[first, last]`` with their names in the active language."""
    language = _HOLIDAY_LANGUAGES.get(
        (translation.get_language() or "fi").split("-")[0], _HOLIDAY_LANGUAGES["en"]
    )
    found: dict[datetime.date, str] = {}
    for year in range(first.year, last.year + 1):
        found.update(
            (day, name)
            for day, name in _holidays_of_year(year, language).items()
            if first <= day <= last
        )
    return dict(sorted(found.items()))


def is_holiday(day: datetime.date) -> bool:
    return day in _holidays_of_year(day.year, "fi")


def default_status(
    day: datetime.date, unit: Unit, *, closures: Collection[datetime.date] | None = None
) -> str:
    """``not_organised`` on a public holiday or a closure day of ``unit``, else ``""`` (no
    default: the counsellor records what happened).

    ``closures`` are the unit's closure days when the caller has them already; without it the
    database is asked.
    """
    if is_holiday(day):
        return AttendanceStatus.NOT_ORGANISED
    if closures is not None:
        return AttendanceStatus.NOT_ORGANISED if day in closures else ""
    is_closed = unit.closure_days.filter(date=day).exists()
    return AttendanceStatus.NOT_ORGANISED if is_closed else ""
