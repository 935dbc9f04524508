"""``state-compensation``: the organiser's claim to KEHA-keskus (DOMAIN.md §3).

``compensated_days`` are ``present`` days, at most 4 per calendar (ISO) week per client (5
before 1.7.2015: the cap is dated data, ``PeriodLimit`` ``compensated_days_per_week``). The
cap counts the client's **distinct dates**: ``DENSE_RANK()`` numbers each client's present
dates within their ISO week, and a date present in two units is compensated once, on the
record of the client's earlier period (``ROW_NUMBER()`` over the client's records of that
date). The week is read whole even when the range starts or ends mid-week, so two
consecutive claims never compensate more than four days of the week that they split. Each
compensated day is paid at the rate in force on that day. The cap counts all the client's
present days of the week, in any unit, whatever the report's filters: a claim for one unit
compensates the days of that unit among the client's first four of the week, so the claims of
two units add up to the claim of both.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When, Window
from django.db.models.functions import DenseRank, RowNumber, TruncWeek

from clients.models import Period, PeriodLimit, PeriodLimitKind, PeriodStatus
from guidance.models import AttendanceRecord, AttendanceStatus
from reporting.models import RateKind
from reporting.params import ReportParams
from reporting.suppression import Relations

from .common import (
    count_ranked,
    filter_q,
    header,
    money,
    rate_case,
    rates_required,
    week_monday,
    week_sunday,
    with_names,
)
from .data_quality import data_quality
from .protection import add_row_sums, aggregate_people, protect

KIND = "state-compensation"
# A record is compensated when its date is among the client's first ``cap`` dates of the week
# and it is the client's first record of that date.
COMPENSATED_SQL = "nth <= cap AND day_first = 1"


def present_in_weeks(first: datetime.date, last: datetime.date) -> QuerySet[AttendanceRecord]:
    """The present records (of periods that are not drafts) in the ISO weeks that the days
    ``first``–``last`` touch, the weeks read whole: what the four-day cap ranks."""
    return AttendanceRecord.objects.filter(
        ~Q(period__status=PeriodStatus.DRAFT),
        status=AttendanceStatus.PRESENT,
        date__gte=week_monday(first),
        date__lte=week_sunday(last),
    )


def compensation_candidates(params: ReportParams) -> QuerySet[AttendanceRecord]:
    """The present records that the cap ranks for the range: all the present days, in any
    unit, of the clients who have a period in the filters. The cap belongs to the client's
    week, not to the report's filters, so a claim split by unit adds up to the whole claim."""
    candidates = present_in_weeks(params.date_from, params.date_to)
    if params.units or params.municipality or params.organiser or params.project:
        clients = Period.objects.filter(filter_q(params)).values("client_id")
        candidates = candidates.filter(period__client_id__in=clients)
    return candidates


def nth_in_week() -> Window:
    """Each candidate's date's number among its client's present dates of the ISO week (the
    week is its Monday): two records of one date share a number."""
    return Window(
        DenseRank(),
        partition_by=[F("period__client_id"), TruncWeek("date")],
        order_by=[F("date").asc()],
    )


def first_of_date() -> Window:
    """1 for the client's first present record of a date (by period), 2… for the others."""
    return Window(
        RowNumber(),
        partition_by=[F("period__client_id"), F("date")],
        order_by=[F("period_id").asc()],
    )


def weekly_cap() -> Case | Value:
    """The compensated days a week in force on each record's date (dated data)."""
    rows = list(
        PeriodLimit.objects.filter(kind=PeriodLimitKind.COMPENSATED_DAYS_PER_WEEK)
        .order_by("valid_from")
        .values_list("valid_from", "value")
    )
    if not rows:  # pragma: no cover - the data migration creates them
        raise LookupError("No compensated_days_per_week limit in the database")
    if len(rows) == 1:
        return Value(int(rows[0][1]), output_field=IntegerField())
    return Case(
        *(
            When(date__gte=valid_from, then=Value(int(value)))
            for valid_from, value in reversed(rows)
        ),
        default=Value(int(rows[0][1])),
        output_field=IntegerField(),
    )


def ranked(candidates: QuerySet[AttendanceRecord], **extra: Any) -> QuerySet[AttendanceRecord]:
    """The candidates with what the cap needs: ``nth``, ``day_first`` and ``cap``."""
    return candidates.annotate(
        nth=nth_in_week(), day_first=first_of_date(), cap=weekly_cap(), **extra
    )


def compensated_counts(
    candidates: QuerySet[AttendanceRecord],
    *,
    keep: Q,
    group: dict[str, Any],
    sums: dict[str, Any] | None = None,
) -> list[tuple[Any, ...]]:
    """The compensated records among ``candidates`` that match ``keep``, counted by
    ``group``: rows of the group's values, the number of records and each of ``sums``.

    One pass over the records (:func:`~.common.count_ranked`) instead of
    ``id IN (ranked ids)``, which reads them twice. ``keep`` is applied after the ranking, so
    the records it leaves out still take their place among the client's first four.
    """
    sums = sums or {}
    rows = ranked(
        candidates, kept=Case(When(keep, then=Value(1)), default=Value(0)), **group, **sums
    )
    return count_ranked(
        rows,
        where=f"{COMPENSATED_SQL} AND kept = 1",
        uses=("nth", "day_first", "cap", "kept", *sums),
        group=group,
        sums=sums,
    )


def compensated_record_ids(params: ReportParams) -> Any:
    """Ids of the present records that are compensated: among their client's first dates of
    the ISO week, up to the cap, and the client's first record of their date."""
    return (
        ranked(compensation_candidates(params)).filter(nth__lte=F("cap"), day_first=1).values("pk")
    )


def compensation_rows(params: ReportParams, *, include_personal: bool) -> list[dict[str, Any]]:
    """Attended and compensated days and cents of each client in each unit.

    Every present day of the range in the filters is attended; the first four of the client's
    week are compensated. One pass over the records: the window functions rank them carrying
    ids only, one outer ``GROUP BY`` counts them by client and unit id, and the unit's and
    organiser's names — with ``include_personal`` the client's names and identity code — are
    joined onto the grouped rows afterwards. Ordered by unit name, client name, date of birth,
    client and unit id (identity codes are encrypted: never sorted by the database).
    """
    group = {"client_pk": F("period__client_id"), "unit_pk": F("period__unit_id")}
    rows_ranked = ranked(
        compensation_candidates(params),
        kept=Case(
            When(
                filter_q(params, "period__")
                & Q(date__gte=params.date_from, date__lte=params.date_to),
                then=Value(1),
            ),
            default=Value(0),
        ),
        # A claim to the state prices every day: a range before the first rate is an error.
        cents=rate_case(rates_required(RateKind.STATE_COMPENSATION, params)),
        **group,
    )
    uses = ("nth", "day_first", "cap", "kept", "cents")
    try:
        inner, values = rows_ranked.values(*group, *uses).order_by().query.sql_with_params()
    except EmptyResultSet:
        return []
    compensated = f"CASE WHEN {COMPENSATED_SQL} THEN %s ELSE 0 END"
    grouped = (
        "SELECT client_pk, unit_pk, COUNT(*) AS attended, "  # noqa: S608 (Django's SQL)
        f"SUM({compensated % 1}) AS days, SUM({compensated % 'cents'}) AS cents "
        f"FROM ({inner}) ranked WHERE kept = 1 GROUP BY client_pk, unit_pk"
    )
    return [
        {
            "client_id": row["client_pk"],
            "unit_id": row["unit_pk"],
            "unit": row["unit"],
            "unit_code": row["unit_code"],
            "organiser": row["organiser"],
            "hetu": row.get("hetu"),
            "last_name": row.get("last_name"),
            "first_name": row.get("first_name"),
            "attended_days": row["attended"],
            "compensated_days": row["days"] or 0,
            "cents": row["cents"] or 0,
        }
        for row in with_names(
            rows_ranked.db,
            grouped,
            values,
            client_key="client_pk",
            unit_key="unit_pk",
            include_personal=include_personal,
            organiser=True,
        )
    ]


def build_state_compensation(
    params: ReportParams, *, include_personal: bool = True
) -> dict[str, Any]:
    rows = compensation_rows(params, include_personal=include_personal)

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
    report["data_quality"] = data_quality(params)
    return protect_state_compensation(report, params.suppress_below)


# --- what adds up to what (interfaces.md §3: complementary suppression) -----------------------

ROW_FIGURES = ("clients", "attended_days", "compensated_days", "amount")


def state_compensation_relations(report: dict[str, Any]) -> Relations:
    """The relations of the aggregate parts, as paths into the JSON: the units add up to the
    totals for clients (a client in two units makes it an upper bound: taken as exact, which
    only hides more), attended and compensated days and euros. A unit's row hides whole, and
    so does the totals row."""
    relations = Relations()
    units = [("units", index) for index in range(len(report["units"]))]
    add_row_sums(relations, ("totals",), units, ROW_FIGURES)
    for row in [*units, ("totals",)]:
        relations.link(*((*row, key) for key in ROW_FIGURES))
    return relations


def protect_state_compensation(report: dict[str, Any], below: int | None) -> dict[str, Any]:
    """Hide the small numbers of people in the aggregate parts, with their days and money and
    whatever would give them away. The client rows (personal data) stay as they are."""
    if not below:
        return report
    aggregate = {key: report[key] for key in ("units", "totals", "data_quality")}
    people = aggregate_people(aggregate, ("units", "totals"))
    relations = state_compensation_relations(aggregate)
    return {**report, **protect(aggregate, below, relations, people=people)}
