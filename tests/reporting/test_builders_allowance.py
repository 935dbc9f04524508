"""The allowance report: days and euros per client worked out by hand.

March 2025, rate 9,00 € per present day (seeded rate table).

- Kalle (u1): period benefit unknown, client on labour market subsidy → Kela. From Mon 3.3.:
  ``PPPPP..PPPPP..SSKNU`` = 10 present, 2 sick, 1 child sick, 1 not organised, 1 unjustified;
  plus a present day on 28.2. and on 1.4., outside the range. 10 × 9 = 90,00 €.
- Liisa (u1): client on labour market subsidy but the period's entry benefit is social
  assistance → the organiser pays toimintaraha. 5 present = 45,00 €.
- Matti (u2): period benefit unknown, client on social assistance → organiser. 3 present and
  1 job interview = 27,00 €.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from reporting.builders import build_allowance
from reporting.builders.allowance import allowance_relations
from reporting.models import Rate, rate_on
from reporting.suppression import flatten, recoverable
from tests.reporting.builder_data import attend, d, make_world, params, period, person

pytestmark = pytest.mark.django_db

MARCH = ("2025-03-01", "2025-03-31")
NO_ABSENCE = {
    "sick": 0,
    "sick_certified": 0,
    "child_sick": 0,
    "job_interview": 0,
    "office_of_trust": 0,
    "unjustified": 0,
}


@pytest.fixture
def world():
    w = make_world()
    kalle = person(
        born=d(1980, 1, 1),
        sex="man",
        municipality=w.helsinki,
        unit=w.u1,
        first_name="Kalle",
        last_name="Aalto",
        benefit="labour_market_subsidy",
    )
    p = period(kalle, w.u1, d(2025, 2, 1), d(2025, 8, 31), benefit="")
    attend(p, d(2025, 3, 3), "PPPPP..PPPPP..SSKNU")
    attend(p, d(2025, 2, 28), "P")
    attend(p, d(2025, 4, 1), "P")
    liisa = person(
        born=d(1985, 2, 2),
        sex="woman",
        municipality=w.helsinki,
        unit=w.u1,
        first_name="Liisa",
        last_name="Berg",
        benefit="labour_market_subsidy",
    )
    attend(
        period(liisa, w.u1, d(2025, 3, 1), d(2025, 9, 30), benefit="social_assistance"),
        d(2025, 3, 3),
        "PPPPP",
    )
    matti = person(
        born=d(1990, 3, 3),
        sex="man",
        municipality=w.vantaa,
        unit=w.u2,
        first_name="Matti",
        last_name="Countinen",
        benefit="social_assistance",
    )
    attend(period(matti, w.u2, d(2025, 1, 1), d(2025, 6, 30)), d(2025, 3, 10), "PPJP")
    w.people = {"kalle": kalle, "liisa": liisa, "matti": matti}
    return w


def test_rows_per_client_with_payer_and_days(world):
    report = build_allowance(params("allowance", *MARCH))

    people = world.people
    assert report["rows"] == [
        {
            "hetu": people["kalle"].hetu,
            "name": "Aalto Kalle",
            "unit": "Aa-paja",
            "unit_code": "U1",
            "benefit": "labour_market_subsidy",
            "payer": "kela",
            "present_days": 10,
            "absence_days": {**NO_ABSENCE, "sick": 2, "child_sick": 1, "unjustified": 1},
            "not_organised_days": 1,
            "unpriced_days": 0,
            "amount": "90.00",
        },
        {
            "hetu": people["liisa"].hetu,
            "name": "Berg Liisa",
            "unit": "Aa-paja",
            "unit_code": "U1",
            "benefit": "social_assistance",
            "payer": "organiser",
            "present_days": 5,
            "absence_days": NO_ABSENCE,
            "not_organised_days": 0,
            "unpriced_days": 0,
            "amount": "45.00",
        },
        {
            "hetu": people["matti"].hetu,
            "name": "Countinen Matti",
            "unit": "Bb-keskus",
            "unit_code": "U2",
            "benefit": "social_assistance",
            "payer": "organiser",
            "present_days": 3,
            "absence_days": {**NO_ABSENCE, "job_interview": 1},
            "not_organised_days": 0,
            "unpriced_days": 0,
            "amount": "27.00",
        },
    ]
    assert report["totals"] == {
        "clients": 3, "present_days": 18, "unpriced_days": 0, "amount": "162.00"
    }  # fmt: skip
    assert report["totals_by_payer"] == {
        "kela": {"clients": 1, "present_days": 10, "unpriced_days": 0, "amount": "90.00"},
        "organiser": {"clients": 2, "present_days": 8, "unpriced_days": 0, "amount": "72.00"},
    }
    assert [(u["unit"], u["clients"], u["present_days"], u["amount"]) for u in report["units"]] == [
        ("Aa-paja", 2, 15, "135.00"),
        ("Bb-keskus", 1, 3, "27.00"),
    ]
    assert list(report)[:5] == ["kind", "from", "to", "filters", "generated_at"]
    assert report["kind"] == "allowance"


def test_rate_change_inside_the_range(world):
    # From Wed 12.3. the allowance is 10,00 €: Kalle's present days 3–7 and 10–11.3. are at
    # 9,00 € (7 days), 12–14.3. at 10,00 € (3 days): 63 + 30 = 93,00 €.
    Rate.objects.create(kind="allowance", valid_from=d(2025, 3, 12), amount="10.00", source="t")

    report = build_allowance(params("allowance", *MARCH, units=["U1"]))

    kalle = report["rows"][0]
    assert (kalle["name"], kalle["amount"]) == ("Aalto Kalle", "93.00")
    # Liisa's five days are 3–7.3., all before the change.
    assert report["rows"][1]["amount"] == "45.00"
    assert report["totals"]["amount"] == "138.00"


def test_a_rate_valid_before_the_range_only_is_used(world):
    Rate.objects.create(kind="allowance", valid_from=d(2025, 1, 1), amount="9.50", source="t")
    Rate.objects.create(kind="allowance", valid_from=d(2025, 4, 1), amount="11.00", source="t")

    report = build_allowance(params("allowance", *MARCH))

    assert report["totals"]["amount"] == "171.00"  # 18 × 9,50


def test_days_before_the_first_rate_are_unpriced_not_guessed(world):
    """DOMAIN.md §3: a day before the first dated rate is reported as "rate unknown", with its
    count, and adds nothing to the amount."""
    Rate.objects.filter(kind="allowance").delete()
    Rate.objects.create(kind="allowance", valid_from=d(2025, 3, 5), amount="9.00", source="t")

    report = build_allowance(params("allowance", *MARCH, units=["U1"]))

    kalle = next(row for row in report["rows"] if row["name"] == "Aalto Kalle")
    # Present on Mon 3.3. and Tue 4.3. before the rate: 2 unpriced of 10 present days.
    assert (kalle["present_days"], kalle["unpriced_days"], kalle["amount"]) == (10, 2, "72.00")
    assert report["totals"]["unpriced_days"] >= 2


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ({"units": ["U2"]}, ["Countinen Matti"]),
        ({"municipality": "092"}, ["Countinen Matti"]),
        ({"organiser": "orgA"}, ["Aalto Kalle", "Berg Liisa", "Countinen Matti"]),
        ({"organiser": "orgB"}, []),
        ({"project": "ESF1"}, ["Aalto Kalle", "Berg Liisa"]),
    ],
)
def test_filters(world, raw, names):
    report = build_allowance(params("allowance", *MARCH, **raw))

    assert [row["name"] for row in report["rows"]] == names
    assert report["totals"]["clients"] == len(names)


def test_a_benefit_change_between_periods_splits_the_row_by_payer(world):
    w = world
    kalle = w.people["kalle"]
    later = period(kalle, w.u1, d(2025, 9, 1), d(2025, 12, 31), benefit="social_assistance")
    attend(later, d(2025, 9, 1), "PP")

    report = build_allowance(params("allowance", "2025-08-25", "2025-09-30", units=["U1"]))

    # No records in late August in the first period; September's two days are the organiser's.
    assert [(r["payer"], r["present_days"]) for r in report["rows"]] == [("organiser", 2)]
    report = build_allowance(params("allowance", "2025-03-01", "2025-09-30", units=["U1"]))
    rows = [(r["name"], r["payer"], r["present_days"]) for r in report["rows"]]
    assert rows == [
        ("Aalto Kalle", "kela", 11),  # ten in March and 1.4.
        ("Aalto Kalle", "organiser", 2),
        ("Berg Liisa", "organiser", 5),
    ]
    assert report["totals"]["clients"] == 2


def test_without_personal_data_only_totals_and_units(world):
    report = build_allowance(params("allowance", *MARCH), include_personal=False)

    assert "rows" not in report
    assert report["personal_data"] is False
    assert report["totals"] == {
        "clients": 3, "present_days": 18, "unpriced_days": 0, "amount": "162.00"
    }  # fmt: skip
    assert len(report["units"]) == 2
    text = json.dumps(report, ensure_ascii=False)
    for client in world.people.values():
        assert client.hetu not in text
        assert client.first_name not in text
        assert client.last_name not in text
    assert "hetu" not in text
    assert '"name"' not in text


def test_suppression_hides_small_numbers_of_people_with_their_days_and_money(world):
    report = build_allowance(
        params("allowance", *MARCH, suppress_below="3"), include_personal=False
    )

    # Two clients in u1, one in u2, one paid by Kela and two by the organiser: every unit and
    # payer row is fewer than three people, hidden whole; the totals of three stay.
    assert [u["clients"] for u in report["units"]] == [None, None]
    assert [u["present_days"] for u in report["units"]] == [None, None]
    assert [u["amount"] for u in report["units"]] == [None, None]
    assert report["units"][0]["absence_days"]["sick"] is None
    assert report["totals"] == {
        "clients": 3, "present_days": 18, "unpriced_days": 0, "amount": "162.00"
    }  # fmt: skip
    for payer in ("kela", "organiser"):
        assert report["totals_by_payer"][payer] == {
            "clients": None,
            "present_days": None,
            "unpriced_days": None,
            "amount": None,
        }
    assert recoverable(flatten(report), allowance_relations(report)) == {}


def test_a_payer_of_few_clients_is_not_the_total_less_the_other(world):
    # u2 grows to three clients, all paid by the organiser. Kalle is Kela's only client: his
    # payer row hides, and so must the organiser's, or the totals less the organiser's row
    # would give Kalle's days and euros away.
    w = world
    for n in range(2):
        extra = person(
            born=d(1970, 4, 4 + n), sex="woman", municipality=w.helsinki, unit=w.u2,
            first_name=f"Extra{n}", last_name="Ek", benefit="social_assistance",
        )  # fmt: skip
        attend(period(extra, w.u2, d(2025, 1, 1), d(2025, 6, 30)), d(2025, 3, 10), "PP")

    report = build_allowance(
        params("allowance", *MARCH, suppress_below="3", units="U2"), include_personal=False
    )
    exact = build_allowance(params("allowance", *MARCH, units="U2"), include_personal=False)

    assert exact["totals_by_payer"]["organiser"]["clients"] == 3
    assert "kela" not in exact["totals_by_payer"]  # nobody paid by Kela in U2
    assert report["totals_by_payer"] == exact["totals_by_payer"]  # nothing small: all shown

    report = build_allowance(
        params("allowance", *MARCH, suppress_below="3"), include_personal=False
    )
    assert report["totals_by_payer"]["kela"]["clients"] is None  # Kalle alone
    assert report["totals_by_payer"]["kela"]["amount"] is None
    assert report["totals_by_payer"]["organiser"]["amount"] is None  # 4 clients, but needed
    assert report["totals"]["amount"] == "198.00"
    assert recoverable(flatten(report), allowance_relations(report)) == {}


def test_rate_table_is_seeded_and_dated(db):
    assert rate_on("allowance", d(2025, 3, 1)) == Decimal("9.00")
    assert rate_on("state_compensation", d(2025, 3, 1)) == Decimal("10.09")
    # Only 9,00 € from 1.1.2010 is verified: no earlier allowance rate is guessed.
    assert rate_on("allowance", d(2009, 12, 31)) is None
    assert rate_on("allowance", d(2010, 1, 1)) == Decimal("9.00")
    Rate.objects.create(kind="allowance", valid_from=d(2026, 1, 1), amount="9.50", source="t")
    assert rate_on("allowance", d(2025, 12, 31)) == Decimal("9.00")
    assert rate_on("allowance", d(2026, 1, 1)) == Decimal("9.50")
