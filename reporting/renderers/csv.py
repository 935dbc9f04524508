"""CSV for people: what an official opens in a spreadsheet (LibreOffice or Excel in Finnish).

UTF-8 with a BOM, ``;`` between cells, decimal comma, in the active language (the user's; the
default is Finnish). Headers and coded values are the words the XLSX and the PDF use
(reporting/renderers/tables.py): "Läsnäolopäivät", "Kela (kulukorvaus)", "Työmarkkinatuki",
sexes, exit reasons, destinations, warnings. Scripts that want the code names take the
``csv-codes`` format (reporting/renderers/csv_codes.py), the one table it always was.

The file is blocks separated by a blank line:

1. What the report is: ``label;value`` rows — the report's name, the range, the filters in
   words, small counts, personal data, when and by whom it was made (``meta``, as for the XLSX).
2. One section per table, each a title line, a header row and its rows, so that each can be
   selected on its own for a pivot table: for ``allowance``, ``attendance`` and
   ``state-compensation`` the clients (only with personal data), the units and the totals (for
   ``allowance`` per payer and overall); for ``outcome`` all participants, then one section per
   table (age, labour-market status, education, disadvantage, leaving, destinations). Then the
   data-quality counts.

Counts and days are whole numbers, euros and attendance rates have a decimal comma ("81,00",
"0,87"), dates are Finnish ("1.3.2025"). A hidden figure (a small count of people, or a figure
from which one could be worked out) is "–", never an empty cell (that would read as zero), and
the file then ends with the legend line "– = hidden to protect privacy". A cell that begins with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, so a
spreadsheet shows it as text and never runs it as a formula.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import pgettext

from .csv_codes import DELIMITER, escape
from .formatting import (
    DASH,
    fi_date,
    fi_datetime,
    hidden_legend,
    parameter_rows,
    scope_names,
)
from .tables import Column, Table, data_quality_rows, is_hidden, report_tables

CONTENT_TYPE = "text/csv; charset=utf-8"
EXTENSION = "csv"


@dataclass
class Section:
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]


def cell(column_type: str, value: Any) -> str:
    """A shown value as a spreadsheet reads it: numbers as numbers, text never a formula."""
    if value is None:
        return ""
    if column_type in ("count", "days"):
        return str(int(value))
    if column_type in ("money", "rate"):
        return str(value).replace(".", ",")
    if isinstance(value, datetime.datetime):
        return fi_datetime(value)
    if isinstance(value, datetime.date):
        return fi_date(value)
    if isinstance(value, list | tuple):
        value = ", ".join(str(item) for item in value)
    return escape(str(value))


def _with_label(table: Table) -> dict[str, Any]:
    """The table's totals as a row, its label in the first column."""
    return {**(table.totals or {}), table.columns[0].key: table.totals_label}


def _outcome_sections(tables: list[Table]) -> list[Section]:
    first = tables[0]
    everyone = {**(first.totals or {}), "label": first.totals_label}
    sections = [Section(pgettext("report", "Participants"), first.columns, [everyone])]
    # Each table without its totals row: the totals are the participants (or the leavers)
    # already shown, and a pivot table adds the rows up itself.
    sections += [Section(table.title, table.columns, table.rows) for table in tables]
    return sections


def _sections(report: dict[str, Any]) -> list[Section]:
    tables = report_tables(report)
    if report["kind"] == "outcome":
        return _outcome_sections(tables)
    by_key = {table.key: table for table in tables}
    sections = []
    if "clients" in by_key:
        clients = by_key["clients"]
        sections.append(Section(pgettext("report", "Clients"), clients.columns, clients.rows))
    units = by_key["units"]
    sections.append(Section(pgettext("report", "Units"), units.columns, units.rows))
    if "payers" in by_key:  # the allowance: a total per payer, then the overall total
        payers = by_key["payers"]
        columns = list(payers.columns)
        if any(column.key == "unpriced_days" for column in units.columns):
            unpriced = next(c for c in units.columns if c.key == "unpriced_days")
            columns.insert(3, unpriced)
        totals = [*payers.rows, _with_label(payers)]
        sections.append(Section(pgettext("report", "Totals"), columns, totals))
    else:
        sections.append(Section(pgettext("report", "Totals"), units.columns, [_with_label(units)]))
    return sections


def _quality_section(report: dict[str, Any]) -> list[Section]:
    rows = [{"label": label, "count": value} for _key, label, value in data_quality_rows(report)]
    if not rows:
        return []
    columns = [
        Column("label", pgettext("report", "Figure")),
        Column("count", pgettext("report", "Count"), "count"),
    ]
    return [Section(pgettext("report", "Data quality"), columns, rows)]


def _lines(report: dict[str, Any], meta: dict[str, Any] | None) -> list[Sequence[str]]:
    names = scope_names(report["filters"])
    lines: list[Sequence[str]] = [
        [escape(label), cell("text", value)] for label, value in parameter_rows(report, names, meta)
    ]
    any_hidden = False
    for section in [*_sections(report), *_quality_section(report)]:
        lines += [[], [escape(section.title)], [escape(c.label) for c in section.columns]]
        for row in section.rows:
            cells = []
            for column in section.columns:
                if is_hidden(column, row):
                    cells.append(DASH)
                    any_hidden = True
                else:
                    cells.append(cell(column.type, row.get(column.key)))
            lines.append(cells)
    if any_hidden:
        lines += [[], [hidden_legend()]]
    return lines


def render(report: dict[str, Any], meta: dict[str, Any] | None = None) -> bytes:
    """The report in the active language. ``meta`` says who made it (reporting/runs.py)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerows(_lines(report, meta))
    return ("\ufeff" + out.getvalue()).encode("utf-8")
