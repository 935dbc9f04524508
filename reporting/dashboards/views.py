"""Dashboard pages. The project manager's and the municipal official's home pages render the
same dashboards (:func:`dashboard_response`), with their own templates.

- Filters are GET parameters checked by a form; wrong ones are shown with their messages
  (status 400) and no figures.
- The pages that show figures only are not logged; the list of records behind a figure
  names clients, so viewing it writes an access-log row per client on the page shown (the
  figure and the filters), or one row when the list is empty.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from audit.models import Action
from audit.services import access_log_record, access_log_record_many
from kuty.routers import report_reads
from organisations.access import get_access
from organisations.models import Role

from .drilldown import DrillFilterForm, drill
from .forms import DashboardFilterForm
from .links import selection_query
from .overview import build_dashboard
from .scope import (
    MUNICIPALITY,
    Scope,
    Selection,
    municipal_scope,
    project_scope,
    records_scope,
)

RECORDS_PAGE_SIZE = 50


def dashboard_response(
    request: HttpRequest, scope: Scope, template: str, context: dict[str, Any] | None = None
) -> HttpResponse:
    """The dashboard of ``scope`` for the request's filters, rendered with ``template``."""
    context = {**(context or {}), "scope": scope}
    if scope.kind != MUNICIPALITY and not scope.units:
        return render(request, template, {**context, "no_units": True})
    today = timezone.localdate()
    form = DashboardFilterForm(request.GET, scope=scope, today=today)
    context["form"] = form
    if not form.is_valid():
        return render(request, template, context, status=400)
    with report_reads():  # from the read-only replica when there is one (kuty/routers.py)
        context["dashboard"] = build_dashboard(form.selection(), today)
    return render(request, template, context)


@login_required
@never_cache
@require_GET
def project_dashboard(request: HttpRequest) -> HttpResponse:
    scope = project_scope(request.user)
    return dashboard_response(request, scope, "reporting/dashboards/project.html")


@login_required
@never_cache
@require_GET
def municipal_dashboard(request: HttpRequest) -> HttpResponse:
    scope = municipal_scope(request.user)
    return dashboard_response(request, scope, "reporting/dashboards/municipal.html")


def _log_detail(form: DrillFilterForm, page: int) -> str:
    data = form.cleaned_data
    parts = [f"figure={data['figure']}"]
    if data.get("key"):
        parts.append(f"key={data['key']}")
    if data.get("month"):
        parts.append(f"month={data['month']:%Y-%m}")
    parts.append(f"range={data['from'].isoformat()}..{data['to'].isoformat()}")
    selection = form.selection()
    codes = ",".join(unit.code for unit in selection.units) if selection.chosen else "all"
    parts.append(f"units={codes}")
    parts.append(f"page={page}")
    return "; ".join(parts)


def _log_records(
    request: HttpRequest, client_uuids: list[Any], form: DrillFilterForm, page: int
) -> None:
    """One view row per client listed on the page shown, in one insert; an empty list is
    logged once (the figure and its filters were looked at)."""
    object_type, detail = "reporting.dashboard_records", _log_detail(form, page)
    if not access_log_record_many(
        action=Action.VIEW,
        client_uuids=client_uuids,
        request=request,
        object_type=object_type,
        detail=detail,
    ):
        access_log_record(
            action=Action.VIEW, request=request, object_type=object_type, detail=detail
        )


@login_required
@never_cache
@require_GET
def records(request: HttpRequest) -> HttpResponse:
    """The periods behind a figure, for a user who may see the clients of its units."""
    scope = records_scope(request.user)
    today = timezone.localdate()
    form = DrillFilterForm(request.GET, scope=scope, today=today)
    if not form.is_valid():
        if "units" in form.errors or "figure" in form.errors:
            raise Http404  # a unit the user may not see, as for one that does not exist
        return render(request, "reporting/dashboards/records.html", {"form": form}, status=400)
    selection = form.selection()
    data = form.cleaned_data
    found = drill(
        selection.params(), data["figure"], today=today, month=data["month"], key=data["key"]
    )
    ordered = found.periods.select_related("client", "unit").order_by(
        "client__last_name", "client__first_name", "start_date", "pk"
    )
    page = Paginator(ordered, RECORDS_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = found.rows(list(page.object_list))
    _log_records(request, [period.client.uuid for period, _count in rows], form, page.number)
    context = {
        "form": form,
        "selection": selection,
        "drill": found,
        "page": page,
        "rows": rows,
        "total": found.total(),
        "back": _back_to_figures(request, selection),
    }
    return render(request, "reporting/dashboards/records.html", context)


def _back_to_figures(request: HttpRequest, selection: Selection) -> str:
    """The project dashboard with the same filters, for those who have it; else the home page
    (a unit manager's figures are there)."""
    if {Role.PROJECT_MANAGER, Role.ADMINISTRATOR} & get_access(request.user).roles:
        return f"{reverse('dashboards:project')}?{urlencode(selection_query(selection))}"
    return reverse("home")
