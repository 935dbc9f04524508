"""The seed project's participants (DOMAIN.md §7), imported as a unit moving its spreadsheet
would (``import_participants``), then reported on as a municipal official gets it.

The seed publication (shared/seed/) gives the project's table, not a list of people: 348
started in four units from 2010 to June 2013 (185 men, 163 women), all unemployed at entry and
259 long-term, mostly basic education, 31 immigrants, 5 from minorities, 1 disabled, 62
otherwise disadvantaged; 170 completed, 75 interrupted, the rest continuing; of the 245 who
left, 10 went to the open labour market, 15 to subsidised work, 194 were unemployed and 26
outside the labour force. :func:`seed_rows` makes one participant file with exactly those
figures (ages: about half 25–44) and the module imports it once.

- With no suppression, the whole organisation's outcome report is the seed's table exactly.
- With ``suppress_below=5``, the report of every unit for every quarter and of each home
  municipality hides every count of 1 to 4 people, and nothing hidden can be worked out.
"""

from __future__ import annotations

import csv
import datetime
import io
import random
from collections import Counter
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.db import transaction

from reporting.builders import build_report
from reporting.suppression import flatten
from tests.clients.factories import make_hetu
from tests.organisations.factories import MunicipalityFactory, OrganiserFactory, UnitFactory
from tests.reporting.builder_data import params
from tests.reporting.test_suppression_reports import assert_protected

RANGE = ("2010-01-01", "2013-06-30")
BANDS = "0-24,25-44,45-54,55-"
UNITS = ("KYVYT1", "KYVYT2", "KYVYT3", "KYVYT4")
MUNICIPALITIES = ("091", "092")
SEED_TABLE = {
    "participants": {"total": 348, "man": 185, "woman": 163},
    "age_bands": {"0-24": 60, "25-44": 175, "45-54": 70, "55-": 43},
    "labour_market_status": {"unemployed_total": 348, "long_term_unemployed": 259},
    "education": {"isced_0_2": 250, "isced_3_4": 88, "isced_5_8": 10, "unknown": 0},
    "disadvantage": {
        "foreign_background": 31,
        "minority": 5,
        "disability": 1,
        "other_disadvantaged": 62,
    },
    "exits": {"total": 245, "completed": 170, "interrupted": 75, "continuing": 103},
    "destinations": {
        "open_labour_market": 10,
        "subsidised_work": 15,
        "into_working_life": 25,
        "unemployed": 194,
        "outside_labour_force": 26,
    },
}


def _spread(counts: dict[str, int], rng: random.Random) -> list[str]:
    """The values of ``counts`` (value → how many) in a fixed random order."""
    values = [value for value, count in counts.items() for _ in range(count)]
    rng.shuffle(values)
    return values


def seed_rows() -> list[dict[str, Any]]:
    """One period per participant with the seed's figures, spread at random (fixed seed)."""
    rng = random.Random(2013)
    total = 348
    sexes = _spread({"man": 185, "woman": 163}, rng)
    ages = [
        age
        for band in _spread({"0-24": 60, "25-44": 175, "45-54": 70, "55-": 43}, rng)
        for age in [rng.randint(*{"0-24": (18, 24), "25-44": (25, 44), "45-54": (45, 54),
                                  "55-": (55, 63)}[band])]
    ]  # fmt: skip
    status = _spread({"long_term_unemployed": 259, "unemployed": 89}, rng)
    education = _spread({"isced_0_2": 250, "isced_3_4": 88, "isced_5_8": 10}, rng)
    yes = {
        name: _spread({"yes": count, "no": total - count}, rng)
        for name, count in SEED_TABLE["disadvantage"].items()
    }
    leavers = list(
        zip(
            _spread({"completed": 170, "interrupted": 75}, rng),
            _spread(
                {"open_labour_market": 10, "subsidised_work": 15, "unemployed": 194,
                 "outside_labour_force": 26},
                rng,
            ),
            strict=True,
        )
    )  # fmt: skip
    exits = [*leavers, *([None] * 103)]
    rng.shuffle(exits)
    rows = []
    left = continuing = 0
    for n in range(total):
        if exits[n] is None:
            # Started from autumn 2011, planned to the end of the range and beyond.
            start = datetime.date(2011, 9, 1) + datetime.timedelta(days=6 * continuing)
            end = start + relativedelta(months=23)
            continuing += 1
        else:
            start = datetime.date(2010, 1, 4) + datetime.timedelta(days=4 * left)
            end = start + relativedelta(months=12) - datetime.timedelta(days=1)
            left += 1
        born = start - relativedelta(years=ages[n]) - datetime.timedelta(days=1 + n % 300)
        row = {
            "hetu": make_hetu(born, 2 + n),
            "first_name": f"Osallistuja{n}",
            "last_name": "Seed",
            "sex": sexes[n],
            "home_municipality": MUNICIPALITIES[n % 2],
            "unit": UNITS[n % 4],
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "days_per_week": "3",
            "hours_per_day": "6",
            "benefit": "labour_market_subsidy",
            "labour_market_status": status[n],
            "education": education[n],
            **{name: answers[n] for name, answers in yes.items()},
        }
        if exits[n] is not None:
            reason, destination = exits[n]
            row["exit_date"] = (start + datetime.timedelta(days=90 + n % 150)).isoformat()
            row["exit_reason"] = reason
            row["destination"] = destination
        rows.append(row)
    return rows


def seed_csv() -> str:
    rows = seed_rows()
    columns = list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@pytest.fixture(scope="module")
def seed(django_db_setup, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The seed's participants, imported once for the module and rolled back after it."""
    path = tmp_path_factory.mktemp("seed") / "participants.csv"
    path.write_text(seed_csv(), encoding="utf-8")
    with django_db_blocker.unblock(), transaction.atomic():
        for code, name in zip(MUNICIPALITIES, ("Helsinki", "Vantaa"), strict=True):
            MunicipalityFactory(code=code, name=name)
        organiser = OrganiserFactory(code="VATES", name="Vates")
        for code in UNITS:
            UnitFactory(code=code, name=code, organiser=organiser)
        call_command("import_participants", str(path), stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def quarters() -> list[tuple[str, str]]:
    first = datetime.date(2010, 1, 1)
    found = []
    while first <= datetime.date(2013, 4, 1):
        last = first + relativedelta(months=3) - datetime.timedelta(days=1)
        found.append((first.isoformat(), last.isoformat()))
        first += relativedelta(months=3)
    return found


@pytest.mark.usefixtures("seed")
def test_the_whole_organisation_gets_the_seed_table_exactly(db):
    report = build_report(params("outcome", *RANGE, age_bands=BANDS))

    for section, figures in SEED_TABLE.items():
        for key, expected in figures.items():
            if section == "participants":
                assert report[section][key] == expected, (section, key)
            else:
                assert report[section][key]["total"] == expected, (section, key)
    assert report["participants"]["non_binary"] == report["participants"]["unknown"] == 0
    assert report["data_quality"]["unknown_entry_data"] == 0
    assert report["data_quality"]["ended_without_destination"] == 0


@pytest.mark.usefixtures("seed")
@pytest.mark.parametrize("unit", UNITS)
def test_every_unit_every_quarter_hides_small_counts_that_nothing_gives_away(db, unit):
    hidden = Counter()
    for first, last in quarters():
        exact = build_report(params("outcome", first, last, units=unit), include_personal=False)
        published = build_report(
            params("outcome", first, last, units=unit, suppress_below="5"),
            include_personal=False,
        )
        assert_protected(exact, published)
        hidden[first] = sum(value is None for value in flatten(published).values())
    assert len(hidden) == 14
    # A unit's quarter is a few dozen people: every one has small counts to hide.
    assert all(hidden.values())


@pytest.mark.usefixtures("seed")
@pytest.mark.parametrize("municipality", MUNICIPALITIES)
def test_each_municipality_hides_small_counts_that_nothing_gives_away(db, municipality):
    raw = {"municipality": municipality, "age_bands": BANDS}
    exact = build_report(params("outcome", *RANGE, **raw), include_personal=False)
    published = build_report(
        params("outcome", *RANGE, suppress_below="5", **raw), include_personal=False
    )

    assert exact["participants"]["total"] == 174  # every other participant
    assert_protected(exact, published)
    assert published["participants"]["total"] == 174  # a big figure stays
    assert published["disadvantage"]["disability"]["total"] in (0, None)
