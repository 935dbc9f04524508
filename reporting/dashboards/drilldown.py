"""The records behind a dashboard figure: the periods it counts, with the number of days or
scores each contributes where the figure counts those.

Each figure's rows come from the same queryset its count comes from (:mod:`.data`,
:mod:`.now`), so the list always matches the figure: a count of people lists one period per
client, a count of periods lists the periods, a count of days lists the periods with their
days (adding up to the figure).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activation_plans.selectors import gas_label
from clients.models import Destination, ExitReason, Period
from guidance.models import AttendanceStatus
from reporting.figures import ABSENCE_CODES
from reporting.params import ReportParams

from . import data, now
from .data import GAS_SCORES
from .forms import DashboardFilterForm
from .present import months_between

PEOPLE, PERIODS, DAYS, SCORES = "people", "periods", "days", "scores"
FIGURES: dict[str, tuple[Any, str]] = {
    "active": (gettext_lazy("Active clients now"), PEOPLE),
    "warnings": (gettext_lazy("Clients with attendance warnings in the last 30 days"), PEOPLE),
    "awaiting_agreement": (gettext_lazy("Plans waiting for agreement"), PERIODS),
    "follow_ups_overdue": (gettext_lazy("Follow-up meetings overdue"), PERIODS),
    "reviews_overdue": (gettext_lazy("24-month reviews overdue"), PERIODS),
    "starts": (gettext_lazy("Periods started"), PERIODS),
    "exits": (gettext_lazy("Periods ended"), PERIODS),
    "outcome": (gettext_lazy("Participants"), PEOPLE),
    "absence": (gettext_lazy("Absence days"), DAYS),
    "present": (gettext_lazy("Present days"), DAYS),
    "compensated": (gettext_lazy("Days of state compensation"), DAYS),
    "gas": (gettext_lazy("Goal attainment scores"), SCORES),
}
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class DrillFilterForm(DashboardFilterForm):
    figure = forms.ChoiceField(choices=[(key, key) for key in FIGURES])
    month = forms.CharField(required=False)
    key = forms.CharField(required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        figure, key = cleaned.get("figure"), cleaned.get("key") or ""
        keys = {
            "outcome": set(data.outcome_conditions(_any_params())),
            "absence": set(ABSENCE_CODES),
            "gas": {str(score) for score in GAS_SCORES},
        }.get(str(figure))
        known = key in keys if keys is not None else not key
        if figure and not known:
            self.add_error("key", _("Unknown figure; open the list from the dashboard."))
        month = cleaned.get("month") or ""
        if month:
            match = _MONTH.match(month)
            first, last = cleaned.get("from"), cleaned.get("to")
            day = datetime.date(int(match[1]), int(match[2]), 1) if match else None
            if day is None or not first or not last or day not in months_between(first, last):
                self.add_error("month", _("Choose a month inside the range, e.g. 2025-03."))
            cleaned["month"] = day
        else:
            cleaned["month"] = None
        return cleaned


def _any_params() -> ReportParams:
    day = datetime.date(2000, 1, 1)
    return ReportParams(kind="outcome", date_from=day, date_to=day)


def one_per_client(periods: QuerySet[Period]) -> QuerySet[Period]:
    """The latest period of each client among ``periods``."""
    ranked = (
        periods.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("client_id")],
                order_by=[F("start_date").desc(), F("pk").desc()],
            )
        )
        .filter(rank=1)
        .values("pk")
    )
    return Period.objects.filter(pk__in=ranked)


@dataclass
class Drill:
    title: str
    kind: str
    periods: QuerySet[Period]
    records: QuerySet[Any] | None = None  # the days or scores the figure counts
    counts: QuerySet[Any] | None = None  # their number per period: period id ("pid") → n

    @property
    def count_label(self) -> str:
        return _("Scores") if self.kind == SCORES else _("Days")

    def rows(self, page_periods: list[Period]) -> list[tuple[Period, int | None]]:
        if self.counts is None:
            return [(period, None) for period in page_periods]
        ids = [period.pk for period in page_periods]
        found = dict(self.counts.filter(pid__in=ids).values_list("pid", "n"))
        return [(period, found.get(period.pk, 0)) for period in page_periods]

    def total(self) -> int | None:
        """The days or scores behind the figure (``None`` for counts of people or periods)."""
        return None if self.records is None else self.records.count()


def _by_period(records: QuerySet[Any], period_field: str = "period_id") -> dict[str, Any]:
    return {
        "periods": Period.objects.filter(pk__in=records.values(period_field)),
        "records": records,
        "counts": records.values(pid=F(period_field)).annotate(n=Count("pk")).order_by(),
    }


def drill(
    params: ReportParams,
    figure: str,
    *,
    today: datetime.date,
    month: datetime.date | None = None,
    key: str = "",
) -> Drill:
    title, kind = FIGURES[figure]
    title = str(title)
    behind: dict[str, Any] = {}
    if figure == "active":
        periods = one_per_client(now.active_periods(params, today))
    elif figure == "warnings":
        periods = one_per_client(
            Period.objects.filter(pk__in=now.warning_period_ids(params, today))
        )
    elif figure in now.REMINDERS:
        periods = now.reminder_periods(params, today, figure)
    elif figure == "starts":
        periods = data.started_periods(params, month)
    elif figure == "exits":
        periods = data.ended_periods(params, month)
    elif figure == "outcome":
        periods = data.outcome_periods(params, key)
        title = _outcome_title(key)
    elif figure == "gas":
        scores = data.gas_attainments(params).filter(score=int(key))
        behind = _by_period(scores, "meeting__plan__period_id")
        title = f"{title}: {gas_label(int(key))}"
    else:
        if figure == "compensated":
            records = data.compensated_records(params, month)
        else:
            status = key if figure == "absence" else AttendanceStatus.PRESENT
            records = data.status_records(params, status, month)
            if figure == "absence":
                title = f"{title}: {AttendanceStatus(key).label}"
        behind = _by_period(records)
    if behind:
        return Drill(title, kind, **behind)
    return Drill(title, kind, periods)


def _outcome_title(key: str) -> str:
    section, _dot, code = key.partition(".")
    if section == "participants":
        return _("Participants")
    if code == "into_working_life":
        return _("Left into working life")
    if code == "continuing":
        return _("Continuing participants")
    if code == "total":
        return _("Participants who left")
    if section == "exits":
        return f"{_('Participants who left')}: {ExitReason(code).label}"
    return f"{_('Destination at exit')}: {Destination(code).label}"
