"""Writes of individual sessions (incl. home visits)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import access_log_record
from clients.models import Client
from clients.selectors import client_unit_ids

from ..models import IndividualSession
from ..session_selectors import client_session_unit, goal_choices
from .checks import check_client, check_counsellors

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User
    from activation_plans.models import ClientGoal


def _individual_errors(
    *,
    client: Client,
    session: IndividualSession | None,
    counsellors: Sequence[User],
    goals: Sequence[ClientGoal],
) -> dict[str, list[str]]:
    errors = check_counsellors(counsellors, client_unit_ids(client))
    kept = session.goals.values_list("pk", flat=True) if session is not None else ()
    allowed = set(goal_choices(client=client, keep=kept).values_list("pk", flat=True))
    if any(goal.pk not in allowed for goal in goals):
        errors["goals"] = [_("A goal must be one of the goals of the client's current plan.")]
    return errors


def _save_individual(
    session: IndividualSession,
    *,
    counsellors: Sequence[User],
    goals: Sequence[ClientGoal],
) -> None:
    session.full_clean()
    session.save()
    session.counsellors.set(counsellors)
    session.goals.set(goals)


def individual_session_create(
    *,
    user: User,
    client: Client,
    starts_at: datetime.datetime,
    duration_minutes: int,
    kind: str,
    topic: str,
    notes: str = "",
    counsellors: Sequence[User],
    goals: Sequence[ClientGoal] = (),
    request: HttpRequest | None = None,
) -> IndividualSession:
    """Record an individual session (incl. a home visit) in the client's current unit."""
    check_client(user, client)
    errors = _individual_errors(client=client, session=None, counsellors=counsellors, goals=goals)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        session = IndividualSession(
            client=client,
            unit=client_session_unit(client=client),
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            kind=kind,
            topic=topic.strip(),
            notes=notes.strip(),
            recorded_by=user,
        )
        _save_individual(session, counsellors=counsellors, goals=goals)
        access_log_record(
            action=Action.CREATE,
            request=request,
            user=user,
            client_uuid=client.uuid,
            obj=session,
            detail=f"individual session ({kind})",
        )
    return session


def individual_session_update(
    *,
    user: User,
    session: IndividualSession,
    starts_at: datetime.datetime,
    duration_minutes: int,
    kind: str,
    topic: str,
    notes: str = "",
    counsellors: Sequence[User],
    goals: Sequence[ClientGoal] = (),
    request: HttpRequest | None = None,
) -> IndividualSession:
    """Change a recorded session; its unit stays the one it was recorded in."""
    client = session.client
    check_client(user, client)
    errors = _individual_errors(
        client=client, session=session, counsellors=counsellors, goals=goals
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        session.starts_at = starts_at
        session.duration_minutes = duration_minutes
        session.kind = kind
        session.topic = topic.strip()
        session.notes = notes.strip()
        _save_individual(session, counsellors=counsellors, goals=goals)
        access_log_record(
            action=Action.CHANGE,
            request=request,
            user=user,
            client_uuid=client.uuid,
            obj=session,
            detail="individual session changed",
        )
    return session
