"""Follow-up meetings: notes, a GAS score per goal, the next follow-up date."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from activation_plans.models import FollowUpMeeting, GoalAttainment
from activation_plans.services import follow_up_meeting_create
from audit.models import AccessLogEntry, Action
from tests.activation_plans.factories import AgreedPlanFactory, GoalFactory, PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(kuty_client):  # type: ignore[no-untyped-def]
    plan = AgreedPlanFactory(period__client=kuty_client)
    GoalFactory(
        plan=plan,
        text="Käyn työtoiminnassa",
        gas_minus_2="En käy lainkaan",
        gas_minus_1="Käyn kerran viikossa",
        gas_0="Käyn kahdesti viikossa",
        gas_plus_1="Käyn kolmesti viikossa",
        gas_plus_2="Käyn neljästi viikossa",
    )
    GoalFactory(plan=plan, text="Opin kokkaamaan")
    return plan


def test_follow_up_records_scores_and_updates_attainment_and_next_date(
    client, counsellor, plan, today
):
    first, second = plan.goals.order_by("order")
    client.force_login(counsellor)
    page = client.get(reverse("activation_plans:follow_up_create", args=[plan.uuid]))
    assert "+1: Käyn kolmesti viikossa" in page.content.decode()

    response = client.post(
        reverse("activation_plans:follow_up_create", args=[plan.uuid]),
        {
            "date": today.isoformat(),
            "participants": "Asiakas, ohjaaja",
            "notes": "Hyvä alku.",
            f"score_{first.pk}": "1",
            f"score_{second.pk}": "",
            "next_follow_up": (today + datetime.timedelta(days=60)).isoformat(),
        },
    )
    assert response.status_code == 302
    meeting = FollowUpMeeting.objects.get()
    assert (meeting.participants, meeting.notes, meeting.recorded_by) == (
        "Asiakas, ohjaaja",
        "Hyvä alku.",
        counsellor,
    )
    assert list(meeting.attainments.values_list("goal_id", "score")) == [(first.pk, 1)]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.attainment == 1
    assert second.attainment is None
    plan.refresh_from_db()
    assert plan.next_follow_up == today + datetime.timedelta(days=60)
    assert AccessLogEntry.objects.filter(
        action=Action.CREATE, client_uuid=plan.period.client.uuid, object_id=str(meeting.uuid)
    ).exists()


def test_attainment_is_the_score_of_the_latest_meeting(counsellor, plan):
    goal = plan.goals.order_by("order").first()
    follow_up_meeting_create(
        user=counsellor, plan=plan, date=datetime.date(2026, 5, 4), scores={goal.pk: 1}
    )
    # Recorded afterwards, but held earlier: does not override the later score.
    follow_up_meeting_create(
        user=counsellor, plan=plan, date=datetime.date(2026, 4, 6), scores={goal.pk: -1}
    )
    goal.refresh_from_db()
    assert goal.attainment == 1
    follow_up_meeting_create(
        user=counsellor, plan=plan, date=datetime.date(2026, 6, 1), scores={goal.pk: 2}
    )
    goal.refresh_from_db()
    assert goal.attainment == 2
    assert GoalAttainment.objects.filter(goal=goal).count() == 3


def test_follow_up_form_checks_dates(client, counsellor, plan, today):
    client.force_login(counsellor)
    response = client.post(
        reverse("activation_plans:follow_up_create", args=[plan.uuid]),
        {
            "date": (today + datetime.timedelta(days=1)).isoformat(),
            "next_follow_up": today.isoformat(),
        },
    )
    errors = response.context["form"].errors
    assert errors["date"] == ["A follow-up meeting cannot be recorded before it is held."]
    assert errors["next_follow_up"] == ["The next follow-up must come after this meeting."]
    assert not FollowUpMeeting.objects.exists()


def test_service_refuses_a_score_outside_gas_and_a_draft_plan(counsellor, plan, kuty_client):
    goal = plan.goals.first()
    with pytest.raises(ValidationError):
        follow_up_meeting_create(
            user=counsellor, plan=plan, date=datetime.date(2026, 4, 1), scores={goal.pk: 3}
        )
    draft = PlanFactory(period__client=kuty_client, period__start_date=datetime.date(2027, 1, 4))
    # In English whatever language an earlier test of this worker left active.
    with (
        translation.override("en"),
        pytest.raises(ValidationError, match="agreed and active plans"),
    ):
        follow_up_meeting_create(user=counsellor, plan=draft, date=datetime.date(2026, 4, 1))
    assert not FollowUpMeeting.objects.exists()


def test_follow_up_of_a_draft_redirects_with_a_message(client, counsellor, kuty_client):
    draft = PlanFactory(period__client=kuty_client)
    client.force_login(counsellor)
    response = client.get(
        reverse("activation_plans:follow_up_create", args=[draft.uuid]), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("activation_plans:detail", args=[draft.uuid])
    assert "Follow-up meetings are recorded on agreed and active plans." in [
        str(m) for m in response.context["messages"]
    ]
