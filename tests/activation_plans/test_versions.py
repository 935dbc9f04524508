"""A change to an agreed plan keeps the earlier content as a version; a draft changes in
place."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from activation_plans.models import PlanVersion
from audit.models import AccessLogEntry, Action
from tests.activation_plans.factories import (
    AgreedPlanFactory,
    GoalFactory,
    PlanFactory,
    plan_edit_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreed(kuty_client):  # type: ignore[no-untyped-def]
    plan = AgreedPlanFactory(
        period__client=kuty_client,
        period__start_date=datetime.date(2026, 3, 2),
        period__end_date=datetime.date(2026, 8, 31),
        activity_goal="Arjen rytmi.",
    )
    GoalFactory(plan=plan, text="Herään aamuisin ajoissa.")
    return plan


def test_change_to_an_agreed_plan_makes_a_version_with_the_changes(client, counsellor, agreed):
    client.force_login(counsellor)
    goal = agreed.goals.get()
    data = plan_edit_data(
        agreed,
        activity_goal="Arjen rytmi ja ryhmässä toimiminen.",
        end_date="2026-12-31",
        days_per_week=2,
        weekdays=["2", "4"],
        goals=[
            {"id": goal.pk, "plan": agreed.pk, "text": "Herään aamuisin kello 7."},
            {"text": "Opin käyttämään sähköistä asiointia."},
        ],
    )
    response = client.post(reverse("activation_plans:edit", args=[agreed.uuid]), data)
    assert response.status_code == 302, response.context and response.context["plan_form"].errors

    agreed.refresh_from_db()
    assert agreed.version == 2
    assert agreed.activity_goal == "Arjen rytmi ja ryhmässä toimiminen."
    version = PlanVersion.objects.get(plan=agreed)
    assert version.version == 1
    assert version.changed_by == counsellor
    # The snapshot is the plan as it was, dates as ISO strings.
    assert version.snapshot["plan"]["activity_goal"] == "Arjen rytmi."
    assert version.snapshot["period"]["end_date"] == "2026-08-31"
    assert version.snapshot["period"]["weekdays"] == "135"
    assert [g["text"] for g in version.snapshot["goals"]] == ["Herään aamuisin ajoissa."]
    changes = {change["field"]: change for change in version.changes}
    assert changes["activity_goal"] == {
        "field": "activity_goal",
        "label": "Goal of the activity",
        "old": "Arjen rytmi.",
        "new": "Arjen rytmi ja ryhmässä toimiminen.",
    }
    assert changes["end_date"]["old"] == "2026-08-31"
    assert changes["end_date"]["new"] == "2026-12-31"
    assert (changes["days_per_week"]["old"], changes["days_per_week"]["new"]) == (3, 2)
    assert (changes["weekdays"]["old"], changes["weekdays"]["new"]) == ("135", "24")
    assert changes[f"goal.{goal.pk}.text"]["new"] == "Herään aamuisin kello 7."
    assert changes["goal"]["new"] == "Opin käyttämään sähköistä asiointia."
    assert set(changes) == {
        "activity_goal",
        "end_date",
        "days_per_week",
        "weekdays",
        f"goal.{goal.pk}.text",
        "goal",
    }
    assert AccessLogEntry.objects.filter(
        action=Action.CHANGE, client_uuid=agreed.period.client.uuid, detail__startswith="version 2"
    ).exists()


def test_saving_an_agreed_plan_unchanged_makes_no_version(client, counsellor, agreed):
    client.force_login(counsellor)
    data = plan_edit_data(agreed, hours_per_day="6")  # the same as 6,0
    response = client.post(reverse("activation_plans:edit", args=[agreed.uuid]), data)
    assert response.status_code == 302
    agreed.refresh_from_db()
    assert agreed.version == 1
    assert not PlanVersion.objects.exists()


def test_a_draft_changes_in_place(client, counsellor, kuty_client):
    draft = PlanFactory(period__client=kuty_client)
    client.force_login(counsellor)
    data = plan_edit_data(draft, activity_goal="Uusi tavoite.", hours_per_day="5,5")
    response = client.post(reverse("activation_plans:edit", args=[draft.uuid]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.activity_goal == "Uusi tavoite."
    assert str(draft.period.hours_per_day) == "5.5"
    assert draft.version == 1
    assert not PlanVersion.objects.exists()


def test_agreed_plan_keeps_the_three_agreements(client, counsellor, agreed):
    client.force_login(counsellor)
    data = plan_edit_data(agreed, organiser_agreed_on="", employment_authority_representative="")
    response = client.post(reverse("activation_plans:edit", args=[agreed.uuid]), data)
    assert response.status_code == 200
    message = "An agreed plan keeps the three parties' agreement: fill this in."
    assert response.context["plan_form"].errors["organiser_agreed_on"] == [message]
    assert response.context["plan_form"].errors["employment_authority_representative"] == [message]
    assert not PlanVersion.objects.exists()


def test_an_edit_on_an_outdated_version_is_refused(client, counsellor, agreed):
    client.force_login(counsellor)
    stale = plan_edit_data(agreed, activity_goal="Minun muutokseni.")
    first = plan_edit_data(agreed, activity_goal="Toisen muutos.")
    assert (
        client.post(reverse("activation_plans:edit", args=[agreed.uuid]), first).status_code == 302
    )
    response = client.post(reverse("activation_plans:edit", args=[agreed.uuid]), stale)
    assert response.status_code == 200
    assert "Someone else changed this plan while you were editing it (now version 2)." in (
        " ".join(response.context["plan_form"].non_field_errors())
    )
    agreed.refresh_from_db()
    assert agreed.activity_goal == "Toisen muutos."


def test_earlier_versions_are_readable_with_who_changed_what(client, counsellor, agreed):
    client.force_login(counsellor)
    data = plan_edit_data(agreed, activity_goal="Ryhmätoiminta.", end_date="2026-12-31")
    client.post(reverse("activation_plans:edit", args=[agreed.uuid]), data)

    response = client.get(reverse("activation_plans:versions", args=[agreed.uuid]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Changed into version 2 by" in body
    assert str(counsellor) in body
    assert "Goal of the activity" in body
    assert "31.8.2026" in body
    assert "31.12.2026" in body

    response = client.get(reverse("activation_plans:version_detail", args=[agreed.uuid, 1]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Arjen rytmi." in body
    assert "Herään aamuisin ajoissa." in body
    assert (
        client.get(reverse("activation_plans:version_detail", args=[agreed.uuid, 9])).status_code
        == 404
    )
    assert AccessLogEntry.objects.filter(action=Action.VIEW, detail="version 1").exists()


def test_a_goal_scored_at_a_follow_up_cannot_be_removed(client, counsellor, agreed):
    from activation_plans.models import GoalAttainment
    from tests.activation_plans.factories import FollowUpFactory

    goal = agreed.goals.get()
    GoalAttainment.objects.create(meeting=FollowUpFactory(plan=agreed), goal=goal, score=1)
    client.force_login(counsellor)
    data = plan_edit_data(
        agreed,
        goals=[{"id": goal.pk, "plan": agreed.pk, "text": goal.text, "DELETE": "on"}],
    )
    response = client.post(reverse("activation_plans:edit", args=[agreed.uuid]), data)
    assert response.status_code == 200
    assert (
        "A goal that has been scored at a follow-up meeting cannot be removed: change its text "
        "instead." in response.context["goal_errors"]
    )
    assert agreed.goals.count() == 1
