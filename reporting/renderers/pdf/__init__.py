"""PDF (WeasyPrint): the report as a printable A4 document in Finnish.

Like the printable plan (activation_plans/pdf.py): Finnish whatever the user's language
(``translation.override("fi")``), only system fonts (DejaVu Sans), nothing fetched from
outside (the page may carry identity codes), a running header — the organiser and the unit
from the filters, and the range — and "Sivu 1 / 3" in the footer from CSS page counters.

The body: the parameters, every table of :mod:`reporting.renderers.tables` with its totals
row, the data-quality counts, and who generated it and when. Money is written 9,00 €,
rates 87 %. The outcome report adds bar charts (participants by sex and by age, destinations
at exit) as inline SVG; the state-compensation claim ends with signature lines. The wide
tables of the allowance and attendance reports are set on landscape A4.

A hidden figure is "–", and every table, chart or list that shows one has the legend line
"– = hidden to protect privacy" below it; a chart whose figures are all hidden shows that line
instead of its bars.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext

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


def table_context(table: Table) -> dict[str, Any]:
    totals = None
    if table.totals is not None:
        totals = _cells(table, {**table.totals, table.columns[0].key: table.totals_label})
    return {
        "key": table.key,
        "title": table.title,
        "columns": [
            {"label": column.label, "num": column.type in NUMERIC} for column in table.columns
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
        "tables": [table_context(table) for table in report_tables(report)],
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
        "signature": report["kind"] == "state-compensation",
        "organiser": names.header_left,
    }


def render(report: dict[str, Any], meta: dict[str, Any] | None = None) -> bytes:
    # Imported here: WeasyPrint takes a second to import (see activation_plans/pdf.py).
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    with translation.override("fi"):
        html = render_to_string(TEMPLATE, build_context(report, meta))
        fetcher = URLFetcher(allowed_protocols=("data",))
        return HTML(string=html, url_fetcher=fetcher).write_pdf()
