"""The client's timeline: sessions and plan events in one list, newest first, in a fixed
number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from activation_plans.models import PlanVersion
from clients.models import Destination, ExitReason, PeriodStatus
from guidance.timeline import EntryKind, client_timeline
from organisations.access import get_access
from tests.activation_plans.factories import FollowUpFactory, PlanFactory
from tests.guidance.sessions.conftest import active_period
from tests.guidance.sessions.factories import (
    GroupMembershipFactory,
    GroupSessionFactory,
    IndividualSessionFactory,
    ParticipantFactory,
    at,
)

pytestmark = pytest.mark.django_db

TIMELINE_QUERIES = 8  # individual sessions + their counsellors + goals, group lines, plans,
# plan versions, follow-up meetings, ended periods


def add_events(client, group, counsellor, today: datetime.date, count: int) -> None:  # type: ignore[no-untyped-def]
    """``count`` individual and ``count`` group sessions, each on its own day."""
    for n in range(count):
        session = IndividualSessionFactory(
            client=client,
            starts_at=at(today - datetime.timedelta(days=2 * n + 1), 9),
            notes=f"Muistiinpano {n}",
            counsellors=[counsellor],
        )
        session.goals.set(client.periods.get().plan.goals.all())
        group_session = GroupSessionFactory(
            group=group, starts_at=at(today - datetime.timedelta(days=2 * n + 2), 13)
        )
        ParticipantFactory(session=group_session, client=client, note=f"Oma huomio {n}")


def test_entries_come_newest_first_across_kinds(
    kuty_client, counsellor, period, goals, group, today
):
    plan = period.plan
    plan.client_agreed_on = plan.organiser_agreed_on = today - datetime.timedelta(days=50)
    plan.employment_authority_agreed_on = today - datetime.timedelta(days=49)
    plan.organiser_representative = plan.employment_authority_representative = "Edustaja"
    plan.save()
    PlanVersion.objects.create(
        plan=plan,
        version=1,
        snapshot={},
        changes=[{"field": "activity_goal", "label": "Goal of the activity"}],
        changed_by=counsellor,
    )
    FollowUpFactory(plan=plan, date=today - datetime.timedelta(days=20))
    add_events(kuty_client, group, counsellor, today, 2)

    timeline = client_timeline(kuty_client, counsellor)

    assert [entry.kind for entry in timeline] == [
        EntryKind.PLAN_CHANGED,  # just now
        EntryKind.INDIVIDUAL_SESSION,  # yesterday
        EntryKind.GROUP_SESSION,  # two days ago
        EntryKind.INDIVIDUAL_SESSION,
        EntryKind.GROUP_SESSION,
        EntryKind.FOLLOW_UP_MEETING,  # 20 days ago
        EntryKind.PLAN_AGREED,  # 49 days ago
        # The record was made just now, but the client agreed to the plan 50 days ago: it was
        # made by then (an import, the demo), never after its own agreement.
        EntryKind.PLAN_CREATED,
    ]
    assert [entry.at for entry in timeline] == sorted(
        (entry.at for entry in timeline), reverse=True
    )
    agreed = next(e for e in timeline if e.kind == EntryKind.PLAN_AGREED)
    assert agreed.day == today - datetime.timedelta(days=49)
    sessions = [e for e in timeline if e.kind == EntryKind.INDIVIDUAL_SESSION]
    assert sessions[0].note == "Muistiinpano 0"
    assert any(goals[0].text in detail for detail in sessions[0].details)


def test_the_limit_keeps_the_newest(kuty_client, counsellor, period, goals, group, today):
    add_events(kuty_client, group, counsellor, today, 5)
    timeline = client_timeline(kuty_client, counsellor, limit=3)
    assert [entry.kind for entry in timeline] == [
        EntryKind.PLAN_CREATED,
        EntryKind.INDIVIDUAL_SESSION,
        EntryKind.GROUP_SESSION,
    ]
    assert [entry.day for entry in timeline[1:]] == [
        today - datetime.timedelta(days=1),
        today - datetime.timedelta(days=2),
    ]


def test_the_query_count_does_not_grow_with_the_entries(
    kuty_client, counsellor, period, goals, group, today, django_assert_num_queries
):
    get_access(counsellor)  # the user's access is read once per request and cached
    add_events(kuty_client, group, counsellor, today, 1)
    with django_assert_num_queries(TIMELINE_QUERIES):
        few = client_timeline(kuty_client, counsellor)
    add_events(kuty_client, group, counsellor, today - datetime.timedelta(days=10), 12)
    FollowUpFactory.create_batch(3, plan=period.plan)
    with django_assert_num_queries(TIMELINE_QUERIES):
        many = client_timeline(kuty_client, counsellor)
    assert len(few) == 3  # a session, a group session and the plan
    assert len(many) == 1 + 26 + 3


def test_the_partial_renders_each_entry(
    client, kuty_client, counsellor, period, goals, group, today
):
    add_events(kuty_client, group, counsellor, today, 1)
    timeline = client_timeline(kuty_client, counsellor)
    html = render_to_string(
        "guidance/partials/client_timeline.html",
        {"client": kuty_client, "timeline": timeline, "can_edit": True},
    )
    assert html.count('data-testid="timeline-entry"') == 3
    assert "Oma huomio 0" in html
    assert "Muistiinpano 0" in html
    assert (
        reverse("guidance:sessions_individual_create", kwargs={"client": kuty_client.uuid}) in html
    )
    yesterday = today - datetime.timedelta(days=1)
    assert f"{yesterday.day}.{yesterday.month}.{yesterday.year} 09:00" in html


def test_other_members_notes_never_reach_the_timeline(kuty_client, counsellor, group, unit):
    other = GroupMembershipFactory(group=group).client
    session = GroupSessionFactory(group=group)
    ParticipantFactory(session=session, client=kuty_client, note="Minun huomioni")
    ParticipantFactory(session=session, client=other, note="Toisen huomio")
    notes = [entry.note for entry in client_timeline(kuty_client, counsellor)]
    assert notes == ["Minun huomioni"]


def test_a_group_in_a_unit_the_user_does_not_see_is_not_linked(kuty_client, counsellor, other_unit):
    session = GroupSessionFactory(group__unit=other_unit)
    ParticipantFactory(session=session, client=kuty_client)
    (entry,) = client_timeline(kuty_client, counsellor)
    assert entry.url == ""


def test_the_plan_events_link_to_the_plan(kuty_client, counsellor, unit, today):
    plan = PlanFactory(period=active_period(kuty_client, unit, today))
    (entry,) = client_timeline(kuty_client, counsellor)
    assert entry.kind == EntryKind.PLAN_CREATED
    assert entry.url == reverse("activation_plans:detail", kwargs={"code": plan.uuid})


def test_a_plan_made_and_agreed_the_same_day_reads_made_then_agreed(
    kuty_client, counsellor, period, plan, today
):
    """The demo's plans were agreed on the day they were made: the newest-first list shows
    the agreement above the making, never the other way round."""
    plan.client_agreed_on = plan.organiser_agreed_on = today
    plan.employment_authority_agreed_on = today
    plan.organiser_representative = plan.employment_authority_representative = "Edustaja"
    plan.save()

    kinds = [entry.kind for entry in client_timeline(kuty_client, counsellor)]

    assert kinds == [
        EntryKind.PLAN_AGREED,
        EntryKind.PLAN_CREATED,
    ]


def test_an_ended_period_shows_its_exit_reason_and_destination(kuty_client, counsellor, period):
    period.status = PeriodStatus.ENDED
    period.exit_date = period.start_date + datetime.timedelta(days=30)
    period.exit_reason = ExitReason.COMPLETED
    period.destination = Destination.EDUCATION
    period.save()

    with translation.override("en"):
        (entry,) = client_timeline(kuty_client, counsellor)
        html = render_to_string(
            "guidance/partials/client_timeline.html",
            {"client": kuty_client, "timeline": [entry], "can_edit": False},
        )

    assert entry.kind == EntryKind.PERIOD_ENDED
    assert entry.day == period.exit_date
    assert "Exit reason: Completed as planned" in html
    assert "Destination: Education" in html
