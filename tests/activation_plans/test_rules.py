"""The period rules on the plan form and in the services: each violation on its field."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from activation_plans.models import ActivationPlan
from activation_plans.services import GoalInput, Placement, activation_plan_create
from clients.models import Period, PeriodStatus
from tests.activation_plans.factories import plan_form_data
from tests.clients.factories import PeriodFactory
from tests.organisations.factories import UnitFactory

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 3, 2)


@pytest.fixture
def post(client, counsellor, kuty_client, unit, authority):  # type: ignore[no-untyped-def]
    client.force_login(counsellor)
    url = reverse("activation_plans:create", args=[kuty_client.uuid])

    def post(start: datetime.date = START, **overrides):  # type: ignore[no-untyped-def]
        data = plan_form_data(unit=unit, authority=authority, start=start, **overrides)
        return client.post(url, data)

    return post


def field_errors(response, form: str, field: str) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, "the form should be shown again with errors"
    return list(response.context[form].errors.get(field, []))


def test_valid_form_creates_a_draft_plan_and_its_period(post, kuty_client, unit, counsellor):
    response = post()
    plan = ActivationPlan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("activation_plans:detail", args=[plan.uuid])
    period = plan.period
    assert period.client == kuty_client
    assert period.unit == unit
    assert period.status == PeriodStatus.DRAFT
    assert (period.start_date, period.end_date) == (START, datetime.date(2026, 9, 1))
    assert (period.days_per_week, period.hours_per_day, period.weekdays) == (3, Decimal(6), "135")
    assert plan.organiser == unit.organiser
    assert plan.created_by == counsellor
    assert [goal.text for goal in plan.goals.all()] == [
        "Käyn työtoiminnassa kolmena päivänä viikossa."
    ]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"end_date": "2026-05-31"},
            "end_date",
            "A period lasts at least 3 months: with this start date it can end on 1.6.2026 at "
            "the earliest.",
        ),
        (
            {"end_date": "2028-03-02"},
            "end_date",
            "A period lasts at most 24 months: with this start date it must end by 1.3.2028. "
            "A new period can follow.",
        ),
        ({"end_date": "2026-03-01"}, "end_date", "The period must end after it starts."),
        (
            {"days_per_week": 5, "weekdays": ["1", "2", "3", "4", "5"]},
            "days_per_week",
            "Rehabilitative work activity is organised on 1–4 days a week for a period "
            "starting on 2.3.2026.",
        ),
        (
            {"days_per_week": 0, "weekdays": []},
            "days_per_week",
            "Rehabilitative work activity is organised on 1–4 days a week for a period "
            "starting on 2.3.2026.",
        ),
        ({"hours_per_day": "3,5"}, "hours_per_day", "A day lasts 4–8 hours, travel not included."),
        ({"hours_per_day": "8.5"}, "hours_per_day", "A day lasts 4–8 hours, travel not included."),
        (
            {"weekdays": ["1", "3"]},
            "weekdays",
            "Choose as many weekdays as there are days a week (3).",
        ),
        ({"weekdays": []}, "weekdays", "Choose the weekdays of the placement."),
    ],
)
def test_each_rule_is_shown_on_its_field(post, overrides, field, message):
    response = post(**overrides)
    assert message in field_errors(response, "placement_form", field)
    assert not ActivationPlan.objects.exists()
    assert not Period.objects.exists()


def test_at_most_32_hours_a_week(post):
    # Only a five-day week (before 1.7.2015) can exceed 32 hours within 4–8 hours a day.
    response = post(
        start=datetime.date(2014, 1, 6),
        days_per_week=5,
        hours_per_day="7",
        weekdays=["1", "2", "3", "4", "5"],
    )
    assert field_errors(response, "placement_form", "hours_per_day") == [
        "5 days of 7 hours make 35 hours a week; the most allowed is 32 hours."
    ]


def test_five_days_a_week_allowed_for_a_period_starting_before_1_7_2015(post):
    five_days = {"days_per_week": 5, "weekdays": ["1", "2", "3", "4", "5"]}
    response = post(start=datetime.date(2015, 6, 30), **five_days)
    assert response.status_code == 302
    assert Period.objects.get().days_per_week == 5

    response = post(start=datetime.date(2015, 7, 1), **five_days)
    assert field_errors(response, "placement_form", "days_per_week") == [
        "Rehabilitative work activity is organised on 1–4 days a week for a period "
        "starting on 1.7.2015."
    ]


def test_goal_and_support_are_required(post):
    response = post(activity_goal="", support_and_guidance="")
    assert field_errors(response, "plan_form", "activity_goal") == ["This field is required."]
    assert field_errors(response, "plan_form", "support_and_guidance") == [
        "This field is required."
    ]


def test_overlapping_period_refused_then_accepted_with_confirmation(post, kuty_client):
    other_unit = UnitFactory(name="Puutyöpaja")
    PeriodFactory(
        client=kuty_client,
        unit=other_unit,
        start_date=datetime.date(2026, 1, 5),
        end_date=datetime.date(2026, 6, 30),
        days_per_week=1,
        weekdays="2",
    )
    response = post()
    errors = field_errors(response, "placement_form", "confirm_overlap")
    assert errors == [
        "The client already has a period at the same time: Puutyöpaja 5.1.2026–30.6.2026. "
        "Tick “Confirm overlap” if both periods are really meant to run at the same time."
    ]
    assert 'name="placement-confirm_overlap"' in response.content.decode()
    assert not ActivationPlan.objects.exists()

    response = post(confirm_overlap="on")
    assert response.status_code == 302
    assert ActivationPlan.objects.get().period.overlap_confirmed is True


def test_overlapping_periods_add_up_to_the_persons_week_limit(post, kuty_client):
    """3 days here and 2 in another unit make 5 days a week: over the person's 4."""
    other_unit = UnitFactory(name="Puutyöpaja")
    PeriodFactory(
        client=kuty_client,
        unit=other_unit,
        start_date=datetime.date(2026, 4, 6),
        end_date=datetime.date(2026, 9, 30),
        days_per_week=2,
        weekdays="24",
        hours_per_day=Decimal(4),
    )
    response = post(confirm_overlap="on")
    assert field_errors(response, "placement_form", "days_per_week") == [
        "Together with the client's period in Puutyöpaja this makes 5 days a week from "
        "6.4.2026; a person takes part on at most 4 days a week, in all units together."
    ]
    assert not ActivationPlan.objects.exists()
    # One day there: 4 days, but 3 × 6 h + 1 × 8 h = 26 h, within 32 h: accepted.
    Period.objects.filter(unit=other_unit).update(days_per_week=1, weekdays="2")
    assert post(confirm_overlap="on").status_code == 302
    saved = ActivationPlan.objects.get().period
    assert (saved.days_per_week, saved.overlap_confirmed) == (3, True)


def test_a_draft_or_ended_period_does_not_count_as_overlap(post, kuty_client):
    PeriodFactory(client=kuty_client, status=PeriodStatus.DRAFT, start_date=START)
    PeriodFactory(client=kuty_client, ended=True, start_date=datetime.date(2025, 6, 2))
    response = post(start=datetime.date(2026, 3, 9))
    assert response.status_code == 302
    assert ActivationPlan.objects.get().period.overlap_confirmed is False


def test_second_period_with_the_same_unit_and_start_is_refused_not_crashed(post, kuty_client):
    assert post().status_code == 302
    response = post()
    assert field_errors(response, "placement_form", "start_date") == [
        f"The client already has a period in {kuty_client.registered_unit} starting on "
        "2.3.2026. Open that plan instead, or choose another start date."
    ]
    assert ActivationPlan.objects.count() == 1


def test_partial_gas_ladder_is_refused_on_the_missing_levels(post):
    response = post(goals=[{"text": "Tavoite", "gas_0": "Käyn 3 päivää viikossa"}])
    form = response.context["goal_formset"].forms[0]
    message = "A GAS ladder has all five levels: fill this in too, or leave the ladder empty."
    for name in ("gas_minus_2", "gas_minus_1", "gas_plus_1", "gas_plus_2"):
        assert form.errors[name] == [message]
    assert "gas_0" not in form.errors


def test_service_refuses_bad_input_with_errors_by_field_and_saves_nothing(
    counsellor, kuty_client, unit, authority
):
    from activation_plans.models import PlanType

    placement = Placement(
        unit=unit,
        start_date=START,
        end_date=datetime.date(2026, 4, 1),
        days_per_week=5,
        hours_per_day=Decimal("9"),
        weekdays="12",
    )
    with pytest.raises(ValidationError) as caught:
        activation_plan_create(
            user=counsellor,
            client=kuty_client,
            content={
                "plan_type": PlanType.objects.get(code="activation_plan"),
                "employment_authority": authority,
                "activity_goal": "Tavoite",
                "support_and_guidance": "Tuki",
            },
            placement=placement,
            goals=[GoalInput(text="Tavoite", gas_0="vain nolla")],
        )
    errors = caught.value.message_dict
    assert set(errors) == {"end_date", "days_per_week", "hours_per_day", "weekdays", "goals"}
    assert not Period.objects.exists()
    assert not ActivationPlan.objects.exists()
