"""A unit with Virtanen Matti, on labour market subsidy (Kela pays), Mon–Thu from 1.10.2024,
and the first half of January 2025 recorded on his month sheet:

- 1.1. New Year (no entry), 2.1. present, 6.1. Epiphany (not organised), 7.1. sick,
  8.1. child sick, 9.1. unit closed (not organised), 13.1. present, 14.1. no entry;
- 15.1. present (the second half).

So 1.–14.1.: planned 5 days (2., 7., 8., 13., 14.: his weekdays but the holidays and the
closure day), present 2, absent 2 (sick 1, child sick 1), not organised 2, without an entry 1.
Alice is his responsible counsellor; dora the unit manager; bob a project manager following the
unit; charlie a counsellor of another unit.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from absence_notices.selectors import Fortnight
from clients.models import Benefit
from guidance.models import AttendanceRecord, AttendanceStatus
from organisations.models import ClosureDay
from tests.clients.factories import ClientFactory, PeriodFactory
from tests.organisations.factories import ProjectFactory, RoleAssignmentFactory, UserFactory

JANUARY_1 = Fortnight.of(2025, 1, 1)
D = datetime.date


@pytest.fixture(autouse=True)
def in_english(settings):  # type: ignore[no-untyped-def]
    """Pages in English (the source strings); a test of the Finnish or Swedish PDF asks for it."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def alice(counsellor):  # type: ignore[no-untyped-def]
    counsellor.first_name, counsellor.last_name = "Alice", "Ohjaaja"
    counsellor.email, counsellor.phone = "alice@example.invalid", "044 555 0101"
    counsellor.save()
    return counsellor


@pytest.fixture
def dora(unit):  # type: ignore[no-untyped-def]
    user = UserFactory(username="dora", first_name="Dora", last_name="Dahl")
    RoleAssignmentFactory(user=user, role="unit_manager", unit=unit)
    return user


@pytest.fixture
def bob(unit):  # type: ignore[no-untyped-def]
    user = UserFactory(username="bob")
    RoleAssignmentFactory(user=user, role="project_manager", project=ProjectFactory(units=[unit]))
    return user


def record(period: Any, day: datetime.date, status: str) -> AttendanceRecord:
    hours = period.hours_per_day if status == AttendanceStatus.PRESENT else Decimal(0)
    return AttendanceRecord.objects.create(period=period, date=day, status=status, hours=hours)


def kela_client(unit: Any, alice: Any, *, first: str, last: str, **fields: Any) -> Any:
    return ClientFactory(
        registered_unit=unit,
        first_name=first,
        last_name=last,
        benefit=fields.pop("benefit", Benefit.LABOUR_MARKET_SUBSIDY),
        responsible_counsellor=alice,
        **fields,
    )


def mon_to_thu(client: Any, unit: Any, **fields: Any) -> Any:
    return PeriodFactory(
        client=client,
        unit=unit,
        start_date=fields.pop("start_date", D(2024, 10, 1)),
        end_date=fields.pop("end_date", D(2025, 6, 30)),
        weekdays="1234",
        days_per_week=4,
        **fields,
    )


@pytest.fixture
def matti(unit, alice):  # type: ignore[no-untyped-def]
    return kela_client(unit, alice, first="Matti", last="Virtanen")


@pytest.fixture
def matti_period(matti, unit):  # type: ignore[no-untyped-def]
    period = mon_to_thu(matti, unit)
    ClosureDay.objects.create(unit=unit, date=D(2025, 1, 9), reason="Koulutuspäivä")
    for day, status in [
        (D(2025, 1, 2), AttendanceStatus.PRESENT),
        (D(2025, 1, 6), AttendanceStatus.NOT_ORGANISED),
        (D(2025, 1, 7), AttendanceStatus.SICK),
        (D(2025, 1, 8), AttendanceStatus.CHILD_SICK),
        (D(2025, 1, 9), AttendanceStatus.NOT_ORGANISED),
        (D(2025, 1, 13), AttendanceStatus.PRESENT),
        (D(2025, 1, 15), AttendanceStatus.PRESENT),
    ]:
        record(period, day, status)
    return period


def list_url(unit: Any, month: str | None = "2025-01") -> str:
    url = reverse("absence_notices:list", kwargs={"unit": unit.uuid})
    return f"{url}?month={month}" if month else url


def unit_pdf_url(unit: Any, fortnight: Fortnight = JANUARY_1, query: str = "") -> str:
    url = reverse("absence_notices:unit_pdf", kwargs={"unit": unit.uuid, **fortnight.kwargs()})
    return f"{url}?{query}" if query else url


def client_pdf_url(
    unit: Any, client: Any, fortnight: Fortnight = JANUARY_1, query: str = ""
) -> str:
    url = reverse(
        "absence_notices:client_pdf",
        kwargs={"unit": unit.uuid, "client": client.uuid, **fortnight.kwargs()},
    )
    return f"{url}?{query}" if query else url


def mark_sent_url(unit: Any, fortnight: Fortnight = JANUARY_1) -> str:
    return reverse("absence_notices:mark_sent", kwargs={"unit": unit.uuid, **fortnight.kwargs()})
