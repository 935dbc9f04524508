"""The attendance, absences and money of the range as charts, each with the same figures as a
table under it; and the attendance rates that the key figures and the results by unit show.

Days and euros go through the page's :class:`~.present.Counter` under their cell's key
(:mod:`.cells`): in the municipal view they are hidden with the few people they belong to, and
a rate is "–" when the clients behind it are fewer than shown.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from guidance.models import AttendanceStatus
from reporting.figures import ABSENCE_CODES, attendance_rate

from .cells import MONEY, absence_cell, money_by_month, money_cell, month_key, rate_people
from .data import RangeFigures, unit_totals
from .links import Links
from .present import (
    HIDDEN,
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


def _rate(
    row: dict[str, Any] | None, counter: Counter, people: Any, clients: int | None = None
) -> tuple[str, float | None]:
    """An attendance rate as text and as a percentage for the chart: "–" without planned days,
    or when the clients behind it (``people``, ``clients`` of them) are hidden."""
    if not row or not row["planned_days"]:
        return HIDDEN, None
    if counter.hidden(people, clients):
        return HIDDEN, None
    rate = attendance_rate(row["present_days"], row["planned_days"])
    return fi_percent(rate), float(rate) * 100


def range_rate(figures: RangeFigures, counter: Counter) -> str:
    """The attendance rate of all units over the range."""
    totals = unit_totals(figures).values()
    everything = {
        "planned_days": sum(row["planned_days"] for row in totals),
        "present_days": sum(row["present_days"] for row in totals),
    }
    return _rate(everything, counter, rate_people(), figures.clients_total)[0]


def unit_range_rate(
    figures: RangeFigures,
    unit_id: int,
    totals: dict[int, dict[str, int]],
    counter: Counter,
) -> tuple[str, float | None]:
    """A unit's attendance rate over the range (hidden in the municipal view when even its
    biggest month had fewer people than shown)."""
    if unit_id not in totals:
        return HIDDEN, None
    biggest = max(
        (row.get("clients", 0) for (uid, _m), row in figures.attendance.items() if uid == unit_id),
        default=0,
    )
    return _rate(totals[unit_id], counter, rate_people(unit_id), biggest if counter.below else None)


def attendance(figures: RangeFigures, counter: Counter, links: Links) -> Chart:
    params = figures.params
    months = months_between(params.date_from, params.date_to)
    totals = unit_totals(figures)
    table = Table(
        _("Attendance rate per unit and month (present / planned days)"),
        [_("Unit"), *(month_label(m) for m in months), _("Whole range")],
    )
    datasets = []
    shown: list[Any] = [rate_people()]
    units = sorted(figures.units.items(), key=lambda item: (item[1]["name"], item[0]))
    for unit_id, unit in units:
        shown.append(rate_people(unit_id))
        cells, points = [], []
        for month in months:
            row = figures.attendance.get((unit_id, month))
            people = rate_people(unit_id, month)
            shown.append(people)
            text, point = _rate(row, counter, people, (row or {}).get("clients"))
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
        clients = (figures.clients_by_month or {}).get(month, 0)
        shown.append(rate_people(month=month))
        monthly.append(_rate(month_total, counter, rate_people(month=month), clients)[0])
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
        hidden=counter.any_hidden(shown),
    )


def absences(figures: RangeFigures, counter: Counter, links: Links) -> Chart:
    """Absence days by reason (hidden with the clients of the range when they are few)."""
    totals = unit_totals(figures)
    planned = sum(row["planned_days"] for row in totals.values())
    head = [_("Reason"), _("Days"), _("Share of planned days")]
    table = Table(_("Absence days by reason"), head)
    labels, data = [], []
    for code in ABSENCE_CODES:
        days = sum(row[f"absent_{code}"] for row in totals.values())
        cell = absence_cell(code)
        label = str(AttendanceStatus(code).label)
        labels.append(label)
        data.append(counter.amount_value(cell, days))
        table.add(
            label,
            Cell(counter.amount(cell, fi_number(days)), links.url("absence", key=code)),
            counter.amount(cell, fi_percent(ratio(days, planned))),
        )
    every = sum(sum(row[f"absent_{code}"] for row in totals.values()) for code in ABSENCE_CODES)
    table.total(
        _("All absences"),
        counter.amount(absence_cell(), fi_number(every)),
        counter.amount(absence_cell(), fi_percent(ratio(every, planned))),
    )
    return Chart(
        "absences",
        _("Absence days by reason"),
        "hbar",
        "count",
        labels,
        [{"label": _("Days"), "data": data}],
        table,
        hidden=counter.any_hidden([absence_cell(), *(absence_cell(c) for c in ABSENCE_CODES)]),
    )


def money(figures: RangeFigures, counter: Counter, links: Links) -> Chart:
    """Present days, expense allowance, compensated days and state compensation per month
    (each month hidden with its clients when they are few, and to protect another)."""
    params = figures.params
    months = months_between(params.date_from, params.date_to)
    by_month = money_by_month(figures)
    head = [
        _("Month"),
        _("Present days"),
        _("Expense allowance"),
        _("Compensated days"),
        _("State compensation"),
    ]
    table = Table(_("Expense allowance and state compensation per month"), head)

    def row(month: datetime.date | None, values: dict[str, int]) -> list[Cell]:
        key = None if month is None else month_key(month)

        def shown(kind: str, text: str) -> str:
            return counter.amount(money_cell(kind, month), text)

        return [
            Cell(shown("present", fi_number(values["present"])), links.url("present", month=key)),
            Cell(shown("allowance", fi_euros(values["allowance"]))),
            Cell(
                shown("compensated", fi_number(values["compensated"])),
                links.url("compensated", month=key),
            ),
            Cell(shown("compensation", fi_euros(values["compensation"]))),
        ]

    empty = dict.fromkeys(MONEY, 0)
    for month in months:
        table.add(month_label(month), *row(month, by_month.get(month, empty)))
    everything = {kind: sum(values[kind] for values in by_month.values()) for kind in MONEY}
    table.total(_("Total"), *row(None, everything))
    datasets = [
        {
            "label": label,
            "data": [
                counter.amount_value(money_cell(kind, m), by_month.get(m, empty)[kind] / 100)
                for m in months
            ],
        }
        for label, kind in (
            (_("Expense allowance"), "allowance"),
            (_("State compensation"), "compensation"),
        )
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
        hidden=counter.any_hidden(money_cell(kind, m) for kind in MONEY for m in [*months, None]),
    )
