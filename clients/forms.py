"""Forms of the client registry: the client's own data, and the list's filters and search."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from organisations.access import get_access, units_with_client_access, units_with_edit_access
from organisations.models import Municipality, Unit

from .access import clients_visible_to, may_see_contact_details
from .hetu import validate_hetu
from .models import DISADVANTAGE_FIELDS, Client
from .selectors import ListStatus, client_unit_ids, client_with_hetu, staff_of_units

if TYPE_CHECKING:
    from accounts.models import User

CONTACT_FIELDS = ("phone", "email", "street_address", "postal_code", "post_office")

# Sort keys of the list with their labels (the keys themselves are in selectors.SORTS).
SORT_CHOICES = [
    ("name", _("Name A–Z")),
    ("-name", _("Name Z–A")),
    ("birth", _("Oldest first")),
    ("-birth", _("Youngest first")),
    ("unit", _("Unit A–Z")),
    ("-unit", _("Unit Z–A")),
    ("-start", _("Latest period start, newest first")),
    ("start", _("Latest period start, oldest first")),
]


class ClientForm(forms.ModelForm):
    """Create or edit a client.

    The identity code is a plain form field, not the model's: on editing it starts empty so
    that opening the form never shows the full code (showing it is logged separately); left
    empty, the code stays as it is. Under a non-disclosure the contact fields are left out for
    everyone but the responsible counsellor.
    """

    hetu = forms.CharField(
        label=_("Personal identity code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
        help_text=_("For example 131052-308T. The date of birth is read from the code."),
    )
    temporary_hetu = forms.BooleanField(
        label=_("Allow a temporary code"),
        required=False,
        help_text=_("Tick only when the code is a temporary one (individual number 900–999)."),
    )

    class Meta:
        model = Client
        fields = [
            "first_name",
            "last_name",
            "sex",
            "home_municipality",
            "mother_tongue",
            "service_language",
            *CONTACT_FIELDS,
            "non_disclosure",
            "benefit",
            "labour_market_status",
            "education",
            *DISADVANTAGE_FIELDS,
            "registered_unit",
            "responsible_counsellor",
        ]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.duplicate_of: Client | None = None
        self.duplicate_visible = False
        access = get_access(user)
        client = self.instance
        creating = client.pk is None
        self.fields["home_municipality"].queryset = Municipality.objects.order_by("name")
        unit_field = self.fields["registered_unit"]
        counsellor_field = self.fields["responsible_counsellor"]
        if creating:
            units = units_with_edit_access(user)
            unit_field.queryset = units
            if len(access.edit_unit_ids) == 1:
                unit_field.initial = next(iter(access.edit_unit_ids))
            counsellor_field.queryset = staff_of_units(access.edit_unit_ids)
            counsellor_field.initial = user.pk
        else:
            unit_field.queryset = Unit.objects.filter(
                Q(id__in=access.edit_unit_ids) | Q(id=client.registered_unit_id)
            )
            own_units = client_unit_ids(client)
            counsellor_field.queryset = staff_of_units(
                own_units | access.edit_unit_ids
            ) | get_user_model().objects.filter(pk=client.responsible_counsellor_id)
            self.fields["hetu"].required = False
            self.fields["hetu"].help_text = _(
                "The current code is %(masked)s. Enter a new code only to correct it; "
                "leave empty to keep the current one."
            ) % {"masked": client.masked_hetu}
            self.fields["temporary_hetu"].initial = client.temporary_hetu
            if not may_see_contact_details(user, client):
                for name in (*CONTACT_FIELDS, "non_disclosure"):
                    del self.fields[name]
                # Only a unit manager may hand the client to another counsellor, since the
                # new counsellor sees the hidden details.
                if not access.manage_unit_ids & own_units:
                    counsellor_field.disabled = True
        counsellor_field.label_from_instance = lambda u: u.get_full_name() or u.get_username()
        self.helper = self._helper(creating)

    def _helper(self, creating: bool) -> FormHelper:
        helper = FormHelper()
        helper.form_method = "post"
        helper.attrs = {"novalidate": ""}  # the server's messages, not the browser's
        contact: list[Any] = []
        if "phone" in self.fields:  # all of them or none (non-disclosure, see __init__)
            contact = [
                Row(Column("phone"), Column("email")),
                "street_address",
                Row(Column("postal_code"), Column("post_office")),
                "non_disclosure",
            ]
        helper.layout = Layout(
            Fieldset(
                _("Identity"),
                Row(Column("hetu"), Column("temporary_hetu", css_class="pt-md-4")),
                Row(Column("last_name"), Column("first_name")),
                Row(Column("sex"), Column("home_municipality")),
                Row(Column("mother_tongue"), Column("service_language")),
            ),
            Fieldset(_("Contact details"), *contact) if contact else None,
            Fieldset(
                _("Entry data"),
                Row(Column("benefit"), Column("labour_market_status"), Column("education")),
                Row(*(Column(name) for name in DISADVANTAGE_FIELDS[:4])),
                Row(*(Column(name) for name in DISADVANTAGE_FIELDS[4:])),
            ),
            Fieldset(
                _("Responsibility"),
                Row(Column("registered_unit"), Column("responsible_counsellor")),
            ),
            Submit("save", _("Register client") if creating else _("Save changes")),
        )
        return helper

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        raw = cleaned.get("hetu", "")
        if not raw:
            # Editing without a new code: the code and its temporary flag stay as they are.
            cleaned.pop("hetu", None)
            cleaned.pop("temporary_hetu", None)
            return cleaned
        try:
            code = validate_hetu(raw, allow_temporary=cleaned.get("temporary_hetu", False))
        except ValidationError as error:
            self.add_error("hetu", error)
            return cleaned
        cleaned["hetu"] = code
        existing = client_with_hetu(code, exclude_pk=self.instance.pk)
        if existing is not None:
            self.duplicate_of = existing
            self.add_error("hetu", self._duplicate_message(existing))
        return cleaned

    def _duplicate_message(self, existing: Client) -> ValidationError:
        self.duplicate_visible = clients_visible_to(self.user).filter(pk=existing.pk).exists()
        if self.duplicate_visible:
            message = format_html(
                '{} {} — <a href="{}">{}</a>',
                _("A client with this identity code is already registered:"),
                existing.full_name,
                reverse("clients:detail", kwargs={"code": existing.uuid}),
                _("open"),
            )
        else:
            message = _(
                "This identity code is already registered in another unit (%(unit)s). "
                "Contact that unit about the client."
            ) % {"unit": existing.registered_unit.name}
        return ValidationError(message, code="duplicate")

    def service_data(self) -> dict[str, Any]:
        """The cleaned data the services take (disabled fields left out)."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if not (name in self.fields and self.fields[name].disabled)
        }


class ClientFilterForm(forms.Form):
    """The list's filters: plain GET parameters, nothing that identifies a client."""

    # Switched with the "My clients / All clients" links above the form; kept when filtering.
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("mine", _("My clients")), ("all", _("All clients of my units"))],
        widget=forms.HiddenInput,
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *ListStatus.choices]
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        required=False,
        queryset=Unit.objects.none(),
        to_field_name="uuid",
        empty_label=_("All units"),
    )
    counsellor = forms.ModelChoiceField(
        label=_("Responsible counsellor"),
        required=False,
        queryset=get_user_model().objects.none(),
        to_field_name="uuid",
        empty_label=_("Anyone"),
    )
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORT_CHOICES)
    # The opaque key of a name or identity-code search kept in the session (see views).
    search = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        access = get_access(user)
        self.fields["unit"].queryset = units_with_client_access(user)
        counsellor_field = self.fields["counsellor"]
        counsellor_field.queryset = staff_of_units(access.client_unit_ids)
        counsellor_field.label_from_instance = lambda u: u.get_full_name() or u.get_username()
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "client-filters"
        self.helper.layout = Layout(
            "search",
            "show",
            Row(
                Column("status", css_class="col-md"),
                Column("unit", css_class="col-md"),
                Column("counsellor", css_class="col-md"),
                Column("sort", css_class="col-md"),
            ),
            Submit("filter", _("Apply filters"), css_class="btn-secondary"),
        )


class ClientSearchForm(forms.Form):
    """Search by name or identity code. Sent by POST so that the text never ends up in a URL."""

    q = forms.CharField(
        label=_("Name, personal identity code or birth date"),
        help_text=_("A birth date as 140384 or 14.3.1984."),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "class": "form-control",
                "aria-describedby": "search-help",
            }
        ),
    )
