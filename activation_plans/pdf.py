"""The printable plan: a PDF made with WeasyPrint, in Finnish, A4, with page numbers and
signature lines for the three parties.

Only system fonts (DejaVu Sans) are used and the renderer fetches nothing: the page carries
secret data, so no resource may come from outside (DOMAIN.md §6).
"""

from __future__ import annotations

from django.utils import timezone, translation

from kuty.pdf import render_pdf

from .models import ActivationPlan
from .selectors import gas_label, plan_with_goals_and_follow_ups, weekday_names

TEMPLATE = "activation_plans/pdf/plan.html"
GAS_LEVELS = ("gas_minus_2", "gas_minus_1", "gas_0", "gas_plus_1", "gas_plus_2")


def render_plan_pdf(plan: ActivationPlan) -> bytes:
    """The plan as PDF bytes. Expects the plan as ``access.get_plan_for_user`` returns it."""
    plan = plan_with_goals_and_follow_ups(plan)
    goals = [
        {
            "goal": goal,
            "ladder": [
                (gas_label(score), getattr(goal, name))
                for score, name in zip(range(-2, 3), GAS_LEVELS, strict=True)
            ],
        }
        for goal in plan.goals.all()
    ]
    with translation.override("fi"):  # the weekday names are made here, not in the template
        context = {
            "plan": plan,
            "period": plan.period,
            "client": plan.period.client,
            "goals": goals,
            "weekdays": weekday_names(plan.period.weekdays),
            "printed_on": timezone.localdate(),
        }
    return render_pdf(TEMPLATE, context, language="fi")
