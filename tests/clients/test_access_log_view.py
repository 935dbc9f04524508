"""Who has viewed a client's data (DOMAIN.md §6, Act 703/2023): the page for the unit managers
of the client's units and the client's responsible counsellor, with a date range and the PDF
to hand to the client. Every opening is logged."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AccessLogEntry, Action
from audit.services import access_log_record
from tests.clients.factories import PeriodFactory
from tests.organisations.factories import RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def log_url(client) -> str:  # type: ignore[no-untyped-def]
    return reverse("clients:access_log", kwargs={"code": client.uuid})


def detail_url(client) -> str:  # type: ignore[no-untyped-def]
    return reverse("clients:detail", kwargs={"code": client.uuid})


@pytest.fixture
def colleague(unit):  # type: ignore[no-untyped-def]
    """Another counsellor of the unit: sees the client, is not responsible for them."""
    user = UserFactory(username="greta")
    RoleAssignmentFactory(user=user, role="counsellor", unit=unit)
    return user


def test_a_unit_manager_sees_who_viewed_and_changed_and_the_viewing_is_logged(
    client, counsellor, unit_manager, kuty_client, unit
):
    client.force_login(counsellor)
    client.get(detail_url(kuty_client))
    client.post(reverse("clients:reveal_hetu", kwargs={"code": kuty_client.uuid}))

    client.force_login(unit_manager)
    response = client.get(log_url(kuty_client))

    assert response.status_code == 200
    body = response.content.decode()
    assert "alice" in body
    assert f"Counsellor, {unit.name}" in body  # the role and organisation
    assert "Client: identity code shown" in body
    assert "Access log: opened" in body  # this very view, recorded before the list is read
    assert kuty_client.hetu not in body
    rows = list(response.context["page"].object_list)
    assert [(r["user"], r["what"]) for r in rows] == [  # newest first
        ("dora", "Access log: opened"),
        ("alice", "Client: identity code shown"),
        ("alice", "Client: page opened"),
    ]
    assert AccessLogEntry.objects.filter(
        client_uuid=kuty_client.uuid, user=unit_manager, detail="access log shown"
    ).exists()


def test_the_responsible_counsellor_may_read_the_log(client, counsellor, kuty_client):
    client.force_login(counsellor)

    response = client.get(log_url(kuty_client))

    assert response.status_code == 200
    assert AccessLogEntry.objects.filter(
        client_uuid=kuty_client.uuid, username="alice", detail="access log shown"
    ).exists()


def test_each_opening_writes_its_own_row(client, unit_manager, kuty_client):
    client.force_login(unit_manager)
    client.get(log_url(kuty_client))
    client.get(log_url(kuty_client), {"from": "1.1.2026", "to": "31.1.2026"})

    assert list(
        AccessLogEntry.objects.filter(client_uuid=kuty_client.uuid, action=Action.VIEW)
        .order_by("id")
        .values_list("username", "detail")
    ) == [
        ("dora", "access log shown"),
        ("dora", "access log shown; 2026-01-01–2026-01-31"),
    ]


def test_the_client_page_links_to_the_log_for_those_who_may_read_it(
    client, counsellor, colleague, unit_manager, kuty_client
):
    url = log_url(kuty_client)
    for user, linked in ((counsellor, True), (unit_manager, True), (colleague, False)):
        client.force_login(user)
        assert (url in client.get(detail_url(kuty_client)).content.decode()) is linked


def test_others_may_not_read_the_log(
    client, colleague, project_manager, outsider, official, administrator, kuty_client
):
    url = log_url(kuty_client)
    for user in (colleague, project_manager):  # they see the client, not its log
        client.force_login(user)
        assert client.get(url).status_code == 403
    for user in (outsider, official, administrator):
        client.force_login(user)
        assert client.get(url).status_code == 404
    assert not AccessLogEntry.objects.filter(detail__startswith="access log shown").exists()


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


# --- the range and the PDF ---------------------------------------------------------------------


def test_a_range_in_the_future_shows_nothing_recorded(client, unit_manager, kuty_client):
    client.force_login(unit_manager)

    response = client.get(log_url(kuty_client), {"from": "1.1.2099", "to": "2099-12-31"})

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert "Nothing recorded." in response.content.decode()


def test_the_first_and_last_days_of_the_calendar_are_no_bound(client, unit_manager, kuty_client):
    client.force_login(unit_manager)

    response = client.get(log_url(kuty_client), {"from": "0001-01-01", "to": "9999-12-31"})

    assert response.status_code == 200
    assert [entry["user"] for entry in response.context["page"].object_list] == ["dora"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "31.2.2026"}, "Enter a valid date."),
        ({"from": "1.3.2026", "to": "1.2.2026"}, "The range ends before it starts."),
    ],
)
def test_bad_dates_are_explained_and_nothing_is_listed(
    client, unit_manager, kuty_client, params, message
):
    client.force_login(unit_manager)

    response = client.get(log_url(kuty_client), params)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(response.context["page"].object_list) == []


def test_the_page_offers_the_pdf_in_finnish_and_swedish_for_the_range_shown(
    client, unit_manager, kuty_client
):
    client.force_login(unit_manager)

    body = client.get(log_url(kuty_client), {"from": "1.1.2026", "page": "1"}).content.decode()

    pdf = reverse("clients:access_log_pdf", kwargs={"code": kuty_client.uuid})
    assert f'href="{pdf}?from=1.1.2026&amp;lang=fi"' in body
    assert f'href="{pdf}?from=1.1.2026&amp;lang=sv"' in body


def test_the_page_reads_the_log_in_a_bounded_number_of_queries(
    client, unit_manager, kuty_client, counsellor
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(log_url(kuty_client)).status_code == 200
        return len(captured)

    client.force_login(unit_manager)
    few = queries()
    for n in range(30):
        user = UserFactory(username=f"worker{n}")
        RoleAssignmentFactory(user=user, role="counsellor", unit=kuty_client.registered_unit)
        access_log_record(
            action=Action.VIEW, user=user, client_uuid=kuty_client.uuid, detail="page"
        )

    assert queries() == few
