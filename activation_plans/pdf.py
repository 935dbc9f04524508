"""The printable plan: a PDF made with WeasyPrint, in Finnish, A4, with page numbers and
signature lines for the three parties.

Only system fonts (DejaVu Sans) are used and the renderer fetches nothing: the page carries
secret data, so no resource may come from outside (DOMAIN.md §6).
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import ActivationPlan
from .selectors import gas_label, plan_with_goals_and_follow_ups, weekday_names

TEMPLATE = "activation_plans/pdf/plan.html"
GAS_LEVELS = ("gas_minus_2", "gas_minus_1", "gas_0", "gas_plus_1", "gas_plus_2")


def render_plan_pdf(plan: ActivationPlan) -> bytes:
    """The plan as PDF bytes. Expects the plan as ``access.get_plan_for_user`` returns it."""
    # Imported here, not at the top: WeasyPrint takes a second to import, and every process
    # that loads the URLs (web workers, management commands) would pay for it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

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
    with translation.override("fi"):
        html = render_to_string(
            TEMPLATE,
            {
                "plan": plan,
                "period": plan.period,
                "client": plan.period.client,
                "goals": goals,
                "weekdays": weekday_names(plan.period.weekdays),
                "printed_on": timezone.localdate(),
            },
        )
        fetcher = URLFetcher(allowed_protocols=("data",))
        return HTML(string=html, url_fetcher=fetcher).write_pdf()
