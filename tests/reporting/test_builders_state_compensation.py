"""The state compensation claim: present days, at most four per ISO week per client, at
10,09 € (seeded rate table). Figures worked out by hand.

March 2025. Niina (u1), from Mon 24.2.: ``PPP..PPPPPPP..PPPS``
- week Mon 24.2.–Sun 2.3.: present 24., 25., 26.2., Sat 1.3. and Sun 2.3. — five; the first
  four (to 1.3.) are compensated, so March gets 1.3. only (2.3. is the fifth);
- week 3.–9.3.: present Mon–Fri, five → four compensated;
- week 10.–16.3.: present Mon–Wed → three; sick on Thu 13.3. is not attended.
March: attended 2 + 5 + 3 = 10, compensated 1 + 4 + 3 = 8, 8 × 10,09 = 80,72 €.
Olli (u2): present Mon–Thu 3.–6.3. → 4 attended and compensated, 40,36 €.
"""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from reporting.builders import build_state_compensation
from reporting.models import Rate
from tests.reporting.builder_data import attend, d, make_world, params, period, person

pytestmark = pytest.mark.django_db

MARCH = ("2025-03-01", "2025-03-31")


@pytest.fixture
def world():
    w = make_world()
    niina = person(
        born=d(1980, 1, 1),
        sex="woman",
        municipality=w.helsinki,
        unit=w.u1,
        first_name="Niina",
        last_name="Aho",
    )
    attend(period(niina, w.u1, d(2025, 2, 1), d(2025, 8, 31)), d(2025, 2, 24), "PPP..PPPPPPP..PPPS")
    olli = person(
        born=d(1981, 1, 1),
        sex="man",
        municipality=w.vantaa,
        unit=w.u2,
        first_name="Olli",
        last_name="Bergman",
    )
    attend(period(olli, w.u2, d(2025, 3, 1), d(2025, 8, 31)), d(2025, 3, 3), "PPPP")
    w.people = {"niina": niina, "olli": olli}
    return w


def test_at_most_four_days_a_week(world):
    report = build_state_compensation(params("state-compensation", *MARCH))

    assert report["rows"] == [
        {
            "hetu": world.people["niina"].hetu,
            "name": "Aho Niina",
            "unit": "Aa-paja",
            "unit_code": "U1",
            "attended_days": 10,
            "compensated_days": 8,
            "amount": "80.72",
        },
        {
            "hetu": world.people["olli"].hetu,
            "name": "Bergman Olli",
            "unit": "Bb-keskus",
            "unit_code": "U2",
            "attended_days": 4,
            "compensated_days": 4,
            "amount": "40.36",
        },
    ]
    assert report["totals"] == {
        "clients": 2,
        "attended_days": 14,
        "compensated_days": 12,
        "amount": "121.08",
    }
    assert report["units"] == [
        {
            "unit": "Aa-paja",
            "unit_code": "U1",
            "organiser": "Hyvinvointialue A",
            "clients": 1,
            "attended_days": 10,
            "compensated_days": 8,
            "amount": "80.72",
        },
        {
            "unit": "Bb-keskus",
            "unit_code": "U2",
            "organiser": "Hyvinvointialue A",
            "clients": 1,
            "attended_days": 4,
            "compensated_days": 4,
            "amount": "40.36",
        },
    ]
    assert report["kind"] == "state-compensation"


def test_a_week_split_between_two_claims_is_capped_once(world):
    # February's claim gets 24.–26.2. (three days), March's gets 1.3.: four for the week.
    february = build_state_compensation(
        params("state-compensation", "2025-02-01", "2025-02-28", units=["U1"])
    )
    assert february["totals"]["compensated_days"] == 3
    both = build_state_compensation(
        params("state-compensation", "2025-02-01", "2025-03-31", units=["U1"])
    )
    assert both["totals"]["compensated_days"] == 3 + 8


def test_the_iso_week_spans_new_year(world):
    w = world
    pekka = person(born=d(1970, 1, 1), sex="man", municipality=w.helsinki, unit=w.u3)
    # Mon 30.12.2024 – Sat 4.1.2025 is ISO week 1 of 2025: five present days, four paid.
    attend(period(pekka, w.u3, d(2024, 12, 1), d(2025, 5, 31)), d(2024, 12, 30), "PP.PPP")

    report = build_state_compensation(
        params("state-compensation", "2024-12-01", "2025-01-31", units=["U3"])
    )

    assert report["totals"]["attended_days"] == 5
    assert report["totals"]["compensated_days"] == 4
    assert report["totals"]["amount"] == "40.36"


def test_the_cap_is_per_client_across_units(world):
    w = world
    risto = person(
        born=d(1975, 5, 5),
        sex="man",
        municipality=w.helsinki,
        unit=w.u1,
        first_name="Risto",
        last_name="Ö",
    )
    attend(period(risto, w.u1, d(2025, 3, 1), d(2025, 8, 31)), d(2025, 3, 3), "PPP")
    attend(
        period(risto, w.u2, d(2025, 3, 1), d(2025, 8, 31), overlap_confirmed=True),
        d(2025, 3, 6),
        "PP",
    )

    report = build_state_compensation(params("state-compensation", *MARCH))

    risto_rows = [
        (row["unit"], row["attended_days"], row["compensated_days"])
        for row in report["rows"]
        if row["name"] == "Ö Risto"
    ]
    # Mon–Wed in u1, Thu–Fri in u2: the first four days of the week are compensated.
    assert risto_rows == [("Aa-paja", 3, 3), ("Bb-keskus", 2, 1)]
    assert report["totals"]["clients"] == 3

    # The claim of u2 alone still counts his days in u1: the two units' claims add up to the
    # claim of both, never to more than four days of his week.
    u2_claim = build_state_compensation(params("state-compensation", *MARCH, units=["U2"]))
    assert [(row["name"], row["compensated_days"]) for row in u2_claim["rows"]] == [
        ("Bergman Olli", 4),
        ("Ö Risto", 1),
    ]


def test_rate_change_inside_the_range(world):
    Rate.objects.create(
        kind="state_compensation", valid_from=d(2025, 3, 10), amount="11.00", source="test"
    )

    report = build_state_compensation(params("state-compensation", *MARCH, units=["U1"]))

    # Niina: 1.3. and 3.–6.3. at 10,09 € (5 × 10,09 = 50,45), 10.–12.3. at 11,00 € (33,00).
    assert report["rows"][0]["amount"] == "83.45"
    assert report["totals"]["amount"] == "83.45"


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ({"units": ["U1"]}, ["Aho Niina"]),
        ({"municipality": "092"}, ["Bergman Olli"]),
        ({"organiser": "orgB"}, []),
        ({"project": "ESF1"}, ["Aho Niina"]),
    ],
)
def test_filters(world, raw, names):
    report = build_state_compensation(params("state-compensation", *MARCH, **raw))

    assert [row["name"] for row in report["rows"]] == names


def test_without_personal_data(world):
    report = build_state_compensation(params("state-compensation", *MARCH), include_personal=False)

    assert "rows" not in report
    assert report["totals"]["amount"] == "121.08"
    assert [u["unit"] for u in report["units"]] == ["Aa-paja", "Bb-keskus"]
    text = json.dumps(report, ensure_ascii=False)
    for client in world.people.values():
        assert client.hetu not in text
        assert client.first_name not in text
        assert client.last_name not in text
    assert "hetu" not in text
    assert '"name"' not in text


def test_present_days_of_a_draft_period_are_not_compensated(world):
    """A draft is a plan not yet agreed: its present days are neither claimed nor counted
    against the four-day cap of the client's agreed periods."""
    w = world
    ville = person(
        born=d(1985, 4, 4),
        sex="man",
        municipality=w.helsinki,
        unit=w.u1,
        first_name="Ville",
        last_name="Aalto",
    )
    # Agreed in U1: present Wed–Sat 12.–15.3., four days, all compensated. His draft in U3
    # marks Mon–Tue 10.–11.3. present: ranked with them, Fri and Sat would fall past the cap.
    attend(period(ville, w.u1, d(2025, 3, 1), d(2025, 8, 31)), d(2025, 3, 12), "PPPP")
    draft = period(ville, w.u3, d(2025, 3, 1), d(2025, 8, 31), status="draft")
    attend(draft, d(2025, 3, 10), "PP")
    # Someone with only a draft period is not in the claim at all.
    draft_only = person(born=d(1990, 2, 2), sex="man", municipality=w.helsinki, unit=w.u3)
    attend(
        period(draft_only, w.u3, d(2025, 3, 1), d(2025, 8, 31), status="draft"),
        d(2025, 3, 3),
        "PPPP",
    )

    report = build_state_compensation(params("state-compensation", *MARCH))

    assert [(row["name"], row["attended_days"], row["compensated_days"], row["amount"])
            for row in report["rows"]] == [
        ("Aalto Ville", 4, 4, "40.36"),
        ("Aho Niina", 10, 8, "80.72"),
        ("Bergman Olli", 4, 4, "40.36"),
    ]  # fmt: skip
    assert report["totals"] == {
        "clients": 3,
        "attended_days": 18,
        "compensated_days": 16,
        "amount": "161.44",
    }
    assert [unit["unit_code"] for unit in report["units"]] == ["U1", "U2"]


def test_a_claim_before_the_first_rate_is_refused_not_priced_at_nothing(world):
    """A claim to the state prices every day: with no rate known for the range's first day the
    report says what to do rather than claiming 0,00 € (the allowance counts such days as
    unpriced instead)."""
    from reporting.builders import ReportError

    Rate.objects.filter(kind="state_compensation").delete()
    Rate.objects.create(
        kind="state_compensation", valid_from=d(2025, 3, 10), amount="10.09", source="t"
    )
    with (
        translation.override("en"),
        pytest.raises(ReportError, match=r"01\.03\.2025; add one in the rate table"),
    ):
        build_state_compensation(params("state-compensation", *MARCH))
