"""People in the app: who has which role, invitations, roles given and taken, deactivation.

For administrators (everyone) and unit managers (the people of their units); anyone else gets
404 (accounts/people/access.py). Staff are not client data: these pages show no client and
write access-log rows only for the changes they make.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.invitations import invitation_timeout
from organisations.models import Role
from organisations.services import user_add_role, user_remove_role

from . import selectors, services
from .access import get_person_for_user, may_deactivate, people_scope
from .forms import InviteForm, PeopleFilterForm, RemoveRoleForm, RoleForm

PAGE_SIZE = 50


# The service's fields that the forms call otherwise (an invited person's user name is their
# e-mail address).
_FORM_FIELD = {"username": "email", "scope": "unit"}


def _add_errors(form: RoleForm, error: ValidationError) -> None:
    """Put a service's errors on the form's fields; the others on the form as a whole."""
    items = error.error_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
    for name, errors in items:
        field = _FORM_FIELD.get(name or "", name)
        form.add_error(field if field in form.fields else None, errors)


@login_required
@never_cache
@require_GET
def people_list(request: HttpRequest) -> HttpResponse:
    scope = people_scope(request.user)
    filters = PeopleFilterForm(request.GET or None, scope=scope)
    people = selectors.people_list(scope=scope, **filters.filters())
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filters": filters, "page": page, "scope": scope}
    return render(request, "accounts/people/list.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def person_invite(request: HttpRequest) -> HttpResponse:
    scope = people_scope(request.user)
    form = InviteForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        role, place = form.role_and_scope()
        try:
            invited = services.person_invite(
                actor=request.user,
                request=request,
                email=form.cleaned_data["email"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                role=role,
                scope=place,
                language=form.cleaned_data["language"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            person = invited.added.user
            name = person.get_full_name() or person.get_username()
            if invited.invitation_sent:
                messages.success(
                    request,
                    _(
                        "An invitation was sent to %(email)s. The link works for %(hours)s "
                        "hours; if it runs out, invite the person again."
                    )
                    % {"email": person.email, "hours": invitation_timeout() // 3600},
                )
            elif invited.added.role_added:
                messages.success(
                    request,
                    _("%(name)s already has an account: they were given the role.")
                    % {"name": name},
                )
            else:
                messages.info(request, _("%(name)s already has this role.") % {"name": name})
            return redirect("people:detail", code=person.uuid)
    return render(request, "accounts/people/invite.html", {"form": form})


@login_required
@never_cache
@require_GET
def person_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    scope = people_scope(request.user)
    person = get_person_for_user(scope, code)
    context = {
        "person": person,
        "roles": selectors.person_roles(scope=scope, person=person),
        "roles_elsewhere": selectors.person_roles_elsewhere(scope=scope, person=person),
        "can_deactivate": may_deactivate(scope, actor=request.user, person=person),
        "is_self": person.pk == request.user.pk,
        "invitation_pending": person.is_active
        and not person.has_usable_password()
        and person.last_login is None,
    }
    return render(request, "accounts/people/detail.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def role_add(request: HttpRequest, code: UUID) -> HttpResponse:
    scope = people_scope(request.user)
    person = get_person_for_user(scope, code)
    form = RoleForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        role, place = form.role_and_scope()
        try:
            added = user_add_role(
                username=person.get_username(),
                role=role,
                scope=place,
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if added.role_added:
                messages.success(request, _("The role was given."))
            else:
                messages.info(request, _("The person already has this role."))
            return redirect("people:detail", code=person.uuid)
    return render(request, "accounts/people/role_form.html", {"form": form, "person": person})


@login_required
@require_POST
def role_remove(request: HttpRequest, code: UUID) -> HttpResponse:
    scope = people_scope(request.user)
    person = get_person_for_user(scope, code)
    form = RemoveRoleForm(request.POST, scope=scope, person=person)
    if not form.is_valid():
        messages.error(request, _("Choose a role of this person to take away."))
        return redirect("people:detail", code=person.uuid)
    assignment = form.cleaned_data["assignment"]
    if person.pk == request.user.pk and assignment.role in (
        Role.UNIT_MANAGER,
        Role.ADMINISTRATOR,
    ):
        messages.error(
            request,
            _(
                "You cannot take away your own role as %(role)s: ask another %(role)s or an "
                "administrator."
            )
            % {"role": assignment.get_role_display()},
        )
        return redirect("people:detail", code=person.uuid)
    user_remove_role(assignment=assignment, actor=request.user, request=request)
    messages.success(request, _("The role was taken away. What the person recorded stays."))
    if scope.everyone or selectors.person_roles(scope=scope, person=person):
        return redirect("people:detail", code=person.uuid)
    return redirect("people:list")  # the person has no role left in the manager's units


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def person_deactivate(request: HttpRequest, code: UUID) -> HttpResponse:
    """A page that asks first; the POST closes the account."""
    scope = people_scope(request.user)
    person = get_person_for_user(scope, code)
    allowed = may_deactivate(scope, actor=request.user, person=person)
    if request.method == "POST":
        if not allowed:
            messages.error(request, _("You cannot deactivate this account."))
        elif services.user_deactivate(person=person, actor=request.user, request=request):
            messages.success(
                request,
                _("The account of %(name)s was deactivated. Their records stay, with their name.")
                % {"name": person.get_full_name() or person.get_username()},
            )
        return redirect("people:detail", code=person.uuid)
    context = {"person": person, "allowed": allowed, "is_self": person.pk == request.user.pk}
    return render(request, "accounts/people/deactivate.html", context)


@login_required
@require_POST
def person_reactivate(request: HttpRequest, code: UUID) -> HttpResponse:
    scope = people_scope(request.user)
    person = get_person_for_user(scope, code)
    if not may_deactivate(scope, actor=request.user, person=person):
        messages.error(request, _("You cannot take this account into use."))
    elif services.user_reactivate(person=person, actor=request.user, request=request):
        messages.success(request, _("The account is in use again, with its roles."))
    return redirect("people:detail", code=person.uuid)
