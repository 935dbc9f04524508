"""CSV for programs (format ``csv-codes``): the JSON's code names, one flat table per report.

What the ``csv`` format was before it was written for people (reporting/renderers/csv.py);
kept as it was for scripts that read it. UTF-8 with a BOM, ``;`` between cells, decimal comma.
A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
apostrophe, so a spreadsheet shows it as text and never runs it as a formula.

A header row of code names first. A hidden figure (null in JSON: a small count of people, or a
figure from which one could be worked out) is written "–", never left empty (an empty cell reads
as zero), and the file then ends with the legend line "– = hidden to protect privacy" in
Finnish. The data-quality block is in the outcome table only; see the JSON for the other reports.

- ``outcome``: ``section;category;total;woman;man;non_binary;unknown`` — one row per figure:
  ``participants``, then each age band, labour-market status, education, disadvantage, exit,
  destination and 6-month destination, then the ``data_quality`` counts (in ``total``).
- ``allowance``: one ``client`` row per client, unit and benefit (only with personal data), then
  one ``unit`` row per unit, then a ``total`` row per payer and the overall ``total``.
- ``attendance``: ``client`` rows (only with personal data; flags separated by commas), then
  ``unit`` rows, then the ``total`` row.
- ``state-compensation``: ``client`` rows (only with personal data), ``unit`` rows, ``total``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.utils import translation

from reporting.builders.common import ABSENCE_CODES, SEX_KEYS
from reporting.numbers import DASH

from .formatting import hidden_legend

CONTENT_TYPE = "text/csv; charset=utf-8"
EXTENSION = "csv"
DELIMITER = ";"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Columns written with a decimal comma.
DECIMAL_COLUMNS = frozenset({"amount", "attendance_rate"})
# Columns of words and codes; every other column holds figures, which may be hidden.
TEXT_COLUMNS = frozenset(
    {"section", "category", "row", "hetu", "name", "unit", "unit_code", "benefit", "payer",
     "organiser", "flags"}
)  # fmt: skip

Table = tuple[Sequence[str], Iterable[dict[str, Any]]]


def escape(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell(column: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        value = ",".join(str(item) for item in value)
    text = str(value)
    if column in DECIMAL_COLUMNS:
        text = text.replace(".", ",")
    return escape(text)


def _outcome(report: dict[str, Any]) -> Table:
    columns = ["section", "category", *SEX_KEYS]
    rows: list[dict[str, Any]] = [{"section": "participants", **report["participants"]}]
    for section in (
        "age_bands",
        "labour_market_status",
        "education",
        "disadvantage",
        "exits",
        "destinations",
        "destinations_6m",
    ):
        rows.extend(
            {"section": section, "category": category, **counts}
            for category, counts in report[section].items()
        )
    rows.extend(
        {"section": "data_quality", "category": key, "total": value}
        for key, value in report["data_quality"].items()
    )
    return columns, rows


def _with_absences(item: dict[str, Any]) -> dict[str, Any]:
    return {**item, **item.get("absence_days", {})}


def _allowance(report: dict[str, Any]) -> Table:
    columns = [
        "row",
        "hetu",
        "name",
        "unit",
        "unit_code",
        "benefit",
        "payer",
        "clients",
        "present_days",
        "unpriced_days",
        *ABSENCE_CODES,
        "not_organised_days",
        "amount",
    ]
    rows = [{"row": "client", **_with_absences(row)} for row in report.get("rows", [])]
    rows += [{"row": "unit", **_with_absences(unit)} for unit in report["units"]]
    rows += [
        {"row": "total", "payer": payer, **totals}
        for payer, totals in report["totals_by_payer"].items()
    ]
    rows.append({"row": "total", **report["totals"]})
    return columns, rows


def _attendance(report: dict[str, Any]) -> Table:
    columns = [
        "row",
        "hetu",
        "name",
        "unit",
        "unit_code",
        "clients",
        "planned_days",
        "present_days",
        *ABSENCE_CODES,
        "not_organised_days",
        "attendance_rate",
        "flags",
    ]
    rows = [{"row": "client", **_with_absences(row)} for row in report.get("clients", [])]
    rows += [{"row": "unit", **_with_absences(unit)} for unit in report["units"]]
    rows.append({"row": "total", **_with_absences(report["totals"])})
    return columns, rows


def _state_compensation(report: dict[str, Any]) -> Table:
    columns = [
        "row",
        "hetu",
        "name",
        "unit",
        "unit_code",
        "organiser",
        "clients",
        "attended_days",
        "compensated_days",
        "amount",
    ]
    rows = [{"row": "client", **row} for row in report.get("rows", [])]
    rows += [{"row": "unit", **unit} for unit in report["units"]]
    rows.append({"row": "total", **report["totals"]})
    return columns, rows


TABLES: dict[str, Callable[[dict[str, Any]], Table]] = {
    "outcome": _outcome,
    "allowance": _allowance,
    "attendance": _attendance,
    "state-compensation": _state_compensation,
}


def hidden(row: dict[str, Any], column: str) -> bool:
    """Whether the row's figure in ``column`` is hidden (there, and None)."""
    return column not in TEXT_COLUMNS and column in row and row[column] is None


def render(report: dict[str, Any], meta: dict[str, Any] | None = None) -> bytes:
    """The table; ``meta`` (who made it) is not part of this format."""
    columns, rows = TABLES[report["kind"]](report)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow(columns)
    any_hidden = False
    for row in rows:
        cells = []
        for column in columns:
            if hidden(row, column):
                cells.append(DASH)
                any_hidden = True
            else:
                cells.append(cell(column, row.get(column)))
        writer.writerow(cells)
    if any_hidden:
        with translation.override("fi"):
            writer.writerow([hidden_legend()])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
