"""Reading the file: decoding, the delimiter, the header and the rows of stripped cells."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from .errors import ErrorList, ImportFailed, RowError

# Characters no text cell may hold (tabs and line breaks inside quoted cells are fine). A NUL
# gave a traceback on PostgreSQL and was stored on SQLite.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Row:
    """One data row: its line number (see the module's docstring) and its cells by column."""

    number: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    delimiter: str


def detect_delimiter(header_line: str) -> str:
    """``;`` when the header has more semicolons than commas, else ``,``."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def decode(data: bytes) -> str:
    """The file's text, UTF-8 with or without a byte order mark; ImportFailed otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFailed(
            [
                RowError(
                    row=line,
                    column="",
                    message=_(
                        "The file is not UTF-8 text. In Excel, save it as "
                        "“CSV UTF-8 (comma delimited)”."
                    ),
                )
            ]
        ) from None


def read_table(
    source: bytes | str | Path,
    *,
    columns: Collection[str],
    required_columns: Collection[str] = (),
    errors: ErrorList,
    allow_other_columns: bool = False,
) -> Table:
    """Parse a CSV file into rows of stripped cells keyed by (lower-case) column name.

    ``source`` is the file's bytes, its already decoded text, or a path. Problems with the header
    (missing, unknown, repeated columns) raise ImportFailed at once, since no row can be read
    without a sound header. A row with more cells than the header is reported in ``errors`` and
    read as far as the header goes; missing trailing cells are empty. Rows whose cells are all
    empty (Excel writes ``;;;;`` for them) are skipped.
    """
    if isinstance(source, Path):
        source = source.read_bytes()
    text = decode(source) if isinstance(source, bytes) else source.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0].strip("\r")
    if not first_line.strip():
        raise ImportFailed(
            [RowError(1, "", _("The first row must name the columns; it is empty."))]
        )
    delimiter = detect_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(reader)]
        header_errors = _check_header(header, columns, required_columns, allow_other_columns)
        if header_errors:
            raise ImportFailed(header_errors)
        rows: list[Row] = []
        previous_line = reader.line_num
        for record in reader:
            number = previous_line + 1
            previous_line = reader.line_num
            cells = [cell.strip() for cell in record]
            if not any(cells):
                continue
            if len(cells) > len(header):
                errors.add(
                    number,
                    "",
                    _("The row has %(cells)d cells but the header names %(columns)d columns.")
                    % {"cells": len(cells), "columns": len(header)},
                )
            for column, cell in zip(header, cells, strict=False):
                if _CONTROL.search(cell):
                    errors.add(
                        number,
                        column,
                        _(
                            "The cell contains a control character (such as NUL) that text "
                            "cannot hold; remove it and save the file again."
                        ),
                    )
            values = dict(zip(header, cells, strict=False))
            rows.append(Row(number=number, cells={name: values.get(name, "") for name in header}))
    except csv.Error as exc:
        # The csv module's own message is English and technical; say where it went wrong.
        raise ImportFailed(
            [
                RowError(
                    reader.line_num,
                    "",
                    _("The file cannot be read as CSV here (%(detail)s).") % {"detail": exc},
                )
            ]
        ) from None
    return Table(columns=tuple(header), rows=tuple(rows), delimiter=delimiter)


def _check_header(
    header: list[str],
    columns: Collection[str],
    required_columns: Collection[str],
    allow_other_columns: bool,
) -> list[RowError]:
    problems: list[RowError] = []
    seen: set[str] = set()
    for position, name in enumerate(header, start=1):
        if not name:
            problems.append(
                RowError(1, "", _("Column %(position)d has no name.") % {"position": position})
            )
        elif name in seen:
            problems.append(RowError(1, name, _("The column appears twice in the header.")))
        elif name not in columns and not allow_other_columns:
            problems.append(
                RowError(
                    1,
                    name,
                    _("Unknown column. The columns are: %(columns)s.")
                    % {"columns": ", ".join(columns)},
                )
            )
        seen.add(name)
    problems.extend(
        RowError(1, name, _("The header has no such column; it is required."))
        for name in required_columns
        if name not in seen
    )
    return problems
