"""Long report PDFs: rendered in parts and joined into one tagged PDF with page numbers over the
whole document; above the page limit, a zip of one PDF per unit, and the run's page says so.

The parts are made small here (REPORT_PDF_PART_ROWS=1) so that two clients are several parts;
the PDFs are read back with pypdf, strictly.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from reporting.builders import build_report
from reporting.models import RunStatus
from reporting.renderers.pdf import document_parts, render, write
from reporting.runs import report_run_execute, report_run_request
from tests.pdf_checks import assert_tagged_pdf_ua, structure_tags
from tests.reporting import test_pdf
from tests.reporting.builder_data import params

# The PDF tests' world (Anna in U1, Bertta in U2, March 2025) and Finnish catalogue.
MARCH, pdf_text = test_pdf.MARCH, test_pdf.pdf_text
world, report_locale, finnish_reports = (
    test_pdf.world,
    test_pdf.report_locale,
    test_pdf.finnish_reports,
)


@pytest.fixture
def small_parts(settings):  # type: ignore[no-untyped-def]
    settings.REPORT_PDF_PART_ROWS = 1
    return settings


def test_a_long_report_is_one_tagged_pdf_numbered_over_all_its_parts(
    world, finnish_reports, small_parts
):
    report = build_report(params("allowance", *MARCH, organiser="orgA"))
    with translation.override("fi"):
        parts = list(document_parts(report, {"generated_by": "Liisa Laskija"}, 1))
    assert len(parts) >= 4  # two client rows, two unit rows, the payers: one row a part
    content = render(report, meta={"generated_by": "Liisa Laskija"})

    reader = assert_tagged_pdf_ua(content, lang="fi", title="Kulukorvaus ja toimintaraha")
    PdfReader(io.BytesIO(content), strict=True)  # a well-formed file, read strictly
    total = len(reader.pages)
    assert total >= len(parts)
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    # Every page has its own number of the whole document, once.
    for number, text in enumerate(texts, start=1):
        assert re.findall(r"Sivu (\d+) / (\d+)", text) == [(str(number), str(total))]
    everything = " ".join(texts)
    # Nothing lost or doubled between the parts: the first page's matter once, every client,
    # the totals row once, the end once.
    assert everything.count("Parametrit") == 1
    assert world.anna.hetu in everything
    assert world.bertta.hetu in everything
    assert everything.count("Yhteensä, 2 asiakasta") == 1
    assert "45,00 €" in everything
    # Who generated it: as often as in the same report as one document (title, parameters, end).
    small_parts.REPORT_PDF_PART_ROWS = 400
    _reader, whole = pdf_text(render(report, meta={"generated_by": "Liisa Laskija"}))
    assert everything.count("Liisa Laskija") == whole.count("Liisa Laskija") == 3
    # The tags of every part are in the one structure tree: tables with header cells.
    assert {"/Table", "/TH", "/TD", "/H1", "/H2"} <= structure_tags(reader)
    # One set of bookmarks: the title, its sections under it, the tables of later parts too.
    outline = reader.outline
    assert outline[0]["/Title"] == "Kulukorvaus ja toimintaraha"
    titles = [item["/Title"] for item in outline[1]]
    assert "Parametrit" in titles
    assert "Kulukorvaus yksiköittäin" in titles


def test_a_short_report_is_one_document_as_before(world, finnish_reports):
    report = build_report(params("allowance", *MARCH, organiser="orgA"))
    with translation.override("fi"):
        assert len(list(document_parts(report, None, 400))) == 1
    reader, text = pdf_text(render(report))
    assert f"Sivu 1 / {len(reader.pages)}" in text


def test_a_claim_in_parts_keeps_each_organisers_signature_lines(
    world, finnish_reports, small_parts
):
    report = build_report(params("state-compensation", *MARCH, organiser="orgA"))
    content = render(report)
    assert_tagged_pdf_ua(content, lang="fi", title="Valtionkorvaushakemus")
    reader, text = pdf_text(content)
    assert text.count("Järjestäjän edustajan allekirjoitus") == 1
    assert "50,45 €" in text
    assert f"Sivu {len(reader.pages)} / {len(reader.pages)}" in text


def test_above_the_page_limit_the_pdf_is_a_zip_of_one_pdf_per_unit(
    world, finnish_reports, small_parts
):
    small_parts.REPORT_PDF_MAX_PAGES = 1
    report = build_report(params("allowance", *MARCH, organiser="orgA"))
    out = io.BytesIO()
    written = write(report, out)
    assert (written.content_type, written.extension, written.units) == ("application/zip", "zip", 2)
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        assert names[0].startswith("00_")
        assert len(names) == 3
        pdfs = {name: pdf_text(archive.read(name))[1] for name in names}
    summary, first, second = (pdfs[name] for name in names)
    # The summary: the figures of every unit, nobody's identity code.
    assert "Kulukorvaus yksiköittäin" in summary
    assert "45,00 €" in summary
    assert world.anna.hetu not in summary
    assert world.bertta.hetu not in summary
    # Each unit's PDF: its own clients only, its own total.
    assert world.anna.hetu in first
    assert world.bertta.hetu not in first
    assert world.bertta.hetu in second
    assert world.anna.hetu not in second
    assert "36,00 €" in first
    assert "9,00 €" in second


def test_a_run_above_the_limit_stores_the_zip_and_its_page_says_so(
    world, finnish_reports, small_parts, tmp_path
):
    from tests.organisations.factories import RoleAssignmentFactory, UserFactory

    small_parts.REPORT_PDF_MAX_PAGES = 1
    small_parts.MEDIA_ROOT = tmp_path / "media"
    manager = UserFactory(username="maija")
    for unit in (world.u1, world.u2):  # both units of organiser A, with their clients
        RoleAssignmentFactory(user=manager, role="unit_manager", unit=unit)
    run = report_run_request(
        user=manager,
        params={"kind": "allowance", "from": MARCH[0], "to": MARCH[1], "organiser": "orgA"},
        formats=["pdf"],
    )
    assert report_run_execute(run.pk) == RunStatus.READY
    stored = run.files.get()
    assert stored.split_by_unit
    assert stored.file.name.endswith(".zip")
    with stored.file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        assert len(archive.namelist()) == 3

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(manager)
    page = client.get(reverse("reporting:run", kwargs={"code": run.uuid}))
    download = client.get(reverse("reporting:download", kwargs={"code": run.uuid, "fmt": "pdf"}))
    assert "comes as a zip file: a summary PDF and one PDF for each unit" in page.content.decode()
    assert download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"].endswith('.zip"')


def test_the_parts_laid_out_side_by_side_make_the_same_document(
    world, finnish_reports, small_parts
):
    """REPORT_PDF_PROCESSES 2 (worker processes, kuty/pdf_workers.py) and 1 (one after the
    other here) give the same pages with the same text."""
    report = build_report(params("allowance", *MARCH, organiser="orgA"))
    documents = []
    for count in (1, 2):
        small_parts.REPORT_PDF_PROCESSES = count
        content = render(report, meta={"generated_by": "Liisa Laskija"})
        reader = assert_tagged_pdf_ua(content, lang="fi", title="Kulukorvaus ja toimintaraha")
        documents.append([" ".join(page.extract_text().split()) for page in reader.pages])
    assert len(documents[0]) >= 4
    assert documents[0] == documents[1]
