"""The state-compensation claim is per organiser: a range covering two organisers prints two
claims, each with its own totals and its own signature line naming the organiser."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from pypdf import PdfReader

from reporting.builders import build_report
from reporting.renderers.pdf import render
from tests.reporting.builder_data import attend, d, make_world, params, period, person

MARCH = ("2025-03-01", "2025-03-31")
SIGNATURE = "Järjestäjän edustajan allekirjoitus"


def pdf_pages(content: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(content))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


@pytest.fixture
def two_organisers(db):
    """Organiser A: Anna in U1, 4 compensated days. Organiser B: Cecilia in U3, 2 days."""
    w = make_world()
    anna = person(born=d(1980, 5, 1), sex="woman", municipality=w.helsinki, unit=w.u1,
                  first_name="Anna", last_name="Aalto")  # fmt: skip
    attend(period(anna, w.u1, d(2025, 2, 1), d(2025, 8, 31)), d(2025, 3, 3), "PPPP")
    cecilia = person(born=d(1985, 5, 1), sex="woman", municipality=w.vantaa, unit=w.u3,
                     first_name="Cecilia", last_name="Cederberg")  # fmt: skip
    attend(period(cecilia, w.u3, d(2025, 2, 1), d(2025, 8, 31)), d(2025, 3, 3), "PP")
    return w


def _claim(**filters):  # type: ignore[no-untyped-def]
    report = build_report(params("state-compensation", *MARCH, **filters))
    with translation.override("fi"):
        return report, pdf_pages(render(report, meta={"generated_by": "Liisa Laskija"}))


def test_two_organisers_make_two_claims_with_their_own_totals_and_signatures(two_organisers):
    report, pages = _claim()
    assert {unit["organiser"] for unit in report["units"]} == {
        "Hyvinvointialue A",
        "Hyvinvointialue B",
    }
    text = " ".join(pages)
    # One signature block per organiser, each naming it, never the "(–)" of no organiser.
    assert text.count(SIGNATURE) == 2
    assert "järjestäjän (Hyvinvointialue A) puolesta" in text
    assert "järjestäjän (Hyvinvointialue B) puolesta" in text
    assert "(–) puolesta" not in text

    # Each claim starts on a page of its own and ends with its signature block; it carries only
    # its organiser's clients and money.
    b_page = next(i for i, page in enumerate(pages) if "Hyvinvointialue B" in page.split("Sivu")[0]
                  and "Cederberg" in page)  # fmt: skip
    assert "Hyvinvointialue A) puolesta" in " ".join(pages[:b_page])
    a_end = text.index("(Hyvinvointialue A) puolesta")
    claim_a, claim_b = text[:a_end], text[a_end : text.index("(Hyvinvointialue B) puolesta")]
    rate = 10.09
    a_total = f"{4 * rate:.2f}".replace(".", ",") + " €"
    b_total = f"{2 * rate:.2f}".replace(".", ",") + " €"
    assert a_total in claim_a
    assert "Aalto Anna" in claim_a
    assert "Cederberg" not in claim_a
    assert b_total not in claim_a
    assert b_total in claim_b
    assert "Cederberg Cecilia" in claim_b
    assert "Aalto" not in claim_b
    assert a_total not in claim_b


def test_one_organiser_keeps_one_claim(two_organisers):
    _report, pages = _claim(organiser="orgA")
    text = " ".join(pages)
    assert text.count(SIGNATURE) == 1
    assert "järjestäjän (Hyvinvointialue A) puolesta" in text
    assert "40,36 €" in text


def test_two_organisers_without_personal_rows(two_organisers):
    report = build_report(params("state-compensation", *MARCH), include_personal=False)
    with translation.override("fi"):
        text = " ".join(pdf_pages(render(report)))
    assert text.count(SIGNATURE) == 2
    assert "40,36 €" in text
    assert "20,18 €" in text
