"""Project-level tasks."""

from celery import shared_task
from django.utils import timezone

from .models import Heartbeat

WORKER = "worker"


@shared_task(name="kuty.tasks.heartbeat")
def heartbeat() -> str:
    """Sent by beat every minute and run by a worker: its row's time tells ``/readyz`` that
    beat schedules, a worker runs and both reach the database."""
    Heartbeat.objects.update_or_create(name=WORKER, defaults={"at": timezone.now()})
    return "ok"
