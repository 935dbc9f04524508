"""Project-level tasks."""

from celery import shared_task
from django.db import connection


@shared_task(name="kuty.tasks.heartbeat")
def heartbeat() -> str:
    """Prove that a worker runs and reaches the database; used by the integration test."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"
