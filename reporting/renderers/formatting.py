"""What the XLSX and PDF renderers share besides the tables: numbers written the Finnish way
(9,00 €, 0,87, 1 234 with a non-breaking space) and the report's parameters in words.

``meta`` is what the report itself does not know: ``generated_by`` (a person's name),
``scheduled`` (True for a run the schedule made) and ``scope`` (the scope in words, e.g.
"Unit: Aa-paja"). Without it (the ``report`` command) those rows say "–".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext, pgettext

from organisations.models import Municipality, Organiser, Project, Unit
from reporting.numbers import DASH as DASH
from reporting.numbers import fi_money as fi_money
from reporting.numbers import fi_number as fi_number
from reporting.numbers import fi_percent

from .tables import age_band_label, kind_title

fi_rate = fi_percent  # a report's rate ("0.87") as "87 %"


def fi_date(day: datetime.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def fi_datetime(moment: datetime.datetime) -> str:
    return f"{fi_date(moment)} {moment:%H:%M}"


def hidden_legend() -> str:
    """The line under every table, chart or list that shows a hidden figure ("–")."""
    return gettext("– = hidden to protect privacy")


def format_cell(column_type: str, value: Any) -> str:
    """A value as the PDF shows it; a suppressed count (None) is a dash."""
    if value is None:
        return DASH if column_type in ("count", "days", "money", "rate") else ""
    if column_type in ("count", "days"):
        return fi_number(value)
    if column_type == "money":
        return fi_money(value)
    if column_type == "rate":
        return fi_rate(value)
    return str(value)


def parse_date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def generated_at(report: dict[str, Any]) -> datetime.datetime:
    """When the report was built, in local (Helsinki) time."""
    moment = datetime.datetime.fromisoformat(report["generated_at"])
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


@dataclass(frozen=True)
class ScopeNames:
    """The report's filters as names a reader knows, for headers and the parameters sheet."""

    units: tuple[str, ...]
    organisers: tuple[str, ...]
    project: str
    municipality: str

    @property
    def header_left(self) -> str:
        """The organiser(s), else the project."""
        return ", ".join(self.organisers) or self.project

    @property
    def header_right(self) -> str:
        """The unit(s), else the project or the municipality."""
        if self.units:
            return ", ".join(self.units)
        if self.project and self.organisers:
            return self.project
        if self.municipality:
            return pgettext("report", "Home municipality: %(name)s") % {"name": self.municipality}
        return ""


def scope_names(filters: dict[str, Any]) -> ScopeNames:
    """Names for the codes in the report's filters (at most four small queries)."""
    unit_codes = list(filters.get("units") or [])
    units = list(
        Unit.objects.filter(code__in=unit_codes).select_related("organiser").order_by("name")
    )
    organisers: list[str] = []
    if filters.get("organiser"):
        organiser = Organiser.objects.filter(code=filters["organiser"]).first()
        organisers.append(organiser.name if organiser else filters["organiser"])
    else:
        organisers = sorted({unit.organiser.name for unit in units})
    project = ""
    if filters.get("project"):
        found = Project.objects.filter(code=filters["project"]).first()
        project = found.name if found else filters["project"]
    municipality = ""
    if filters.get("municipality"):
        place = Municipality.objects.filter(code=filters["municipality"]).first()
        municipality = place.name if place else filters["municipality"]
    return ScopeNames(
        units=tuple(unit.name for unit in units) or tuple(unit_codes),
        organisers=tuple(organisers),
        project=project,
        municipality=municipality,
    )


def parameter_rows(
    report: dict[str, Any], names: ScopeNames, meta: dict[str, Any] | None
) -> list[tuple[str, Any]]:
    """(label, value) for the parameters sheet and the PDF's first table. Values are text,
    dates or datetimes."""
    meta = meta or {}
    every = pgettext("report", "All")
    rows: list[tuple[str, Any]] = [
        (pgettext("report", "Report"), kind_title(report["kind"])),
        (pgettext("report", "From"), parse_date(report["from"])),
        (pgettext("report", "To"), parse_date(report["to"])),
    ]
    if meta.get("scope"):
        rows.append((pgettext("report", "Scope"), meta["scope"]))
    rows += [
        (pgettext("report", "Units"), ", ".join(names.units) or every),
        (pgettext("report", "Organiser"), ", ".join(names.organisers) or every),
        (pgettext("report", "Project"), names.project or DASH),
        (pgettext("report", "Home municipality of the clients"), names.municipality or every),
    ]
    if report["kind"] == "outcome":
        bands = ", ".join(age_band_label(band) for band in report.get("age_bands", {}))
        rows.append((pgettext("report", "Age bands"), bands))
    below = report.get("suppress_below")
    rows.append(
        (
            pgettext("report", "Small counts"),
            pgettext(
                "report",
                "Counts of 1 to %(max)d people are hidden (–), and so is every figure "
                "from which one could be worked out",
            )
            % {"max": below - 1}
            if below
            else pgettext("report", "Exact counts"),
        )
    )
    rows.append(
        (
            pgettext("report", "Personal data"),
            pgettext("report", "Included: identity codes and names")
            if report.get("personal_data")
            else pgettext("report", "Not included"),
        )
    )
    rows.append((pgettext("report", "Generated"), generated_at(report)))
    rows.append(
        (
            pgettext("report", "Generated by"),
            meta.get("generated_by")
            or (pgettext("report", "KUTY, scheduled report") if meta.get("scheduled") else DASH),
        )
    )
    return rows
