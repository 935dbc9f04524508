"""Who may see and change a plan: the owner counsellor, a read-only project manager, an
outsider counsellor of another unit, a municipal official."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry, Action
from clients.models import PeriodStatus
from tests.activation_plans.factories import (
    AgreedPlanFactory,
    FollowUpFactory,
    GoalFactory,
    plan_edit_data,
    plan_form_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(kuty_client):  # type: ignore[no-untyped-def]
    plan = AgreedPlanFactory(
        period__client=kuty_client,
        period__status=PeriodStatus.ACTIVE,
        period__start_date=datetime.date(2026, 3, 2),
        period__end_date=datetime.date(2026, 8, 31),
        version=2,
    )
    GoalFactory(plan=plan)
    return plan


def urls(plan) -> dict[str, str]:  # type: ignore[no-untyped-def]
    code = [plan.uuid]
    return {
        "detail": reverse("activation_plans:detail", args=code),
        "edit": reverse("activation_plans:edit", args=code),
        "versions": reverse("activation_plans:versions", args=code),
        "pdf": reverse("activation_plans:pdf", args=code),
        "follow_up": reverse("activation_plans:follow_up_create", args=code),
        "create": reverse("activation_plans:create", args=[plan.period.client.uuid]),
    }


def test_owner_counsellor_sees_and_changes_the_plan(client, counsellor, plan):
    client.force_login(counsellor)
    for name, url in urls(plan).items():
        assert client.get(url).status_code == 200, name
    body = client.get(urls(plan)["detail"]).content.decode()
    assert urls(plan)["edit"] in body
    assert urls(plan)["follow_up"] in body
    response = client.post(urls(plan)["edit"], plan_edit_data(plan, support_person="Liisa"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.support_person == "Liisa"
    assert "Liisa" in client.get(urls(plan)["detail"]).content.decode()


def test_project_manager_reads_but_may_not_change(client, project_manager, plan, unit, authority):
    client.force_login(project_manager)
    for name in ("detail", "versions", "pdf"):
        assert client.get(urls(plan)[name]).status_code == 200, name
    body = client.get(urls(plan)["detail"]).content.decode()
    assert urls(plan)["edit"] not in body  # no edit link for a read-only user
    for name in ("edit", "follow_up", "create"):
        assert client.get(urls(plan)[name]).status_code == 403, name
    assert client.post(urls(plan)["edit"], plan_edit_data(plan)).status_code == 403
    assert client.post(reverse("activation_plans:agree", args=[plan.uuid]), {}).status_code == 403
    assert client.post(urls(plan)["follow_up"], {"date": "2026-04-01"}).status_code == 403
    create = plan_form_data(unit=unit, authority=authority, start=datetime.date(2026, 9, 7))
    assert client.post(urls(plan)["create"], create).status_code == 403
    plan.refresh_from_db()
    assert plan.support_person == ""


@pytest.mark.parametrize("who", ["outsider", "official"])
def test_outsiders_and_officials_get_404_everywhere(client, request, who, plan):
    client.force_login(request.getfixturevalue(who))
    for name, url in urls(plan).items():
        assert client.get(url).status_code == 404, name
    assert client.post(urls(plan)["edit"], plan_edit_data(plan)).status_code == 404
    assert client.post(reverse("activation_plans:agree", args=[plan.uuid]), {}).status_code == 404
    version_url = reverse("activation_plans:version_detail", args=[plan.uuid, 1])
    assert client.get(version_url).status_code == 404
    assert not AccessLogEntry.objects.filter(client_uuid=plan.period.client.uuid).exists()


def test_anonymous_is_sent_to_sign_in(client, plan):
    response = client.get(urls(plan)["detail"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_agree_is_post_only(client, counsellor, plan):
    client.force_login(counsellor)
    assert client.get(reverse("activation_plans:agree", args=[plan.uuid])).status_code == 405


def test_every_view_writes_the_access_log_with_the_client(client, counsellor, plan):
    client.force_login(counsellor)
    for url in urls(plan).values():
        client.get(url)
    entries = AccessLogEntry.objects.filter(client_uuid=plan.period.client.uuid, user=counsellor)
    assert entries.filter(action=Action.VIEW).count() == 5
    assert entries.filter(action=Action.PRINT).count() == 1


def test_plan_page_query_count_is_pinned(client, counsellor, plan, django_assert_num_queries):
    FollowUpFactory(plan=plan)
    client.force_login(counsellor)
    url = urls(plan)["detail"]
    # session, user, roles, the plan, may-edit, access log, goals, follow-ups, their scores,
    # the eligibility rule's limits, and the savepoints of the request transaction
    expected = 12
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200
    for _ in range(5):
        GoalFactory(plan=plan)
        FollowUpFactory(plan=plan)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.content.decode().count('class="border-start border-3 ps-3 mb-3"') == 6


def test_an_ended_plan_is_read_only(client, counsellor, kuty_client):
    plan = AgreedPlanFactory(
        period__client=kuty_client, period__ended=True, period__status=PeriodStatus.ENDED
    )
    client.force_login(counsellor)
    detail = client.get(urls(plan)["detail"])
    assert urls(plan)["edit"] not in detail.content.decode()
    response = client.get(urls(plan)["edit"], follow=True)
    assert response.redirect_chain[-1][0] == urls(plan)["detail"]
    assert "The period has ended: its plan can no longer be changed." in [
        str(m) for m in response.context["messages"]
    ]
