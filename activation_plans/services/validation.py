"""Checks of plan input, each error keyed by the form field that shows it. Forms and
services both call these, so a person always sees the same message."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clients.models import Client, Period
from clients.rules import check_period, check_weekly_total, overlapping_periods, rule_set_for
from organisations.models import Unit

from ..models import ActivationPlan, ReferralBasis
from ..selectors import GOAL_FIELDS

CONTENT_FIELDS = (
    "plan_type",
    "employment_authority",
    "organiser_representative",
    "organiser_agreed_on",
    "employment_authority_representative",
    "employment_authority_agreed_on",
    "client_agreed_on",
    "support_person",
    "education_history",
    "work_history",
    "earlier_services",
    "activity_goal",
    "support_and_guidance",
    "next_follow_up",
    "referral_basis",
    "referral_amount",
    "eligibility_confirmed",
)
ELIGIBILITY_FIELDS = ("referral_basis", "referral_amount", "eligibility_confirmed")
AGREEMENT_FIELDS = (
    "client_agreed_on",
    "organiser_representative",
    "organiser_agreed_on",
    "employment_authority_representative",
    "employment_authority_agreed_on",
)
AGREEMENT_DATE_FIELDS = (
    "client_agreed_on",
    "organiser_agreed_on",
    "employment_authority_agreed_on",
)

Errors = dict[str, list[str]]


@dataclass(frozen=True)
class Placement:
    """The placement a plan defines: its ``clients.Period``."""

    unit: Unit
    start_date: datetime.date
    end_date: datetime.date
    days_per_week: int
    hours_per_day: Decimal
    weekdays: str  # ISO weekday digits, Monday = 1: "135"


@dataclass(frozen=True)
class GoalInput:
    """One of the client's own goals as entered; ``id`` is set for a goal already saved."""

    text: str
    gas_minus_2: str = ""
    gas_minus_1: str = ""
    gas_0: str = ""
    gas_plus_1: str = ""
    gas_plus_2: str = ""
    id: int | None = None


def _date(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def merge_errors(*error_dicts: Errors) -> Errors:
    merged: defaultdict[str, list[str]] = defaultdict(list)
    for errors in error_dicts:
        for name, messages in errors.items():
            merged[name].extend(messages)
    return dict(merged)


def overlap_message(periods: Sequence[Period]) -> str:
    listed = "; ".join(
        f"{period.unit} {_date(period.start_date)}–{_date(period.last_day)}" for period in periods
    )
    return _(
        "The client already has a period at the same time: %(periods)s. Tick “Confirm "
        "overlap” if both periods are really meant to run at the same time."
    ) % {"periods": listed}


def placement_errors(
    *,
    client: Client,
    placement: Placement,
    confirm_overlap: bool,
    period_id: int | None = None,
) -> tuple[Errors, list[Period]]:
    """Every rule the placement breaks, by form field, and the client's overlapping periods."""
    errors: defaultdict[str, list[str]] = defaultdict(list)
    violations = check_period(
        start_date=placement.start_date,
        end_date=placement.end_date,
        days_per_week=placement.days_per_week,
        hours_per_day=placement.hours_per_day,
        weekdays=placement.weekdays,
    )
    for violation in violations:
        errors[violation.field or NON_FIELD_ERRORS].append(violation.message)
    if not placement.weekdays:
        errors["weekdays"].append(_("Choose the weekdays of the placement."))
    overlaps: list[Period] = []
    if placement.end_date > placement.start_date:
        overlaps = overlapping_periods(
            client_id=client.pk,
            start_date=placement.start_date,
            end_date=placement.end_date,
            exclude_id=period_id,
        )
        if overlaps and not confirm_overlap:
            errors["confirm_overlap"].append(overlap_message(overlaps))
        for violation in check_weekly_total(
            start_date=placement.start_date,
            end_date=placement.end_date,
            days_per_week=placement.days_per_week,
            hours_per_day=placement.hours_per_day,
            overlaps=overlaps,
        ):
            errors[violation.field or NON_FIELD_ERRORS].append(violation.message)
    same_start = Period.objects.filter(
        client=client, unit=placement.unit, start_date=placement.start_date
    ).exclude(pk=period_id)
    if same_start.exists():
        errors["start_date"].append(
            _(
                "The client already has a period in %(unit)s starting on %(date)s. Open that "
                "plan instead, or choose another start date."
            )
            % {"unit": placement.unit, "date": _date(placement.start_date)}
        )
    return dict(errors), overlaps


def agreement_errors(
    *, values: Mapping[str, Any], start_date: datetime.date, today: datetime.date
) -> Errors:
    """Dates of agreement are not in the future, and the period cannot start before all
    three parties have agreed (DOMAIN.md §2)."""
    errors: defaultdict[str, list[str]] = defaultdict(list)
    for name in AGREEMENT_DATE_FIELDS:
        value = values.get(name)
        if value is None:
            continue
        if value > today:
            errors[name].append(_("A date of agreement cannot be in the future."))
        elif value > start_date:
            errors[name].append(
                _(
                    "The period cannot start before all three parties have agreed: this "
                    "date is after the start date %(date)s. Correct the date, or move the "
                    "start date in the placement."
                )
                % {"date": _date(start_date)}
            )
    return dict(errors)


def missing_agreement_errors(plan: ActivationPlan) -> Errors:
    message = _("An agreed plan keeps the three parties' agreement: fill this in.")
    return {name: [message] for name in AGREEMENT_FIELDS if not getattr(plan, name)}


def goal_errors(goals: Sequence[GoalInput]) -> Errors:
    """A GAS ladder is all five levels or none."""
    for goal in goals:
        levels = [getattr(goal, name) for name in GOAL_FIELDS if name.startswith("gas_")]
        if any(levels) and not all(levels):
            return {
                "goals": [
                    _(
                        "A GAS ladder has all five levels from −2 to +2: fill them all in, or "
                        "leave them all empty (goal “%(goal)s”)."
                    )
                    % {"goal": goal.text[:60]}
                ]
            }
    return {}


def eligibility_warning(
    *, basis: str, amount: int | None, age: int, on: datetime.date
) -> str | None:
    """What a person must look at before the plan goes ahead, or None when the referral
    basis meets the dated eligibility rule in force on ``on`` (DOMAIN.md §2)."""
    rules = rule_set_for(on)
    young = age < 25
    if not basis:
        return _("The referral basis is not recorded.")
    if basis == ReferralBasis.OTHER:
        return _("The client is referred on other grounds than the law names.")
    if basis == ReferralBasis.SUBSIDY_DAYS:
        needed = rules.subsidy_days_under_25 if young else rules.subsidy_days_25
        if (amount or 0) < needed:
            return _(
                "A client aged %(age)d needs at least %(needed)d days on labour market "
                "subsidy; %(amount)d recorded."
            ) % {"age": age, "needed": needed, "amount": amount or 0}
    elif basis == ReferralBasis.ALLOWANCE_USED_UP:
        if not young and (amount or 0) < rules.subsidy_after_allowance_25:
            return _(
                "A client aged %(age)d needs at least %(needed)d days on labour market "
                "subsidy after the allowance was used up; %(amount)d recorded."
            ) % {"age": age, "needed": rules.subsidy_after_allowance_25, "amount": amount or 0}
    elif basis == ReferralBasis.SOCIAL_ASSISTANCE:
        needed = rules.assistance_months_under_25 if young else rules.assistance_months_25
        if (amount or 0) < needed:
            return _(
                "A client aged %(age)d needs at least %(needed)d months on social "
                "assistance mainly due to unemployment; %(amount)d recorded."
            ) % {"age": age, "needed": needed, "amount": amount or 0}
    return None


def eligibility_errors(
    *, values: Mapping[str, Any], client: Client, start_date: datetime.date
) -> Errors:
    """The eligibility warning as an error on the confirmation box until a person ticks it.
    A plan without a referral basis yet (a draft, an imported plan) is not held up: its page
    shows the warning instead."""
    if not values.get("referral_basis"):
        return {}
    warning = eligibility_warning(
        basis=values.get("referral_basis") or "",
        amount=values.get("referral_amount"),
        age=client.age_on(start_date),
        on=start_date,
    )
    if warning is None or values.get("eligibility_confirmed"):
        return {}
    return {
        "eligibility_confirmed": [
            warning + " " + _("Check it and tick “Eligibility checked by a person” to go ahead.")
        ]
    }
