"""The plan form's "Cancel" goes back where the user came from (issue 14: it went home)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.activation_plans.factories import PlanFactory

pytestmark = pytest.mark.django_db


def _cancel_href(body: str) -> str:
    match = re.search(r'data-testid="plan-cancel" href="([^"]+)"', body)
    assert match, "the form has no Cancel link"
    return match.group(1)


def test_cancelling_a_new_plan_goes_back_to_the_client(client, counsellor, kuty_client):
    client.force_login(counsellor)
    body = client.get(
        reverse("activation_plans:create", kwargs={"client": kuty_client.uuid})
    ).content.decode()
    assert _cancel_href(body) == reverse("clients:detail", kwargs={"code": kuty_client.uuid})


def test_cancelling_an_edit_goes_back_to_the_plan(client, counsellor, kuty_client):
    plan = PlanFactory(period__client=kuty_client, period__unit=kuty_client.registered_unit)
    client.force_login(counsellor)
    body = client.get(reverse("activation_plans:edit", kwargs={"code": plan.uuid})).content
    assert _cancel_href(body.decode()) == reverse(
        "activation_plans:detail", kwargs={"code": plan.uuid}
    )
