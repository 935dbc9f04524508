"""organisations.access.get_access: who sees which units' clients and figures."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from organisations.access import (
    NO_ACCESS,
    get_access,
    home_url_name,
    units_for_figures,
    units_with_client_access,
    units_with_edit_access,
)
from organisations.models import Role
from tests.organisations.factories import (
    MunicipalityFactory,
    OrganiserFactory,
    ProjectFactory,
    RoleAssignmentFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    """The user as a new request loads it: nothing cached on the object."""
    return User.objects.get(pk=user.pk)


def test_a_counsellor_sees_only_their_own_units(counsellor, outsider, unit, other_unit):
    access = get_access(counsellor)

    assert access.client_unit_ids == {unit.pk}
    assert access.edit_unit_ids == {unit.pk}
    assert not access.manage_unit_ids
    assert list(units_with_client_access(counsellor)) == [unit]
    assert list(units_with_edit_access(counsellor)) == [unit]
    assert list(units_for_figures(counsellor)) == [unit]
    assert get_access(outsider).client_unit_ids == {other_unit.pk}
    assert home_url_name(counsellor) == "home_counsellor"


def test_a_user_with_roles_in_two_units_sees_both(unit, other_unit):
    UnitFactory()  # a third unit nobody here works in
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=Role.COUNSELLOR, unit=unit)
    RoleAssignmentFactory(user=user, role=Role.UNIT_MANAGER, unit=other_unit)

    access = get_access(user)

    assert access.client_unit_ids == {unit.pk, other_unit.pk}
    assert access.edit_unit_ids == {unit.pk, other_unit.pk}
    assert access.manage_unit_ids == {other_unit.pk}
    assert access.roles == {Role.COUNSELLOR, Role.UNIT_MANAGER}
    # The most hands-on role decides the home page.
    assert home_url_name(user) == "home_unit_manager"


def test_a_project_manager_reads_the_project_units_but_cannot_edit(unit, other_unit):
    outside_unit = UnitFactory()
    project = ProjectFactory(units=[unit, other_unit])
    manager = UserFactory()
    RoleAssignmentFactory(user=manager, role=Role.PROJECT_MANAGER, project=project)

    access = get_access(manager)

    assert access.client_unit_ids == {unit.pk, other_unit.pk}
    assert access.figure_unit_ids == {unit.pk, other_unit.pk}
    assert outside_unit.pk not in access.client_unit_ids
    assert not access.edit_unit_ids
    assert not access.manage_unit_ids
    assert not units_with_edit_access(manager).exists()
    assert home_url_name(manager) == "home_project_manager"


def test_a_project_manager_by_organiser_sees_the_organiser_units():
    organiser = OrganiserFactory()
    first = UnitFactory(organiser=organiser)
    second = UnitFactory(organiser=organiser)
    elsewhere = UnitFactory()
    manager = UserFactory()
    RoleAssignmentFactory(user=manager, role=Role.PROJECT_MANAGER, organiser=organiser)

    access = get_access(manager)

    assert access.client_unit_ids == {first.pk, second.pk}
    assert elsewhere.pk not in access.figure_unit_ids
    assert not access.edit_unit_ids


def test_a_municipal_official_has_figures_of_a_municipality_but_no_clients(unit):
    municipality = MunicipalityFactory()
    official = UserFactory()
    RoleAssignmentFactory(user=official, role=Role.MUNICIPAL_OFFICIAL, municipality=municipality)

    access = get_access(official)

    assert access.municipality_ids == {municipality.pk}
    assert not access.client_unit_ids
    assert not access.may_see_clients
    assert not units_with_client_access(official).exists()
    assert not units_for_figures(official).exists()
    assert home_url_name(official) == "home_municipal_official"


def test_an_administrator_has_every_unit_for_figures_but_no_clients(unit, other_unit):
    administrator = UserFactory()
    RoleAssignmentFactory(user=administrator, role=Role.ADMINISTRATOR)

    access = get_access(administrator)

    assert access.all_units
    assert access.is_administrator
    assert not access.client_unit_ids
    assert not access.may_see_clients
    assert set(units_for_figures(administrator)) == {unit, other_unit}
    assert not units_with_client_access(administrator).exists()


def test_an_inactive_user_has_no_access(counsellor):
    counsellor.is_active = False
    counsellor.save()

    assert get_access(fresh(counsellor)) == NO_ACCESS
    assert not units_with_client_access(fresh(counsellor)).exists()


def test_an_anonymous_user_has_no_access(unit):
    assert get_access(AnonymousUser()) == NO_ACCESS
    assert home_url_name(AnonymousUser()) == "home_no_role"


def test_a_user_without_roles_has_no_access(unit):
    user = UserFactory()

    assert get_access(user) == NO_ACCESS
    assert home_url_name(user) == "home_no_role"


def test_get_access_takes_at_most_three_queries_and_is_cached(
    django_assert_max_num_queries, django_assert_num_queries, unit, other_unit
):
    # Every kind of scope at once: the most queries get_access ever needs.
    organiser = OrganiserFactory()
    organiser_unit = UnitFactory(organiser=organiser)
    project = ProjectFactory(units=[other_unit])
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=Role.COUNSELLOR, unit=unit)
    RoleAssignmentFactory(user=user, role=Role.PROJECT_MANAGER, project=project)
    RoleAssignmentFactory(user=user, role=Role.PROJECT_MANAGER, organiser=organiser)
    RoleAssignmentFactory(
        user=user, role=Role.MUNICIPAL_OFFICIAL, municipality=MunicipalityFactory()
    )
    user = fresh(user)

    with django_assert_max_num_queries(3):
        access = get_access(user)
    with django_assert_num_queries(0):
        again = get_access(user)

    assert again is access
    assert access.client_unit_ids == {unit.pk, other_unit.pk, organiser_unit.pk}
    assert access.edit_unit_ids == {unit.pk}
