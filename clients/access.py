"""Access to client records: a record the user may not see answers 404, like one that does
not exist (STYLE.md)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from organisations.access import get_access

from .models import Client, Period

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def _client_scope(unit_ids: frozenset[int]) -> Q:
    """Clients registered by, or with a period in, one of ``unit_ids``."""
    in_units = Exists(Period.objects.filter(client=OuterRef("pk"), unit_id__in=unit_ids))
    return Q(registered_unit_id__in=unit_ids) | Q(in_units)


def clients_visible_to(user: User | AnonymousUser) -> QuerySet[Client]:
    access = get_access(user)
    if not access.client_unit_ids:
        return Client.objects.none()
    return Client.objects.filter(_client_scope(access.client_unit_ids))


def clients_editable_by(user: User | AnonymousUser) -> QuerySet[Client]:
    access = get_access(user)
    if not access.edit_unit_ids:
        return Client.objects.none()
    return Client.objects.filter(_client_scope(access.edit_unit_ids))


def get_client_for_user(user: User | AnonymousUser, client_uuid: uuid.UUID | str) -> Client:
    """The client, or 404 when it does not exist or the user may not see it."""
    try:
        return (
            clients_visible_to(user)
            .select_related("home_municipality", "responsible_counsellor", "registered_unit")
            .get(uuid=client_uuid)
        )
    except (Client.DoesNotExist, ValueError):
        raise Http404 from None


def can_edit_client(user: User | AnonymousUser, client: Client) -> bool:
    return clients_editable_by(user).filter(pk=client.pk).exists()


def may_see_contact_details(user: User | AnonymousUser, client: Client) -> bool:
    """A non-disclosure (turvakielto) hides address and phone from all but the responsible
    counsellor."""
    if not client.non_disclosure:
        return True
    return client.responsible_counsellor_id is not None and client.responsible_counsellor_id == (
        getattr(user, "pk", None)
    )
