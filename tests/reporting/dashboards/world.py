"""A small organisation whose every dashboard figure is worked out by hand in the tests.

Units U1 (Aa-paja) and U2 (Bb-keskus) are the project's, U3 (Cc-talo) is not. Today is
Thursday 20.3.2025 and the range is 1.1.–31.3.2025. Helsinki (091) residents: A, B, D, F, G, H;
Vantaa (092): C, E. Weekdays of every period are Monday–Thursday ("1234").

=====  ====  ====  ========================  ==========================================
who    home  unit  period                    attendance (P present, S sick, ...)
=====  ====  ====  ========================  ==========================================
A      091   U1    1.10.2024–30.6.2025       3.2. PPPP; 3.3. PPPPP (Fri too); 10.3. PPUP;
                   next follow-up 1.3.2025   17.3. NPPP
B      091   U1    15.1.–15.7.2025, exit     20.1. PPKK; 3.2. PPPP
                   28.2. completed → open labour market
C      092   U2    3.2.–1.8.2025             3.2. PSSS; 10.2. SPPP; 17.3. SSSS
D      091   U2    1.6.2024–31.1.2025, exit  13.1. PPPJ
                   31.1. interrupted → unemployed
E      092   U3    1.1.–30.6.2025            13.1. PPPP
F      091   U3    3.3.–1.9.2025             3.3. PPTP; 17.3. SSSS
G      091   U1    draft from 1.4.2025 (a plan waiting for agreement)
H      091   U2    1.12.2022–30.11.2024 (exit, new period) and 1.12.2024–30.11.2025:
                   over 24 months in KUTY, no review
=====  ====  ====  ========================  ==========================================

GAS scores at follow-up meetings: A 15.2.2025 +1 and 0, A 1.12.2024 +2 (before the range),
C 10.3.2025 −1.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from activation_plans.models import ClientGoal, GoalAttainment
from clients.models import Client, Period, PeriodStatus
from guidance.models import AttendanceMonthLock
from organisations.models import Municipality, Project, Unit
from tests.activation_plans.factories import AgreedPlanFactory, FollowUpFactory, PlanFactory
from tests.organisations.factories import (
    MunicipalityFactory,
    OrganiserFactory,
    ProjectFactory,
    UnitFactory,
    UserFactory,
)
from tests.reporting.builder_data import attend, period, person

d = datetime.date
TODAY = d(2025, 3, 20)
RANGE = {"from": "2025-01-01", "to": "2025-03-31"}


@dataclass
class World:
    helsinki: Municipality
    vantaa: Municipality
    u1: Unit
    u2: Unit
    u3: Unit
    project: Project
    people: dict[str, Client]
    periods: dict[str, Period]


def make_world() -> World:
    helsinki = MunicipalityFactory(code="091", name="Helsinki")
    vantaa = MunicipalityFactory(code="092", name="Vantaa")
    organiser = OrganiserFactory(code="orgA", name="Hyvinvointialue A")
    u1 = UnitFactory(code="U1", name="Aa-paja", organiser=organiser, municipality=helsinki)
    u2 = UnitFactory(code="U2", name="Bb-keskus", organiser=organiser, municipality=helsinki)
    u3 = UnitFactory(code="U3", name="Cc-talo", organiser=organiser, municipality=vantaa)
    project = ProjectFactory(code="ESF1", name="Hanke", units=[u1, u2])
    homes = {"A": helsinki, "B": helsinki, "C": vantaa, "D": helsinki, "E": vantaa}
    homes.update({"F": helsinki, "G": helsinki, "H": helsinki})
    registered = {"A": u1, "B": u1, "C": u2, "D": u2, "E": u3, "F": u3, "G": u1, "H": u2}
    people = {
        key: person(
            born=d(1980 + n, 1 + n, 10),
            sex="woman" if n % 2 == 0 else "man",
            municipality=homes[key],
            unit=registered[key],
            first_name=f"Etunimi{key}",
            last_name=f"Sukunimi{key}",
        )
        for n, key in enumerate("ABCDEFGH")
    }
    p = {
        "A": period(people["A"], u1, d(2024, 10, 1), d(2025, 6, 30)),
        "B": period(people["B"], u1, d(2025, 1, 15), d(2025, 7, 15), exit=d(2025, 2, 28),
                    reason="completed", destination="open_labour_market"),
        "C": period(people["C"], u2, d(2025, 2, 3), d(2025, 8, 1)),
        "D": period(people["D"], u2, d(2024, 6, 1), d(2025, 1, 31), exit=d(2025, 1, 31),
                    reason="interrupted", destination="unemployed"),
        "E": period(people["E"], u3, d(2025, 1, 1), d(2025, 6, 30)),
        "F": period(people["F"], u3, d(2025, 3, 3), d(2025, 9, 1)),
        "H0": period(people["H"], u2, d(2022, 12, 1), d(2024, 11, 30), exit=d(2024, 11, 30),
                     reason="completed", destination="new_kuty_period"),
        "H": period(people["H"], u2, d(2024, 12, 1), d(2025, 11, 30)),
    }  # fmt: skip
    attend(p["A"], d(2025, 2, 3), "PPPP")
    attend(p["A"], d(2025, 3, 3), "PPPPP")
    attend(p["A"], d(2025, 3, 10), "PPUP")
    attend(p["A"], d(2025, 3, 17), "NPPP")
    attend(p["B"], d(2025, 1, 20), "PPKK")
    attend(p["B"], d(2025, 2, 3), "PPPP")
    attend(p["C"], d(2025, 2, 3), "PSSS")
    attend(p["C"], d(2025, 2, 10), "SPPP")
    attend(p["C"], d(2025, 3, 17), "SSSS")
    attend(p["D"], d(2025, 1, 13), "PPPJ")
    attend(p["E"], d(2025, 1, 13), "PPPP")
    attend(p["F"], d(2025, 3, 3), "PPTP")
    attend(p["F"], d(2025, 3, 17), "SSSS")

    plan_a = AgreedPlanFactory(period=p["A"], next_follow_up=d(2025, 3, 1))
    plan_c = AgreedPlanFactory(period=p["C"], next_follow_up=d(2025, 4, 1))
    p["G"] = PlanFactory(
        period__client=people["G"],
        period__unit=u1,
        period__start_date=d(2025, 4, 1),
        period__status=PeriodStatus.DRAFT,
    ).period
    goal_1 = ClientGoal.objects.create(plan=plan_a, order=1, text="Rytmi")
    goal_2 = ClientGoal.objects.create(plan=plan_a, order=2, text="Taidot")
    goal_3 = ClientGoal.objects.create(plan=plan_c, order=1, text="Jaksaminen")
    scores = [
        (FollowUpFactory(plan=plan_a, date=d(2025, 2, 15)), [(goal_1, 1), (goal_2, 0)]),
        (FollowUpFactory(plan=plan_a, date=d(2024, 12, 1)), [(goal_1, 2)]),
        (FollowUpFactory(plan=plan_c, date=d(2025, 3, 10)), [(goal_3, -1)]),
    ]
    for meeting, given in scores:
        for goal, score in given:
            GoalAttainment.objects.create(meeting=meeting, goal=goal, score=score)
    return World(helsinki, vantaa, u1, u2, u3, project, people, p)


def lock_month(unit: Unit, month: datetime.date) -> AttendanceMonthLock:
    return AttendanceMonthLock.objects.create(unit=unit, month=month, locked_by=UserFactory())


def more_people(world: World, count: int, start: int = 0) -> None:
    """``count`` more clients like A (same unit, dates and attendance, a warning each) and
    like B, to show that the number of queries does not grow with the data."""
    for n in range(start, start + count):
        for key, unit, exit_date in (("A", world.u1, None), ("B", world.u2, d(2025, 2, 28))):
            client = person(
                born=d(1960, 1, 1) + datetime.timedelta(days=n),
                sex="man",
                municipality=world.helsinki,
                unit=unit,
                last_name=f"Lisä{key}{n}",
            )
            extra = period(
                client,
                unit,
                d(2025, 1, 15),
                d(2025, 7, 15),
                exit=exit_date,
                reason="completed" if exit_date else "",
                destination="subsidised_work" if exit_date else "",
                hours_per_day=Decimal("6.0"),
            )
            attend(extra, d(2025, 2, 3), "PPPP")
            if exit_date is None:
                attend(extra, d(2025, 3, 10), "PPUP")
