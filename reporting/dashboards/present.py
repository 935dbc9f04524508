"""The dashboards' figures as charts and tables: numbers written the Finnish way
(:mod:`reporting.numbers`, re-exported here), and "–" for the figures hidden where the reader
may not see clients (:mod:`.protect`).
"""

from __future__ import annotations

import datetime
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from reporting.access import suppress_below_setting
from reporting.numbers import fi_euros as fi_euros
from reporting.numbers import fi_number as fi_number
from reporting.numbers import fi_percent as fi_percent

HIDDEN = "–"  # a figure hidden to protect privacy (and a rate without planned days)


def suppress_below() -> int:
    """Counts of people from 1 to this minus one are hidden from municipal officials: the
    reports' setting ``REPORT_SUPPRESS_BELOW`` (default 5)."""
    return suppress_below_setting()


def ratio(part: int, whole: int) -> Decimal | None:
    """part / whole with two decimals, rounded half up (as the attendance report's rate);
    None without a whole."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def month_label(month: datetime.date) -> str:
    """The first day of a month as "1/2025"."""
    return f"{month.month}/{month.year}"


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first days of the months from ``first``'s month to ``last``'s, in order."""
    months = []
    month = first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


@dataclass(frozen=True)
class Counter:
    """Writes a page's figures, each named by its cell (:mod:`.cells`), with the cells that
    :func:`~.protect.protect` chose to hide written "–" (``below`` is set in the municipal
    view only). A count of people from 1 to ``below - 1`` is hidden even if it was left out
    of the page's cells by mistake."""

    below: int | None = None
    hidden_cells: frozenset[Hashable] = frozenset()

    def hidden(self, cell: Hashable, count: int | None = None) -> bool:
        """Is the figure of ``cell`` hidden? ``count``: its value, when it counts people."""
        if not self.below:
            return False
        return cell in self.hidden_cells or bool(count and 0 < count < self.below)

    def any_hidden(self, cells: Iterable[Hashable]) -> bool:
        return any(self.hidden(cell) for cell in cells)

    def text(self, cell: Hashable, count: int | None) -> str:
        """A count of people."""
        return HIDDEN if self.hidden(cell, count) else fi_number(count or 0)

    def value(self, cell: Hashable, count: int | None) -> int | None:
        """The count for a chart: None (no bar) when hidden."""
        return None if self.hidden(cell, count) else (count or 0)

    def share(
        self, part_cell: Hashable, part: int | None, whole_cell: Hashable, whole: int | None
    ) -> str:
        """part / whole as a percentage, hidden when either count is (the share and the
        other count would give the hidden one away)."""
        if self.hidden(part_cell, part) or self.hidden(whole_cell, whole):
            return HIDDEN
        return fi_percent(ratio(part or 0, whole or 0))

    def amount(self, cell: Hashable, text: str) -> str:
        """Days or euros, already written as ``text``."""
        return HIDDEN if self.hidden(cell) else text

    def amount_value(self, cell: Hashable, value: float) -> float | None:
        return None if self.hidden(cell) else value


@dataclass
class Cell:
    text: str
    url: str = ""
    numeric: bool = True


@dataclass
class Row:
    header: Cell
    cells: list[Cell]


@dataclass
class Table:
    """The figures of a chart as an accessible table: a caption, column headers (the first
    one over the row headers), rows and an optional total row."""

    caption: str
    head: list[str]
    rows: list[Row] = field(default_factory=list)
    foot: Row | None = None

    @property
    def head_cells(self) -> list[tuple[str, bool]]:
        """The column headers, each with whether its column holds numbers (from row one)."""
        first = self.rows[0].cells if self.rows else []
        numeric = [False] + [cell.numeric for cell in first]
        numeric += [True] * (len(self.head) - len(numeric))
        return list(zip(self.head, numeric, strict=False))

    def add(self, header: str, *cells: Cell | str, url: str = "") -> None:
        self.rows.append(Row(Cell(header, url, numeric=False), [_cell(cell) for cell in cells]))

    def total(self, header: str, *cells: Cell | str) -> None:
        self.foot = Row(Cell(header, numeric=False), [_cell(cell) for cell in cells])


def _cell(cell: Cell | str) -> Cell:
    return cell if isinstance(cell, Cell) else Cell(cell)


@dataclass
class Chart:
    """A chart for static/js/dashboard_charts.js (``data`` goes through json_script) and the
    same figures as a table. ``kind`` is bar, hbar, stacked_hbar or line; ``unit`` is count,
    percent or euro (how the script formats the axis and tooltips)."""

    key: str
    title: str
    kind: str
    unit: str
    labels: list[str]
    datasets: list[dict[str, object]]
    table: Table
    note: str = ""
    wide: bool = False  # the whole width of the page (many columns), else half from XL up
    hidden: bool = False  # some of its figures are hidden to protect privacy

    @property
    def all_hidden(self) -> bool:
        """Nothing to draw but hidden figures (and zeros): the page says so instead of
        showing empty axes."""
        drawn = any(value for item in self.datasets for value in item["data"])  # type: ignore[attr-defined]
        return self.hidden and not drawn

    @property
    def data_id(self) -> str:
        return f"chart-data-{self.key}"

    @property
    def data(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "unit": self.unit,
            "labels": self.labels,
            "datasets": self.datasets,
        }
