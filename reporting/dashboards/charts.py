"""The range figures as charts, each with the same figures as a table under it.

Counts of people go through the scope's :class:`~.present.Counter` (``<5`` in the municipal
view; no bar in the chart); days and euros are shown as they are, as in the reports.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from activation_plans.selectors import gas_label
from clients.models import Destination, ExitReason
from guidance.models import AttendanceStatus
from reporting.figures import ABSENCE_CODES, attendance_rate

from .data import GAS_SCORES, RangeFigures, unit_totals
from .links import Links
from .present import (
    Cell,
    Chart,
    Counter,
    Table,
    fi_euros,
    fi_number,
    fi_percent,
    month_label,
    months_between,
    ratio,
)


def _month_key(month: datetime.date) -> str:
    return f"{month:%Y-%m}"


def starts_and_exits(figures: RangeFigures, counter: Counter, links: Links) -> Chart:
    params = figures.params
    months = months_between(params.date_from, params.date_to)
    started, ended = _("Periods started"), _("Periods ended")
    table = Table(_("Periods started and ended per month"), [_("Month"), started, ended])
    for month in months:
        table.add(
            month_label(month),
            Cell(
                counter.text(figures.starts.get(month)),
                links.url("starts", month=_month_key(month)),
            ),
            Cell(
                counter.text(figures.exits.get(month)),
                links.url("exits", month=_month_key(month)),
            ),
        )
    table.total(
        _("Total"),
        Cell(counter.text(sum(figures.starts.values())), links.url("starts")),
        Cell(counter.text(sum(figures.exits.values())), links.url("exits")),
    )
    return Chart(
        "starts-exits",
        _("Periods started and ended per month"),
        "bar",
        "count",
        [month_label(month) for month in months],
        [
            {"label": started, "data": [counter.value(figures.starts.get(m)) for m in months]},
            {"label": ended, "data": [counter.value(figures.exits.get(m)) for m in months]},
        ],
        table,
    )


def flow(figures: RangeFigures, counter: Counter, links: Links) -> Chart:
    """Participants → how their last period ended → where those who left went."""
    counts = figures.outcome
    participants = counts["participants"]
    left = counts["exits.total"]
    working = counts["destinations.into_working_life"]
    other = None if counter.hidden(working) else left - working
    steps = [_("Participants"), _("How the period ended"), _("Destination at exit")]
    head = [_("Step"), _("Group"), _("People"), _("Share of participants")]
    table = Table(_("From start to exit and destination"), head)
    datasets: list[dict[str, Any]] = []

    def add(step: int, label: str, count: int | None, key: str, row: list[Any]) -> None:
        url = links.url("outcome", key=key) if key else ""
        shown = counter.text(count) if count is not None else "–"
        share = counter.share(count, participants) if count is not None else "–"
        table.add(steps[step], Cell(label, numeric=False), Cell(shown, url), share)
        row[step] = counter.value(count) if count is not None else None

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
    for label, count, key in (
        (_("Into working life"), working, "destinations.into_working_life"),
        (_("Other destinations"), other, ""),
    ):
        data = [None, None, None]
        add(2, label, count, key, data)
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
    )


def destinations(figures: RangeFigures, counter: Counter, links: Links) -> Chart:
    counts = figures.outcome
    left = counts["exits.total"]
    head = [_("Destination"), _("People"), _("Share of those who left")]
    table = Table(_("Destinations at exit"), head)
    labels, data = [], []
    for code in Destination:
        count = counts[f"destinations.{code}"]
        labels.append(str(code.label))
        data.append(counter.value(count))
        table.add(
            str(code.label),
            Cell(counter.text(count), links.url("outcome", key=f"destinations.{code}")),
            counter.share(count, left),
        )
    table.total(
        _("Left in the range"),
        Cell(counter.text(left), links.url("outcome", key="exits.total")),
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
    )


def _rate(row: dict[str, Any] | None, counter: Counter) -> tuple[str, float | None]:
    """A unit-month's attendance rate as text and as a percentage for the chart."""
    if not row or not row["planned_days"]:
        return "–", None
    if "clients" in row and counter.hidden(row["clients"]):
        return "–", None
    rate = attendance_rate(row["present_days"], row["planned_days"])
    return fi_percent(rate), float(rate) * 100


def range_rate(figures: RangeFigures, counter: Counter) -> str:
    """The attendance rate of all units over the range."""
    totals = unit_totals(figures).values()
    everything = {
        "planned_days": sum(row["planned_days"] for row in totals),
        "present_days": sum(row["present_days"] for row in totals),
    }
    if figures.clients_total is not None:
        everything["clients"] = figures.clients_total
    return _rate(everything, counter)[0]


def unit_range_rate(
    figures: RangeFigures,
    unit_id: int,
    totals: dict[int, dict[str, int]],
    counter: Counter,
) -> tuple[str, float | None]:
    """A unit's attendance rate over the range (hidden in the municipal view when even its
    biggest month had fewer people than shown)."""
    if unit_id not in totals:
        return "–", None
    biggest = max(
        (row.get("clients", 0) for (uid, _m), row in figures.attendance.items() if uid == unit_id),
        default=0,
    )
    total = dict(totals[unit_id], clients=biggest) if counter.below else totals[unit_id]
    return _rate(total, counter)


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
    rows = sorted(figures.outcome_by_unit.values(), key=lambda row: (row["name"], row["unit_id"]))
    for row in rows:
        share = counter.share(row["working"], row["left"])
        hidden = counter.hidden(row["working"]) or counter.hidden(row["left"])
        rate_text, rate = unit_range_rate(figures, row["unit_id"], totals, counter)

        def link(count: int, key: str, uuid: Any = row["uuid"]) -> Cell:
            return Cell(counter.text(count), links.url("outcome", unit=uuid, key=key))

        table.add(
            row["name"],
            link(row["participants"], "participants"),
            link(row["left"], "exits.total"),
            link(row["working"], "destinations.into_working_life"),
            share,
            rate_text,
        )
        working_share.append(
            None if hidden or not row["left"] else 100 * row["working"] / row["left"]
        )
        attendance_share.append(rate)
    outcome = figures.outcome
    table.total(
        _("All units"),
        Cell(counter.text(outcome["participants"]), links.url("outcome", key="participants")),
        Cell(counter.text(outcome["exits.total"]), links.url("outcome", key="exits.total")),
        Cell(
            counter.text(outcome["destinations.into_working_life"]),
            links.url("outcome", key="destinations.into_working_life"),
        ),
        counter.share(outcome["destinations.into_working_life"], outcome["exits.total"]),
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
    )


def attendance(figures: RangeFigures, counter: Counter, links: Links) -> Chart:
    params = figures.params
    months = months_between(params.date_from, params.date_to)
    totals = unit_totals(figures)
    table = Table(
        _("Attendance rate per unit and month (present / planned days)"),
        [_("Unit"), *(month_label(m) for m in months), _("Whole range")],
    )
    datasets = []
    units = sorted(figures.units.items(), key=lambda item: (item[1]["name"], item[0]))
    for unit_id, unit in units:
        cells, points = [], []
        for month in months:
            text, point = _rate(figures.attendance.get((unit_id, month)), counter)
            cells.append(Cell(text, links.month_sheet(unit_id, unit["uuid"], month)))
            points.append(point)
        table.add(unit["name"], *cells, unit_range_rate(figures, unit_id, totals, counter)[0])
        datasets.append({"label": unit["name"], "data": points})
    monthly = []
    for month in months:
        rows = [row for (_u, m), row in figures.attendance.items() if m == month]
        month_total = {
            "planned_days": sum(row["planned_days"] for row in rows),
            "present_days": sum(row["present_days"] for row in rows),
        }
        if figures.clients_by_month is not None:
            month_total["clients"] = figures.clients_by_month.get(month, 0)
        monthly.append(_rate(month_total, counter)[0])
    table.total(_("All units"), *monthly, range_rate(figures, counter))
    return Chart(
        "attendance",
        _("Attendance rate per unit and month"),
        "line",
        "percent",
        [month_label(m) for m in months],
        datasets,
        table,
        note=" ".join(
            [_("A planned day is an attendance record other than “not organised”.")]
            + (
                [
                    _("The rate of fewer than %(below)d people is not shown (–).")
                    % {"below": counter.below}
                ]
                if counter.below
                else []
            )
        ),
        wide=True,
    )


def absences(figures: RangeFigures, links: Links) -> Chart:
    totals = unit_totals(figures)
    planned = sum(row["planned_days"] for row in totals.values())
    head = [_("Reason"), _("Days"), _("Share of planned days")]
    table = Table(_("Absence days by reason"), head)
    labels, data = [], []
    for code in ABSENCE_CODES:
        days = sum(row[f"absent_{code}"] for row in totals.values())
        label = str(AttendanceStatus(code).label)
        labels.append(label)
        data.append(days)
        table.add(
            label,
            Cell(fi_number(days), links.url("absence", key=code)),
            fi_percent(ratio(days, planned)),
        )
    table.total(_("All absences"), fi_number(sum(data)), fi_percent(ratio(sum(data), planned)))
    return Chart(
        "absences",
        _("Absence days by reason"),
        "hbar",
        "count",
        labels,
        [{"label": _("Days"), "data": data}],
        table,
    )


def money(figures: RangeFigures, links: Links) -> Chart:
    params = figures.params
    months = months_between(params.date_from, params.date_to)
    present: dict[datetime.date, int] = {}
    allowance: dict[datetime.date, int] = {}
    for (_unit, month), row in figures.attendance.items():
        present[month] = present.get(month, 0) + row["present_days"]
        allowance[month] = allowance.get(month, 0) + (row.get("allowance_cents") or 0)
    state = figures.compensation
    head = [
        _("Month"),
        _("Present days"),
        _("Expense allowance"),
        _("Compensated days"),
        _("State compensation"),
    ]
    table = Table(_("Expense allowance and state compensation per month"), head)
    for month in months:
        key = _month_key(month)
        compensated = state.get(month, {"days": 0, "cents": 0})
        table.add(
            month_label(month),
            Cell(fi_number(present.get(month, 0)), links.url("present", month=key)),
            fi_euros(allowance.get(month, 0)),
            Cell(fi_number(compensated["days"]), links.url("compensated", month=key)),
            fi_euros(compensated["cents"]),
        )
    table.total(
        _("Total"),
        Cell(fi_number(sum(present.values())), links.url("present")),
        fi_euros(sum(allowance.values())),
        Cell(fi_number(sum(c["days"] for c in state.values())), links.url("compensated")),
        fi_euros(sum(c["cents"] for c in state.values())),
    )
    datasets = [
        {"label": _("Expense allowance"), "data": [allowance.get(m, 0) / 100 for m in months]},
        {
            "label": _("State compensation"),
            "data": [state.get(m, {"cents": 0})["cents"] / 100 for m in months],
        },
    ]
    return Chart(
        "money",
        _("Expense allowance and state compensation per month"),
        "bar",
        "euro",
        [month_label(m) for m in months],
        datasets,
        table,
        wide=True,
    )


def goal_attainment(figures: RangeFigures, counter: Counter, links: Links) -> Chart:
    total = sum(figures.gas.values())
    head = [_("Score"), _("Scores given"), _("Share")]
    table = Table(_("Goal attainment (GAS) at follow-up meetings"), head)
    labels, data = [], []
    for score in GAS_SCORES:
        count = figures.gas.get(score, 0)
        labels.append(gas_label(score))
        data.append(counter.value(count))
        table.add(
            gas_label(score),
            Cell(counter.text(count), links.url("gas", key=str(score))),
            counter.share(count, total),
        )
    table.total(_("All scores"), counter.text(total), "")
    return Chart(
        "gas",
        _("Goal attainment (GAS −2…+2) at follow-up meetings"),
        "bar",
        "count",
        labels,
        [{"label": _("Scores given"), "data": data}],
        table,
    )
