"""Creating and changing plans; a change to an agreed plan keeps the earlier version."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import access_log_record
from clients.models import Client, Period, PeriodStatus
from organisations.access import get_access
from organisations.models import Unit

from ..models import ActivationPlan, ClientGoal, GoalAttainment, PlanVersion
from ..selectors import GOAL_FIELDS, field_label, plan_snapshot
from .validation import (
    AGREEMENT_DATE_FIELDS,
    CONTENT_FIELDS,
    ELIGIBILITY_FIELDS,
    GoalInput,
    Placement,
    agreement_errors,
    eligibility_errors,
    goal_errors,
    merge_errors,
    missing_agreement_errors,
    placement_errors,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User


def _check_content_keys(content: Mapping[str, Any]) -> None:
    unknown = set(content) - set(CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"Not plan content: {sorted(unknown)}")


def _check_unit(user: User, unit: Unit, *, current_unit_id: int | None = None) -> None:
    """The placement's unit is one the user works in, or the one the plan already has."""
    if unit.pk != current_unit_id and unit.pk not in get_access(user).edit_unit_ids:
        raise PermissionDenied


def _apply_placement(period: Period, placement: Placement, *, overlap_confirmed: bool) -> None:
    period.unit = placement.unit
    period.start_date = placement.start_date
    period.end_date = placement.end_date
    period.days_per_week = placement.days_per_week
    period.hours_per_day = placement.hours_per_day.quantize(Decimal("0.1"))
    period.weekdays = "".join(sorted(placement.weekdays))
    period.overlap_confirmed = overlap_confirmed


def _goal_from_input(goal: ClientGoal, data: GoalInput, order: int) -> ClientGoal:
    goal.order = order
    goal.text = data.text
    for name in GOAL_FIELDS:
        if name.startswith("gas_"):
            setattr(goal, name, getattr(data, name))
    return goal


def activation_plan_create(
    *,
    user: User,
    client: Client,
    content: Mapping[str, Any],
    placement: Placement,
    goals: Sequence[GoalInput] = (),
    confirm_overlap: bool = False,
    request: HttpRequest | None = None,
) -> ActivationPlan:
    """A draft plan and its period. Raises ValidationError with errors by form field."""
    _check_content_keys(content)
    _check_unit(user, placement.unit)
    placement_problems, overlaps = placement_errors(
        client=client, placement=placement, confirm_overlap=confirm_overlap
    )
    errors = merge_errors(
        placement_problems,
        agreement_errors(
            values=content, start_date=placement.start_date, today=timezone.localdate()
        ),
        goal_errors(goals),
        eligibility_errors(values=content, client=client, start_date=placement.start_date),
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        period = Period(client=client, status=PeriodStatus.DRAFT, created_by=user)
        _apply_placement(period, placement, overlap_confirmed=confirm_overlap and bool(overlaps))
        period.full_clean()
        period.save()
        plan = ActivationPlan(
            period=period, organiser=placement.unit.organiser, created_by=user, **content
        )
        plan.full_clean()
        plan.save()
        ClientGoal.objects.bulk_create(
            [
                _goal_from_input(ClientGoal(plan=plan), data, order)
                for order, data in enumerate(goals)
            ]
        )
        access_log_record(
            action=Action.CREATE,
            request=request,
            user=user,
            client_uuid=client.uuid,
            obj=plan,
            detail="activation plan (draft)",
        )
    return plan


def snapshot_changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """What differs between two snapshots, as [{field, label, old, new}]."""
    changes: list[dict[str, Any]] = []
    for kind in ("plan", "period"):
        for name, old in before[kind].items():
            new = after[kind].get(name)
            if old != new:
                changes.append(
                    {"field": name, "label": field_label(kind, name), "old": old, "new": new}
                )
    old_goals = {goal["id"]: goal for goal in before["goals"]}
    kept = set()
    for number, goal in enumerate(after["goals"], start=1):
        title = _("Client's goal %(number)s") % {"number": number}
        old = old_goals.get(goal["id"]) if goal["id"] is not None else None
        if old is None:
            changes.append(
                {
                    "field": "goal",
                    "label": _("%(goal)s (added)") % {"goal": title},
                    "old": None,
                    "new": goal["text"],
                }
            )
            continue
        kept.add(goal["id"])
        changes.extend(
            {
                "field": f"goal.{goal['id']}.{name}",
                "label": f"{title}: {field_label('goal', name)}",
                "old": old.get(name),
                "new": goal.get(name),
            }
            for name in GOAL_FIELDS
            if old.get(name) != goal.get(name)
        )
    for goal_id, old in old_goals.items():
        if goal_id not in kept:
            changes.append(
                {
                    "field": f"goal.{goal_id}",
                    "label": _("Client's goal (removed)"),
                    "old": old["text"],
                    "new": None,
                }
            )
    return changes


def activation_plan_update(
    *,
    user: User,
    plan: ActivationPlan,
    content: Mapping[str, Any],
    placement: Placement,
    goals: Sequence[GoalInput] = (),
    confirm_overlap: bool = False,
    expected_version: int | None = None,
    request: HttpRequest | None = None,
) -> ActivationPlan:
    """Change a plan. A draft changes in place; a change to an agreed or active plan first
    stores the previous content as a PlanVersion with the list of changes, and the plan's
    version number goes up by one. A change that changes nothing stores nothing."""
    _check_content_keys(content)
    _check_unit(user, placement.unit, current_unit_id=plan.period.unit_id)
    with transaction.atomic():
        plan = (
            ActivationPlan.objects.select_for_update(of=("self",))
            .select_related(
                "period__client", "period__unit", "plan_type", "organiser", "employment_authority"
            )
            .get(pk=plan.pk)
        )
        period = plan.period
        if period.status == PeriodStatus.ENDED:
            raise ValidationError(_("The period has ended: its plan can no longer be changed."))
        if expected_version is not None and expected_version != plan.version:
            raise ValidationError(
                _(
                    "Someone else changed this plan while you were editing it (now version "
                    "%(version)s). Open the plan again and make your change on the new version."
                )
                % {"version": plan.version}
            )
        old_goals = list(plan.goals.order_by("order", "id"))
        by_id = {goal.pk: goal for goal in old_goals}
        unknown = [g.id for g in goals if g.id is not None and g.id not in by_id]
        if unknown:
            raise ValidationError({"goals": [_("A goal does not belong to this plan.")]})
        before = plan_snapshot(plan, old_goals)

        placement_problems, overlaps = placement_errors(
            client=period.client,
            placement=placement,
            confirm_overlap=confirm_overlap,
            period_id=period.pk,
        )
        for name, value in content.items():
            setattr(plan, name, value)
        plan.organiser = placement.unit.organiser
        _apply_placement(period, placement, overlap_confirmed=confirm_overlap and bool(overlaps))
        new_goals = [
            _goal_from_input(by_id[data.id] if data.id else ClientGoal(plan=plan), data, order)
            for order, data in enumerate(goals)
        ]
        removed = [goal for goal in old_goals if goal.pk not in {g.pk for g in new_goals}]
        errors = merge_errors(
            placement_problems,
            agreement_errors(
                values={name: getattr(plan, name) for name in AGREEMENT_DATE_FIELDS},
                start_date=placement.start_date,
                today=timezone.localdate(),
            ),
            missing_agreement_errors(plan) if period.status != PeriodStatus.DRAFT else {},
            goal_errors(goals),
            eligibility_errors(
                values={name: getattr(plan, name) for name in ELIGIBILITY_FIELDS},
                client=period.client,
                start_date=placement.start_date,
            ),
        )
        scored = GoalAttainment.objects.filter(goal__in=removed).values_list("goal_id", flat=True)
        if removed and scored.exists():
            errors = merge_errors(
                errors,
                {
                    "goals": [
                        _(
                            "A goal that has been scored at a follow-up meeting cannot be "
                            "removed: change its text instead."
                        )
                    ]
                },
            )
        if errors:
            raise ValidationError(errors)

        changes = snapshot_changes(before, plan_snapshot(plan, new_goals))
        if not changes:
            return plan
        if period.status != PeriodStatus.DRAFT:
            PlanVersion.objects.create(
                plan=plan,
                version=plan.version,
                snapshot=before,
                changes=changes,
                changed_by=user,
            )
            plan.version += 1
        period.full_clean()
        period.save()
        plan.full_clean()
        plan.save()
        if removed:
            ClientGoal.objects.filter(pk__in=[goal.pk for goal in removed]).delete()
        for goal in new_goals:
            goal.save()
        access_log_record(
            action=Action.CHANGE,
            request=request,
            user=user,
            client_uuid=period.client.uuid,
            obj=plan,
            detail=f"version {plan.version}: " + ", ".join(c["field"] for c in changes),
        )
    return plan
