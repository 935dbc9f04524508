"""Every figure of the project dashboard, worked out by hand from the world in world.py
(bob's units U1 Aa-paja and U2 Bb-keskus, 1.1.–31.3.2025, today 20.3.2025), and the same
figures as the report builders give for the same range and units."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guidance.warnings import attendance_warnings
from reporting.builders import (
    build_allowance,
    build_attendance,
    build_outcome,
    build_state_compensation,
)
from reporting.builders.common import scoped_periods
from reporting.dashboards.attendance import split_range
from reporting.dashboards.data import range_figures
from reporting.dashboards.now import warning_period_ids, warning_window
from reporting.models import Rate
from reporting.params import ReportParams

from .helpers import chart_data, get, kpis, table
from .world import TODAY, d, more_people, period, person

pytestmark = pytest.mark.django_db
NB = "\xa0"


@pytest.fixture
def page(client, bob):  # type: ignore[no-untyped-def]
    client.force_login(bob)
    response = get(client)
    assert response.status_code == 200
    return response


def test_key_figures(page):
    assert kpis(page) == {
        # A (U1), C and H (U2) have a period running today; B and D have left.
        "active": "3",
        # A, B, C, D and H have a period overlapping the range (G's is a draft, E and F are
        # in U3).
        "participants": "5",
        # B left to the open labour market, D to unemployment: 1 of 2.
        "working-life": f"50{NB}%",
        # 28 present of 40 planned days (see the attendance table below).
        "attendance": f"70{NB}%",
        # 28 present days × 9,00 €.
        "allowance": f"252,00{NB}€",
        # 27 compensated days × 10,09 €: A came on five days in the week of 3.3.
        "compensation": f"272,43{NB}€",
    }


def test_starts_and_exits_per_month(page):
    assert table(page, "starts-exits") == [
        ["1/2025", "1", "1"],  # B started 15.1.; D left 31.1.
        ["2/2025", "1", "1"],  # C started 3.2.; B left 28.2.
        ["3/2025", "0", "0"],
        ["Total", "2", "2"],
    ]
    assert chart_data(page, "starts-exits")["datasets"][0]["data"] == [1, 1, 0]


def test_flow_from_start_to_destination(page):
    assert table(page, "flow") == [
        ["Participants", "Participants", "5", f"100{NB}%"],
        ["How the period ended", "Completed as planned", "1", f"20{NB}%"],
        ["How the period ended", "Interrupted by the client", "1", f"20{NB}%"],
        ["How the period ended", "Interrupted by the organiser", "0", f"0{NB}%"],
        ["How the period ended", "Moved away", "0", f"0{NB}%"],
        ["How the period ended", "Deceased", "0", f"0{NB}%"],
        ["How the period ended", "Continuing", "3", f"60{NB}%"],  # A, C, H
        ["Destination at exit", "Into working life", "1", f"20{NB}%"],
        ["Destination at exit", "Other destinations", "1", f"20{NB}%"],
    ]
    stacked = {d["label"]: d["data"] for d in chart_data(page, "flow")["datasets"]}
    assert stacked["Continuing"] == [None, 3, 3]
    assert stacked["Participants"] == [5, None, None]


def test_destinations(page):
    rows = {row[0]: row[1:] for row in table(page, "destinations")}
    assert rows["Open labour market"] == ["1", f"50{NB}%"]
    assert rows["Unemployed"] == ["1", f"50{NB}%"]
    assert rows["Education"] == ["0", f"0{NB}%"]
    assert rows["Left in the range"] == ["2", ""]


def test_attendance_rate_per_unit_and_month(page):
    assert table(page, "attendance") == [
        # U1: January B 2 present of 4 (2 child sick); February A 4/4 and B 4/4; March A 11
        # present of 12 planned (13 records, 17.3. not organised; one unjustified).
        ["Aa-paja", f"50{NB}%", f"100{NB}%", f"92{NB}%", f"88{NB}%"],  # 21/24 = 0,875
        # U2: January D 3/4 (a job interview); February C 4/8 (4 sick); March C 0/4.
        ["Bb-keskus", f"75{NB}%", f"50{NB}%", f"0{NB}%", f"44{NB}%"],  # 7/16 = 0,4375
        ["All units", f"63{NB}%", f"75{NB}%", f"69{NB}%", f"70{NB}%"],  # 5/8, 12/16, 11/16
    ]
    lines = {d["label"]: d["data"] for d in chart_data(page, "attendance")["datasets"]}
    assert lines["Aa-paja"] == [50.0, 100.0, 92.0]


def test_results_by_unit_answer_into_working_life_and_attendance(page):
    """The question a project manager brings: how many of the participants went into working
    life, per unit, and what attendance is like."""
    assert table(page, "results-by-unit") == [
        # U1: A and B took part; B left to the open labour market; attendance 21/24.
        ["Aa-paja", "2", "1", "1", f"100{NB}%", f"88{NB}%"],
        # U2: C, D and H took part; D left to unemployment; attendance 7/16.
        ["Bb-keskus", "3", "1", "0", f"0{NB}%", f"44{NB}%"],
        ["All units", "5", "2", "1", f"50{NB}%", f"70{NB}%"],
    ]
    bars = {d["label"]: d["data"] for d in chart_data(page, "results-by-unit")["datasets"]}
    assert bars["Into working life, share of those who left"] == [100.0, 0.0]
    assert bars["Attendance rate"] == [88.0, 44.0]


def test_results_by_unit_are_each_units_outcome_report(world):
    """A client with periods in two units counts in each, as each unit's own report has it,
    and once in all units, by the last period."""
    kaisa = person(born=d(1990, 5, 5), sex="woman", municipality=world.helsinki, unit=world.u1)
    period(kaisa, world.u1, d(2024, 11, 1), d(2025, 4, 30), exit=d(2025, 1, 31),
           reason="completed", destination="subsidised_work")  # fmt: skip
    period(kaisa, world.u3, d(2025, 2, 3), d(2025, 8, 1))
    raw = {"from": "2025-01-01", "to": "2025-03-31"}
    figures = range_figures(ReportParams.parse({**raw, "kind": "outcome"}))

    whole = build_outcome(ReportParams.parse({**raw, "kind": "outcome"}))
    assert figures.outcome["participants"] == whole["participants"]["total"] == 8  # A–F, H, Kaisa
    assert figures.outcome["exits.total"] == whole["exits"]["total"]["total"] == 2  # B, D
    for unit in ("U1", "U2", "U3"):
        report = build_outcome(ReportParams.parse({**raw, "kind": "outcome", "units": [unit]}))
        row = next(r for r in figures.outcome_by_unit.values() if r["name"] == report_unit(unit))
        assert row["participants"] == report["participants"]["total"]
        assert row["left"] == report["exits"]["total"]["total"]
        assert row["working"] == report["destinations"]["into_working_life"]["total"]
    u1 = next(r for r in figures.outcome_by_unit.values() if r["name"] == "Aa-paja")
    assert (u1["participants"], u1["left"], u1["working"]) == (3, 2, 2)  # A, B and Kaisa


def report_unit(code: str) -> str:
    return {"U1": "Aa-paja", "U2": "Bb-keskus", "U3": "Cc-talo"}[code]


def test_absence_days_by_reason(page):
    assert table(page, "absences") == [
        ["Sick (own notice)", "8", f"20{NB}%"],  # C: 4 in February, 4 in March; of 40
        ["Sick with a certificate", "0", f"0{NB}%"],
        ["Child sick", "2", f"5{NB}%"],  # B
        ["Job interview", "1", f"3{NB}%"],  # D; 2,5 % rounds up
        ["Office of trust", "0", f"0{NB}%"],
        ["Unjustified absence", "1", f"3{NB}%"],  # A, 12.3.
        ["All absences", "12", f"30{NB}%"],
    ]


def test_money_per_month(page):
    assert table(page, "money") == [
        ["1/2025", "5", f"45,00{NB}€", "5", f"50,45{NB}€"],  # B 2 + D 3
        ["2/2025", "12", f"108,00{NB}€", "12", f"121,08{NB}€"],  # A 4, B 4, C 4
        # A 11; the fifth present day of the week of 3.3. is not compensated.
        ["3/2025", "11", f"99,00{NB}€", "10", f"100,90{NB}€"],
        ["Total", "28", f"252,00{NB}€", "27", f"272,43{NB}€"],
    ]
    assert chart_data(page, "money")["datasets"][0]["data"] == [45.0, 108.0, 99.0]


def test_goal_attainment(page):
    # A's meeting of 15.2. gave +1 and 0, C's of 10.3. −1; A's of 1.12.2024 is before the range.
    assert table(page, "gas") == [
        ["−2", "0", f"0{NB}%"],
        ["−1", "1", f"33{NB}%"],
        ["0", "1", f"33{NB}%"],
        ["+1", "1", f"33{NB}%"],
        ["+2", "0", f"0{NB}%"],
        ["All scores", "3", ""],
    ]


def test_needs_attention_now_by_unit(page):
    assert table(page, "attention") == [
        # U1: A active; A absent without reason 12.3.; G's plan waits for agreement; A's
        # follow-up was due 1.3.
        ["Aa-paja", "1", "1", "1", "1", "0"],
        # U2: C and H active; C sick 17.–20.3. without a certificate; H in KUTY since
        # 1.12.2022 (over 24 months) without a review.
        ["Bb-keskus", "2", "1", "0", "0", "1"],
        ["All units", "3", "2", "1", "1", "1"],
    ]


@pytest.mark.parametrize(
    ("first", "last", "rate_change"),
    [
        ("2025-01-01", "2025-03-31", None),  # whole months: all from the monthly totals
        ("2025-01-15", "2025-03-20", None),  # January and March in part: from the records
        ("2025-01-01", "2025-03-31", "2025-03-12"),  # March priced by the day
    ],
)
def test_one_definition_with_the_report_builders(world, first, last, rate_change):
    """The dashboard's figures add up to the reports for the same range and units, whether
    they are read from the monthly totals or counted from the records."""
    if rate_change:
        for kind, amount in (("allowance", "9.50"), ("state_compensation", "10.50")):
            Rate.objects.create(kind=kind, valid_from=rate_change, amount=amount, source="test")
    raw = {"from": first, "to": last, "units": ["U1", "U2"]}
    figures = range_figures(ReportParams.parse({**raw, "kind": "outcome"}))

    outcome = build_outcome(ReportParams.parse({**raw, "kind": "outcome"}))
    assert figures.outcome["participants"] == outcome["participants"]["total"]
    for reason, counts in outcome["exits"].items():
        assert figures.outcome[f"exits.{reason}"] == counts["total"]
    for code, counts in outcome["destinations"].items():
        assert figures.outcome[f"destinations.{code}"] == counts["total"]

    attendance = build_attendance(ReportParams.parse({**raw, "kind": "attendance"}))
    for unit in attendance["units"]:
        cells = [row for (uid, _m), row in figures.attendance.items()
                 if figures.units[uid]["name"] == unit["unit"]]  # fmt: skip
        assert sum(row["planned_days"] for row in cells) == unit["planned_days"]
        assert sum(row["present_days"] for row in cells) == unit["present_days"]
        for code, days in unit["absence_days"].items():
            assert sum(row[f"absent_{code}"] for row in cells) == days

    allowance = build_allowance(ReportParams.parse({**raw, "kind": "allowance"}))
    cents = sum(row["allowance_cents"] or 0 for row in figures.attendance.values())
    assert Decimal(cents) / 100 == Decimal(allowance["totals"]["amount"])

    claim = build_state_compensation(ReportParams.parse({**raw, "kind": "state-compensation"}))
    compensated = figures.compensation.values()
    assert sum(month["days"] for month in compensated) == claim["totals"]["compensated_days"]
    assert Decimal(sum(m["cents"] for m in compensated)) / 100 == Decimal(claim["totals"]["amount"])


def test_a_range_starting_mid_week_reads_the_week_whole(world):
    """From Thursday 6.3.: A's present days 3.–5.3. take three of the week's four places, so
    of 6.3. and 7.3. (both present) only 6.3. is compensated — as in the claim."""
    raw = {"from": "2025-03-06", "to": "2025-03-31", "units": ["U1"]}
    figures = range_figures(ReportParams.parse({**raw, "kind": "outcome"}))
    claim = build_state_compensation(ReportParams.parse({**raw, "kind": "state-compensation"}))
    days = sum(month["days"] for month in figures.compensation.values())
    # 6.3. + 10., 11., 13.3. + 18.–20.3.
    assert days == claim["totals"]["compensated_days"] == 7


def test_warnings_are_the_counsellors_warnings(world):
    """The dashboard's shortcut (any unjustified day is a warning) gives the same periods as
    the warnings counsellors see, read for every in-scope period."""
    more_people(world, 3)
    params = ReportParams.parse({"kind": "outcome", "from": "2025-01-01", "to": "2025-03-31"})
    first, last = warning_window(TODAY)
    every_period = scoped_periods(params).filter(start_date__lte=last).values_list("pk", flat=True)

    expected = set(attendance_warnings(every_period, first, last))

    assert set(warning_period_ids(params, TODAY)) == expected
    # A and the three like A (unjustified), C and F (sick four days in a row).
    assert len(expected) == 6


def test_a_range_is_split_into_whole_months_and_days():
    params = ReportParams.parse({"kind": "outcome", "from": "2025-01-15", "to": "2025-05-20"})

    split = split_range(params, {d(2025, 3, 12), d(2025, 4, 1)})

    # A rate from 1.4. prices April by the month; one from 12.3. needs March's days.
    assert split.months == (d(2025, 2, 1), d(2025, 4, 1))
    assert split.days == (
        (d(2025, 1, 15), d(2025, 1, 31)),
        (d(2025, 3, 1), d(2025, 3, 31)),
        (d(2025, 5, 1), d(2025, 5, 20)),
    )
