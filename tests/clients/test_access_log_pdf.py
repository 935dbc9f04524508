"""The access log handed to the client, read back with pypdf: A4, Finnish or Swedish headings,
the client, who processed the data in which role, when and what, page numbers, who printed it.

The PDF's own strings are English in the source; the Finnish and Swedish the tests look for
come from a small catalogue made here, placed before the project's catalogue (compiled here
too, for the words it already has: roles, actions, model names), so the tests check that the
PDF is written in the language asked for, whatever step the project's catalogues are at.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from audit.models import AccessLogEntry, Action
from audit.services import access_log_record
from clients.access_log_report import render_client_access_log_pdf
from tests.conftest import need_service
from tests.organisations.factories import RoleAssignmentFactory, UserFactory
from tests.pdf_checks import assert_tagged_pdf_ua, structure_tags

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PDF = "access log PDF"
WHAT = "access log what"
# (context, English source) → (Finnish, Swedish), for the strings the tests look for.
TRANSLATIONS = {
    (PDF, "Access log of your client data"): (
        "Asiakastietojesi käyttöloki",
        "Logg över behandlingen av dina klientuppgifter",
    ),
    (PDF, "Client"): ("Asiakas", "Klient"),
    (PDF, "Personal identity code"): ("Henkilötunnus", "Personbeteckning"),
    (PDF, "Period covered"): ("Ajanjakso", "Tidsperiod"),
    (PDF, "Who"): ("Kuka", "Vem"),
    (PDF, "Role and organisation"): ("Rooli ja organisaatio", "Roll och organisation"),
    (PDF, "When"): ("Milloin", "När"),
    (PDF, "What"): ("Mitä", "Vad"),
    (PDF, "Page"): ("Sivu", "Sida"),
    (PDF, "Printed by %(name)s on %(when)s."): (
        "Tulostanut %(name)s %(when)s.",
        "Utskriven av %(name)s %(when)s.",
    ),
    (PDF, "all recorded entries"): ("kaikki tallennetut merkinnät", "alla registrerade händelser"),
    (WHAT, "page opened"): ("sivu avattu", "sidan öppnad"),
    ("", "client"): ("asiakas", "klient"),
    ("", "Counsellor"): ("Ohjaaja", "Handledare"),
    ("", "Unit manager"): ("Yksikön esihenkilö", "Enhetschef"),
    ("access log action", "View"): ("Katselu", "Visning"),
}


def _po(language: int) -> str:
    def quote(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', ""]
    for (context, source), translated in TRANSLATIONS.items():
        if context:
            lines.append(f"msgctxt {quote(context)}")
        lines += [f"msgid {quote(source)}", f"msgstr {quote(translated[language])}", ""]
    return "\n".join(lines)


@pytest.fixture(scope="session")
def access_log_locale(tmp_path_factory):  # type: ignore[no-untyped-def]
    msgfmt, msgcat = shutil.which("msgfmt"), shutil.which("msgcat")
    if msgfmt is None or msgcat is None:
        need_service("msgfmt and msgcat (gettext) to compile the test's catalogues")
    locale_dir = tmp_path_factory.mktemp("access-log-locale")
    for index, language in enumerate(("fi", "sv")):
        target = locale_dir / language / "LC_MESSAGES"
        target.mkdir(parents=True)
        ours = target / "ours.po"
        ours.write_text(_po(index), encoding="utf-8")
        project = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
        merged = target / "django.po"
        sources = [str(ours), *([str(project)] if project.exists() else [])]
        subprocess.run(  # noqa: S603 - fixed gettext tools
            [msgcat, "--use-first", "-o", str(merged), *sources], check=True
        )
        subprocess.run(  # noqa: S603
            [msgfmt, "-o", str(target / "django.mo"), str(merged)], check=True
        )
    return locale_dir


@pytest.fixture
def catalogue(access_log_locale):  # type: ignore[no-untyped-def]
    with override_settings(LOCALE_PATHS=[access_log_locale]):
        yield


@pytest.fixture
def history(kuty_client, counsellor, catalogue):  # type: ignore[no-untyped-def]
    counsellor.first_name, counsellor.last_name = "Alice", "Ahonen"
    counsellor.save()
    access_log_record(
        action=Action.VIEW,
        user=counsellor,
        client_uuid=kuty_client.uuid,
        obj=kuty_client,
        detail="page",
    )
    return kuty_client


@pytest.fixture
def dora(unit_manager):  # type: ignore[no-untyped-def]
    unit_manager.first_name, unit_manager.last_name = "Dora", "Dahl"
    unit_manager.save()
    return unit_manager


def pdf_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, " ".join(text.split())


def test_the_finnish_pdf(history, dora, unit):
    reader, text = pdf_text(
        render_client_access_log_pdf(client=history, printed_by=dora, language="fi")
    )

    assert round(float(reader.pages[0].mediabox.width)) == 595  # A4, 210 mm
    assert round(float(reader.pages[0].mediabox.height)) == 842
    assert "Asiakastietojesi käyttöloki" in text
    assert history.full_name in text
    assert history.hetu in text
    for heading in (
        "Henkilötunnus",
        "Ajanjakso",
        "Kuka",
        "Rooli ja organisaatio",
        "Milloin",
        "Mitä",
    ):
        assert heading in text
    assert "kaikki tallennetut merkinnät" in text
    assert "Alice Ahonen" in text
    assert f"Ohjaaja, {unit.name}" in text
    assert "Katselu" in text
    assert "Asiakas: sivu avattu" in text
    assert re.search(r"\d{1,2}\.\d{1,2}\.20\d\d \d\d\.\d\d", text)  # 12.1.2026 09.14
    assert f"Sivu 1 / {len(reader.pages)}" in text
    assert f"Tulostanut Dora Dahl (Yksikön esihenkilö, {unit.name})" in text
    assert "Role and organisation" not in text  # no English heading left


def test_the_swedish_pdf(history, dora, unit):
    _reader, text = pdf_text(
        render_client_access_log_pdf(client=history, printed_by=dora, language="sv")
    )

    assert "Logg över behandlingen av dina klientuppgifter" in text
    for heading in ("Personbeteckning", "Tidsperiod", "Vem", "Roll och organisation", "När", "Vad"):
        assert heading in text
    assert f"Handledare, {unit.name}" in text
    assert "Klient: sidan öppnad" in text
    assert "Sida 1 / 1" in text
    assert "Utskriven av Dora Dahl" in text
    assert "Kuka" not in text


def test_a_long_log_runs_over_pages_numbered_n_of_m(history, dora):
    for _ in range(80):
        access_log_record(
            action=Action.VIEW, user=dora, client_uuid=history.uuid, obj=history, detail="page"
        )

    reader, text = pdf_text(
        render_client_access_log_pdf(client=history, printed_by=dora, language="fi")
    )

    pages = len(reader.pages)
    assert pages > 1
    assert f"Sivu 1 / {pages}" in text
    assert f"Sivu {pages} / {pages}" in text


# --- the download from the page ----------------------------------------------------------------


def pdf_url(client_record, **params: str) -> str:  # type: ignore[no-untyped-def]
    url = reverse("clients:access_log_pdf", kwargs={"code": client_record.uuid})
    query = "&".join(f"{name}={value}" for name, value in params.items())
    return f"{url}?{query}" if query else url


def test_the_download_is_in_the_language_asked_for_and_logged_as_a_printout(client, history, dora):
    client.force_login(dora)

    response = client.get(pdf_url(history, lang="sv", **{"from": "2026-01-01"}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert history.hetu not in response["Content-Disposition"]
    _reader, text = pdf_text(response.content)
    assert "Vem" in text
    printed = AccessLogEntry.objects.get(client_uuid=history.uuid, action=Action.PRINT)
    assert (printed.username, printed.detail) == (
        "dora",
        "access log printed as PDF (sv); 2026-01-01–",
    )
    assert printed.object_type == "clients.access_log"


def test_without_a_language_the_pdf_follows_the_clients_language_of_service(
    client, history, counsellor
):
    history.service_language = "sv"
    history.save()
    client.force_login(counsellor)  # the responsible counsellor may print it too

    response = client.get(pdf_url(history))

    assert response.status_code == 200
    assert "Klient: sidan öppnad" in pdf_text(response.content)[1]
    assert AccessLogEntry.objects.filter(
        client_uuid=history.uuid, action=Action.PRINT, username="alice"
    ).exists()


def test_bad_dates_send_the_user_back_to_the_page_and_print_nothing(client, history, dora):
    client.force_login(dora)

    response = client.get(pdf_url(history, lang="fi", **{"from": "2026-03-01", "to": "2026-02-01"}))

    assert response.status_code == 302
    assert response["Location"].startswith(
        reverse("clients:access_log", kwargs={"code": history.uuid})
    )
    assert "to=2026-02-01" in response["Location"]
    assert not AccessLogEntry.objects.filter(action=Action.PRINT).exists()


def test_who_may_download_it(client, history, unit, outsider, project_manager):
    colleague = UserFactory(username="greta")
    RoleAssignmentFactory(user=colleague, role="counsellor", unit=unit)
    for user, status in ((colleague, 403), (project_manager, 403), (outsider, 404)):
        client.force_login(user)
        assert client.get(pdf_url(history, lang="fi")).status_code == status
    assert not AccessLogEntry.objects.filter(action=Action.PRINT).exists()
    client.force_login(colleague)
    assert client.post(pdf_url(history)).status_code == 405


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("fi", "Asiakastietojesi käyttöloki"),
        ("sv", "Logg över behandlingen av dina klientuppgifter"),
    ],
)
def test_the_access_log_is_tagged_pdf_ua_in_its_language(history, dora, language, title):
    content = render_client_access_log_pdf(client=history, printed_by=dora, language=language)
    reader = assert_tagged_pdf_ua(content, lang=language, title=title)
    assert {"/Table", "/TH"} <= structure_tags(reader)
