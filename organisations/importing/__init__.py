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

from .cells import (
    RowReader,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_integer,
    parse_municipality_code,
    split_list,
)
from .errors import CellError, ErrorList, ImportFailed, RowError
from .reading import Row, Table, decode, detect_delimiter, read_table
from .results import Change, CsvImportCommand, ImportCounts

__all__ = [
    "CellError",
    "Change",
    "CsvImportCommand",
    "ErrorList",
    "ImportCounts",
    "ImportFailed",
    "Row",
    "RowError",
    "RowReader",
    "Table",
    "decode",
    "detect_delimiter",
    "parse_choice",
    "parse_date",
    "parse_decimal",
    "parse_integer",
    "parse_municipality_code",
    "read_table",
    "split_list",
]
