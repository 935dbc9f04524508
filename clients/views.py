"""Pages of the client registry. Every page that shows client data writes an access-log row.

Searching without putting an identity code (or a name) in a URL
----------------------------------------------------------------
Filters that identify nobody (my/all, status, unit, counsellor, sort, page) are plain GET
parameters, so the list's links, bookmarks and the back button work as usual. The search box
is a separate form sent by POST: the view keeps the text in the user's session under a random
key and redirects to the list with only that key (``?search=<key>``) next to the filters.
The text itself therefore never appears in a URL, the browser history or a server log, and a
``?q=`` parameter is not read at all. Sorting and paging keep the key, so a search survives
them; a key that is unknown (another session, expired) simply means no search.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.models import Action
from audit.services import access_log_record, access_log_record_many
from organisations.access import get_access
from organisations.models import Role

from . import selectors, services
from .access import can_edit_client, get_client_for_user, may_see_contact_details
from .access_log_report import may_see_access_log
from .forms import ClientFilterForm, ClientForm, ClientSearchForm
from .page_sections import render_client_page_sections

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .models import Client

SEARCH_SESSION_KEY = "clients_list_searches"
SEARCHES_KEPT = 10


def _remember_search(request: HttpRequest, text: str) -> str:
    searches = dict(request.session.get(SEARCH_SESSION_KEY, {}))
    key = secrets.token_urlsafe(9)
    searches[key] = text
    request.session[SEARCH_SESSION_KEY] = dict(list(searches.items())[-SEARCHES_KEPT:])
    return key


def _recall_search(request: HttpRequest, key: str) -> str:
    return str(request.session.get(SEARCH_SESSION_KEY, {}).get(key, "")) if key else ""


def _list_log_detail(filters: dict[str, Any], query: str, page: int) -> str:
    """What the list showed, for the access log: the filters, never an identity code."""
    parts = [f"show={filters.get('show') or 'all'}"]
    if filters.get("status"):
        parts.append(f"status={filters['status']}")
    if filters.get("unit"):
        parts.append(f"unit={filters['unit'].code}")
    if filters.get("counsellor"):
        parts.append(f"counsellor={filters['counsellor'].get_username()}")
    parts.append(f"sort={filters.get('sort') or selectors.DEFAULT_SORT}")
    parts.append(f"page={page}")
    if query and selectors.birth_date_like(query):
        parts.append("search=birth date")
    elif query and (selectors.looks_like_hetu(query) or any(c.isdigit() for c in query)):
        parts.append("search=identity code")
    elif query:
        parts.append(f'search=name "{query[:60]}"')
    return "; ".join(parts)


def _log_list_page(
    request: HttpRequest, client_uuids: list[UUID], filters: dict[str, Any], query: str, page: int
) -> None:
    """One row per client on the page shown (a search when a search text was used), in one
    insert; a page that shows no client is logged once, with what was asked."""
    action = Action.SEARCH if query else Action.VIEW
    object_type, detail = "clients.client_list", _list_log_detail(filters, query, page)
    if not access_log_record_many(
        action=action,
        client_uuids=client_uuids,
        request=request,
        object_type=object_type,
        detail=detail,
    ):
        access_log_record(action=action, request=request, object_type=object_type, detail=detail)


def _search(request: HttpRequest) -> HttpResponse:
    """POST of the search box: keep the text in the session, redirect to the list."""
    form = ClientSearchForm(request.POST)
    params = request.GET.copy()
    for name in ("search", "page"):
        params.pop(name, None)
    if form.is_valid() and form.cleaned_data["q"].strip():
        params["search"] = _remember_search(request, form.cleaned_data["q"].strip())
    elif not form.is_valid():
        messages.error(request, _("The search text is too long."))
    url = reverse("clients:list")
    return redirect(f"{url}?{params.urlencode()}" if params else url)


@login_required
@require_http_methods(["GET", "POST"])
def client_list(request: HttpRequest) -> HttpResponse:
    access = get_access(request.user)
    if not access.may_see_clients:
        raise Http404
    if request.method == "POST":
        return _search(request)
    data = request.GET.copy()
    query = _recall_search(request, data.get("search", ""))
    # A counsellor starts from their own clients; a search looks through all of them.
    data.setdefault("show", "mine" if Role.COUNSELLOR in access.roles and not query else "all")
    data.setdefault("sort", selectors.DEFAULT_SORT)
    filters = ClientFilterForm(data, user=request.user)
    filters.is_valid()  # invalid filters are shown with their errors and otherwise ignored
    used = filters.cleaned_data
    clients = selectors.client_list(
        request.user,
        query=query,
        unit=used.get("unit"),
        counsellor=used.get("counsellor"),
        status=used.get("status", ""),
        sort=used.get("sort") or selectors.DEFAULT_SORT,
        mine=used.get("show") == "mine",
    )
    page = Paginator(clients, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    _log_list_page(request, [client.uuid for client in page], used, query, page.number)
    context = {
        "page": page,
        "filters": filters,
        "search_form": ClientSearchForm(initial={"q": query}),
        "searching": bool(query),
        "sort": used.get("sort") or selectors.DEFAULT_SORT,
        "can_create": bool(access.edit_unit_ids),
    }
    return render(request, "clients/list.html", context)


def _add_service_errors(form: ClientForm, error: ValidationError) -> None:
    errors: Iterable[tuple[str | None, Any]] = (
        error.error_dict.items() if hasattr(error, "error_dict") else [(None, error.error_list)]
    )
    for field, field_errors in errors:
        form.add_error(field if field in form.fields else None, field_errors)


def _log_duplicate(request: HttpRequest, form: ClientForm) -> None:
    """A duplicate identity code names the existing client (a link for a client the user may
    see, the registering unit for one they may not): logged against that client."""
    if form.duplicate_of is not None:
        access_log_record(
            action=Action.VIEW,
            request=request,
            client_uuid=form.duplicate_of.uuid,
            obj=form.duplicate_of,
            detail="existing client named in a duplicate identity code check"
            if form.duplicate_visible
            else "registering unit named in a duplicate identity code check",
        )


@login_required
@require_http_methods(["GET", "POST"])
def client_create(request: HttpRequest) -> HttpResponse:
    access = get_access(request.user)
    if not access.edit_unit_ids:
        # Read-only users see clients but may not register them; others have no clients.
        raise PermissionDenied if access.may_see_clients else Http404
    form = ClientForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            client = services.client_create(
                actor=request.user, request=request, **form.service_data()
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("The client was registered."))
            return redirect("clients:detail", code=client.uuid)
    _log_duplicate(request, form)
    return render(request, "clients/form.html", {"form": form, "creating": True})


def _plan_links(client: Client) -> dict[str, Any]:
    """Links to activation plans, once the plans app has its pages."""
    try:
        reverse("activation_plans:detail", kwargs={"code": client.uuid})
        plan_urls_enabled = True
    except NoReverseMatch:
        plan_urls_enabled = False
    try:
        plan_create_url = reverse("activation_plans:create", kwargs={"client": client.uuid})
    except NoReverseMatch:
        plan_create_url = None
    return {"plan_urls_enabled": plan_urls_enabled, "plan_create_url": plan_create_url}


@login_required
@require_GET
@never_cache
def client_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    client = get_client_for_user(request.user, code)
    periods = selectors.client_periods(client)
    units = selectors.client_units(client, periods)
    access_log_record(
        action=Action.VIEW, request=request, client_uuid=client.uuid, obj=client, detail="page"
    )
    can_edit = can_edit_client(request.user, client)
    context = {
        "client": client,
        "age": client.age_on(timezone.localdate()),
        "periods": periods,
        "current_period": selectors.current_period(periods),
        "units": units,
        "can_edit": can_edit,
        "sections": render_client_page_sections(request, client, can_edit=can_edit),
        "show_contact_details": may_see_contact_details(request.user, client),
        "can_see_access_log": may_see_access_log(
            request.user, client, unit_ids=[u.pk for u in units]
        ),
        **_plan_links(client),
    }
    return render(request, "clients/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def client_edit(request: HttpRequest, code: UUID) -> HttpResponse:
    client = get_client_for_user(request.user, code)
    if not can_edit_client(request.user, client):
        raise PermissionDenied
    heading = client.full_name  # the form puts the submitted values on ``client``
    form = ClientForm(request.POST or None, instance=client, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.client_update(
                actor=request.user, client=client, request=request, **form.service_data()
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("clients:detail", code=saved.uuid)
    _log_duplicate(request, form)
    access_log_record(
        action=Action.VIEW,
        request=request,
        client_uuid=client.uuid,
        obj=client,
        detail="edit form",
    )
    context = {"form": form, "creating": False, "client": client, "heading": heading}
    return render(request, "clients/form.html", context)


@login_required
@require_POST
@never_cache
def reveal_hetu(request: HttpRequest, code: UUID) -> HttpResponse:
    """Show the full identity code (an HTMX fragment, or a small page without JavaScript)."""
    client = get_client_for_user(request.user, code)
    access_log_record(
        action=Action.VIEW,
        request=request,
        client_uuid=client.uuid,
        obj=client,
        detail="identity code shown",
    )
    template = "clients/partials/hetu.html" if request.htmx else "clients/hetu_revealed.html"
    return render(request, template, {"client": client, "revealed": True})
