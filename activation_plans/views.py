"""Plan pages. Thin: access helper → form → service or selector → render or redirect."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.models import Action
from audit.services import access_log_record
from clients.access import can_edit_client, get_client_for_user
from clients.models import PeriodStatus
from organisations.access import units_with_edit_access
from organisations.models import Unit

from .access import can_edit_plan, get_plan_for_editing, get_plan_for_user
from .forms import (
    AgreementForm,
    FollowUpForm,
    GoalFormSet,
    PlacementForm,
    PlanForm,
    add_errors,
    goal_inputs,
)
from .models import ActivationPlan
from .pdf import render_plan_pdf
from .selectors import (
    LIVE_STATUSES,
    get_plan_version,
    plan_missing_agreements,
    plan_versions,
    plan_with_goals_and_follow_ups,
    version_change_rows,
    version_sections,
    weekday_names,
)
from .services import (
    activation_plan_activate_if_due,
    activation_plan_agree,
    activation_plan_create,
    activation_plan_record_agreements,
    activation_plan_update,
    eligibility_warning,
    follow_up_meeting_create,
)


def _log(
    request: HttpRequest, plan: ActivationPlan, action: str = Action.VIEW, detail: str = ""
) -> None:
    access_log_record(
        action=action,
        request=request,
        client_uuid=plan.period.client.uuid,
        obj=plan,
        detail=detail,
    )


def _show_errors(error: ValidationError, *forms: Any) -> list[str]:
    """Put a service's errors on the forms' fields; return those no form has a field for."""
    errors = error.message_dict if hasattr(error, "error_dict") else {}
    if not errors:
        errors = {NON_FIELD_ERRORS: error.messages}
    for form in forms:
        errors = add_errors(form, errors)
    return [message for field_messages in errors.values() for message in field_messages]


def _to_detail(plan: ActivationPlan) -> HttpResponse:
    return redirect("activation_plans:detail", code=plan.uuid)


def _plan_forms(request: HttpRequest, client: Any, plan: ActivationPlan | None) -> dict[str, Any]:
    data = request.POST if request.method == "POST" else None
    units = units_with_edit_access(request.user)
    if plan is not None:  # the plan's own unit stays a choice
        units = units | Unit.objects.filter(pk=plan.period.unit_id)
    return {
        "plan_form": PlanForm(data, instance=plan, prefix="plan"),
        "placement_form": PlacementForm(
            data,
            client=client,
            units=units,
            period=plan.period if plan else None,
            prefix="placement",
        ),
        "goal_formset": GoalFormSet(data, instance=plan or ActivationPlan(), prefix="goals"),
    }


def _forms_valid(forms: dict[str, Any]) -> bool:
    valid = [form.is_valid() for form in forms.values()]  # each form, so each shows its errors
    return all(valid)


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest, client: UUID) -> HttpResponse:
    client_record = get_client_for_user(request.user, client)
    if not can_edit_client(request.user, client_record):
        raise PermissionDenied
    forms = _plan_forms(request, client_record, None)
    goal_errors: list[str] = []
    if request.method == "POST" and _forms_valid(forms):
        try:
            plan = activation_plan_create(
                user=request.user,
                client=client_record,
                content=forms["plan_form"].content(),
                placement=forms["placement_form"].placement(),
                goals=goal_inputs(forms["goal_formset"]),
                confirm_overlap=forms["placement_form"].cleaned_data["confirm_overlap"],
                request=request,
            )
        except ValidationError as error:
            goal_errors = _show_errors(error, forms["plan_form"], forms["placement_form"])
        else:
            messages.success(request, _("The draft plan is saved."))
            return _to_detail(plan)
    access_log_record(
        action=Action.VIEW, request=request, client_uuid=client_record.uuid,
        obj=client_record, detail="new activation plan form",
    )  # fmt: skip
    context = {"client": client_record, "plan": None, "goal_errors": goal_errors, **forms}
    return render(request, "activation_plans/plan_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, code: UUID) -> HttpResponse:
    plan = get_plan_for_editing(request.user, code)
    if plan.period.status == PeriodStatus.ENDED:
        messages.error(request, _("The period has ended: its plan can no longer be changed."))
        return _to_detail(plan)
    forms = _plan_forms(request, plan.period.client, plan)
    goal_errors: list[str] = []
    if request.method == "POST" and _forms_valid(forms):
        try:
            activation_plan_update(
                user=request.user,
                plan=plan,
                content=forms["plan_form"].content(),
                placement=forms["placement_form"].placement(),
                goals=goal_inputs(forms["goal_formset"]),
                confirm_overlap=forms["placement_form"].cleaned_data["confirm_overlap"],
                expected_version=forms["plan_form"].cleaned_data["loaded_version"],
                request=request,
            )
        except ValidationError as error:
            goal_errors = _show_errors(error, forms["plan_form"], forms["placement_form"])
        else:
            messages.success(request, _("The plan is saved."))
            return _to_detail(plan)
    _log(request, plan, detail="edit form")
    context = {"client": plan.period.client, "plan": plan, "goal_errors": goal_errors, **forms}
    return render(request, "activation_plans/plan_form.html", context)


def _detail(
    request: HttpRequest, plan: ActivationPlan, agreement_form: AgreementForm | None = None
) -> HttpResponse:
    can_edit = can_edit_plan(request.user, plan)
    is_draft = plan.period.status == PeriodStatus.DRAFT
    if agreement_form is None and can_edit and is_draft:
        agreement_form = AgreementForm(plan=plan, prefix="agreement")
    context = {
        "plan": plan_with_goals_and_follow_ups(plan),
        "period": plan.period,
        "client": plan.period.client,
        "weekdays": weekday_names(plan.period.weekdays),
        "can_edit": can_edit and plan.period.status != PeriodStatus.ENDED,
        "can_follow_up": can_edit and plan.period.status in LIVE_STATUSES,
        "agreement_form": agreement_form,
        "missing_agreements": plan_missing_agreements(plan) if is_draft else [],
        "eligibility_warning": None
        if plan.eligibility_confirmed
        else eligibility_warning(
            basis=plan.referral_basis,
            amount=plan.referral_amount,
            age=plan.period.client.age_on(plan.period.start_date),
            on=plan.period.start_date,
        ),
    }
    return render(request, "activation_plans/plan_detail.html", context)


@login_required
@require_GET
def plan_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    plan = get_plan_for_user(request.user, code)
    activation_plan_activate_if_due(plan=plan, today=timezone.localdate())
    _log(request, plan)
    return _detail(request, plan)


@login_required
@require_POST
def plan_agree(request: HttpRequest, code: UUID) -> HttpResponse:
    plan = get_plan_for_editing(request.user, code)
    if plan.period.status != PeriodStatus.DRAFT:
        messages.info(request, _("This plan has already been agreed."))
        return _to_detail(plan)
    form = AgreementForm(request.POST, plan=plan, prefix="agreement")
    if form.is_valid():
        try:
            activation_plan_record_agreements(
                user=request.user, plan=plan, request=request, **form.agreements()
            )
        except ValidationError as error:
            _show_errors(error, form)
    if form.errors:
        _log(request, plan)
        return _detail(request, plan, agreement_form=form)
    try:
        activation_plan_agree(user=request.user, plan=plan, request=request)
    except ValidationError as error:
        messages.warning(request, _("The agreements given are recorded."))
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The plan is agreed by the client, the organiser and the "
                                    "employment authority."))  # fmt: skip
    return _to_detail(plan)


@login_required
@require_GET
def plan_version_list(request: HttpRequest, code: UUID) -> HttpResponse:
    plan = get_plan_for_user(request.user, code)
    _log(request, plan, detail="versions")
    versions = [(version, version_change_rows(version)) for version in plan_versions(plan)]
    context = {"plan": plan, "client": plan.period.client, "versions": versions}
    return render(request, "activation_plans/plan_versions.html", context)


@login_required
@require_GET
def plan_version_detail(request: HttpRequest, code: UUID, version: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, code)
    stored = get_plan_version(plan, version)
    _log(request, plan, detail=f"version {version}")
    context = {
        "plan": plan,
        "client": plan.period.client,
        "version": stored,
        "sections": version_sections(stored),
        "changes": version_change_rows(stored),
    }
    return render(request, "activation_plans/plan_version_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_create(request: HttpRequest, code: UUID) -> HttpResponse:
    plan = get_plan_for_editing(request.user, code)
    if plan.period.status not in LIVE_STATUSES:
        messages.error(request, _("Follow-up meetings are recorded on agreed and active plans."))
        return _to_detail(plan)
    goals = list(plan.goals.order_by("order", "id"))
    form = FollowUpForm(request.POST or None, goals=goals)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            follow_up_meeting_create(
                user=request.user, plan=plan, date=data["date"],
                participants=data["participants"], notes=data["notes"],
                is_24_month_review=data["is_24_month_review"], scores=form.scores(),
                next_follow_up=data["next_follow_up"], request=request,
            )  # fmt: skip
        except ValidationError as error:
            _show_errors(error, form)
        else:
            messages.success(request, _("The follow-up meeting is recorded."))
            return _to_detail(plan)
    _log(request, plan, detail="follow-up form")
    context = {"plan": plan, "client": plan.period.client, "form": form}
    return render(request, "activation_plans/follow_up_form.html", context)


@login_required
@require_GET
def plan_pdf(request: HttpRequest, code: UUID) -> HttpResponse:
    plan = get_plan_for_user(request.user, code)
    pdf = render_plan_pdf(plan)
    _log(request, plan, action=Action.PRINT, detail="plan PDF")
    # The file name never carries the identity code or the name.
    name = f"{slugify(plan.plan_type.name_fi) or 'suunnitelma'}-{timezone.localdate():%Y-%m-%d}"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
