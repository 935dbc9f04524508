"""Users around one unit's client: the owner counsellor (alice, from tests/conftest.py), a
read-only project manager (bob), an outsider counsellor (charlie), a unit manager (dora),
a municipal official (erkki) and an administrator (fiona)."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.clients.factories import ClientFactory
from tests.organisations.factories import (
    MunicipalityFactory,
    ProjectFactory,
    RoleAssignmentFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def english():  # type: ignore[no-untyped-def]
    """Messages are asserted in their English source form, whatever the translations say."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):  # type: ignore[no-untyped-def]
    """The test browser, asking for pages in English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def project_manager(unit):  # type: ignore[no-untyped-def]
    user = UserFactory(username="bob")
    RoleAssignmentFactory(user=user, role="project_manager", project=ProjectFactory(units=[unit]))
    return user


@pytest.fixture
def unit_manager(unit):  # type: ignore[no-untyped-def]
    user = UserFactory(username="dora")
    RoleAssignmentFactory(user=user, role="unit_manager", unit=unit)
    return user


@pytest.fixture
def official(unit):  # type: ignore[no-untyped-def]
    user = UserFactory(username="erkki")
    RoleAssignmentFactory(user=user, role="municipal_official", municipality=unit.municipality)
    return user


@pytest.fixture
def administrator(db):  # type: ignore[no-untyped-def]
    user = UserFactory(username="fiona")
    RoleAssignmentFactory(user=user, role="administrator")
    return user


@pytest.fixture
def municipality(db):  # type: ignore[no-untyped-def]
    return MunicipalityFactory(code="091", name="Helsinki")


@pytest.fixture
def kuty_client(unit, counsellor):  # type: ignore[no-untyped-def]
    """A client of ``unit`` whose responsible counsellor is alice."""
    return ClientFactory(
        registered_unit=unit,
        responsible_counsellor=counsellor,
        first_name="Maija",
        last_name="Meikäläinen",
        phone="040 555 1234",
        street_address="Salainen katu 7",
    )
