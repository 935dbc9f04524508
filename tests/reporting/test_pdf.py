"""The PDF renderer read back with pypdf: Finnish, A4, page numbers, figures, totals, money
written 9,00 €, charts as SVG text, the signature lines of the state-compensation claim.

The report's strings are English in the source; the Finnish the tests look for comes from a
small catalogue made here (``finnish_reports``), placed before the project's own, so the
tests check that the renderer writes Finnish, not the exact wording of the translations.
"""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.conf import settings
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import translation
from pypdf import PdfReader

from reporting.builders import build_report
from reporting.renderers import get_renderer
from reporting.renderers.formatting import fi_money, fi_number, fi_rate
from reporting.renderers.pdf import TEMPLATE, build_context, outcome_charts, render
from tests.conftest import need_service
from tests.reporting.builder_data import (
    FOR_MANAGER,
    attend,
    d,
    make_manager,
    make_world,
    params,
    period,
    person,
)

MARCH = ("2025-03-01", "2025-03-31")

# (context, English source) → Finnish, for the strings the tests below look for.
FINNISH = {
    ("report PDF", "Page"): "Sivu",
    ("report PDF", "Parameters"): "Parametrit",
    ("report PDF", "Generated"): "Muodostettu",
    ("report PDF", "Signature of the organiser's representative"): (
        "Järjestäjän edustajan allekirjoitus"
    ),
    ("report PDF", "Name in block letters"): "Nimenselvennys",
    ("report PDF", "Data quality"): "Tietojen laatu",
    ("report", "Parameters"): "Parametrit",
    ("report", "Data quality"): "Tietojen laatu",
    ("report", "Total"): "Yhteensä",
    ("report", "Total, %(count)s clients"): "Yhteensä, %(count)s asiakasta",
    ("report", "Expense allowance (kulukorvaus / toimintaraha)"): "Kulukorvaus ja toimintaraha",
    ("report", "Allowance per client"): "Kulukorvaus asiakkaittain",
    ("report", "Allowance per unit"): "Kulukorvaus yksiköittäin",
    ("report", "State compensation claim to KEHA-keskus"): (
        "Valtionkorvaushakemus KEHA-keskukselle"
    ),
    ("report", "Participants and outcomes"): "Osallistujat ja tulokset",
    ("report", "Participants by sex"): "Osallistujat sukupuolen mukaan",
    ("report", "Destination at exit"): "Sijoittuminen poistuttaessa",
    ("report", "Women"): "Naiset",
    ("report", "Attendance per unit"): "Läsnäolo yksiköittäin",
    (None, "– = hidden to protect privacy"): "– = piilotettu yksityisyyden suojaamiseksi",
}
LEGEND = "– = piilotettu yksityisyyden suojaamiseksi"


def _po(entries: dict[tuple[str | None, str], str]) -> str:
    def quote(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', ""]
    for (context, source), finnish in entries.items():
        if context is not None:
            lines.append(f"msgctxt {quote(context)}")
        lines += [f"msgid {quote(source)}", f"msgstr {quote(finnish)}"]
        lines.append("")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def report_locale(tmp_path_factory):  # type: ignore[no-untyped-def]
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        need_service("msgfmt (gettext) to compile the test's Finnish catalogue")
    target = tmp_path_factory.mktemp("report-locale") / "fi" / "LC_MESSAGES"
    target.mkdir(parents=True)
    (target / "django.po").write_text(_po(FINNISH), encoding="utf-8")
    subprocess.run(  # noqa: S603 - fixed arguments
        [str(msgfmt), "-o", str(target / "django.mo"), str(target / "django.po")], check=True
    )
    return target.parents[1]


@pytest.fixture
def finnish_reports(report_locale):  # type: ignore[no-untyped-def]
    """The test's Finnish first, then the project's catalogue (if compiled)."""
    with override_settings(LOCALE_PATHS=[report_locale, *settings.LOCALE_PATHS]):
        yield


def pdf_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Words as a reader sees them: a table cell may wrap, a space may be non-breaking.
    return reader, " ".join(text.split())


@pytest.fixture
def world(db):
    w = make_world()
    make_manager(w)
    anna = person(
        born=d(1980, 5, 1), sex="woman", municipality=w.helsinki, unit=w.u1,
        first_name="Anna", last_name="Aalto", benefit="labour_market_subsidy",
    )  # fmt: skip
    attend(period(anna, w.u1, d(2025, 2, 1), d(2025, 8, 31)), d(2025, 3, 3), "PPPPS")
    bertta = person(
        born=d(1990, 6, 1), sex="man", municipality=w.helsinki, unit=w.u2,
        first_name="Bertta", last_name="Berg", benefit="social_assistance",
    )  # fmt: skip
    attend(period(bertta, w.u2, d(2025, 2, 1), d(2025, 8, 31)), d(2025, 3, 3), "P")
    w.anna, w.bertta = anna, bertta
    return w


def test_finnish_numbers():
    assert fi_money("9.00") == "9,00\xa0€"
    assert fi_money("1234567.5") == "1\xa0234\xa0567,50\xa0€"
    assert fi_number(0) == "0"
    assert fi_rate("0.87") == "87\xa0%"


def test_allowance_pdf_is_finnish_a4_with_page_numbers_totals_and_euros(world, finnish_reports):
    report = build_report(params("allowance", *MARCH, organiser="orgA"))
    reader, text = pdf_text(render(report, meta={"generated_by": "Liisa Laskija"}))

    page = reader.pages[0].mediabox
    # A4 landscape for the wide allowance table: 297 × 210 mm in points.
    assert (round(float(page.width)), round(float(page.height))) == (842, 595)
    assert f"Sivu 1 / {len(reader.pages)}" in text
    for heading in ("Kulukorvaus ja toimintaraha", "Parametrit", "Kulukorvaus asiakkaittain"):
        assert heading in text
    # The header: the organiser from the filters, and the range written the Finnish way.
    assert "Hyvinvointialue A" in text
    assert "1.3.2025–31.3.2025" in text
    # Figures: 4 present days at 9 € for Anna, 1 day for Bertta, 45 € in all.
    assert "36,00 €" in text
    assert "9,00 €" in text
    assert "Yhteensä, 2 asiakasta" in text  # the totals row of the client table names the clients
    assert "45,00 €" in text
    assert world.anna.hetu in text
    assert "Aalto Anna" in text
    assert "Liisa Laskija" in text  # who generated it
    assert "Muodostettu" in text


def test_aggregate_pdf_has_no_identity_codes(world, finnish_reports):
    report = build_report(params("allowance", *MARCH), include_personal=False)
    _reader, text = pdf_text(render(report))
    assert world.anna.hetu not in text
    assert "Aalto" not in text
    assert "Kulukorvaus yksiköittäin" in text
    assert "45,00 €" in text


def test_state_compensation_claim_has_signature_lines(world, finnish_reports):
    report = build_report(params("state-compensation", *MARCH, organiser="orgA"))
    reader, text = pdf_text(render(report, meta={"generated_by": "Liisa Laskija"}))
    assert (round(float(reader.pages[0].mediabox.width))) == 595  # A4 portrait
    assert "Valtionkorvaushakemus KEHA-keskukselle" in text
    assert "Järjestäjän edustajan allekirjoitus" in text
    assert "Nimenselvennys" in text
    # 4 compensated days for Anna and 1 for Bertta at 10,09 €.
    assert "40,36 €" in text
    assert "50,45 €" in text
    assert "Sivu 1 /" in text


def test_outcome_pdf_has_charts_as_text(world, finnish_reports):
    world_exit = person(born=d(1970, 1, 1), sex="woman", municipality=world.helsinki, unit=world.u1)
    period(
        world_exit, world.u1, d(2025, 1, 1), d(2025, 6, 30),
        exit=d(2025, 3, 20), reason="completed", destination="open_labour_market",
    )  # fmt: skip
    report = build_report(params("outcome", *MARCH))
    content = render(report)
    _reader, text = pdf_text(content)
    assert "Osallistujat ja tulokset" in text
    assert "Osallistujat sukupuolen mukaan" in text
    assert "Sijoittuminen poistuttaessa" in text
    assert "Naiset" in text
    assert b"<script" not in content
    # The chart's labels are real text: the destination is named.
    assert "Open labour market" in text or "Avoimet työmarkkinat" in text


def test_suppressed_counts_are_dashes(world, finnish_reports):
    report = build_report(params("attendance", *MARCH, suppress_below="5"), include_personal=False)
    with translation.override("fi"):
        context = build_context(report, None)
    units = next(table for table in context["tables"] if table["key"] == "units")
    # One client in each unit: the "clients" cell of every unit row is a dash, not a count
    # (the date range's en dash elsewhere on the page proves nothing).
    clients = [row[1] for row in units["rows"]]
    assert clients
    assert all(cell["hidden"] and cell["text"] == "–" for cell in clients)
    _reader, text = pdf_text(render(report))
    assert "Läsnäolo yksiköittäin" in text
    assert LEGEND in text


def test_hidden_figures_are_dashes_never_zero_with_the_legend(world, finnish_reports):
    report = build_report(params("allowance", *MARCH, suppress_below="5"), include_personal=False)
    with translation.override("fi"):
        context = build_context(report, None)
    units = next(table for table in context["tables"] if table["key"] == "units")

    # One client per unit, two in all: every figure is hidden, the totals' too.
    figures = [cell for row in [*units["rows"], units["totals"]] for cell in row if cell["num"]]
    assert figures
    assert all(cell["hidden"] and cell["text"] == "–" for cell in figures)
    assert units["has_hidden"]
    assert [value for _label, value in context["summary"]] == ["–", "–"]  # clients, euros
    assert context["summary_hidden"]
    _reader, text = pdf_text(render(report))
    assert LEGEND in text
    assert "0,00 €" not in text


def test_no_legend_without_hidden_figures(world, finnish_reports):
    _reader, text = pdf_text(render(build_report(params("allowance", *MARCH))))
    assert LEGEND not in text


def test_a_chart_of_hidden_figures_says_so_instead_of_empty_axes(world, finnish_reports):
    report = build_report(params("outcome", *MARCH, suppress_below="5"))
    with translation.override("fi"):
        context = build_context(report, None)
        html = render_to_string(TEMPLATE, context)

    # Two participants of 34 and 44, a woman and a man: by sex and by age, every figure is
    # hidden or zero. Nobody left: the destinations are zeros, drawn as such.
    by_sex, by_age, destinations = context["charts"]
    assert by_sex["title"] == "Osallistujat sukupuolen mukaan"
    assert by_sex["svg"] == by_age["svg"] == ""
    assert by_sex["has_hidden"]
    assert by_age["has_hidden"]
    assert "<svg" in destinations["svg"]
    assert not destinations["has_hidden"]
    assert html.count("<svg") == 1
    assert html.count(LEGEND) >= 2
    _reader, text = pdf_text(render(report))
    assert LEGEND in text


def test_a_chart_with_some_hidden_bars_keeps_them_as_dashes(world, finnish_reports):
    report = build_report(params("outcome", *MARCH))
    report["participants"] = {**report["participants"], "woman": None, "total": None}
    charts = outcome_charts(report)
    assert "<svg" in charts[0]["svg"]
    assert ">–</text>" in charts[0]["svg"]
    assert charts[0]["has_hidden"]


def test_report_command_writes_a_pdf(world, tmp_path, finnish_reports):
    target = tmp_path / "allowance.pdf"
    call_command(
        "report", "allowance", "--from", MARCH[0], "--to", MARCH[1], "--format", "pdf",
        *FOR_MANAGER, "--output", str(target), stdout=io.StringIO(),
    )  # fmt: skip
    assert target.read_bytes().startswith(b"%PDF")
    renderer = get_renderer("pdf")
    assert (renderer.CONTENT_TYPE, renderer.EXTENSION) == ("application/pdf", "pdf")


def test_days_without_a_known_rate_are_explained_in_finnish(world):
    """A present day before the first dated rate: counted in its own column, priced at
    nothing, and the PDF says why (DOMAIN.md §3)."""
    from reporting.models import Rate

    Rate.objects.filter(kind="allowance").delete()
    Rate.objects.create(kind="allowance", valid_from=d(2025, 3, 5), amount="9.00", source="t")
    report = build_report(params("allowance", *MARCH, organiser="orgA"))
    with translation.override("fi"):
        _reader, text = pdf_text(render(report, meta={"generated_by": "Liisa Laskija"}))
    # Anna present 3.3. and 4.3. before the rate, Bertta 3.3.: 3 days; Anna 5.–6.3. priced.
    assert "3 läsnäolopäivää on ennen ensimmäistä tunnettua hintaa" in text
    assert "Päivät ilman tunnettua hintaa" in text
    assert "18,00 €" in text
