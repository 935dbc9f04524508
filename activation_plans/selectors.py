"""Reads of plans, already scoped to the user (STYLE.md: selectors own their joins)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    Prefetch,
    Q,
    prefetch_related_objects,
)
from django.http import Http404
from django.utils import formats, translation
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from clients.models import Period, PeriodStatus
from organisations.access import get_access

from .models import ActivationPlan, ClientGoal, FollowUpMeeting, PlanVersion
from .review import clients_due_for_review

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

# How far ahead each reminder looks (days).
FOLLOW_UP_HORIZON_DAYS = 14
ENDING_HORIZON_DAYS = 30
LIVE_STATUSES = (PeriodStatus.AGREED, PeriodStatus.ACTIVE)


def weekday_names(weekdays: str) -> str:
    """ISO weekday digits ("135") as short names in the active language ("ma, ke, pe")."""
    return ", ".join(str(WEEKDAYS_ABBR[int(d) - 1]) for d in weekdays if d in "1234567")


def gas_label(score: int) -> str:
    """A GAS level as people write it: −2, −1, 0, +1, +2 (with a real minus sign)."""
    return f"{score:+d}".replace("-", "−") if score else "0"


def plan_missing_agreements(plan: ActivationPlan) -> list[str]:
    """What is still missing before the three parties' agreement is complete, in words."""
    missing = []
    if not plan.client_agreed_on:
        missing.append(_("the date the client agreed"))
    if not plan.organiser_representative:
        missing.append(_("the organiser's representative"))
    if not plan.organiser_agreed_on:
        missing.append(_("the date the organiser agreed"))
    if not plan.employment_authority_representative:
        missing.append(_("the employment authority's representative"))
    if not plan.employment_authority_agreed_on:
        missing.append(_("the date the employment authority agreed"))
    return missing


def plan_with_goals_and_follow_ups(plan: ActivationPlan) -> ActivationPlan:
    """Load the goals and the follow-up meetings with their scores: three queries."""
    prefetch_related_objects(
        [plan],
        Prefetch("goals", queryset=ClientGoal.objects.order_by("order", "id")),
        Prefetch(
            "follow_ups",
            queryset=FollowUpMeeting.objects.select_related("recorded_by").order_by("-date", "-id"),
        ),
        Prefetch("follow_ups__attainments"),
    )
    goal_numbers = {goal.pk: number for number, goal in enumerate(plan.goals.all(), start=1)}
    for meeting in plan.follow_ups.all():
        meeting.scored = sorted(  # type: ignore[attr-defined]
            ((goal_numbers.get(a.goal_id, 0), a.score) for a in meeting.attainments.all()),
        )
    return plan


def plan_versions(plan: ActivationPlan) -> list[PlanVersion]:
    return list(plan.versions.select_related("changed_by").order_by("-version"))


def get_plan_version(plan: ActivationPlan, version: int) -> PlanVersion:
    try:
        return plan.versions.select_related("changed_by").get(version=version)
    except PlanVersion.DoesNotExist:
        raise Http404 from None


# --- Snapshots of a plan, and showing them ----------------------------------------------------

# The fields a version stores, in the order of the plan form.
PLAN_FIELDS = (
    "plan_type",
    "organiser",
    "organiser_representative",
    "organiser_agreed_on",
    "employment_authority",
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
)
PERIOD_FIELDS = (
    "unit",
    "status",
    "start_date",
    "end_date",
    "days_per_week",
    "hours_per_day",
    "weekdays",
    "overlap_confirmed",
)
GOAL_FIELDS = ("text", "gas_minus_2", "gas_minus_1", "gas_0", "gas_plus_1", "gas_plus_2")
_MODELS: dict[str, type[models.Model]] = {
    "plan": ActivationPlan,
    "period": Period,
    "goal": ClientGoal,
}


def field_label(kind: str, name: str) -> str:
    """The field's label in the active language; ``kind`` is plan, period or goal."""
    return str(capfirst(_MODELS[kind]._meta.get_field(name).verbose_name))


def _json_value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def plan_snapshot(plan: ActivationPlan, goals: list[ClientGoal]) -> dict[str, Any]:
    """The plan, its period and its goals as JSON: dates as ISO strings, related rows by
    name (in the site's language, so that a snapshot reads the same for everyone)."""
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "plan": {name: _json_value(getattr(plan, name)) for name in PLAN_FIELDS},
            "period": {name: _json_value(getattr(plan.period, name)) for name in PERIOD_FIELDS},
            "goals": [
                {
                    "id": goal.pk,
                    **{name: _json_value(getattr(goal, name)) for name in GOAL_FIELDS},
                    "attainment": goal.attainment,
                }
                for goal in goals
            ],
        }


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def display_value(name: str, value: Any) -> str:
    """A snapshot value as a person reads it: dates d.m.yyyy, weekdays by name."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if name.endswith("weekdays"):
        return weekday_names(str(value))
    if name.endswith("status"):
        return str(dict(PeriodStatus.choices).get(value, value))
    if name.endswith("hours_per_day"):
        return str(formats.localize(Decimal(str(value))))
    if isinstance(value, str) and _ISO_DATE.match(value):
        return formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
    return str(value)


@dataclass
class ChangeRow:
    label: str
    old: str
    new: str


def version_change_rows(version: PlanVersion) -> list[ChangeRow]:
    """What the change after ``version`` changed, old and new value side by side."""
    return [
        ChangeRow(
            label=str(change.get("label") or change["field"]),
            old=display_value(change["field"], change.get("old")),
            new=display_value(change["field"], change.get("new")),
        )
        for change in version.changes
    ]


@dataclass
class SnapshotSection:
    title: str
    rows: list[tuple[str, str]]


def version_sections(version: PlanVersion) -> list[SnapshotSection]:
    """The stored plan as labelled rows, in the order of the plan form."""
    snapshot = version.snapshot
    plan = snapshot.get("plan", {})
    period = snapshot.get("period", {})
    sections = [
        SnapshotSection(
            _("Plan"),
            [
                (field_label("plan", name), display_value(name, plan[name]))
                for name in PLAN_FIELDS
                if name in plan
            ],
        ),
        SnapshotSection(
            _("Placement"),
            [
                (field_label("period", name), display_value(name, period[name]))
                for name in PERIOD_FIELDS
                if name in period
            ],
        ),
    ]
    for number, goal in enumerate(snapshot.get("goals", []), start=1):
        rows = [
            (field_label("goal", name), display_value(name, goal[name]))
            for name in GOAL_FIELDS
            if name in goal
        ]
        rows.append((field_label("goal", "attainment"), display_value("", goal.get("attainment"))))
        sections.append(SnapshotSection(_("Client's goal %(number)s") % {"number": number}, rows))
    return sections


# --- Reminders -----------------------------------------------------------------------------


@dataclass
class Reminders:
    """What needs doing soon in the user's units. Own clients come first in each list."""

    today: datetime.date
    awaiting_agreement: list[ActivationPlan] = field(default_factory=list)
    follow_ups_due: list[ActivationPlan] = field(default_factory=list)
    ending_soon: list[Period] = field(default_factory=list)
    review_24_months: list[Period] = field(default_factory=list)

    @property
    def total(self) -> int:
        return (
            len(self.awaiting_agreement)
            + len(self.follow_ups_due)
            + len(self.ending_soon)
            + len(self.review_24_months)
        )


def _own(user: User | AnonymousUser, client_path: str) -> ExpressionWrapper:
    return ExpressionWrapper(
        Q(**{f"{client_path}responsible_counsellor_id": getattr(user, "pk", None)}),
        output_field=BooleanField(),
    )


def reminders_for(*, user: User | AnonymousUser, today: datetime.date) -> Reminders:
    """The four reminder lists for the user's editable units, in four queries whatever the
    number of plans.

    - plans waiting for the three parties' agreement (draft);
    - follow-up meetings due within 14 days or overdue (agreed or active plans);
    - active periods whose planned end is within 30 days (or passed) with no exit recorded;
    - clients whose calendar time in KUTY since their last review reaches 24 months within
      30 days (``activation_plans.review``), while a period runs in the user's unit: the law
      requires the plan be reviewed at 24 months. The reminder goes away once a follow-up
      meeting marked as the 24-month review is recorded on any of the client's plans.
    """
    reminders = Reminders(today=today)
    unit_ids = get_access(user).edit_unit_ids
    if not unit_ids:
        return reminders
    plans = ActivationPlan.objects.filter(period__unit_id__in=unit_ids).select_related(
        "period__client", "period__unit"
    )
    reminders.awaiting_agreement = list(
        plans.filter(period__status=PeriodStatus.DRAFT)
        .annotate(own=_own(user, "period__client__"))
        .order_by("-own", "period__start_date", "id")
    )
    reminders.follow_ups_due = list(
        plans.filter(
            period__status__in=LIVE_STATUSES,
            next_follow_up__lte=today + datetime.timedelta(days=FOLLOW_UP_HORIZON_DAYS),
        )
        .annotate(own=_own(user, "period__client__"))
        .order_by("-own", "next_follow_up", "id")
    )
    periods = Period.objects.filter(unit_id__in=unit_ids, exit_date__isnull=True).select_related(
        "client", "unit", "plan"
    )
    reminders.ending_soon = list(
        periods.filter(
            status=PeriodStatus.ACTIVE,
            end_date__lte=today + datetime.timedelta(days=ENDING_HORIZON_DAYS),
        )
        .annotate(own=_own(user, "client__"))
        .order_by("-own", "end_date", "id")
    )
    horizon = today + datetime.timedelta(days=ENDING_HORIZON_DAYS)
    live = periods.filter(status__in=LIVE_STATUSES)
    due = clients_due_for_review(live.values("client_id"), horizon)
    reminders.review_24_months = list(
        live.filter(client_id__in=due)
        .annotate(own=_own(user, "client__"))
        .order_by("-own", "client__last_name", "client__first_name", "id")
    )
    for period in reminders.review_24_months:
        period.review_reached_on = due[period.client_id]
    return reminders
