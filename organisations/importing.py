"""The machinery every CSV import shares (interfaces.md §0–§2).

Units move their spreadsheets into KUTY with these imports, so the file rules are the same for
all of them:

- The file is UTF-8, with or without a byte order mark (Excel's "CSV UTF-8" writes one).
- The first line is the header. The delimiter, ``;`` (Finnish Excel) or ``,``, is detected from
  it. Column names are compared without surrounding spaces and case.
- Dates are ``YYYY-MM-DD`` or Finnish ``D.M.YYYY`` (``DD.MM.YYYY`` too). An empty cell means
  "unknown" unless the column is required.
- All or nothing: an import validates every row first and collects every problem as a
  :class:`RowError`; if there is any, it raises :class:`ImportFailed` and saves nothing.

**Row numbers.** ``row N`` in an error is the line number in the file, the header being row 1,
so the first data row is row 2 — the number a spreadsheet shows at the left of the row. Blank
lines are skipped but still counted, and a record whose quoted cell spans several lines is
numbered by the line it starts on. Errors that concern the whole file (encoding, header) are
reported on row 1 or on the line where the problem is.

An error reads ``row N, column C: message``. The ``row N, column C`` prefix is part of the
interface (scripts read it) and is never translated; the message is.

A typical import::

    errors = ErrorList(columns=COLUMNS)
    table = read_table(data, columns=COLUMNS, required_columns=["code"], errors=errors)
    for row in table.rows:
        cells = RowReader(row, errors)
        code = cells.text("code", required=True, max_length=40)
        start = cells.date("start_date")
    errors.raise_if_any()
    # ...then save everything inside transaction.atomic()
"""

from __future__ import annotations

import csv
import datetime
import enum
import io
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

T = TypeVar("T")

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_FINNISH_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_MUNICIPALITY_CODE = re.compile(r"^\d{3}$")
_INTEGER = re.compile(r"^[+-]?\d+$")


# --- errors ---------------------------------------------------------------------------------


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


# --- reading the file -----------------------------------------------------------------------


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


# --- parsing cells --------------------------------------------------------------------------


def parse_date(value: str) -> datetime.date:
    """``YYYY-MM-DD`` or Finnish ``D.M.YYYY``."""
    if match := _ISO_DATE.match(value):
        year, month, day = (int(part) for part in match.groups())
    elif match := _FINNISH_DATE.match(value):
        day, month, year = (int(part) for part in match.groups())
    else:
        raise CellError(
            _("“%(value)s” is not a date; write it as YYYY-MM-DD or D.M.YYYY.") % {"value": value}
        )
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise CellError(
            _("“%(value)s” is not a date of the calendar.") % {"value": value}
        ) from None


def parse_decimal(value: str) -> Decimal:
    """A number with a decimal point or a Finnish decimal comma: ``7.5`` or ``7,5``."""
    try:
        number = Decimal(value.replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": value})
    return number


def parse_integer(value: str) -> int:
    if not _INTEGER.match(value):
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": value})
    return int(value)


def parse_choice(value: str, choices: Collection[str]) -> str:
    """One of ``choices``, compared in lower case (codes are lower case)."""
    code = value.lower()
    if code not in choices:
        raise CellError(
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": value, "choices": ", ".join(choices)}
        )
    return code


def parse_municipality_code(value: str) -> str:
    """Statistics Finland's three-digit municipality code, e.g. ``638``."""
    if not _MUNICIPALITY_CODE.match(value):
        raise CellError(
            _("“%(value)s” is not a municipality code; it has three digits, for example 638.")
            % {"value": value}
        )
    return value


def split_list(value: str, separator: str = "|") -> list[str]:
    """The non-empty, stripped parts of ``a|b|c``, in order and without repeats."""
    parts = (part.strip() for part in value.split(separator))
    return list(dict.fromkeys(part for part in parts if part))


class RowReader:
    """Reads typed values from one row, adding every problem to the error list.

    Each method returns the parsed value, or ``None`` (``""`` for text) when the cell is empty or
    wrong, so that a caller can read every cell of a row and report all its problems.
    """

    def __init__(self, row: Row, errors: ErrorList) -> None:
        self.row = row
        self.errors = errors

    def error(self, column: str, message: str) -> None:
        self.errors.add(self.row.number, column, message)

    def is_empty(self, column: str) -> bool:
        return not self.row[column]

    def _missing(self, column: str, required: bool | str) -> None:
        if required:
            message = required if isinstance(required, str) else _("A value is required here.")
            self.error(column, message)

    def value(
        self, column: str, parse: Callable[[str], T], *, required: bool | str = False
    ) -> T | None:
        """The cell parsed by ``parse`` (which raises CellError). ``required`` may be the message
        to give for an empty cell instead of the general one."""
        raw = self.row[column]
        if not raw:
            self._missing(column, required)
            return None
        try:
            return parse(raw)
        except CellError as exc:
            self.error(column, str(exc))
            return None

    def text(
        self, column: str, *, required: bool | str = False, max_length: int | None = None
    ) -> str:
        raw = self.row[column]
        if not raw:
            self._missing(column, required)
        elif max_length is not None and len(raw) > max_length:
            self.error(
                column,
                _("The text is %(length)d characters long; at most %(max)d fit.")
                % {"length": len(raw), "max": max_length},
            )
            return ""
        return raw

    def date(self, column: str, *, required: bool | str = False) -> datetime.date | None:
        return self.value(column, parse_date, required=required)

    def decimal(self, column: str, *, required: bool | str = False) -> Decimal | None:
        return self.value(column, parse_decimal, required=required)

    def integer(self, column: str, *, required: bool | str = False) -> int | None:
        return self.value(column, parse_integer, required=required)

    def choice(
        self, column: str, choices: Collection[str], *, required: bool | str = False
    ) -> str | None:
        return self.value(column, lambda raw: parse_choice(raw, choices), required=required)

    def must_be_empty(self, column: str, message: str) -> None:
        """Report a value in a column that does not apply to this row."""
        if self.row[column]:
            self.error(column, message)


# --- results --------------------------------------------------------------------------------


class Change(enum.StrEnum):
    """What saving one record did."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class ImportCounts:
    """Created / updated / unchanged records per kind, in the order the kinds are given."""

    def __init__(self, kinds: Sequence[str]) -> None:
        self._counts: dict[str, Counter[Change]] = {kind: Counter() for kind in kinds}

    def add(self, kind: str, change: Change) -> None:
        self._counts.setdefault(kind, Counter())[change] += 1

    def get(self, kind: str, change: Change) -> int:
        return self._counts.get(kind, Counter())[change]

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {
            kind: {change.value: counter[change] for change in Change}
            for kind, counter in self._counts.items()
        }

    def lines(self) -> list[str]:
        """``kind: N created, N updated, N unchanged`` for each kind."""
        return [
            _("%(kind)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
            % {"kind": kind, **counts}
            for kind, counts in self.as_dict().items()
        ]


# --- the management command -----------------------------------------------------------------


class CsvImportCommand(BaseCommand):
    """Base of the ``import_*`` commands: reads FILE, prints every error, exits 1 on failure.

    Subclasses implement :meth:`import_data`, which validates everything, saves inside a
    transaction and returns the lines to print, or raises ImportFailed. A failure prints each
    error on standard error and raises CommandError (exit status 1).
    """

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("The CSV file to import (UTF-8, ; or , delimited)."))

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(path)s: %(reason)s") % {"path": path, "reason": exc.strerror}
            ) from None
        try:
            lines = self.import_data(data, **options)
        except ImportFailed as failure:
            for line in failure.lines():
                self.stderr.write(line)
            count = len(failure.errors)
            raise CommandError(
                ngettext(
                    "%(count)d error in the file; nothing was saved.",
                    "%(count)d errors in the file; nothing was saved.",
                    count,
                )
                % {"count": count}
            ) from None
        for line in lines:
            self.stdout.write(line)

    def import_data(self, data: bytes, **options: Any) -> list[str]:
        raise NotImplementedError
