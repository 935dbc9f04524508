"""Reads about people, scoped by :mod:`accounts.people.access`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from organisations.models import RoleAssignment

from .access import PeopleScope, people_visible

if TYPE_CHECKING:
    from accounts.models import User
    from organisations.models import Unit

ACTIVE, DEACTIVATED, ALL = "active", "deactivated", "all"


def _shown_assignments(scope: PeopleScope) -> QuerySet[RoleAssignment]:
    return scope.assignments().select_related("unit", "project", "organiser", "municipality")


def people_list(
    *,
    scope: PeopleScope,
    unit: Unit | None = None,
    role: str = "",
    status: str = ACTIVE,
) -> QuerySet[User]:
    """The people in scope, each with ``shown_roles``: the roles the user may see (a unit
    manager, those in their units). ``unit`` and ``role`` keep the people who hold that role
    (any, if empty) in that unit (any, if None). Two queries, however many people."""
    people = people_visible(scope)
    if unit is not None or role:
        held = scope.assignments().filter(user=OuterRef("pk"))
        if unit is not None:
            held = held.filter(unit=unit)
        if role:
            held = held.filter(role=role)
        people = people.filter(Exists(held))
    if status == ACTIVE:
        people = people.filter(is_active=True)
    elif status == DEACTIVATED:
        people = people.filter(is_active=False)
    return people.order_by("last_name", "first_name", "username").prefetch_related(
        Prefetch(
            "role_assignments",
            queryset=_shown_assignments(scope).order_by("role", "id"),
            to_attr="shown_roles",
        )
    )


def person_roles(*, scope: PeopleScope, person: User) -> list[RoleAssignment]:
    """The person's roles that the user sees, with their places."""
    return list(_shown_assignments(scope).filter(user=person).order_by("role", "id"))


def person_roles_elsewhere(*, scope: PeopleScope, person: User) -> int:
    """How many of the person's roles lie outside the user's scope (shown as a count only)."""
    if scope.everyone:
        return 0
    shown = scope.assignments().filter(user=person).values("pk")
    return RoleAssignment.objects.filter(user=person).exclude(pk__in=shown).count()
