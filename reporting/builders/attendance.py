"""``attendance``: attendance per unit and per client, with warning flags (DOMAIN.md §3).

Planned days here are the attendance records in the range other than ``not_organised`` (a
closed unit or a holiday is not a planned day), counted in the database; the attendance rate
is present / planned days, two decimals. (Planned days the calendar expects but nobody
recorded are in ``data_quality.planned_days_without_record``.)

Flags, each when it happened inside the range:

- ``unjustified_absence``: any ``unjustified`` day;
- ``sick_over_3_days_uncertified``: a run of ``sick`` planned days spanning more than 3
  calendar days;
- ``child_sick_over_4_days``: more than 4 planned days in a row of ``child_sick``;
- ``over_weekly_days``: a calendar week with more present dates than the person's limit, all
  units together (on every row of the client).

The flags are the warnings counsellors see (:func:`guidance.warnings.attendance_warnings`),
so the report and the client page never disagree: runs are counted along the period's planned
days of the unit calendar (holidays and closure days neither count nor break a run, a planned
day with another status or no record ends it), and a run with at least one day in the range is
flagged. The database finds the runs (:func:`guidance.warnings.find_warnings`) and returns
only the warnings; no attendance record is read into Python.

The records in scope are grouped once, by client and unit ids (:func:`client_unit_rows`); the
units' rows and the totals add up from them, and names and identity codes are joined onto the
grouped rows, never carried through the grouping.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import F

from guidance.warnings import (
    CHILD_SICK_OVER_4_DAYS,
    OVER_WEEKLY_DAYS,
    SICK_OVER_3_DAYS,
    UNJUSTIFIED_ABSENCE,
    find_warnings,
)
from reporting.figures import absence_days, attendance_rate, day_counts
from reporting.params import ReportParams
from reporting.suppression import Relations

from .common import header, scoped_periods, scoped_records, with_names
from .data_quality import data_quality
from .protection import aggregate_people, protect

KIND = "attendance"
FLAGS = (UNJUSTIFIED_ABSENCE, SICK_OVER_3_DAYS, CHILD_SICK_OVER_4_DAYS, OVER_WEEKLY_DAYS)
# The day counts of a row (reporting.figures.day_counts), which the units and totals add up.
COUNTED = tuple(day_counts())


def _days(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "planned_days": row["planned_days"],
        "present_days": row["present_days"],
        "absence_days": absence_days(row),
        "not_organised_days": row["not_organised_days"],
        "attendance_rate": attendance_rate(row["present_days"], row["planned_days"]),
    }


def run_flags(params: ReportParams) -> set[tuple[int, int | None, str]]:
    """(client id, unit id, flag) for every warning of the in-scope periods in the range; the
    weekly limit is the person's, so ``over_weekly_days`` has no unit (None). The periods go
    into the database's statement as a subquery on the report's criteria (never a list of
    ids): one query for the runs and the candidate weeks, one for the dated weekly limits when
    a week is a candidate."""
    periods = scoped_periods(params)
    found = find_warnings(
        periods, params.date_from, params.date_to, week_clients=periods.values("client_id")
    )
    flags: set[tuple[int, int | None, str]] = {
        (warning.client_id, found.unit_of_period[warning.period_id], warning.kind)
        for warnings in found.by_period.values()
        for warning in warnings
    }
    flags.update((client_id, None, OVER_WEEKLY_DAYS) for client_id in found.weeks)
    return flags


def client_unit_rows(params: ReportParams, *, include_personal: bool) -> list[dict[str, Any]]:
    """The day counts of each client in each unit (the records in scope, grouped by ids only),
    with the unit's name and code and — with ``include_personal`` — the client's identity code
    and names joined onto the grouped rows afterwards, ordered by unit name, client name, date
    of birth, client and unit id (identity codes are encrypted: never sorted by the database).

    One query: the units' rows and the totals add up from these rows."""
    grouped = (
        scoped_records(params)
        .order_by()
        .values(client_id=F("period__client_id"), unit_id=F("period__unit_id"))
        .annotate(**day_counts())
    )
    try:
        inner, values = grouped.query.sql_with_params()
    except EmptyResultSet:
        return []
    return with_names(
        grouped.db,
        inner,
        values,
        client_key="client_id",
        unit_key="unit_id",
        include_personal=include_personal,
    )


def _unit_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The units' figures added up from the client rows, by unit name and id (the rows come
    by unit name from the database, so equal names keep its order)."""
    units: dict[int, dict[str, Any]] = {}
    name_rank: dict[str, int] = {}
    for row in rows:
        name_rank.setdefault(row["unit"], len(name_rank))
        unit = units.setdefault(
            row["unit_id"],
            {
                "unit_id": row["unit_id"],
                "unit": row["unit"],
                "unit_code": row["unit_code"],
                "clients": 0,
                **dict.fromkeys(COUNTED, 0),
            },
        )
        unit["clients"] += 1
        for key in COUNTED:
            unit[key] += row[key] or 0
    return sorted(units.values(), key=lambda u: (name_rank[u["unit"]], u["unit_id"]))


def build_attendance(params: ReportParams, *, include_personal: bool = True) -> dict[str, Any]:
    rows = client_unit_rows(params, include_personal=include_personal)
    units = _unit_rows(rows)
    totals: dict[str, Any] = {
        "clients": len({row["client_id"] for row in rows}),
        **{key: sum(row[key] or 0 for row in rows) for key in COUNTED},
    }
    report: dict[str, Any] = header(KIND, params, include_personal=include_personal)
    report["units"] = [
        {
            "unit": row["unit"],
            "unit_code": row["unit_code"],
            "clients": row["clients"],
            **_days(row),
        }
        for row in units
    ]
    report["totals"] = {"clients": totals["clients"], **_days(totals)}
    if include_personal:
        flags = run_flags(params)
        report["clients"] = [
            {
                "hetu": row["hetu"],
                "name": f"{row['last_name']} {row['first_name']}".strip(),
                "unit": row["unit"],
                "unit_code": row["unit_code"],
                **_days(row),
                "flags": [
                    flag
                    for flag in FLAGS
                    if {(row["client_id"], row["unit_id"], flag), (row["client_id"], None, flag)}
                    & flags
                ],
            }
            for row in rows
        ]
    report["data_quality"] = data_quality(params)
    return protect_attendance(report, params.suppress_below)


# --- what adds up to what (interfaces.md §3: complementary suppression) -----------------------

DAY_FIGURES = ("planned_days", "present_days", "not_organised_days")


def _row_figures(row: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The keys of a unit's or the totals' figures, the absence days by code included."""
    return [
        ("clients",),
        *((key,) for key in DAY_FIGURES),
        *(("absence_days", code) for code in row.get("absence_days", {})),
    ]


def attendance_relations(report: dict[str, Any]) -> Relations:
    """The relations of the aggregate parts, as paths into the JSON: the units add up to the
    totals for clients (a client in two units makes it an upper bound: taken as exact, which
    only hides more), planned, present and not-organised days and each kind of absence. A
    unit's row hides whole, its attendance rate too, and so does the totals row."""
    relations = Relations()
    units = [("units", index) for index in range(len(report["units"]))]
    for figure in _row_figures(report["totals"]):
        relations.add_sum(("totals", *figure), [(*unit, *figure) for unit in units])
    for row, values in [*zip(units, report["units"], strict=True), (("totals",), report["totals"])]:
        relations.link(
            *((*row, *figure) for figure in _row_figures(values)), (*row, "attendance_rate")
        )
    return relations


def protect_attendance(report: dict[str, Any], below: int | None) -> dict[str, Any]:
    """Hide the small numbers of people in the aggregate parts, with their days and whatever
    would give them away. The client rows (personal data) stay as they are."""
    if not below:
        return report
    aggregate = {key: report[key] for key in ("units", "totals", "data_quality")}
    people = aggregate_people(aggregate, ("units", "totals"))
    return {**report, **protect(aggregate, below, attendance_relations(aggregate), people=people)}
