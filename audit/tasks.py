"""Periodic work on the access log (scheduled in kuty/celery.py)."""

from celery import shared_task
from django.db import DEFAULT_DB_ALIAS, connections

from .retention import access_log_purge, owner_database


@shared_task(name="audit.tasks.purge_access_log")
def purge_access_log() -> int:
    """Every night at 03:15: remove the access-log rows past their retention, as the schema's
    owner when production has two database roles (interfaces.md §5)."""
    alias = owner_database()
    try:
        return access_log_purge(using=alias)
    finally:
        if alias != DEFAULT_DB_ALIAS:
            # A worker lives for weeks: the owner's session is not kept between nights.
            connections[alias].close()
