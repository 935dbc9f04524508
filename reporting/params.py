"""The parameters of a report, parsed and checked once for the command, the task and the web form.

``ReportParams.parse`` takes the raw values as a person typed them (strings, or already typed
values) and returns the parameters or raises :class:`InvalidReportParams` with one message per
field, in words the person can act on.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from organisations.importing import CellError, parse_date
from organisations.models import Municipality, Organiser, Project, Unit

KINDS = ("outcome", "allowance", "attendance", "state-compensation")
FORMATS = ("json", "csv", "csv-codes", "xlsx", "pdf")
DEFAULT_AGE_BANDS = "0-24,25-54,55-"
MAX_AGE = 150

_BAND = re.compile(r"^(\d{1,3})-(\d{1,3})?$")


class InvalidReportParams(ValueError):
    """The parameters are wrong; ``errors`` maps each field name to its messages."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        self.errors = dict(errors)
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return self.text()

    def text(self, labels: Mapping[str, str] | None = None) -> str:
        """One line per message, each after its field's label (by default the field name)."""
        labels = labels or {}
        return "\n".join(
            f"{labels.get(name, name)}: {message}"
            for name, messages in self.errors.items()
            for message in messages
        )


@dataclass(frozen=True)
class AgeBand:
    """Ages from ``low`` to ``high`` inclusive (``high`` None: and older), counted in years."""

    label: str
    low: int
    high: int | None

    def contains(self, age: int) -> bool:
        return age >= self.low and (self.high is None or age <= self.high)


def parse_age_bands(text: str) -> tuple[AgeBand, ...]:
    """``"0-24,25-54,55-"`` → bands labelled as written. Gaps are allowed (ESF+ counts
    under 18, 18–29 and 55 and over); overlaps are not, so nobody is counted twice."""
    bands: list[AgeBand] = []
    for part in text.split(","):
        label = part.strip().replace(" ", "")
        match = _BAND.match(label)
        if not match:
            raise ValueError(
                _(
                    "“%(band)s” is not an age band; write bands like 0-24,25-54,55- "
                    "(the last one may be open)."
                )
                % {"band": part.strip()}
            )
        low = int(match.group(1))
        high = int(match.group(2)) if match.group(2) is not None else None
        if high is not None and high < low:
            raise ValueError(
                _("In the age band “%(band)s” the upper age is below the lower one.")
                % {"band": label}
            )
        if (high if high is not None else low) > MAX_AGE:
            raise ValueError(
                _("The age band “%(band)s” goes above %(max)d years.")
                % {"band": label, "max": MAX_AGE}
            )
        for other in bands:
            other_high = MAX_AGE if other.high is None else other.high
            this_high = MAX_AGE if high is None else high
            if low <= other_high and other.low <= this_high:
                raise ValueError(
                    _("The age bands “%(one)s” and “%(other)s” overlap.")
                    % {"one": other.label, "other": label}
                )
        bands.append(AgeBand(label=label, low=low, high=high))
    return tuple(bands)


@dataclass(frozen=True)
class ReportParams:
    kind: str
    date_from: datetime.date
    date_to: datetime.date
    units: tuple[str, ...] = ()
    municipality: str | None = None
    organiser: str | None = None
    project: str | None = None
    age_bands: tuple[AgeBand, ...] = field(
        default_factory=lambda: parse_age_bands(DEFAULT_AGE_BANDS)
    )
    suppress_below: int | None = None
    format: str = "json"

    @property
    def filters(self) -> dict[str, Any]:
        """The filters as they appear at the top of every JSON report."""
        return {
            "units": list(self.units),
            "municipality": self.municipality,
            "organiser": self.organiser,
            "project": self.project,
        }

    @classmethod
    def parse(cls, data: Mapping[str, Any], *, check_codes: bool = True) -> ReportParams:
        """Parse raw values keyed ``kind``, ``from``, ``to``, ``units``, ``municipality``,
        ``organiser``, ``project``, ``age_bands``, ``suppress_below`` and ``format``.

        With ``check_codes`` the unit, municipality, organiser and project codes are looked
        up (one query per given filter) and an unknown code is an error.
        """
        errors: dict[str, list[str]] = {}

        def error(name: str, message: str) -> None:
            errors.setdefault(name, []).append(message)

        kind = _text(data.get("kind"))
        if kind not in KINDS:
            error(
                "kind",
                _("Unknown report “%(kind)s”; choose one of %(kinds)s.")
                % {"kind": kind, "kinds": ", ".join(KINDS)},
            )
        date_from = _date(data.get("from"), "from", error)
        date_to = _date(data.get("to"), "to", error)
        if date_from and date_to and date_from > date_to:
            error(
                "to",
                _("The range ends (%(to)s) before it starts (%(from)s).")
                % {"from": date_from.isoformat(), "to": date_to.isoformat()},
            )

        units = tuple(dict.fromkeys(_codes(data.get("units"))))
        municipality = _text(data.get("municipality")) or None
        organiser = _text(data.get("organiser")) or None
        project = _text(data.get("project")) or None

        bands_text = _text(data.get("age_bands")) or DEFAULT_AGE_BANDS
        try:
            age_bands = parse_age_bands(bands_text)
        except ValueError as exc:
            error("age_bands", str(exc))
            age_bands = ()

        suppress_below = _suppress_below(data.get("suppress_below"), error)

        output_format = _text(data.get("format")) or "json"
        if output_format not in FORMATS:
            error(
                "format",
                _("Unknown format “%(format)s”; choose one of %(formats)s.")
                % {"format": output_format, "formats": ", ".join(FORMATS)},
            )

        if check_codes:
            _check_codes(units, municipality, organiser, project, error)
        if errors or date_from is None or date_to is None:
            raise InvalidReportParams(errors)
        return cls(
            kind=kind,
            date_from=date_from,
            date_to=date_to,
            units=units,
            municipality=municipality,
            organiser=organiser,
            project=project,
            age_bands=age_bands,
            suppress_below=suppress_below,
            format=output_format,
        )


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _codes(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(",")
    return [code for code in (_text(item) for item in value) if code]


def _date(value: Any, name: str, error: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if not text:
        error(name, _("Give the date, for example 2025-01-31."))
        return None
    try:
        return parse_date(text)
    except CellError as exc:
        error(name, str(exc))
        return None


def _suppress_below(value: Any, error: Any) -> int | None:
    text = _text(value)
    if not text:
        return None
    try:
        number = int(text)
    except ValueError:
        error("suppress_below", _("“%(value)s” is not a whole number.") % {"value": text})
        return None
    if number < 1:
        error("suppress_below", _("Give a whole number of at least 1, for example 5."))
        return None
    return number


def _missing(model: Any, codes: Iterable[str]) -> list[str]:
    codes = list(codes)
    found = set(model.objects.filter(code__in=codes).values_list("code", flat=True))
    return [code for code in codes if code not in found]


def _check_codes(
    units: tuple[str, ...],
    municipality: str | None,
    organiser: str | None,
    project: str | None,
    error: Any,
) -> None:
    if units and (missing := _missing(Unit, units)):
        error("units", _("Unknown unit code: %(codes)s.") % {"codes": ", ".join(missing)})
    for name, model, code, message in (
        ("municipality", Municipality, municipality, _("Unknown municipality code: %(codes)s.")),
        ("organiser", Organiser, organiser, _("Unknown organiser code: %(codes)s.")),
        ("project", Project, project, _("Unknown project code: %(codes)s.")),
    ):
        if code and _missing(model, [code]):
            error(name, message % {"codes": code})
