"""The world of :mod:`.world` and its users, in English, on Thursday 20.3.2025.

bob: project manager of the project (U1, U2); pekka: project manager of U3 only;
erkki: municipal official of Helsinki; alice: counsellor of U1; dora: unit manager of U1;
fiona: administrator.
"""

from __future__ import annotations

import pytest
from django.utils import timezone, translation

from tests.organisations.factories import ProjectFactory, RoleAssignmentFactory, UserFactory

from .world import TODAY, World, make_world


@pytest.fixture(autouse=True)
def english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def today(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@pytest.fixture(autouse=True)
def no_kept_figures(settings):  # type: ignore[no-untyped-def]
    """Every request counts its figures (the cache is tested on its own)."""
    settings.DASHBOARD_CACHE_SECONDS = 0


@pytest.fixture
def client(client):  # type: ignore[no-untyped-def]
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    return make_world()


def _user(username: str, role: str, **scope):  # type: ignore[no-untyped-def]
    user = UserFactory(username=username)
    RoleAssignmentFactory(user=user, role=role, **scope)
    return user


@pytest.fixture
def bob(world):  # type: ignore[no-untyped-def]
    return _user("bob", "project_manager", project=world.project)


@pytest.fixture
def pekka(world):  # type: ignore[no-untyped-def]
    return _user("pekka", "project_manager", project=ProjectFactory(units=[world.u3]))


@pytest.fixture
def erkki(world):  # type: ignore[no-untyped-def]
    return _user("erkki", "municipal_official", municipality=world.helsinki)


@pytest.fixture
def alice(world):  # type: ignore[no-untyped-def]
    return _user("alice", "counsellor", unit=world.u1)


@pytest.fixture
def dora(world):  # type: ignore[no-untyped-def]
    return _user("dora", "unit_manager", unit=world.u1)


@pytest.fixture
def fiona(world):  # type: ignore[no-untyped-def]
    return _user("fiona", "administrator")
