"""The participant import (interfaces.md §1): clients and their periods from a spreadsheet.

One row per client period; a client with two periods has two rows with the same ``hetu``. The
file rules (encoding, delimiter, dates, row numbers, all or nothing) are those of
:mod:`organisations.importing`.

Matching, so that the same file can be imported any number of times:

- A client is the one with the same identity code, compared exactly after upper-casing and
  removing spaces. The century sign is kept: ``010190-123M`` and ``010190Y123M`` are two people.
- A period is the client's period in the same unit starting on the same day.

What is written:

- A new client is registered to the unit of their first period, without a responsible
  counsellor; the date of birth comes from the identity code. The client's current values
  (name, sex, home municipality, entry data) come from their row with the latest start date.
- A new period is marked ``imported`` (the parties' agreement is not on record), has no
  weekdays (unknown) and no activation plan; its status is ``ended`` with an exit date, else
  ``active`` once it has started, else ``agreed``. Periods of one client that overlap are
  allowed (historic data) and marked ``overlap_confirmed``.
- On an existing record, a value in the file replaces the recorded one, but an empty optional
  cell never erases what is recorded (the file does not know it; the record may). A client whose
  database holds a later period than the file is left as recorded: the record is newer.
- One access-log row (action ``import``) per client created or changed (a period of theirs
  counts), all written with one INSERT in the import's transaction. It names the user given
  (``--user``), else the command (``import_participants``), and the file by its SHA-256; a
  failed import writes none.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import access_log_record_many
from organisations.importing import ErrorList, ImportCounts, RowReader, read_table
from organisations.importing.digest import file_digest
from organisations.importing.reading import Row

from ..models import PeriodStatus
from ..rules import check_weekly_total
from .reading import PARTICIPANT_COLUMNS, REQUIRED_COLUMNS, PeriodRow, load_context, read_row
from .saving import COUNT_KINDS, save

if TYPE_CHECKING:
    from accounts.models import User

LOG_DETAIL = "import_participants"  # who acted, without --user; starts the log detail


def _check_persons_weeks(rows: list[PeriodRow], context: Any, errors: ErrorList) -> None:
    """The week limit is the person's (DOMAIN.md §2): a row's period, with the same person's
    other periods that overlap it (in the file, or already in KUTY and not in the file), may
    not add up to more days or hours a week than the law allows."""
    by_person: dict[str, list[PeriodRow]] = {}
    for item in rows:
        by_person.setdefault(item.hetu, []).append(item)
    for hetu, items in by_person.items():
        in_file = {(item.unit.pk, item.start_date) for item in items}
        others = [
            period
            for period in context.periods.get(hetu, ())
            if (period.unit_id, period.start_date) not in in_file
            and period.status != PeriodStatus.DRAFT
        ]
        spans = [
            SimpleNamespace(
                start_date=item.start_date,
                end_date=item.end_date,
                exit_date=item.exit_date,
                days_per_week=item.days_per_week,
                hours_per_day=item.hours_per_day,
                unit=item.unit,
                number=item.number,
            )
            for item in items
        ] + others
        for item in items:
            overlapping = [
                span
                for span in spans
                if getattr(span, "number", None) != item.number
                and span.start_date <= item.last_day
                and item.start_date <= (span.exit_date or span.end_date)
            ]
            for violation in check_weekly_total(
                start_date=item.start_date,
                end_date=item.last_day,
                days_per_week=item.days_per_week,
                hours_per_day=item.hours_per_day,
                overlaps=overlapping,  # type: ignore[arg-type]
            ):
                RowReader(Row(number=item.number, cells={}), errors).error(
                    violation.field or "", violation.message
                )


def participants_import(
    *, data: bytes | str | Path, allow_temporary: bool = False, user: User | None = None
) -> ImportCounts:
    """Create or update the clients and periods in a CSV file, all or nothing.

    Every row is validated first, against the file and the database. Any error raises
    ImportFailed with all of them, and nothing is saved. Temporary identity codes (individual
    number 900–999) are refused unless ``allow_temporary``. ``user`` is who imports the file,
    named in the access log (without one, the command's name is).
    """
    errors = ErrorList(columns=PARTICIPANT_COLUMNS)
    table = read_table(
        data, columns=PARTICIPANT_COLUMNS, required_columns=REQUIRED_COLUMNS, errors=errors
    )
    context = load_context(table.rows)
    rows: list[PeriodRow] = []
    first_row_of_client: dict[str, PeriodRow] = {}
    row_of_period: dict[tuple[str, str, datetime.date], int] = {}
    for row in table.rows:
        item = read_row(row, errors, context, allow_temporary=allow_temporary)
        if item is None:
            continue
        cells = RowReader(row, errors)
        first = first_row_of_client.setdefault(item.hetu, item)
        for column in ("first_name", "last_name"):
            if getattr(item, column) != getattr(first, column):
                cells.error(
                    column,
                    _(
                        "Row %(row)d gives this identity code to %(name)s. One person has one "
                        "name in the file."
                    )
                    % {"row": first.number, "name": f"{first.first_name} {first.last_name}"},
                )
        key = (item.hetu, item.unit.code, item.start_date)
        if key in row_of_period:
            cells.error(
                "start_date",
                _(
                    "Row %(row)d already has a period for this person in this unit starting "
                    "on this day."
                )
                % {"row": row_of_period[key]},
            )
            continue
        row_of_period[key] = row.number
        rows.append(item)
    _check_persons_weeks(rows, context, errors)
    errors.raise_if_any()
    with transaction.atomic():
        counts, touched = save(rows, context)
        access_log_record_many(
            action=Action.IMPORT,
            client_uuids=touched,
            user=user,
            username=LOG_DETAIL,
            object_type="clients.client",
            basis="participant import",
            detail=f"{LOG_DETAIL}: file sha256 {file_digest(data)[:16]}",
        )
    return counts


__all__ = [
    "COUNT_KINDS",
    "LOG_DETAIL",
    "PARTICIPANT_COLUMNS",
    "REQUIRED_COLUMNS",
    "participants_import",
]
