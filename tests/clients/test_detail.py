"""The client page, the identity code's reveal and who may see them."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from activation_plans.models import ActivationPlan, PlanType
from audit.models import AccessLogEntry, Action
from clients.models import PeriodStatus
from tests.clients.factories import ClientFactory, PeriodFactory
from tests.organisations.factories import (
    EmploymentAuthorityFactory,
    RoleAssignmentFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def detail_url(client) -> str:  # type: ignore[no-untyped-def]
    return reverse("clients:detail", kwargs={"code": client.uuid})


def reveal_url(client) -> str:  # type: ignore[no-untyped-def]
    return reverse("clients:reveal_hetu", kwargs={"code": client.uuid})


@pytest.fixture
def colleague(unit):  # type: ignore[no-untyped-def]
    user = UserFactory(username="cecilia")
    RoleAssignmentFactory(user=user, role="counsellor", unit=unit)
    return user


def test_the_page_shows_the_summary_with_a_masked_code_and_is_logged(
    client, counsellor, kuty_client, unit
):
    PeriodFactory(
        client=kuty_client,
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2027, 2, 28),
        days_per_week=3,
        hours_per_day="6.5",
        weekdays="135",
    )
    client.force_login(counsellor)
    response = client.get(detail_url(kuty_client))

    assert response.status_code == 200
    body = response.content.decode()
    assert kuty_client.full_name in body
    assert kuty_client.masked_hetu in body
    assert kuty_client.hetu not in body
    assert f'hx-post="{reveal_url(kuty_client)}"' in body
    assert 'aria-live="polite"' in body
    assert unit.name in body
    current = response.context["current_period"]
    assert current.status == PeriodStatus.ACTIVE
    assert "1.9.2026–28.2.2027" in body  # d.m.yyyy
    assert "3 days a week" in body
    assert "6.5 hours a day" in body
    assert "Mon, Wed, Fri" in body
    assert "040 555 1234" in body  # no non-disclosure
    assert "Periods and plans" in body
    assert "Attendance warnings" in body
    assert "Guidance and plan events" in body
    assert response["Cache-Control"].startswith("max-age=0")
    entry = AccessLogEntry.objects.get(client_uuid=kuty_client.uuid)
    assert (entry.action, entry.user, entry.object_type) == ("view", counsellor, "clients.client")


def test_periods_are_listed_newest_first(client, counsellor, kuty_client):
    old = PeriodFactory(
        client=kuty_client,
        ended=True,
        start_date=datetime.date(2024, 1, 8),
        end_date=datetime.date(2024, 7, 7),
    )
    new = PeriodFactory(client=kuty_client, start_date=datetime.date(2026, 3, 2))
    client.force_login(counsellor)
    response = client.get(detail_url(kuty_client))
    assert response.context["periods"] == [new, old]
    assert response.context["current_period"] == new
    assert response.content.decode().count('data-testid="period-row"') == 2


def test_an_agreed_period_is_current_when_none_is_active(client, counsellor, kuty_client):
    PeriodFactory(client=kuty_client, ended=True, start_date=datetime.date(2025, 1, 6))
    agreed = PeriodFactory(
        client=kuty_client, status=PeriodStatus.AGREED, start_date=datetime.date(2026, 12, 7)
    )
    client.force_login(counsellor)
    assert client.get(detail_url(kuty_client)).context["current_period"] == agreed


def test_non_disclosure_hides_contact_details_from_all_but_the_responsible_counsellor(
    client, counsellor, colleague, project_manager, unit_manager, kuty_client
):
    kuty_client.non_disclosure = True
    kuty_client.save()
    for user in (colleague, project_manager, unit_manager):
        client.force_login(user)
        body = client.get(detail_url(kuty_client)).content.decode()
        assert "contact details hidden" in body
        assert "555 1234" not in body
        assert "Salainen katu" not in body
        assert "Non-disclosure (turvakielto)" in body
    client.force_login(counsellor)
    body = client.get(detail_url(kuty_client)).content.decode()
    assert "040 555 1234" in body
    assert "Salainen katu 7" in body
    assert "contact details hidden" not in body


def test_showing_the_code_returns_a_fragment_and_writes_a_log_row(client, counsellor, kuty_client):
    client.force_login(counsellor)
    response = client.post(reveal_url(kuty_client), headers={"HX-Request": "true"})

    assert response.status_code == 200
    body = response.content.decode()
    assert kuty_client.hetu in body
    assert "<html" not in body  # a fragment for HTMX to swap in
    assert f'id="hetu-{kuty_client.uuid}"' in body
    assert "no-store" in response["Cache-Control"]
    entry = AccessLogEntry.objects.get(client_uuid=kuty_client.uuid)
    assert (entry.action, entry.detail, entry.user) == (
        Action.VIEW,
        "identity code shown",
        counsellor,
    )


def test_showing_the_code_without_javascript_gives_a_page(client, counsellor, kuty_client):
    client.force_login(counsellor)
    response = client.post(reveal_url(kuty_client))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" in body
    assert kuty_client.hetu in body


def test_showing_the_code_needs_post(client, counsellor, kuty_client):
    client.force_login(counsellor)
    assert client.get(reveal_url(kuty_client)).status_code == 405
    assert not AccessLogEntry.objects.filter(client_uuid=kuty_client.uuid).exists()


def test_page_and_reveal_with_three_users_and_officials(
    client, counsellor, project_manager, outsider, official, administrator, kuty_client
):
    client.force_login(counsellor)
    response = client.get(detail_url(kuty_client))
    assert response.status_code == 200
    assert response.context["can_edit"]
    assert reverse("clients:edit", kwargs={"code": kuty_client.uuid}) in response.content.decode()

    client.force_login(project_manager)  # read only: sees, and may show the code
    response = client.get(detail_url(kuty_client))
    assert response.status_code == 200
    assert not response.context["can_edit"]
    assert reverse("clients:edit", kwargs={"code": kuty_client.uuid}) not in (
        response.content.decode()
    )
    assert client.post(reveal_url(kuty_client)).status_code == 200

    for user in (outsider, official, administrator):
        client.force_login(user)
        assert client.get(detail_url(kuty_client)).status_code == 404
        assert client.post(reveal_url(kuty_client)).status_code == 404
    rows = AccessLogEntry.objects.filter(client_uuid=kuty_client.uuid)
    assert set(rows.values_list("username", flat=True)) == {"alice", "bob"}


def test_an_unknown_client_is_404_like_a_hidden_one(client, counsellor):
    client.force_login(counsellor)
    url = reverse("clients:detail", kwargs={"code": "00000000-0000-0000-0000-000000000000"})
    assert client.get(url).status_code == 404


def test_a_period_in_the_users_unit_makes_a_client_of_another_unit_visible(
    client, outsider, other_unit, kuty_client
):
    PeriodFactory(client=kuty_client, unit=other_unit)
    client.force_login(outsider)
    response = client.get(detail_url(kuty_client))
    assert response.status_code == 200
    assert [u.name for u in response.context["units"]] == [
        kuty_client.registered_unit.name,
        other_unit.name,
    ]


def make_plan(period, user):  # type: ignore[no-untyped-def]
    plan_type = PlanType.objects.create(
        code="activation", name_fi="Aktivointisuunnitelma", name_sv="-", name_en="-"
    )
    return ActivationPlan.objects.create(
        period=period,
        plan_type=plan_type,
        organiser=period.unit.organiser,
        employment_authority=EmploymentAuthorityFactory(),
        activity_goal="Päivärytmi",
        support_and_guidance="Viikoittainen ohjaus",
        created_by=user,
    )


def test_with_plan_pages_the_page_links_to_them(client, counsellor, kuty_client, settings):
    plan = make_plan(PeriodFactory(client=kuty_client), counsellor)
    client.force_login(counsellor)
    body = client.get(detail_url(kuty_client)).content.decode()
    assert reverse("activation_plans:detail", kwargs={"code": plan.uuid}) in body
    assert reverse("activation_plans:create", kwargs={"client": kuty_client.uuid}) in body


def test_the_page_takes_the_same_queries_for_3_or_30_periods(
    client, counsellor, django_assert_num_queries, settings
):
    few = ClientFactory(registered_unit=counsellor.role_assignments.get().unit)
    many = ClientFactory(registered_unit=few.registered_unit)
    other_units = [UnitFactory() for _ in range(3)]
    make_plan(PeriodFactory(client=few, start_date=datetime.date(2020, 1, 6)), counsellor)
    for n in range(1, 3):
        PeriodFactory(client=few, start_date=datetime.date(2020 + n, 1, 6))
    for n in range(30):
        PeriodFactory(
            client=many,
            unit=other_units[n % 3],
            start_date=datetime.date(2000, 1, 3) + datetime.timedelta(weeks=30 * n),
        )
    client.force_login(counsellor)

    with django_assert_num_queries(QUERIES_CLIENT_PAGE):
        response = client.get(detail_url(few))
    assert len(response.context["periods"]) == 3
    with django_assert_num_queries(QUERIES_CLIENT_PAGE):
        response = client.get(detail_url(many))
    assert len(response.context["periods"]) == 30


# The registry's part: session, user, role assignments, client, can-edit check, periods (with
# units and plans), access-log insert, and the request's savepoint and release (9); guidance's
# sections: attendance warnings with the weeks over the person's limit (one statement since the
# database finds the runs; was two) and transition actions (3), the timeline (6: with the ended
# periods).
QUERIES_CLIENT_PAGE = 18
