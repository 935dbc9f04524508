"""Draft → agreed (all three parties) → active (start date reached)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from activation_plans.services import activation_plan_agree, plan_activate_due
from activation_plans.tasks import activate_due_plans
from audit.models import AccessLogEntry, Action
from clients.models import ENTRY_FIELDS, PeriodStatus
from tests.activation_plans.factories import AgreedPlanFactory, PlanFactory
from tests.clients.factories import PeriodFactory

pytestmark = pytest.mark.django_db


def agree_data(day: datetime.date, **overrides: str) -> dict[str, str]:
    data = {
        "agreement-client_agreed_on": day.isoformat(),
        "agreement-organiser_representative": "Sosiaalityöntekijä Saara Virtanen",
        "agreement-organiser_agreed_on": day.isoformat(),
        "agreement-employment_authority_representative": "Työllisyysasiantuntija Nieminen",
        "agreement-employment_authority_agreed_on": day.isoformat(),
    }
    data.update(overrides)
    return data


@pytest.fixture
def draft(kuty_client, today):  # type: ignore[no-untyped-def]
    return PlanFactory(
        period__client=kuty_client,
        period__start_date=today + datetime.timedelta(days=7),
        period__end_date=today + datetime.timedelta(days=200),
    )


def test_cannot_agree_without_all_three_parties(client, counsellor, draft, today):
    client.force_login(counsellor)
    data = agree_data(
        today,
        **{
            "agreement-employment_authority_agreed_on": "",
            "agreement-organiser_representative": "",
        },
    )
    response = client.post(reverse("activation_plans:agree", args=[draft.uuid]), data, follow=True)
    draft.period.refresh_from_db()
    draft.refresh_from_db()
    assert draft.period.status == PeriodStatus.DRAFT
    # What was given is kept; what is missing is named.
    assert draft.client_agreed_on == today
    shown = [str(m) for m in response.context["messages"]]
    assert (
        "The plan cannot be agreed yet. Still missing: the organiser's representative; the "
        "date the employment authority agreed." in shown
    )
    with pytest.raises(ValidationError, match="Still missing"):
        activation_plan_agree(user=counsellor, plan=draft)


def test_agreeing_moves_draft_to_agreed_and_copies_entry_data(
    client, counsellor, draft, kuty_client, today
):
    client.force_login(counsellor)
    response = client.post(reverse("activation_plans:agree", args=[draft.uuid]), agree_data(today))
    assert response.status_code == 302
    period = draft.period
    period.refresh_from_db()
    assert period.status == PeriodStatus.AGREED
    assert period.labour_market_status == "long_term_unemployed"
    assert period.benefit == "labour_market_subsidy"
    for name in ENTRY_FIELDS:
        assert getattr(period, name) == getattr(kuty_client, name), name
    assert AccessLogEntry.objects.filter(
        action=Action.CHANGE, client_uuid=kuty_client.uuid, detail="agreed by all three parties"
    ).exists()


def test_agreement_dates_in_the_future_or_after_the_start_are_refused(
    client, counsellor, draft, today
):
    client.force_login(counsellor)
    late = today + datetime.timedelta(days=1)
    response = client.post(
        reverse("activation_plans:agree", args=[draft.uuid]),
        agree_data(today, **{"agreement-client_agreed_on": late.isoformat()}),
    )
    assert response.status_code == 200
    assert response.context["agreement_form"].errors["client_agreed_on"] == [
        "A date of agreement cannot be in the future."
    ]
    draft.period.refresh_from_db()
    assert draft.period.status == PeriodStatus.DRAFT

    started = PlanFactory(
        period__client=draft.period.client,
        period__start_date=today - datetime.timedelta(days=10),
        period__end_date=today + datetime.timedelta(days=120),
        period__unit=draft.period.unit,
    )
    response = client.post(
        reverse("activation_plans:agree", args=[started.uuid]), agree_data(today)
    )
    start = started.period.start_date
    assert response.context["agreement_form"].errors["client_agreed_on"] == [
        "The period cannot start before all three parties have agreed: this date is after "
        f"the start date {start.day}.{start.month}.{start.year}. Correct the date, or move "
        "the start date in the placement."
    ]


def test_agree_requires_post(client, counsellor, draft):
    client.force_login(counsellor)
    assert client.get(reverse("activation_plans:agree", args=[draft.uuid])).status_code == 405


def test_agreeing_refuses_an_unconfirmed_overlap_that_appeared_meanwhile(
    counsellor, draft, kuty_client
):
    start = draft.period.start_date
    # A live period without a plan (an import) that overlaps the draft.
    PeriodFactory(client=kuty_client, start_date=start - datetime.timedelta(days=30))
    draft.client_agreed_on = draft.organiser_agreed_on = start - datetime.timedelta(days=7)
    draft.employment_authority_agreed_on = start - datetime.timedelta(days=7)
    draft.organiser_representative = draft.employment_authority_representative = "X"
    draft.save()
    with pytest.raises(ValidationError) as caught:
        activation_plan_agree(user=counsellor, plan=draft)
    assert "The client already has a period at the same time" in " ".join(caught.value.messages)
    draft.period.refresh_from_db()
    assert draft.period.status == PeriodStatus.DRAFT


def test_the_task_activates_agreed_plans_whose_start_date_has_come(today):
    due = AgreedPlanFactory(
        period__start_date=today, period__end_date=today + datetime.timedelta(99)
    )
    later = AgreedPlanFactory(
        period__start_date=today + datetime.timedelta(days=1),
        period__end_date=today + datetime.timedelta(days=100),
    )
    draft = PlanFactory(period__start_date=today - datetime.timedelta(days=3))

    assert activate_due_plans() == 1
    assert activate_due_plans() == 0  # idempotent

    for plan, status in ((due, "active"), (later, "agreed"), (draft, "draft")):
        plan.period.refresh_from_db()
        assert plan.period.status == status
    entry = AccessLogEntry.objects.get(detail="period activated: start date reached")
    assert entry.client_uuid == due.period.client.uuid
    assert entry.username == "system"


def test_plan_activate_due_takes_the_day(today):
    plan = AgreedPlanFactory(
        period__start_date=datetime.date(2026, 3, 2), period__end_date=datetime.date(2026, 9, 1)
    )
    assert plan_activate_due(today=datetime.date(2026, 3, 1)) == 0
    assert plan_activate_due(today=datetime.date(2026, 3, 2)) == 1
    plan.period.refresh_from_db()
    assert plan.period.status == PeriodStatus.ACTIVE


def test_viewing_a_due_plan_activates_it(client, counsellor, kuty_client, today):
    plan = AgreedPlanFactory(
        period__client=kuty_client,
        period__start_date=today - datetime.timedelta(days=1),
        period__end_date=today + datetime.timedelta(days=120),
    )
    client.force_login(counsellor)
    response = client.get(reverse("activation_plans:detail", args=[plan.uuid]))
    assert response.status_code == 200
    plan.period.refresh_from_db()
    assert plan.period.status == PeriodStatus.ACTIVE
    assert 'data-testid="plan-status">Active<' in response.content.decode()


def test_activation_runs_every_night_at_half_past_midnight_helsinki_time(settings):
    from celery.schedules import crontab

    from kuty.celery import app

    entry = app.conf.beat_schedule["activation-plans-activate-due"]
    assert entry["task"] == activate_due_plans.name
    assert entry["schedule"] == crontab(hour=0, minute=30)
    assert settings.CELERY_TIMEZONE == "Europe/Helsinki"
