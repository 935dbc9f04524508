"""The reports page's forms: asking for a report, and the GET values that fill it in.

Range shortcuts ("last month", "last quarter", "this year") work without JavaScript: as links
they are GET parameters (``?range=last_month``), as buttons inside the form they are submit
buttons named ``range`` that send the form back to be shown again with the dates filled in
(and nothing asked for), so what the user had chosen is kept.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .access import ReportScope, report_scopes, suppress_below_setting
from .models import REPORT_FORMATS, REPORT_KINDS, RunScope
from .params import DEFAULT_AGE_BANDS, parse_age_bands
from .scheduling import previous_month, previous_quarter

if TYPE_CHECKING:
    from accounts.models import User

RANGE_SHORTCUTS = (
    ("last_month", _("Last month")),
    ("last_quarter", _("Last quarter")),
    ("this_year", _("This year")),
)
DEFAULT_FORMATS = ["pdf", "xlsx"]
SCOPE_GROUPS = (
    (RunScope.ALL, _("Everything")),
    (RunScope.UNIT, _("Units")),
    (RunScope.ORGANISER, _("Organisers")),
    (RunScope.PROJECT, _("Projects")),
    (RunScope.MUNICIPALITY, _("Home municipality of the clients")),
)
MAX_RANGE_DAYS = 366 * 6


def shortcut_range(name: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    if name == "last_month":
        return previous_month(today)
    if name == "last_quarter":
        return previous_quarter(today)
    return today.replace(month=1, day=1), today


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"))
    date_from = forms.DateField(label=_("From"), widget=DateInput())
    date_to = forms.DateField(label=_("To"), widget=DateInput())
    scope = forms.ChoiceField(label=_("Scope"))
    age_bands = forms.CharField(
        label=_("Age bands"),
        required=False,
        max_length=100,
        initial=DEFAULT_AGE_BANDS,
        help_text=_(
            "Outcome report only. Ages at entry, e.g. 0-24,25-54,55- (ESF) or "
            "0-17,18-29,55- (ESF+); the last band may be open."
        ),
    )
    suppress = forms.BooleanField(label=_("Hide small counts"), required=False)
    aggregate_only = forms.BooleanField(
        label=_("Figures only: leave out identity codes and names"), required=False
    )
    formats = forms.MultipleChoiceField(
        label=_("Formats"),
        choices=REPORT_FORMATS,
        widget=forms.CheckboxSelectMultiple,
        initial=DEFAULT_FORMATS,
        error_messages={"required": _("Choose at least one format.")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scopes = {scope.value: scope for scope in report_scopes(user)}
        kinds = {kind for scope in self.scopes.values() for kind in scope.kinds}
        self.fields["kind"].choices = [(k, label) for k, label in REPORT_KINDS if k in kinds]
        self.fields["scope"].choices = [
            (group, [(s.value, s.label) for s in self.scopes.values() if s.scope == kind])
            for kind, group in SCOPE_GROUPS
            if any(s.scope == kind for s in self.scopes.values())
        ]
        below = suppress_below_setting()
        self.fields["suppress"].help_text = _(
            "Counts of 1 to %(max)d people are shown as “–”, for figures that leave the "
            "organisation. Always on for a home municipality."
        ) % {"max": below - 1}
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            elif not isinstance(widget, forms.CheckboxSelectMultiple):
                widget.attrs["class"] = "form-control"
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{name}_help"

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        for name in [field] if field else []:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"

    @property
    def chosen_scope(self) -> ReportScope | None:
        return self.scopes.get(self.cleaned_data.get("scope", ""))

    def clean_age_bands(self) -> str:
        text = self.cleaned_data["age_bands"].strip() or DEFAULT_AGE_BANDS
        try:
            parse_age_bands(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", _("The range ends before it starts."))
        elif first and last and (last - first).days > MAX_RANGE_DAYS:
            self.add_error("date_to", _("Choose a range of at most six years."))
        scope, kind = self.chosen_scope, data.get("kind")
        if scope is not None and kind and kind not in scope.kinds:
            self.add_error(
                "kind", _("You may run this report only for units where you are a manager.")
            )
        return data

    def to_params(self) -> dict[str, Any]:
        """The raw parameters for ``report_run_request``."""
        data = self.cleaned_data
        scope = self.chosen_scope
        assert scope is not None  # noqa: S101 (a valid form has one)
        return {
            "kind": data["kind"],
            "from": data["date_from"].isoformat(),
            "to": data["date_to"].isoformat(),
            "age_bands": data["age_bands"],
            "suppress_below": suppress_below_setting() if data["suppress"] else None,
            **scope.filters(),
        }


class ReportPrefillForm(forms.Form):
    """GET values (or a shortcut button's POST) that fill in the request form; a wrong value
    is left out, not an error."""

    kind = forms.ChoiceField(choices=REPORT_KINDS, required=False)
    scope = forms.CharField(max_length=60, required=False)
    range = forms.ChoiceField(choices=RANGE_SHORTCUTS, required=False)
    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)
    age_bands = forms.CharField(max_length=100, required=False)
    suppress = forms.BooleanField(required=False)
    aggregate_only = forms.BooleanField(required=False)
    formats = forms.MultipleChoiceField(choices=REPORT_FORMATS, required=False)

    def initial_values(self, today: datetime.date) -> dict[str, Any]:
        self.is_valid()
        data = {
            name: value
            for name, value in self.cleaned_data.items()
            if value not in (None, "", []) and name != "range"
        }
        if shortcut := self.cleaned_data.get("range"):
            data["date_from"], data["date_to"] = shortcut_range(shortcut, today)
        if "date_from" not in data or "date_to" not in data:
            data["date_from"], data["date_to"] = shortcut_range("last_month", today)
        return data
