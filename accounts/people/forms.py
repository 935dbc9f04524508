"""Forms of the people pages: the list's filters, an invitation, a role to give."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from organisations.models import Municipality, Project, Role, RoleAssignment, Unit
from organisations.services import RoleScope

from .access import PeopleScope
from .selectors import ACTIVE, ALL, DEACTIVATED

# Which field of the form holds the place of each role.
SCOPE_FIELD = {
    Role.COUNSELLOR: "unit",
    Role.UNIT_MANAGER: "unit",
    Role.PROJECT_MANAGER: "project",
    Role.MUNICIPAL_OFFICIAL: "municipality",
}
SCOPE_MISSING = {
    "unit": _("Choose the unit where the person works in this role."),
    "project": _("Choose the project the project manager follows."),
    "municipality": _("Choose the municipality of the municipal official."),
}


class PeopleFilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All units")
    )
    role = forms.ChoiceField(label=_("Role"), required=False)
    status = forms.ChoiceField(
        label=_("Accounts"),
        required=False,
        choices=[
            (ACTIVE, _("In use")),
            (DEACTIVATED, _("Deactivated")),
            (ALL, _("All")),
        ],
    )

    def __init__(self, *args: Any, scope: PeopleScope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scope.units()
        self.fields["role"].choices = [("", _("All roles")), *scope.roles]

    def filters(self) -> dict[str, Any]:
        """The valid filters; a value that is not valid is left out (and shown as an error)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "unit": data.get("unit"),
            "role": data.get("role") or "",
            "status": data.get("status") or ACTIVE,
        }


class RoleForm(forms.Form):
    """A role and its place; a unit manager chooses among their units' roles only."""

    role = forms.ChoiceField(label=_("Role"))
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("For a counsellor and a unit manager."),
    )
    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.objects.none(),
        required=False,
        help_text=_("For a project manager."),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        help_text=_("For a municipal official."),
    )

    def __init__(self, *args: Any, scope: PeopleScope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["role"].choices = [("", "---------"), *scope.roles]
        units = scope.units()
        self.fields["unit"].queryset = units
        if scope.everyone:
            self.fields["project"].queryset = Project.objects.all()
            self.fields["municipality"].queryset = Municipality.objects.all()
        else:
            del self.fields["project"], self.fields["municipality"]
            self.fields["unit"].help_text = ""
            if len(scope.unit_ids) == 1:
                self.fields["unit"].initial = next(iter(scope.unit_ids))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        role = data.get("role")
        field = SCOPE_FIELD.get(role or "")
        if field and not data.get(field) and field not in self.errors:
            self.add_error(field, SCOPE_MISSING[field])
        return data

    def role_and_scope(self) -> tuple[str, RoleScope | None]:
        role = self.cleaned_data["role"]
        field = SCOPE_FIELD.get(role)
        return role, (self.cleaned_data[field] if field else None)


class InviteForm(RoleForm):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=150,
        help_text=_("The invitation is sent here; it is also the person's user name."),
    )
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES)

    field_order = ["first_name", "last_name", "email", "language", "role"]

    def __init__(self, *args: Any, scope: PeopleScope, **kwargs: Any) -> None:
        super().__init__(*args, scope=scope, **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "off"
        self.fields["last_name"].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        self.fields["language"].initial = (get_language() or "fi")[:2]


class RemoveRoleForm(forms.Form):
    assignment = forms.ModelChoiceField(
        queryset=RoleAssignment.objects.none(), widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, scope: PeopleScope, person: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = scope.assignments().filter(user=person)
