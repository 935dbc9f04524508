"""Writes about people: invitations, roles given in the app, deactivation.

Roles are given with the same service as ``manage.py add_user``
(:func:`organisations.services.user_add_role`) and taken with its pair
(:func:`organisations.services.user_remove_role`); each change writes an access-log row about
the person, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.invitations import invitation_send
from audit.models import Action
from audit.services import access_log_record
from organisations.services import RoleAdded, RoleScope, user_add_role

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User


@dataclass(frozen=True)
class Invited:
    added: RoleAdded
    invitation_sent: bool


def _person_with_email(email: str) -> User | None:
    users = list(
        get_user_model()._default_manager.filter(email__iexact=email).order_by("pk")[:2]
    ) or list(get_user_model()._default_manager.filter(username__iexact=email)[:1])
    if len(users) > 1:
        raise ValidationError(
            {
                "email": _(
                    "Several accounts have this e-mail address. Ask an administrator to give "
                    "the role."
                )
            }
        )
    return users[0] if users else None


@transaction.atomic
def person_invite(
    *,
    actor: User,
    request: HttpRequest,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    scope: RoleScope | None,
    language: str,
) -> Invited:
    """Give the person with this e-mail address the role, creating their account (user name:
    the address) when there is none, and e-mail them a link to set their password when they
    have none yet. An existing person keeps their names. All or nothing: if the e-mail cannot
    be sent, nothing is saved."""
    email = email.strip()
    existing = _person_with_email(email)
    if existing is not None and not existing.is_active:
        raise ValidationError(
            {
                "email": _(
                    "The account with this e-mail address has been deactivated. An "
                    "administrator or a unit manager of their unit can take it into use again."
                )
            }
        )
    if existing is None:
        added = user_add_role(
            username=email.lower(),
            role=role,
            scope=scope,
            first_name=first_name,
            last_name=last_name,
            email=email,
            actor=actor,
            request=request,
        )
    else:
        added = user_add_role(
            username=existing.get_username(), role=role, scope=scope, actor=actor, request=request
        )
    person = added.user
    if person.has_usable_password():
        return Invited(added=added, invitation_sent=False)
    invitation_send(
        user=person,
        request=request,
        inviter=actor,
        role=role,
        place=str(scope) if scope is not None else "",
        language=language,
    )
    return Invited(added=added, invitation_sent=True)


def _set_active(*, person: User, active: bool, actor: User, request: HttpRequest) -> bool:
    if person.is_active == active:
        return False
    person.is_active = active
    person.save(update_fields=["is_active"])
    access_log_record(
        action=Action.CHANGE,
        request=request,
        user=actor,
        obj=person,
        detail="account deactivated" if not active else "account taken into use again",
    )
    return True


@transaction.atomic
def user_deactivate(*, person: User, actor: User, request: HttpRequest) -> bool:
    """Close the person's account: they can no longer sign in; everything they recorded stays
    with their name, and so do their roles (for a later reactivation). False when it was
    closed already. Nobody deactivates themselves."""
    if person.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    return _set_active(person=person, active=False, actor=actor, request=request)


@transaction.atomic
def user_reactivate(*, person: User, actor: User, request: HttpRequest) -> bool:
    """Take a deactivated account into use again, with the roles it had."""
    return _set_active(person=person, active=True, actor=actor, request=request)
