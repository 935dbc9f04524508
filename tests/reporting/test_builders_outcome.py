"""The outcome report on a small cast whose figures are worked out by hand below.

Range 2025-01-01 – 2025-12-31, age bands 0-24,25-54,55-. Units: u1 and u2 (organiser A,
Helsinki), u3 (organiser B, Vantaa); the project groups u1 and u3.

- A, woman, born 15.6.1990, home 091: u1 1.9.2024– exit 15.3.2025 interrupted → unemployed;
  re-entry u1 1.6.2025– with no exit. First period: long-term unemployed, ISCED 0–2, foreign
  background (the re-entry period says employed, ISCED 3–4, disability: not counted).
- B, man, 10.3.2000, 091: u2 1.2.2025– exit 31.8.2025 completed → open labour market, at 6
  months subsidised work. Unemployed, ISCED 3–4, disability, rural.
- C, non-binary, 1.1.1965, 092: u3 1.3.2025– exit 1.10.2025 completed → subsidised work.
  Inactive, education unknown.
- D, sex unknown, 31.12.1980, 092: u1 1.5.2025– exit 30.11.2025 interrupted by the organiser
  → education. Long-term unemployed, ISCED 5–8, homeless, minority "declined".
- E, woman, 1.1.1995, 091: u2 2023 – 30.6.2024, before the range: not a participant.
- F, man, 1.1.1970, 091: a draft period in u1: not a participant.
- G, woman, 5.5.1985, 091: u3 1.11.2025– exit 15.1.2026 (after the range). Employed,
  ISCED 0–2, minority.
- H, man, 1.7.1975, 091: u1 1.1.2024– exit 28.2.2025 moved → outside the labour force, and
  u2 15.1.2025– exit 31.7.2025 completed → unemployed. First period (u1): long-term
  unemployed, ISCED 0–2, otherwise disadvantaged.

Ages at the first period's start: A 34, B 24 (turns 25 on 10.3.2025, inside the range, but
age counts at the start), C 60, D 44, G 40, H 48.
"""

from __future__ import annotations

import json

import pytest

from clients.models import Destination
from reporting.builders import build_outcome
from reporting.builders.outcome import UNPUBLISHED, outcome_relations
from reporting.suppression import flatten, recoverable
from tests.reporting.builder_data import attend, d, make_world, params, period, person

pytestmark = pytest.mark.django_db

RANGE = ("2025-01-01", "2025-12-31")


def sexes(total: int, woman: int = 0, man: int = 0, non_binary: int = 0, unknown: int = 0):
    assert woman + man + non_binary + unknown == total
    return {
        "total": total,
        "woman": woman,
        "man": man,
        "non_binary": non_binary,
        "unknown": unknown,
    }


ZERO = sexes(0)


@pytest.fixture
def cast():
    w = make_world()
    hki, vtaa = w.helsinki, w.vantaa
    a = person(born=d(1990, 6, 15), sex="woman", municipality=hki, unit=w.u1)
    period(
        a,
        w.u1,
        d(2024, 9, 1),
        d(2025, 3, 31),
        exit=d(2025, 3, 15),
        reason="interrupted",
        destination="unemployed",
        labour_market_status="long_term_unemployed",
        education="isced_0_2",
        foreign_background="yes",
    )
    period(
        a,
        w.u1,
        d(2025, 6, 1),
        d(2025, 12, 31),
        labour_market_status="employed",
        education="isced_3_4",
        disability="yes",
    )
    b = person(born=d(2000, 3, 10), sex="man", municipality=hki, unit=w.u2)
    period(
        b,
        w.u2,
        d(2025, 2, 1),
        d(2025, 8, 31),
        exit=d(2025, 8, 31),
        reason="completed",
        destination="open_labour_market",
        destination_6m="subsidised_work",
        labour_market_status="unemployed",
        education="isced_3_4",
        disability="yes",
        rural="yes",
    )
    c = person(born=d(1965, 1, 1), sex="non_binary", municipality=vtaa, unit=w.u3)
    period(
        c,
        w.u3,
        d(2025, 3, 1),
        d(2026, 2, 28),
        exit=d(2025, 10, 1),
        reason="completed",
        destination="subsidised_work",
        labour_market_status="inactive",
        education="",
        rural="no",
    )
    dd = person(born=d(1980, 12, 31), sex="unknown", municipality=vtaa, unit=w.u1)
    period(
        dd,
        w.u1,
        d(2025, 5, 1),
        d(2025, 11, 30),
        exit=d(2025, 11, 30),
        reason="interrupted_by_organiser",
        destination="education",
        labour_market_status="long_term_unemployed",
        education="isced_5_8",
        homeless="yes",
        minority="declined",
    )
    e = person(born=d(1995, 1, 1), sex="woman", municipality=hki, unit=w.u2)
    period(
        e,
        w.u2,
        d(2023, 1, 1),
        d(2024, 6, 30),
        exit=d(2024, 6, 30),
        reason="completed",
        destination="unemployed",
        labour_market_status="unemployed",
        education="isced_0_2",
    )
    f = person(born=d(1970, 1, 1), sex="man", municipality=hki, unit=w.u1)
    period(
        f,
        w.u1,
        d(2025, 4, 1),
        d(2025, 9, 30),
        status="draft",
        labour_market_status="unemployed",
        education="isced_0_2",
    )
    g = person(born=d(1985, 5, 5), sex="woman", municipality=hki, unit=w.u3)
    period(
        g,
        w.u3,
        d(2025, 11, 1),
        d(2026, 4, 30),
        exit=d(2026, 1, 15),
        reason="completed",
        destination="unemployed",
        labour_market_status="employed",
        education="isced_0_2",
        minority="yes",
    )
    h = person(born=d(1975, 7, 1), sex="man", municipality=hki, unit=w.u1)
    period(
        h,
        w.u1,
        d(2024, 1, 1),
        d(2025, 6, 30),
        exit=d(2025, 2, 28),
        reason="moved",
        destination="outside_labour_force",
        labour_market_status="long_term_unemployed",
        education="isced_0_2",
        foreign_background="no",
        other_disadvantaged="yes",
    )
    h_u2 = period(
        h,
        w.u2,
        d(2025, 1, 15),
        d(2025, 7, 31),
        exit=d(2025, 7, 31),
        reason="completed",
        destination="unemployed",
        overlap_confirmed=True,
        labour_market_status="unemployed",
        education="isced_3_4",
    )
    attend(h_u2, d(2025, 2, 3), "PPPP")
    return w


def test_counts_people_once_with_entry_data_of_their_first_period(cast):
    report = build_outcome(params("outcome", *RANGE))

    # A, B, C, D, G, H: E ended before the range, F's period is a draft.
    assert report["participants"] == sexes(6, woman=2, man=2, non_binary=1, unknown=1)
    assert report["age_bands"] == {
        "0-24": sexes(1, man=1),  # B, 24 at start although 25 before the range ends
        "25-54": sexes(4, woman=2, man=1, unknown=1),  # A 34, G 40, H 48, D 44
        "55-": sexes(1, non_binary=1),  # C 60
    }
    # A's re-entry period says "employed" and H's second "unemployed": neither counts.
    assert report["labour_market_status"] == {
        "unemployed_total": sexes(4, woman=1, man=2, unknown=1),  # A, B, D, H
        "long_term_unemployed": sexes(3, woman=1, man=1, unknown=1),  # A, D, H
        "inactive": sexes(1, non_binary=1),  # C
        "employed": sexes(1, woman=1),  # G
    }
    assert report["education"] == {
        "isced_0_2": sexes(3, woman=2, man=1),  # A, G, H
        "isced_3_4": sexes(1, man=1),  # B
        "isced_5_8": sexes(1, unknown=1),  # D
        "unknown": sexes(1, non_binary=1),  # C
    }
    assert report["disadvantage"] == {
        "foreign_background": sexes(1, woman=1),  # A ("no" for H)
        "third_country_national": sexes(0),  # the ESF+ indicators: nobody answered yes
        "inactive_not_in_education": sexes(0),
        "minority": sexes(1, woman=1),  # G ("declined" for D does not count)
        "disability": sexes(1, man=1),  # B (A's second period does not count)
        "other_disadvantaged": sexes(1, man=1),  # H
        "homeless": sexes(1, unknown=1),  # D
        "rural": sexes(1, man=1),  # B
    }


def test_exits_from_the_last_period_and_continuing(cast):
    report = build_outcome(params("outcome", *RANGE))

    # B, C, D and H (whose last period is u2's) left in the range; A re-entered and G's exit
    # comes after the range: both continue. A's interruption in March is not her last word.
    assert report["exits"] == {
        "total": sexes(4, man=2, non_binary=1, unknown=1),
        "completed": sexes(3, man=2, non_binary=1),
        "interrupted": ZERO,
        "interrupted_by_organiser": sexes(1, unknown=1),
        "moved": ZERO,
        "deceased": ZERO,
        "continuing": sexes(2, woman=2),
    }
    expected = dict.fromkeys([code.value for code in Destination], ZERO)
    expected.update(
        open_labour_market=sexes(1, man=1),  # B
        subsidised_work=sexes(1, non_binary=1),  # C
        education=sexes(1, unknown=1),  # D
        unemployed=sexes(1, man=1),  # H
        into_working_life=sexes(2, man=1, non_binary=1),  # B + C
    )
    assert report["destinations"] == expected
    expected_6m = dict.fromkeys([code.value for code in Destination], ZERO)
    expected_6m.update(subsidised_work=sexes(1, man=1), into_working_life=sexes(1, man=1))
    assert report["destinations_6m"] == expected_6m


def test_header_and_data_quality(cast):
    report = build_outcome(params("outcome", *RANGE))

    assert list(report)[:5] == ["kind", "from", "to", "filters", "generated_at"]
    assert report["kind"] == "outcome"
    assert (report["from"], report["to"]) == RANGE
    assert report["filters"] == {
        "units": [],
        "municipality": None,
        "organiser": None,
        "project": None,
    }
    quality = report["data_quality"]
    assert quality["unknown_entry_data"] == 2  # C (education), D (sex)
    assert quality["ended_without_destination"] == 0
    # Worked out on a shorter range in test_builders_data_quality.py.
    assert set(quality) == {
        "unknown_entry_data",
        "ended_without_destination",
        "planned_days_without_record",
    }
    json.dumps(report)  # serialisable as is


def test_unit_filter_uses_the_periods_in_that_unit(cast):
    report = build_outcome(params("outcome", *RANGE, units=["U1"]))

    # A, D and H (whose u1 period is now their last: moved → outside labour force).
    assert report["participants"] == sexes(3, woman=1, man=1, unknown=1)
    assert report["exits"]["total"] == sexes(2, man=1, unknown=1)
    assert report["exits"]["moved"] == sexes(1, man=1)
    assert report["exits"]["completed"] == ZERO
    assert report["exits"]["continuing"] == sexes(1, woman=1)
    assert report["destinations"]["outside_labour_force"] == sexes(1, man=1)
    assert report["filters"]["units"] == ["U1"]


def test_several_units(cast):
    report = build_outcome(params("outcome", *RANGE, units=["U2", "U3"]))

    assert report["participants"] == sexes(4, woman=1, man=2, non_binary=1)  # B, C, G, H


def test_municipality_filter_is_the_clients_home_municipality(cast):
    report = build_outcome(params("outcome", *RANGE, municipality="092"))

    assert report["participants"] == sexes(2, non_binary=1, unknown=1)  # C, D
    assert report["filters"]["municipality"] == "092"


def test_organiser_filter(cast):
    report = build_outcome(params("outcome", *RANGE, organiser="orgB"))

    assert report["participants"] == sexes(2, woman=1, non_binary=1)  # C, G (u3)


def test_project_filter_takes_the_projects_units_and_keeps_the_range(cast):
    report = build_outcome(params("outcome", *RANGE, project="ESF1"))

    # u1 and u3: A, C, D, G and H (his u1 period).
    assert report["participants"] == sexes(5, woman=2, man=1, non_binary=1, unknown=1)
    assert report["exits"]["moved"] == sexes(1, man=1)
    assert (report["from"], report["to"]) == RANGE


def test_age_bands_are_a_parameter(cast):
    report = build_outcome(params("outcome", *RANGE, age_bands="0-24,25-44,45-54,55-"))

    assert report["age_bands"] == {
        "0-24": sexes(1, man=1),
        "25-44": sexes(3, woman=2, unknown=1),  # A 34, G 40, D 44
        "45-54": sexes(1, man=1),  # H 48
        "55-": sexes(1, non_binary=1),
    }
    # ESF+ bands leave a gap: nobody is 18–29 or 55+ except B (24) and C (60).
    report = build_outcome(params("outcome", *RANGE, age_bands="0-17,18-29,55-"))
    assert report["age_bands"] == {
        "0-17": ZERO,
        "18-29": sexes(1, man=1),
        "55-": sexes(1, non_binary=1),
    }


def test_age_on_the_day_before_the_birthday(cast):
    w = cast
    # Born 2.6.2000, starts 1.6.2025: still 24 on the start day.
    almost = person(born=d(2000, 6, 2), sex="woman", municipality=w.helsinki, unit=w.u2)
    period(almost, w.u2, d(2025, 6, 1), d(2025, 12, 1))
    # Born 1.6.2000, starts 1.6.2025: 25 on the start day.
    exactly = person(born=d(2000, 6, 1), sex="man", municipality=w.helsinki, unit=w.u2)
    period(exactly, w.u2, d(2025, 6, 1), d(2025, 12, 1))

    bands = build_outcome(params("outcome", *RANGE))["age_bands"]

    assert bands["0-24"] == sexes(2, woman=1, man=1)  # B and the one born 2.6.2000
    assert bands["25-54"] == sexes(5, woman=2, man=2, unknown=1)


def test_suppression_hides_small_counts_but_keeps_zero(cast):
    report = build_outcome(params("outcome", *RANGE, suppress_below="2"))

    assert report["suppress_below"] == 2
    # One non-binary participant and one of unknown sex: hidden, and so is enough besides
    # that 6 − 2 − 2 cannot tell them (nor "2 left over for two hidden cells: 1 each").
    participants = report["participants"]
    assert participants["non_binary"] is None
    assert participants["unknown"] is None
    assert sum(participants[sex] is None for sex in ("total", "woman", "man")) >= 1
    # Zeros stay, in every table.
    assert report["exits"]["interrupted"] == ZERO
    assert report["exits"]["completed"]["woman"] == 0
    assert report["exits"]["completed"]["non_binary"] is None
    # Days are not people: planned days without a record stay.
    assert report["data_quality"]["planned_days_without_record"] > 0
    text = json.dumps(report)
    assert ": 1," not in text
    assert ": 1}" not in text
    # The pen-and-paper reader works nothing out from the report's own relations.
    # (It may work out a count the report does not show, if that count is not 1.)
    found = recoverable(flatten(report), outcome_relations(report))
    assert not {cell for cell, value in found.items() if cell[0] != UNPUBLISHED or value == 1}


def test_ended_without_destination(cast):
    w = cast
    # Planned end passed inside the range with no exit recorded.
    late = person(born=d(1992, 2, 2), sex="woman", municipality=w.helsinki, unit=w.u2)
    period(late, w.u2, d(2025, 1, 1), d(2025, 4, 30), labour_market_status="unemployed")
    # Exited to an unknown destination.
    lost = person(born=d(1993, 3, 3), sex="man", municipality=w.helsinki, unit=w.u2)
    period(
        lost,
        w.u2,
        d(2025, 1, 1),
        d(2025, 6, 30),
        exit=d(2025, 5, 5),
        reason="interrupted",
        destination="unknown",
        education="isced_0_2",
    )

    report = build_outcome(params("outcome", *RANGE))

    assert report["data_quality"]["ended_without_destination"] == 2
    # The first has no education, the second no labour-market status.
    assert report["data_quality"]["unknown_entry_data"] == 4
    assert report["exits"]["continuing"] == sexes(3, woman=3)  # A, G and the late one
    assert report["destinations"]["unknown"] == sexes(1, man=1)


def test_no_personal_data(cast):
    text = json.dumps(build_outcome(params("outcome", *RANGE)), ensure_ascii=False)

    assert "hetu" not in text
    assert "Henkilö" not in text
