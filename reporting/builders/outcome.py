"""``outcome``: participants and results for funders (interfaces.md §3, DOMAIN.md §4, §5).

People, not periods: each participant is counted once, with the entry data and age of their
first period in the range and the exit of their last period in the range. Two aggregate
queries do the counting — one over the first periods, one over the last — whatever the size
of the data; every figure is a ``COUNT(...) FILTER (WHERE ...)`` by sex.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from django.db.models import Q

from clients.models import (
    DISADVANTAGE_FIELDS,
    Destination,
    Education,
    LabourMarketStatus,
    YesNoDeclined,
)
from reporting.figures import exit_conditions
from reporting.params import ReportParams, parse_age_bands
from reporting.suppression import Cell, Relations, flatten, recoverable

from .common import (
    SEX_KEYS,
    CountTable,
    age_at,
    first_periods,
    header,
    last_periods,
)
from .data_quality import data_quality
from .protection import DATA_QUALITY_PEOPLE, protect

KIND = "outcome"
SEXES = SEX_KEYS[1:]
# The tables by sex after ``participants``, in the JSON's order.
BREAKDOWNS = (
    "age_bands",
    "labour_market_status",
    "education",
    "disadvantage",
    "exits",
    "destinations",
    "destinations_6m",
)
UNPUBLISHED = "unpublished"


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
        **protect_outcome(counts, params.suppress_below),
    }


# --- what adds up to what (interfaces.md §3: complementary suppression) -----------------------


def unpublished(name: str, column: str | None = None) -> Cell:
    """A count the relations need that the JSON does not show (see
    :mod:`reporting.suppression`), e.g. the participants whose labour-market status is
    unknown: ``participants`` minus the statuses shown."""
    return (UNPUBLISHED, name) if column is None else (UNPUBLISHED, name, column)


def _bands_cover_every_age(labels: list[str]) -> bool:
    """Whether the bands leave no age out (0 up, no gap, the last one open): then everyone is
    in a band, as a reader who reads the bands knows."""
    try:
        bands = sorted(parse_age_bands(",".join(labels)), key=lambda band: band.low)
    except ValueError:
        return False
    if not bands or bands[0].low != 0 or bands[-1].high is not None:
        return False
    return all(
        this.high is not None and this.high + 1 == following.low
        for this, following in pairwise(bands)
    )


def outcome_relations(report: dict[str, Any]) -> Relations:
    """Every linear relation between the outcome report's figures, as paths into its JSON
    (and :func:`unpublished` cells). Only the report's keys are read, so the relations of a
    published report are those it was protected with.

    - each row: ``total = woman + man + non_binary + unknown``;
    - by column (the total and each sex): participants = the age bands (+ those outside
      them, when the bands leave ages out) = the education groups = unemployed (long-term
      included) + inactive + employed + status unknown = left + continuing;
      unemployed = long-term unemployed + the others; for each disadvantage, participants =
      yes + the others;
    - left = the exit reasons = the destinations at exit = the destinations at 6 months + not
      recorded; into working life = open labour market + subsidised work (at exit and at
      6 months);
    - data quality: participants = unknown entry data + complete; ended without destination =
      left to an unknown destination + planned end passed with no exit recorded, who are
      among the continuing.
    """
    relations = Relations()
    rows: list[tuple[str, ...]] = [("participants",)]
    rows += [(section, code) for section in BREAKDOWNS for code in report.get(section, {})]
    bands = list(report.get("age_bands", {}))
    outside_bands = not _bands_cover_every_age(bands)
    extra = ["labour_market_status_unknown", "unemployed_other", "destination_6m_not_recorded"]
    extra += [f"not_{name}" for name in report.get("disadvantage", {})]
    if outside_bands:
        extra.append("outside_age_bands")
    for row in rows:
        relations.add_sum((*row, "total"), [(*row, sex) for sex in SEXES])
    for name in extra:
        relations.add_sum(unpublished(name, "total"), [unpublished(name, sex) for sex in SEXES])

    status = report.get("labour_market_status", {})
    exits = [code for code in report.get("exits", {}) if code not in ("total", "continuing")]
    for column in SEX_KEYS:
        everyone: Cell = ("participants", column)
        left: Cell = ("exits", "total", column)
        age_parts = [("age_bands", band, column) for band in bands]
        if outside_bands:
            age_parts.append(unpublished("outside_age_bands", column))
        relations.add_sum(everyone, age_parts)
        relations.add_sum(everyone, [("education", code, column) for code in report["education"]])
        relations.add_sum(
            everyone,
            [
                *(
                    ("labour_market_status", code, column)
                    for code in ("unemployed_total", "inactive", "employed")
                    if code in status
                ),
                unpublished("labour_market_status_unknown", column),
            ],
        )
        relations.add_sum(
            ("labour_market_status", "unemployed_total", column),
            [
                ("labour_market_status", "long_term_unemployed", column),
                unpublished("unemployed_other", column),
            ],
        )
        for name in report.get("disadvantage", {}):
            relations.add_sum(
                everyone, [("disadvantage", name, column), unpublished(f"not_{name}", column)]
            )
        relations.add_sum(everyone, [left, ("exits", "continuing", column)])
        relations.add_sum(left, [("exits", code, column) for code in exits])
        for section in ("destinations", "destinations_6m"):
            codes = [code for code in report.get(section, {}) if code != "into_working_life"]
            parts: list[Cell] = [(section, code, column) for code in codes]
            if section == "destinations_6m":
                parts.append(unpublished("destination_6m_not_recorded", column))
            relations.add_sum(left, parts)
            relations.add_sum(
                (section, "into_working_life", column),
                [
                    (section, str(code), column)
                    for code in (Destination.OPEN_LABOUR_MARKET, Destination.SUBSIDISED_WORK)
                ],
            )

    quality = report.get("data_quality", {})
    if "unknown_entry_data" in quality:
        relations.add_sum(
            ("participants", "total"),
            [("data_quality", "unknown_entry_data"), unpublished("complete_entry_data")],
        )
    if "ended_without_destination" in quality:
        relations.add_sum(
            ("data_quality", "ended_without_destination"),
            [("destinations", "unknown", "total"), unpublished("no_exit_recorded")],
        )
        relations.add_sum(
            ("exits", "continuing", "total"),
            [unpublished("no_exit_recorded"), unpublished("continuing_as_planned")],
        )
    return relations


def outcome_people(report: dict[str, Any]) -> set[Cell]:
    """The paths of the report's counts of people (every figure but the days of
    ``data_quality``)."""
    return {
        path
        for path in flatten({key: report[key] for key in ("participants", *BREAKDOWNS)})
        if path[-1] in SEX_KEYS
    } | {("data_quality", name) for name in DATA_QUALITY_PEOPLE if name in report["data_quality"]}


def protect_outcome(counts: dict[str, Any], below: int | None) -> dict[str, Any]:
    """The exact counts with the small ones, and every figure that would give one away,
    hidden (None), all tables together."""
    if not below:
        return counts
    relations = outcome_relations(counts)
    # The unpublished counts are what the shown ones leave over: solve for them.
    hidden_counts = recoverable(flatten(counts), relations)
    return protect(
        counts,
        below,
        relations,
        people=outcome_people(counts),
        unpublished={
            cell: value for cell, value in hidden_counts.items() if cell[0] == UNPUBLISHED
        },
    )
