"""``allowance``: expense allowance (kulukorvaus / toimintaraha) per client (DOMAIN.md §3).

One row per client, unit and benefit: attendance records in the range are grouped in the
database by the period's client and unit and by the benefit in force (the period's entry
benefit, else the client's), so a client whose benefit changed between periods gets one row
per payer. The allowance is the rate of each present day, summed in SQL per rate segment.

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

from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce, NullIf

from clients.models import Benefit
from guidance.models import AttendanceStatus
from reporting.figures import ABSENCE_CODES, absence_counts, absence_days
from reporting.models import RateKind
from reporting.params import ReportParams
from reporting.suppression import Relations

from .common import (
    first_of_day,
    header,
    money,
    priced_days,
    scoped_records,
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


def build_allowance(params: ReportParams, *, include_personal: bool = True) -> dict[str, Any]:
    # A present day counts once per client and date (the first record of the day).
    present = Q(status=AttendanceStatus.PRESENT, first=True)
    cents, before_rates = priced_days(RateKind.ALLOWANCE, params)
    unpriced = present & before_rates
    personal = (
        {
            "hetu": F("period__client__hetu"),
            "last_name": F("period__client__last_name"),
            "first_name": F("period__client__first_name"),
            # Namesakes in birth order: the code itself is ciphertext, no order (crypto.py).
            "born": F("period__client__date_of_birth"),
        }
        if include_personal
        else {}
    )
    grouped = (
        scoped_records(params)
        .annotate(
            benefit_code=Coalesce(NullIf("period__benefit", Value("")), "period__client__benefit"),
            first=first_of_day(),
        )
        .values(
            "benefit_code",
            client_id=F("period__client_id"),
            unit_id=F("period__unit_id"),
            unit=F("period__unit__name"),
            unit_code=F("period__unit__code"),
            **personal,
        )
        .annotate(
            present_days=Count("pk", filter=present),
            unpriced_days=Count("pk", filter=unpriced),
            not_organised_days=Count("pk", filter=Q(status=AttendanceStatus.NOT_ORGANISED)),
            cents=Sum(cents, filter=present),
            **absence_counts(),
        )
        .order_by(
            "unit",
            *(["last_name", "first_name", "born"] if include_personal else []),
            "client_id",
            "benefit_code",
        )
    )
    rows = [
        {
            **row,
            "benefit": row["benefit_code"] or "unknown",
            "absence_days": absence_days(row),
            "cents": row["cents"] or 0,
        }
        for row in grouped
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
