"""The dashboard's filters: plain GET parameters (``from``, ``to``, ``units``,
``municipality``), so a filtered dashboard is a link that can be bookmarked and shared.

Units are given by their public UUID; a unit outside the user's scope is an error on the
form, as is a range that ends before it starts or is longer than :data:`MAX_MONTHS`.
"""

from __future__ import annotations

import datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from organisations.models import Municipality

from .scope import MUNICIPALITY, PROJECT, Scope, Selection

MAX_MONTHS = 36
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=1) + relativedelta(months=1, days=-1)


def default_range(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last twelve months: from the first day of the month eleven months ago to the last
    day of this month. Whole months, which the dashboards read from the monthly totals."""
    return today.replace(day=1) - relativedelta(months=11), month_end(today)


# Figures exist from KUTY's start; a range far outside this is a typing error or a probe.
EARLIEST_DAY = datetime.date(2000, 1, 1)
LATEST_DAY = datetime.date(2099, 12, 31)


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DATE_INPUT,
        validators=[_sane_day],
        error_messages={
            "required": _("Give the date, for example 31.1.2025."),
            "invalid": _("Write the date as 31.1.2025 or 2025-01-31."),
        },
    )


def _sane_day(day: datetime.date) -> None:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise forms.ValidationError(
            _("Choose a date between 1.1.2000 and 31.12.2099."), code="out_of_range"
        )


class DashboardFilterForm(forms.Form):
    # Choices from the scope's units, by UUID (no query of its own).
    units = forms.MultipleChoiceField(
        label=_("Units"),
        required=False,
        help_text=_("None chosen: all your units."),
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not one of your units; choose units from the list."
            ),
        },
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=None,
        error_messages={
            "invalid_choice": _("That is not your municipality; choose one from the list."),
        },
    )

    def __init__(self, data: QueryDict, *, scope: Scope, today: datetime.date) -> None:
        first, last = default_range(today)
        data = data.copy()
        for name, default in (("from", first), ("to", last)):
            if not data.get(name):
                data[name] = default.isoformat()
        if scope.kind == MUNICIPALITY and not data.get("municipality"):
            data["municipality"] = scope.municipalities[0].code
        super().__init__(data)
        self.scope = scope
        self.fields["from"] = _date_field(str(_("From")))
        self.fields["to"] = _date_field(str(_("To")))
        self.order_fields(["from", "to", "units", "municipality"])
        if scope.kind == PROJECT:
            units = self.fields["units"]
            units.choices = [(str(unit.uuid), unit.name) for unit in scope.units]
            units.widget = forms.CheckboxSelectMultiple(choices=units.choices)
            del self.fields["municipality"]
        else:
            del self.fields["units"]
            municipality = self.fields["municipality"]
            municipality.queryset = Municipality.objects.filter(
                pk__in=[m.pk for m in scope.municipalities]
            )
            if len(scope.municipalities) == 1:
                municipality.widget = forms.HiddenInput()
            else:
                municipality.widget.attrs["class"] = "form-select"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("from"), cleaned.get("to")
        if first and last:
            if last < first:
                self.add_error("to", _("The range ends before it starts; check the dates."))
            elif first + relativedelta(months=MAX_MONTHS) <= last:
                self.add_error(
                    "to",
                    _("Choose a range of at most %(months)d months.") % {"months": MAX_MONTHS},
                )
        return cleaned

    def selection(self) -> Selection:
        """The valid filters as a selection inside the scope."""
        data = self.cleaned_data
        chosen = set(data.get("units") or ())
        picked = tuple(unit for unit in self.scope.units if str(unit.uuid) in chosen)
        return Selection(
            scope=self.scope,
            date_from=data["from"],
            date_to=data["to"],
            units=picked or self.scope.units,
            municipality=data.get("municipality"),
            chosen=bool(picked),
        )
