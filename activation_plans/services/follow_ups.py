"""Follow-up meetings with a GAS score per goal."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import access_log_record

from ..models import ActivationPlan, ClientGoal, FollowUpMeeting, GoalAttainment
from ..selectors import LIVE_STATUSES

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User


def follow_up_meeting_create(
    *,
    user: User,
    plan: ActivationPlan,
    date: datetime.date,
    participants: str = "",
    notes: str = "",
    is_24_month_review: bool = False,
    scores: Mapping[int, int] | None = None,
    next_follow_up: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> FollowUpMeeting:
    """Record a follow-up meeting with a GAS score per goal. Each scored goal's attainment
    becomes the latest score (by meeting date); the plan gets the next follow-up date."""
    scores = dict(scores or {})
    if plan.period.status not in LIVE_STATUSES:
        raise ValidationError(
            _("Follow-up meetings are recorded on agreed and active plans."), code="status"
        )
    errors: defaultdict[str, list[str]] = defaultdict(list)
    if date > timezone.localdate():
        errors["date"].append(_("A follow-up meeting cannot be recorded before it is held."))
    if next_follow_up is not None and next_follow_up <= date:
        errors["next_follow_up"].append(_("The next follow-up must come after this meeting."))
    goal_ids = set(plan.goals.values_list("pk", flat=True))
    for goal_id, score in scores.items():
        if goal_id not in goal_ids:
            errors[NON_FIELD_ERRORS].append(_("A goal does not belong to this plan."))
        elif not -2 <= score <= 2:
            errors[f"score_{goal_id}"].append(_("A GAS score is from −2 to +2."))
    if errors:
        raise ValidationError(dict(errors))
    with transaction.atomic():
        meeting = FollowUpMeeting(
            plan=plan,
            date=date,
            participants=participants,
            notes=notes,
            is_24_month_review=is_24_month_review,
            recorded_by=user,
        )
        meeting.full_clean()
        meeting.save()
        GoalAttainment.objects.bulk_create(
            [
                GoalAttainment(meeting=meeting, goal_id=goal_id, score=score)
                for goal_id, score in scores.items()
            ]
        )
        # A meeting recorded afterwards for an earlier date does not override a later score.
        later = set(
            GoalAttainment.objects.filter(goal_id__in=scores, meeting__date__gt=date).values_list(
                "goal_id", flat=True
            )
        )
        for goal_id, score in scores.items():
            if goal_id not in later:
                ClientGoal.objects.filter(pk=goal_id).update(attainment=score)
        plan.next_follow_up = next_follow_up
        plan.save(update_fields=["next_follow_up", "updated_at"])
        access_log_record(
            action=Action.CREATE,
            request=request,
            user=user,
            client_uuid=plan.period.client.uuid,
            obj=meeting,
            detail="follow-up meeting" + (" (24-month review)" if is_24_month_review else ""),
        )
    return meeting
