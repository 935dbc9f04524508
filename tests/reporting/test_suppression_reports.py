"""Complementary suppression of whole reports: what a municipal official gets (aggregate parts,
``suppress_below=5``) hides every count of 1 to 4 people, and a reader with the report and a
pen — subtracting within one relation (``recoverable``), combining relations (``determined``)
or using that a hidden count of people is at least one (``exposed``) — works none of them out.

The relations are the ones each builder declares next to itself (interfaces.md §3).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clients.models import Client, Period, PeriodStatus
from guidance.models import AttendanceRecord
from reporting.builders import build_report
from reporting.builders.allowance import allowance_relations
from reporting.builders.attendance import attendance_relations
from reporting.builders.outcome import UNPUBLISHED, outcome_people, outcome_relations
from reporting.builders.protection import aggregate_people, as_number
from reporting.builders.state_compensation import state_compensation_relations
from reporting.suppression import Relations, determined, exposed, flatten, recoverable
from tests.clients.factories import make_hetu
from tests.reporting.builder_data import World, bulk_people, d, make_world, params

pytestmark = pytest.mark.django_db

BELOW = 5
MARCH = ("2025-03-01", "2025-03-31")
SEXES = ("woman", "man", "non_binary", "unknown")


# --- the reader -------------------------------------------------------------------------------


def relations_of(report: dict[str, Any]) -> tuple[Relations, set[Any]]:
    """The report's relations and its counts of people, as its builder declares them."""
    kind = report["kind"]
    if kind == "outcome":
        return outcome_relations(report), outcome_people(report)
    relations = {
        "allowance": allowance_relations,
        "attendance": attendance_relations,
        "state-compensation": state_compensation_relations,
    }[kind](report)
    sections = (
        ("units", "totals", "totals_by_payer") if kind == "allowance" else ("units", "totals")
    )
    return relations, aggregate_people(report, sections)


def aggregate(report: dict[str, Any]) -> dict[str, Any]:
    """The figures of a report (no header)."""
    skip = {"kind", "from", "to", "filters", "generated_at", "suppress_below", "personal_data"}
    return {key: value for key, value in report.items() if key not in skip}


def small(value: Any) -> bool:
    return value is not None and 0 < Decimal(str(value)) < BELOW


def leaks(exact: dict[str, Any], published: dict[str, Any]) -> dict[str, Any]:
    """What a reader of ``published`` works out that the report hides: hidden figures, and the
    counts of 1 to 4 people that the relations need but the report does not show (the
    participants whose status is unknown, ...). Unpublished zeros are given to the reader,
    who may well guess them."""
    relations, _people = relations_of(published)
    shown = flatten(aggregate(published))
    unpublished = {
        cell: value
        for cell, value in recoverable(flatten(aggregate(exact)), relations).items()
        if cell[0] == UNPUBLISHED
    }
    view = {**shown, **{cell: 0 for cell, value in unpublished.items() if value == 0}}
    hidden = {cell for cell, value in shown.items() if value is None}

    def secret(found: dict[Any, Any]) -> dict[Any, Any]:
        return {
            cell: value
            for cell, value in found.items()
            if (cell in hidden and value) or (cell in unpublished and small(value))
        }

    return {
        "recoverable": secret(recoverable(view, relations)),
        "determined": secret(determined(view, relations)),
        "exposed": secret(exposed(view, relations, _people)),
    }


def assert_protected(exact: dict[str, Any], published: dict[str, Any]) -> None:
    """Every small count of people hidden, zeros and shown figures exact, nothing leaks."""
    _relations, people = relations_of(published)
    exact_cells = flatten(aggregate(exact))
    shown = flatten(aggregate(published))
    assert set(shown) == set(exact_cells)
    for cell in people:
        if small(exact_cells[cell]):
            assert shown[cell] is None, cell
        if exact_cells[cell] == 0:
            assert shown[cell] == 0, cell
    for cell, value in shown.items():
        assert value is None or value == exact_cells[cell], cell
    assert leaks(exact, published) == {"recoverable": {}, "determined": {}, "exposed": {}}


def assert_relations_hold(exact: dict[str, Any]) -> None:
    """The relations a builder declares are true of its exact report: every sum adds up (the
    clients of units or payers at least to their total: one client may be in two), and the
    counts it does not publish are never negative."""
    relations, _people = relations_of(exact)
    cells = {path: as_number(value) for path, value in flatten(aggregate(exact)).items()}
    unpublished = recoverable(cells, relations)
    assert all(value >= 0 for value in unpublished.values()), unpublished
    cells.update(unpublished)
    for total, parts in relations.sums:
        added = sum(cells[part] for part in parts)
        if total[-1] == "clients":
            assert cells[total] <= added, total
        else:
            assert cells[total] == added, total


def both(kind: str, *dates: str, **raw: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The exact report and the one for a municipal official (aggregate, suppressed)."""
    exact = build_report(params(kind, *dates, **raw), include_personal=False)
    published = build_report(
        params(kind, *dates, suppress_below=str(BELOW), **raw), include_personal=False
    )
    return exact, published


# --- populations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Someone:
    sex: str = "woman"
    unit: int = 0
    exit: tuple[str, str, str] | None = None  # reason, destination, destination at 6 months
    status: str = "long_term_unemployed"
    education: str = "isced_0_2"
    foreign_background: str = ""
    benefit: str = "labour_market_subsidy"
    age: int = 30
    present: int = 4  # present days in March, Mon–Thu from 3.3.
    sick: int = 1


def populate(world: World, people: list[Someone], *, first: int = 0) -> None:
    """``people`` with one period each from 1.2.2025 and their March attendance, in bulk."""
    units = [world.u1, world.u2, world.u3]
    clients = Client.objects.bulk_create(
        Client(
            hetu=make_hetu(d(2025 - p.age - 1, 1, 1) + datetime.timedelta(days=n), 700 + n % 200),
            first_name=f"Etu{n}",
            last_name=f"Suku{n}",
            date_of_birth=d(2025 - p.age - 1, 1, 1) + datetime.timedelta(days=n),
            sex=p.sex,
            home_municipality=world.helsinki if n % 2 else world.vantaa,
            registered_unit=units[p.unit],
            benefit=p.benefit,
            foreign_background=p.foreign_background,
        )
        for n, p in enumerate(people, start=first)
    )
    periods = Period.objects.bulk_create(
        Period(
            client=client,
            unit=units[p.unit],
            status=PeriodStatus.ENDED if p.exit else PeriodStatus.ACTIVE,
            start_date=d(2025, 2, 1),
            end_date=d(2025, 8, 31),
            exit_date=d(2025, 3, 28) if p.exit else None,
            exit_reason=p.exit[0] if p.exit else "",
            destination=p.exit[1] if p.exit else "",
            destination_6m=p.exit[2] if p.exit else "",
            days_per_week=4,
            hours_per_day=Decimal("6.0"),
            weekdays="1234",
            labour_market_status=p.status,
            education=p.education,
            foreign_background=p.foreign_background,
            benefit=p.benefit,
        )
        for client, p in zip(clients, people, strict=True)
    )
    weekdays = [
        d(2025, 3, 3) + datetime.timedelta(days=7 * w + i) for w in range(4) for i in range(4)
    ]
    AttendanceRecord.objects.bulk_create(
        AttendanceRecord(
            period=a_period,
            date=day,
            status="present" if index < p.present else "sick",
            hours=Decimal("6.0") if index < p.present else Decimal(0),
        )
        for a_period, p in zip(periods, people, strict=True)
        for index, day in enumerate(weekdays[: p.present + p.sick])
    )


@pytest.fixture
def world():
    return make_world()


# --- the example ----------------------------------------------------------------------


def test_twelve_participants_hide_the_four_men_and_enough_besides(world):
    """12 participants: 8 women and 4 men; 11 continue, 1 woman ended. Hiding the men alone
    would leave them as 12 − 8; hiding the one who left alone, as 12 − 11."""
    ended = ("completed", "open_labour_market", "")
    populate(
        world,
        [Someone(sex="woman", exit=ended)]
        + [Someone(sex="woman") for _ in range(7)]
        + [Someone(sex="man") for _ in range(4)],
    )
    exact, published = both("outcome", *MARCH)

    assert exact["participants"] == {
        "total": 12,
        "woman": 8,
        "man": 4,
        "non_binary": 0,
        "unknown": 0,
    }
    assert exact["exits"]["continuing"]["total"] == 11
    participants = published["participants"]
    assert participants["man"] is None
    assert None in (participants["total"], participants["woman"])  # not 12 − 8
    assert participants["non_binary"] == participants["unknown"] == 0
    assert published["exits"]["total"]["total"] is None
    assert published["exits"]["continuing"]["total"] is None  # not 12 − 11
    assert_protected(exact, published)


def test_the_report_without_suppression_is_exact(world):
    populate(world, [Someone(sex=SEXES[n % 4], unit=n % 3) for n in range(7)])
    for kind in ("outcome", "allowance", "attendance", "state-compensation"):
        report = build_report(params(kind, *MARCH), include_personal=False)
        assert None not in flatten(aggregate(report)).values()
        one = build_report(params(kind, *MARCH, suppress_below="1"), include_personal=False)
        assert aggregate(one) == aggregate(report)  # "below 1" hides nothing


# --- every report kind on a small population --------------------------------------------------


@pytest.mark.parametrize("kind", ["outcome", "allowance", "attendance", "state-compensation"])
def test_every_small_count_is_hidden_and_none_can_be_worked_out(world, kind):
    # 17 people over three units (6, 6, 5), every sex, a third of them left, four paid by
    # the organiser: a reader could subtract the few from the many without complements.
    bulk_people(world, 17, start=d(2025, 3, 3))
    exact, published = both(kind, *MARCH)

    assert_relations_hold(exact)
    assert_protected(exact, published)
    assert None in flatten(aggregate(published)).values()


@pytest.mark.parametrize("kind", ["allowance", "attendance", "state-compensation"])
def test_a_small_unit_hides_with_its_days_and_money_and_another_unit(world, kind):
    populate(
        world,
        [Someone(unit=0) for _ in range(7)]
        + [Someone(unit=1, benefit="social_assistance") for _ in range(6)]
        + [Someone(unit=2, present=3)],
    )
    exact, published = both(kind, *MARCH)

    small_unit = published["units"][2]
    assert exact["units"][2]["clients"] == 1
    figures = {
        key: value
        for key, value in small_unit.items()
        if key not in ("unit", "unit_code", "organiser")
    }
    assert all(value is None for value in flatten(figures).values())
    # A second unit hides too, or the totals less the others would give the small one away.
    assert sum(unit["clients"] is None for unit in published["units"]) >= 2
    assert published["totals"]["clients"] == 14
    assert_protected(exact, published)


def test_money_is_compared_as_decimals_and_hidden_as_null(world):
    populate(world, [Someone(unit=0) for _ in range(6)] + [Someone(unit=1, present=2)])
    exact, published = both("allowance", *MARCH)

    assert isinstance(exact["units"][1]["amount"], str)
    assert published["units"][1]["amount"] is None
    assert published["units"][0]["amount"] is None  # 7 × … − 6 × … would tell it
    assert published["totals"]["amount"] == exact["totals"]["amount"]
    assert_protected(exact, published)


# --- random small populations -----------------------------------------------------------------

REASONS = ("completed", "interrupted", "interrupted_by_organiser", "moved")
DESTINATIONS = ("open_labour_market", "subsidised_work", "education", "unemployed", "unknown")

someone = st.builds(
    Someone,
    sex=st.sampled_from(SEXES),
    unit=st.integers(0, 2),
    exit=st.none()
    | st.tuples(
        st.sampled_from(REASONS),
        st.sampled_from(DESTINATIONS),
        st.sampled_from(("", *DESTINATIONS)),
    ),
    status=st.sampled_from(("unemployed", "long_term_unemployed", "inactive", "employed", "")),
    education=st.sampled_from(("isced_0_2", "isced_3_4", "isced_5_8", "")),
    foreign_background=st.sampled_from(("yes", "no", "")),
    benefit=st.sampled_from(("labour_market_subsidy", "social_assistance")),
    age=st.sampled_from((20, 30, 50, 60)),
    present=st.integers(0, 6),
    sick=st.integers(0, 2),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=st.lists(someone, min_size=1, max_size=24))
def test_random_small_populations_leave_nothing_to_work_out(world, people):
    with transaction.atomic():
        populate(world, people)
        for kind in ("outcome", "allowance"):
            exact, published = both(kind, *MARCH)
            assert_relations_hold(exact)
            assert_protected(exact, published)
        transaction.set_rollback(True)
