"""The unit's list of notices, the PDFs, marking sent, who may see them and what is logged."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import pgettext
from pypdf import PdfReader

from absence_notices.models import AbsenceNotice
from audit.models import AccessLogEntry, Action
from guidance.attendance_selectors import CellEdit
from guidance.attendance_services import attendance_month_save
from guidance.models import AttendanceStatus
from tests.absence_notices.conftest import (
    D,
    client_pdf_url,
    kela_client,
    list_url,
    mark_sent_url,
    mon_to_thu,
    record,
    unit_pdf_url,
)
from tests.clients.factories import ClientFactory, PeriodFactory
from tests.organisations.factories import RoleAssignmentFactory, UserFactory
from tests.pdf_checks import assert_tagged_pdf_ua

pytestmark = pytest.mark.django_db

TITLE = "Notice of absences from rehabilitative work activity"


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join("\n".join(page.extract_text() for page in reader.pages).split())


def in_language(language: str, msgid: str) -> str:
    with translation.override(language):
        return pgettext("absence notice PDF", msgid)


def rows(user, action):  # type: ignore[no-untyped-def]
    return list(
        AccessLogEntry.objects.filter(user=user, action=action).values_list("client_uuid", "detail")
    )


# --- the list -------------------------------------------------------------------------------


def test_the_list_shows_the_figures_and_logs_a_view_per_client(client, alice, matti_period):
    client.force_login(alice)

    response = client.get(list_url(matti_period.unit))

    assert response.status_code == 200
    body = response.content.decode()
    matti = matti_period.client
    assert "Virtanen Matti" in body
    assert matti.hetu not in body  # the identity code only in the PDF
    first_half = body[body.index('data-testid="fortnight-2025-01-01"') :]
    row = first_half[first_half.index(f'data-testid="notice-{matti.uuid}"') :]
    row = row[: row.index("</tr>")]
    assert 'data-testid="planned">5<' in row
    assert 'data-testid="present">2<' in row
    assert "Sick (own notice): 1" in row
    assert "Child sick: 1" in row
    assert 'data-testid="unrecorded">1<' in row
    assert "Overdue" in row  # January 2025 is long past
    assert rows(alice, Action.VIEW) == [(matti.uuid, "absence notices 2025-01")]


def test_the_list_leaves_out_clients_without_a_payer(client, alice, matti_period):
    unit = matti_period.unit
    assisted = kela_client(
        unit, alice, first="Toini", last="Toimintaraha", benefit="social_assistance"
    )
    record(mon_to_thu(assisted, unit), D(2025, 1, 7), AttendanceStatus.SICK)
    client.force_login(alice)

    body = client.get(list_url(unit)).content.decode()

    assert "Virtanen Matti" in body
    assert "Toimintaraha Toini" not in body
    assert assisted.uuid not in [u for u, _d in rows(alice, Action.VIEW)]


def test_the_list_reads_a_fixed_number_of_queries(
    client, alice, matti_period, django_assert_num_queries
):
    unit = matti_period.unit
    client.force_login(alice)
    client.get(list_url(unit))  # the session, warmed up

    # The savepoint and its release, the session, the user, the roles, the unit; periods,
    # records, closure days, sent notices; the log's insert.
    with django_assert_num_queries(11):
        client.get(list_url(unit))
    for n in range(8):
        other = kela_client(unit, alice, first=f"Nimi{n}", last="Lisää")
        record(mon_to_thu(other, unit), D(2025, 1, 7), AttendanceStatus.SICK)
    AbsenceNotice.objects.all().delete()
    client.post(mark_sent_url(unit), {"client": [str(matti_period.client.uuid)]})
    with django_assert_num_queries(11):
        response = client.get(list_url(unit))
    assert response.content.decode().count('data-testid="notice-') == 9 * 2  # two halves


# --- marking sent, and a correction --------------------------------------------------------


def test_marking_sent_records_who_and_when_and_a_later_change_makes_a_correction(
    client, alice, dora, matti_period
):
    unit, matti = matti_period.unit, matti_period.client
    client.force_login(dora)

    response = client.post(mark_sent_url(unit), {"client": [str(matti.uuid)]})

    assert response.status_code == 302
    [sent] = AbsenceNotice.objects.all()
    assert (sent.sent_by, sent.client, sent.first, sent.last) == (
        dora,
        matti,
        D(2025, 1, 1),
        D(2025, 1, 14),
    )
    assert sent.correction_of is None
    [(who, detail)] = rows(dora, Action.CHANGE)
    assert who == matti.uuid
    assert detail == "absence notice 2025-01-01–2025-01-14 marked sent"
    row = client.get(list_url(unit)).content.decode()
    assert "Sent" in row
    assert "Dora Dahl" in row

    # A counsellor corrects the sick day on the month sheet after sending.
    attendance_month_save(
        unit=unit,
        first=D(2025, 1, 1),
        last=D(2025, 1, 31),
        edits=[CellEdit(matti.uuid, D(2025, 1, 7), AttendanceStatus.SICK_CERTIFIED, "sick")],
        actor=alice,
    )
    body = client.get(list_url(unit)).content.decode()
    assert "Correction due" in body

    client.post(mark_sent_url(unit))  # every notice to send of the half-month
    correction = AbsenceNotice.objects.exclude(pk=sent.pk).get()
    assert correction.correction_of == sent
    assert "Correction due" not in client.get(list_url(unit)).content.decode()

    # The first notice prints as it was sent; the correction says what it replaces.
    with translation.override("en"):
        first = pdf_text(
            client.get(client_pdf_url(unit, matti, query=f"sent={sent.uuid}&lang=fi")).content
        )
        latest = pdf_text(client.get(client_pdf_url(unit, matti, query="lang=fi")).content)
    assert "Sairas (oma ilmoitus) 1 7.1." in first
    assert "Sairas (todistus) 0" in first
    assert "Sairas (oma ilmoitus) 0" in latest
    assert "Sairas (todistus) 1 7.1." in latest
    assert (
        in_language("fi", "Correction: replaces the notice sent on %(when)s.").split("%")[0]
        in latest
    )


def test_a_notice_is_not_marked_sent_twice(client, dora, matti_period):
    client.force_login(dora)
    client.post(mark_sent_url(matti_period.unit))
    client.post(mark_sent_url(matti_period.unit))

    assert AbsenceNotice.objects.count() == 1


# --- the PDFs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "present", "sick", "child_sick"),
    [
        ("fi", "Läsnä", "Sairas (oma ilmoitus)", "Lapsi sairas"),
        ("sv", "Närvarande", "Sjuk (egen anmälan)", "Barnet sjukt"),
    ],
)
def test_the_clients_pdf_in_finnish_and_swedish(
    client, alice, matti_period, language, present, sick, child_sick
):
    matti = matti_period.client
    client.force_login(alice)

    response = client.get(client_pdf_url(matti_period.unit, matti, query=f"lang={language}"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert matti.hetu not in response["Content-Disposition"]
    assert "Virtanen" not in response["Content-Disposition"]
    assert_tagged_pdf_ua(response.content, lang=language, title=matti_period.unit.name)
    text = pdf_text(response.content)
    assert in_language(language, TITLE) in text
    assert "Virtanen Matti" in text
    assert matti.hetu in text
    assert f"{sick} 1 7.1." in text
    assert f"{child_sick} 1 8.1." in text
    assert "2 2.1., 13.1." in text  # present
    assert "1 14.1." in text  # planned, no entry
    assert "alice@example.invalid" in text
    assert "044 555 0101" in text
    assert {"fi": "Kela", "sv": "FPA"}[language] in text  # Kela is FPA in Swedish
    del present  # the status label is the row's, the row heading is the notice's own
    [(who, detail)] = rows(alice, Action.EXPORT)
    assert who == matti.uuid
    assert detail == f"absence notice 2025-01-01–2025-01-14 PDF ({language})"
    assert matti.hetu not in detail


def test_the_pdf_follows_the_clients_language_without_a_choice(client, alice, matti_period):
    matti = matti_period.client
    matti.service_language = "sv"
    matti.save()
    client.force_login(alice)

    response = client.get(client_pdf_url(matti_period.unit, matti))

    assert_tagged_pdf_ua(response.content, lang="sv", title=matti_period.unit.name)
    assert "Sjuk (egen anmälan)" in pdf_text(response.content)


def test_the_units_pdf_has_each_client_in_their_language_and_logs_each(
    client, dora, alice, matti_period
):
    unit = matti_period.unit
    stina = kela_client(unit, alice, first="Stina", last="Lindqvist", service_language="sv")
    record(mon_to_thu(stina, unit), D(2025, 1, 8), AttendanceStatus.CHILD_SICK)
    client.force_login(dora)

    response = client.get(unit_pdf_url(unit))

    text = pdf_text(response.content)
    assert_tagged_pdf_ua(response.content, lang="fi", title=unit.name)
    assert "Lindqvist Stina" in text
    assert "Virtanen Matti" in text
    assert "Barnet sjukt" in text  # Stina's notice in Swedish
    assert "Sairas (oma ilmoitus)" in text  # Matti's in Finnish
    assert len(PdfReader(io.BytesIO(response.content)).pages) >= 2  # a page each
    assert {who for who, _d in rows(dora, Action.EXPORT)} == {matti_period.client.uuid, stina.uuid}
    assert AccessLogEntry.objects.filter(user=dora, action=Action.EXPORT).count() == 2


def test_the_units_pdf_of_notices_to_send_leaves_out_those_sent(client, dora, matti_period):
    unit = matti_period.unit
    client.force_login(dora)
    client.post(mark_sent_url(unit))

    to_send = pdf_text(client.get(unit_pdf_url(unit, query="lang=fi")).content)
    everything = pdf_text(client.get(unit_pdf_url(unit, query="which=all&lang=fi")).content)

    assert "Virtanen Matti" not in to_send
    assert "Virtanen Matti" in everything
    assert "Dora Dahl" in everything  # sent by, printed again as sent


# --- who may see them -------------------------------------------------------------------------


@pytest.fixture
def urls(matti_period):  # type: ignore[no-untyped-def]
    unit, matti = matti_period.unit, matti_period.client
    return [list_url(unit), unit_pdf_url(unit), client_pdf_url(unit, matti)]


def test_the_units_counsellors_and_managers_see_them(client, alice, dora, urls):
    for user in (alice, dora):
        client.force_login(user)
        assert [client.get(url).status_code for url in urls] == [200, 200, 200]


def test_a_project_manager_and_another_units_counsellor_get_404(
    client, bob, outsider, urls, matti_period
):
    for user in (bob, outsider):
        client.force_login(user)
        assert [client.get(url).status_code for url in urls] == [404, 404, 404]
        assert client.post(mark_sent_url(matti_period.unit)).status_code == 404
    assert AbsenceNotice.objects.count() == 0
    assert not AccessLogEntry.objects.filter(client_uuid=matti_period.client.uuid).exists()


def test_another_units_client_or_a_half_month_not_ended_is_not_found(
    client, alice, matti_period, other_unit
):
    unit = matti_period.unit
    olli = ClientFactory(registered_unit=other_unit, benefit="labour_market_subsidy")
    PeriodFactory(client=olli, unit=other_unit, start_date=D(2024, 10, 1))
    client.force_login(alice)

    assert client.get(client_pdf_url(unit, olli)).status_code == 404
    future = reverse(
        "absence_notices:client_pdf",
        kwargs={
            "unit": unit.uuid,
            "client": matti_period.client.uuid,
            "year": 2100,
            "month": 12,
            "half": 2,
        },
    )
    assert client.get(future).status_code == 404
    assert (
        client.get(client_pdf_url(unit, matti_period.client, query="sent=not-a-notice")).status_code
        == 404
    )


# --- the unit manager's home ----------------------------------------------------------------


def test_the_unit_managers_home_counts_the_notices_to_send(client, dora, alice, unit, settings):
    from django.utils import timezone

    from absence_notices.selectors import Fortnight

    today = timezone.localdate()
    last = Fortnight.containing(today).previous
    settings.ABSENCE_NOTICES_FROM = last.first.isoformat()
    matti = kela_client(unit, alice, first="Matti", last="Virtanen")
    mon_to_thu(
        matti, unit, start_date=last.first - D.resolution * 30, end_date=today + D.resolution * 90
    )
    client.force_login(dora)

    body = client.get(reverse("home_unit_manager")).content.decode()

    panel = body[body.index('data-testid="absence-notices-panel"') :]
    panel = panel[: panel.index("</section>")]
    assert unit.name in panel
    assert reverse("absence_notices:list", kwargs={"unit": unit.uuid}) in panel
    assert ("1 due" in panel) != ("1 overdue" in panel)
    assert "Virtanen" not in panel  # counts only


def test_the_menu_leads_to_the_units_notices(client, dora, unit, other_unit):
    """One unit: its list at once; two: a choice of both; someone with no unit: 404."""
    client.force_login(dora)
    index = reverse("absence_notices:index")
    assert client.get(index)["Location"] == reverse("absence_notices:list", args=[unit.uuid])
    assert index.encode() in client.get(reverse("home"), follow=True).content
    RoleAssignmentFactory(user=dora, role="unit_manager", unit=other_unit)
    page = client.get(index)
    assert page.status_code == 200
    for each in (unit, other_unit):
        assert reverse("absence_notices:list", args=[each.uuid]).encode() in page.content
    client.force_login(UserFactory(username="nobody-here"))
    assert client.get(index).status_code == 404
