"""Pages of individual and group sessions and of groups. Thin: access → form → service or
selector → render or redirect.

Access: client pages go through ``clients.access`` (404 for a client the user may not see,
403 for a visible one they may not change); group pages need the group's unit among the
units whose clients the user sees (404 otherwise) and among their own units to change
anything (403). Every page that shows client data writes an access-log row per client shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.models import Action
from audit.services import access_log_record_many
from clients.access import can_edit_client, get_client_for_user
from clients.models import Client
from clients.selectors import client_unit_ids
from organisations.access import get_access

from . import session_selectors as selectors
from . import session_services as services
from .session_forms import (
    GroupSessionForm,
    IndividualSessionForm,
    MembershipAddForm,
    MembershipEndForm,
    RosterDateForm,
    add_service_errors,
)
from .timeline import client_timeline

TIMELINE_PAGE_LIMIT = 200


def _log_view(request: HttpRequest, clients: Iterable[Any], obj: Model, detail: str) -> None:
    """One view row per client the page names (clients or their UUIDs), in one insert."""
    access_log_record_many(
        action=Action.VIEW,
        client_uuids=[getattr(client, "uuid", client) for client in clients],
        request=request,
        object_type=obj._meta.label_lower,
        object_id=str(getattr(obj, "uuid", None) or obj.pk),
        detail=detail,
    )


# --- Individual sessions -------------------------------------------------------------------


def _editable_client(request: HttpRequest, code: UUID) -> Client:
    client = get_client_for_user(request.user, code)
    if not can_edit_client(request.user, client):
        raise PermissionDenied
    return client


def _individual_form(request: HttpRequest, client: Client, session: Any = None) -> Any:
    kept = [goal.pk for goal in session.goals.all()] if session else []
    initial = (
        IndividualSessionForm.initial_from(session)
        if session
        else {"date": timezone.localdate(), "counsellors": [request.user.pk]}
    )
    return IndividualSessionForm(
        request.POST or None,
        counsellors=selectors.counsellor_choices(unit_ids=client_unit_ids(client)),
        goals=selectors.goal_choices(client=client, keep=kept),
        born=client.date_of_birth,
        initial=initial,
    )


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def individual_session_create(request: HttpRequest, client: UUID) -> HttpResponse:
    record = _editable_client(request, client)
    form = _individual_form(request, record)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.individual_session_create(
                user=request.user, client=record, request=request, **form.service_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The session was recorded."))
            return redirect(
                "guidance:sessions_individual_detail", client=record.uuid, code=session.uuid
            )
    _log_view(request, [record], record, "individual session form")
    context = {"form": form, "client": record}
    return render(request, "guidance/sessions/individual_form.html", context)


@login_required
@require_GET
@never_cache
def individual_session_detail(request: HttpRequest, client: UUID, code: UUID) -> HttpResponse:
    record = get_client_for_user(request.user, client)
    session = selectors.individual_session_get(client=record, code=code)
    _log_view(request, [record], session, "individual session")
    context = {
        "client": record,
        "session": session,
        "can_edit": can_edit_client(request.user, record),
    }
    return render(request, "guidance/sessions/individual_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def individual_session_edit(request: HttpRequest, client: UUID, code: UUID) -> HttpResponse:
    record = _editable_client(request, client)
    session = selectors.individual_session_get(client=record, code=code)
    form = _individual_form(request, record, session)
    if request.method == "POST" and form.is_valid():
        try:
            services.individual_session_update(
                user=request.user, session=session, request=request, **form.service_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("guidance:sessions_individual_detail", client=record.uuid, code=code)
    _log_view(request, [record], session, "individual session edit form")
    context = {"form": form, "client": record, "session": session}
    return render(request, "guidance/sessions/individual_form.html", context)


@login_required
@require_GET
@never_cache
def client_timeline_page(request: HttpRequest, client: UUID) -> HttpResponse:
    record = get_client_for_user(request.user, client)
    timeline = client_timeline(record, request.user, limit=TIMELINE_PAGE_LIMIT)
    _log_view(request, [record], record, "guidance timeline")
    context = {
        "client": record,
        "timeline": timeline,
        "can_edit": can_edit_client(request.user, record),
    }
    return render(request, "guidance/sessions/timeline.html", context)


# --- Groups --------------------------------------------------------------------------------


@login_required
@require_GET
def groups_list(request: HttpRequest) -> HttpResponse:
    if not get_access(request.user).may_see_clients:
        raise Http404
    groups = selectors.group_list(user=request.user, today=timezone.localdate())
    return render(request, "guidance/groups/list.html", {"groups": groups})


@login_required
@require_GET
@never_cache
def group_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    group = selectors.group_get(user=request.user, code=code)
    today = timezone.localdate()
    members = selectors.group_roster_on(group=group, day=today)
    _log_view(request, (m.client for m in members), group, "group page")
    context = {
        "group": group,
        "members": members,
        "sessions": selectors.group_sessions_of(group=group),
        "can_edit": selectors.can_edit_group(user=request.user, group=group),
        "today": today,
    }
    return render(request, "guidance/groups/detail.html", context)


def _members_page(request: HttpRequest, group: Any, add_form: Any = None) -> HttpResponse:
    today = timezone.localdate()
    memberships = selectors.group_memberships(group=group, today=today)
    can_edit = selectors.can_edit_group(user=request.user, group=group)
    if can_edit and add_form is None:
        candidates = selectors.group_member_candidates(group=group, day=today)
        add_form = MembershipAddForm(candidates=candidates)
    shown = [m.client.uuid for m in memberships]
    if add_form is not None:  # its choices name the unit's other clients
        shown += add_form.fields["client"].queryset.values_list("uuid", flat=True)
    _log_view(request, shown, group, "group members")
    context = {"group": group, "memberships": memberships, "can_edit": can_edit}
    context |= {"add_form": add_form, "today": today}
    return render(request, "guidance/groups/members.html", context)


def _editable_group(request: HttpRequest, code: UUID) -> Any:
    group = selectors.group_get(user=request.user, code=code)
    if not selectors.can_edit_group(user=request.user, group=group):
        raise PermissionDenied
    return group


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def group_members(request: HttpRequest, code: UUID) -> HttpResponse:
    """The members, current and past; a POST adds a client of the unit to the group."""
    if request.method == "GET":
        return _members_page(request, selectors.group_get(user=request.user, code=code))
    group = _editable_group(request, code)
    candidates = selectors.group_member_candidates(group=group, day=timezone.localdate())
    form = MembershipAddForm(request.POST, candidates=candidates)
    if form.is_valid():
        try:
            services.group_membership_add(
                user=request.user, group=group, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The client was added to the group."))
            return redirect("guidance:group_members", code=group.uuid)
    return _members_page(request, group, add_form=form)


@login_required
@require_POST
def group_member_end(request: HttpRequest, code: UUID) -> HttpResponse:
    group = _editable_group(request, code)
    form = MembershipEndForm(request.POST, memberships=group.memberships.select_related("client"))
    if form.is_valid():
        try:
            services.group_membership_end(user=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The membership was ended."))
    else:
        messages.error(request, _("Choose a valid end date for the membership."))
    return redirect("guidance:group_members", code=group.uuid)


# --- Group sessions ------------------------------------------------------------------------


def _roster_day(request: HttpRequest) -> tuple[Any, RosterDateForm]:
    source = request.POST if request.method == "POST" else request.GET
    date_form = RosterDateForm(source or {"date": timezone.localdate()})
    day = date_form.cleaned_data["date"] if date_form.is_valid() else timezone.localdate()
    return day, date_form


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def group_session_create(request: HttpRequest, code: UUID) -> HttpResponse:
    """One screen: the session and the roster of the group's members on that day."""
    group = _editable_group(request, code)
    day, date_form = _roster_day(request)
    roster = [m.client for m in selectors.group_roster_on(group=group, day=day)]
    form = GroupSessionForm(
        request.POST or None,
        counsellors=selectors.counsellor_choices(unit_ids=[group.unit_id]),
        roster=roster,
        fixed_date=True,
        group=group,
        initial={"date": day, "counsellors": [request.user.pk]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = services.group_session_create(
                user=request.user, group=group, request=request, **form.service_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, result)
    _log_view(request, roster, group, "group session form")
    context = {"group": group, "form": form, "date_form": date_form, "day": day}
    return render(request, "guidance/groups/session_form.html", context)


def _saved(request: HttpRequest, result: services.GroupSessionResult) -> HttpResponse:
    messages.success(request, _("The group session was saved."))
    if result.attendance_marked:
        messages.info(
            request,
            ngettext(
                "%(count)s client was marked present in the day's attendance.",
                "%(count)s clients were marked present in the day's attendance.",
                result.attendance_marked,
            )
            % {"count": result.attendance_marked},
        )
    return redirect("guidance:group_session_detail", code=result.session.uuid)


@login_required
@require_GET
@never_cache
def group_session_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    """Names and ticks only: each private note is shown in that client's own record."""
    session = selectors.group_session_get(user=request.user, code=code)
    roster = selectors.group_session_roster(session=session)
    _log_view(request, (line.client for line in roster), session, "group session")
    context = {
        "session": session,
        "group": session.group,
        "roster": roster,
        "took_part_count": sum(line.took_part for line in roster),
        "can_edit": selectors.can_edit_group(user=request.user, group=session.group),
    }
    return render(request, "guidance/groups/session_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def group_session_edit(request: HttpRequest, code: UUID) -> HttpResponse:
    session = selectors.group_session_get(user=request.user, code=code)
    if not selectors.can_edit_group(user=request.user, group=session.group):
        raise PermissionDenied
    saved = {line.client_id: line for line in selectors.group_session_roster(session=session)}
    day = timezone.localtime(session.starts_at).date()
    members = [m.client for m in selectors.group_roster_on(group=session.group, day=day)]
    roster = [line.client for line in saved.values()]
    roster += [client for client in members if client.pk not in saved]
    roster.sort(key=lambda c: (c.last_name, c.first_name, c.pk))
    form = GroupSessionForm(
        request.POST or None,
        counsellors=selectors.counsellor_choices(unit_ids=[session.group.unit_id]),
        roster=roster,
        saved=saved,
        group=session.group,
        session=session,
        initial=GroupSessionForm.initial_from(session),
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = services.group_session_update(
                user=request.user, session=session, request=request, **form.service_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, result)
    _log_view(request, roster, session, "group session edit form")
    context = {"group": session.group, "session": session, "form": form, "day": day}
    return render(request, "guidance/groups/session_form.html", context)
