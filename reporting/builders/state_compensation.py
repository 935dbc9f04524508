"""``state-compensation``: the organiser's claim to KEHA-keskus (DOMAIN.md §3).

``compensated_days`` are ``present`` days, at most 4 per calendar (ISO) week per client. The
cap is applied in the database: ``ROW_NUMBER()`` numbers each client's present days within
their ISO year and week, by date, and the first four are compensated. The week is read whole
even when the range starts or ends mid-week, so two consecutive claims never compensate more
than four days of the week that they split. Each compensated day is paid at the rate in force
on that day. The cap counts the client's present days within the report's filters; a client
recorded present in two units on the same day is counted on both records.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber, TruncWeek

from guidance.models import AttendanceRecord, AttendanceStatus
from reporting.models import RateKind
from reporting.params import ReportParams

from .common import (
    data_quality,
    filter_q,
    header,
    money,
    rate_cents,
    scoped_records,
    suppress,
    week_monday,
    week_sunday,
)

KIND = "state-compensation"
DAYS_PER_WEEK = 4


def compensation_candidates(params: ReportParams) -> QuerySet[AttendanceRecord]:
    """The present records of the filters in the ISO weeks the range touches, read whole."""
    return AttendanceRecord.objects.filter(
        filter_q(params, "period__"),
        status=AttendanceStatus.PRESENT,
        date__gte=week_monday(params.date_from),
        date__lte=week_sunday(params.date_to),
    )


def nth_in_week() -> Window:
    """Each candidate's number among its client's present records of the ISO week (the week
    is its Monday), by date."""
    return Window(
        RowNumber(),
        partition_by=[F("period__client_id"), TruncWeek("date")],
        order_by=[F("date").asc(), F("period_id").asc()],
    )


def compensated_record_ids(params: ReportParams) -> Any:
    """Ids of the present records that are among their client's first four of the ISO week."""
    return (
        compensation_candidates(params)
        .annotate(nth_in_week=nth_in_week())
        .filter(nth_in_week__lte=DAYS_PER_WEEK)
        .values("pk")
    )


def build_state_compensation(
    params: ReportParams, *, include_personal: bool = True
) -> dict[str, Any]:
    compensated = Q(pk__in=compensated_record_ids(params))
    personal = (
        {
            "hetu": F("period__client__hetu"),
            "last_name": F("period__client__last_name"),
            "first_name": F("period__client__first_name"),
        }
        if include_personal
        else {}
    )
    grouped = (
        scoped_records(params)
        .filter(status=AttendanceStatus.PRESENT)
        .values(
            client_id=F("period__client_id"),
            unit_id=F("period__unit_id"),
            unit=F("period__unit__name"),
            unit_code=F("period__unit__code"),
            organiser=F("period__unit__organiser__name"),
            **personal,
        )
        .annotate(
            attended_days=Count("pk"),
            compensated_days=Count("pk", filter=compensated),
            cents=Sum(rate_cents(RateKind.STATE_COMPENSATION, params), filter=compensated),
        )
        .order_by(
            "unit",
            *(["last_name", "first_name", "hetu"] if include_personal else []),
            "client_id",
            "unit_id",
        )
    )
    rows = [{**row, "cents": row["cents"] or 0} for row in grouped]

    report: dict[str, Any] = header(KIND, params, include_personal=include_personal)
    if include_personal:
        report["rows"] = [
            {
                "hetu": row["hetu"],
                "name": f"{row['last_name']} {row['first_name']}".strip(),
                "unit": row["unit"],
                "unit_code": row["unit_code"],
                "attended_days": row["attended_days"],
                "compensated_days": row["compensated_days"],
                "amount": money(row["cents"]),
            }
            for row in rows
        ]
    units: dict[Any, dict[str, Any]] = {}
    for row in rows:
        unit = units.setdefault(
            row["unit_id"],
            {
                "unit": row["unit"],
                "unit_code": row["unit_code"],
                "organiser": row["organiser"],
                "client_ids": set(),
                "attended_days": 0,
                "compensated_days": 0,
                "cents": 0,
            },
        )
        unit["client_ids"].add(row["client_id"])
        unit["attended_days"] += row["attended_days"]
        unit["compensated_days"] += row["compensated_days"]
        unit["cents"] += row["cents"]
    report["units"] = [
        {
            "unit": unit["unit"],
            "unit_code": unit["unit_code"],
            "organiser": unit["organiser"],
            "clients": len(unit["client_ids"]),
            "attended_days": unit["attended_days"],
            "compensated_days": unit["compensated_days"],
            "amount": money(unit["cents"]),
        }
        for unit in units.values()
    ]
    report["totals"] = {
        "clients": len({row["client_id"] for row in rows}),
        "attended_days": sum(row["attended_days"] for row in rows),
        "compensated_days": sum(row["compensated_days"] for row in rows),
        "amount": money(sum(row["cents"] for row in rows)),
    }
    for key in ("units", "totals"):
        report[key] = suppress(report[key], params.suppress_below, keys=("clients",))
    report["data_quality"] = suppress(data_quality(params), params.suppress_below)
    return report
