"""The law's rules for a period (DOMAIN.md §2), checked against the dated rule set.

Used by forms, services and imports alike, so every path gives the same message.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import Period, PeriodLimit, PeriodLimitKind, PeriodStatus


@dataclass(frozen=True)
class RuleViolation:
    field: str | None
    message: str


@dataclass(frozen=True)
class RuleSet:
    """The limits in force on one day, each from its own dated row (``PeriodLimit``)."""

    min_months: int
    max_months: int
    min_days_per_week: int
    max_days_per_week: int
    min_hours_per_day: Decimal
    max_hours_per_day: Decimal
    max_hours_per_week: Decimal
    compensated_days_per_week: int
    subsidy_days_under_25: int
    subsidy_days_25: int
    subsidy_after_allowance_25: int
    assistance_months_under_25: int
    assistance_months_25: int


_DECIMAL = {"min_hours_per_day", "max_hours_per_day", "max_hours_per_week"}


def limit_rows() -> list[tuple[str, datetime.date, Decimal]]:
    """Every limit row as (kind, valid from, value), oldest first; one query."""
    return list(
        PeriodLimit.objects.order_by("kind", "valid_from").values_list(
            "kind", "valid_from", "value"
        )
    )


def rule_set_for(
    day: datetime.date, rows: list[tuple[str, datetime.date, Decimal]] | None = None
) -> RuleSet:
    """The limits in force on ``day``: for each limit the newest row from ``day`` or before
    (the oldest row when ``day`` is before them all). ``rows`` from :func:`limit_rows` saves the
    query when many days are asked."""
    values: dict[str, Decimal] = {}
    for kind, valid_from, value in limit_rows() if rows is None else rows:
        if valid_from <= day or kind not in values:
            values[kind] = value
    missing = {kind.value for kind in PeriodLimitKind} - set(values)
    if missing:  # pragma: no cover - the data migration creates every limit
        raise LookupError(f"No limit row for {sorted(missing)}")
    return RuleSet(
        **{kind: value if kind in _DECIMAL else int(value) for kind, value in values.items()}
    )


def _number(value: Decimal | int) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".") if isinstance(value, Decimal) else str(value)
    return text.replace(".", ",")


def check_period(
    *,
    start_date: datetime.date | None,
    end_date: datetime.date | None,
    days_per_week: int | None,
    hours_per_day: Decimal | None,
    weekdays: str = "",
) -> list[RuleViolation]:
    """Every rule the placement breaks, each with a message a counsellor understands."""
    violations: list[RuleViolation] = []
    if start_date is None or end_date is None:
        return violations
    rules = rule_set_for(start_date)
    if end_date <= start_date:
        violations.append(RuleViolation("end_date", _("The period must end after it starts.")))
    else:
        shortest = start_date + relativedelta(months=rules.min_months) - datetime.timedelta(days=1)
        longest = start_date + relativedelta(months=rules.max_months) - datetime.timedelta(days=1)
        if end_date < shortest:
            violations.append(
                RuleViolation(
                    "end_date",
                    _(
                        "A period lasts at least %(months)s months: with this start date it "
                        "can end on %(date)s at the earliest."
                    )
                    % {
                        "months": rules.min_months,
                        "date": date_format(shortest, "SHORT_DATE_FORMAT"),
                    },
                )
            )
        if end_date > longest:
            violations.append(
                RuleViolation(
                    "end_date",
                    _(
                        "A period lasts at most %(months)s months: with this start date it "
                        "must end by %(date)s. A new period can follow."
                    )
                    % {
                        "months": rules.max_months,
                        "date": date_format(longest, "SHORT_DATE_FORMAT"),
                    },
                )
            )
    if days_per_week is not None and not (
        rules.min_days_per_week <= days_per_week <= rules.max_days_per_week
    ):
        violations.append(
            RuleViolation(
                "days_per_week",
                _(
                    "Rehabilitative work activity is organised on %(min)s–%(max)s days a week "
                    "for a period starting on %(date)s."
                )
                % {
                    "min": rules.min_days_per_week,
                    "max": rules.max_days_per_week,
                    "date": date_format(start_date, "SHORT_DATE_FORMAT"),
                },
            )
        )
    if hours_per_day is not None and not (
        rules.min_hours_per_day <= hours_per_day <= rules.max_hours_per_day
    ):
        violations.append(
            RuleViolation(
                "hours_per_day",
                _("A day lasts %(min)s–%(max)s hours, travel not included.")
                % {
                    "min": _number(rules.min_hours_per_day),
                    "max": _number(rules.max_hours_per_day),
                },
            )
        )
    if (
        days_per_week is not None
        and hours_per_day is not None
        and days_per_week * hours_per_day > rules.max_hours_per_week
    ):
        violations.append(
            RuleViolation(
                "hours_per_day",
                _(
                    "%(days)s days of %(hours)s hours make %(total)s hours a week; the most "
                    "allowed is %(max)s hours."
                )
                % {
                    "days": days_per_week,
                    "hours": _number(hours_per_day),
                    "total": _number(days_per_week * hours_per_day),
                    "max": _number(rules.max_hours_per_week),
                },
            )
        )
    if weekdays:
        if len(set(weekdays)) != len(weekdays) or not set(weekdays) <= set("1234567"):
            violations.append(RuleViolation("weekdays", _("Choose each weekday at most once.")))
        elif days_per_week is not None and len(weekdays) != days_per_week:
            violations.append(
                RuleViolation(
                    "weekdays",
                    _("Choose as many weekdays as there are days a week (%(days)s).")
                    % {"days": days_per_week},
                )
            )
    return violations


def overlapping_periods(
    *,
    client_id: int,
    start_date: datetime.date,
    end_date: datetime.date,
    exclude_id: int | None = None,
) -> list[Period]:
    """The client's other live periods (not draft, not ended before ``start_date``) that
    overlap the given dates."""
    periods = (
        Period.objects.filter(client_id=client_id, start_date__lte=end_date)
        .exclude(status=PeriodStatus.DRAFT)
        .filter(
            Q(exit_date__isnull=True, end_date__gte=start_date)
            | Q(exit_date__isnull=False, exit_date__gte=start_date)
        )
        .select_related("unit")
    )
    if exclude_id is not None:
        periods = periods.exclude(id=exclude_id)
    return list(periods)


def _last_day(period: Period) -> datetime.date:
    return period.exit_date or period.end_date


def check_weekly_total(
    *,
    start_date: datetime.date | None,
    end_date: datetime.date | None,
    days_per_week: int | None,
    hours_per_day: Decimal | None,
    overlaps: list[Period],
) -> list[RuleViolation]:
    """The week limit is the person's (DOMAIN.md §2): while periods overlap, their days and
    hours a week add up. Finds the busiest stretch of the new placement together with the
    client's overlapping periods and checks it against the limits in force on its first day."""
    if (
        not overlaps
        or start_date is None
        or end_date is None
        or days_per_week is None
        or hours_per_day is None
    ):
        return []
    # Every day on which the set of running periods can change, inside the new placement.
    changes = sorted(
        {start_date}
        | {p.start_date for p in overlaps if start_date < p.start_date <= end_date}
        | {
            _last_day(p) + datetime.timedelta(days=1)
            for p in overlaps
            if start_date < _last_day(p) + datetime.timedelta(days=1) <= end_date
        }
    )
    rows = limit_rows()
    for day in changes:
        running = [p for p in overlaps if p.start_date <= day <= _last_day(p)]
        if not running:
            continue
        rules = rule_set_for(day, rows)
        days = days_per_week + sum(p.days_per_week for p in running)
        hours = days_per_week * hours_per_day + sum(
            p.days_per_week * p.hours_per_day for p in running
        )
        units = ", ".join(sorted({str(p.unit) for p in running}))
        values = {"units": units, "date": date_format(day, "SHORT_DATE_FORMAT")}
        if days > rules.max_days_per_week:
            return [
                RuleViolation(
                    "days_per_week",
                    _(
                        "Together with the client's period in %(units)s this makes %(days)s "
                        "days a week from %(date)s; a person takes part on at most %(max)s "
                        "days a week, in all units together."
                    )
                    % {**values, "days": days, "max": rules.max_days_per_week},
                )
            ]
        if hours > rules.max_hours_per_week:
            return [
                RuleViolation(
                    "hours_per_day",
                    _(
                        "Together with the client's period in %(units)s this makes %(hours)s "
                        "hours a week from %(date)s; the most allowed is %(max)s hours, in all "
                        "units together."
                    )
                    % {**values, "hours": _number(hours), "max": _number(rules.max_hours_per_week)},
                )
            ]
    return []
