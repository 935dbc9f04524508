"""``allowance``: expense allowance (kulukorvaus / toimintaraha) per client (DOMAIN.md §3).

One row per client, unit and benefit: attendance records in the range are grouped in the
database by the period's client and unit and by the benefit in force (the period's entry
benefit, else the client's), so a client whose benefit changed between periods gets one row
per payer. The allowance is the rate of each present day, summed in SQL per rate segment. The
records are grouped by ids only; units' names and the clients' names and identity codes are
joined onto the grouped rows (:func:`~.common.with_names`).

- One client, one date, one allowance: a client recorded present in two units on the same day
  is paid once, in the unit of their earlier period (``first_of_day``); the other unit's row
  does not count that day.
- A present day before the first dated rate (9,00 € from 1.1.2010) has no known rate: it is
  counted in ``unpriced_days`` and adds nothing to ``amount``.
- The payer follows the benefit (DOMAIN.md §3): labour market subsidy and basic allowance →
  Kela; earnings-related allowance → the client's unemployment fund; social assistance → the
  organiser (toimintaraha); no benefit or unknown → ``unknown``, flagged in the data quality and
  never charged to Kela.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, NullIf

from clients.models import Benefit, Period
from guidance.models import AttendanceStatus
from reporting.figures import ABSENCE_CODES, absence_days
from reporting.models import RateKind
from reporting.params import ReportParams
from reporting.suppression import Relations

from .common import (
    first_of_day,
    header,
    money,
    priced_days,
    scoped_records,
    with_names,
)
from .data_quality import data_quality
from .protection import add_row_sums, aggregate_people, protect

KIND = "allowance"
PAYER_KELA = "kela"
PAYER_FUND = "fund"
PAYER_ORGANISER = "organiser"
PAYER_UNKNOWN = "unknown"
PAYERS = (PAYER_KELA, PAYER_FUND, PAYER_ORGANISER, PAYER_UNKNOWN)
PAYER_OF_BENEFIT = {
    Benefit.LABOUR_MARKET_SUBSIDY: PAYER_KELA,
    Benefit.BASIC_ALLOWANCE: PAYER_KELA,
    Benefit.EARNINGS_RELATED: PAYER_FUND,
    Benefit.SOCIAL_ASSISTANCE: PAYER_ORGANISER,
}


def payer_for(benefit: str) -> str:
    """Who pays the allowance of a client on ``benefit`` (``none`` or unknown: nobody known)."""
    return PAYER_OF_BENEFIT.get(benefit, PAYER_UNKNOWN)


def _unit_summary(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per-unit totals from the per-client rows (already aggregated in the database)."""
    units: dict[Any, dict[str, Any]] = {}
    for row in rows:
        unit = units.setdefault(
            row["unit_id"],
            {
                "unit": row["unit"],
                "unit_code": row["unit_code"],
                "client_ids": set(),
                "present_days": 0,
                "unpriced_days": 0,
                "absence_days": dict.fromkeys(ABSENCE_CODES, 0),
                "not_organised_days": 0,
                "cents": 0,
            },
        )
        unit["client_ids"].add(row["client_id"])
        unit["present_days"] += row["present_days"]
        unit["unpriced_days"] += row["unpriced_days"]
        for code, days in row["absence_days"].items():
            unit["absence_days"][code] += days
        unit["not_organised_days"] += row["not_organised_days"]
        unit["cents"] += row["cents"]
    return [
        {
            "unit": unit["unit"],
            "unit_code": unit["unit_code"],
            "clients": len(unit["client_ids"]),
            "present_days": unit["present_days"],
            "unpriced_days": unit["unpriced_days"],
            "absence_days": unit["absence_days"],
            "not_organised_days": unit["not_organised_days"],
            "amount": money(unit["cents"]),
        }
        for unit in units.values()
    ]


def _totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "clients": len({row["client_id"] for row in rows}),
        "present_days": sum(row["present_days"] for row in rows),
        "unpriced_days": sum(row["unpriced_days"] for row in rows),
        "amount": money(sum(row["cents"] for row in rows)),
    }


def allowance_rows(params: ReportParams, *, include_personal: bool) -> list[dict[str, Any]]:
    """Each client's days and allowance in each unit and benefit, with the names joined on.

    A present day counts once per client and date (the first record of the day,
    :func:`~.common.first_of_day`), looked up only for the records of clients with more than
    one period, and once per record: each record carries ``paid`` (1 for a counted present
    day), its day's rate and whether the day is before the first rate, and outer ``GROUP BY``s
    add them up (the ORM would repeat the look-up in every sum that filters on it: three times
    3.6 million for a year of 40,000 clients)."""
    day_cents, before_rates = priced_days(RateKind.ALLOWANCE, params)
    records = (
        scoped_records(params)
        .annotate(
            benefit_code=Coalesce(NullIf("period__benefit", Value("")), "period__client__benefit"),
            first=first_of_day(),
        )
        .annotate(
            paid=Case(
                When(~Q(status=AttendanceStatus.PRESENT), then=Value(0)),
                # Only a client with more than one period can be present twice on a date: the
                # look-up is made for their records only (a hashed list, read once).
                When(~Q(period__client_id__in=_clients_with_several_periods()), then=Value(1)),
                When(first=True, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            day_cents=day_cents,
            unpriced=_one_if(before_rates),
        )
        .values(
            "period_id",
            "benefit_code",
            "status",
            "paid",
            "day_cents",
            "unpriced",
            client_id=F("period__client_id"),
            unit_id=F("period__unit_id"),
        )
        .order_by()
    )
    try:
        inner, values = records.query.sql_with_params()
    except EmptyResultSet:
        return []
    by_status = [
        ("not_organised_days", AttendanceStatus.NOT_ORGANISED),
        *((f"absent_{code}", code) for code in ABSENCE_CODES),
    ]
    # OFFSET 0 keeps the records' query a subquery of its own: PostgreSQL would otherwise pull
    # it up into the GROUP BY and repeat the look-up in every sum of ``paid`` again.
    postgres = connections[records.db].vendor == "postgresql"
    fence = " OFFSET 0" if postgres else " LIMIT -1 OFFSET 0"
    counts = "".join(
        f", SUM(CASE WHEN r.status = %s THEN 1 ELSE 0 END) AS {name}" for name, _code in by_status
    )
    summed = ("present_days", "unpriced_days", "cents", *(name for name, _code in by_status))
    # By period first (an integer key; the benefit, client and unit are the period's, so MAX
    # picks the one value), then the ~45,000 period rows by benefit, client and unit: grouping
    # the 3.6 million records by the benefit's text expression straight away was 1.5 s slower.
    by_period = (
        "SELECT r.period_id, MAX(r.benefit_code) AS benefit_code, MAX(r.client_id) AS client_id, "  # noqa: S608
        "MAX(r.unit_id) AS unit_id, SUM(r.paid) AS present_days, "
        "SUM(r.paid * r.unpriced) AS unpriced_days, SUM(r.paid * r.day_cents) AS cents"
        f"{counts} FROM ({inner}{fence}) r GROUP BY r.period_id"
    )
    grouped = (
        "SELECT benefit_code, client_id, unit_id, "  # noqa: S608
        # A sum of sums is a numeric on PostgreSQL: whole numbers again.
        + ", ".join(f"CAST(SUM({name}) AS bigint) AS {name}" for name in summed)
        + f" FROM ({by_period}) pp GROUP BY benefit_code, client_id, unit_id"
    )
    return with_names(
        records.db,
        grouped,
        [*(str(code) for _name, code in by_status), *values],  # in the order of the SQL
        client_key="client_id",
        unit_key="unit_id",
        include_personal=include_personal,
        then_by=("benefit_code",),
    )


def _clients_with_several_periods() -> QuerySet[Period]:
    """The clients who have more than one period (of any status, whatever their dates)."""
    return (
        Period.objects.order_by()
        .values("client_id")
        .annotate(periods=Count("pk"))
        .filter(periods__gt=1)
        .values("client_id")
    )


def _one_if(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def build_allowance(params: ReportParams, *, include_personal: bool = True) -> dict[str, Any]:
    found = allowance_rows(params, include_personal=include_personal)
    rows = [
        {
            **row,
            "benefit": row["benefit_code"] or "unknown",
            "absence_days": absence_days(row),
            "cents": row["cents"] or 0,
        }
        for row in found
    ]
    report: dict[str, Any] = header(KIND, params, include_personal=include_personal)
    if include_personal:
        report["rows"] = [
            {
                "hetu": row["hetu"],
                "name": f"{row['last_name']} {row['first_name']}".strip(),
                "unit": row["unit"],
                "unit_code": row["unit_code"],
                "benefit": row["benefit"],
                "payer": payer_for(row["benefit"]),
                "present_days": row["present_days"],
                "absence_days": row["absence_days"],
                "not_organised_days": row["not_organised_days"],
                "unpriced_days": row["unpriced_days"],
                "amount": money(row["cents"]),
            }
            for row in rows
        ]
    report["units"] = _unit_summary(rows)
    report["totals"] = _totals(rows)
    # The payers who pay someone in the range (``unknown``: days no one can be charged for).
    report["totals_by_payer"] = {
        payer: _totals(paid)
        for payer in PAYERS
        if (paid := [row for row in rows if payer_for(row["benefit"]) == payer])
    }
    report["data_quality"] = data_quality(params)
    return protect_allowance(report, params.suppress_below)


# --- what adds up to what (interfaces.md §3: complementary suppression) -----------------------

ROW_FIGURES = ("clients", "present_days", "unpriced_days", "amount")


def allowance_relations(report: dict[str, Any]) -> Relations:
    """The relations of the aggregate parts, as paths into the JSON: the units add up to the
    totals and so do the payers, for clients, present days and euros (a client in two units
    or with two payers makes the clients' sum an upper bound: taken as exact, which only hides
    more). A unit's or a payer's row hides whole: its people, their days and their money."""
    relations = Relations()
    units = [("units", index) for index in range(len(report["units"]))]
    payers = [("totals_by_payer", payer) for payer in report.get("totals_by_payer", {})]
    add_row_sums(relations, ("totals",), units, ROW_FIGURES)
    add_row_sums(relations, ("totals",), payers, ROW_FIGURES)
    for index, unit in enumerate(report["units"]):
        days = [("units", index, "absence_days", code) for code in unit["absence_days"]]
        relations.link(
            *((*units[index], key) for key in (*ROW_FIGURES, "not_organised_days")), *days
        )
    for row in [("totals",), *payers]:
        relations.link(*((*row, key) for key in ROW_FIGURES))
    return relations


def protect_allowance(report: dict[str, Any], below: int | None) -> dict[str, Any]:
    """Hide the small numbers of people in the aggregate parts, with their days and money and
    whatever would give them away. The client rows (personal data) stay as they are."""
    if not below:
        return report
    aggregate = {key: report[key] for key in ("units", "totals", "totals_by_payer", "data_quality")}
    people = aggregate_people(aggregate, ("units", "totals", "totals_by_payer"))
    return {**report, **protect(aggregate, below, allowance_relations(aggregate), people=people)}
