"""The range's counts of people as charts, each with the same figures as a table under it
(attendance, absences and money: :mod:`.day_charts`).

Every figure goes through the page's :class:`~.present.Counter` under its cell's key
(:mod:`.cells`): in the municipal view the cells that :func:`~.protect.protect` hid are
written "–" and draw no bar; shares of a hidden count are "–" too. Elsewhere nothing is hidden.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from activation_plans.selectors import gas_label
from clients.models import Destination, ExitReason

from .cells import (
    OTHER_DESTINATIONS,
    gas_cell,
    month_key,
    outcome_cell,
    period_cell,
    rate_people,
    unit_cell,
)
from .data import GAS_SCORES, RangeFigures, unit_totals
from .day_charts import range_rate, unit_range_rate
from .links import Links
from .present import (
    HIDDEN,
    Cell,
    Chart,
    Counter,
    Table,
    month_label,
    months_between,
)


def starts_and_exits(figures: RangeFigures, counter: Counter, links: Links) -> Chart:
    params = figures.params
    months = months_between(params.date_from, params.date_to)
    started, ended = _("Periods started"), _("Periods ended")
    table = Table(_("Periods started and ended per month"), [_("Month"), started, ended])
    kinds = (("starts", figures.starts), ("exits", figures.exits))
    for month in months:
        table.add(
            month_label(month),
            *(
                Cell(
                    counter.text(period_cell(kind, month), counts.get(month)),
                    links.url(kind, month=month_key(month)),
                )
                for kind, counts in kinds
            ),
        )
    table.total(
        _("Total"),
        *(
            Cell(counter.text(period_cell(kind), sum(counts.values())), links.url(kind))
            for kind, counts in kinds
        ),
    )
    return Chart(
        "starts-exits",
        _("Periods started and ended per month"),
        "bar",
        "count",
        [month_label(month) for month in months],
        [
            {
                "label": label,
                "data": [counter.value(period_cell(kind, m), counts.get(m)) for m in months],
            }
            for label, (kind, counts) in zip((started, ended), kinds, strict=True)
        ],
        table,
        hidden=counter.any_hidden(
            period_cell(kind, month) for kind, _c in kinds for month in [*months, None]
        ),
    )


def flow(figures: RangeFigures, counter: Counter, links: Links) -> Chart:
    """Participants → how their last period ended → where those who left went."""
    counts = figures.outcome
    participants = counts["participants"]
    left = counts["exits.total"]
    working = counts["destinations.into_working_life"]
    steps = [_("Participants"), _("How the period ended"), _("Destination at exit")]
    head = [_("Step"), _("Group"), _("People"), _("Share of participants")]
    table = Table(_("From start to exit and destination"), head)
    datasets: list[dict[str, Any]] = []
    whole = outcome_cell("participants")
    shown: list[Any] = []

    def add(step: int, label: str, count: int, key: str, row: list[Any], link: bool = True) -> None:
        cell = outcome_cell(key)
        shown.append(cell)
        url = links.url("outcome", key=key) if link else ""
        share = counter.share(cell, count, whole, participants)
        table.add(
            steps[step], Cell(label, numeric=False), Cell(counter.text(cell, count), url), share
        )
        row[step] = counter.value(cell, count)

    data: list[Any] = [None, None, None]
    add(0, _("Participants"), participants, "participants", data)
    datasets.append({"label": _("Participants"), "data": data})
    for reason in ExitReason:
        data = [None, None, None]
        add(1, str(reason.label), counts[f"exits.{reason}"], f"exits.{reason}", data)
        datasets.append({"label": str(reason.label), "data": data})
    continuing: list[Any] = [None, None, None]
    add(1, _("Continuing"), counts["exits.continuing"], "exits.continuing", continuing)
    continuing[2] = continuing[1]
    for label, count, key, link in (
        (_("Into working life"), working, "destinations.into_working_life", True),
        (_("Other destinations"), left - working, OTHER_DESTINATIONS, False),
    ):
        data = [None, None, None]
        add(2, label, count, key, data, link)
        datasets.append({"label": label, "data": data})
    datasets.append({"label": _("Continuing"), "data": continuing})
    return Chart(
        "flow",
        _("From start to exit and destination"),
        "stacked_hbar",
        "count",
        steps,
        datasets,
        table,
        hidden=counter.any_hidden(shown),
    )


def destinations(figures: RangeFigures, counter: Counter, links: Links) -> Chart:
    counts = figures.outcome
    left = counts["exits.total"]
    whole = outcome_cell("exits.total")
    head = [_("Destination"), _("People"), _("Share of those who left")]
    table = Table(_("Destinations at exit"), head)
    labels, data, shown = [], [], [whole]
    for code in Destination:
        key = f"destinations.{code}"
        cell, count = outcome_cell(key), counts[key]
        shown.append(cell)
        labels.append(str(code.label))
        data.append(counter.value(cell, count))
        table.add(
            str(code.label),
            Cell(counter.text(cell, count), links.url("outcome", key=key)),
            counter.share(cell, count, whole, left),
        )
    table.total(
        _("Left in the range"),
        Cell(counter.text(whole, left), links.url("outcome", key="exits.total")),
        "",
    )
    return Chart(
        "destinations",
        _("Destinations at exit"),
        "hbar",
        "count",
        labels,
        [{"label": _("People"), "data": data}],
        table,
        hidden=counter.any_hidden(shown),
    )


def results_by_unit(figures: RangeFigures, counter: Counter, links: Links) -> Chart:
    """Per unit: participants, those who left, into working life and the attendance rate."""
    totals = unit_totals(figures)
    head = [
        _("Unit"),
        _("Participants"),
        _("Left in the range"),
        _("Into working life"),
        _("Into working life, share of those who left"),
        _("Attendance rate"),
    ]
    table = Table(_("Results by unit in the range"), head)
    working_share: list[float | None] = []
    attendance_share: list[float | None] = []
    shown: list[Any] = []
    rows = sorted(figures.outcome_by_unit.values(), key=lambda row: (row["name"], row["unit_id"]))
    for row in rows:
        cells = {key: unit_cell(row["unit_id"], key) for key in ("participants", "left", "working")}
        shown += cells.values()
        share = counter.share(cells["working"], row["working"], cells["left"], row["left"])
        rate_text, rate = unit_range_rate(figures, row["unit_id"], totals, counter)

        def link(key: str, figure: str, row: Any = row, cells: Any = cells) -> Cell:
            text = counter.text(cells[key], row[key])
            return Cell(text, links.url("outcome", unit=row["uuid"], key=figure))

        table.add(
            row["name"],
            link("participants", "participants"),
            link("left", "exits.total"),
            link("working", "destinations.into_working_life"),
            share,
            rate_text,
        )
        working_share.append(
            None if share == HIDDEN or not row["left"] else 100 * row["working"] / row["left"]
        )
        attendance_share.append(rate)
    outcome = figures.outcome
    total_cells = [
        outcome_cell(key)
        for key in ("participants", "exits.total", "destinations.into_working_life")
    ]
    shown += [*total_cells, rate_people(), *(rate_people(row["unit_id"]) for row in rows)]

    def total(key: str) -> Cell:
        return Cell(counter.text(outcome_cell(key), outcome[key]), links.url("outcome", key=key))

    working, left = outcome_cell("destinations.into_working_life"), outcome_cell("exits.total")
    table.total(
        _("All units"),
        total("participants"),
        total("exits.total"),
        total("destinations.into_working_life"),
        counter.share(
            working, outcome["destinations.into_working_life"], left, outcome["exits.total"]
        ),
        range_rate(figures, counter),
    )
    return Chart(
        "results-by-unit",
        _("Into working life and attendance by unit"),
        "bar",
        "percent",
        [row["name"] for row in rows],
        [
            {"label": _("Into working life, share of those who left"), "data": working_share},
            {"label": _("Attendance rate"), "data": attendance_share},
        ],
        table,
        note=_(
            "Each unit counts its participants as a report of that unit alone does, by their "
            "last period in the unit; a client with periods in two units is counted in both, "
            "once in all units. Into working life: open labour market or subsidised work."
        ),
        wide=True,
        hidden=counter.any_hidden(shown),
    )


def goal_attainment(figures: RangeFigures, counter: Counter, links: Links) -> Chart:
    total = sum(figures.gas.values())
    head = [_("Score"), _("Scores given"), _("Share")]
    table = Table(_("Goal attainment (GAS) at follow-up meetings"), head)
    labels, data = [], []
    for score in GAS_SCORES:
        count, cell = figures.gas.get(score, 0), gas_cell(score)
        labels.append(gas_label(score))
        data.append(counter.value(cell, count))
        table.add(
            gas_label(score),
            Cell(counter.text(cell, count), links.url("gas", key=str(score))),
            counter.share(cell, count, gas_cell(), total),
        )
    table.total(_("All scores"), counter.text(gas_cell(), total), "")
    return Chart(
        "gas",
        _("Goal attainment (GAS −2…+2) at follow-up meetings"),
        "bar",
        "count",
        labels,
        [{"label": _("Scores given"), "data": data}],
        table,
        hidden=counter.any_hidden([gas_cell(), *(gas_cell(score) for score in GAS_SCORES)]),
    )
