"""The results of an import, and the base of the ``import_*`` management commands."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .errors import ImportFailed


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
