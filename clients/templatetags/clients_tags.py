"""Display helpers for client pages: labels for stored codes, never any permission logic."""

from __future__ import annotations

from django import template
from django.utils.dates import WEEKDAYS_ABBR

from audit.models import Action
from clients.models import PeriodStatus

register = template.Library()

_PERIOD_STATUS_LABELS = dict(PeriodStatus.choices)
_ACTION_LABELS = dict(Action.choices)


@register.filter
def period_status_label(code: str | None) -> str:
    return str(_PERIOD_STATUS_LABELS.get(code or "", ""))


@register.filter
def action_label(code: str) -> str:
    return str(_ACTION_LABELS.get(code, code))


@register.filter
def weekday_names(weekdays: str) -> str:
    """ISO weekday digits ("135") as abbreviated names in the current language."""
    return ", ".join(str(WEEKDAYS_ABBR[int(d) - 1]) for d in weekdays if d in "1234567")
