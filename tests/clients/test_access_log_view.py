"""Who has viewed a client's data (DOMAIN.md §6): for the unit managers of the client's units."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry
from tests.clients.factories import PeriodFactory
from tests.organisations.factories import RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def log_url(client) -> str:  # type: ignore[no-untyped-def]
    return reverse("clients:access_log", kwargs={"code": client.uuid})


def test_a_unit_manager_sees_who_viewed_and_changed_and_the_viewing_is_logged(
    client, counsellor, unit_manager, kuty_client
):
    client.force_login(counsellor)
    client.get(reverse("clients:detail", kwargs={"code": kuty_client.uuid}))
    client.post(reverse("clients:reveal_hetu", kwargs={"code": kuty_client.uuid}))

    client.force_login(unit_manager)
    response = client.get(log_url(kuty_client))

    assert response.status_code == 200
    body = response.content.decode()
    assert "alice" in body
    assert "identity code shown" in body
    assert "access log shown" in body  # this very view, recorded before the list is read
    assert kuty_client.hetu not in body
    rows = list(response.context["page"].object_list)
    assert [(r.username, r.detail) for r in rows] == [
        ("dora", "access log shown"),
        ("alice", "identity code shown"),
        ("alice", "page"),
    ]
    assert AccessLogEntry.objects.filter(client_uuid=kuty_client.uuid, user=unit_manager).exists()


def test_the_client_page_links_to_the_log_only_for_unit_managers(
    client, counsellor, unit_manager, kuty_client
):
    url = log_url(kuty_client)
    client.force_login(counsellor)
    assert (
        url
        not in client.get(
            reverse("clients:detail", kwargs={"code": kuty_client.uuid})
        ).content.decode()
    )
    client.force_login(unit_manager)
    assert (
        url
        in client.get(reverse("clients:detail", kwargs={"code": kuty_client.uuid})).content.decode()
    )


def test_others_may_not_read_the_log(
    client, counsellor, project_manager, outsider, official, administrator, kuty_client
):
    url = log_url(kuty_client)
    for user in (counsellor, project_manager):  # they see the client, not its log
        client.force_login(user)
        assert client.get(url).status_code == 403
    for user in (outsider, official, administrator):
        client.force_login(user)
        assert client.get(url).status_code == 404
    assert not AccessLogEntry.objects.filter(detail="access log shown").exists()


def test_a_manager_of_a_unit_where_the_client_has_a_period_may_read_it(
    client, kuty_client, other_unit
):
    PeriodFactory(client=kuty_client, unit=other_unit)
    manager = UserFactory()
    RoleAssignmentFactory(user=manager, role="unit_manager", unit=other_unit)
    client.force_login(manager)
    assert client.get(log_url(kuty_client)).status_code == 200


def test_the_log_needs_get(client, unit_manager, kuty_client):
    client.force_login(unit_manager)
    assert client.post(log_url(kuty_client)).status_code == 405
