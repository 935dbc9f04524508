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
flagged. That function reads the records of the in-scope periods around the range in a fixed
number of queries and finds the runs in Python.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F

from guidance.warnings import (
    CHILD_SICK_OVER_4_DAYS,
    OVER_WEEKLY_DAYS,
    SICK_OVER_3_DAYS,
    UNJUSTIFIED_ABSENCE,
    attendance_warnings,
    over_weekly_days,
)
from reporting.figures import absence_days, attendance_rate, day_counts
from reporting.params import ReportParams
from reporting.suppression import Relations

from .common import (
    header,
    scoped_periods,
    scoped_records,
)
from .data_quality import data_quality
from .protection import aggregate_people, protect

KIND = "attendance"
FLAGS = (UNJUSTIFIED_ABSENCE, SICK_OVER_3_DAYS, CHILD_SICK_OVER_4_DAYS, OVER_WEEKLY_DAYS)


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
    weekly limit is the person's, so ``over_weekly_days`` has no unit (None)."""
    periods = scoped_periods(params)
    unit_of = dict(periods.values_list("pk", "unit_id"))
    found = attendance_warnings(unit_of, params.date_from, params.date_to)
    flags: set[tuple[int, int | None, str]] = {
        (warning.client_id, unit_of[warning.period_id], warning.kind)
        for warnings in found.values()
        for warning in warnings
    }
    over = over_weekly_days(periods.values("client_id"), params.date_from, params.date_to)
    flags.update((client_id, None, OVER_WEEKLY_DAYS) for client_id in over)
    return flags


def build_attendance(params: ReportParams, *, include_personal: bool = True) -> dict[str, Any]:
    records = scoped_records(params)
    units = (
        records.values(
            unit_id=F("period__unit_id"),
            unit=F("period__unit__name"),
            unit_code=F("period__unit__code"),
        )
        .annotate(clients=Count("period__client_id", distinct=True), **day_counts())
        .order_by("unit", "unit_id")
    )
    totals = records.aggregate(clients=Count("period__client_id", distinct=True), **day_counts())
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
        clients = (
            records.values(
                client_id=F("period__client_id"),
                unit_id=F("period__unit_id"),
                unit=F("period__unit__name"),
                unit_code=F("period__unit__code"),
                hetu=F("period__client__hetu"),
                last_name=F("period__client__last_name"),
                first_name=F("period__client__first_name"),
            )
            .annotate(**day_counts())
            .order_by("unit", "last_name", "first_name", "hetu", "unit_id")
        )
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
            for row in clients
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
