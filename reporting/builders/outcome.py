"""``outcome``: participants and results for funders (interfaces.md §3, DOMAIN.md §4, §5).

People, not periods: each participant is counted once, with the entry data and age of their
first period in the range and the exit of their last period in the range. Two aggregate
queries do the counting — one over the first periods, one over the last — whatever the size
of the data; every figure is a ``COUNT(...) FILTER (WHERE ...)`` by sex.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from clients.models import (
    DISADVANTAGE_FIELDS,
    Education,
    LabourMarketStatus,
    YesNoDeclined,
)
from reporting.figures import exit_conditions
from reporting.params import ReportParams

from .common import (
    CountTable,
    age_at,
    first_periods,
    header,
    last_periods,
    suppress,
)
from .data_quality import data_quality

KIND = "outcome"


def _entry_table(params: ReportParams) -> CountTable:
    table = CountTable()
    table.add_by_sex(("participants",), None)
    for band in params.age_bands:
        condition = Q(age_at_start__gte=band.low)
        if band.high is not None:
            condition &= Q(age_at_start__lte=band.high)
        table.add_by_sex(("age_bands", band.label), condition)
    status = "labour_market_status"
    table.add_by_sex(
        (status, "unemployed_total"),
        Q(
            labour_market_status__in=[
                LabourMarketStatus.UNEMPLOYED,
                LabourMarketStatus.LONG_TERM_UNEMPLOYED,
            ]
        ),
    )
    for code in (
        LabourMarketStatus.LONG_TERM_UNEMPLOYED,
        LabourMarketStatus.INACTIVE,
        LabourMarketStatus.EMPLOYED,
    ):
        table.add_by_sex((status, str(code)), Q(labour_market_status=code))
    for code in (Education.ISCED_0_2, Education.ISCED_3_4, Education.ISCED_5_8):
        table.add_by_sex(("education", str(code)), Q(education=code))
    table.add_by_sex(("education", "unknown"), Q(education=Education.UNKNOWN))
    for name in DISADVANTAGE_FIELDS:
        table.add_by_sex(("disadvantage", name), Q(**{name: YesNoDeclined.YES}))
    return table


def _exit_table(params: ReportParams) -> CountTable:
    table = CountTable()
    for path, condition in exit_conditions(params):
        table.add_by_sex(path, condition)
    return table


def build_outcome(params: ReportParams, *, include_personal: bool = True) -> dict[str, Any]:
    """The outcome report. It never holds personal data; ``include_personal`` is accepted
    for the same signature as the other builders."""
    entry = _entry_table(params).aggregate(
        first_periods(params).annotate(age_at_start=age_at("start_date", "client__date_of_birth"))
    )
    exits = _exit_table(params).aggregate(last_periods(params))
    counts = {
        "participants": entry["participants"],
        "age_bands": entry.get("age_bands", {}),
        "labour_market_status": entry["labour_market_status"],
        "education": entry["education"],
        "disadvantage": entry["disadvantage"],
        "exits": exits["exits"],
        "destinations": exits["destinations"],
        "destinations_6m": exits["destinations_6m"],
        "data_quality": data_quality(params),
    }
    return {
        **header(KIND, params, include_personal=False),
        **suppress(counts, params.suppress_below),
    }
