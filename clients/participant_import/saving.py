"""Saving the checked rows: clients and periods created or updated; the clients touched are
returned for the import's access-log rows."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import timezone

from organisations.importing import Change, ImportCounts, ImportFailed, RowError

from ..hetu import birth_date, is_temporary
from ..models import Client, Period, PeriodStatus, Sex
from .reading import PARTICIPANT_COLUMNS, Context, PeriodRow

COUNT_KINDS = ("clients", "periods")
# Model fields whose column in the file has another name; the rest share the name.
_FIELD_COLUMNS = {"registered_unit": "unit", "weekdays": "days_per_week"}


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


def save(rows: list[PeriodRow], context: Context) -> tuple[ImportCounts, list[uuid.UUID]]:
    """Write the rows; returns the counts and the uuids of the clients created or changed (a
    period of theirs created or changed counts), in the order of the file."""
    counts = ImportCounts(COUNT_KINDS)
    touched: list[uuid.UUID] = []
    rows_of: dict[str, list[PeriodRow]] = defaultdict(list)
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
        if client_change is not Change.UNCHANGED or any(
            change is not Change.UNCHANGED for change in period_changes
        ):
            touched.append(client.uuid)
    return counts, touched


def _mark_overlaps(client_rows: list[PeriodRow], others: list[Period]) -> None:
    spans = [(id(item), item.start_date, item.last_day) for item in client_rows]
    spans += [(id(period), period.start_date, period.last_day) for period in others]
    for item in client_rows:
        item.overlaps = any(
            key != id(item) and start <= item.last_day and item.start_date <= last
            for key, start, last in spans
        )


def _save_client(
    client: Client | None, client_rows: list[PeriodRow], *, other_periods: list[Period]
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


def _save_period(client: Client, item: PeriodRow) -> Change:
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
