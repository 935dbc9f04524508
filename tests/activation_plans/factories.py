"""Factories for plans, on top of the client and period factories of tests/clients."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from dateutil.relativedelta import relativedelta
from factory.django import DjangoModelFactory

from activation_plans.models import ActivationPlan, ClientGoal, FollowUpMeeting, PlanType
from activation_plans.services import CONTENT_FIELDS as PLAN_CONTENT
from clients.models import PeriodStatus
from tests.clients.factories import PeriodFactory
from tests.organisations.factories import EmploymentAuthorityFactory, UserFactory


def activation_plan_type() -> PlanType:
    return PlanType.objects.get(code="activation_plan")


class PlanFactory(DjangoModelFactory):
    """A draft plan; its period starts on 2.3.2026 unless told otherwise."""

    class Meta:
        model = ActivationPlan

    period = factory.SubFactory(
        PeriodFactory,
        status=PeriodStatus.DRAFT,
        start_date=datetime.date(2026, 3, 2),
    )
    plan_type = factory.LazyFunction(activation_plan_type)
    organiser = factory.SelfAttribute("period.unit.organiser")
    employment_authority = factory.SubFactory(EmploymentAuthorityFactory)
    activity_goal = "Vahvistaa arjen rytmiä ja työelämävalmiuksia."
    support_and_guidance = "Viikoittainen yksilöohjaus ja ryhmätoiminta."
    created_by = factory.SubFactory(UserFactory)


class AgreedPlanFactory(PlanFactory):
    """A plan all three parties agreed to, its period agreed."""

    period = factory.SubFactory(
        PeriodFactory,
        status=PeriodStatus.AGREED,
        start_date=datetime.date(2026, 3, 2),
    )
    client_agreed_on = factory.LazyAttribute(lambda o: o.period.start_date)
    organiser_representative = "Sosiaalityöntekijä Virtanen"
    organiser_agreed_on = factory.LazyAttribute(lambda o: o.period.start_date)
    employment_authority_representative = "Työllisyysasiantuntija Nieminen"
    employment_authority_agreed_on = factory.LazyAttribute(lambda o: o.period.start_date)


class GoalFactory(DjangoModelFactory):
    class Meta:
        model = ClientGoal

    plan = factory.SubFactory(PlanFactory)
    order = factory.Sequence(int)
    text = factory.Sequence(lambda n: f"Tavoite {n}: käyn työtoiminnassa sovittuina päivinä")


class FollowUpFactory(DjangoModelFactory):
    class Meta:
        model = FollowUpMeeting

    plan = factory.SubFactory(AgreedPlanFactory)
    date = datetime.date(2026, 4, 1)
    recorded_by = factory.SubFactory(UserFactory)


def _date(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def plan_form_data(
    *,
    unit: Any,
    authority: Any,
    start: datetime.date,
    end: datetime.date | None = None,
    goals: list[dict[str, str]] | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """A complete, valid new-plan form as a browser posts it. Override a field by its name
    without the prefix (``days_per_week=5``); ``None`` leaves it out."""
    goals = [{"text": "Käyn työtoiminnassa kolmena päivänä viikossa."}] if goals is None else goals
    plan = {
        "plan_type": activation_plan_type().pk,
        "employment_authority": authority.pk,
        "client_agreed_on": "",
        "support_person": "",
        "organiser_representative": "",
        "organiser_agreed_on": "",
        "employment_authority_representative": "",
        "employment_authority_agreed_on": "",
        "education_history": "Peruskoulu.",
        "work_history": "Varastotyötä 2010–2015.",
        "earlier_services": "Työkokeilu 2023, keskeytyi.",
        "activity_goal": "Arjen rytmin vahvistaminen.",
        "support_and_guidance": "Yksilöohjaus kerran viikossa.",
        "next_follow_up": "",
        "loaded_version": "",
    }
    placement = {
        "unit": unit.pk,
        "start_date": _date(start),
        "end_date": _date(end or start + relativedelta(months=6) - datetime.timedelta(days=1)),
        "days_per_week": 3,
        "hours_per_day": "6",
        "weekdays": ["1", "3", "5"],
    }
    for name, value in overrides.items():
        target = placement if name in (*placement, "confirm_overlap") else plan
        if value is None:
            target.pop(name, None)
        else:
            target[name] = value
    data: dict[str, Any] = {f"plan-{k}": v for k, v in plan.items()}
    data.update({f"placement-{k}": v for k, v in placement.items()})
    data.update(_goal_data(goals, initial=0))
    return data


def _goal_data(goals: list[dict[str, Any]], *, initial: int) -> dict[str, Any]:
    data: dict[str, Any] = {
        "goals-TOTAL_FORMS": len(goals),
        "goals-INITIAL_FORMS": initial,
        "goals-MIN_NUM_FORMS": 0,
        "goals-MAX_NUM_FORMS": 1000,
    }
    for index, goal in enumerate(goals):
        data.update({f"goals-{index}-{k}": v for k, v in goal.items()})
    return data


def plan_edit_data(plan: ActivationPlan, **overrides: Any) -> dict[str, Any]:
    """The edit form of ``plan`` as the browser posts it unchanged, with ``overrides``
    (names without prefix; ``goals=[...]`` replaces the goal rows)."""
    period = plan.period
    fields = [f for f in PLAN_CONTENT if f not in ("plan_type", "employment_authority")]
    data: dict[str, Any] = {f"plan-{name}": getattr(plan, name) or "" for name in fields}
    for name in ("client_agreed_on", "organiser_agreed_on", "employment_authority_agreed_on",
                 "next_follow_up"):  # fmt: skip
        data[f"plan-{name}"] = _date(getattr(plan, name))
    data["plan-plan_type"] = plan.plan_type_id
    data["plan-employment_authority"] = plan.employment_authority_id
    data["plan-loaded_version"] = plan.version
    data.update(
        {
            "placement-unit": period.unit_id,
            "placement-start_date": _date(period.start_date),
            "placement-end_date": _date(period.end_date),
            "placement-days_per_week": period.days_per_week,
            "placement-hours_per_day": str(period.hours_per_day),
            "placement-weekdays": list(period.weekdays),
        }
    )
    if period.overlap_confirmed:
        data["placement-confirm_overlap"] = "on"
    goals = overrides.pop("goals", None)
    existing = list(plan.goals.order_by("order", "id"))
    if goals is None:
        goals = [
            {"id": g.pk, "plan": plan.pk, "text": g.text, "gas_minus_2": g.gas_minus_2,
             "gas_minus_1": g.gas_minus_1, "gas_0": g.gas_0, "gas_plus_1": g.gas_plus_1,
             "gas_plus_2": g.gas_plus_2}
            for g in existing
        ]  # fmt: skip
    data.update(_goal_data(goals, initial=len(existing)))
    for name, value in overrides.items():
        key = (
            f"placement-{name}"
            if f"placement-{name}" in data or name == "confirm_overlap"
            else f"plan-{name}"
        )
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data
