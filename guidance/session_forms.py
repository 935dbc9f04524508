"""Forms for sessions and groups. The rules that need the database (counsellors of the unit,
goals of the plan, the roster) are the services'; these forms check the input's shape."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from activation_plans.models import ClientGoal
from clients.models import Client
from organisations.models import Group

from .models import GroupMembership, GroupSession, GroupSessionParticipant, SessionKind
from .session_selectors import group_sessions_at
from .session_services import RosterLine

# How far ahead a session can be booked.
MAX_DAYS_AHEAD = 366
# KUTY began with Act 189/2001 on 1.9.2001: no session can be older.
EARLIEST_DAY = datetime.date(2001, 9, 1)


class DateInput(forms.DateInput):
    """The browser's own date picker; it sends ISO dates whatever the display language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's errors on the form's fields; the others on the form as a whole."""
    items = error.error_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
    for name, errors in items:
        form.add_error(name if name in form.fields else None, errors)


CHECKBOXES = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})


class StaffChoiceField(forms.ModelMultipleChoiceField):
    widget = CHECKBOXES

    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


class GoalChoiceField(forms.ModelMultipleChoiceField):
    widget = CHECKBOXES

    def label_from_instance(self, obj: Any) -> str:
        return obj.text if len(obj.text) <= 120 else obj.text[:119] + "…"


class ClientChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.date_of_birth:%d.%m.%Y})"


def _check_day(day: datetime.date, born: datetime.date | None = None) -> datetime.date:
    if day > timezone.localdate() + datetime.timedelta(days=MAX_DAYS_AHEAD):
        raise forms.ValidationError(_("The date is more than a year ahead."))
    if born is not None and day < born:
        raise forms.ValidationError(
            _("The date is before the client was born (%(born)s).")
            % {"born": date_format(born, "SHORT_DATE_FORMAT")}
        )
    if day < EARLIEST_DAY:
        raise forms.ValidationError(
            _("The date is before rehabilitative work activity began (1.9.2001).")
        )
    return day


class SessionTimeForm(forms.Form):
    """Date, time and duration: the start is an aware datetime in Europe/Helsinki."""

    date = forms.DateField(label=_("Date"), widget=DateInput())
    time = forms.TimeField(label=_("Time"), widget=TimeInput())
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=5, max_value=600)

    born: datetime.date | None = None  # the client's date of birth, for one client's session

    def clean_date(self) -> datetime.date:
        return _check_day(self.cleaned_data["date"], self.born)

    def starts_at(self) -> datetime.datetime:
        data = self.cleaned_data
        return timezone.make_aware(datetime.datetime.combine(data["date"], data["time"]))

    @staticmethod
    def time_initial(starts_at: datetime.datetime) -> dict[str, Any]:
        local = timezone.localtime(starts_at)
        return {"date": local.date(), "time": local.time().replace(second=0, microsecond=0)}


class IndividualSessionForm(SessionTimeForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    counsellors = StaffChoiceField(label=_("Counsellors"), queryset=None)
    goals = GoalChoiceField(
        label=_("Goals worked on"),
        queryset=None,
        required=False,
        help_text=_("The client's own goals in the current plan."),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Confidential: shown only to staff who may see this client."),
    )

    def __init__(
        self,
        *args: Any,
        counsellors: QuerySet[Any],
        goals: QuerySet[ClientGoal],
        born: datetime.date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.born = born
        self.fields["counsellors"].queryset = counsellors
        self.fields["goals"].queryset = goals
        self.fields["duration_minutes"].initial = 60

    @classmethod
    def initial_from(cls, session: Any) -> dict[str, Any]:
        return {
            **cls.time_initial(session.starts_at),
            "duration_minutes": session.duration_minutes,
            "kind": session.kind,
            "topic": session.topic,
            "notes": session.notes,
            "counsellors": list(session.counsellors.all()),
            "goals": list(session.goals.all()),
        }

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "starts_at": self.starts_at(),
            "duration_minutes": data["duration_minutes"],
            "kind": data["kind"],
            "topic": data["topic"],
            "notes": data["notes"],
            "counsellors": list(data["counsellors"]),
            "goals": list(data["goals"]),
        }


class RosterDateForm(forms.Form):
    """The day whose roster the new group session shows (a GET parameter)."""

    date = forms.DateField(label=_("Date of the session"), widget=DateInput())

    def clean_date(self) -> datetime.date:
        return _check_day(self.cleaned_data["date"])


@dataclass(frozen=True)
class RosterRow:
    client: Client
    took_part: forms.BoundField
    note: forms.BoundField
    clear_note: forms.BoundField | None


def _key(client: Client) -> str:
    return client.uuid.hex


class GroupSessionForm(SessionTimeForm):
    """The session and its whole roster on one form: a tick and a private note per member.

    When editing, saved notes are never put back on the page (they belong to each client's
    own record): an empty note keeps the saved one, text replaces it, and "remove the note"
    clears it.
    """

    topic = forms.CharField(label=_("Topic"), max_length=200)
    counsellors = StaffChoiceField(label=_("Counsellors"), queryset=None)
    mark_present = forms.BooleanField(
        label=_("Mark those who took part present in that day's attendance"),
        required=False,
        help_text=_(
            "For each client with a period in this unit on that day, with the period's hours "
            "a day. Also on a day that is not one of the client's planned weekdays."
        ),
    )
    confirm_same_time = forms.BooleanField(
        label=_("Save anyway: this is another session at the same time"),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        counsellors: QuerySet[Any],
        roster: Sequence[Client],
        saved: dict[int, GroupSessionParticipant] | None = None,
        fixed_date: bool = False,
        group: Group | None = None,
        session: GroupSession | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.group = group
        self.session = session
        self.fields["counsellors"].queryset = counsellors
        self.fields["duration_minutes"].initial = 90
        if fixed_date:
            self.fields["date"].widget = forms.HiddenInput()
        self.roster = list(roster)
        self.saved = saved or {}
        for client in self.roster:
            key = _key(client)
            line = self.saved.get(client.pk)
            self.fields[f"took_part_{key}"] = forms.BooleanField(
                label=_("%(name)s took part") % {"name": client.full_name},
                required=False,
                initial=line.took_part if line else False,
            )
            self.fields[f"note_{key}"] = forms.CharField(
                label=_("Private note on %(name)s") % {"name": client.full_name},
                max_length=500,
                required=False,
            )
            if line is not None and line.note:
                self.fields[f"clear_note_{key}"] = forms.BooleanField(
                    label=_("Remove the saved note"), required=False
                )

    def rows(self) -> list[RosterRow]:
        rows = []
        for client in self.roster:
            key = _key(client)
            clear = f"clear_note_{key}"
            rows.append(
                RosterRow(
                    client=client,
                    took_part=self[f"took_part_{key}"],
                    note=self[f"note_{key}"],
                    clear_note=self[clear] if clear in self.fields else None,
                )
            )
        return rows

    def clean(self) -> dict[str, Any]:
        """A warning the user confirms: the group already has a session at this date and
        time (most often the same session entered twice)."""
        data = super().clean()
        if self.group is None or data.get("date") is None or data.get("time") is None:
            return data
        same_time = group_sessions_at(
            group=self.group, starts_at=self.starts_at(), exclude=self.session
        )
        if same_time and not data.get("confirm_same_time"):
            self.add_error(
                "confirm_same_time",
                _(
                    "%(group)s already has a session on %(day)s at %(time)s: %(topic)s. "
                    "Check that this is not the same session entered twice; to save it "
                    "anyway, tick the box."
                )
                % {
                    "group": self.group.name,
                    "day": date_format(data["date"], "SHORT_DATE_FORMAT"),
                    "time": data["time"].strftime("%H:%M"),
                    "topic": same_time[0].topic,
                },
            )
        return data

    def roster_lines(self) -> list[RosterLine]:
        data = self.cleaned_data
        lines = []
        for client in self.roster:
            key = _key(client)
            note: str | None = data[f"note_{key}"].strip()
            if data.get(f"clear_note_{key}"):
                note = ""
            elif not note and client.pk in self.saved:
                note = None  # keep the saved note
            lines.append(RosterLine(client=client, took_part=data[f"took_part_{key}"], note=note))
        return lines

    @classmethod
    def initial_from(cls, session: Any) -> dict[str, Any]:
        return {
            **cls.time_initial(session.starts_at),
            "duration_minutes": session.duration_minutes,
            "topic": session.topic,
            "counsellors": list(session.counsellors.all()),
        }

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "starts_at": self.starts_at(),
            "duration_minutes": data["duration_minutes"],
            "topic": data["topic"],
            "counsellors": list(data["counsellors"]),
            "roster": self.roster_lines(),
            "mark_present": data["mark_present"],
        }


class MembershipAddForm(forms.Form):
    client = ClientChoiceField(label=_("Client"), queryset=None)
    start_date = forms.DateField(label=_("Member from"), widget=DateInput())

    def __init__(self, *args: Any, candidates: QuerySet[Client], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = candidates
        self.fields["start_date"].initial = timezone.localdate()


class MembershipEndForm(forms.Form):
    membership = forms.ModelChoiceField(
        queryset=GroupMembership.objects.none(), widget=forms.HiddenInput
    )
    end_date = forms.DateField(label=_("Member until"), widget=DateInput())

    def __init__(self, *args: Any, memberships: QuerySet[GroupMembership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = memberships
