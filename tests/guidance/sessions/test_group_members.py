"""Managing a group's members: add a client of the unit from a date, end a membership."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry, Action
from guidance.models import GroupMembership
from tests.clients.factories import ClientFactory
from tests.guidance.sessions.factories import GroupMembershipFactory

pytestmark = pytest.mark.django_db


def members_url(group) -> str:  # type: ignore[no-untyped-def]
    return reverse("guidance:group_members", kwargs={"code": group.uuid})


def end_url(group) -> str:  # type: ignore[no-untyped-def]
    return reverse("guidance:group_member_end", kwargs={"code": group.uuid})


def test_the_counsellor_adds_a_client_of_the_unit(client, counsellor, group, kuty_client, today):
    other_units_client = ClientFactory()
    client.force_login(counsellor)
    page = client.get(members_url(group))
    candidates = list(page.context["add_form"].fields["client"].queryset)
    assert kuty_client in candidates
    assert other_units_client not in candidates

    response = client.post(
        members_url(group), {"client": kuty_client.pk, "start_date": today.isoformat()}
    )

    assert response.status_code == 302
    membership = GroupMembership.objects.get()
    assert (membership.client, membership.start_date, membership.end_date) == (
        kuty_client,
        today,
        None,
    )
    assert AccessLogEntry.objects.filter(
        action=Action.CREATE, client_uuid=kuty_client.uuid
    ).exists()


def test_a_client_of_another_unit_cannot_be_added(client, counsellor, group, today):
    stranger = ClientFactory()
    client.force_login(counsellor)
    response = client.post(
        members_url(group), {"client": stranger.pk, "start_date": today.isoformat()}
    )
    assert response.status_code == 200
    assert response.context["add_form"].errors["client"]
    assert not GroupMembership.objects.exists()


def test_a_client_already_in_the_group_is_not_added_twice(
    client, counsellor, group, kuty_client, today
):
    GroupMembershipFactory(group=group, client=kuty_client)
    client.force_login(counsellor)
    response = client.post(
        members_url(group), {"client": kuty_client.pk, "start_date": today.isoformat()}
    )
    assert response.status_code == 200
    assert GroupMembership.objects.count() == 1


def test_ending_a_membership(client, counsellor, group, kuty_client, today):
    membership = GroupMembershipFactory(group=group, client=kuty_client)
    client.force_login(counsellor)
    response = client.post(
        end_url(group), {"membership": membership.pk, "end_date": today.isoformat()}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.end_date == today
    too_early = membership.start_date - datetime.timedelta(days=1)
    client.post(end_url(group), {"membership": membership.pk, "end_date": too_early.isoformat()})
    membership.refresh_from_db()
    assert membership.end_date == today


def test_ending_needs_a_post(client, counsellor, group):
    client.force_login(counsellor)
    assert client.get(end_url(group)).status_code == 405


def test_read_only_and_outsiders(client, project_manager, outsider, group, kuty_client, today):
    membership = GroupMembershipFactory(group=group, client=kuty_client)
    add = {"client": kuty_client.pk, "start_date": today.isoformat()}
    end = {"membership": membership.pk, "end_date": today.isoformat()}

    client.force_login(project_manager)
    page = client.get(members_url(group))
    assert page.status_code == 200
    assert page.context["add_form"] is None
    assert client.post(members_url(group), add).status_code == 403
    assert client.post(end_url(group), end).status_code == 403

    client.force_login(outsider)
    assert client.get(members_url(group)).status_code == 404
    assert client.post(members_url(group), add).status_code == 404
    assert client.post(end_url(group), end).status_code == 404
    membership.refresh_from_db()
    assert membership.end_date is None
    assert GroupMembership.objects.count() == 1
