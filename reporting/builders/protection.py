"""Hiding a built report's small counts together (DOMAIN.md §6, interfaces.md §3).

Each builder declares, next to itself, the linear relations of its JSON (which figures add up
to which) and which figures count people; :func:`protect` hides the counts of 1 to
``below - 1`` people and every figure from which one could be worked out
(:func:`reporting.suppression.protected_cells`), all of the report's cells at once. A hidden
figure is ``null`` in JSON, whether it was small or hidden to protect another one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from reporting.suppression import (
    Cell,
    Number,
    Relations,
    flatten,
    hide_paths,
    protected_cells,
)

# The counts of people in every report's ``data_quality`` (its third figure counts days).
DATA_QUALITY_PEOPLE = ("unknown_entry_data", "ended_without_destination")


def as_number(value: Any) -> Number | None:
    """A figure of the JSON as a number: money and rates are strings ("81.00")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return value
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return None
    return None


def protect(
    body: dict[str, Any],
    below: int | None,
    relations: Relations,
    *,
    people: Iterable[Cell],
    unpublished: Mapping[Cell, Number] | None = None,
) -> dict[str, Any]:
    """``body`` with the cells to hide replaced by None. ``people`` are the paths of the
    counts of people; ``unpublished`` the counts the relations need that the JSON does not
    show, with their values (see :mod:`reporting.suppression`). An unpublished count of zero
    is taken as known: a reader may well guess that nobody is left over."""
    if not below or below <= 1:
        return body
    people = set(people)
    unpublished = dict(unpublished or {})
    wanted = relations.cells() | people
    values: dict[Cell, Number] = {}
    for path, value in flatten(body).items():
        number = as_number(value)
        if path in wanted and number is not None:
            values[path] = number
    values.update(unpublished)
    unseen = {cell for cell, value in unpublished.items() if value}
    hidden = protected_cells(
        values, relations, below, people=people | set(unpublished), unpublished=unseen
    )
    return hide_paths(body, hidden)


def add_row_sums(
    relations: Relations,
    total: tuple[Any, ...],
    rows: Iterable[tuple[Any, ...]],
    keys: Iterable[str],
) -> None:
    """``total + (key,) = sum(row + (key,) for each row)`` for each key: the units of a report
    add up to its totals, column by column."""
    rows = list(rows)
    for key in keys:
        relations.add_sum((*total, key), [(*row, key) for row in rows])


def aggregate_people(report: dict[str, Any], sections: tuple[str, ...]) -> set[Any]:
    """The paths of the counts of people in the aggregate parts: ``clients`` of each row of
    ``sections`` and the people counts of ``data_quality``."""
    people: set[Any] = set()
    for section in sections:
        value = report.get(section)
        if isinstance(value, list):
            people.update((section, index, "clients") for index in range(len(value)))
        elif isinstance(value, dict) and "clients" in value:
            people.add((section, "clients"))
        elif isinstance(value, dict):
            people.update((section, key, "clients") for key in value)
    people.update(
        ("data_quality", name)
        for name in DATA_QUALITY_PEOPLE
        if name in report.get("data_quality", {})
    )
    return people
