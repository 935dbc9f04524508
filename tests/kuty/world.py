"""One small, complete world for the tests that walk every page of the URLconf
(tests/kuty/test_permission_matrix.py, tests/audit/test_log_coverage.py).

Unit "Pajala" (organiser A, municipality Lahti, project HANKE) has three clients: Aino Ahonen
(an active period ending soon, an active plan with a follow-up due, a version, an individual
session today), Eero Erkkilä (an active period with a sick run that warns, and a draft plan of
a next period waiting for agreement) and Kaisa Koivisto (an ended period whose 3-month
follow-up is due). Aino and Eero are in a group with a group session today. Unit "Talo"
(another organiser's, project MUU, municipality Helsinki) has Olli Outinen, whom no user of
Pajala may see. A scheduled allowance report of Pajala for last month is built as JSON.

The world is built once per test module inside a transaction that is rolled back at the
end; each test runs in a savepoint inside it, so what a test changes goes away with it.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from accounts.models import User
from activation_plans.models import ActivationPlan, PlanVersion
from activation_plans.selectors import plan_snapshot
from clients.models import Benefit, Client, Destination, ExitReason, Period, PeriodStatus
from guidance.models import AttendanceStatus, Group, GroupSession, IndividualSession
from organisations.models import Unit
from reporting.models import ReportRun
from reporting.runs import report_run_execute, report_run_request
from tests.activation_plans.factories import AgreedPlanFactory, GoalFactory, PlanFactory
from tests.clients.factories import ClientFactory, PeriodFactory
from tests.guidance.sessions.factories import (
    AttendanceRecordFactory,
    GroupMembershipFactory,
    GroupSessionFactory,
    IndividualSessionFactory,
    ParticipantFactory,
    at,
)
from tests.organisations.factories import (
    GroupFactory,
    MunicipalityFactory,
    OrganiserFactory,
    ProjectFactory,
    RoleAssignmentFactory,
    UnitFactory,
    UserFactory,
)

ANONYMOUS = "anonymous"
COUNSELLOR = "counsellor"
OTHER_COUNSELLOR = "other_counsellor"
UNIT_MANAGER = "unit_manager"
PROJECT_MANAGER = "project_manager"
OTHER_PROJECT_MANAGER = "other_project_manager"
OFFICIAL = "official"
ADMINISTRATOR = "administrator"
ROLES = (
    ANONYMOUS,
    COUNSELLOR,
    OTHER_COUNSELLOR,
    UNIT_MANAGER,
    PROJECT_MANAGER,
    OTHER_PROJECT_MANAGER,
    OFFICIAL,
    ADMINISTRATOR,
)
# The roles that may see the clients of the unit.
CLIENT_VIEWERS = (COUNSELLOR, UNIT_MANAGER, PROJECT_MANAGER)


@dataclass
class World:
    today: datetime.date
    unit: Unit
    other_unit: Unit
    users: dict[str, User]
    aino: Client
    eero: Client
    kaisa: Client
    olli: Client
    period: Period  # Aino's active period
    ended_period: Period  # Kaisa's ended period
    plan: ActivationPlan  # Aino's active plan, with version 1
    session: IndividualSession  # Aino's individual session today
    group: Group
    group_session: GroupSession
    run: ReportRun  # scheduled allowance report of the unit, with personal data, built
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def clients(self) -> list[Client]:
        return [self.aino, self.eero, self.kaisa, self.olli]


def _user(username: str, **role: Any) -> User:
    user = UserFactory(username=username, first_name=username.capitalize(), last_name="Testaaja")
    if role:
        RoleAssignmentFactory(user=user, **role)
    return user


def _attend(period: Period, days: dict[datetime.date, str]) -> None:
    for day, status in days.items():
        present = status == AttendanceStatus.PRESENT
        hours = period.hours_per_day if present else Decimal(0)
        AttendanceRecordFactory(period=period, date=day, status=status, hours=hours)


def build_world() -> World:
    today = timezone.localdate()
    lahti = MunicipalityFactory(code="398", name="Lahti")
    helsinki = MunicipalityFactory(code="091", name="Helsinki")
    organiser = OrganiserFactory(code="orgA", name="Hyvinvointialue A")
    unit = UnitFactory(code="PAJA", name="Pajala", organiser=organiser, municipality=lahti)
    other_unit = UnitFactory(
        code="TALO",
        name="Talo",
        organiser=OrganiserFactory(code="orgB", name="Hyvinvointialue B"),
        municipality=helsinki,
    )
    project = ProjectFactory(code="HANKE", name="Hanke", units=[unit])
    other_project = ProjectFactory(code="MUU", name="Muu hanke", units=[other_unit])
    users = {
        COUNSELLOR: _user("alice", role="counsellor", unit=unit),
        OTHER_COUNSELLOR: _user("charlie", role="counsellor", unit=other_unit),
        UNIT_MANAGER: _user("dora", role="unit_manager", unit=unit),
        PROJECT_MANAGER: _user("bob", role="project_manager", project=project),
        OTHER_PROJECT_MANAGER: _user("pekka", role="project_manager", project=other_project),
        OFFICIAL: _user("erkki", role="municipal_official", municipality=lahti),
        ADMINISTRATOR: _user("fiona", role="administrator"),
    }
    alice = users[COUNSELLOR]

    def client(first: str, last: str, the_unit: Unit, home: Any) -> Client:
        return ClientFactory(
            first_name=first,
            last_name=last,
            registered_unit=the_unit,
            home_municipality=home,
            responsible_counsellor=alice if the_unit == unit else None,
        )

    aino = client("Aino", "Ahonen", unit, lahti)
    eero = client("Eero", "Erkkilä", unit, lahti)
    kaisa = client("Kaisa", "Koivisto", unit, lahti)
    olli = client("Olli", "Outinen", other_unit, helsinki)
    # Aino's benefit is paid by Kela: she has absence notices (absence_notices) to send.
    aino.benefit = Benefit.LABOUR_MARKET_SUBSIDY
    aino.save(update_fields=["benefit"])

    # Aino: active period ending within 30 days, an active plan with a follow-up due.
    plan = AgreedPlanFactory(
        period__client=aino,
        period__unit=unit,
        period__status=PeriodStatus.ACTIVE,
        period__start_date=today - relativedelta(months=5),
        period__end_date=today + datetime.timedelta(days=20),
        next_follow_up=today + datetime.timedelta(days=7),
    )
    GoalFactory(plan=plan, text="Käyn työtoiminnassa sovittuina päivinä.")
    PlanVersion.objects.create(
        plan=plan,
        version=1,
        snapshot=plan_snapshot(plan, list(plan.goals.all())),
        changes=[],
        changed_by=alice,
    )
    period = plan.period
    # Eero: an active period with a sick run over three days; a draft plan for the next one.
    eero_period = PeriodFactory(
        client=eero,
        unit=unit,
        start_date=today - relativedelta(months=2),
        end_date=today + relativedelta(months=4),
        weekdays="12345",
        days_per_week=4,
    )
    PlanFactory(
        period__client=eero,
        period__unit=unit,
        period__start_date=today + relativedelta(months=4, days=1),
        period__end_date=today + relativedelta(months=10),
    )
    # Kaisa: a period that ended a little over three months ago, follow-up not recorded.
    exit_date = today - relativedelta(months=3, days=2)
    ended_period = PeriodFactory(
        client=kaisa,
        unit=unit,
        status=PeriodStatus.ENDED,
        start_date=exit_date - relativedelta(months=6),
        end_date=exit_date,
        exit_date=exit_date,
        exit_reason=ExitReason.COMPLETED,
        destination=Destination.UNEMPLOYED,
        follow_up_consent=True,
    )
    PeriodFactory(client=olli, unit=other_unit, start_date=today - relativedelta(months=1))

    # Attendance: last month for the report, the last days for the warning.
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    weekdays = [
        last_month + datetime.timedelta(days=n)
        for n in range(28)
        if (last_month + datetime.timedelta(days=n)).isoweekday() in (1, 3, 5)
    ]
    _attend(period, dict.fromkeys(weekdays[:6], AttendanceStatus.PRESENT))
    _attend(eero_period, dict.fromkeys(weekdays[:3], AttendanceStatus.PRESENT))
    sick_days = [today - datetime.timedelta(days=n) for n in range(1, 8)]
    _attend(
        eero_period,
        dict.fromkeys((d for d in sick_days if d.isoweekday() <= 5), AttendanceStatus.SICK),
    )

    session = IndividualSessionFactory(
        client=aino, unit=unit, recorded_by=alice, counsellors=[alice], topic="Arjen rytmi"
    )
    group = GroupFactory(unit=unit, name="Puutyöryhmä")
    for member in (aino, eero):
        GroupMembershipFactory(group=group, client=member)
    group_session = GroupSessionFactory(
        group=group, starts_at=at(today, 13), recorded_by=alice, counsellors=[alice]
    )
    ParticipantFactory(session=group_session, client=aino, took_part=True)
    ParticipantFactory(session=group_session, client=eero, took_part=False)

    month_end = today.replace(day=1) - datetime.timedelta(days=1)
    run = report_run_request(
        user=alice,
        params={
            "kind": "allowance",
            "from": last_month.isoformat(),
            "to": month_end.isoformat(),
            "units": [unit.code],
        },
        formats=["json"],
    )
    ReportRun.objects.filter(pk=run.pk).update(scheduled=True, requested_by=None)
    assert report_run_execute(run.pk) == "ready"
    run.refresh_from_db()

    return World(
        today=today,
        unit=unit,
        other_unit=other_unit,
        users=users,
        aino=aino,
        eero=eero,
        kaisa=kaisa,
        olli=olli,
        period=period,
        ended_period=ended_period,
        plan=plan,
        session=session,
        group=group,
        group_session=group_session,
        run=run,
    )


@contextlib.contextmanager
def world_for_module(django_db_blocker: Any, media_root: Path) -> Iterator[World]:
    """The world, built once, rolled back when the module's tests are done."""
    with (
        override_settings(MEDIA_ROOT=media_root),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        world = build_world()
        try:
            yield world
        finally:
            transaction.set_rollback(True)
