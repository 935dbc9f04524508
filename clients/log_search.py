"""Reading the access log across clients: administrators' search and unit managers' warning of
unusual access (DOMAIN.md §6, Act 703/2023 11 §).

It lives in ``clients`` because both need the client registry (an identity code, a caseload)
and ``audit``, which sits below the registry, may not read it.

The search shows who did what and when, never who the client is: administrators see no
personal data (organisations/access.py). A client is searched by identity code, which goes by
POST and is kept in the session under a random key, exactly like the client list's search
(clients/views.py): the code never appears in a URL, the browser history or a server log.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from audit.models import AccessLogEntry, Action
from audit.services import access_log_record
from organisations.access import get_access
from organisations.models import RoleAssignment

from .hetu import validate_hetu
from .models import Client

if TYPE_CHECKING:
    from collections.abc import Iterable

    from accounts.models import User

PAGE_SIZE = 50
# Pages are counted up to this many entries: a search over the whole log stays one bounded
# query, and a search that finds more asks to be narrowed.
MAX_RESULTS = 10_000
SEARCH_SESSION_KEY = "access_log_searches"
SEARCHES_KEPT = 10

# Opening a client's data, for the warning of unusual access.
OPENING_ACTIONS = (Action.VIEW, Action.REVEAL, Action.EXPORT, Action.PRINT)
UNUSUAL_ACCESS_WINDOW = datetime.timedelta(hours=1)


# --- selectors -----------------------------------------------------------------------------


def client_uuid_with_hetu(code: str) -> UUID | None:
    """The public id of the client registered with exactly this identity code."""
    return Client.objects.with_hetu(code).values_list("uuid", flat=True).first()


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def access_log_search(
    *,
    username: str = "",
    client_uuid: UUID | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    action: str = "",
) -> QuerySet[AccessLogEntry]:
    """Entries matching every filter given, newest first, with the acting user's names.

    Dates are local days (Europe/Helsinki), both included.
    """
    entries = AccessLogEntry.objects.select_related("user")
    if username:
        entries = entries.filter(username=username)
    if client_uuid is not None:
        entries = entries.filter(client_uuid=client_uuid)
    if date_from is not None:
        entries = entries.filter(at__gte=_start_of(date_from))
    if date_to is not None:
        entries = entries.filter(at__lt=_start_of(date_to + datetime.timedelta(days=1)))
    if action:
        entries = entries.filter(action=action)
    return entries.order_by("-at", "-id")


def unusual_access_for_units(
    *,
    unit_ids: Iterable[int],
    now: datetime.datetime,
    window: datetime.timedelta = UNUSUAL_ACCESS_WINDOW,
    threshold: int | None = None,
) -> list[User]:
    """Users with a role in one of the units who opened (viewed, revealed, exported, printed)
    more than ``threshold`` different clients outside their own caseload (clients whose
    responsible counsellor they are not) in ``window`` up to ``now``; one query.

    Each user carries ``clients_opened``; most first. ``threshold`` defaults to
    ``settings.ACCESS_LOG_UNUSUAL_CLIENTS``.
    """
    if threshold is None:
        threshold = settings.ACCESS_LOG_UNUSUAL_CLIENTS
    unit_ids = list(unit_ids)
    if not unit_ids:
        return []
    own_client = Client.objects.filter(
        uuid=OuterRef("client_uuid"), responsible_counsellor_id=OuterRef("user_id")
    )
    opened = (
        AccessLogEntry.objects.filter(
            user_id=OuterRef("pk"),
            at__gt=now - window,
            at__lte=now,
            action__in=OPENING_ACTIONS,
            client_uuid__isnull=False,
        )
        .exclude(Exists(own_client))
        .order_by()
        .values("user_id")
        .annotate(clients=Count("client_uuid", distinct=True))
        .values("clients")
    )
    has_role = Exists(RoleAssignment.objects.filter(user=OuterRef("pk"), unit_id__in=unit_ids))
    return list(
        get_user_model()
        .objects.filter(has_role)
        .annotate(clients_opened=Subquery(opened))
        .filter(clients_opened__gt=threshold)
        .order_by("-clients_opened", "username")
    )


# --- the search page -----------------------------------------------------------------------


def _finnish_date(day: datetime.date | None) -> str:
    """27.11.2026, as people write it (and as the form reads it back)."""
    return f"{day.day}.{day.month}.{day.year}" if day else ""


class AccessLogSearchForm(forms.Form):
    """Every filter is optional; the identity code is checked like anywhere in the registry."""

    user = forms.CharField(
        label=_("User name"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    client = forms.CharField(
        label=_("Client's personal identity code"),
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
        help_text=_("Exact code, for example 131052-308T. It is never put in the address."),
    )
    date_from = forms.DateField(
        label=_("From"), required=False, help_text=_("For example 1.1.2026.")
    )
    date_to = forms.DateField(label=_("To"), required=False, help_text=_("Inclusive."))
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any action")), *Action.choices]
    )

    def clean_user(self) -> str:
        return str(self.cleaned_data["user"]).strip()

    def clean_client(self) -> str:
        code = str(self.cleaned_data["client"]).strip()
        return validate_hetu(code, allow_temporary=True) if code else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise ValidationError(_("The range ends before it starts."))
        return data

    def url_params(self) -> dict[str, str]:
        """The filters that identify nobody, as GET parameters."""
        data = self.cleaned_data
        params = {
            "user": data["user"],
            "from": _finnish_date(data["date_from"]),
            "to": _finnish_date(data["date_to"]),
            "action": data["action"],
        }
        return {name: value for name, value in params.items() if value}


# GET parameter -> form field
_URL_FIELDS = {"user": "user", "from": "date_from", "to": "date_to", "action": "action"}


class _CappedPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        return int(self.object_list[:MAX_RESULTS].count())


@dataclass(frozen=True)
class _Search:
    form: AccessLogSearchForm
    client_uuid: UUID | None
    client_unknown: bool


def _remember_client(request: HttpRequest, code: str) -> str:
    searches = dict(request.session.get(SEARCH_SESSION_KEY, {}))
    key = secrets.token_urlsafe(9)
    searches[key] = code
    request.session[SEARCH_SESSION_KEY] = dict(list(searches.items())[-SEARCHES_KEPT:])
    return key


def _recall_client(request: HttpRequest, key: str) -> str:
    return str(request.session.get(SEARCH_SESSION_KEY, {}).get(key, "")) if key else ""


def _require_administrator(request: HttpRequest) -> None:
    if not get_access(request.user).is_administrator:
        raise Http404


def _post_search(request: HttpRequest) -> HttpResponse:
    """Keep the identity code in the session and redirect to the results by GET."""
    form = AccessLogSearchForm(request.POST)
    if not form.is_valid():
        return render(request, "clients/log_search.html", {"form": form, "page": None})
    params = form.url_params()
    if form.cleaned_data["client"]:
        params["search"] = _remember_client(request, form.cleaned_data["client"])
    url = reverse("access_log_search")
    return redirect(f"{url}?{urlencode(params)}" if params else url)


def _get_search(request: HttpRequest) -> _Search:
    data = {field: request.GET.get(param, "") for param, field in _URL_FIELDS.items()}
    data["client"] = _recall_client(request, request.GET.get("search", ""))
    form = AccessLogSearchForm(data)
    client_uuid = None
    if form.is_valid() and form.cleaned_data["client"]:
        client_uuid = client_uuid_with_hetu(form.cleaned_data["client"])
    return _Search(
        form=form,
        client_uuid=client_uuid,
        client_unknown=bool(form.is_valid() and form.cleaned_data["client"] and not client_uuid),
    )


def _log_detail(search: _Search, page: str) -> str:
    """What was searched, for the access log: the filters, never the identity code."""
    data = search.form.cleaned_data
    parts = ["access log search"]
    if data["user"]:
        parts.append(f"user={data['user']}")
    if data["client"]:
        unknown = " (no such client)" if search.client_unknown else ""
        parts.append(f"client=identity code{unknown}")
    if data["date_from"]:
        parts.append(f"from={data['date_from']:%Y-%m-%d}")
    if data["date_to"]:
        parts.append(f"to={data['date_to']:%Y-%m-%d}")
    if data["action"]:
        parts.append(f"action={data['action']}")
    parts.append(f"page={page[:10]}")
    return "; ".join(parts)


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def access_log_search_view(request: HttpRequest) -> HttpResponse:
    """Administrators search the whole access log; the search is itself logged."""
    _require_administrator(request)
    if request.method == "POST":
        return _post_search(request)
    search = _get_search(request)
    if not search.form.is_valid():
        return render(request, "clients/log_search.html", {"form": search.form, "page": None})
    data = search.form.cleaned_data
    entries = (
        AccessLogEntry.objects.none()
        if search.client_unknown
        else access_log_search(
            username=data["user"],
            client_uuid=search.client_uuid,
            date_from=data["date_from"],
            date_to=data["date_to"],
            action=data["action"],
        )
    )
    # Recorded before the entries are read, so that a search that matches it shows it too.
    access_log_record(
        action=Action.SEARCH,
        request=request,
        client_uuid=search.client_uuid,
        object_type="clients.access_log_search",
        detail=_log_detail(search, request.GET.get("page", "1")),
    )
    paginator = _CappedPaginator(entries, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "form": search.form,
        "page": page,
        "client_unknown": search.client_unknown,
        "capped": paginator.count >= MAX_RESULTS,
        "max_results": MAX_RESULTS,
    }
    return render(request, "clients/log_search.html", context)
