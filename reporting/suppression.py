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
"pen and paper" attack of :func:`recoverable`) recovers nothing. This is the greedy heuristic of
cell suppression (as in sdcTable's simple method): it does not find the fewest hidden cells in
every case, but it is small and deterministic.

:func:`protected_cells` adds an **audit** on top, for the reports: a reader may also combine
several relations (two sums that share the same two hidden cells give away a third one:
:func:`determined`, exact linear algebra) and knows that a hidden count of people is at least
one, since zeros are shown (two hidden cells adding up to 2 are 1 each: :func:`exposed`). Each
cell the audit finds gets one more visible neighbour hidden, and the fixed point runs again,
until the audit finds nothing.

**Unpublished cells** are counts that a relation needs but the publication does not show (the
participants whose labour-market status is unknown: participants minus the statuses shown).
The reader never sees them, so they count as unknown in every relation; but a reader who can
work one out learns a count of people, so one that is small must stay out of reach like a
hidden cell.

A cell is any hashable key — the report code uses paths into its JSON, e.g.
``("exits", "completed", "woman")`` or ``("units", 0, "amount")``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

Cell = Hashable
Number = int | Decimal

AUDIT_ROUNDS = 200  # each round hides at least one more cell; a report has fewer cells
BOUND_ROUNDS = 50  # the bounds of :func:`exposed` settle in a few rounds


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

    def cells(self) -> set[Cell]:
        """Every cell a sum or a link names."""
        found: set[Cell] = set()
        for total, parts in self.sums:
            found.add(total)
            found.update(parts)
        for group in self.linked:
            found.update(group)
        return found


def _is_number(value: Any) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def suppressed_cells(
    values: Mapping[Cell, Number | None],
    relations: Relations,
    below: int | None,
    *,
    people: Iterable[Cell] | None = None,
    unpublished: Iterable[Cell] = (),
    also: Iterable[Cell] = (),
) -> set[Cell]:
    """The cells to hide. ``people`` are the cells that count people (primary suppression
    applies to them only; by default every cell). Cells without a value are ignored.

    ``unpublished`` cells are never shown: they are unknown in every relation, never chosen to
    protect another cell, and protected themselves only when hidden (a small count of people).
    ``also`` are cells to hide whatever their value (what :func:`protected_cells` adds).
    """
    if not below or below <= 1:
        return set()
    people_cells = set(values) if people is None else set(people)
    unseen = set(unpublished)
    order = {cell: index for index, cell in enumerate(values)}
    hidden = {
        cell
        for cell in people_cells
        if _is_number(values.get(cell)) and 0 < values[cell] < below  # type: ignore[operator]
    }
    hidden.update(cell for cell in also if cell in values)
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
            unknown = [cell for cell in members if cell in hidden or cell in unseen]
            if len(unknown) != 1 or unknown[0] not in hidden:
                continue
            candidates = [
                cell
                for cell in members
                if cell not in hidden and cell not in unseen and (values[cell] or 0) > 0
            ]
            if not candidates:
                continue  # only zeros around a hidden zero: nothing to give away
            hide(min(candidates, key=lambda cell: (cell == total, values[cell], order[cell])))
            changed = True
    return hidden


def protected_cells(
    values: Mapping[Cell, Number | None],
    relations: Relations,
    below: int | None,
    *,
    people: Iterable[Cell] | None = None,
    unpublished: Iterable[Cell] = (),
) -> set[Cell]:
    """:func:`suppressed_cells`, then audited: as long as a reader could work out a hidden
    cell or a small unpublished count of people — by combining relations (:func:`determined`)
    or from the bounds that shown zeros teach (:func:`exposed`) — one more visible cell next to
    it is hidden and the fixed point runs again."""
    if not below or below <= 1:
        return set()
    people_cells = set(values) if people is None else set(people)
    unseen = {cell for cell in unpublished if cell in values}
    # A reader knows that a hidden count of people is at least one (zeros are shown); an
    # unpublished count may be zero.
    positive = people_cells - unseen
    order = {cell: index for index, cell in enumerate(values)}
    also: set[Cell] = set()
    hidden: set[Cell] = set()
    for _round in range(AUDIT_ROUNDS):
        hidden = suppressed_cells(
            values, relations, below, people=people_cells, unpublished=unseen, also=also
        )
        published = {
            cell: None if cell in hidden else value
            for cell, value in values.items()
            if cell not in unseen
        }
        secret = hidden | {
            cell
            for cell in unseen & people_cells
            if _is_number(values[cell]) and 0 < values[cell] < below  # type: ignore[operator]
        }
        found = {**determined(published, relations), **exposed(published, relations, positive)}
        # A hidden figure known to be zero gives nobody away: its total is zero too (nobody
        # in the report had a child-sick day), and a hidden count of people is never zero.
        given_away = {cell for cell, value in found.items() if value and cell in secret}
        more = {_next_to(cell, published, relations, order) for cell in given_away}
        more.discard(None)
        if not more - also:
            break
        also |= more
    return hidden


def _next_to(
    cell: Cell,
    published: Mapping[Cell, Number | None],
    relations: Relations,
    order: Mapping[Cell, int],
) -> Cell | None:
    """One more shown cell to hide beside ``cell``: the smallest positive part of a sum it is
    in (else that sum's total); failing that, of any sum with a hidden cell."""

    def candidate(sums: list[tuple[Cell, tuple[Cell, ...]]]) -> Cell | None:
        shown = [
            (member == total, published[member], order[member], member)
            for total, parts in sums
            for member in (total, *parts)
            if _is_number(published.get(member)) and published[member] > 0  # type: ignore[operator]
        ]
        return min(shown, key=lambda item: item[:3])[3] if shown else None

    around = [rel for rel in relations.sums if cell in (rel[0], *rel[1])]
    return candidate(around) or candidate(
        [
            rel
            for rel in relations.sums
            if any(published.get(member, 0) is None for member in (rel[0], *rel[1]))
        ]
    )


# --- the reader -----------------------------------------------------------------------------


def _value(value: Any) -> Any:
    """A published value as a number: money and rates in JSON are strings ("81.00")."""
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return value
    return value


def recoverable(
    published: Mapping[Cell, Number | str | None], relations: Relations
) -> dict[Cell, Number]:
    """What a reader with a pen can work out: solve every relation that has exactly one
    unknown, repeatedly. A cell is unknown when it is published as None (hidden) or not
    published at all (an unpublished count a relation needs). Money may be given as in JSON
    ("81.00"). Returns the recovered cells and their values. Used by the tests and by anyone
    checking a publication."""
    known: dict[Cell, Any] = {cell: _value(value) for cell, value in published.items()}
    recovered: dict[Cell, Number] = {}
    changed = True
    while changed:
        changed = False
        for total, parts in relations.sums:
            members = (total, *parts)
            unknown = {cell for cell in members if known.get(cell) is None}
            if len(unknown) != 1:
                continue
            cell = unknown.pop()
            part_sum = sum(known[p] for p in parts if p != cell)
            value = part_sum if cell == total else known[total] - part_sum
            known[cell] = value
            recovered[cell] = value
            changed = True
    return recovered


def _equations(
    published: Mapping[Cell, Any], relations: Relations
) -> list[tuple[dict[Cell, Fraction], Fraction]]:
    """Each relation as ``sum(coefficient × unknown) = constant`` over its unknown cells."""
    equations = []
    for total, parts in relations.sums:
        coefficients: dict[Cell, Fraction] = {}
        constant = Fraction(0)
        for cell, sign in ((total, -1), *((part, 1) for part in parts)):
            value = _value(published.get(cell))
            if value is None:
                coefficients[cell] = coefficients.get(cell, Fraction(0)) + sign
            else:
                constant -= sign * Fraction(value)
        coefficients = {cell: c for cell, c in coefficients.items() if c}
        if coefficients:
            equations.append((coefficients, constant))
    return equations


def determined(
    published: Mapping[Cell, Number | str | None], relations: Relations
) -> dict[Cell, Number]:
    """Every unknown cell (None or not published) whose value follows from the relations
    together — what :func:`recoverable` finds and what combining relations adds (two sums over
    the same two hidden cells give away a third one). Exact: Gauss–Jordan elimination over
    fractions, a cell is determined when its reduced row names no other unknown."""
    pivots: dict[Cell, tuple[dict[Cell, Fraction], Fraction]] = {}
    for coefficients, constant in _equations(published, relations):
        row, rhs = dict(coefficients), constant
        for pivot in [cell for cell in row if cell in pivots]:
            factor = row.get(pivot)
            if not factor:
                continue
            pivot_row, pivot_rhs = pivots[pivot]
            for cell, c in pivot_row.items():
                updated = row.get(cell, Fraction(0)) - factor * c
                if updated:
                    row[cell] = updated
                else:
                    row.pop(cell, None)
            rhs -= factor * pivot_rhs
        if not row:
            continue  # follows from the others (or contradicts an inexact one)
        pivot = next(iter(row))
        scale = row[pivot]
        row = {cell: c / scale for cell, c in row.items()}
        rhs /= scale
        for other, (other_row, other_rhs) in list(pivots.items()):
            factor = other_row.get(pivot)
            if not factor:
                continue
            for cell, c in row.items():
                updated = other_row.get(cell, Fraction(0)) - factor * c
                if updated:
                    other_row[cell] = updated
                else:
                    other_row.pop(cell, None)
            pivots[other] = (other_row, other_rhs - factor * rhs)
        pivots[pivot] = (row, rhs)
    return {cell: _number(rhs) for cell, (row, rhs) in pivots.items() if len(row) == 1}


def _number(value: Fraction) -> Number:
    if value.denominator == 1:
        return int(value)
    return Decimal(value.numerator) / Decimal(value.denominator)


def exposed(
    published: Mapping[Cell, Number | str | None],
    relations: Relations,
    positive: Iterable[Cell] = (),
) -> dict[Cell, Number]:
    """The unknown cells whose value a reader can pin down from bounds: an unknown cell lies
    between 0 (1 for ``positive`` cells: hidden counts of people, since zeros are shown) and no
    upper bound, and every sum narrows the bounds of its members from the others'. Thirteen
    participants, eleven continuing and two hidden exit reasons make each reason 1."""
    positive = set(positive)
    low: dict[Cell, Fraction] = {}
    high: dict[Cell, Fraction | None] = {}  # None: no upper bound
    for total, parts in relations.sums:
        for cell in (total, *parts):
            if cell in low:
                continue
            value = _value(published.get(cell))
            if value is None:
                low[cell], high[cell] = Fraction(1 if cell in positive else 0), None
            else:
                low[cell] = high[cell] = Fraction(value)
    unknown = {cell for cell in low if _value(published.get(cell)) is None}
    sums = [(total, parts) for total, parts in relations.sums if unknown & {total, *parts}]

    def narrow(cell: Cell, lowest: Fraction | None, highest: Fraction | None) -> bool:
        changed = False
        if lowest is not None and lowest > low[cell]:
            low[cell], changed = lowest, True
        top = high[cell]
        if highest is not None and (top is None or highest < top):
            high[cell], changed = highest, True
        return changed

    for _round in range(BOUND_ROUNDS):
        changed = False
        for total, parts in sums:
            low_sum = sum((low[part] for part in parts), Fraction(0))
            unbounded = sum(high[part] is None for part in parts)
            finite = sum((h for part in parts if (h := high[part]) is not None), Fraction(0))
            changed |= narrow(total, low_sum, None if unbounded else finite)
            for part in parts:
                own = high[part]
                # No upper bound for the others when another part has none.
                others_high = None if unbounded - (own is None) else finite - (own or 0)
                lowest = None if others_high is None else low[total] - others_high
                top = high[total]
                highest = None if top is None else top - (low_sum - low[part])
                changed |= narrow(part, lowest, highest)
        if not changed:
            break
    return {
        cell: _number(low[cell])
        for cell in unknown
        if high[cell] is not None and low[cell] >= high[cell]  # type: ignore[operator]
    }


# --- reports as nested dicts --------------------------------------------------------------------


def flatten(
    tree: Mapping[str, Any] | Sequence[Any], prefix: tuple[Any, ...] = ()
) -> dict[tuple[Any, ...], Any]:
    """Every leaf of a nested dict by its path; lists are walked with their indexes, so a
    unit's amount is ``("units", 0, "amount")``. Numbers and None stay as they are, and
    strings too (money in JSON, "81.00": :func:`recoverable` reads them as numbers)."""
    items = tree.items() if isinstance(tree, Mapping) else enumerate(tree)
    cells: dict[tuple[Any, ...], Any] = {}
    for key, value in items:
        path = (*prefix, key)
        if isinstance(value, Mapping | list):
            cells.update(flatten(value, path))
        else:
            cells[path] = value
    return cells


def hide_paths(tree: Any, hidden: Iterable[Sequence[Any]]) -> Any:
    """A copy of ``tree`` with the value at each hidden path replaced by None."""
    hidden_set = {tuple(path) for path in hidden}

    def walk(node: Any, prefix: tuple[Any, ...]) -> Any:
        if isinstance(node, Mapping):
            return {key: walk(value, (*prefix, key)) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(value, (*prefix, index)) for index, value in enumerate(node)]
        return None if prefix in hidden_set else node

    return walk(tree, ())
