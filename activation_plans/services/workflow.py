"""The plan's workflow: draft → agreed (all three parties) → active (start date reached)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import access_log_record
from clients.models import ENTRY_FIELDS, Period, PeriodStatus

from ..models import ActivationPlan
from ..selectors import plan_missing_agreements
from .validation import (
    AGREEMENT_DATE_FIELDS,
    Placement,
    agreement_errors,
    merge_errors,
    placement_errors,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User


def activation_plan_record_agreements(
    *,
    user: User,
    plan: ActivationPlan,
    client_agreed_on: datetime.date | None,
    organiser_representative: str,
    organiser_agreed_on: datetime.date | None,
    employment_authority_representative: str,
    employment_authority_agreed_on: datetime.date | None,
    request: HttpRequest | None = None,
) -> ActivationPlan:
    """Record who agreed and when on a draft; what is given is kept even if incomplete."""
    values = {
        "client_agreed_on": client_agreed_on,
        "organiser_representative": organiser_representative.strip(),
        "organiser_agreed_on": organiser_agreed_on,
        "employment_authority_representative": employment_authority_representative.strip(),
        "employment_authority_agreed_on": employment_authority_agreed_on,
    }
    if plan.period.status != PeriodStatus.DRAFT:
        raise ValidationError(
            _("This plan is already agreed: change the agreement by editing the plan.")
        )
    errors = agreement_errors(
        values=values, start_date=plan.period.start_date, today=timezone.localdate()
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for name, value in values.items():
            setattr(plan, name, value)
        plan.full_clean()
        plan.save(update_fields=[*values, "updated_at"])
        access_log_record(
            action=Action.CHANGE,
            request=request,
            user=user,
            client_uuid=plan.period.client.uuid,
            obj=plan,
            detail="agreements recorded",
        )
    return plan


def activation_plan_agree(
    *, user: User, plan: ActivationPlan, request: HttpRequest | None = None
) -> ActivationPlan:
    """Draft → agreed, once all three parties' agreement is recorded. The client's entry
    data is copied onto the period (what funders count, DOMAIN.md §5)."""
    with transaction.atomic():
        plan = (
            ActivationPlan.objects.select_for_update(of=("self",))
            .select_related("period__client", "period__unit")
            .get(pk=plan.pk)
        )
        period = plan.period
        if period.status != PeriodStatus.DRAFT:
            raise ValidationError(_("This plan has already been agreed."), code="not_draft")
        missing = plan_missing_agreements(plan)
        if missing:
            raise ValidationError(
                _("The plan cannot be agreed yet. Still missing: %(missing)s.")
                % {"missing": "; ".join(missing)},
                code="incomplete",
            )
        placement = Placement(
            unit=period.unit,
            start_date=period.start_date,
            end_date=period.end_date,
            days_per_week=period.days_per_week,
            hours_per_day=period.hours_per_day,
            weekdays=period.weekdays,
        )
        placement_problems, _overlaps = placement_errors(
            client=period.client,
            placement=placement,
            confirm_overlap=period.overlap_confirmed,
            period_id=period.pk,
        )
        errors = merge_errors(
            placement_problems,
            agreement_errors(
                values={name: getattr(plan, name) for name in AGREEMENT_DATE_FIELDS},
                start_date=period.start_date,
                today=timezone.localdate(),
            ),
        )
        if errors:
            messages = [message for field in errors.values() for message in field]
            raise ValidationError(
                [
                    _("The plan cannot be agreed until this is corrected (edit the plan):"),
                    *messages,
                ],
                code="invalid",
            )
        for name in ENTRY_FIELDS:
            setattr(period, name, getattr(period.client, name))
        period.status = PeriodStatus.AGREED
        period.full_clean()
        period.save()
        access_log_record(
            action=Action.CHANGE,
            request=request,
            user=user,
            client_uuid=period.client.uuid,
            obj=plan,
            detail="agreed by all three parties",
        )
    return plan


def _log_activation(period_uuid: Any, client_uuid: Any) -> None:
    access_log_record(
        action=Action.CHANGE,
        username="system",
        client_uuid=client_uuid,
        object_type="clients.period",
        object_id=str(period_uuid),
        detail="period activated: start date reached",
    )


def plan_activate_due(*, today: datetime.date) -> int:
    """Agreed → active for every period whose start date has come. Idempotent: the status
    is claimed with a conditional UPDATE, so two runs (or a run and a page view) never
    activate a period twice. Returns how many were activated."""
    with transaction.atomic():
        due = list(
            Period.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=PeriodStatus.AGREED, start_date__lte=today)
            .values_list("pk", "uuid", "client__uuid")
        )
        if not due:
            return 0
        activated = Period.objects.filter(
            pk__in=[pk for pk, _period, _client in due], status=PeriodStatus.AGREED
        ).update(status=PeriodStatus.ACTIVE, updated_at=timezone.now())
        for _pk, period_uuid, client_uuid in due:
            _log_activation(period_uuid, client_uuid)
    return activated


def activation_plan_activate_if_due(*, plan: ActivationPlan, today: datetime.date) -> bool:
    """Activate the plan's period now if its start date has come (used when the plan is
    viewed, so it never shows as agreed after the start for lack of the nightly run)."""
    period = plan.period
    if period.status != PeriodStatus.AGREED or period.start_date > today:
        return False
    with transaction.atomic():
        claimed = Period.objects.filter(pk=period.pk, status=PeriodStatus.AGREED).update(
            status=PeriodStatus.ACTIVE, updated_at=timezone.now()
        )
        if claimed:
            _log_activation(period.uuid, period.client.uuid)
    period.status = PeriodStatus.ACTIVE
    return bool(claimed)
