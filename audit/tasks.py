"""Periodic work on the access log (scheduled in kuty/celery.py)."""

from celery import shared_task

from .retention import access_log_purge


@shared_task(name="audit.tasks.purge_access_log")
def purge_access_log() -> int:
    """Every night at 03:15: remove the access-log rows past their retention."""
    return access_log_purge()
