"""The administrator edits units, groups, closure days and projects in the app (issue 14):
each save is validated with plain-language messages, all or nothing, and logged."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry, Action
from organisations.models import ClosureDay, Group, Project, Unit
from tests.db_counts import row_counts
from tests.organisations.factories import (
    GroupFactory,
    MunicipalityFactory,
    OrganiserFactory,
    ProjectFactory,
    RoleAssignmentFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):  # type: ignore[no-untyped-def]
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def fiona(db):  # type: ignore[no-untyped-def]
    user = UserFactory(username="fiona")
    RoleAssignmentFactory(user=user, role="administrator", unit=None)
    return user


@pytest.fixture
def pajala(db):  # type: ignore[no-untyped-def]
    return UnitFactory(code="PAJA", name="Pajala")


def _rows(user) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return list(
        AccessLogEntry.objects.filter(user=user)
        .exclude(action=Action.LOGIN)
        .order_by("id")
        .values_list("action", "detail")
    )


def test_the_administrator_creates_and_renames_a_unit(client, fiona):
    organiser = OrganiserFactory(code="HVA", name="Hyvinvointialue")
    lahti = MunicipalityFactory(code="398", name="Lahti")
    client.force_login(fiona)
    created = client.post(
        reverse("structure:unit_create"),
        {"name": "Uusi paja", "code": "UUSI", "organiser": organiser.pk, "municipality": lahti.pk},
    )
    unit = Unit.objects.get(code="UUSI")
    assert created["Location"] == reverse("structure:unit_edit", kwargs={"code": unit.uuid})
    client.post(
        reverse("structure:unit_edit", kwargs={"code": unit.uuid}),
        {"name": "Vanha paja", "code": "UUSI", "organiser": organiser.pk, "municipality": lahti.pk},
    )
    unit.refresh_from_db()
    assert unit.name == "Vanha paja"
    assert _rows(fiona) == [
        (Action.CREATE, "unit UUSI created"),
        (Action.CHANGE, "unit UUSI changed"),
    ]
    assert "Vanha paja" in client.get(reverse("structure:index")).content.decode()


def test_a_units_code_is_its_own(client, fiona, pajala):
    other = UnitFactory(code="TALO")
    client.force_login(fiona)
    response = client.post(
        reverse("structure:unit_edit", kwargs={"code": other.uuid}),
        {
            "name": "Talo",
            "code": "PAJA",
            "organiser": other.organiser_id,
            "municipality": other.municipality_id,
        },
    )
    assert response.status_code == 200
    assert "Another unit already has this code." in response.content.decode()
    other.refresh_from_db()
    assert other.code == "TALO"
    assert _rows(fiona) == []


def test_groups_are_added_and_closed_without_losing_them(client, fiona, pajala):
    GroupFactory(unit=pajala, name="Puutyöryhmä")
    client.force_login(fiona)
    twice = client.post(
        reverse("structure:group_create", kwargs={"code": pajala.uuid}),
        {"name": "puutyöryhmä", "description": ""},
    )
    assert twice.status_code == 200
    assert "The unit already has a group with this name." in twice.content.decode()
    client.post(
        reverse("structure:group_create", kwargs={"code": pajala.uuid}),
        {"name": "Kädentaidot", "description": "Tiistaisin", "is_active": "on"},
    )
    group = Group.objects.get(unit=pajala, name="Kädentaidot")
    client.post(
        reverse("structure:group_edit", kwargs={"code": group.uuid}),
        {"name": "Kädentaidot", "description": "Tiistaisin"},  # unticked: no longer meets
    )
    group.refresh_from_db()
    assert not group.is_active
    assert [detail for _action, detail in _rows(fiona)] == [
        "group of unit PAJA created",
        "group of unit PAJA changed",
    ]


def test_closure_days_are_added_once_and_removed(client, fiona, pajala):
    client.force_login(fiona)
    url = reverse("structure:closure_days", kwargs={"code": pajala.uuid})
    day = datetime.date.today() + datetime.timedelta(days=10)  # noqa: DTZ011 - a plain date
    client.post(url, {"date": day.isoformat(), "reason": "Koulutuspäivä"})
    again = client.post(url, {"date": day.isoformat(), "reason": ""})
    assert "The unit is already closed on this day." in again.content.decode()
    far = client.post(url, {"date": "0001-01-01", "reason": ""})
    assert "Give a date between" in far.content.decode()
    assert list(ClosureDay.objects.values_list("date", "reason")) == [(day, "Koulutuspäivä")]
    assert "Koulutuspäivä" in client.get(url).content.decode()

    client.post(
        reverse("structure:closure_day_remove", kwargs={"code": pajala.uuid}),
        {"date": day.isoformat()},
    )
    assert not ClosureDay.objects.exists()
    assert [detail for _action, detail in _rows(fiona)] == [
        f"closure day {day.isoformat()} of unit PAJA created",
        f"closure day {day.isoformat()} of unit PAJA removed",
    ]


def test_a_project_that_ends_before_it_starts_saves_nothing(client, fiona, pajala):
    project = ProjectFactory(code="HANKE", units=[pajala])
    other = UnitFactory(code="TALO")
    client.force_login(fiona)
    before = row_counts()
    response = client.post(
        reverse("structure:project_edit", kwargs={"code": project.uuid}),
        {
            "name": "Hanke",
            "code": "HANKE",
            "funder": "ESR+",
            "start_date": "2026-06-01",
            "end_date": "2026-05-31",
            "units": [pajala.pk, other.pk],
        },
    )
    assert response.status_code == 200
    assert "The project ends before it starts." in response.content.decode()
    assert row_counts() == before
    assert list(project.units.all()) == [pajala]

    client.post(
        reverse("structure:project_edit", kwargs={"code": project.uuid}),
        {
            "name": "Hanke",
            "code": "HANKE",
            "funder": "ESR+",
            "start_date": "2026-06-01",
            "end_date": "2027-05-31",
            "units": [pajala.pk, other.pk],
        },
    )
    project = Project.objects.get(code="HANKE")
    assert set(project.units.all()) == {pajala, other}
    assert project.funder == "ESR+"
    assert _rows(fiona) == [(Action.CHANGE, "project HANKE changed")]


def test_nobody_but_the_administrator_edits_the_structure(client, pajala):
    manager = UserFactory(username="dora")
    RoleAssignmentFactory(user=manager, role="unit_manager", unit=pajala)
    client.force_login(manager)
    assert client.get(reverse("structure:index")).status_code == 404
    response = client.post(
        reverse("structure:unit_edit", kwargs={"code": pajala.uuid}),
        {"name": "Kaapattu", "code": "PAJA"},
    )
    assert response.status_code == 404
    pajala.refresh_from_db()
    assert pajala.name == "Pajala"
