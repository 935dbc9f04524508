"""Access to plans: a plan is visible exactly when its client is (clients.access).

A plan the user may not see answers 404, like one that does not exist; a visible plan the
user may not change answers 403 (STYLE.md).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from clients.access import can_edit_client, clients_visible_to

from .models import ActivationPlan

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def plans_visible_to(user: User | AnonymousUser) -> QuerySet[ActivationPlan]:
    return ActivationPlan.objects.filter(period__client__in=clients_visible_to(user))


def get_plan_for_user(user: User | AnonymousUser, code: uuid.UUID | str) -> ActivationPlan:
    """The plan with its period, client, unit and parties, or 404: one query."""
    try:
        return (
            plans_visible_to(user)
            .select_related(
                "period__client__home_municipality",
                "period__client__responsible_counsellor",
                "period__unit__organiser",
                "plan_type",
                "organiser",
                "employment_authority",
                "created_by",
            )
            .get(uuid=code)
        )
    except (ActivationPlan.DoesNotExist, ValueError):
        raise Http404 from None


def can_edit_plan(user: User | AnonymousUser, plan: ActivationPlan) -> bool:
    return can_edit_client(user, plan.period.client)


def get_plan_for_editing(user: User | AnonymousUser, code: uuid.UUID | str) -> ActivationPlan:
    """The plan, 404 when the user may not see it, 403 when they may only read it."""
    plan = get_plan_for_user(user, code)
    if not can_edit_plan(user, plan):
        raise PermissionDenied
    return plan
