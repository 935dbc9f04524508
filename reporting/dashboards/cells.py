"""Every figure of a dashboard page as a cell of a :class:`~.protect.Sheet`, with the sums a
reader can make with them, so that the municipal official's page is protected as a whole
(:func:`~.protect.protect`). The charts (:mod:`.charts`, :mod:`.overview`) ask the
:class:`~.present.Counter` about the same keys, made by the functions below.

One function per figure, in the page's order. A figure shown twice (the participants in a key
figure, the flow and the results by unit) is one cell. Sums that are not exact are declared
too, since they can only make the protection wider: a client with periods in two units counts
in each unit's active clients and results but once in all units.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from clients.models import INTO_WORKING_LIFE, Destination, ExitReason
from reporting.figures import ABSENCE_CODES

from .data import GAS_SCORES, RangeFigures, unit_totals
from .now import REMINDERS, NowFigures
from .present import months_between
from .protect import Cell, Sheet

TOTAL = "total"
NOW_COLUMNS = ("active", "warnings", *REMINDERS)
OTHER_DESTINATIONS = "destinations.other"
MONEY = ("present", "allowance", "compensated", "compensation")


def month_key(month: datetime.date) -> str:
    return f"{month:%Y-%m}"


# --- the keys ---------------------------------------------------------------------------------


def now_cell(key: str, unit_id: int | None = None) -> Cell:
    """Today's figure ``key`` (active, warnings, a reminder) of a unit, or of all units."""
    return ("now", key, TOTAL if unit_id is None else unit_id)


def outcome_cell(key: str) -> Cell:
    """A figure of the participants' flow: participants, exits.<reason>, destinations.<code>,
    destinations.into_working_life, destinations.other."""
    return ("outcome", key)


def unit_cell(unit_id: int, key: str) -> Cell:
    """A unit's participants, left or working (into working life)."""
    return ("unit", unit_id, key)


def period_cell(kind: str, month: datetime.date | None = None) -> Cell:
    """Periods started or ended (``kind`` starts or exits) in a month, or in the range."""
    return (kind, TOTAL if month is None else month_key(month))


def rate_people(unit_id: int | None = None, month: datetime.date | None = None) -> Cell:
    """The clients behind an attendance rate (not shown)."""
    return ("rate-people", unit_id, None if month is None else month_key(month))


def absence_cell(code: str | None = None) -> Cell:
    return ("absence", TOTAL if code is None else code)


def money_cell(kind: str, month: datetime.date | None = None) -> Cell:
    """Present days, allowance (cents), compensated days or compensation (cents)."""
    return ("money", kind, TOTAL if month is None else month_key(month))


def gas_cell(score: int | None = None) -> Cell:
    return ("gas", TOTAL if score is None else score)


# --- the figures ------------------------------------------------------------------------------


def attention_cells(sheet: Sheet, now: NowFigures, unit_ids: Iterable[int]) -> None:
    """Today's figures by unit (each column adds up to all units) and the active clients key
    figure."""
    unit_ids = list(unit_ids)
    totals: dict[str, int] = {
        "active": now.active_total,
        "warnings": now.warnings_total,
        **{key: sum(row.get(key, 0) for row in now.reminders.values()) for key in REMINDERS},
    }
    for key in NOW_COLUMNS:
        for unit_id in unit_ids:
            sheet.count(now_cell(key, unit_id), now_value(now, key, unit_id))
        sheet.count(now_cell(key), totals[key])
        sheet.add_sum(now_cell(key), [now_cell(key, unit_id) for unit_id in unit_ids])


def now_value(now: NowFigures, key: str, unit_id: int) -> int:
    if key == "active":
        return now.active.get(unit_id, 0)
    if key == "warnings":
        return now.warnings.get(unit_id, 0)
    return now.reminders.get(unit_id, {}).get(key, 0)


def outcome_cells(sheet: Sheet, figures: RangeFigures) -> None:
    """The flow, the destinations and their key figures: participants are those continuing
    plus those who left; those who left add up by exit reason, by destination, and as into
    working life plus other destinations."""
    counts = figures.outcome
    reasons = [f"exits.{reason}" for reason in ExitReason]
    places = [f"destinations.{code}" for code in Destination]
    keys = ["participants", "exits.total", *reasons, "exits.continuing", *places]
    for key in [*keys, "destinations.into_working_life"]:
        sheet.count(outcome_cell(key), counts.get(key, 0))
    left, working = counts.get("exits.total", 0), counts.get("destinations.into_working_life", 0)
    sheet.count(outcome_cell(OTHER_DESTINATIONS), left - working)
    cell = outcome_cell
    sheet.add_sum(cell("participants"), [cell("exits.continuing"), cell("exits.total")])
    sheet.add_sum(cell("exits.total"), [cell(key) for key in reasons])
    sheet.add_sum(cell("exits.total"), [cell(key) for key in places])
    sheet.add_sum(
        cell("exits.total"), [cell("destinations.into_working_life"), cell(OTHER_DESTINATIONS)]
    )
    working_places = [f"destinations.{code}" for code in INTO_WORKING_LIFE]
    sheet.add_sum(cell("destinations.into_working_life"), [cell(key) for key in working_places])
    sheet.add_sum(
        cell(OTHER_DESTINATIONS), [cell(key) for key in places if key not in working_places]
    )


def results_by_unit_cells(sheet: Sheet, figures: RangeFigures) -> None:
    """Each unit's participants, left and into working life, adding up to all units."""
    columns = {
        "participants": "participants",
        "left": "exits.total",
        "working": "destinations.into_working_life",
    }
    rows = figures.outcome_by_unit
    for key, total in columns.items():
        for unit_id, row in rows.items():
            sheet.count(unit_cell(unit_id, key), row[key])
        sheet.add_sum(outcome_cell(total), [unit_cell(unit_id, key) for unit_id in rows])


def starts_and_exits_cells(sheet: Sheet, figures: RangeFigures) -> None:
    """Periods started and ended per month, adding up to the range's. The periods ended are
    those who left when each client has one period, as a reader may well guess: the two
    totals are protected as one figure."""
    months = months_between(figures.params.date_from, figures.params.date_to)
    for kind, counts in (("starts", figures.starts), ("exits", figures.exits)):
        for month in months:
            sheet.count(period_cell(kind, month), counts.get(month, 0))
        sheet.count(period_cell(kind), sum(counts.values()))
        sheet.add_sum(period_cell(kind), [period_cell(kind, month) for month in months])
    sheet.add_sum(period_cell("exits"), [outcome_cell("exits.total")])


def attendance_cells(sheet: Sheet, figures: RangeFigures) -> None:
    """The clients behind each attendance rate: of a unit and month, of a unit over the range
    (its biggest month), of a month, and of the range. Rates add up to nothing, so a rate is
    hidden only for its own few people."""
    biggest: dict[int, int] = {}
    for (unit_id, month), row in figures.attendance.items():
        clients = row.get("clients", 0)
        sheet.behind(rate_people(unit_id, month), clients)
        biggest[unit_id] = max(biggest.get(unit_id, 0), clients)
    for unit_id, clients in biggest.items():
        sheet.behind(rate_people(unit_id), clients)
    for month, clients in (figures.clients_by_month or {}).items():
        sheet.behind(rate_people(month=month), clients)
    sheet.behind(rate_people(), figures.clients_total or 0)


def absences_cells(sheet: Sheet, figures: RangeFigures) -> None:
    """Absence days by reason and all absences: days of every client of the range, hidden with
    them when they are few."""
    totals = unit_totals(figures).values()
    days = [
        sheet.amount(absence_cell(code), _sum(totals, f"absent_{code}")) for code in ABSENCE_CODES
    ]
    total = sheet.amount(absence_cell(), sum(sheet.values[cell] for cell in days))
    sheet.add_sum(total, days)
    sheet.link(sheet.behind(("absence-people",), figures.clients_total or 0), *days, total)


def money_cells(sheet: Sheet, figures: RangeFigures) -> None:
    """Present days, expense allowance, compensated days and state compensation per month,
    adding up to the range's (the key figures); each month's four hide with the clients of the
    month, the totals with those of the range."""
    months = months_between(figures.params.date_from, figures.params.date_to)
    by_month = money_by_month(figures)
    clients = figures.clients_by_month or {}
    for month in months:
        values = by_month.get(month, dict.fromkeys(MONEY, 0))
        cells = [sheet.amount(money_cell(kind, month), values[kind]) for kind in MONEY]
        sheet.link(sheet.behind(("money-people", month_key(month)), clients.get(month, 0)), *cells)
    totals = []
    for kind in MONEY:
        parts = [money_cell(kind, month) for month in months]
        total = sheet.amount(money_cell(kind), sum(sheet.values[cell] for cell in parts))
        sheet.add_sum(total, parts)
        totals.append(total)
    sheet.link(sheet.behind(("money-people", TOTAL), figures.clients_total or 0), *totals)


def money_by_month(figures: RangeFigures) -> dict[datetime.date, dict[str, int]]:
    """Each month's present days, allowance cents, compensated days and compensation cents."""
    by_month: dict[datetime.date, dict[str, int]] = {}
    for (_unit, month), row in figures.attendance.items():
        values = by_month.setdefault(month, dict.fromkeys(MONEY, 0))
        values["present"] += row["present_days"] or 0
        values["allowance"] += row.get("allowance_cents") or 0
    for month, compensated in figures.compensation.items():
        values = by_month.setdefault(month, dict.fromkeys(MONEY, 0))
        values["compensated"] += compensated["days"]
        values["compensation"] += compensated["cents"]
    return by_month


def gas_cells(sheet: Sheet, figures: RangeFigures) -> None:
    scores = [sheet.count(gas_cell(score), figures.gas.get(score, 0)) for score in GAS_SCORES]
    sheet.add_sum(sheet.count(gas_cell(), sum(figures.gas.values())), scores)


def page_cells(figures: RangeFigures, now: NowFigures, unit_ids: Iterable[int]) -> Sheet:
    """Every figure of a dashboard page (the money only when it could be counted)."""
    sheet = Sheet()
    attention_cells(sheet, now, unit_ids)
    outcome_cells(sheet, figures)
    results_by_unit_cells(sheet, figures)
    starts_and_exits_cells(sheet, figures)
    attendance_cells(sheet, figures)
    absences_cells(sheet, figures)
    if not figures.money_error:
        money_cells(sheet, figures)
    gas_cells(sheet, figures)
    return sheet


def _sum(rows: Iterable[dict[str, Any]], key: str) -> int:
    return sum(row.get(key, 0) or 0 for row in rows)
