"""Periodic work on plans (scheduled in kuty/celery.py)."""

from celery import shared_task
from django.utils import timezone

from .services import plan_activate_due


@shared_task(name="activation_plans.tasks.activate_due_plans")
def activate_due_plans() -> int:
    """Every night at 00:30 Helsinki time: agreed plans whose start date has come become
    active. Idempotent (the service claims each period with a conditional UPDATE), so a
    retried or doubled run changes nothing more."""
    return plan_activate_due(today=timezone.localdate())
