"""Who may manage whom (issue 14: people in the app).

- an administrator: everyone, every role, anywhere;
- a unit manager: the people who hold a role in one of the units they manage; they give and
  take the counsellor's and the unit manager's roles of those units only, never the
  administrator's role.

Anyone else gets 404 for every page about people, as for a record that does not exist; so does
a unit manager for a person who has no role in their units.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from organisations.access import get_access
from organisations.models import Role, RoleAssignment, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

# The roles a unit manager gives and takes in their own units.
UNIT_ROLES = (Role.COUNSELLOR, Role.UNIT_MANAGER)


@dataclass(frozen=True)
class PeopleScope:
    everyone: bool  # an administrator
    unit_ids: frozenset[int]  # the units a unit manager manages

    @property
    def roles(self) -> list[tuple[str, str]]:
        """The roles this user may give and take, as choices."""
        if self.everyone:
            return list(Role.choices)
        return [(str(role.value), str(role.label)) for role in UNIT_ROLES]

    def units(self) -> QuerySet[Unit]:
        return Unit.objects.all() if self.everyone else Unit.objects.filter(id__in=self.unit_ids)

    def assignments(self) -> QuerySet[RoleAssignment]:
        """The role assignments this user sees and may take away."""
        if self.everyone:
            return RoleAssignment.objects.all()
        return RoleAssignment.objects.filter(role__in=UNIT_ROLES, unit_id__in=self.unit_ids)

    def covers(self, assignment: RoleAssignment) -> bool:
        return self.everyone or (
            assignment.role in UNIT_ROLES and assignment.unit_id in self.unit_ids
        )


def people_scope(user: User | AnonymousUser) -> PeopleScope:
    """The user's scope over people, or 404 when they may manage nobody."""
    access = get_access(user)
    if access.is_administrator:
        return PeopleScope(everyone=True, unit_ids=frozenset())
    if access.manage_unit_ids:
        return PeopleScope(everyone=False, unit_ids=access.manage_unit_ids)
    raise Http404


def people_visible(scope: PeopleScope) -> QuerySet[User]:
    users: QuerySet[User] = get_user_model()._default_manager.all()
    if scope.everyone:
        return users
    in_units = scope.assignments().filter(user=OuterRef("pk"))
    return users.filter(Exists(in_units))


def get_person_for_user(scope: PeopleScope, code: uuid.UUID | str) -> User:
    """The person, or 404 when they do not exist or are outside the scope."""
    try:
        return people_visible(scope).get(uuid=code)
    except (get_user_model().DoesNotExist, ValueError):
        raise Http404 from None


def may_deactivate(scope: PeopleScope, *, actor: User, person: User) -> bool:
    """Nobody deactivates themselves; a unit manager only someone all of whose roles are in the
    units they manage (someone who works elsewhere too keeps their account: take away the
    role of the unit instead)."""
    if person.pk == actor.pk:
        return False
    if scope.everyone:
        return True
    outside = RoleAssignment.objects.filter(user=person).exclude(
        Q(role__in=UNIT_ROLES) & Q(unit_id__in=scope.unit_ids)
    )
    return not outside.exists()
