"""Reading the participant file: its columns, and every row checked before anything is saved."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations.importing import ErrorList, Row, RowReader, parse_municipality_code
from organisations.models import Municipality, Unit

from ..crypto import hetu_digest
from ..hetu import clean_hetu, validate_hetu
from ..models import (
    DISADVANTAGE_FIELDS,
    ENTRY_FIELDS,
    Benefit,
    Client,
    Destination,
    Education,
    ExitReason,
    LabourMarketStatus,
    Period,
    Sex,
    YesNoDeclined,
)
from ..rules import check_period

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

_SEXES = (Sex.WOMAN, Sex.MAN, Sex.NON_BINARY)
_ENTRY_CHOICES: dict[str, list[str]] = {
    "benefit": [code for code in Benefit.values if code],
    "labour_market_status": [code for code in LabourMarketStatus.values if code],
    "education": [code for code in Education.values if code],
    **{name: [code for code in YesNoDeclined.values if code] for name in DISADVANTAGE_FIELDS},
}
_NAME_MAX_LENGTH = 100
_UNIT_CODE_MAX_LENGTH = 40


@dataclass
class PeriodRow:
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
class Context:
    """What the database already holds for the file, read once before the rows."""

    units: dict[str, Unit]
    municipalities: dict[str, Municipality]
    clients: dict[str, Client]
    periods: dict[str, list[Period]]  # by client hetu


def load_context(rows: tuple[Row, ...]) -> Context:
    hetus = {clean_hetu(row["hetu"]) for row in rows if row["hetu"]}
    periods: dict[str, list[Period]] = defaultdict(list)
    digests = [hetu_digest(code) for code in hetus]
    for period in Period.objects.filter(client__hetu_hmac__in=digests).select_related(
        "client", "unit"
    ):
        periods[period.client.hetu].append(period)
    return Context(
        units=Unit.objects.in_bulk({row["unit"] for row in rows}, field_name="code"),
        municipalities=Municipality.objects.in_bulk(
            {row["home_municipality"] for row in rows}, field_name="code"
        ),
        clients=Client.objects.in_bulk_by_hetu(hetus),
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


def read_row(
    row: Row, errors: ErrorList, context: Context, *, allow_temporary: bool
) -> PeriodRow | None:
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
    return PeriodRow(
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
