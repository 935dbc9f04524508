"""Writes of group memberships: a client joins a group from a day, and leaves it on one."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import access_log_record
from clients.models import Client, PeriodStatus
from organisations.models import Group

from ..models import GroupMembership
from .checks import check_group

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User


def group_membership_add(
    *,
    user: User,
    group: Group,
    client: Client,
    start_date: datetime.date,
    request: HttpRequest | None = None,
) -> GroupMembership:
    """Add a client of the group's unit to the group from ``start_date``."""
    check_group(user, group)
    in_unit = (
        client.registered_unit_id == group.unit_id
        or client.periods.filter(unit_id=group.unit_id).exclude(status=PeriodStatus.ENDED).exists()
    )
    if not in_unit:
        raise ValidationError({"client": [_("The client is not a client of the group's unit.")]})
    overlapping = GroupMembership.objects.filter(group=group, client=client).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start_date)
    )
    if overlapping.exists():
        raise ValidationError(
            {"client": [_("The client is already a member of the group on that date.")]}
        )
    with transaction.atomic():
        membership = GroupMembership(group=group, client=client, start_date=start_date)
        membership.full_clean()
        membership.save()
        access_log_record(
            action=Action.CREATE,
            request=request,
            user=user,
            client_uuid=client.uuid,
            obj=membership,
            object_id=str(group.uuid),
            detail=f"added to group from {start_date:%Y-%m-%d}",
        )
    return membership


def group_membership_end(
    *,
    user: User,
    membership: GroupMembership,
    end_date: datetime.date,
    request: HttpRequest | None = None,
) -> GroupMembership:
    """End a membership on ``end_date`` (the last day the client belongs to the group)."""
    check_group(user, membership.group)
    if end_date < membership.start_date:
        raise ValidationError(
            {"end_date": [_("A membership cannot end before it starts.")]}, code="before_start"
        )
    if membership.end_date is not None and membership.end_date < timezone.localdate():
        raise ValidationError({"end_date": [_("This membership has already ended.")]})
    with transaction.atomic():
        membership.end_date = end_date
        membership.full_clean()
        membership.save(update_fields=["end_date"])
        access_log_record(
            action=Action.CHANGE,
            request=request,
            user=user,
            client_uuid=membership.client.uuid,
            obj=membership,
            object_id=str(membership.group.uuid),
            detail=f"group membership ends {end_date:%Y-%m-%d}",
        )
    return membership
