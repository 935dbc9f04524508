"""``manage.py demo_data``: what someone trying KUTY out gets from ``make run``."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpRequest
from django.utils import timezone, translation

from accounts.models import User
from organisations.access import get_access
from organisations.demo import DEMO_PASSWORD
from organisations.models import (
    ClosureDay,
    EmploymentAuthority,
    Group,
    Municipality,
    Organiser,
    Project,
    Role,
    RoleAssignment,
    Unit,
)

pytestmark = pytest.mark.django_db

DEMO_USERS = {
    "demo-ohjaaja": Role.COUNSELLOR,
    "demo-esimies": Role.UNIT_MANAGER,
    "demo-projekti": Role.PROJECT_MANAGER,
    "demo-kunta": Role.MUNICIPAL_OFFICIAL,
    "demo-yllapito": Role.ADMINISTRATOR,
}


def run_demo() -> str:
    """The organisation part only: clients, plans and attendance are tested in
    tests/kuty/test_demo_data_full.py."""
    out = StringIO()
    with translation.override("en"):
        call_command("demo_data", organisations_only=True, stdout=out)
    return out.getvalue()


def everything() -> dict[str, list[tuple[object, ...]]]:
    """Every demo row and value that a second run could touch."""
    return {
        "municipalities": sorted(Municipality.objects.values_list()),
        "organisers": sorted(Organiser.objects.values_list()),
        "authorities": sorted(EmploymentAuthority.objects.values_list()),
        "units": sorted(Unit.objects.values_list()),
        "groups": sorted(Group.objects.values_list()),
        "closure_days": sorted(ClosureDay.objects.values_list()),
        "projects": sorted(Project.objects.values_list()),
        "project_units": sorted(Project.units.through.objects.values_list()),
        "users": sorted(User.objects.values_list("pk", "username", "password", "first_name")),
        "roles": sorted(RoleAssignment.objects.values_list()),
    }


def test_creates_the_four_seed_units_with_groups_and_closure_days():
    output = run_demo()

    units = {unit.municipality.code: unit for unit in Unit.objects.select_related("municipality")}
    assert set(units) == {"061", "398", "638", "734"}
    assert units["398"].name == "Lahden työtoimintakeskus"
    assert units["398"].organiser.name == "Päijät-Hämeen hyvinvointialue"
    assert units["061"].organiser.name == "Kanta-Hämeen hyvinvointialue"
    assert EmploymentAuthority.objects.count() == 4
    this_year = timezone.localdate().year
    for unit in units.values():
        assert unit.name in output
        assert unit.groups.count() == 2
        days = list(unit.closure_days.values_list("date", flat=True))
        assert len(days) >= 3
        assert all(day.year == this_year and day.month == 12 for day in days)
        assert all(day.weekday() < 5 for day in days)


def test_the_project_groups_all_four_units():
    run_demo()

    project = Project.objects.get(code="KYVYT")
    assert project.name == "Kyvyt käyttöön"
    assert project.funder == "ESF+"
    assert (project.start_date, project.end_date) == (
        datetime.date(2024, 1, 1),
        datetime.date(2027, 12, 31),
    )
    assert project.units.count() == 4


@pytest.mark.parametrize(("username", "role"), DEMO_USERS.items())
def test_each_role_has_a_demo_user_who_can_sign_in(client, username, role):
    output = run_demo()

    assert username in output
    assert DEMO_PASSWORD in output
    # django-axes needs a request to check for lock-outs.
    assert client.login(request=HttpRequest(), username=username, password=DEMO_PASSWORD)
    user = User.objects.get(username=username)
    assert user.get_full_name()
    assert get_access(user).primary_role == role


def test_the_counsellor_works_in_lahti_and_forssa():
    run_demo()

    access = get_access(User.objects.get(username="demo-ohjaaja"))

    names = set(Unit.objects.filter(pk__in=access.edit_unit_ids).values_list("name", flat=True))
    assert names == {"Lahden työtoimintakeskus", "Forssan työkeskus"}


def test_the_project_manager_follows_the_project_and_the_official_lahti():
    run_demo()

    project_manager = get_access(User.objects.get(username="demo-projekti"))
    official = get_access(User.objects.get(username="demo-kunta"))

    assert len(project_manager.figure_unit_ids) == 4
    assert not project_manager.edit_unit_ids
    assert not official.may_see_clients
    assert official.municipality_ids == {Municipality.objects.get(code="398").pk}


def test_the_administrator_can_use_the_django_admin(client):
    run_demo()

    assert client.login(request=HttpRequest(), username="demo-yllapito", password=DEMO_PASSWORD)
    response = client.get("/admin/")

    assert response.status_code == 200


def test_a_second_run_changes_nothing():
    run_demo()
    before = everything()

    output = run_demo()

    assert "Demo data already exists" in output
    assert everything() == before


def test_refuses_to_run_in_production(settings):
    settings.KUTY_ENVIRONMENT = "production"

    with translation.override("en"), pytest.raises(CommandError, match="production"):
        call_command("demo_data", stdout=StringIO())

    assert not Unit.objects.exists()
    assert not User.objects.exists()
