"""The errors of an import: one cell's complaint, one row's error, and the list of them all."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass


class CellError(ValueError):
    """A parser's complaint about one cell's value; the caller adds the row and the column."""


@dataclass(frozen=True)
class RowError:
    """One problem in the file, where a person can find it."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return f"row {self.row}, column {self.column}: {self.message}"
        return f"row {self.row}: {self.message}"


class ImportFailed(Exception):
    """The file has errors; nothing was saved. ``errors`` holds every one, in file order.

    Errors are sorted by row, and within a row by the order of ``columns`` when given (errors
    about the whole row first), whatever order the checks found them in.
    """

    def __init__(self, errors: Iterable[RowError], *, columns: Sequence[str] = ()) -> None:
        position = {column: index for index, column in enumerate(columns, start=1)}
        self.errors: list[RowError] = sorted(
            errors,
            key=lambda error: (
                error.row,
                position.get(error.column, 0 if not error.column else len(position) + 1),
            ),
        )
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """The errors as ``row N, column C: message`` lines."""
        return [str(error) for error in self.errors]


class ErrorList:
    """Collects the problems of a whole file so that the person sees them all at once."""

    def __init__(self, *, columns: Sequence[str] = ()) -> None:
        """``columns``: the file's columns in the order errors within a row are listed."""
        self._errors: list[RowError] = []
        self.columns = tuple(columns)

    def add(self, row: int, column: str, message: str) -> None:
        self._errors.append(RowError(row=row, column=column, message=str(message)))

    def __iter__(self) -> Iterator[RowError]:
        return iter(self._errors)

    def __len__(self) -> int:
        return len(self._errors)

    def __bool__(self) -> bool:
        return bool(self._errors)

    def raise_if_any(self) -> None:
        if self._errors:
            raise ImportFailed(self._errors, columns=self.columns)
