"""The tables of each report, shared by the XLSX and PDF renderers.

One place decides what a report shows as tables — which rows, which columns, their labels and
the totals row — so that a spreadsheet sheet and a PDF table never disagree. Labels come from
the models' choices where there are some (they are translated already), the rest are strings
with the context "report". Call these functions inside ``translation.override``.

Column types tell the renderers how to show a value: ``text``; ``count`` (people); ``days``;
``money`` (a string with two decimals, "81.00"); ``rate`` (a string fraction, "0.87"). A
figure that the report hides (None in JSON: a small count of people, or a figure from which one
could be worked out) is :func:`is_hidden`; every renderer writes it as "–", never as a blank
or a zero, and adds the legend line wherever one is shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.text import capfirst
from django.utils.translation import pgettext

from clients.models import (
    DISADVANTAGE_FIELDS,
    Benefit,
    Client,
    Destination,
    Education,
    ExitReason,
    LabourMarketStatus,
)
from guidance.models import ABSENCE_STATUSES, AttendanceStatus
from guidance.warnings import (
    CHILD_SICK_OVER_4_DAYS,
    OVER_WEEKLY_DAYS,
    SICK_OVER_3_DAYS,
    UNJUSTIFIED_ABSENCE,
)

ABSENCE_CODES = tuple(str(code) for code in ABSENCE_STATUSES)
SEX_COLUMNS = ("total", "woman", "man", "non_binary", "unknown")


NUMERIC_TYPES = frozenset({"count", "days", "money", "rate"})


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    type: str = "text"


def is_hidden(column: Column, values: Mapping[str, Any]) -> bool:
    """Whether the row's figure in ``column`` is hidden: a figure column whose value is
    there and None (a key the row does not have is not a figure of it)."""
    return column.type in NUMERIC_TYPES and column.key in values and values[column.key] is None


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    totals: dict[str, Any] | None = None
    # Shown in the first column of the totals row.
    totals_label: str = ""

    def __post_init__(self) -> None:
        if self.totals is not None and not self.totals_label:
            self.totals_label = pgettext("report", "Total")

    @property
    def has_hidden(self) -> bool:
        """Whether a row or the totals show a hidden figure (then the legend goes below)."""
        rows = [*self.rows, *([self.totals] if self.totals is not None else [])]
        return any(is_hidden(column, row) for row in rows for column in self.columns)


# --- labels -----------------------------------------------------------------------------------


def kind_title(kind: str) -> str:
    return {
        "outcome": pgettext("report", "Participants and outcomes"),
        "allowance": pgettext("report", "Expense allowance (kulukorvaus / toimintaraha)"),
        "attendance": pgettext("report", "Attendance"),
        "state-compensation": pgettext("report", "State compensation claim to KEHA-keskus"),
    }.get(kind, kind)


def _choice_label(choices: Any, code: str) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return pgettext("report", "Unknown") if code in ("", "unknown") else code


def age_band_label(band: str) -> str:
    low, _, high = band.partition("-")
    if not high:
        return pgettext("report", "%(low)s years and over") % {"low": low}
    return pgettext("report", "%(low)s–%(high)s years") % {"low": low, "high": high}


def flag_label(flag: str) -> str:
    return {
        SICK_OVER_3_DAYS: pgettext("report", "Sick over 3 days without a certificate"),
        CHILD_SICK_OVER_4_DAYS: pgettext("report", "Child sick over 4 days"),
        UNJUSTIFIED_ABSENCE: pgettext("report", "Unjustified absence"),
        OVER_WEEKLY_DAYS: pgettext("report", "More days in a week than allowed"),
    }.get(flag, flag)


def payer_label(payer: str) -> str:
    return {
        "kela": pgettext("report", "Kela (expense allowance)"),
        "fund": pgettext("report", "Unemployment fund"),
        "organiser": pgettext("report", "Organiser (toimintaraha)"),
        "unknown": pgettext("report", "Payer unknown (no benefit on record)"),
    }.get(payer, payer)


def category_label(section: str, code: str) -> str:
    """The label of one row of an outcome table."""
    if section == "age_bands":
        return age_band_label(code)
    if section == "labour_market_status":
        if code == "unemployed_total":
            return pgettext("report", "Unemployed, long-term unemployed included")
        return _choice_label(LabourMarketStatus, code)
    if section == "education":
        return _choice_label(Education, code)
    if section == "disadvantage" and code in DISADVANTAGE_FIELDS:
        return str(capfirst(Client._meta.get_field(code).verbose_name))
    if section == "exits":
        if code == "total":
            return pgettext("report", "Left during the range")
        if code == "continuing":
            return pgettext("report", "Continuing at the end of the range")
        return _choice_label(ExitReason, code)
    if section in ("destinations", "destinations_6m"):
        if code == "into_working_life":
            return pgettext("report", "Into working life (open labour market and subsidised work)")
        return _choice_label(Destination, code)
    return code


def data_quality_label(key: str) -> str:
    return {
        "unknown_entry_data": pgettext(
            "report", "Participants without labour-market status, education or sex"
        ),
        "ended_without_destination": pgettext(
            "report", "Participants whose period ended without a known destination"
        ),
        "planned_days_without_record": pgettext(
            "report", "Planned days without an attendance record"
        ),
    }.get(key, key)


def data_quality_rows(report: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(key, label, count) of the report's data-quality block."""
    return [
        (key, data_quality_label(key), value)
        for key, value in (report.get("data_quality") or {}).items()
    ]


# --- columns ----------------------------------------------------------------------------------


def _sex_columns(first_label: str) -> list[Column]:
    return [
        Column("label", first_label),
        Column("total", pgettext("report", "Total"), "count"),
        Column("woman", pgettext("report", "Women"), "count"),
        Column("man", pgettext("report", "Men"), "count"),
        Column("non_binary", pgettext("report", "Non-binary"), "count"),
        Column("unknown", pgettext("report", "Sex unknown"), "count"),
    ]


def _absence_columns() -> list[Column]:
    return [Column(code, str(AttendanceStatus(code).label), "days") for code in ABSENCE_CODES]


def _person_columns() -> list[Column]:
    return [
        Column("hetu", pgettext("report", "Identity code")),
        Column("name", pgettext("report", "Name")),
        Column("unit", pgettext("report", "Unit")),
    ]


def _with_absences(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, **(row.get("absence_days") or {})}


def _day_sums(rows: Iterable[dict[str, Any]]) -> dict[str, int | None]:
    """Absence and not-organised days added up over rows; a sum with a hidden part is hidden
    (None) too, never the sum of the parts shown."""
    sums: dict[str, int | None] = dict.fromkeys((*ABSENCE_CODES, "not_organised_days"), 0)

    def add(key: str, days: int | None) -> None:
        current = sums.get(key, 0)
        sums[key] = None if current is None or days is None else current + days

    for row in rows:
        for code, days in (row.get("absence_days") or {}).items():
            add(code, days)
        add("not_organised_days", row.get("not_organised_days", 0))
    return sums


def _clients_total(totals: dict[str, Any]) -> str:
    clients = totals.get("clients")
    if clients is None:
        return pgettext("report", "Total")
    return pgettext("report", "Total, %(count)s clients") % {"count": clients}


# --- tables per report ------------------------------------------------------------------------


def _outcome(report: dict[str, Any]) -> list[Table]:
    everyone = (report["participants"], pgettext("report", "All participants"))
    left = (report["exits"]["total"], pgettext("report", "Left during the range"))
    sections = [
        ("age_bands", pgettext("report", "Participants by age at entry"), everyone),
        ("labour_market_status", pgettext("report", "Labour-market status at entry"), everyone),
        ("education", pgettext("report", "Education at entry"), everyone),
        ("disadvantage", pgettext("report", "Disadvantage at entry (answered yes)"), everyone),
        ("exits", pgettext("report", "Leaving"), everyone),
        ("destinations", pgettext("report", "Destination at exit"), left),
        ("destinations_6m", pgettext("report", "Destination 6 months after exit"), left),
    ]
    tables = []
    for key, title, (totals, totals_label) in sections:
        rows = [
            {"label": category_label(key, code), "code": code, **counts}
            for code, counts in report[key].items()
        ]
        columns = _sex_columns(pgettext("report", "Group"))
        tables.append(Table(key, title, columns, rows, totals, totals_label))
    return tables


def _allowance(report: dict[str, Any]) -> list[Table]:
    tables = []
    # Shown only when some day has no known rate, so the usual table stays as narrow as it was.
    unpriced = (
        [Column("unpriced_days", pgettext("report", "Days without a known rate"), "days")]
        if report["totals"].get("unpriced_days") != 0
        else []
    )
    days = [
        Column("present_days", pgettext("report", "Present days"), "days"),
        *unpriced,
        *_absence_columns(),
        Column("not_organised_days", pgettext("report", "Days not organised"), "days"),
        Column("amount", pgettext("report", "Amount"), "money"),
    ]
    absences = _day_sums(report["units"])
    if "rows" in report:
        rows = [
            {
                **_with_absences(row),
                "benefit": _choice_label(Benefit, row["benefit"]),
                "payer": payer_label(row["payer"]),
            }
            for row in report["rows"]
        ]
        columns = [
            *_person_columns(),
            Column("benefit", pgettext("report", "Benefit")),
            Column("payer", pgettext("report", "Payer")),
            *days,
        ]
        tables.append(
            Table(
                "clients",
                pgettext("report", "Allowance per client"),
                columns,
                rows,
                {**report["totals"], **absences},
                _clients_total(report["totals"]),
            )
        )
    unit_columns = [
        Column("unit", pgettext("report", "Unit")),
        Column("clients", pgettext("report", "Clients"), "count"),
        *days,
    ]
    tables.append(
        Table(
            "units",
            pgettext("report", "Allowance per unit"),
            unit_columns,
            [_with_absences(unit) for unit in report["units"]],
            {**report["totals"], **absences},
        )
    )
    payer_columns = [
        Column("payer", pgettext("report", "Payer")),
        Column("clients", pgettext("report", "Clients"), "count"),
        Column("present_days", pgettext("report", "Present days"), "days"),
        Column("amount", pgettext("report", "Amount"), "money"),
    ]
    payer_rows = [
        {"payer": payer_label(payer), **totals}
        for payer, totals in report.get("totals_by_payer", {}).items()
    ]
    tables.append(
        Table(
            "payers",
            pgettext("report", "Allowance per payer"),
            payer_columns,
            payer_rows,
            dict(report["totals"]),
        )
    )
    return tables


def _attendance(report: dict[str, Any]) -> list[Table]:
    days = [
        Column("planned_days", pgettext("report", "Planned days"), "days"),
        Column("present_days", pgettext("report", "Present days"), "days"),
        *_absence_columns(),
        Column("not_organised_days", pgettext("report", "Days not organised"), "days"),
        Column("attendance_rate", pgettext("report", "Attendance rate"), "rate"),
    ]
    totals = _with_absences(report["totals"])
    tables = []
    if "clients" in report:
        rows = [
            {**_with_absences(row), "flags": ", ".join(flag_label(f) for f in row["flags"])}
            for row in report["clients"]
        ]
        columns = [*_person_columns(), *days, Column("flags", pgettext("report", "Warnings"))]
        tables.append(
            Table(
                "clients",
                pgettext("report", "Attendance per client"),
                columns,
                rows,
                totals,
                _clients_total(totals),
            )
        )
    unit_columns = [
        Column("unit", pgettext("report", "Unit")),
        Column("clients", pgettext("report", "Clients"), "count"),
        *days,
    ]
    tables.append(
        Table(
            "units",
            pgettext("report", "Attendance per unit"),
            unit_columns,
            [_with_absences(unit) for unit in report["units"]],
            totals,
        )
    )
    return tables


def _state_compensation(report: dict[str, Any]) -> list[Table]:
    days = [
        Column("attended_days", pgettext("report", "Attended days"), "days"),
        Column(
            "compensated_days", pgettext("report", "Compensated days (at most 4 a week)"), "days"
        ),
        Column("amount", pgettext("report", "Amount"), "money"),
    ]
    tables = []
    if "rows" in report:
        tables.append(
            Table(
                "clients",
                pgettext("report", "Compensated days per client"),
                [*_person_columns(), *days],
                list(report["rows"]),
                dict(report["totals"]),
                _clients_total(report["totals"]),
            )
        )
    unit_columns = [
        Column("unit", pgettext("report", "Unit")),
        Column("organiser", pgettext("report", "Organiser")),
        Column("clients", pgettext("report", "Clients"), "count"),
        *days,
    ]
    tables.append(
        Table(
            "units",
            pgettext("report", "Compensation per unit"),
            unit_columns,
            list(report["units"]),
            dict(report["totals"]),
        )
    )
    return tables


TABLES = {
    "outcome": _outcome,
    "allowance": _allowance,
    "attendance": _attendance,
    "state-compensation": _state_compensation,
}


def report_tables(report: dict[str, Any]) -> list[Table]:
    """The report's tables, in the order a reader meets them."""
    return TABLES[report["kind"]](report)
