"""The XLSX renderer read back with openpyxl, as a spreadsheet would open it."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext
from openpyxl import load_workbook

from reporting.builders import build_report
from reporting.renderers import get_renderer
from reporting.renderers.tables import report_tables
from reporting.renderers.xlsx import EURO_FORMAT, PERCENT_FORMAT, render, sheet_name
from tests.reporting.builder_data import attend, d, make_world, params, period, person
from tests.reporting.test_pdf import finnish_reports, report_locale  # noqa: F401 (fixtures)

MARCH = ("2025-03-01", "2025-03-31")
pytestmark = pytest.mark.usefixtures("finnish_reports")


def fi(text: str) -> str:
    """A report label as the Finnish spreadsheet shows it (whatever the catalogue says)."""
    with translation.override("fi"):
        return pgettext("report", text)


def read(content: bytes):  # type: ignore[no-untyped-def]
    return load_workbook(io.BytesIO(content))


def table(sheet) -> tuple[list[str], list[list]]:  # type: ignore[no-untyped-def]
    """The header and the rows down to the first empty row (the legend comes after it)."""
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    end = next((i for i, row in enumerate(rows) if all(v is None for v in row)), len(rows))
    return rows[0], rows[1:end]


def legend() -> str:
    with translation.override("fi"):
        return gettext("– = hidden to protect privacy")


def below_table(sheet) -> list:  # type: ignore[no-untyped-def]
    """What a sheet shows below its table: the first cells of the rows after the empty one."""
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    end = next((i for i, row in enumerate(rows) if all(v is None for v in row)), len(rows))
    return [row[0] for row in rows[end:] if row[0] is not None]


def pairs(sheet) -> dict:  # type: ignore[no-untyped-def]
    return {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}


@pytest.fixture
def world(db):
    w = make_world()
    anna = person(
        born=d(1980, 5, 1), sex="woman", municipality=w.helsinki, unit=w.u1,
        first_name="=HYPERLINK(\"x\")", last_name="Aalto", benefit="labour_market_subsidy",
    )  # fmt: skip
    attend(period(anna, w.u1, d(2025, 2, 1), d(2025, 8, 31)), d(2025, 3, 3), "PPPPS..PPU")
    bertta = person(
        born=d(1990, 6, 1), sex="man", municipality=w.vantaa, unit=w.u2,
        first_name="Bertta", last_name="Berg", benefit="social_assistance",
    )  # fmt: skip
    attend(period(bertta, w.u2, d(2025, 2, 1), d(2025, 8, 31)), d(2025, 3, 3), "PN")
    w.anna, w.bertta = anna, bertta
    return w


def test_allowance_sheets_figures_formats_and_totals(world):
    report = build_report(params("allowance", *MARCH))
    book = read(render(report, meta={"generated_by": "Liisa Laskija", "scope": "Kaikki"}))

    assert book.sheetnames[-1] == "Parametrit"
    assert "Tietojen laatu" in book.sheetnames
    clients = book["Asiakkaat"]
    header, rows = table(clients)
    assert header[:3] == [fi("Identity code"), fi("Name"), fi("Unit")]
    assert clients["A1"].font.bold
    assert clients.freeze_panes == "A2"
    *people, totals = rows
    amount = header.index(fi("Amount"))
    # 6 present days for Anna at 9 €, 1 for Bertta; Decimal in, a number out.
    assert [row[amount] for row in people] == [54, 9]
    assert totals[amount] == 63
    assert totals[0] == "Yhteensä, 2 asiakasta"
    assert clients.cell(row=len(rows) + 1, column=1).font.bold
    assert clients.cell(row=2, column=amount + 1).number_format == EURO_FORMAT
    assert clients.cell(row=len(rows) + 1, column=amount + 1).number_format == EURO_FORMAT
    # The name beginning with "=" is text, never a formula.
    name_cell = clients.cell(row=2, column=2)
    assert name_cell.data_type == "s"
    assert name_cell.value == 'Aalto =HYPERLINK("x")'
    # Columns are wide enough for their content.
    assert clients.column_dimensions["B"].width >= len('Aalto =HYPERLINK("x")')

    units_header, unit_rows = table(book["Yksiköt"])
    assert [row[0] for row in unit_rows] == ["Aa-paja", "Bb-keskus", "Yhteensä"]
    assert unit_rows[-1][units_header.index(fi("Amount"))] == 63


def test_parameters_sheet(world):
    report = build_report(
        params("outcome", *MARCH, units="U1", age_bands="0-29,30-", suppress_below="5")
    )
    book = read(render(report, meta={"generated_by": "Liisa Laskija", "scope": "Yksikkö"}))
    sheet = book["Parametrit"]
    values = pairs(sheet)
    # openpyxl reads a date cell back as a datetime at midnight.
    assert values[fi("From")].date() == datetime.date(2025, 3, 1)
    assert values[fi("To")].date() == datetime.date(2025, 3, 31)
    assert sheet["B2"].number_format == "d.m.yyyy"
    assert values[fi("Units")] == "Aa-paja"
    assert values[fi("Organiser")] == "Hyvinvointialue A"
    assert values[fi("Generated by")] == "Liisa Laskija"
    assert values[fi("Scope")] == "Yksikkö"
    assert "4" in values[fi("Small counts")]  # counts from 1 to 4 are hidden
    assert values[fi("Personal data")] == fi("Not included")
    assert isinstance(values[fi("Generated")], datetime.datetime)
    bands = [fi("%(low)s–%(high)s years") % {"low": 0, "high": 29}]
    bands.append(fi("%(low)s years and over") % {"low": 30})
    assert values[fi("Age bands")] == ", ".join(bands)
    assert sheet["A1"].font.bold


def test_outcome_sheets_with_suppressed_counts(world):
    report = build_report(params("outcome", *MARCH, suppress_below="2"))
    book = read(render(report))
    sheet = book[book.sheetnames[0]]
    header, rows = table(sheet)
    assert len(header) == 6
    *bands, totals = rows
    # Two participants, one per sex: both hidden, and the total too (2 = – + –, each at
    # least one, would make both 1). A hidden figure is "–", not an empty cell; zeros stay.
    assert totals[1:] == ["–", "–", "–", 0, 0]
    assert all(row[1] in ("–", 0) for row in bands)
    assert below_table(sheet) == [legend()]
    quality = pairs(book[fi("Data quality")])
    assert quality[fi("Participants without labour-market status, education or sex")] == "–"
    assert legend() in quality


def test_hidden_unit_figures_are_dashes_with_the_legend(world):
    report = build_report(params("allowance", *MARCH, suppress_below="5"), include_personal=False)
    book = read(render(report))
    sheet = book["Yksiköt"]
    _header, rows = table(sheet)

    assert [row[0] for row in rows] == ["Aa-paja", "Bb-keskus", "Yhteensä"]
    # One client each: every figure of both units is hidden, the totals' too (two clients).
    assert all(value == "–" for row in rows for value in row[1:])
    assert 0 not in [value for row in rows for value in row[1:]]
    assert sheet.cell(row=2, column=2).alignment.horizontal == "right"
    assert below_table(sheet) == [legend()]


def test_no_legend_without_hidden_figures(world):
    book = read(render(build_report(params("allowance", *MARCH), include_personal=False)))
    for sheet in book.worksheets[:-1]:  # the parameters say "–" for "no project"
        values = {value for row in sheet.iter_rows(values_only=True) for value in row}
        assert legend() not in values
        assert "–" not in values


def test_attendance_rates_are_percent(world):
    report = build_report(params("attendance", *MARCH), include_personal=False)
    book = read(render(report))
    sheet = book["Yksiköt"]
    header, rows = table(sheet)
    rate = len(header) - 1
    assert rows[0][0] == "Aa-paja"
    # Anna: 6 present of 8 planned days (not organised is not planned).
    assert rows[0][rate] == pytest.approx(0.75)
    assert sheet.cell(row=2, column=rate + 1).number_format == PERCENT_FORMAT
    assert isinstance(rows[0][2], int)


def test_state_compensation_amounts(world):
    report = build_report(params("state-compensation", *MARCH))
    book = read(render(report))
    header, rows = table(book[book.sheetnames[0]])
    amount = len(header) - 1
    # Anna: 4 days in the first week, 2 in the second; Bertta 1: 7 days at 10,09 €.
    assert rows[-1][amount] == pytest.approx(float(Decimal("10.09") * 7))


def test_registered_for_the_command():
    renderer = get_renderer("xlsx")
    assert renderer.EXTENSION == "xlsx"
    assert renderer.CONTENT_TYPE.endswith("spreadsheetml.sheet")


# --- sheet names and the workbook's properties ----------------------------------------------


def whole_words(name: str, title: str) -> bool:
    """Whether ``name`` is ``title`` or a run of its whole words (never cut mid-word)."""
    return name == title or (title.startswith(name) and title[len(name)] in " ,;(–-")


@pytest.mark.parametrize("kind", ["outcome", "allowance", "attendance", "state-compensation"])
@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_sheet_names_are_short_words(world, kind, lang):
    report = build_report(params(kind, *MARCH))
    with translation.override(lang):
        tables = report_tables(report)
        names = [sheet_name(table) for table in tables]
    # Every name fits Excel's limit as it is: nothing is cut.
    assert all(0 < len(name) <= 31 for name in names)
    assert len(set(names)) == len(names)
    book = read(render(report))
    assert all(len(name) <= 31 for name in book.sheetnames)


def test_finnish_sheet_names(world):
    allowance = read(render(build_report(params("allowance", *MARCH))))
    assert allowance.sheetnames == [
        "Asiakkaat", "Yksiköt", fi("Payers"), "Tietojen laatu", "Parametrit",
    ]  # fmt: skip
    compensation = read(render(build_report(params("state-compensation", *MARCH))))
    assert compensation.sheetnames[:2] == ["Asiakkaat", "Yksiköt"]
    outcome = read(render(build_report(params("outcome", *MARCH))))
    assert outcome.sheetnames[0] == fi("Age")
    assert fi("Destination after 6 months") in outcome.sheetnames
    assert "Päättäminen" in outcome.sheetnames


def test_a_long_title_is_cut_at_a_word(world):
    from openpyxl import Workbook

    from reporting.renderers.xlsx import _sheet_title

    book = Workbook()
    title = "Korvattavat päivät asiakkaittain ja yksiköittäin"
    name = _sheet_title(book, title)
    assert name == "Korvattavat päivät"
    assert whole_words(name, title)
    book.create_sheet(name)
    again = _sheet_title(book, title)
    assert again == "Korvattavat päivät 2"
    assert len(_sheet_title(book, "x" * 40)) == 31  # one word longer than the limit


def test_workbook_title_and_creator(world):
    book = read(render(build_report(params("attendance", *MARCH))))
    assert book.properties.title == f"{fi('Attendance')} 1.3.2025–31.3.2025"
    assert book.properties.title == "Läsnäolo 1.3.2025–31.3.2025"
    assert book.properties.creator == "KUTY"
