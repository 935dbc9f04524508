"""The printable plan: Finnish, A4, page numbers, every section, signature lines."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from activation_plans.pdf import render_plan_pdf
from audit.models import AccessLogEntry, Action
from tests.activation_plans.factories import AgreedPlanFactory, FollowUpFactory, GoalFactory
from tests.pdf_checks import assert_tagged_pdf_ua, structure_tags

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(kuty_client, finnish_catalogue):  # type: ignore[no-untyped-def]
    plan = AgreedPlanFactory(
        period__client=kuty_client,
        support_person="Ystävä Liisa",
        work_history="Varastotyöntekijä 2010–2015.",
        next_follow_up=datetime.date(2026, 5, 4),
    )
    GoalFactory(
        plan=plan,
        text="Käyn työtoiminnassa sovittuina päivinä",
        gas_minus_2="En käy lainkaan",
        gas_minus_1="Käyn kerran viikossa",
        gas_0="Käyn kahdesti viikossa",
        gas_plus_1="Käyn kolmesti viikossa",
        gas_plus_2="Käyn joka sovittu päivä",
        attainment=1,
    )
    GoalFactory(plan=plan, text="Opettelen käyttämään OmaKanta-palvelua")
    FollowUpFactory(plan=plan, participants="Asiakas, ohjaaja", is_24_month_review=False)
    return plan


def pdf_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_has_every_section_in_finnish_with_page_numbers_and_signatures(plan):
    reader, text = pdf_text(render_plan_pdf(plan))
    client = plan.period.client
    assert "Aktivointisuunnitelma" in text
    assert client.full_name in text
    assert client.hetu in text
    assert plan.organiser.name in text  # the running header
    assert plan.period.unit.name in text
    for heading in (
        "Osapuolet",
        "Tausta",
        "Toiminnan tavoite ja tuki",
        "Asiakkaan omat tavoitteet",
        "Työtoimintajakso",
        "Seuranta",
    ):
        assert heading in text
    assert "Ystävä Liisa" in text
    assert "Varastotyöntekijä 2010–2015." in text
    assert plan.activity_goal in text
    assert plan.support_and_guidance in text
    assert "Käyn työtoiminnassa sovittuina päivinä" in text
    assert "Käyn kolmesti viikossa" in text  # the GAS ladder
    assert "Opettelen käyttämään OmaKanta-palvelua" in text
    assert "ma, ke, pe" in text  # weekdays in Finnish
    assert "2.3.2026" in text  # d.m.yyyy
    assert "4.5.2026" in text
    # Signature lines for the three parties, with names.
    assert text.count("Päiväys ja allekirjoitus") == 3
    for party in ("Asiakas", "Järjestäjä", "Työvoimaviranomainen"):
        assert party in text
    assert plan.organiser_representative in text
    assert plan.employment_authority_representative in text
    pages = len(reader.pages)
    assert f"Sivu 1 / {pages}" in text
    # A4 portrait.
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_pdf_download_is_logged_and_named_without_the_identity_code(client, counsellor, plan):
    client.force_login(counsellor)
    response = client.get(reverse("activation_plans:pdf", args=[plan.uuid]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="aktivointisuunnitelma-{today:%Y-%m-%d}.pdf"'
    )
    assert plan.period.client.hetu not in response["Content-Disposition"]
    _reader, text = pdf_text(response.content)
    assert "Aktivointisuunnitelma" in text
    entry = AccessLogEntry.objects.get(action=Action.PRINT)
    assert entry.client_uuid == plan.period.client.uuid
    assert entry.user == counsellor
    assert entry.object_id == str(plan.uuid)


def test_the_plan_is_tagged_pdf_ua(plan):
    reader = assert_tagged_pdf_ua(render_plan_pdf(plan), lang="fi", title=str(plan.plan_type))
    assert {"/Table", "/TH"} <= structure_tags(reader)
