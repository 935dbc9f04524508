"""Pages of attendance: a unit's month sheet, its save, and locking the month.

- Seeing a unit's sheet needs the unit among ``access.client_unit_ids`` (else 404, as for a
  unit that does not exist); saving needs ``edit_unit_ids`` (403 for a read-only project
  manager); locking and unlocking need ``manage_unit_ids`` (403 for a counsellor).
- Viewing the sheet writes one access-log row per client it names (the unit, the month), in
  one insert, or one row for the unit when it names nobody; saving writes one per client
  whose records changed, and a refused save shows (and logs) the sheet again.
- A refused save (a wrong cell, another person's change, a missing reason) shows the sheet
  again with the user's changes kept in it: status 400, or 409 for another person's change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.models import Action
from audit.services import access_log_record, access_log_record_many

from . import attendance_selectors as selectors
from . import attendance_services as services
from .attendance_forms import MonthSheetForm, SheetFilterForm
from .models import ABSENCE_STATUSES, AttendanceStatus

if TYPE_CHECKING:
    import datetime
    import uuid

    from organisations.models import Group, Unit


def month_url(unit: Unit, first: datetime.date, group: Group | None = None) -> str:
    url = reverse(
        "guidance:attendance_month",
        kwargs={"unit": unit.uuid, "year": f"{first:%Y}", "month": f"{first:%m}"},
    )
    return f"{url}?group={group.uuid}" if group is not None else url


def _total_kind(code: str) -> str:
    """Which total a status counts in: "present", "absent" or none ("")."""
    if code == AttendanceStatus.PRESENT:
        return "present"
    return "absent" if code in ABSENCE_STATUSES else ""


def _statuses() -> list[dict[str, str]]:
    """The codes, keys, labels and totals the page's script and legend use."""
    return [
        {
            "code": code,
            "key": key,
            "letter": key.upper(),
            "label": str(AttendanceStatus(code).label),
            "total": _total_kind(code),
        }
        for code, key in selectors.STATUS_KEYS.items()
    ]


def _save_result_message(result: services.WriteResult) -> str:
    if not result.changed:
        return _("There was nothing to save.")
    text = ngettext(
        "Saved: %(count)d day changed.", "Saved: %(count)d days changed.", result.changed
    ) % {"count": result.changed}
    if result.corrections:
        text += " " + ngettext(
            "%(count)d late correction recorded.",
            "%(count)d late corrections recorded.",
            result.corrections,
        ) % {"count": result.corrections}
    return text


def _log_sheet(
    request: HttpRequest, sheet: selectors.MonthSheet, conflicts: list[selectors.CellConflict]
) -> None:
    """One view row per client the sheet names (its rows, late corrections and conflicts),
    in one insert; a sheet that names no client is logged once for the unit."""
    unit = sheet.unit
    detail = f"attendance {sheet.first:%Y-%m}" + (
        f" group {sheet.group.uuid}" if sheet.group else ""
    )
    shown = [row.client.uuid for row in sheet.rows]
    shown += [correction.record.period.client.uuid for correction in sheet.corrections]
    shown += [conflict.client.uuid for conflict in conflicts]
    logged = access_log_record_many(
        action=Action.VIEW,
        client_uuids=shown,
        request=request,
        object_type=unit._meta.label_lower,
        object_id=str(unit.uuid),
        detail=detail,
    )
    if not logged:
        access_log_record(action=Action.VIEW, request=request, obj=unit, detail=detail)


def _render_sheet(
    request: HttpRequest,
    unit: Unit,
    first: datetime.date,
    last: datetime.date,
    *,
    filters: SheetFilterForm,
    form: MonthSheetForm,
    edits: list[selectors.CellEdit] | None = None,
    conflicts: list[selectors.CellConflict] | None = None,
    status: int = 200,
) -> HttpResponse:
    group = filters.chosen_group()
    sheet = selectors.attendance_month_sheet(unit=unit, first=first, last=last, group=group)
    if edits:
        selectors.sheet_keep_edits(sheet, edits, conflicts or [])
    _log_sheet(request, sheet, conflicts or [])
    context: dict[str, Any] = {
        "sheet": sheet,
        "filters": filters,
        "form": form,
        "conflicts": conflicts or [],
        "statuses": _statuses(),
        "can_edit": selectors.attendance_can_edit(user=request.user, unit=unit),
        "can_manage": selectors.attendance_can_manage(user=request.user, unit=unit),
        "previous_url": month_url(unit, sheet.previous_month, group),
        "next_url": month_url(unit, sheet.next_month, group),
        "today": timezone.localdate(),
        "texts": {
            "noEntry": selectors.status_label(""),
            "unsaved": _("Unsaved changes: %s"),
            "saving": _("Saving…"),
            "leave": _("The sheet has unsaved changes."),
            "choose": _("Choose the status"),
        },
    }
    return render(request, "guidance/attendance/month.html", context, status=status)


@login_required
@require_GET
def attendance_index(request: HttpRequest) -> HttpResponse:
    """The current month of the user's unit, or a choice when they follow several."""
    units = list(selectors.attendance_units_for_user(user=request.user))
    if not units:
        raise Http404
    first = timezone.localdate().replace(day=1)
    if len(units) == 1:
        return redirect(month_url(units[0], first))
    links = [(unit, month_url(unit, first)) for unit in units]
    return render(request, "guidance/attendance/index.html", {"links": links, "month": first})


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def attendance_month(request: HttpRequest, unit: uuid.UUID, year: int, month: int) -> HttpResponse:
    the_unit = selectors.attendance_unit_for_user(user=request.user, unit_uuid=unit)
    first, last = selectors.attendance_month(year, month)
    filters = SheetFilterForm(request.GET or None, unit=the_unit)
    if request.method == "GET":
        return _render_sheet(request, the_unit, first, last, filters=filters, form=MonthSheetForm())
    if not selectors.attendance_can_edit(user=request.user, unit=the_unit):
        raise PermissionDenied
    form = MonthSheetForm(request.POST)
    if not form.is_valid():
        return _render_sheet(request, the_unit, first, last, filters=filters, form=form, status=400)
    edits = form.cleaned_data["cells"]
    try:
        result = services.attendance_month_save(
            unit=the_unit,
            first=first,
            last=last,
            edits=edits,
            actor=request.user,
            request=request,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        for field, field_errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
        args = {"filters": filters, "form": form, "edits": edits, "status": 400}
        return _render_sheet(request, the_unit, first, last, **args)
    except services.AttendanceConflict as conflict:
        args = {"filters": filters, "form": form, "edits": edits, "status": 409}
        return _render_sheet(request, the_unit, first, last, conflicts=conflict.conflicts, **args)
    messages.success(request, _save_result_message(result))
    return redirect(month_url(the_unit, first, filters.chosen_group()))


def _lock_change(
    request: HttpRequest, unit_uuid: uuid.UUID, year: int, month: int
) -> tuple[Unit, datetime.date]:
    the_unit = selectors.attendance_unit_for_user(user=request.user, unit_uuid=unit_uuid)
    first, _last = selectors.attendance_month(year, month)
    if not selectors.attendance_can_manage(user=request.user, unit=the_unit):
        raise PermissionDenied
    return the_unit, first


LOCK_CONFIRMATION = "lock"  # the value of the confirmation form's "confirm" field


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def attendance_lock(request: HttpRequest, unit: uuid.UUID, year: int, month: int) -> HttpResponse:
    """GET asks the unit manager to confirm; only a POST from that page (``confirm=lock``)
    locks. A POST without it locks nothing and sends the user to the question."""
    the_unit, first = _lock_change(request, unit, year, month)
    lock_url = reverse(
        "guidance:attendance_lock",
        kwargs={"unit": the_unit.uuid, "year": f"{first:%Y}", "month": f"{first:%m}"},
    )
    if request.method == "GET":
        context = {
            "unit": the_unit,
            "first": first,
            "lock": selectors.attendance_month_lock_of(unit=the_unit, first=first),
            "sheet_url": month_url(the_unit, first),
            "confirmation": LOCK_CONFIRMATION,
        }
        return render(request, "guidance/attendance/lock_confirm.html", context)
    if request.POST.get("confirm") != LOCK_CONFIRMATION:
        return redirect(lock_url)
    services.attendance_month_lock(unit=the_unit, first=first, actor=request.user, request=request)
    messages.success(
        request, _("The month is locked. Changes to it now need a reason and are kept.")
    )
    return redirect(month_url(the_unit, first))


@login_required
@require_POST
def attendance_unlock(request: HttpRequest, unit: uuid.UUID, year: int, month: int) -> HttpResponse:
    the_unit, first = _lock_change(request, unit, year, month)
    services.attendance_month_unlock(
        unit=the_unit, first=first, actor=request.user, request=request
    )
    messages.success(request, _("The month is unlocked."))
    return redirect(month_url(the_unit, first))
