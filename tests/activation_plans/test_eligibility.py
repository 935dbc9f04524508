"""The referral basis against the dated eligibility rule (DOMAIN.md §2, before HE 109/2025):
a warning a person confirms, never a refusal."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from activation_plans.models import ActivationPlan
from activation_plans.services import eligibility_warning
from tests.activation_plans.factories import plan_form_data
from tests.clients.factories import ClientFactory
from tests.organisations.factories import EmploymentAuthorityFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)


@pytest.mark.parametrize(
    ("basis", "amount", "age", "warned"),
    [
        # Under 25: 180 days of labour market subsidy (within 12 months).
        ("subsidy_days", 180, 24, False),
        ("subsidy_days", 179, 24, True),
        # 25 and over: 500 days of subsidy.
        ("subsidy_days", 499, 25, True),
        ("subsidy_days", 500, 25, False),
        # Allowance used up: enough under 25; from 25, 180 subsidy days after it.
        ("allowance_used_up", None, 24, False),
        ("allowance_used_up", 179, 30, True),
        ("allowance_used_up", 180, 30, False),
        # Social assistance mainly due to unemployment: 4 months under 25, 12 from 25.
        ("social_assistance", 4, 20, False),
        ("social_assistance", 3, 20, True),
        ("social_assistance", 11, 40, True),
        ("social_assistance", 12, 40, False),
        # Other grounds and no basis: a person must look.
        ("other", None, 40, True),
        ("", None, 40, True),
    ],
)
def test_eligibility_rule(basis, amount, age, warned):
    assert (eligibility_warning(basis=basis, amount=amount, age=age, on=DAY) is not None) == warned


def test_a_plan_below_the_rule_waits_for_a_person_to_confirm(client, counsellor, unit):
    person = ClientFactory(registered_unit=unit, date_of_birth=datetime.date(1980, 5, 5))
    client.force_login(counsellor)
    url = reverse("activation_plans:create", kwargs={"client": person.uuid})
    data = plan_form_data(unit=unit, authority=EmploymentAuthorityFactory(), start=DAY)
    data.update({"plan-referral_basis": "subsidy_days", "plan-referral_amount": "300"})
    data.pop("plan-eligibility_confirmed", None)
    response = client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        "A client aged 45 needs at least 500 days on labour market subsidy; 300 recorded." in body
    )
    assert not ActivationPlan.objects.exists()

    data["plan-eligibility_confirmed"] = "on"
    assert client.post(url, data).status_code == 302
    plan = ActivationPlan.objects.get()
    assert (plan.referral_basis, plan.referral_amount, plan.eligibility_confirmed) == (
        "subsidy_days",
        300,
        True,
    )
    detail = client.get(reverse("activation_plans:detail", kwargs={"code": plan.uuid}))
    assert "Days on labour market subsidy: 300" in detail.content.decode()
