"""Parsing cells: dates, numbers, choices and lists, and :class:`RowReader` for a whole row."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Collection
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from django.utils.translation import gettext as _

from .errors import CellError, ErrorList
from .reading import Row

T = TypeVar("T")

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_FINNISH_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_MUNICIPALITY_CODE = re.compile(r"^\d{3}$")
_INTEGER = re.compile(r"^[+-]?\d+$")


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
