"""A reader with a pen: the figures a dashboard page shows, read from its key figures and
tables, and the sums anyone can make with them. Written here apart from the code's own
declaration (reporting/dashboards/cells.py), so that the tests check the page as it is read.

A cell is named by the chart's key, the row's header and the column's header; a hidden figure
is None. Counts of people are ``positive`` when hidden (zeros are never hidden).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from reporting.dashboards.present import HIDDEN
from reporting.suppression import Relations

NB = "\xa0"
# Columns that are not counts, days or euros (shares and rates: they add up to nothing).
NOT_ADDED = ("share", "Share", "rate", "Step", "Group")
AMOUNTS = ("absences", "money")  # days and euros: zero may be hidden with its people


def number(text: str) -> int | None:
    """ "–" → None, "1 234" → 1234, "9,00 €" → 900 (cents)."""
    if text == HIDDEN:
        return None
    text = text.replace(NB, "").replace(" ", "").replace("−", "-")
    if text.endswith("€"):
        return int(Decimal(text[:-1].replace(",", ".")) * 100)
    return int(text)


@dataclass
class Page:
    published: dict[tuple, int | None] = field(default_factory=dict)
    positive: set[tuple] = field(default_factory=set)
    relations: Relations = field(default_factory=Relations)
    texts: dict[tuple, str] = field(default_factory=dict)  # the share/rate columns, as shown

    def same(self, *cells: tuple) -> None:
        """Figures that are the same number shown in two places."""
        for other in cells[1:]:
            self.relations.add_sum(cells[0], [other])


def read_page(dashboard) -> Page:  # type: ignore[no-untyped-def]
    page = Page()
    charts = {chart.key: chart for chart in dashboard.charts}
    for key, chart in charts.items():
        table = chart.table
        head = table.head
        rows = [*table.rows, *([table.foot] if table.foot else [])]
        for row in rows:
            label = row.header.text
            if key == "flow":  # the group is the row's name
                label, cells = row.cells[0].text, row.cells[1:]
                columns = head[2:]
            else:
                cells, columns = row.cells, head[1:]
            for column, cell in zip(columns, cells, strict=False):
                name = (key, label, column)
                if any(word in column for word in NOT_ADDED) or key == "attendance":
                    page.texts[name] = cell.text
                    continue
                if cell.text == "":
                    continue
                page.published[name] = number(cell.text)
                if key not in AMOUNTS:
                    page.positive.add(name)
        # Each column of a table with a total row adds up to it.
        if table.foot and key not in ("flow", "attendance", "destinations"):
            for column in head[1:]:
                total = (key, table.foot.header.text, column)
                if total in page.published:
                    parts = [(key, row.header.text, column) for row in table.rows]
                    page.relations.add_sum(total, parts)
    for kpi in dashboard.kpis:
        if kpi.key in ("active", "participants"):
            page.published[("kpi", kpi.key)] = number(kpi.value)
            page.positive.add(("kpi", kpi.key))
        elif kpi.key in ("allowance", "compensation"):
            page.published[("kpi", kpi.key)] = number(kpi.value)
        elif kpi.key == "working-life":
            working, left = kpi.detail.split(" who left")[0].split(" of ")
            page.published[("kpi", "working")] = number(working)
            page.published[("kpi", "left")] = number(left)
            page.positive |= {("kpi", "working"), ("kpi", "left")}
            page.texts[("kpi", "working-life")] = kpi.value
    _flow_and_destinations(page, charts)
    _same_figures(page, charts)
    return page


def _flow_and_destinations(page: Page, charts) -> None:  # type: ignore[no-untyped-def]
    """Participants are those continuing and those who ended, by reason; those who left went
    to a destination each; into working life is the open labour market and subsidised work."""
    flow = [cell for cell in page.published if cell[0] == "flow"]
    people = flow[0][2]
    participants = ("flow", "Participants", people)
    reasons = [
        cell
        for cell in flow
        if cell[1] not in ("Participants", "Continuing", "Into working life", "Other destinations")
    ]
    page.relations.add_sum(participants, [("flow", "Continuing", people), *reasons])
    left = ("destinations", "Left in the range", "People")
    page.relations.add_sum(left, reasons)
    places = [cell for cell in page.published if cell[0] == "destinations" and cell != left]
    page.relations.add_sum(left, places)
    working = [cell for cell in places if cell[1] in ("Open labour market", "Subsidised work")]
    page.relations.add_sum(("flow", "Into working life", people), working)
    others = [cell for cell in places if cell not in working]
    page.relations.add_sum(("flow", "Other destinations", people), others)
    page.relations.add_sum(
        left, [("flow", "Into working life", people), ("flow", "Other destinations", people)]
    )


def _same_figures(page: Page, charts) -> None:  # type: ignore[no-untyped-def]
    """One figure shown in several places; and, each client having one period, the periods
    ended in the range are those who left."""
    results = "results-by-unit"
    page.same(
        ("kpi", "participants"),
        (results, "All units", "Participants"),
        ("flow", "Participants", "People"),
    )
    page.same(
        ("kpi", "left"),
        (results, "All units", "Left in the range"),
        ("destinations", "Left in the range", "People"),
        ("starts-exits", "Total", "Periods ended"),
    )
    page.same(
        ("kpi", "working"),
        (results, "All units", "Into working life"),
        ("flow", "Into working life", "People"),
    )
    page.same(("kpi", "active"), ("attention", "All units", "Active clients"))
    if "money" in charts:
        page.same(("kpi", "allowance"), ("money", "Total", "Expense allowance"))
        page.same(("kpi", "compensation"), ("money", "Total", "State compensation"))
