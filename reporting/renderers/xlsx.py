"""XLSX (openpyxl): a sheet per table, then "Tietojen laatu" (data quality) and "Parametrit".

Sheet names are short words that fit Excel's limit of 31 characters in every language
("Asiakkaat", "Yksiköt", "Maksajat", "Ikä", …; :func:`sheet_name`), never a title cut
mid-word. The workbook's properties say what it is: the title is the report's name and range,
the creator "KUTY".

Written in Finnish (``translation.override("fi")``), like the PDF. Each table sheet has a bold
header row (frozen, with a filter), the rows, and a bold totals row; numbers are numbers with
formats — euros ``#,##0.00 "€"``, counts and days ``#,##0``, attendance rates as percent —
so a spreadsheet can add them up. A hidden figure (a small count of people, or a figure from
which one could be worked out) is the text "–", never an empty cell (that would read as zero),
and a sheet that shows one ends with the legend line "– = hidden to protect privacy". The parameters
sheet says what the figures are: the range (as dates), the filters in words, suppression,
whether personal data is included, when and by whom the report was generated.

Text is never taken for a formula: a cell whose text begins with "=" is stored as text.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .formatting import DASH, fi_date, hidden_legend, parameter_rows, parse_date, scope_names
from .tables import Column, Table, data_quality_rows, is_hidden, kind_title, report_tables

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSION = "xlsx"

EURO_FORMAT = '#,##0.00 "€"'
INTEGER_FORMAT = "#,##0"
PERCENT_FORMAT = "0 %"
DATE_FORMAT = "d.m.yyyy"
DATETIME_FORMAT = "d.m.yyyy h:mm"
NUMBER_FORMATS = {
    "count": INTEGER_FORMAT,
    "days": INTEGER_FORMAT,
    "money": EURO_FORMAT,
    "rate": PERCENT_FORMAT,
}
BOLD = Font(bold=True)
ITALIC = Font(italic=True)
RIGHT = Alignment(horizontal="right")
HEADER_FILL = PatternFill("solid", fgColor="DDE3EE")
MIN_WIDTH, MAX_WIDTH = 8, 60
SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))
SHEET_NAME_MAX = 31  # Excel's limit
CREATOR = "KUTY"


def sheet_name(table: Table) -> str:
    """A short name for the table's sheet (its title is what the PDF shows)."""
    names = {
        "clients": pgettext("report", "Clients"),
        "units": pgettext("report", "Units"),
        "payers": pgettext("report", "Payers"),
        "age_bands": pgettext("report", "Age"),
        "labour_market_status": pgettext("report", "Labour-market status"),
        "education": pgettext("report", "Education"),
        "disadvantage": pgettext("report", "Disadvantage"),
        "exits": pgettext("report", "Leaving"),
        "destinations": pgettext("report", "Destination at exit"),
        "destinations_6m": pgettext("report", "Destination after 6 months"),
    }
    return names.get(table.key, table.title)


def _whole_words(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word's end (mid-word only for a
    single word longer than the limit)."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0].rstrip(" ,;–-(")
    return cut if cut and len(cut) <= limit else text[:limit]


def workbook_title(report: dict[str, Any]) -> str:
    """The report's name and range, e.g. "Läsnäolo 1.3.2025–31.3.2025"."""
    start, end = parse_date(report["from"]), parse_date(report["to"])
    return f"{kind_title(report['kind'])} {fi_date(start)}–{fi_date(end)}"


def cell_value(column_type: str, value: Any) -> Any:
    """The value as the spreadsheet stores it: money and rates as numbers."""
    if value is None:
        return None
    if column_type in ("money", "rate"):
        return Decimal(str(value))
    if column_type in ("count", "days"):
        return int(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _put(sheet: Worksheet, row: int, column: int, value: Any, number_format: str = "") -> Cell:
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, never a formula
    if number_format:
        cell.number_format = number_format
    return cell


def _display_width(value: Any, number_format: str) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime.date | datetime.datetime):
        return 16
    if isinstance(value, Decimal | int) and number_format == EURO_FORMAT:
        return len(f"{value:,.2f}") + 2
    return max((len(line) for line in str(value).splitlines()), default=0)


def _fit_columns(sheet: Worksheet, widths: dict[int, int]) -> None:
    for column, width in widths.items():
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = max(MIN_WIDTH, min(MAX_WIDTH, width + 2))


def _sheet_title(workbook: Workbook, title: str) -> str:
    base = _whole_words(" ".join(title.translate(SHEET_NAME_FORBIDDEN).split()), SHEET_NAME_MAX)
    base = base or "Sheet"
    name, number = base, 2
    while name in workbook.sheetnames:
        suffix = f" {number}"
        name, number = _whole_words(base, SHEET_NAME_MAX - len(suffix)) + suffix, number + 1
    return name


def _write_row(
    sheet: Worksheet,
    row: int,
    columns: list[Column],
    values: dict[str, Any],
    widths: dict[int, int],
    *,
    bold: bool = False,
) -> None:
    for index, column in enumerate(columns, start=1):
        if is_hidden(column, values):
            value: Any = DASH
            cell = _put(sheet, row, index, value)
            cell.alignment = RIGHT
        else:
            value = cell_value(column.type, values.get(column.key))
            cell = _put(sheet, row, index, value, NUMBER_FORMATS.get(column.type, ""))
        if bold:
            cell.font = BOLD
        number_format = NUMBER_FORMATS.get(column.type, "")
        widths[index] = max(widths.get(index, 0), _display_width(value, number_format))


def _write_legend(sheet: Worksheet, row: int) -> None:
    """The legend of "–", a row below the last one written."""
    _put(sheet, row + 2, 1, hidden_legend()).font = ITALIC


def write_table(workbook: Workbook, table: Table) -> Worksheet:
    sheet = workbook.create_sheet(_sheet_title(workbook, sheet_name(table)))
    widths: dict[int, int] = {}
    for index, column in enumerate(table.columns, start=1):
        cell = _put(sheet, 1, index, column.label)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        widths[index] = min(len(column.label), 24)
    for row_number, row in enumerate(table.rows, start=2):
        _write_row(sheet, row_number, table.columns, row, widths)
    last = len(table.rows) + 1
    if table.totals is not None:
        totals = {**table.totals, table.columns[0].key: table.totals_label}
        _write_row(sheet, last + 1, table.columns, totals, widths, bold=True)
    if table.has_hidden:
        _write_legend(sheet, last + (1 if table.totals is not None else 0))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{max(last, 1)}"
    _fit_columns(sheet, widths)
    return sheet


def _write_pairs(workbook: Workbook, title: str, pairs: list[tuple[str, Any]]) -> Worksheet:
    sheet = workbook.create_sheet(_sheet_title(workbook, title))
    widths = {1: 0, 2: 0}
    for row, (label, value) in enumerate(pairs, start=1):
        _put(sheet, row, 1, label).font = BOLD
        number_format = ""
        if isinstance(value, datetime.datetime):
            value = value.replace(tzinfo=None)  # local (Helsinki) time; Excel has no zones
            number_format = DATETIME_FORMAT
        elif isinstance(value, datetime.date):
            number_format = DATE_FORMAT
        elif isinstance(value, int):
            number_format = INTEGER_FORMAT
        cell = _put(sheet, row, 2, cell_value("text", value), number_format)
        if value is None:  # a hidden figure
            cell.value, cell.alignment = DASH, RIGHT
        widths[1] = max(widths[1], len(label))
        widths[2] = max(widths[2], _display_width(value, number_format))
    if any(value is None for _label, value in pairs):
        _write_legend(sheet, len(pairs))
    _fit_columns(sheet, widths)
    return sheet


def render(report: dict[str, Any], meta: dict[str, Any] | None = None) -> bytes:
    with translation.override("fi"):
        workbook = Workbook()
        workbook.remove(workbook.active)
        for table in report_tables(report):
            write_table(workbook, table)
        quality = [(label, value) for _key, label, value in data_quality_rows(report)]
        if quality:
            _write_pairs(workbook, pgettext("report", "Data quality"), quality)
        names = scope_names(report["filters"])
        _write_pairs(
            workbook, pgettext("report", "Parameters"), parameter_rows(report, names, meta)
        )
        workbook.active = 0
        workbook.properties.title = workbook_title(report)
        workbook.properties.creator = CREATOR
        out = io.BytesIO()
        workbook.save(out)
    return out.getvalue()
