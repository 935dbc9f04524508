"""Individual sessions: recorded by the client's counsellors, notes seen only by staff who
may see the client."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AccessLogEntry, Action
from guidance.models import IndividualSession, SessionKind
from guidance.session_services import individual_session_create
from tests.activation_plans.factories import GoalFactory, PlanFactory
from tests.guidance.sessions.conftest import active_period
from tests.guidance.sessions.factories import IndividualSessionFactory, at
from tests.organisations.factories import RoleAssignmentFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

NOTE = "Puhuttiin asumisesta ja velkajärjestelystä."


def create_url(client) -> str:  # type: ignore[no-untyped-def]
    return reverse("guidance:sessions_individual_create", kwargs={"client": client.uuid})


def detail_url(session: IndividualSession) -> str:
    return reverse(
        "guidance:sessions_individual_detail",
        kwargs={"client": session.client.uuid, "code": session.uuid},
    )


def form_data(counsellor, today: datetime.date, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "date": today.isoformat(),
        "time": "09:30",
        "duration_minutes": "45",
        "kind": SessionKind.HOME_VISIT,
        "topic": "Kotikäynti",
        "notes": NOTE,
        "counsellors": [counsellor.pk],
    }
    data.update(overrides)
    return data


def test_the_counsellor_records_a_home_visit_with_goals(
    client, counsellor, kuty_client, period, goals, today
):
    client.force_login(counsellor)
    form = client.get(create_url(kuty_client))
    assert form.status_code == 200
    body = form.content.decode()
    assert goals[0].text in body
    assert "<legend" in body
    assert 'for="id_topic"' in body

    response = client.post(
        create_url(kuty_client), form_data(counsellor, today, goals=[goals[1].pk])
    )

    session = IndividualSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(session)
    assert session.client == kuty_client
    assert session.unit == period.unit
    assert session.kind == SessionKind.HOME_VISIT
    assert session.starts_at == at(today, 9, 30)
    assert session.duration_minutes == 45
    assert list(session.counsellors.all()) == [counsellor]
    assert list(session.goals.all()) == [goals[1]]
    assert session.recorded_by == counsellor
    assert AccessLogEntry.objects.filter(
        action=Action.CREATE, client_uuid=kuty_client.uuid, object_id=str(session.uuid)
    ).exists()


def test_without_a_period_the_session_belongs_to_the_registering_unit(
    counsellor, kuty_client, unit, today
):
    session = individual_session_create(
        user=counsellor,
        client=kuty_client,
        starts_at=at(today),
        duration_minutes=30,
        kind=SessionKind.PHONE,
        topic="Puhelu",
        counsellors=[counsellor],
    )
    assert session.unit == unit


def test_a_counsellor_of_another_unit_cannot_be_named(
    client, counsellor, outsider, kuty_client, today
):
    client.force_login(counsellor)
    response = client.post(create_url(kuty_client), form_data(outsider, today))
    assert response.status_code == 200
    assert response.context["form"].errors["counsellors"]
    assert not IndividualSession.objects.exists()


def ended_period(client, unit, today):  # type: ignore[no-untyped-def]
    """A period that ended 200 days ago."""
    return active_period(
        client,
        unit,
        today,
        start_date=today - datetime.timedelta(days=400),
        end_date=today - datetime.timedelta(days=200),
        status="ended",
        exit_date=today - datetime.timedelta(days=200),
        exit_reason="completed",
        destination="new_kuty_period",
    )


def test_only_goals_of_the_current_plan_can_be_linked(counsellor, kuty_client, goals, today):
    old_goal = GoalFactory(plan=PlanFactory(period=ended_period(kuty_client, UnitFactory(), today)))
    stranger_goal = GoalFactory()
    for goal in (stranger_goal, old_goal):
        with pytest.raises(ValidationError) as error:
            individual_session_create(
                user=counsellor,
                client=kuty_client,
                starts_at=at(today),
                duration_minutes=30,
                kind=SessionKind.OFFICE,
                topic="Tavoitteet",
                counsellors=[counsellor],
                goals=[goal],
            )
        assert "goals" in error.value.message_dict


def test_the_session_page_shows_the_notes_and_logs_the_view(client, counsellor, kuty_client):
    session = IndividualSessionFactory(client=kuty_client, notes=NOTE, counsellors=[counsellor])
    client.force_login(counsellor)
    response = client.get(detail_url(session))
    assert response.status_code == 200
    assert NOTE in response.content.decode()
    assert AccessLogEntry.objects.filter(
        action=Action.VIEW, client_uuid=kuty_client.uuid, object_id=str(session.uuid)
    ).exists()


def test_notes_are_hidden_from_outsiders(client, outsider, kuty_client):
    session = IndividualSessionFactory(client=kuty_client, notes=NOTE)
    client.force_login(outsider)
    for url in (
        detail_url(session),
        reverse(
            "guidance:sessions_individual_edit",
            kwargs={"client": kuty_client.uuid, "code": session.uuid},
        ),
        reverse("guidance:client_timeline", kwargs={"client": kuty_client.uuid}),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert NOTE not in response.content.decode()


def test_a_session_of_another_client_is_not_found_under_this_client(
    client, counsellor, kuty_client, unit
):
    other = IndividualSessionFactory(client__registered_unit=unit, notes=NOTE)
    client.force_login(counsellor)
    url = reverse(
        "guidance:sessions_individual_detail",
        kwargs={"client": kuty_client.uuid, "code": other.uuid},
    )
    assert client.get(url).status_code == 404


def test_the_project_manager_reads_but_may_not_record(
    client, project_manager, counsellor, kuty_client, today
):
    session = IndividualSessionFactory(client=kuty_client, notes=NOTE)
    client.force_login(project_manager)
    assert client.get(detail_url(session)).status_code == 200
    assert client.get(create_url(kuty_client)).status_code == 403
    assert client.post(create_url(kuty_client), form_data(counsellor, today)).status_code == 403
    edit = reverse(
        "guidance:sessions_individual_edit",
        kwargs={"client": kuty_client.uuid, "code": session.uuid},
    )
    assert client.post(edit, form_data(counsellor, today)).status_code == 403
    assert IndividualSession.objects.count() == 1


def test_the_outsider_cannot_record(client, outsider, counsellor, kuty_client, today):
    client.force_login(outsider)
    assert client.post(create_url(kuty_client), form_data(counsellor, today)).status_code == 404
    assert not IndividualSession.objects.exists()


def test_editing_keeps_goals_of_an_earlier_plan(client, counsellor, kuty_client, unit, today):
    earlier = ended_period(kuty_client, unit, today)
    old_goal = GoalFactory(plan=PlanFactory(period=earlier))
    active_period(kuty_client, unit, today)
    session = IndividualSessionFactory(client=kuty_client, counsellors=[counsellor])
    session.goals.set([old_goal])
    client.force_login(counsellor)
    url = reverse(
        "guidance:sessions_individual_edit",
        kwargs={"client": kuty_client.uuid, "code": session.uuid},
    )
    assert old_goal.text in client.get(url).content.decode()
    response = client.post(url, form_data(counsellor, today, topic="Muutettu", goals=[old_goal.pk]))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.topic == "Muutettu"
    assert list(session.goals.all()) == [old_goal]
    assert AccessLogEntry.objects.filter(
        action=Action.CHANGE, client_uuid=kuty_client.uuid
    ).exists()


def test_a_colleague_without_a_role_in_the_unit_is_not_offered(
    client, counsellor, kuty_client, unit
):
    RoleAssignmentFactory(user=UserFactory(username="dora"), role="unit_manager", unit=unit)
    UserFactory(username="eino")  # no role
    client.force_login(counsellor)
    choices = client.get(create_url(kuty_client)).context["form"].fields["counsellors"].queryset
    assert sorted(u.username for u in choices) == ["alice", "dora"]


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("1900-01-01", "The date is before the client was born (1.1.1973)."),
        ("1999-06-01", "The date is before rehabilitative work activity began (1.9.2001)."),
    ],
)
def test_a_session_date_before_the_client_was_born_is_refused(
    client, counsellor, kuty_client, today, day, message
):
    kuty_client.date_of_birth = datetime.date(1973, 1, 1)
    kuty_client.save()
    client.force_login(counsellor)
    response = client.post(create_url(kuty_client), form_data(counsellor, today, date=day))
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == [message]
    assert not IndividualSession.objects.exists()
