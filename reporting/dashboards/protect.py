"""Protecting a dashboard page's figures together (DOMAIN.md §6, complementary suppression).

A page for a municipal official is counted first and protected in one step before anything is
written out: :mod:`.cells` collects every figure of the page into a :class:`Sheet` (its value
and how the figures add up: month rows to their total, units to all units, exit reasons to
those who left, ...), :func:`protect` chooses the cells to hide, and the page's
:class:`~.present.Counter` writes "–" for each of them.

A sheet holds three kinds of cells:

- **counts of people** that the page shows (primary suppression hides 1 to ``below - 1``);
- **amounts** (days, euros) that the page shows: never hidden for their own size, but hidden
  with the people they belong to (``link``) and protected in their sums like any cell;
- **people behind** other figures, not shown themselves (the clients of a month's money, of a
  unit's attendance rate): a small count hides what it is linked to.

Only shown cells take part in sums, since a reader can only add up what is written.

:func:`reporting.suppression.protected_cells` chooses them, as it does for the reports: every
sum gets two hidden cells or none, and the result is audited against a reader who combines sums
or knows that a hidden count of people is at least 1 (zeros are shown): thirteen participants,
eleven continuing and two exit reasons hidden would make each of them 1.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from reporting.suppression import Relations, protected_cells

Cell = Hashable


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


def protect(sheet: Sheet, below: int | None) -> frozenset[Cell]:
    """The cells of ``sheet`` to hide: counts of people from 1 to ``below - 1``, what is
    linked to them, and enough other cells that a reader with the page and a pen can work out
    none of them (:func:`reporting.suppression.protected_cells`, the reports' own rule)."""
    return frozenset(
        protected_cells(
            sheet.values,
            sheet.relations,
            below,
            people=sheet.people,
            unpublished=sheet.unpublished,
        )
    )
