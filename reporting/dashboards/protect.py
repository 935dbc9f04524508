"""Protecting a dashboard page's figures together (DOMAIN.md §6, complementary suppression).

A page for a municipal official is counted first and protected in one step before anything is
written out: :mod:`.cells` collects every figure of the page into a :class:`Sheet` (its value
and how the figures add up: month rows to their total, units to all units, exit reasons to
those who left, ...), :func:`protect` chooses the cells to hide with
:func:`reporting.suppression.suppressed_cells`, and the page's
:class:`~.present.Counter` writes "–" for each of them.

A sheet holds three kinds of cells:

- **counts of people** that the page shows (primary suppression hides 1 to ``below - 1``);
- **amounts** (days, euros) that the page shows: never hidden for their own size, but hidden
  with the people they belong to (``link``) and protected in their sums like any cell;
- **people behind** other figures, not shown themselves (the clients of a month's money, of a
  unit's attendance rate): a small count hides what it is linked to.

Only shown cells take part in sums, since a reader can only add up what is written.

:func:`suppressed_cells` makes every sum have two hidden cells or none, so that no hidden cell
is the difference of the others. A reader who sees zeros written out also knows that a hidden
count of people is at least 1 (zeros are never hidden): thirteen participants, eleven
continuing and two exit reasons hidden make each of them 1. :func:`exposed` is that reader: it
narrows each hidden cell between bounds through every sum, and :func:`protect` hides one more
cell next to any hidden cell whose bounds meet, until none do.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

from reporting.suppression import Relations, suppressed_cells

Cell = Hashable
ROUNDS = 100  # the bounds settle in a few rounds; inexact sums (see cells.py) could creep


@dataclass
class Sheet:
    """The figures of one page: values, sums and links."""

    values: dict[Cell, int] = field(default_factory=dict)
    people: set[Cell] = field(default_factory=set)
    unpublished: set[Cell] = field(default_factory=set)
    relations: Relations = field(default_factory=Relations)

    def count(self, cell: Cell, value: int | None) -> Cell:
        """A count of people shown on the page."""
        self.values[cell] = value or 0
        self.people.add(cell)
        return cell

    def amount(self, cell: Cell, value: int | None) -> Cell:
        """Days or cents shown on the page."""
        self.values[cell] = value or 0
        return cell

    def behind(self, cell: Cell, value: int | None) -> Cell:
        """A count of people not shown, behind figures that are (see :meth:`link`)."""
        self.count(cell, value)
        self.unpublished.add(cell)
        return cell

    def add_sum(self, total: Cell, parts: Iterable[Cell]) -> None:
        self.relations.add_sum(total, parts)

    def link(self, *cells: Cell) -> None:
        self.relations.link(*cells)

    def published(self, hidden: set[Cell] | frozenset[Cell]) -> dict[Cell, int | None]:
        """What the page shows: each shown cell's value, None when hidden."""
        return {
            cell: None if cell in hidden else value
            for cell, value in self.values.items()
            if cell not in self.unpublished
        }


def exposed(
    published: Mapping[Cell, int | None],
    relations: Relations,
    positive: set[Cell] | frozenset[Cell],
) -> dict[Cell, int]:
    """The hidden cells (None) whose value a reader can pin down: each hidden cell lies between
    0 (1 for ``positive`` cells: counts of people, never hidden when zero) and no upper bound,
    and every sum narrows the bounds of its members from the others'. Returns the cells whose
    bounds meet, with their value. Finds everything :func:`reporting.suppression.recoverable`
    does, and what the lower bounds give away besides."""
    low: dict[Cell, float] = {}
    high: dict[Cell, float] = {}
    for cell, value in published.items():
        if value is None:
            low[cell], high[cell] = (1 if cell in positive else 0), math.inf
        else:
            low[cell] = high[cell] = value
    sums = [
        (total, [part for part in parts if part in published])
        for total, parts in relations.sums
        if total in published
    ]
    for _round in range(ROUNDS):
        changed = False
        for total, parts in sums:
            if not parts or all(published[cell] is not None for cell in (total, *parts)):
                continue
            low_sum = sum(low[part] for part in parts)
            high_finite = sum(high[part] for part in parts if high[part] != math.inf)
            unbounded = sum(high[part] == math.inf for part in parts)
            changed |= _narrow(
                low, high, total, low_sum, high_finite if not unbounded else math.inf
            )
            for part in parts:
                others_low = low_sum - low[part]
                if high[part] == math.inf:
                    others_high = high_finite if unbounded == 1 else math.inf
                else:
                    others_high = high_finite - high[part] if not unbounded else math.inf
                changed |= _narrow(
                    low, high, part, low[total] - others_high, high[total] - others_low
                )
        if not changed:
            break
    return {
        cell: int(low[cell])
        for cell, value in published.items()
        if value is None and low[cell] == high[cell]
    }


def _narrow(
    low: dict[Cell, float], high: dict[Cell, float], cell: Cell, lowest: float, highest: float
) -> bool:
    changed = False
    if lowest > low[cell]:
        low[cell], changed = lowest, True
    if highest < high[cell]:
        high[cell], changed = highest, True
    return changed


def protect(sheet: Sheet, below: int | None) -> frozenset[Cell]:
    """The cells of ``sheet`` to hide: counts of people from 1 to ``below - 1``, what is
    linked to them, and enough other cells that a reader with the page and a pen can work out
    none of them (neither by subtraction nor from the bounds of :func:`exposed`)."""
    if not below or below <= 1:
        return frozenset()
    forced: set[Cell] = set()
    while True:
        # A forced cell is passed as a count of one person: primary suppression hides it and
        # the fixed point of suppressed_cells protects it with the rest.
        values = {cell: 1 if cell in forced else value for cell, value in sheet.values.items()}
        hidden = suppressed_cells(values, sheet.relations, below, people=sheet.people | forced)
        published = sheet.published(hidden)
        pinned = exposed(published, sheet.relations, sheet.people | forced)
        more = {_next_to(cell, published, sheet) for cell in pinned} - {None}
        if not more - forced:
            return frozenset(hidden)
        forced |= more


def _next_to(cell: Cell, published: Mapping[Cell, int | None], sheet: Sheet) -> Cell | None:
    """One more shown cell to hide beside the pinned ``cell``: the smallest positive part of a
    sum it belongs to (else that sum's total); failing that, of any sum with a hidden cell."""
    order = {key: index for index, key in enumerate(sheet.values)}

    def candidate(sums: list[tuple[Cell, tuple[Cell, ...]]]) -> Cell | None:
        shown = [
            (member == total, published[member], order[member], member)
            for total, parts in sums
            for member in (total, *parts)
            if (published.get(member) or 0) > 0
        ]
        return min(shown, key=lambda item: item[:3])[3] if shown else None

    sums = sheet.relations.sums
    return candidate([rel for rel in sums if cell in (rel[0], *rel[1])]) or candidate(
        [rel for rel in sums if any(published.get(m, 0) is None for m in (rel[0], *rel[1]))]
    )
