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
- One access-log row per client created or changed (a period of theirs counts), in the same
  transaction.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import access_log_record
from organisations.importing import (
    Change,
    ErrorList,
    ImportCounts,
    ImportFailed,
    Row,
    RowError,
    RowReader,
    parse_municipality_code,
    read_table,
)
from organisations.models import Municipality, Unit

from .hetu import birth_date, clean_hetu, is_temporary, validate_hetu
from .models import (
    DISADVANTAGE_FIELDS,
    ENTRY_FIELDS,
    Benefit,
    Client,
    Destination,
    Education,
    ExitReason,
    LabourMarketStatus,
    Period,
    PeriodStatus,
    Sex,
    YesNoDeclined,
)
from .rules import check_period

PARTICIPANT_COLUMNS = (
    "hetu",
    "first_name",
    "last_name",
    "sex",
    "home_municipality",
    "unit",
    "start_date",
    "end_date",
    "days_per_week",
    "hours_per_day",
    *ENTRY_FIELDS,
    "exit_date",
    "exit_reason",
    "destination",
    "destination_6m",
)
REQUIRED_COLUMNS = (
    "hetu",
    "first_name",
    "last_name",
    "home_municipality",
    "unit",
    "start_date",
    "end_date",
    "days_per_week",
    "hours_per_day",
    "labour_market_status",
)
COUNT_KINDS = ("clients", "periods")
LOG_DETAIL = "import_participants"

_SEXES = (Sex.WOMAN, Sex.MAN, Sex.NON_BINARY)
_ENTRY_CHOICES: dict[str, list[str]] = {
    "benefit": [code for code in Benefit.values if code],
    "labour_market_status": [code for code in LabourMarketStatus.values if code],
    "education": [code for code in Education.values if code],
    **{name: [code for code in YesNoDeclined.values if code] for name in DISADVANTAGE_FIELDS},
}
_NAME_MAX_LENGTH = 100
_UNIT_CODE_MAX_LENGTH = 40
# Model fields whose column in the file has another name; the rest share the name.
_FIELD_COLUMNS = {"registered_unit": "unit", "weekdays": "days_per_week"}


@dataclass
class _PeriodRow:
    """One readable row: every required value is present and sound."""

    number: int
    hetu: str
    first_name: str
    last_name: str
    sex: str
    municipality: Municipality
    unit: Unit
    start_date: datetime.date
    end_date: datetime.date
    days_per_week: int
    hours_per_day: Decimal
    entry: dict[str, str]
    exit_date: datetime.date | None
    exit_reason: str
    destination: str
    destination_6m: str
    existing: Period | None = None
    overlaps: bool = field(default=False)

    @property
    def last_day(self) -> datetime.date:
        if self.exit_date is not None:
            return self.exit_date
        if self.existing is not None and self.existing.exit_date is not None:
            return self.existing.exit_date
        return self.end_date


@dataclass
class _Context:
    """What the database already holds for the file, read once before the rows."""

    units: dict[str, Unit]
    municipalities: dict[str, Municipality]
    clients: dict[str, Client]
    periods: dict[str, list[Period]]  # by client hetu


def participants_import(*, data: bytes | str | Path, allow_temporary: bool = False) -> ImportCounts:
    """Create or update the clients and periods in a CSV file, all or nothing.

    Every row is validated first, against the file and the database. Any error raises
    ImportFailed with all of them, and nothing is saved. Temporary identity codes (individual
    number 900–999) are refused unless ``allow_temporary``.
    """
    errors = ErrorList(columns=PARTICIPANT_COLUMNS)
    table = read_table(
        data, columns=PARTICIPANT_COLUMNS, required_columns=REQUIRED_COLUMNS, errors=errors
    )
    context = _load_context(table.rows)
    rows: list[_PeriodRow] = []
    first_row_of_client: dict[str, _PeriodRow] = {}
    row_of_period: dict[tuple[str, str, datetime.date], int] = {}
    for row in table.rows:
        item = _read_row(row, errors, context, allow_temporary=allow_temporary)
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
    errors.raise_if_any()
    with transaction.atomic():
        return _save(rows, context)


def _load_context(rows: tuple[Row, ...]) -> _Context:
    hetus = {clean_hetu(row["hetu"]) for row in rows if row["hetu"]}
    periods: dict[str, list[Period]] = defaultdict(list)
    for period in Period.objects.filter(client__hetu__in=hetus).select_related("client", "unit"):
        periods[period.client.hetu].append(period)
    return _Context(
        units=Unit.objects.in_bulk({row["unit"] for row in rows}, field_name="code"),
        municipalities=Municipality.objects.in_bulk(
            {row["home_municipality"] for row in rows}, field_name="code"
        ),
        clients=Client.objects.in_bulk(hetus, field_name="hetu"),
        periods=periods,
    )


def _read_hetu(cells: RowReader, *, allow_temporary: bool) -> str:
    raw = cells.text("hetu", required=True)
    if not raw:
        return ""
    try:
        return validate_hetu(raw, allow_temporary=allow_temporary)
    except ValidationError as exc:
        if exc.code == "temporary":
            cells.error(
                "hetu",
                _(
                    "This is a temporary identity code (individual number 900–999). Run the "
                    "import with --allow-temporary if that is intended."
                ),
            )
        else:
            cells.error("hetu", " ".join(exc.messages))
        return ""


def _read_row(
    row: Row, errors: ErrorList, context: _Context, *, allow_temporary: bool
) -> _PeriodRow | None:
    """The row's values, or None after adding every problem with it to ``errors``."""
    found_before = len(errors)
    cells = RowReader(row, errors)
    hetu = _read_hetu(cells, allow_temporary=allow_temporary)
    first_name = cells.text("first_name", required=True, max_length=_NAME_MAX_LENGTH)
    last_name = cells.text("last_name", required=True, max_length=_NAME_MAX_LENGTH)
    sex = cells.choice("sex", _SEXES) or ""

    municipality_code = cells.value("home_municipality", parse_municipality_code, required=True)
    municipality = context.municipalities.get(municipality_code or "")
    if municipality_code and municipality is None:
        cells.error(
            "home_municipality",
            _("No municipality has the code %(code)s. Import it first or correct the code.")
            % {"code": municipality_code},
        )
    unit_code = cells.text("unit", required=True, max_length=_UNIT_CODE_MAX_LENGTH)
    unit = context.units.get(unit_code)
    if unit_code and unit is None:
        cells.error(
            "unit",
            _("No unit has the code “%(code)s”. Import it first or correct the code.")
            % {"code": unit_code},
        )

    start_date = cells.date("start_date", required=True)
    end_date = cells.date("end_date", required=True)
    days_per_week = cells.integer("days_per_week", required=True)
    hours_per_day = cells.decimal("hours_per_day", required=True)
    if hours_per_day is not None and _decimals(hours_per_day) > 1:
        cells.error("hours_per_day", _("Hours a day are recorded to one decimal, for example 7,5."))
        hours_per_day = None
    entry = {
        name: cells.choice(name, choices, required=name == "labour_market_status") or ""
        for name, choices in _ENTRY_CHOICES.items()
    }

    existing = None
    if hetu and unit is not None and start_date is not None:
        existing = next(
            (
                period
                for period in context.periods.get(hetu, ())
                if period.unit_id == unit.pk and period.start_date == start_date
            ),
            None,
        )
    for violation in check_period(
        start_date=start_date,
        end_date=end_date,
        days_per_week=days_per_week,
        hours_per_day=hours_per_day,
        weekdays=existing.weekdays if existing is not None else "",
    ):
        if violation.field == "weekdays" and existing is not None:
            # The file has no weekdays: the period was recorded in KUTY with them.
            cells.error(
                "days_per_week",
                _(
                    "The period is recorded in KUTY with %(count)d weekdays; "
                    "change its days a week there."
                )
                % {"count": len(existing.weekdays)},
            )
        else:
            cells.error(violation.field or "", violation.message)

    exit_date, exit_reason, destination, destination_6m = _read_exit(cells, start_date)

    if (
        len(errors) > found_before
        or municipality is None
        or unit is None
        or start_date is None
        or end_date is None
        or days_per_week is None
        or hours_per_day is None
    ):
        return None
    return _PeriodRow(
        number=row.number,
        hetu=hetu,
        first_name=first_name,
        last_name=last_name,
        sex=sex,
        municipality=municipality,
        unit=unit,
        start_date=start_date,
        end_date=end_date,
        days_per_week=days_per_week,
        hours_per_day=hours_per_day,
        entry=entry,
        exit_date=exit_date,
        exit_reason=exit_reason,
        destination=destination,
        destination_6m=destination_6m,
        existing=existing,
    )


def _decimals(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _read_exit(
    cells: RowReader, start_date: datetime.date | None
) -> tuple[datetime.date | None, str, str, str]:
    exit_date = cells.date("exit_date")
    if exit_date is not None:
        if start_date is not None and exit_date < start_date:
            cells.error("exit_date", _("The exit date is before the period's start date."))
        if exit_date > timezone.localdate():
            cells.error(
                "exit_date",
                _("The exit date is in the future. Leave it empty for a period that continues."),
            )
    has_exit = not cells.is_empty("exit_date")
    needs_exit = _("Give this only with an exit date; leave it empty for a continuing period.")
    if has_exit:
        exit_reason = cells.choice(
            "exit_reason", ExitReason.values, required=_("An exit date needs an exit reason.")
        )
        destination = cells.choice(
            "destination",
            Destination.values,
            required=_("An exit date needs the destination at exit."),
        )
        destination_6m = cells.choice("destination_6m", Destination.values)
    else:
        exit_reason = destination = destination_6m = None
        for column in ("exit_reason", "destination", "destination_6m"):
            cells.must_be_empty(column, needs_exit)
    return exit_date, exit_reason or "", destination or "", destination_6m or ""


# --- saving ---------------------------------------------------------------------------------


def _differs(obj: models.Model, name: str, value: object) -> bool:
    if isinstance(value, models.Model):
        return getattr(obj, obj._meta.get_field(name).attname) != value.pk
    return getattr(obj, name) != value


def _save_object(obj: models.Model, number: int) -> None:
    """full_clean and save; a ValidationError the checks did not foresee still names its row."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        messages = getattr(exc, "message_dict", None) or {NON_FIELD_ERRORS: exc.messages}
        failures = []
        for name, field_messages in messages.items():
            column = _FIELD_COLUMNS.get(name, name)
            column = column if column in PARTICIPANT_COLUMNS else ""
            failures.extend(RowError(number, column, message) for message in field_messages)
        raise ImportFailed(failures, columns=PARTICIPANT_COLUMNS) from None
    obj.save()


def _update(obj: models.Model, values: dict[str, Any], number: int) -> Change:
    changed = [name for name, value in values.items() if _differs(obj, name, value)]
    if not changed:
        return Change.UNCHANGED
    for name in changed:
        setattr(obj, name, values[name])
    _save_object(obj, number)
    return Change.UPDATED


def _save(rows: list[_PeriodRow], context: _Context) -> ImportCounts:
    counts = ImportCounts(COUNT_KINDS)
    rows_of: dict[str, list[_PeriodRow]] = defaultdict(list)
    for item in rows:
        rows_of[item.hetu].append(item)
    for hetu, client_rows in rows_of.items():
        client_rows.sort(key=lambda item: item.start_date)
        # The client's recorded periods that the file does not mention.
        others = [
            period
            for period in context.periods.get(hetu, ())
            if not any(item.existing is period for item in client_rows)
        ]
        _mark_overlaps(
            client_rows, [period for period in others if period.status != PeriodStatus.DRAFT]
        )
        client, client_change = _save_client(
            context.clients.get(hetu), client_rows, other_periods=others
        )
        counts.add("clients", client_change)
        period_changes = [_save_period(client, item) for item in client_rows]
        for change in period_changes:
            counts.add("periods", change)
        if client_change is Change.CREATED:
            action = Action.CREATE
        elif client_change is Change.UPDATED or any(
            change is not Change.UNCHANGED for change in period_changes
        ):
            action = Action.CHANGE
        else:
            continue
        access_log_record(action=action, client_uuid=client.uuid, obj=client, detail=LOG_DETAIL)
    return counts


def _mark_overlaps(client_rows: list[_PeriodRow], others: list[Period]) -> None:
    spans = [(id(item), item.start_date, item.last_day) for item in client_rows]
    spans += [(id(period), period.start_date, period.last_day) for period in others]
    for item in client_rows:
        item.overlaps = any(
            key != id(item) and start <= item.last_day and item.start_date <= last
            for key, start, last in spans
        )


def _save_client(
    client: Client | None, client_rows: list[_PeriodRow], *, other_periods: list[Period]
) -> tuple[Client, Change]:
    latest = client_rows[-1]
    values: dict[str, Any] = {
        "first_name": latest.first_name,
        "last_name": latest.last_name,
        "home_municipality": latest.municipality,
    }
    if client is None:
        client = Client(
            hetu=latest.hetu,
            temporary_hetu=is_temporary(latest.hetu),
            date_of_birth=birth_date(latest.hetu),
            sex=latest.sex or Sex.UNKNOWN,
            registered_unit=client_rows[0].unit,
            responsible_counsellor=None,
            **values,
            **latest.entry,
        )
        _save_object(client, latest.number)
        return client, Change.CREATED
    if any(period.start_date > latest.start_date for period in other_periods):
        return client, Change.UNCHANGED  # the record is newer than the file
    if latest.sex:
        values["sex"] = latest.sex
    values.update((name, value) for name, value in latest.entry.items() if value)
    return client, _update(client, values, latest.number)


def _save_period(client: Client, item: _PeriodRow) -> Change:
    values: dict[str, Any] = {
        "end_date": item.end_date,
        "days_per_week": item.days_per_week,
        "hours_per_day": item.hours_per_day,
    }
    exit_values = {
        "exit_date": item.exit_date,
        "exit_reason": item.exit_reason,
        "destination": item.destination,
        "destination_6m": item.destination_6m,
    }
    if item.existing is None:
        period = Period(
            client=client,
            unit=item.unit,
            start_date=item.start_date,
            status=_status(item.exit_date, item.start_date),
            weekdays="",
            overlap_confirmed=item.overlaps,
            imported=True,
            follow_up_consent=False,
            **values,
            **item.entry,
            **exit_values,
        )
        _save_object(period, item.number)
        return Change.CREATED
    period = item.existing
    values.update((name, value) for name, value in item.entry.items() if value)
    if item.exit_date is not None:
        values.update((name, value) for name, value in exit_values.items() if value)
        values["status"] = PeriodStatus.ENDED
    elif period.imported and period.exit_date is None:
        values["status"] = _status(None, period.start_date)
    if item.overlaps:
        values["overlap_confirmed"] = True
    return _update(period, values, item.number)


def _status(exit_date: datetime.date | None, start_date: datetime.date) -> PeriodStatus:
    if exit_date is not None:
        return PeriodStatus.ENDED
    if start_date <= timezone.localdate():
        return PeriodStatus.ACTIVE
    return PeriodStatus.AGREED
