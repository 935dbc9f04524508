"""The structure edited in the app by an administrator: units, their groups and closure days,
projects. Anyone else gets 404 (organisations/access.py: the administrator keeps the structure).
Every save goes through one service that validates, saves all or nothing, and logs."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .access import get_access
from .forms import ClosureDayForm, GroupForm, ProjectForm, UnitForm
from .models import ClosureDay, Group, Project, Unit
from .services import closure_day_remove, structure_record_save

if TYPE_CHECKING:
    from django.db.models import Model


def _require_administrator(request: HttpRequest) -> None:
    if not get_access(request.user).is_administrator:
        raise Http404


def _get(model: type[Any], code: UUID, *related: str) -> Any:
    try:
        return model._default_manager.select_related(*related).get(uuid=code)
    except (model.DoesNotExist, ValueError):
        raise Http404 from None


def _save(
    request: HttpRequest, form: forms.ModelForm, **extra: Any
) -> Model | None:  # the record saved, or None with the errors on the form
    try:
        return structure_record_save(
            obj=form.instance, actor=request.user, request=request, **extra
        )
    except ValidationError as error:
        has_fields = hasattr(error, "error_dict")
        items = error.error_dict.items() if has_fields else [(None, error.messages)]
        for name, errors in items:
            form.add_error(name if name in form.fields else None, errors)
        return None


@login_required
@never_cache
@require_GET
def structure_index(request: HttpRequest) -> HttpResponse:
    _require_administrator(request)
    today = timezone.localdate()
    units = Unit.objects.select_related("organiser", "municipality").annotate(
        group_count=Count("groups", filter=Q(groups__is_active=True), distinct=True),
        closure_count=Count("closure_days", filter=Q(closure_days__date__gte=today), distinct=True),
    )
    projects = Project.objects.prefetch_related("units")
    return render(request, "organisations/index.html", {"units": units, "projects": projects})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest) -> HttpResponse:
    _require_administrator(request)
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (unit := _save(request, form)):
        messages.success(request, _("The unit was saved."))
        return redirect("structure:unit_edit", code=unit.uuid)
    return render(request, "organisations/unit_form.html", {"form": form, "unit": None})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, code: UUID) -> HttpResponse:
    _require_administrator(request)
    unit = _get(Unit, code)
    name = unit.name  # as saved, for the heading, whatever the form holds
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid() and _save(request, form):
        messages.success(request, _("The unit was saved."))
        return redirect("structure:unit_edit", code=unit.uuid)
    groups = unit.groups.order_by("-is_active", "name")
    context = {"form": form, "unit": unit, "name": name, "groups": groups}
    return render(request, "organisations/unit_form.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest, code: UUID) -> HttpResponse:
    _require_administrator(request)
    unit = _get(Unit, code)
    form = GroupForm(request.POST or None, instance=Group(unit=unit))
    if request.method == "POST" and form.is_valid() and _save(request, form):
        messages.success(request, _("The group was saved."))
        return redirect("structure:unit_edit", code=unit.uuid)
    return render(
        request, "organisations/group_form.html", {"form": form, "unit": unit, "group": None}
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, code: UUID) -> HttpResponse:
    _require_administrator(request)
    group = _get(Group, code, "unit")
    name = group.name
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid() and _save(request, form):
        messages.success(request, _("The group was saved."))
        return redirect("structure:unit_edit", code=group.unit.uuid)
    context = {"form": form, "unit": group.unit, "group": group, "name": name}
    return render(request, "organisations/group_form.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def closure_days(request: HttpRequest, code: UUID) -> HttpResponse:
    """The unit's closure days from a year back, and a form to add one."""
    _require_administrator(request)
    unit = _get(Unit, code)
    form = ClosureDayForm(request.POST or None, instance=ClosureDay(unit=unit))
    if request.method == "POST" and form.is_valid() and _save(request, form):
        messages.success(request, _("The closure day was added."))
        return redirect("structure:closure_days", code=unit.uuid)
    since = timezone.localdate() - datetime.timedelta(days=365)
    context = {
        "form": form,
        "unit": unit,
        "days": unit.closure_days.filter(date__gte=since).order_by("date"),
    }
    return render(request, "organisations/closure_days.html", context)


class _DayForm(forms.Form):
    date = forms.DateField()


@login_required
@require_POST
def closure_day_delete(request: HttpRequest, code: UUID) -> HttpResponse:
    _require_administrator(request)
    unit = _get(Unit, code)
    form = _DayForm(request.POST)
    day = (
        unit.closure_days.filter(date=form.cleaned_data["date"]).first()
        if form.is_valid()
        else None
    )
    if day is None:
        messages.error(request, _("Choose a closure day of this unit to remove."))
    else:
        closure_day_remove(closure_day=day, actor=request.user, request=request)
        messages.success(request, _("The closure day was removed: the unit is open that day."))
    return redirect("structure:closure_days", code=unit.uuid)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    _require_administrator(request)
    form = ProjectForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(request, form, units=form.cleaned_data["units"])
    ):
        messages.success(request, _("The project was saved."))
        return redirect("structure:index")
    return render(request, "organisations/project_form.html", {"form": form, "project": None})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, code: UUID) -> HttpResponse:
    _require_administrator(request)
    project = _get(Project, code)
    name = project.name
    form = ProjectForm(request.POST or None, instance=project)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(request, form, units=form.cleaned_data["units"])
    ):
        messages.success(request, _("The project was saved."))
        return redirect("structure:index")
    context = {"form": form, "project": project, "name": name}
    return render(request, "organisations/project_form.html", context)
