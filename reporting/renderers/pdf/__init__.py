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

import contextlib
import datetime
import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import pgettext

from kuty.pdf import PageNumberStyle, PdfJoiner, html_to_pdf_file, page_number_style
from kuty.pdf_workers import PartRenderers
from kuty.pdf_workers import processes as pdf_processes

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
# The page and its footer (report.html): the page numbers of a document in parts are drawn
# the same way (kuty.pdf.page_number_style).
PAGE_MARGIN = "22mm 14mm 20mm 14mm"
PAGE_CSS_PORTRAIT = f"size: A4; margin: {PAGE_MARGIN};"
PAGE_CSS_LANDSCAPE = f"size: A4 landscape; margin: {PAGE_MARGIN};"
FOOTER_CSS = 'font-family: "DejaVu Sans", sans-serif; font-size: 8.5pt; color: #444;'

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


def table_context(
    table: Table,
    *,
    landscape: bool = False,
    start: int = 0,
    end: int | None = None,
) -> dict[str, Any]:
    """The template's view of ``table``, or of its rows ``start:end`` (a part of a long
    document): the totals row and the legend go with the last rows, a part after the first
    says that the table continues."""
    last = end is None or end >= len(table.rows)
    totals = None
    if table.totals is not None and last:
        totals = _cells(table, {**table.totals, table.columns[0].key: table.totals_label})
    widths = column_widths(table.columns, landscape=landscape)
    rows = table.rows if start == 0 and last else table.rows[start:end]
    return {
        "key": table.key,
        "title": table.title,
        "continued": start > 0,
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
        "rows": [_cells(table, row) for row in rows],
        "totals": totals,
        "has_hidden": last and table.has_hidden,
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


def claim_sections(
    report: dict[str, Any], landscape: bool, *, cells: bool = True
) -> list[dict[str, Any]]:
    """The state-compensation claim, one section per organiser: each organiser claims for its
    own units, with its own totals and its own signature line (DOMAIN.md §3). One organiser
    keeps the report's totals as they are."""
    organisers = sorted({unit.get("organiser") or "" for unit in report["units"]})
    if len(organisers) <= 1:
        name = organisers[0] if organisers else ""
        header = name or scope_names(report["filters"]).header_left
        return [_section(report, header, landscape, cells=cells)]
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
        sections.append(_section(part, name, landscape, cells=cells))
    return sections


def _section(
    report: dict[str, Any], organiser: str, landscape: bool, *, cells: bool = True
) -> dict[str, Any]:
    totals = report["totals"]
    tables = report_tables(report)
    return {
        "organiser": organiser,
        "table_objects": tables,
        "tables": [table_context(table, landscape=landscape) for table in tables] if cells else [],
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


def build_context(
    report: dict[str, Any], meta: dict[str, Any] | None, *, cells: bool = True
) -> dict[str, Any]:
    """The whole document's context, as one part (``blocks``: the tables in the claim's
    sections or on their own). With ``cells=False`` the tables are left for the parts to fill
    (:func:`document_parts`): only their ``Table`` objects are kept."""
    meta = meta or {}
    landscape = report["kind"] in LANDSCAPE
    names = scope_names(report["filters"])
    summary = _summary(report)
    date_from, date_to = parse_date(report["from"]), parse_date(report["to"])
    parameters = [(label, _text(value)) for label, value in parameter_rows(report, names, meta)]
    generated_by = meta.get("generated_by") or (
        pgettext("report", "KUTY, scheduled report") if meta.get("scheduled") else ""
    )
    context = {
        "kind": report["kind"],
        "title": kind_title(report["kind"]),
        "range": f"{fi_date(date_from)}–{fi_date(date_to)}",
        "header_left": names.header_left,
        "header_right": names.header_right,
        "parameters": parameters,
        "summary": summary,
        "tables": [],
        # The claim: per organiser, each with its tables, totals and signature line.
        "sections": (
            claim_sections(report, landscape, cells=cells)
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
        "landscape": landscape,
        # One part (the whole document): the first page's matter, the end, page numbers by CSS.
        "front": True,
        "back": True,
        "numbered": True,
    }
    if not context["sections"]:
        context["table_objects"] = report_tables(report)
        if cells:
            context["tables"] = [
                table_context(table, landscape=landscape) for table in context["table_objects"]
            ]
    context["blocks"] = _blocks(context)
    return context


def _blocks(context: dict[str, Any]) -> list[dict[str, Any]]:
    """The tables of a whole document in the template's blocks: one per claim section (with
    its heading, summary and signatures), or one without a section."""
    if context["sections"]:
        return [
            {"claim": section, "head": True, "tail": True, "next": index > 0,
             "tables": section["tables"]}
            for index, section in enumerate(context["sections"])
        ]  # fmt: skip
    return [{"claim": None, "head": True, "tail": True, "next": False, "tables": context["tables"]}]


def render(report: dict[str, Any], meta: dict[str, Any] | None = None) -> bytes:
    """The report as one PDF (in parts joined, when it is long)."""
    buffer = io.BytesIO()
    write_pdf(report, buffer, meta=meta)
    return buffer.getvalue()


def rows_per_part() -> int:
    return max(int(getattr(settings, "REPORT_PDF_PART_ROWS", 300)), 1)


def max_pages() -> int:
    return int(getattr(settings, "REPORT_PDF_MAX_PAGES", 2000))


def _table_rows(context: dict[str, Any]) -> int:
    groups = context["sections"] or [context]
    return sum(len(table.rows) for group in groups for table in group["table_objects"])


def document_parts(
    report: dict[str, Any], meta: dict[str, Any] | None, per_part: int
) -> Iterator[dict[str, Any]]:
    """The template contexts of the document's parts, each with at most ``per_part`` table
    rows (a table longer than that goes on in the next part; a short one is never split).
    The first part has the first page's matter, the last one the data quality and the end.
    Each part's cells are made only when it is its turn, so memory holds one part."""
    base = build_context(report, meta, cells=False)
    landscape = base["landscape"]
    claims = base["sections"] or [None]
    budget = per_part
    part: dict[str, Any] = {**base, "front": True, "back": False, "numbered": False, "blocks": []}

    def cells(plan: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {**block, "tables": [
                table_context(table, landscape=landscape, start=start, end=end)
                for table, start, end in block["tables"]
            ]}
            for block in plan
        ]  # fmt: skip

    for index, claim in enumerate(claims):
        tables = claim["table_objects"] if claim else base["table_objects"]
        block = {"claim": claim, "head": True, "tail": False, "next": index > 0, "tables": []}
        part["blocks"].append(block)
        for table in tables:
            start, count = 0, len(table.rows)
            while True:
                if budget <= 0 and (start < count or count == 0):
                    yield {**part, "blocks": cells(part["blocks"])}
                    budget = per_part
                    block = {"claim": claim, "head": False, "tail": False, "next": False,
                             "tables": []}  # fmt: skip
                    part = {**part, "front": False, "blocks": [block]}
                take = min(count - start, budget)
                block["tables"].append((table, start, start + take))
                budget -= max(take, 1)
                start += take
                if start >= count:
                    break
        block["tail"] = True
    yield {**part, "back": True, "blocks": cells(part["blocks"])}


def _page_numbers(landscape: bool) -> PageNumberStyle:
    """ "Sivu X / Y" as report.html's footer draws it (called in Finnish)."""
    label = pgettext("report PDF", "Page").replace("{", "{{").replace("}", "}}")
    page_css = PAGE_CSS_LANDSCAPE if landscape else PAGE_CSS_PORTRAIT
    return page_number_style(page_css, FOOTER_CSS, label + " {page} / {pages}")


class TooManyPages(Exception):
    """The document passed REPORT_PDF_MAX_PAGES while it was written."""


def write_pdf(
    report: dict[str, Any],
    out: BinaryIO,
    *,
    meta: dict[str, Any] | None = None,
    page_limit: int | None = None,
    renderers: PartRenderers | None = None,
) -> int:
    """Write the report as one tagged PDF to ``out``; returns its number of pages.

    A report of at most ``rows_per_part()`` table rows is one WeasyPrint document, as always.
    A longer one is rendered in parts, joined as they come (:class:`kuty.pdf.PdfJoiner`), so
    that memory holds one part whatever the report's size; the page numbers are stamped over
    the whole document at the end. The parts are laid out side by side in
    ``REPORT_PDF_PROCESSES`` worker processes (:mod:`kuty.pdf_workers`) and joined in order.
    ``renderers``: workers already started (a zip's PDFs share them). With ``page_limit``,
    raises :class:`TooManyPages` as soon as the document will clearly be longer (estimated
    after the first part, checked after each)."""
    per_part = rows_per_part()
    with translation.override("fi"):
        parts = document_parts(report, meta, per_part)
        first = next(parts)
        following = next(parts, None)
        if following is None:  # one part: WeasyPrint numbers the pages itself
            html = render_to_string(TEMPLATE, {**first, "numbered": True})
            html_to_pdf_file(html, out)
            return -1
        rows = _table_rows(first)
        style = _page_numbers(first["landscape"])
        joiner = PdfJoiner(out, page_numbers=style)
        htmls = (render_to_string(TEMPLATE, part) for part in (first, following, *parts))
        with contextlib.ExitStack() as stack:
            if renderers is None:
                renderers = stack.enter_context(PartRenderers(pdf_processes()))
            pdfs = renderers.render(htmls)
            pages = joiner.add(next(pdfs))
            done = sum(len(t["rows"]) for block in first["blocks"] for t in block["tables"])
            if page_limit is not None and done and pages * rows / done > page_limit:
                raise TooManyPages(pages * rows // done)
            for pdf in pdfs:
                pages += joiner.add(pdf)
                if page_limit is not None and pages > page_limit:
                    raise TooManyPages(pages)
        return joiner.finish()


# --- above the page limit: one PDF per unit, in a zip -------------------------------------------

ZIP_CONTENT_TYPE = "application/zip"


@dataclass
class Written:
    """What :func:`write` wrote: its content type and file extension."""

    content_type: str
    extension: str
    units: int = 0  # PDFs of units in the zip; 0 for one PDF


def write(report: dict[str, Any], out: BinaryIO, *, meta: dict[str, Any] | None = None) -> Written:
    """The report run's PDF: one document, or — when it would be longer than
    REPORT_PDF_MAX_PAGES and the report has rows of several units — a zip with a summary PDF
    (the report without the client rows) and one PDF per unit with its clients."""
    units = report.get("units") or []
    personal = _personal_key(report)
    limit = max_pages() if personal and len(units) > 1 else None
    start = out.tell()
    try:
        write_pdf(report, out, meta=meta, page_limit=limit)
    except TooManyPages:
        out.seek(start)
        out.truncate()
        return _write_zip(report, out, meta=meta, personal=personal)
    return Written(CONTENT_TYPE, EXTENSION)


def _personal_key(report: dict[str, Any]) -> str | None:
    for key in ("rows", "clients"):
        if key in report:
            return key
    return None


def _write_zip(
    report: dict[str, Any], out: BinaryIO, *, meta: dict[str, Any] | None, personal: str | None
) -> Written:
    summary = {key: value for key, value in report.items() if key != personal}
    count = 0
    with (
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive,
        PartRenderers(pdf_processes()) as renderers,
    ):
        with translation.override("fi"):
            first = "00_" + slugify(pgettext("report PDF", "summary")) + ".pdf"
        _zip_pdf(archive, first, summary, meta, renderers)
        for index, unit_report in enumerate(unit_reports(report, personal), start=1):
            name = slugify(unit_report["units"][0].get("unit") or "") or f"unit-{index}"
            _zip_pdf(archive, f"{index:02d}_{name}.pdf", unit_report, meta, renderers)
            count += 1
    return Written(ZIP_CONTENT_TYPE, "zip", units=count)


def _zip_pdf(
    archive: zipfile.ZipFile,
    name: str,
    report: dict[str, Any],
    meta: dict[str, Any] | None,
    renderers: PartRenderers,
) -> None:
    with tempfile.TemporaryFile() as part, archive.open(name, "w", force_zip64=True) as target:
        write_pdf(report, part, meta=meta, renderers=renderers)
        part.seek(0)
        shutil.copyfileobj(part, target, 1024 * 1024)


def unit_reports(report: dict[str, Any], personal: str | None) -> Iterator[dict[str, Any]]:
    """The report cut by unit: each unit's row, its clients, its figures as the totals."""
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for row in report.get(personal or "", []) if personal else []:
        by_unit.setdefault(row.get("unit_code") or "", []).append(row)
    for unit in report["units"]:
        code = unit.get("unit_code") or ""
        rows = by_unit.get(code, [])
        part = {
            **report,
            "filters": {**report["filters"], "units": [code] if code else []},
            "units": [unit],
            "totals": {**report["totals"], **unit},
            "data_quality": {},
        }
        if personal:
            part[personal] = rows
        if "totals_by_payer" in report:
            part["totals_by_payer"] = _payer_totals(rows)
        yield part


def _payer_totals(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The payers of one unit's rows (figures of personal rows are never hidden)."""
    payers: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row.get("present_days") is None or row.get("amount") is None:
            return {}
        entry = payers.setdefault(
            row.get("payer") or "unknown", {"hetus": set(), "present_days": 0, "amount": Decimal(0)}
        )
        entry["hetus"].add(row.get("hetu"))
        entry["present_days"] += row["present_days"]
        entry["amount"] += Decimal(row["amount"])
    return {
        payer: {
            "clients": len(entry["hetus"]),
            "present_days": entry["present_days"],
            "amount": str(entry["amount"].quantize(Decimal("0.01"))),
        }
        for payer, entry in payers.items()
    }
