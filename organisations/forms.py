"""Forms with which an administrator edits the structure: units, groups, closure days,
projects. Each says in words a counsellor understands what is wrong; nothing is saved until
every field is right."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ClosureDay, Group, Project, Unit

# KUTY began with Act 189/2001; a closure day is about the years the unit runs.
EARLIEST_DAY = datetime.date(2001, 9, 1)
YEARS_AHEAD = 5


class DateInput(forms.DateInput):
    """The browser's own date picker; it sends ISO dates whatever the display language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _check_day(day: datetime.date | None, field: str, form: forms.Form) -> None:
    if day is None:
        return
    latest = timezone.localdate().replace(month=12, day=31)
    latest = latest.replace(year=latest.year + YEARS_AHEAD)
    if not EARLIEST_DAY <= day <= latest:
        form.add_error(
            field,
            _("Give a date between %(first)s and %(last)s.")
            % {"first": f"{EARLIEST_DAY:%d.%m.%Y}", "last": f"{latest:%d.%m.%Y}"},
        )


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "code", "organiser", "municipality"]
        help_texts = {
            "code": _("A short code used in imports and reports, e.g. LAHTI-TK."),
        }
        error_messages = {"code": {"unique": _("Another unit already has this code.")}}


class GroupForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = ["name", "description", "is_active"]
        help_texts = {
            "is_active": _("A group no longer meeting: untick, its history stays."),
        }

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = Group.objects.filter(unit_id=self.instance.unit_id, name__iexact=name)
        if others.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("The unit already has a group with this name."))
        return name


class ClosureDayForm(forms.ModelForm):
    class Meta:
        model = ClosureDay
        fields = ["date", "reason"]
        widgets = {"date": DateInput()}
        help_texts = {
            "reason": _("For example: summer closure, staff training day."),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        day = data.get("date")
        _check_day(day, "date", self)
        if (
            day is not None
            and "date" not in self.errors
            and ClosureDay.objects.filter(unit_id=self.instance.unit_id, date=day).exists()
        ):
            self.add_error("date", _("The unit is already closed on this day."))
        return data


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["name", "code", "funder", "start_date", "end_date", "units"]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "units": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        }
        error_messages = {"code": {"unique": _("Another project already has this code.")}}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        _check_day(start, "start_date", self)
        _check_day(end, "end_date", self)
        if start and end and end < start:
            self.add_error("end_date", _("The project ends before it starts."))
        return data
