"""A second session of a group at the same date and time is saved only when the user confirms
it (issue 14: a double entry went in without a word)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from guidance.models import GroupSession
from tests.clients.factories import ClientFactory
from tests.guidance.sessions.conftest import active_period
from tests.guidance.sessions.factories import (
    GroupMembershipFactory,
    GroupSessionFactory,
    at,
)
from tests.guidance.sessions.test_group_sessions import create_url, session_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(group, unit, today):  # type: ignore[no-untyped-def]
    """Two members of the group with periods in the unit."""
    people = {}
    for first_name in ("Aino", "Bertta"):
        person = ClientFactory(registered_unit=unit, first_name=first_name, last_name="Aalto")
        GroupMembershipFactory(group=group, client=person)
        active_period(person, unit, today)
        people[first_name.lower()] = person
    return people


@pytest.fixture
def first(group, today):  # type: ignore[no-untyped-def]
    return GroupSessionFactory(group=group, starts_at=at(today, 13), topic="Arjen taidot")


def test_the_same_date_and_time_again_warns_and_saves_nothing(
    client, counsellor, group, members, today, first
):
    client.force_login(counsellor)
    with translation.override("en"):
        response = client.post(
            create_url(group),
            session_data(counsellor, today, members),
            headers={"accept-language": "en"},
        )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="same-time-warning"' in body
    assert f"{group.name} already has a session on" in body
    assert "13:00: Arjen taidot" in body
    assert GroupSession.objects.count() == 1


def test_confirming_the_warning_saves_the_second_session(
    client, counsellor, group, members, today, first
):
    client.force_login(counsellor)
    data = session_data(counsellor, today, members, confirm_same_time="on")
    response = client.post(create_url(group), data)
    assert response.status_code == 302
    assert GroupSession.objects.filter(group=group, starts_at=at(today, 13)).count() == 2


def test_another_time_or_another_group_needs_no_confirmation(
    client, counsellor, group, members, today, first
):
    client.force_login(counsellor)
    later = session_data(counsellor, today, members, time="15:00")
    response = client.post(create_url(group), later)
    assert response.status_code == 302
    GroupSessionFactory(starts_at=at(today + datetime.timedelta(days=1), 13))  # another group
    tomorrow = today + datetime.timedelta(days=1)
    response = client.post(create_url(group), session_data(counsellor, tomorrow, members))
    assert response.status_code == 302


def test_editing_a_session_does_not_warn_about_itself(client, counsellor, group, members, today):
    client.force_login(counsellor)
    client.post(create_url(group), session_data(counsellor, today, members))
    session = GroupSession.objects.get()
    edit = reverse("guidance:group_session_edit", kwargs={"code": session.uuid})
    response = client.post(edit, session_data(counsellor, today, members, topic="Uusi aihe"))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.topic == "Uusi aihe"
