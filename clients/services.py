"""Writes to the client registry. Each write and its access-log row commit together."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import access_log_record

from .hetu import birth_date, is_temporary, validate_hetu
from .models import Client
from .selectors import STAFF_ROLES, client_unit_ids, client_with_hetu

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User

# What a person may enter. The date of birth is derived from the identity code, never typed.
EDITABLE_FIELDS = frozenset(
    {
        "hetu",
        "temporary_hetu",
        "first_name",
        "last_name",
        "sex",
        "home_municipality",
        "mother_tongue",
        "service_language",
        "phone",
        "email",
        "street_address",
        "postal_code",
        "post_office",
        "non_disclosure",
        "benefit",
        "labour_market_status",
        "education",
        "foreign_background",
        "third_country_national",
        "inactive_not_in_education",
        "minority",
        "disability",
        "other_disadvantaged",
        "homeless",
        "rural",
        "registered_unit",
        "responsible_counsellor",
    }
)


def _check_fields(data: dict[str, Any]) -> None:
    unknown = set(data) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"Not client fields one may enter: {', '.join(sorted(unknown))}")


def _identity(code: str, *, allow_temporary: bool) -> tuple[str, bool, datetime.date]:
    """The validated code, whether it is temporary, and the birth date it gives."""
    try:
        code = validate_hetu(code, allow_temporary=allow_temporary)
    except ValidationError as error:
        raise ValidationError({"hetu": error}) from None
    return code, is_temporary(code), birth_date(code)


def _duplicate_error() -> ValidationError:
    return ValidationError(
        {
            "hetu": ValidationError(
                _("A client with this personal identity code is already registered."),
                code="duplicate",
            )
        }
    )


def _check_rules(client: Client) -> None:
    """Rules across fields that a person can break on the form."""
    if client.non_disclosure and client.responsible_counsellor_id is None:
        raise ValidationError(
            {
                "responsible_counsellor": _(
                    "A client with a non-disclosure needs a responsible counsellor: only they "
                    "see the address and phone."
                )
            }
        )
    if client.responsible_counsellor_id is not None:
        unit_ids = client_unit_ids(client) if client.pk else {client.registered_unit_id}
        works_there = client.responsible_counsellor.role_assignments.filter(
            role__in=STAFF_ROLES, unit_id__in=unit_ids
        ).exists()
        if not works_there:
            raise ValidationError(
                {
                    "responsible_counsellor": _(
                        "The responsible counsellor must be a counsellor or unit manager of "
                        "the client's unit."
                    )
                }
            )


def _comparable(client: Client, name: str) -> Any:
    """The stored value of a field, a foreign key as its id (no query)."""
    field = client._meta.get_field(name)
    return getattr(client, field.attname)


def _given(client: Client, name: str, value: Any) -> Any:
    field = client._meta.get_field(name)
    if field.is_relation:
        return getattr(value, "pk", value)
    return value


def client_create(*, actor: User, request: HttpRequest | None = None, **data: Any) -> Client:
    """Register a client: the identity code validated, the date of birth derived from it."""
    _check_fields(data)
    code, temporary, born = _identity(
        data.pop("hetu", ""), allow_temporary=bool(data.pop("temporary_hetu", False))
    )
    client = Client(hetu=code, temporary_hetu=temporary, date_of_birth=born, **data)
    client.full_clean()
    _check_rules(client)
    try:
        with transaction.atomic():
            client.save()
            access_log_record(
                action=Action.CREATE,
                request=request,
                user=actor,
                client_uuid=client.uuid,
                obj=client,
                detail="client registered",
            )
    except IntegrityError:
        # Two people registered the same code at the same moment: the later one is told.
        if client_with_hetu(code) is not None:
            raise _duplicate_error() from None
        raise
    return client


def client_update(
    *, actor: User, client: Client, request: HttpRequest | None = None, **data: Any
) -> Client:
    """Change the given fields of ``client``; the log row names the fields that changed.

    Returns the client as saved (a fresh object: the one passed in may hold a form's
    unsaved values).
    """
    _check_fields(data)
    try:
        with transaction.atomic():
            stored = Client.objects.select_for_update().get(pk=client.pk)
            if "hetu" in data or "temporary_hetu" in data:
                code, temporary, born = _identity(
                    data.get("hetu", stored.hetu),
                    allow_temporary=bool(data.get("temporary_hetu", stored.temporary_hetu)),
                )
                data = {**data, "hetu": code, "temporary_hetu": temporary, "date_of_birth": born}
            changed = [
                name
                for name, value in data.items()
                if _comparable(stored, name) != _given(stored, name, value)
            ]
            if not changed:
                return stored
            for name in changed:
                setattr(stored, name, data[name])
            stored.full_clean()
            _check_rules(stored)
            stored.save()
            access_log_record(
                action=Action.CHANGE,
                request=request,
                user=actor,
                client_uuid=stored.uuid,
                obj=stored,
                detail="changed: " + ", ".join(changed),
            )
    except IntegrityError:
        if "hetu" in data and client_with_hetu(data["hetu"], exclude_pk=client.pk) is not None:
            raise _duplicate_error() from None
        raise
    return stored
