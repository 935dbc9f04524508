"""The attendance report: planned and present days, the rate and the three warning flags.

Planned days in the rows are attendance records other than ``not_organised``. The flags are
the counsellors' warnings (guidance.warnings): "in a row" counts the period's planned days of
the unit calendar — the periods here run Monday to Thursday; a record on another day counts
as planned, a ``not_organised`` day neither counts nor breaks a run — and a run with a day in
the range is flagged. Patterns start on the day given (see builder_data).
"""

from __future__ import annotations

import json

import pytest

from reporting.builders import build_attendance
from reporting.builders.attendance import attendance_relations
from reporting.suppression import flatten, recoverable
from tests.reporting.builder_data import attend, d, make_world, params, period, person

pytestmark = pytest.mark.django_db

MARCH = ("2025-03-01", "2025-03-31")
SICK = "sick_over_3_days_uncertified"
CHILD = "child_sick_over_4_days"
UNJUSTIFIED = "unjustified_absence"


def _client(w, unit, name, first_day, days, *, period_start=None):
    client = person(
        born=d(1980, 1, 1),
        sex="woman",
        municipality=w.helsinki,
        unit=unit,
        first_name="X",
        last_name=name,
    )
    a_period = period(client, unit, period_start or d(2025, 2, 1), d(2025, 8, 31))
    attend(a_period, first_day, days)
    return client


@pytest.fixture
def flag_world():
    w = make_world()
    mon = d(2025, 3, 3)
    _client(w, w.u1, "01-sick-3", mon, "SSSP")
    _client(w, w.u1, "02-sick-4", mon, "SSSS")
    _client(w, w.u1, "03-child-4", mon, "KKKK")
    _client(w, w.u1, "04-child-5", mon, "KKKKK")
    _client(w, w.u1, "05-unjustified", mon, "PU")
    _client(w, w.u1, "06-over-weekend", d(2025, 3, 6), "SS..SS")
    _client(w, w.u1, "07-over-holiday", mon, "SSNSS")
    _client(w, w.u1, "08-certificate", mon, "SSCSS")
    _client(w, w.u1, "09-began-before", d(2025, 2, 27), "SS..SS")
    _client(w, w.u1, "10-all-before", d(2025, 2, 24), "SSSS...P")
    _client(w, w.u1, "11-ends-after", d(2025, 3, 27), "SS..SS")
    return w


def test_flags(flag_world):
    report = build_attendance(params("attendance", *MARCH))

    flags = {row["name"]: row["flags"] for row in report["clients"]}
    assert flags == {
        "01-sick-3 X": [],
        "02-sick-4 X": [SICK],
        "03-child-4 X": [],
        "04-child-5 X": [CHILD],
        "05-unjustified X": [UNJUSTIFIED],
        "06-over-weekend X": [SICK],
        "07-over-holiday X": [SICK],
        "08-certificate X": [],
        "09-began-before X": [SICK],  # 27.2.–4.3.: the run has days in the range
        "10-all-before X": [],  # a February run is February's warning
        "11-ends-after X": [SICK],  # 27.–31.3. in the range, the run goes on to 1.4.
    }


def test_flags_together_and_per_row(flag_world):
    w = flag_world
    everything = _client(w, w.u2, "12-all", d(2025, 3, 3), "U.....SSSS..KKKKK")

    report = build_attendance(params("attendance", *MARCH, units=["U2"]))

    assert report["clients"] == [
        {
            "hetu": everything.hetu,
            "name": "12-all X",
            "unit": "Bb-keskus",
            "unit_code": "U2",
            "planned_days": 10,
            "present_days": 0,
            "absence_days": {
                "sick": 4,
                "sick_certified": 0,
                "child_sick": 5,
                "job_interview": 0,
                "office_of_trust": 0,
                "unjustified": 1,
            },
            "not_organised_days": 0,
            "attendance_rate": "0.00",
            "flags": [UNJUSTIFIED, SICK, CHILD],
        }
    ]


@pytest.fixture
def unit_world():
    w = make_world()
    mon = d(2025, 3, 3)
    _client(w, w.u2, "Xa", mon, "PPPPP..PUN")  # planned 7, present 6
    _client(w, w.u2, "Yb", mon, "PPSP")  # planned 4, present 3
    _client(w, w.u3, "Zc", mon, "NN")  # nothing planned: the unit was closed
    return w


def test_units_and_rates(unit_world):
    report = build_attendance(params("attendance", *MARCH))

    absences = {
        "sick": 0,
        "sick_certified": 0,
        "child_sick": 0,
        "job_interview": 0,
        "office_of_trust": 0,
        "unjustified": 0,
    }
    assert report["units"] == [
        {
            "unit": "Bb-keskus",
            "unit_code": "U2",
            "clients": 2,
            "planned_days": 11,
            "present_days": 9,
            "absence_days": {**absences, "sick": 1, "unjustified": 1},
            "not_organised_days": 1,
            "attendance_rate": "0.82",  # 9 / 11 = 0.818...
        },
        {
            "unit": "Cc-talo",
            "unit_code": "U3",
            "clients": 1,
            "planned_days": 0,
            "present_days": 0,
            "absence_days": absences,
            "not_organised_days": 2,
            "attendance_rate": "0.00",
        },
    ]
    assert report["totals"]["planned_days"] == 11
    assert report["totals"]["clients"] == 3
    rates = {row["name"]: row["attendance_rate"] for row in report["clients"]}
    assert rates == {"Xa X": "0.86", "Yb X": "0.75", "Zc X": "0.00"}  # 6/7, 3/4


@pytest.mark.parametrize(
    ("raw", "units"),
    [
        ({"units": ["U3"]}, ["Cc-talo"]),
        ({"organiser": "orgA"}, ["Bb-keskus"]),
        ({"project": "ESF1"}, ["Cc-talo"]),
        ({"municipality": "091"}, ["Bb-keskus", "Cc-talo"]),
        ({"municipality": "092"}, []),
    ],
)
def test_filters(unit_world, raw, units):
    report = build_attendance(params("attendance", *MARCH, **raw))

    assert [u["unit"] for u in report["units"]] == units


def test_without_personal_data(unit_world):
    report = build_attendance(params("attendance", *MARCH), include_personal=False)

    assert "clients" not in report
    assert [u["planned_days"] for u in report["units"]] == [11, 0]
    text = json.dumps(report, ensure_ascii=False)
    assert "hetu" not in text
    assert '"name"' not in text
    for name in ("Xa", "Yb", "Zc"):
        assert name not in text


def test_suppression_of_client_counts(unit_world):
    report = build_attendance(
        params("attendance", *MARCH, suppress_below="2"), include_personal=False
    )

    # Cc-talo's one client hides with the unit's days and rate; Bb-keskus hides too, or the
    # totals less Bb-keskus would give Cc-talo away.
    assert [u["clients"] for u in report["units"]] == [None, None]
    assert [u["not_organised_days"] for u in report["units"]] == [None, None]
    assert [u["attendance_rate"] for u in report["units"]] == [None, None]
    assert report["units"][1]["absence_days"]["sick"] is None
    assert report["totals"]["clients"] == 3
    assert report["totals"]["not_organised_days"] == 3
    assert recoverable(flatten(report), attendance_relations(report)) == {}
