"""Small, readable data for the report tests: an organisation, people, periods, attendance.

Attendance is written as a string with one character per calendar day from a first day:
``P`` present, ``S`` sick, ``C`` sick with a certificate, ``K`` child sick, ``J`` job
interview, ``T`` office of trust, ``U`` unjustified, ``N`` not organised, ``.`` no record.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from clients.models import Client, Period, PeriodStatus
from guidance.models import AttendanceRecord
from organisations.models import Municipality, Organiser, Project, Unit
from reporting.params import ReportParams
from tests.clients.factories import ClientFactory, PeriodFactory, make_hetu
from tests.guidance.attendance.factories import keep_counts
from tests.organisations.factories import (
    MunicipalityFactory,
    OrganiserFactory,
    ProjectFactory,
    RoleAssignmentFactory,
    UnitFactory,
    UserFactory,
)

CODES = {
    "P": "present",
    "S": "sick",
    "C": "sick_certified",
    "K": "child_sick",
    "J": "job_interview",
    "T": "office_of_trust",
    "U": "unjustified",
    "N": "not_organised",
}

d = datetime.date


@dataclass
class World:
    helsinki: Municipality
    vantaa: Municipality
    org_a: Organiser
    org_b: Organiser
    u1: Unit
    u2: Unit
    u3: Unit
    project: Project


def make_world() -> World:
    """Units u1 and u2 of organiser A in Helsinki, u3 of organiser B in Vantaa; the project
    groups u1 and u3."""
    helsinki = MunicipalityFactory(code="091", name="Helsinki")
    vantaa = MunicipalityFactory(code="092", name="Vantaa")
    org_a = OrganiserFactory(code="orgA", name="Hyvinvointialue A")
    org_b = OrganiserFactory(code="orgB", name="Hyvinvointialue B")
    u1 = UnitFactory(code="U1", name="Aa-paja", organiser=org_a, municipality=helsinki)
    u2 = UnitFactory(code="U2", name="Bb-keskus", organiser=org_a, municipality=helsinki)
    u3 = UnitFactory(code="U3", name="Cc-talo", organiser=org_b, municipality=vantaa)
    project = ProjectFactory(code="ESF1", name="Hanke", units=[u1, u3])
    return World(helsinki, vantaa, org_a, org_b, u1, u2, u3, project)


_numbers: dict[datetime.date, int] = {}


def person(
    *,
    born: datetime.date,
    sex: str,
    municipality: Municipality,
    unit: Unit,
    first_name: str = "Testi",
    last_name: str = "Henkilö",
    **fields: Any,
) -> Client:
    """A client with a valid identity code for ``born`` (individual numbers 002, 003, ...)."""
    number = _numbers.get(born, 1) + 1
    _numbers[born] = number
    return ClientFactory(
        hetu=make_hetu(born, number),
        date_of_birth=born,
        sex=sex,
        home_municipality=municipality,
        registered_unit=unit,
        first_name=first_name,
        last_name=last_name,
        **fields,
    )


def period(
    client: Client,
    unit: Unit,
    start: datetime.date,
    end: datetime.date,
    *,
    exit: datetime.date | None = None,
    reason: str = "",
    destination: str = "",
    status: str | None = None,
    **fields: Any,
) -> Period:
    if status is None:
        status = PeriodStatus.ENDED if exit else PeriodStatus.ACTIVE
    plan = {"days_per_week": 4, "hours_per_day": Decimal("6.0"), "weekdays": "1234"}
    if "weekdays" in fields:
        plan["days_per_week"] = len(fields["weekdays"])
    return PeriodFactory(
        client=client,
        unit=unit,
        start_date=start,
        end_date=end,
        exit_date=exit,
        exit_reason=reason,
        destination=destination,
        status=status,
        **{**plan, **fields},
    )


def attend(a_period: Period, first_day: datetime.date, days: str) -> list[AttendanceRecord]:
    records = [
        AttendanceRecord(
            period=a_period,
            date=first_day + datetime.timedelta(days=offset),
            status=CODES[code],
            hours=Decimal("6.0") if code == "P" else Decimal(0),
        )
        for offset, code in enumerate(days)
        if code != "."
    ]
    # Written past the application's writer: keep its counts as it would.
    with transaction.atomic():
        created = AttendanceRecord.objects.bulk_create(records)
        if records:
            keep_counts({a_period.client_id}, first_day, records[-1].date)
    return created


# ``manage.py report`` for organiser A, for the manager of both its units, who sees their
# clients: the same report as without filters, identity codes included.
FOR_MANAGER = ("--organiser", "orgA", "--user", "manager")


def make_manager(world: World) -> Any:
    """The unit manager of U1 and U2 (all of organiser A), the user of ``FOR_MANAGER``."""
    manager = UserFactory(username="manager")
    for unit in (world.u1, world.u2):
        RoleAssignmentFactory(user=manager, role="unit_manager", unit=unit)
    return manager


def params(kind: str, start: str, end: str, **raw: Any) -> ReportParams:
    return ReportParams.parse({"kind": kind, "from": start, "to": end, **raw})


def bulk_people(world: World, count: int, *, start: datetime.date, first: int = 0) -> None:
    """``count`` clients spread over the three units, each with one period and four weeks of
    attendance (present, sick, child sick and unjustified days mixed), made with bulk inserts."""
    units = [world.u1, world.u2, world.u3]
    sexes = ["woman", "man", "non_binary", "unknown"]
    clients = []
    for n in range(first, first + count):
        born = d(1960, 1, 1) + datetime.timedelta(days=97 * n)
        clients.append(
            Client(
                hetu=make_hetu(born, 500 + n % 300),
                first_name=f"Etu{n}",
                last_name=f"Suku{n}",
                date_of_birth=born,
                sex=sexes[n % 4],
                home_municipality=world.helsinki if n % 2 else world.vantaa,
                registered_unit=units[n % 3],
                benefit="social_assistance" if n % 5 == 0 else "labour_market_subsidy",
            )
        )
    clients = Client.objects.bulk_create(clients)
    periods = Period.objects.bulk_create(
        Period(
            client=client,
            unit=units[n % 3],
            status=PeriodStatus.ENDED if n % 3 == 0 else PeriodStatus.ACTIVE,
            start_date=start,
            end_date=start + datetime.timedelta(days=180),
            exit_date=start + datetime.timedelta(days=20) if n % 3 == 0 else None,
            exit_reason="completed" if n % 3 == 0 else "",
            destination="open_labour_market" if n % 3 == 0 else "",
            days_per_week=4,
            hours_per_day=Decimal("6.0"),
            weekdays="1234",
            labour_market_status="long_term_unemployed" if n % 2 else "unemployed",
            education="isced_0_2",
        )
        for n, client in enumerate(clients, start=first)
    )
    pattern = "PPPPP..SSSSP..KKKKK..PUPPN.."
    AttendanceRecord.objects.bulk_create(
        AttendanceRecord(
            period=a_period,
            date=start + datetime.timedelta(days=offset),
            status=CODES[code],
        )
        for a_period in periods
        for offset, code in enumerate(pattern)
        if code != "."
    )
    keep_counts(
        {client.pk for client in clients}, start, start + datetime.timedelta(days=len(pattern))
    )
