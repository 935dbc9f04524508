"""Pages of transitions: ending a period and recording the follow-ups at 3 and 6 months.

A period is seen by whoever may see its client (404 otherwise) and changed by the staff of
its own unit (403 for anyone else who sees it, such as a project manager).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from activation_plans.models import ActivationPlan
from audit.models import Action
from audit.services import access_log_record, access_log_record_many
from clients.models import Destination, Period
from organisations.access import get_access

from . import session_selectors as selectors
from . import transition_services as services
from .session_forms import add_service_errors
from .transition_forms import FollowUpForm, PeriodEndForm


def _editable_period(request: HttpRequest, code: UUID) -> Period:
    period = selectors.period_get(user=request.user, code=code)
    if not selectors.can_edit_period(user=request.user, period=period):
        raise PermissionDenied
    return period


def _log_form(request: HttpRequest, period: Period, detail: str) -> None:
    access_log_record(
        action=Action.VIEW,
        request=request,
        client_uuid=period.client.uuid,
        obj=period,
        detail=detail,
    )


def _after_end(period: Period) -> HttpResponse:
    """A new KUTY period starts with a new plan, prefilled from this one where the plan
    page supports it (``?from=<plan uuid>``)."""
    if period.destination != Destination.NEW_KUTY_PERIOD:
        return redirect("clients:detail", code=period.client.uuid)
    url = reverse("activation_plans:create", kwargs={"client": period.client.uuid})
    plan = ActivationPlan.objects.filter(period=period).values_list("uuid", flat=True).first()
    return redirect(f"{url}?{urlencode({'from': plan})}" if plan else url)


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def period_end(request: HttpRequest, code: UUID) -> HttpResponse:
    period = _editable_period(request, code)
    form = PeriodEndForm(request.POST or None, period=period)
    if request.method == "POST" and form.is_valid():
        try:
            services.period_end(
                user=request.user, period=period, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
            period.refresh_from_db()
        else:
            messages.success(request, _("The period has ended."))
            return _after_end(period)
    _log_form(request, period, "period end form")
    return render(request, "guidance/transitions/period_end.html", {"form": form, "period": period})


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def period_follow_up(request: HttpRequest, code: UUID, months: int) -> HttpResponse:
    if months not in selectors.FOLLOW_UP_MONTHS:
        raise Http404
    period = _editable_period(request, code)
    current = getattr(period, f"destination_{months}m")
    form = FollowUpForm(request.POST or None, initial={"destination": current})
    if request.method == "POST" and form.is_valid():
        try:
            services.period_follow_up_record(
                user=request.user,
                period=period,
                months=months,
                destination=form.cleaned_data["destination"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The follow-up was recorded."))
            return redirect("guidance:follow_ups")
    _log_form(request, period, f"{months}-month follow-up form")
    context: dict[str, Any] = {"form": form, "period": period, "months": months}
    context["due_date"] = (
        selectors.follow_up_due_date(period.exit_date, months) if period.exit_date else None
    )
    return render(request, "guidance/transitions/follow_up.html", context)


@login_required
@require_GET
@never_cache
def follow_ups(request: HttpRequest) -> HttpResponse:
    """The follow-ups due in the user's own units."""
    if not get_access(request.user).edit_unit_ids:
        raise Http404
    due = selectors.follow_ups_due(request.user, timezone.localdate())
    access_log_record_many(
        action=Action.VIEW,
        client_uuids=[item.period.client.uuid for item in due],
        request=request,
        object_type="guidance.follow_ups",
        detail="follow-ups due list",
    )
    return render(request, "guidance/transitions/follow_ups.html", {"due": due})
