"""The rules of law, one worked example each (DOMAIN.md §2–§3), as a reviewer would try them:
through ``import_participants``, ``import_attendance`` and the ``report`` command only.

Each row of ``RULE_EXAMPLES`` is a rule, its source, the participants and attendance that
show it, the report and the figures expected. The period rules that the import refuses are in
``PERIOD_EXAMPLES``. Read this file for the law's coverage; each row is its own test.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tests.clients.factories import make_hetu
from tests.organisations.factories import (
    MunicipalityFactory,
    ProjectFactory,
    RoleAssignmentFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = __import__("datetime").date
ANNA = make_hetu(D(1980, 5, 1), 246)
BERT = make_hetu(D(1975, 2, 2), 357)
PARTICIPANT_HEADER = (
    "hetu;first_name;last_name;sex;home_municipality;unit;start_date;end_date;"
    "days_per_week;hours_per_day;benefit;labour_market_status"
)


def participant(hetu: str, unit: str, start: str, end: str, **extra: str) -> str:
    values = {
        "first_name": "Anna",
        "last_name": "Aalto",
        "sex": "woman",
        "days_per_week": "2",
        "hours_per_day": "6",
        "benefit": "labour_market_subsidy",
        "labour_market_status": "unemployed",
        **extra,
    }
    return (
        f"{hetu};{values['first_name']};{values['last_name']};{values['sex']};638;{unit};"
        f"{start};{end};{values['days_per_week']};{values['hours_per_day']};"
        f"{values['benefit']};{values['labour_market_status']}"
    )


@dataclass(frozen=True)
class Example:
    rule: str
    source: str
    participants: list[str]
    attendance: list[tuple[str, str, str, str]]  # hetu, unit, date, status
    report: str
    period: tuple[str, str]
    expected: dict[str, Any]


RULE_EXAMPLES = [
    Example(
        rule="state compensation: one person-day in two units is compensated once",
        source="Act 189/2001 24 §; DOMAIN.md §3 (distinct dates across all units)",
        participants=[
            participant(ANNA, "PAJA", "2025-01-01", "2025-06-30"),
            participant(ANNA, "TALO", "2025-01-01", "2025-06-30"),
        ],
        attendance=[
            (ANNA, "PAJA", "2025-03-03", "present"),
            (ANNA, "TALO", "2025-03-03", "present"),
        ],
        report="state-compensation",
        period=("2025-03-01", "2025-03-31"),
        expected={"totals.compensated_days": 1, "totals.amount": "10.09"},
    ),
    Example(
        rule="state compensation: at most 4 distinct dates a calendar week",
        source="Act 189/2001 24 § as amended by 142/2015",
        participants=[participant(ANNA, "PAJA", "2025-01-01", "2025-06-30", days_per_week="4")],
        attendance=[(ANNA, "PAJA", f"2025-03-0{day}", "present") for day in (3, 4, 5, 6, 7)],
        report="state-compensation",
        period=("2025-03-01", "2025-03-31"),
        expected={
            "totals.attended_days": 5,
            "totals.compensated_days": 4,
            "totals.amount": "40.36",
        },
    ),
    Example(
        rule="state compensation: 5 days a week before 1.7.2015",
        source="Act 189/2001 24 § before 142/2015",
        participants=[participant(ANNA, "PAJA", "2015-01-05", "2015-06-30", days_per_week="5")],
        attendance=[(ANNA, "PAJA", f"2015-03-0{day}", "present") for day in (2, 3, 4, 5, 6)],
        report="state-compensation",
        period=("2015-03-01", "2015-03-31"),
        expected={"totals.compensated_days": 5, "totals.amount": "50.45"},
    ),
    Example(
        rule="expense allowance: one client, one date, one 9,00 €",
        source="DOMAIN.md §3 (kulukorvaus per present day, Kela)",
        participants=[
            participant(ANNA, "PAJA", "2025-01-01", "2025-06-30"),
            participant(ANNA, "TALO", "2025-01-01", "2025-06-30"),
        ],
        attendance=[
            (ANNA, "PAJA", "2025-03-03", "present"),
            (ANNA, "TALO", "2025-03-03", "present"),
        ],
        report="allowance",
        period=("2025-03-01", "2025-03-31"),
        expected={"totals.present_days": 1, "totals.amount": "9.00"},
    ),
    Example(
        rule="expense allowance: earnings-related allowance is paid by the unemployment fund",
        source="DOMAIN.md §3 (payer follows the benefit)",
        participants=[
            participant(ANNA, "PAJA", "2025-01-01", "2025-06-30", benefit="earnings_related")
        ],
        attendance=[(ANNA, "PAJA", "2025-03-03", "present")],
        report="allowance",
        period=("2025-03-01", "2025-03-31"),
        expected={"rows.0.payer": "fund", "totals_by_payer.fund.amount": "9.00"},
    ),
    Example(
        rule="expense allowance: no benefit on record is never charged to Kela",
        source="DOMAIN.md §3 (payer unknown, flagged)",
        participants=[participant(ANNA, "PAJA", "2025-01-01", "2025-06-30", benefit="none")],
        attendance=[(ANNA, "PAJA", "2025-03-03", "present")],
        report="allowance",
        period=("2025-03-01", "2025-03-31"),
        expected={"rows.0.payer": "unknown", "totals_by_payer.kela": None},
    ),
    Example(
        rule="expense allowance: social assistance is paid by the organiser (toimintaraha)",
        source="Act 1025/2022",
        participants=[
            participant(ANNA, "PAJA", "2025-01-01", "2025-06-30", benefit="social_assistance")
        ],
        attendance=[(ANNA, "PAJA", "2025-03-03", "present")],
        report="allowance",
        period=("2025-03-01", "2025-03-31"),
        expected={"rows.0.payer": "organiser"},
    ),
    Example(
        rule="expense allowance: a day before the first verified rate is unpriced, not guessed",
        source="DOMAIN.md §3 (9,00 € verified from 1.1.2010)",
        participants=[participant(ANNA, "PAJA", "2005-01-03", "2005-06-30")],
        attendance=[(ANNA, "PAJA", "2005-03-01", "present")],
        report="allowance",
        period=("2005-03-01", "2005-03-31"),
        expected={"totals.unpriced_days": 1, "totals.amount": "0.00"},
    ),
    Example(
        rule="attendance: sick on two of a once-a-week client's days is a run of 8 calendar days",
        source="DOMAIN.md §3 (more than 3 calendar days without a certificate)",
        participants=[participant(ANNA, "PAJA", "2025-01-01", "2025-06-30", days_per_week="1")],
        attendance=[(ANNA, "PAJA", "2025-03-03", "sick"), (ANNA, "PAJA", "2025-03-10", "sick")],
        report="attendance",
        period=("2025-03-01", "2025-03-31"),
        expected={"clients.0.flags": ["sick_over_3_days_uncertified"]},
    ),
    Example(
        rule="attendance: more present dates in a week than the person's limit is flagged",
        source="DOMAIN.md §2 (the week limit is the person's, all units together)",
        participants=[
            participant(ANNA, "PAJA", "2025-01-01", "2025-06-30", days_per_week="3"),
            participant(ANNA, "TALO", "2025-01-01", "2025-06-30", days_per_week="1"),
        ],
        attendance=[
            *[(ANNA, "PAJA", f"2025-03-0{day}", "present") for day in (3, 4, 5)],
            (ANNA, "TALO", "2025-03-06", "present"),
            (ANNA, "TALO", "2025-03-07", "present"),
        ],
        report="attendance",
        period=("2025-03-01", "2025-03-31"),
        expected={"clients.*.flags": ["over_weekly_days"]},
    ),
]


def _write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _get(report: dict[str, Any], path: str) -> Any:
    """``"totals.amount"`` → report["totals"]["amount"]; ``clients.*.flags`` → the union of
    every client's flags."""
    node: Any = report
    parts = path.split(".")
    for index, part in enumerate(parts):
        if part == "*":
            rest = ".".join(parts[index + 1 :])
            return sorted({flag for item in node for flag in _get(item, rest)})
        if isinstance(node, list):
            node = node[int(part)]
        elif isinstance(node, dict):
            node = node.get(part)
        if node is None:
            return None
    return node


@pytest.fixture(autouse=True)
def english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


@pytest.fixture
def units(db):  # type: ignore[no-untyped-def]
    """Two units of one organiser, in a project whose manager runs the reports."""
    porvoo = MunicipalityFactory(code="638", name="Porvoo")
    paja = UnitFactory(code="PAJA", name="Paja", municipality=porvoo)
    talo = UnitFactory(code="TALO", name="Talo", municipality=porvoo, organiser=paja.organiser)
    project = ProjectFactory(code="HANKE", units=[paja, talo])
    RoleAssignmentFactory(
        user=UserFactory(username="hanke"), role="project_manager", project=project
    )
    return paja, talo


@pytest.mark.parametrize("example", RULE_EXAMPLES, ids=[example.rule for example in RULE_EXAMPLES])
def test_rule(example: Example, units, tmp_path):  # type: ignore[no-untyped-def]
    people = _write(tmp_path, "people.csv", [PARTICIPANT_HEADER, *example.participants])
    call_command("import_participants", str(people), stdout=io.StringIO())
    days = _write(
        tmp_path,
        "days.csv",
        ["hetu;unit;date;status", *(";".join(item) for item in example.attendance)],
    )
    call_command("import_attendance", str(days), stdout=io.StringIO())
    out = io.StringIO()
    call_command(
        "report", example.report, "--from", example.period[0], "--to", example.period[1],
        "--project", "HANKE", "--user", "hanke", stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    report = json.loads(out.getvalue())
    for path, value in example.expected.items():
        assert _get(report, path) == value, f"{example.rule} ({example.source}): {path}"


@dataclass(frozen=True)
class PeriodExample:
    rule: str
    source: str
    row: str
    error: str | None  # the import's row error, None when the period is accepted


PERIOD_EXAMPLES = [
    PeriodExample(
        "24 months at most, both ends included: 16.10.2011 ends by 15.10.2013",
        "Act 189/2001; interfaces §1",
        participant(ANNA, "PAJA", "2011-10-16", "2013-10-15"),
        None,
    ),
    PeriodExample(
        "a day past 24 months is refused",
        "Act 189/2001",
        participant(ANNA, "PAJA", "2011-10-16", "2013-10-16"),
        "A period lasts at most 24 months",
    ),
    PeriodExample(
        "3 months at least",
        "Act 189/2001",
        participant(ANNA, "PAJA", "2026-01-01", "2026-03-30"),
        "A period lasts at least 3 months",
    ),
    PeriodExample(
        "5 days a week for a period begun before 1.7.2015",
        "Act 142/2015",
        participant(ANNA, "PAJA", "2015-06-01", "2015-12-31", days_per_week="5", hours_per_day="6"),
        None,
    ),
    PeriodExample(
        "4 days a week from 1.7.2015",
        "Act 142/2015",
        participant(ANNA, "PAJA", "2015-07-01", "2015-12-31", days_per_week="5", hours_per_day="6"),
        "Rehabilitative work activity is organised on 1–4 days a week",
    ),
    PeriodExample(
        "4 hours a day at least",
        "Act 189/2001",
        participant(ANNA, "PAJA", "2025-01-01", "2025-06-30", hours_per_day="3.5"),
        "A day lasts 4–8 hours",
    ),
    PeriodExample(
        "8 hours a day at most",
        "KUTY guidance (dated row, first day not verified)",
        participant(ANNA, "PAJA", "2025-01-01", "2025-06-30", hours_per_day="8.5"),
        "A day lasts 4–8 hours",
    ),
    PeriodExample(
        "32 hours a week at most",
        "KUTY guidance (dated row, first day not verified)",
        participant(ANNA, "PAJA", "2015-01-05", "2015-06-30", days_per_week="5", hours_per_day="7"),
        "make 35 hours a week; the most allowed is 32 hours",
    ),
    PeriodExample(
        "a birth date in the future is refused",
        "DOMAIN.md §6 (identity codes)",
        participant(make_hetu(D(2099, 1, 1), 123), "PAJA", "2025-01-01", "2025-06-30"),
        "The birth date in the personal identity code is in the future.",
    ),
]


@pytest.mark.parametrize("example", PERIOD_EXAMPLES, ids=[e.rule for e in PERIOD_EXAMPLES])
def test_period_rule(example: PeriodExample, units, tmp_path):  # type: ignore[no-untyped-def]
    path = _write(tmp_path, "people.csv", [PARTICIPANT_HEADER, example.row])
    err = io.StringIO()
    if example.error is None:
        call_command("import_participants", str(path), stdout=io.StringIO(), stderr=err)
        return
    with pytest.raises(CommandError):
        call_command("import_participants", str(path), stdout=io.StringIO(), stderr=err)
    assert example.error in err.getvalue(), f"{example.rule} ({example.source})"
