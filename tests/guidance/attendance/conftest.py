"""A unit with clients on Mon/Wed/Fri periods through November 2025, and the three users of
every permission test: alice the counsellor (owner), bob the read-only project manager, charlie
a counsellor of another unit (outsider); dora is the unit manager."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from tests.clients.factories import ClientFactory, PeriodFactory
from tests.organisations.factories import ProjectFactory, RoleAssignmentFactory, UserFactory

NOVEMBER = datetime.date(2025, 11, 1)
CONFIRMED = {"confirm": "lock"}  # the lock's confirmation form, as its page posts it


@pytest.fixture(autouse=True)
def in_english(settings):  # type: ignore[no-untyped-def]
    """Pages and messages in English (the source strings), whatever catalogues are compiled;
    a test that checks the Finnish page asks for it."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


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
def matti(unit):  # type: ignore[no-untyped-def]
    """Virtanen Matti, Mon/Wed/Fri 6 h a day from 1.9.2025 to 28.2.2026."""
    return ClientFactory(registered_unit=unit, first_name="Matti", last_name="Virtanen")


@pytest.fixture
def matti_period(matti, unit):  # type: ignore[no-untyped-def]
    return PeriodFactory(
        client=matti,
        unit=unit,
        start_date=datetime.date(2025, 9, 1),
        end_date=datetime.date(2026, 2, 28),
        weekdays="135",
    )


@pytest.fixture
def liisa_period(unit):  # type: ignore[no-untyped-def]
    """Aalto Liisa, Tue/Thu from 10.11.2025."""
    liisa = ClientFactory(registered_unit=unit, first_name="Liisa", last_name="Aalto")
    return PeriodFactory(
        client=liisa,
        unit=unit,
        start_date=datetime.date(2025, 11, 10),
        end_date=datetime.date(2026, 5, 9),
        weekdays="24",
        days_per_week=2,
    )


def sheet_url(unit: Any, first: datetime.date = NOVEMBER, **params: str) -> str:
    url = reverse(
        "guidance:attendance_month",
        kwargs={"unit": unit.uuid, "year": f"{first:%Y}", "month": f"{first:%m}"},
    )
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def lock_url(unit: Any, first: datetime.date = NOVEMBER, *, unlock: bool = False) -> str:
    return reverse(
        "guidance:attendance_unlock" if unlock else "guidance:attendance_lock",
        kwargs={"unit": unit.uuid, "year": f"{first:%Y}", "month": f"{first:%m}"},
    )


def cells_payload(*cells: tuple[Any, str, str, str]) -> str:
    """``(client, "2025-11-03", status, loaded)`` tuples as the page's script posts them."""
    return json.dumps(
        [
            {"client": str(client.uuid), "date": day, "status": status, "loaded": loaded}
            for client, day, status, loaded in cells
        ]
    )
