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
        "schedule": crontab(),  # every minute: /readyz reads its age
    },
    # Agreed plans whose start date has come become active.
    "activation-plans-activate-due": {
        "task": "activation_plans.tasks.activate_due_plans",
        "schedule": crontab(hour=0, minute=30),
    },
    # Last month's allowance and attendance report of every unit, on the 1st at 06:00.
    "reporting-monthly-unit-reports": {
        "task": "reporting.tasks.schedule_monthly_reports",
        "schedule": crontab(hour=6, minute=0, day_of_month=1),
    },
    # Last quarter's outcome report of every project, on 1.1., 1.4., 1.7. and 1.10. at 06:00.
    "reporting-quarterly-project-reports": {
        "task": "reporting.tasks.schedule_quarterly_reports",
        "schedule": crontab(hour=6, minute=0, day_of_month=1, month_of_year="1,4,7,10"),
    },
    # Access-log rows past ACCESS_LOG_RETENTION_YEARS are removed (and the removal logged).
    "audit-purge-access-log": {
        "task": "audit.tasks.purge_access_log",
        "schedule": crontab(hour=3, minute=15),
    },
    # Report runs whose worker died are failed, waiting and lost ones are sent again.
    "reporting-sweep-report-runs": {
        "task": "reporting.tasks.sweep_report_runs",
        "schedule": crontab(),  # every minute
    },
}
