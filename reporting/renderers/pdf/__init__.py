"""PDF (WeasyPrint): the report as a printable A4 document in Finnish.

Like the printable plan (activation_plans/pdf.py): Finnish whatever the user's language
(``translation.override("fi")``), only system fonts (DejaVu Sans), nothing fetched from
outside (the page may carry identity codes), a running header — the organiser and the unit
from the filters, and the range — and "Sivu 1 / 3" in the footer from CSS page counters.

The body: the parameters, every table of :mod:`reporting.renderers.tables` with its totals
row, the data-quality counts, and who generated it and when. Money is written 9,00 €,
rates 87 %. The outcome report adds bar charts (participants by sex and by age, destinations
at exit) as inline SVG; the state-compensation claim is one section per organiser, each
with its totals and signature lines. The wide
tables of the allowance and attendance reports are set on landscape A4.

Every table fits the page (:func:`column_widths`): a fixed layout whose widths come from the
column types — figures just as wide as their figures, the rest shared by the text columns,
which wrap — and smaller type for tables of many columns (the client rows). The document is
tagged PDF/UA (:mod:`kuty.pdf`), with ``<th scope>`` headers.

A hidden figure is "–", and every table, chart or list that shows one has the legend line
"– = hidden to protect privacy" below it; a chart whose figures are all hidden shows that line
instead of its bars.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext

from kuty.pdf import html_to_pdf

from ..formatting import (
    DASH,
    fi_date,
    fi_datetime,
    format_cell,
    generated_at,
    hidden_legend,
    parameter_rows,
    parse_date,
    scope_names,
)
from ..tables import (
    Column,
    Table,
    category_label,
    data_quality_rows,
    is_hidden,
    kind_title,
    report_tables,
)
from .charts import all_hidden, bar_chart

CONTENT_TYPE = "application/pdf"
EXTENSION = "pdf"
TEMPLATE = "reporting/pdf/report.html"
LANDSCAPE = frozenset({"allowance", "attendance"})
NUMERIC = frozenset({"count", "days", "money", "rate"})

# The width of the text between the page margins (A4, 14 mm margins left and right), in mm.
PAGE_WIDTH_MM = {"portrait": 210 - 28, "landscape": 297 - 28}
# A table of more columns than this is set in smaller type (WIDE_FONT_PT).
WIDE_COLUMNS = 10
# Figures: wide enough for the widest realistic figure in the smaller type ("123 456,78 €").
FIGURE_MM = {"count": 12.0, "days": 12.0, "rate": 12.5, "money": 19.0}
IDENTITY_CODE_MM = 21.0
# The text columns share what is left, in these proportions; never narrower than TEXT_MIN_MM.
TEXT_WEIGHTS = {"label": 3.0, "flags": 2.2, "unit": 1.6, "name": 1.5, "payer": 1.3}
TEXT_MIN_MM = 16.0


# The basic Finnish syllable rule: a word may break before a consonant followed by a vowel
# ("työ-haas-tat-te-lu"). WeasyPrint has no Finnish hyphenation dictionary, so the column
# headers of the narrow figure columns get soft hyphens this way.
_FI_BREAK = re.compile(r"(?<=[a-zåäö])(?=[bcdfghjklmnpqrsštvwxzž][aeiouyåäö][a-zåäö])", re.I)
SOFT_HYPHEN = "\u00ad"


def fi_hyphenate(label: str) -> str:
    """``label`` with soft hyphens at the syllable breaks of its long words."""
    return " ".join(
        _FI_BREAK.sub(SOFT_HYPHEN, word) if len(word) > 7 else word for word in label.split(" ")
    )


def _fixed_mm(column: Column, wide: bool) -> float | None:
    """The width a column needs whatever the page, or None for a text column that shares."""
    if column.type in FIGURE_MM:
        return FIGURE_MM[column.type] * (1.0 if wide else 1.15)
    if column.key == "hetu":
        return IDENTITY_CODE_MM if wide else IDENTITY_CODE_MM * 1.15
    return None


def column_widths(columns: list[Column], *, landscape: bool) -> list[float]:
    """Each column's width in percent of the table, so that the table fits between the margins:
    figures as wide as they need, text columns sharing the rest (their text wraps). When the
    figures alone would leave the text columns too little, the figures give way."""
    page = PAGE_WIDTH_MM["landscape" if landscape else "portrait"]
    wide = len(columns) > WIDE_COLUMNS
    fixed = [_fixed_mm(column, wide) for column in columns]
    weights = [TEXT_WEIGHTS.get(column.key, 1.0) for column in columns]
    text_weight = sum(w for w, mm in zip(weights, fixed, strict=True) if mm is None)
    fixed_total = sum(mm for mm in fixed if mm is not None)
    text_count = sum(1 for mm in fixed if mm is None)
    if fixed_total + text_count * TEXT_MIN_MM > page:
        shrink = max(page - text_count * TEXT_MIN_MM, 0) / fixed_total
        fixed = [mm * shrink if mm is not None else None for mm in fixed]
        fixed_total *= shrink
    rest = page - fixed_total
    widths = [
        mm if mm is not None else (rest * weight / text_weight if text_weight else 0.0)
        for mm, weight in zip(fixed, weights, strict=True)
    ]
    total = sum(widths)
    return [round(100 * width / total, 2) for width in widths]


def _cell_text(column_type: str, key: str, values: dict[str, Any]) -> str:
    if key not in values and column_type in NUMERIC:
        return ""  # not a figure of this row
    return format_cell(column_type, values.get(key))


def _cells(table: Table, values: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "text": _cell_text(column.type, column.key, values),
            "num": column.type in NUMERIC,
            "hidden": is_hidden(column, values),
        }
        for column in table.columns
    ]


def table_context(table: Table, *, landscape: bool = False) -> dict[str, Any]:
    totals = None
    if table.totals is not None:
        totals = _cells(table, {**table.totals, table.columns[0].key: table.totals_label})
    widths = column_widths(table.columns, landscape=landscape)
    return {
        "key": table.key,
        "title": table.title,
        "wide": len(table.columns) > WIDE_COLUMNS,
        "columns": [
            {
                "label": column.label,
                "header": fi_hyphenate(column.label),
                "num": column.type in NUMERIC,
                "width": width,
            }
            for column, width in zip(table.columns, widths, strict=True)
        ],
        "rows": [_cells(table, row) for row in table.rows],
        "totals": totals,
        "has_hidden": table.has_hidden,
    }


def outcome_charts(report: dict[str, Any]) -> list[dict[str, str]]:
    participants = report["participants"]
    by_sex = [
        (pgettext("report", "Women"), participants["woman"]),
        (pgettext("report", "Men"), participants["man"]),
        (pgettext("report", "Non-binary"), participants["non_binary"]),
        (pgettext("report", "Sex unknown"), participants["unknown"]),
    ]
    by_age = [
        (category_label("age_bands", band), counts["total"])
        for band, counts in report["age_bands"].items()
    ]
    destinations = [
        (category_label("destinations", code), counts["total"])
        for code, counts in report["destinations"].items()
        if code != "into_working_life"
    ]
    charts = [
        (pgettext("report", "Participants by sex"), by_sex),
        (pgettext("report", "Participants by age at entry"), by_age),
        (pgettext("report", "Destination at exit"), destinations),
    ]
    drawn = []
    for title, items in charts:
        if not items:
            continue
        # Nothing to draw but dashes: the legend line says why, instead of empty axes.
        svg = "" if all_hidden(items) else mark_safe(bar_chart(title, items))  # noqa: S308 (escaped)
        drawn.append(
            {
                "title": title,
                "svg": svg,
                "has_hidden": any(value is None for _label, value in items),
            }
        )
    return drawn


def _organiser_totals(units: list[dict[str, Any]], rows: list[dict[str, Any]] | None):  # type: ignore[no-untyped-def]
    """One organiser's totals from its units' rows; a sum with a hidden part is hidden (None),
    never the sum of the parts shown. Clients: distinct identity codes when the client rows
    are in the report, else the units' clients added up."""

    def add(key: str) -> Any:
        values = [unit.get(key) for unit in units]
        if any(value is None for value in values):
            return None
        if key == "amount":
            return str(sum((Decimal(value) for value in values), Decimal("0.00")))
        return sum(values)

    totals = {key: add(key) for key in ("attended_days", "compensated_days", "amount")}
    if rows is not None:
        totals["clients"] = len({row["hetu"] for row in rows})
    else:
        totals["clients"] = add("clients")
    return totals


def claim_sections(report: dict[str, Any], landscape: bool) -> list[dict[str, Any]]:
    """The state-compensation claim, one section per organiser: each organiser claims for its
    own units, with its own totals and its own signature line (DOMAIN.md §3). One organiser
    keeps the report's totals as they are."""
    organisers = sorted({unit.get("organiser") or "" for unit in report["units"]})
    if len(organisers) <= 1:
        name = organisers[0] if organisers else ""
        return [_section(report, name or scope_names(report["filters"]).header_left, landscape)]
    organiser_of = {unit.get("unit_code"): unit.get("organiser") or "" for unit in report["units"]}
    sections = []
    for name in organisers:
        units = [unit for unit in report["units"] if (unit.get("organiser") or "") == name]
        rows = None
        if "rows" in report:
            rows = [row for row in report["rows"] if organiser_of.get(row.get("unit_code")) == name]
        part = {**report, "units": units, "totals": _organiser_totals(units, rows)}
        if rows is not None:
            part["rows"] = rows
        sections.append(_section(part, name, landscape))
    return sections


def _section(report: dict[str, Any], organiser: str, landscape: bool) -> dict[str, Any]:
    totals = report["totals"]
    return {
        "organiser": organiser,
        "tables": [table_context(table, landscape=landscape) for table in report_tables(report)],
        "summary": [
            (pgettext("report", "Clients"), format_cell("count", totals.get("clients"))),
            (pgettext("report", "Total amount"), format_cell("money", totals.get("amount"))),
        ],
    }


def _text(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        return fi_datetime(value)
    if isinstance(value, datetime.date):
        return fi_date(value)
    return str(value)


def _summary(report: dict[str, Any]) -> list[tuple[str, str]]:
    """The figures a reader looks for first."""
    totals = report.get("totals") or {}
    if report["kind"] == "outcome":
        participants = report["participants"]["total"]
        left = report["exits"]["total"]["total"]
        return [
            (pgettext("report", "Participants"), format_cell("count", participants)),
            (pgettext("report", "Left during the range"), format_cell("count", left)),
        ]
    rows = [(pgettext("report", "Clients"), format_cell("count", totals.get("clients")))]
    if "amount" in totals:
        rows.append((pgettext("report", "Total amount"), format_cell("money", totals["amount"])))
    return rows


def build_context(report: dict[str, Any], meta: dict[str, Any] | None) -> dict[str, Any]:
    meta = meta or {}
    names = scope_names(report["filters"])
    summary = _summary(report)
    date_from, date_to = parse_date(report["from"]), parse_date(report["to"])
    parameters = [(label, _text(value)) for label, value in parameter_rows(report, names, meta)]
    generated_by = meta.get("generated_by") or (
        pgettext("report", "KUTY, scheduled report") if meta.get("scheduled") else ""
    )
    return {
        "kind": report["kind"],
        "title": kind_title(report["kind"]),
        "range": f"{fi_date(date_from)}–{fi_date(date_to)}",
        "header_left": names.header_left,
        "header_right": names.header_right,
        "parameters": parameters,
        "summary": summary,
        "tables": [
            table_context(table, landscape=report["kind"] in LANDSCAPE)
            for table in report_tables(report)
        ],
        # The claim: per organiser, each with its tables, totals and signature line.
        "sections": (
            claim_sections(report, report["kind"] in LANDSCAPE)
            if report["kind"] == "state-compensation"
            else []
        ),
        "charts": outcome_charts(report) if report["kind"] == "outcome" else [],
        "data_quality": [
            (label, format_cell("count", value)) for _key, label, value in data_quality_rows(report)
        ],
        "data_quality_hidden": any(value is None for *_rest, value in data_quality_rows(report)),
        "summary_hidden": any(value == DASH for _label, value in summary),
        "legend": hidden_legend(),
        # Present days before the first dated rate: counted, never priced (DOMAIN.md §3).
        "unpriced_days": (report.get("totals") or {}).get("unpriced_days") or 0,
        "suppress_below": report.get("suppress_below"),
        "generated_at": fi_datetime(generated_at(report)),
        "generated_by": generated_by,
        "landscape": report["kind"] in LANDSCAPE,
    }


def render(report: dict[str, Any], meta: dict[str, Any] | None = None) -> bytes:
    with translation.override("fi"):
        html = render_to_string(TEMPLATE, build_context(report, meta))
    return html_to_pdf(html)
