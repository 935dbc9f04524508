"""Complementary suppression: published figures that cannot be turned back into people.

Figures for municipal officials and funders hide small counts of people (DOMAIN.md §6). Hiding a
cell is not enough when a total, a sibling or another table gives it away by subtraction, so
this module works on a report's cells together with the **linear relations** between them
(``total = part + part + ...``), as statistical offices do:

1. **Primary suppression** hides every count of people from 1 to ``below - 1``. Zeros stay.
2. **Secondary (complementary) suppression** then looks at every relation: one that has exactly
   one hidden cell would give it away (total minus the visible parts), so one more cell of that
   relation is hidden — the smallest positive visible part, or the total when no part can go.
   Hiding it may leave another relation with one hidden cell, so the pass repeats until no
   relation has exactly one (a fixed point; it ends because every round hides a new cell).
3. **Linked cells** hide together: a unit's day count and money go with its count of people.

With at least two hidden cells in every relation, solving relations one unknown at a time (the
"pen and paper" attack that the tests run) recovers nothing. This is the greedy heuristic of
cell suppression (as in sdcTable's simple method): it does not find the fewest hidden cells in
every case, but it is small, deterministic and checked by a solver in the tests.

A cell is any hashable key — the report code uses paths into its JSON, e.g.
``("exits", "completed", "woman")``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

Cell = Hashable
Number = int | Decimal


@dataclass
class Relations:
    """The cells of one publication and how they add up."""

    sums: list[tuple[Cell, tuple[Cell, ...]]] = field(default_factory=list)
    linked: list[tuple[Cell, ...]] = field(default_factory=list)

    def add_sum(self, total: Cell, parts: Iterable[Cell]) -> None:
        """Declare ``total = sum(parts)``."""
        parts = tuple(parts)
        if parts:
            self.sums.append((total, parts))

    def link(self, *cells: Cell) -> None:
        """Declare cells that are hidden together (people, their days and their money)."""
        if len(cells) > 1:
            self.linked.append(tuple(cells))


def suppressed_cells(
    values: Mapping[Cell, Number | None],
    relations: Relations,
    below: int | None,
    *,
    people: Iterable[Cell] | None = None,
) -> set[Cell]:
    """The cells to hide. ``people`` are the cells that count people (primary suppression
    applies to them only; by default every cell). Cells without a value are ignored."""
    if not below or below <= 1:
        return set()
    people_cells = set(values) if people is None else set(people)
    order = {cell: index for index, cell in enumerate(values)}
    hidden = {
        cell
        for cell in people_cells
        if isinstance(values.get(cell), int | Decimal) and 0 < values[cell] < below  # type: ignore[operator]
    }
    links: dict[Cell, list[tuple[Cell, ...]]] = {}
    for group in relations.linked:
        for cell in group:
            links.setdefault(cell, []).append(group)

    def hide(cell: Cell) -> None:
        pending = [cell]
        while pending:
            current = pending.pop()
            if current in hidden:
                continue
            hidden.add(current)
            for group in links.get(current, ()):
                pending.extend(other for other in group if other in values)

    for cell in list(hidden):
        hidden.discard(cell)
        hide(cell)

    changed = True
    while changed:
        changed = False
        for total, parts in relations.sums:
            members = [cell for cell in (total, *parts) if cell in values]
            if sum(cell in hidden for cell in members) != 1:
                continue
            candidates = [
                cell for cell in members if cell not in hidden and (values[cell] or 0) > 0
            ]
            if not candidates:
                continue  # only zeros around a hidden zero: nothing to give away
            hide(min(candidates, key=lambda cell: (cell == total, values[cell], order[cell])))
            changed = True
    return hidden


def recoverable(
    published: Mapping[Cell, Number | None], relations: Relations
) -> dict[Cell, Number]:
    """What a reader with a pen can work out: solve every relation that has exactly one
    unknown (``None``), repeatedly. Returns the recovered cells and their values. Used by the
    tests and by anyone checking a publication."""
    known: dict[Cell, Number | None] = dict(published)
    recovered: dict[Cell, Number] = {}
    changed = True
    while changed:
        changed = False
        for total, parts in relations.sums:
            members = [cell for cell in (total, *parts) if cell in known]
            unknown = [cell for cell in members if known[cell] is None]
            if len(unknown) != 1:
                continue
            cell = unknown[0]
            part_sum = sum((known[p] or 0) for p in parts if p in known and p != cell)
            value = part_sum if cell == total else (known[total] or 0) - part_sum
            known[cell] = value
            recovered[cell] = value
            changed = True
    return recovered


# --- reports as nested dicts --------------------------------------------------------------------


def flatten(tree: Mapping[str, Any], prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    """Every leaf of a nested dict by its path (numbers and None; strings such as money in
    JSON stay as they are)."""
    cells: dict[tuple[str, ...], Any] = {}
    for key, value in tree.items():
        path = (*prefix, key)
        if isinstance(value, Mapping):
            cells.update(flatten(value, path))
        else:
            cells[path] = value
    return cells


def hide_paths(tree: Any, hidden: Iterable[Sequence[str]]) -> Any:
    """A copy of ``tree`` with the value at each hidden path replaced by None."""
    hidden_set = {tuple(path) for path in hidden}

    def walk(node: Any, prefix: tuple[str, ...]) -> Any:
        if isinstance(node, Mapping):
            return {key: walk(value, (*prefix, key)) for key, value in node.items()}
        return None if prefix in hidden_set else node

    return walk(tree, ())
