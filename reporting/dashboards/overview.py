"""A whole dashboard: the key figures, today's figures by unit and the range's charts.

In the municipal view the page's figures are protected together before they are written
(:func:`~.protect.protect` over :func:`~.cells.page_cells`): the page's
:class:`~.present.Counter` then knows every cell to write "–".
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from kuty.cache import cache_get, cache_set
from reporting.params import ReportParams

from .cells import NOW_COLUMNS, money_cell, now_cell, now_value, outcome_cell, page_cells
from .charts import destinations, flow, goal_attainment, results_by_unit, starts_and_exits
from .data import RangeFigures, range_figures
from .day_charts import absences, attendance, money, range_rate
from .forms import default_range, month_end
from .links import Links, selection_query
from .now import NowFigures, now_figures
from .present import Cell, Chart, Counter, Table, fi_euros
from .protect import protect
from .scope import MUNICIPALITY, Selection

DEFAULT_CACHE_SECONDS = 300
CACHE_VERSION = 2  # raise when RangeFigures or NowFigures change shape


@dataclass
class Kpi:
    key: str
    label: str
    value: str
    detail: str = ""
    url: str = ""


@dataclass
class Dashboard:
    selection: Selection
    today: datetime.date
    kpis: list[Kpi] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    money_error: str = ""
    hidden: bool = False  # some figures are hidden to protect privacy (the legend is shown)
    counted_at: datetime.datetime | None = None
    kept_minutes: int = 0

    @property
    def query(self) -> str:
        """The filters as a query string: the bookmarkable link to these figures."""
        return urlencode(selection_query(self.selection))

    @property
    def presets(self) -> list[tuple[str, str]]:
        """Links to common ranges with the same units: (label, query string)."""
        today = self.today
        year = datetime.date(today.year, 1, 1)
        ranges = [
            (_("Last 12 months"), *default_range(today)),
            (_("This year"), year, month_end(today)),
            (_("Last year"), year.replace(year=year.year - 1), year - datetime.timedelta(days=1)),
        ]
        presets = []
        for label, first, last in ranges:
            moved = dataclasses.replace(self.selection, date_from=first, date_to=last)
            presets.append((str(label), urlencode(selection_query(moved))))
        return presets


def key_figures(
    figures: RangeFigures, now: NowFigures, counter: Counter, links: Links
) -> list[Kpi]:
    outcome = figures.outcome
    left, working = outcome["exits.total"], outcome["destinations.into_working_life"]
    left_cell = outcome_cell("exits.total")
    working_cell = outcome_cell("destinations.into_working_life")
    participants = outcome_cell("participants")
    kpis = [
        Kpi(
            "active",
            _("Active clients now"),
            counter.text(now_cell("active"), now.active_total),
            url=links.url("active"),
        ),
        Kpi(
            "participants",
            _("Participants in the range"),
            counter.text(participants, outcome["participants"]),
            url=links.url("outcome", key="participants"),
        ),
        Kpi(
            "working-life",
            _("Into working life"),
            counter.share(working_cell, working, left_cell, left),
            _("%(working)s of %(left)s who left: open labour market or subsidised work")
            % {
                "working": counter.text(working_cell, working),
                "left": counter.text(left_cell, left),
            },
            links.url("outcome", key="destinations.into_working_life"),
        ),
        Kpi(
            "attendance",
            _("Attendance rate"),
            range_rate(figures, counter),
            _("present of planned days"),
        ),
    ]
    if not figures.money_error:
        allowance = sum(row.get("allowance_cents") or 0 for row in figures.attendance.values())
        compensation = sum(row["cents"] for row in figures.compensation.values())
        kpis += [
            Kpi(
                "allowance",
                _("Expense allowance"),
                counter.amount(money_cell("allowance"), fi_euros(allowance)),
            ),
            Kpi(
                "compensation",
                _("State compensation"),
                counter.amount(money_cell("compensation"), fi_euros(compensation)),
            ),
        ]
    return kpis


def attention(now: NowFigures, counter: Counter, links: Links, units: dict[int, tuple]) -> Chart:
    """Today's figures by unit: active clients, warnings and reminders."""
    labels = {
        "active": _("Active clients"),
        "warnings": _("Clients with attendance warnings (30 days)"),
        "awaiting_agreement": _("Plans waiting for agreement"),
        "follow_ups_overdue": _("Follow-ups overdue"),
        "reviews_overdue": _("24-month reviews overdue"),
    }
    columns = [(key, labels[key]) for key in NOW_COLUMNS]
    table = Table(_("Now, by unit"), [_("Unit"), *(label for _key, label in columns)])
    datasets: list[dict[str, object]] = [
        {"label": label, "data": []} for key, label in columns if key != "active"
    ]
    ordered = sorted(units.items(), key=lambda item: (item[1][0], item[0]))
    for unit_id, (name, uuid) in ordered:
        values = {key: now_value(now, key, unit_id) for key in NOW_COLUMNS}
        cells = [
            Cell(counter.text(now_cell(key, unit_id), values[key]), links.url(key, unit=uuid))
            for key, _label in columns
        ]
        table.add(name, *cells)
        for dataset, (key, _label) in zip(datasets, columns[1:], strict=True):
            value = counter.value(now_cell(key, unit_id), values[key])
            dataset["data"].append(value)  # type: ignore[attr-defined]
    totals = [now.active_total, now.warnings_total] + [
        sum(row.get(key, 0) for row in now.reminders.values()) for key, _l in columns[2:]
    ]
    table.total(
        _("All units"),
        *(
            Cell(counter.text(now_cell(key), value), links.url(key))
            for value, (key, _label) in zip(totals, columns, strict=True)
        ),
    )
    return Chart(
        "attention",
        _("Needs attention now, by unit"),
        "bar",
        "count",
        [name for _id, (name, _uuid) in ordered],
        datasets,
        table,
        note=_(
            "Active clients count each client once in the total, though a client may "
            "have periods in two units."
        ),
        wide=True,
        hidden=counter.any_hidden(
            now_cell(key, unit_id) for key in NOW_COLUMNS for unit_id in [*units, None]
        ),
    )


def cache_seconds() -> int:
    """How long a dashboard's figures are kept for the same filters (0: not at all)."""
    return int(getattr(settings, "DASHBOARD_CACHE_SECONDS", DEFAULT_CACHE_SECONDS))


def counted_figures(
    params: ReportParams, today: datetime.date, *, count_clients: bool
) -> tuple[RangeFigures, NowFigures, datetime.datetime]:
    """The figures for ``params``, counted now or kept from a count of the last
    :func:`cache_seconds` (a year of a big organisation's attendance takes seconds)."""
    seconds = cache_seconds()
    stamp = repr((CACHE_VERSION, params.date_from, params.date_to, params.units,
                  params.municipality, count_clients, today))  # fmt: skip
    key = "kuty:dashboard:" + hashlib.sha256(stamp.encode()).hexdigest()
    if seconds and (kept := cache_get(key)) is not None:
        return kept
    counted = (
        range_figures(params, count_clients=count_clients),
        now_figures(params, today),
        timezone.now(),
    )
    if seconds:
        cache_set(key, counted, seconds)
    return counted


def build_dashboard(selection: Selection, today: datetime.date) -> Dashboard:
    params = selection.params()
    counter = selection.scope.counter
    links = Links(selection)
    figures, now, counted_at = counted_figures(
        params, today, count_clients=selection.scope.kind == MUNICIPALITY
    )
    units = dict(now.units)
    units.update({uid: (unit["name"], unit["uuid"]) for uid, unit in figures.units.items()})
    if selection.scope.kind != MUNICIPALITY:
        units.update({unit.pk: (unit.name, unit.uuid) for unit in selection.units})
    if counter.below:
        hidden = protect(page_cells(figures, now, units), counter.below)
        counter = dataclasses.replace(counter, hidden_cells=hidden)
    dashboard = Dashboard(selection, today, money_error=figures.money_error)
    dashboard.counted_at = counted_at
    dashboard.kept_minutes = cache_seconds() // 60
    dashboard.kpis = key_figures(figures, now, counter, links)
    dashboard.charts = [
        attention(now, counter, links, units),
        results_by_unit(figures, counter, links),
        starts_and_exits(figures, counter, links),
        flow(figures, counter, links),
        attendance(figures, counter, links),
        destinations(figures, counter, links),
        absences(figures, counter, links),
    ]
    if not figures.money_error:
        dashboard.charts.append(money(figures, counter, links))
    dashboard.charts.append(goal_attainment(figures, counter, links))
    dashboard.hidden = bool(counter.hidden_cells) or any(c.hidden for c in dashboard.charts)
    return dashboard
