"""Forms for plans. The placement rules come from clients.rules through the services'
``placement_errors``, so a form and a service always give the same message."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from clients.models import Client, Period
from organisations.models import EmploymentAuthority, Unit

from .models import ActivationPlan, ClientGoal, PlanType
from .selectors import gas_label
from .services import (
    AGREEMENT_DATE_FIELDS,
    AGREEMENT_FIELDS,
    CONTENT_FIELDS,
    GoalInput,
    Placement,
    agreement_errors,
    goal_errors,
    placement_errors,
)

WEEKDAY_CHOICES = [(str(number), WEEKDAYS[number - 1]) for number in range(1, 8)]


class DateInput(forms.DateInput):
    """The browser's own date picker; it sends ISO dates whatever the display language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def add_errors(form: forms.Form, errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """Put each error on the form's field of that name; return those the form has no field
    for."""
    rest: dict[str, list[str]] = {}
    for name, messages in errors.items():
        if name in form.fields or name == NON_FIELD_ERRORS:
            for message in messages:
                form.add_error(None if name == NON_FIELD_ERRORS else name, message)
        else:
            rest[name] = messages
    return rest


class DecimalCommaField(forms.DecimalField):
    """Accepts 5,5 and 5.5 alike, whatever the interface language."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


class PlanForm(forms.ModelForm):
    """The plan's content: parties, background, goal and support, next follow-up."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ActivationPlan
        fields = CONTENT_FIELDS
        widgets = {
            "client_agreed_on": DateInput(),
            "organiser_agreed_on": DateInput(),
            "employment_authority_agreed_on": DateInput(),
            "next_follow_up": DateInput(),
            "education_history": forms.Textarea(attrs={"rows": 3}),
            "work_history": forms.Textarea(attrs={"rows": 3}),
            "earlier_services": forms.Textarea(attrs={"rows": 3}),
            "activity_goal": forms.Textarea(attrs={"rows": 3}),
            "support_and_guidance": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "earlier_services": _("Earlier services and how they helped."),
            "support_and_guidance": _("The support and guidance the client gets in the unit."),
            "support_person": _("Optional: someone the client brought to the meeting."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["plan_type"].queryset = PlanType.objects.exclude(valid_to__lt=today)
        self.fields["employment_authority"].queryset = EmploymentAuthority.objects.order_by("name")
        if not self.instance.pk:
            self.fields["plan_type"].initial = (
                PlanType.objects.filter(code="activation_plan").values_list("pk", flat=True).first()
            )
        else:
            self.fields["loaded_version"].initial = self.instance.version

    def content(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in CONTENT_FIELDS}


class PlacementForm(forms.Form):
    """The placement (the plan's period), checked against the period rules."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    end_date = forms.DateField(label=_("Planned end date"), widget=DateInput())
    days_per_week = forms.IntegerField(
        label=_("Days a week"), min_value=0, max_value=7, widget=forms.NumberInput()
    )
    hours_per_day = DecimalCommaField(
        label=_("Hours a day"),
        max_digits=3,
        decimal_places=1,
        localize=True,
        help_text=_("Travel not included. Decimals allowed, e.g. 5,5."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    weekdays = forms.MultipleChoiceField(
        label=_("Weekdays"),
        choices=WEEKDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    confirm_overlap = forms.BooleanField(
        label=_("Confirm overlap"),
        required=False,
        help_text=_("Tick only if the client really has two periods running at the same time."),
    )

    def __init__(
        self,
        *args: Any,
        client: Client,
        units: Any,
        period: Period | None = None,
        **kwargs: Any,
    ) -> None:
        if period is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "unit": period.unit_id,
                "start_date": period.start_date,
                "end_date": period.end_date,
                "days_per_week": period.days_per_week,
                "hours_per_day": period.hours_per_day,
                "weekdays": list(period.weekdays),
                "confirm_overlap": period.overlap_confirmed,
            }
        super().__init__(*args, **kwargs)
        self.client = client
        self.period = period
        self.fields["unit"].queryset = units
        if period is None:
            first_two = list(units.values_list("pk", flat=True)[:2])
            if len(first_two) == 1:  # the only unit the user works in
                self.fields["unit"].initial = first_two[0]

    def placement(self) -> Placement:
        data = self.cleaned_data
        return Placement(
            unit=data["unit"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            days_per_week=data["days_per_week"],
            hours_per_day=data["hours_per_day"],
            weekdays="".join(sorted(data.get("weekdays") or [])),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        needed = ("unit", "start_date", "end_date", "days_per_week", "hours_per_day")
        if all(data.get(name) is not None for name in needed):
            errors, _overlaps = placement_errors(
                client=self.client,
                placement=self.placement(),
                confirm_overlap=bool(data.get("confirm_overlap")),
                period_id=self.period.pk if self.period else None,
            )
            add_errors(self, errors)
        return data


GAS_LADDER = ("gas_minus_2", "gas_minus_1", "gas_0", "gas_plus_1", "gas_plus_2")


class GoalForm(forms.ModelForm):
    class Meta:
        model = ClientGoal
        fields = ("text", *GAS_LADDER)
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("text") and goal_errors([self.goal_input()]):
            for name in GAS_LADDER:
                if not data.get(name):
                    self.add_error(
                        name,
                        _(
                            "A GAS ladder has all five levels: fill this in too, or leave "
                            "the ladder empty."
                        ),
                    )
        return data

    def goal_input(self) -> GoalInput:
        data = self.cleaned_data
        return GoalInput(
            id=self.instance.pk,
            text=data["text"],
            **{name: data.get(name) or "" for name in GAS_LADDER},
        )


class BaseGoalFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this goal")


GoalFormSet = forms.inlineformset_factory(
    ActivationPlan, ClientGoal, form=GoalForm, formset=BaseGoalFormSet, extra=1, can_delete=True
)


def goal_inputs(formset: forms.BaseInlineFormSet) -> list[GoalInput]:
    """The goals the formset keeps, in order: empty extra rows and deleted rows dropped."""
    return [
        form.goal_input()
        for form in formset.forms
        if form.cleaned_data.get("text") and not form.cleaned_data.get("DELETE")
    ]


class AgreementForm(forms.Form):
    """Who agreed for each party, and when (recorded on a draft, then the plan is agreed)."""

    def __init__(self, *args: Any, plan: ActivationPlan, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {name: getattr(plan, name) for name in AGREEMENT_FIELDS})
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields.update(
            forms.fields_for_model(
                ActivationPlan,
                fields=AGREEMENT_FIELDS,
                widgets={name: DateInput() for name in AGREEMENT_DATE_FIELDS},
            )
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        add_errors(
            self,
            agreement_errors(
                values=data, start_date=self.plan.period.start_date, today=timezone.localdate()
            ),
        )
        return data

    def agreements(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in AGREEMENT_FIELDS}


class FollowUpForm(forms.Form):
    date = forms.DateField(label=_("Date of the meeting"), widget=DateInput())
    participants = forms.CharField(
        label=_("Participants"),
        max_length=300,
        required=False,
        help_text=_("Who took part, e.g. the client, the counsellor, the social worker."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    is_24_month_review = forms.BooleanField(
        label=_("This is the 24-month review"),
        required=False,
        help_text=_(
            "The law requires the plan be reviewed when the client has been in "
            "rehabilitative work activity for 24 months."
        ),
    )
    next_follow_up = forms.DateField(
        label=_("Next follow-up meeting"), required=False, widget=DateInput()
    )

    def __init__(self, *args: Any, goals: list[ClientGoal], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.goals = goals
        for number, goal in enumerate(goals, start=1):
            ladder = [getattr(goal, name) for name in GAS_LADDER]
            choices = [("", _("Not scored"))] + [
                (str(score), gas_label(score) + (f": {text}" if text else ""))
                for score, text in zip(range(-2, 3), ladder, strict=True)
            ]
            self.fields[f"score_{goal.pk}"] = forms.TypedChoiceField(
                label=_("Goal %(number)s: %(goal)s") % {"number": number, "goal": goal.text},
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )

    @property
    def score_fields(self) -> list[forms.BoundField]:
        return [self[f"score_{goal.pk}"] for goal in self.goals]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        meeting: datetime.date | None = data.get("date")
        if meeting and meeting > timezone.localdate():
            self.add_error("date", _("A follow-up meeting cannot be recorded before it is held."))
        following = data.get("next_follow_up")
        if meeting and following and following <= meeting:
            self.add_error("next_follow_up", _("The next follow-up must come after this meeting."))
        return data

    def scores(self) -> dict[int, int]:
        return {
            goal.pk: self.cleaned_data[f"score_{goal.pk}"]
            for goal in self.goals
            if self.cleaned_data.get(f"score_{goal.pk}") is not None
        }
