"""Checks shared by the session and membership writes: who may edit, and who may counsel."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from clients.access import can_edit_client
from clients.models import Client
from organisations.access import get_access
from organisations.models import Group

from ..session_selectors import counsellor_choices

if TYPE_CHECKING:
    from accounts.models import User


def check_client(user: User, client: Client) -> None:
    if not can_edit_client(user, client):
        raise PermissionDenied


def check_group(user: User, group: Group) -> None:
    if group.unit_id not in get_access(user).edit_unit_ids:
        raise PermissionDenied


def check_counsellors(counsellors: Sequence[User], unit_ids: set[int]) -> dict[str, list[str]]:
    if not counsellors:
        return {"counsellors": [_("Choose at least one counsellor.")]}
    allowed = set(counsellor_choices(unit_ids=unit_ids).values_list("pk", flat=True))
    if any(c.pk not in allowed for c in counsellors):
        return {"counsellors": [_("A counsellor must work in the client's unit.")]}
    return {}
