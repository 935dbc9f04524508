"""Shared fixtures.

REQUIRE_SERVICES=1 (CI) turns every skip for a missing service (PostgreSQL, Redis, Chromium)
into a failure, so a green run cannot hide a test that did not run.
"""

from __future__ import annotations

import importlib
import os

import pytest
from django.db import connection

from tests.organisations.factories import (
    RoleAssignmentFactory,
    UnitFactory,
    UserFactory,
)

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def need_service(reason: str) -> None:
    """Skip the test for a missing service, or fail it when services are required."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Allow the test database's flush to clear the access log (see audit migration 0002)."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_accesslog_maintenance")
        cursor.execute("INSERT INTO audit_accesslog_maintenance (reason) VALUES ('test database')")
    if REQUIRE_SERVICES and connection.vendor != "postgresql":
        pytest.fail("REQUIRE_SERVICES=1 but the tests do not run on PostgreSQL")


# The rows the migrations seed, as (migration module, its forwards function).
SEEDED_BY_MIGRATIONS = (
    ("clients.migrations.0003_period_limits", "seed_limits"),
    ("clients.migrations.0005_eligibility_limits", "seed_limits"),
    ("activation_plans.migrations.0003_plan_types", "forwards"),
    ("reporting.migrations.0007_allowance_rate_from_2010", "seed_rates"),
)


@pytest.fixture(autouse=True)
def _seeded_rows(request):  # type: ignore[no-untyped-def]
    """A ``transaction=True`` test ends by emptying every table (Django's flush), the rows the
    migrations seed too (period rules, plan types, rates). Each transactional test gets them
    back here, as on a freshly migrated database, whatever ran before it."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    for module, function in SEEDED_BY_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture
def unit(db):  # type: ignore[no-untyped-def]
    return UnitFactory()


@pytest.fixture
def other_unit(db):  # type: ignore[no-untyped-def]
    return UnitFactory()


@pytest.fixture
def counsellor(unit):  # type: ignore[no-untyped-def]
    user = UserFactory(username="alice")
    RoleAssignmentFactory(user=user, role="counsellor", unit=unit)
    return user


@pytest.fixture
def outsider(other_unit):  # type: ignore[no-untyped-def]
    """A counsellor of another unit: must get 404 for everything of ``unit``."""
    user = UserFactory(username="charlie")
    RoleAssignmentFactory(user=user, role="counsellor", unit=other_unit)
    return user
