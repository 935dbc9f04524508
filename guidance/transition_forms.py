"""Forms for transitions: the exit of a period and the follow-ups at 3 and 6 months."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Destination, ExitReason, Period

from .session_forms import DateInput

BLANK = [("", "---------")]


class PeriodEndForm(forms.Form):
    exit_date = forms.DateField(
        label=_("Exit date"),
        widget=DateInput(),
        help_text=_("The last day of the period: today or earlier."),
    )
    exit_reason = forms.ChoiceField(label=_("Exit reason"), choices=BLANK + ExitReason.choices)
    destination = forms.ChoiceField(
        label=_("Destination at exit"),
        choices=BLANK + Destination.choices,
        help_text=_(
            "Where the client goes. Choosing a new rehabilitative work activity period takes "
            "you to a new plan next."
        ),
    )
    follow_up_consent = forms.BooleanField(
        label=_("The client consents to a follow-up at 3 and 6 months"), required=False
    )

    def __init__(self, *args: Any, period: Period, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["exit_date"].initial = min(timezone.localdate(), period.end_date)


class FollowUpForm(forms.Form):
    destination = forms.ChoiceField(
        label=_("Destination at the follow-up"),
        choices=BLANK + Destination.choices,
        help_text=_("Choose Unknown if the client could not be reached."),
    )
