"""Celery application: tasks are autodiscovered from each app's tasks.py."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuty.settings.local")

app = Celery("kuty")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic tasks are defined in code so that they are reviewed like code.
# Times are Europe/Helsinki (CELERY_TIMEZONE).
app.conf.beat_schedule = {
    "kuty-heartbeat": {
        "task": "kuty.tasks.heartbeat",
        "schedule": crontab(minute="*/15"),
    },
    # Agreed plans whose start date has come become active.
    "activation-plans-activate-due": {
        "task": "activation_plans.tasks.activate_due_plans",
        "schedule": crontab(hour=0, minute=30),
    },
}
