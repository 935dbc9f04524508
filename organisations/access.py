"""Who may see what. Written once; every app scopes its views and selectors through it.

- counsellor: client data of their own units (read and write);
- unit manager: as a counsellor, plus the staff and month locks of their units;
- project manager: client data of the units of their projects or organiser (read only),
  and figures of those units;
- municipal official: aggregate figures for clients whose home municipality is theirs, never
  personal data;
- administrator: the organisation structure and users, figures of every unit, no personal data
  unless they also hold a unit role (data minimisation, DOMAIN.md §6).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .models import Project, Role, RoleAssignment, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

# The home page a user lands on follows the most hands-on role they hold.
ROLE_PRECEDENCE = [
    Role.UNIT_MANAGER,
    Role.COUNSELLOR,
    Role.PROJECT_MANAGER,
    Role.MUNICIPAL_OFFICIAL,
    Role.ADMINISTRATOR,
]

_CACHE_ATTR = "_kuty_access"


@dataclass(frozen=True)
class Access:
    roles: frozenset[str]
    client_unit_ids: frozenset[int]
    edit_unit_ids: frozenset[int]
    manage_unit_ids: frozenset[int]
    figure_unit_ids: frozenset[int]
    municipality_ids: frozenset[int]
    all_units: bool

    @property
    def primary_role(self) -> str | None:
        for role in ROLE_PRECEDENCE:
            if role in self.roles:
                return role
        return None

    @property
    def may_see_clients(self) -> bool:
        return bool(self.client_unit_ids)

    @property
    def is_administrator(self) -> bool:
        return Role.ADMINISTRATOR in self.roles


NO_ACCESS = Access(
    roles=frozenset(),
    client_unit_ids=frozenset(),
    edit_unit_ids=frozenset(),
    manage_unit_ids=frozenset(),
    figure_unit_ids=frozenset(),
    municipality_ids=frozenset(),
    all_units=False,
)


def get_access(user: User | AnonymousUser) -> Access:
    """The user's access, computed with at most three queries and cached on the user object."""
    if not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    assignments = list(
        RoleAssignment.objects.filter(user=user).values_list(
            "role", "unit_id", "organiser_id", "project_id", "municipality_id"
        )
    )
    roles: set[str] = set()
    own_units: set[int] = set()
    managed: set[int] = set()
    project_ids: set[int] = set()
    organiser_ids: set[int] = set()
    municipality_ids: set[int] = set()
    for role, unit_id, organiser_id, project_id, municipality_id in assignments:
        roles.add(role)
        if role in (Role.COUNSELLOR, Role.UNIT_MANAGER):
            own_units.add(unit_id)
            if role == Role.UNIT_MANAGER:
                managed.add(unit_id)
        elif role == Role.PROJECT_MANAGER:
            if project_id:
                project_ids.add(project_id)
            if organiser_id:
                organiser_ids.add(organiser_id)
        elif role == Role.MUNICIPAL_OFFICIAL:
            municipality_ids.add(municipality_id)
    followed: set[int] = set()
    if project_ids:
        followed.update(
            Project.units.through.objects.filter(project_id__in=project_ids).values_list(
                "unit_id", flat=True
            )
        )
    if organiser_ids:
        followed.update(
            Unit.objects.filter(organiser_id__in=organiser_ids).values_list("id", flat=True)
        )
    all_units = Role.ADMINISTRATOR in roles
    access = Access(
        roles=frozenset(roles),
        client_unit_ids=frozenset(own_units | followed),
        edit_unit_ids=frozenset(own_units),
        manage_unit_ids=frozenset(managed),
        figure_unit_ids=frozenset(own_units | followed),
        municipality_ids=frozenset(municipality_ids),
        all_units=all_units,
    )
    setattr(user, _CACHE_ATTR, access)
    return access


def units_with_client_access(user: User | AnonymousUser) -> QuerySet[Unit]:
    """Units whose clients the user may see."""
    return Unit.objects.filter(id__in=get_access(user).client_unit_ids)


def units_with_edit_access(user: User | AnonymousUser) -> QuerySet[Unit]:
    """Units whose client records the user may create and change."""
    return Unit.objects.filter(id__in=get_access(user).edit_unit_ids)


def units_for_figures(user: User | AnonymousUser) -> QuerySet[Unit]:
    """Units whose aggregate figures the user may see (not the municipal scope)."""
    access = get_access(user)
    if access.all_units:
        return Unit.objects.all()
    return Unit.objects.filter(id__in=access.figure_unit_ids)


def home_url_name(user: User | AnonymousUser) -> str:
    """The name of the URL of the user's home page."""
    role = get_access(user).primary_role
    return f"home_{role}" if role else "home_no_role"
