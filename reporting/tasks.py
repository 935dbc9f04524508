"""Celery tasks of the reports: each takes ids (or nothing), loads the rows and calls a service.

``execute_report_run`` is safe to deliver twice (``acks_late``: a message whose worker died is
delivered again): the service claims the run with a conditional UPDATE and a second delivery
finds nothing to claim. Only transient errors are retried, at most ``MAX_RETRIES`` times with
exponential backoff; after the last one the run is marked failed with a reason the user reads.
The scheduled tasks run at the times in kuty/celery.py (Helsinki time).
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.utils import timezone

from .runs import (
    TRANSIENT_ERRORS,
    report_run_enqueue,
    report_run_execute,
    report_run_fail,
    report_runs_sweep,
    transient_reason,
)
from .scheduling import schedule_monthly_unit_reports, schedule_quarterly_project_reports

logger = logging.getLogger(__name__)

MAX_RETRIES = 3
BACKOFF_BASE_S = 15


def retry_countdown(retries: int) -> int:
    """Seconds before the next attempt: 15, 30, 60."""
    return BACKOFF_BASE_S * 2**retries


@shared_task(
    bind=True,
    name="reporting.tasks.execute_report_run",
    acks_late=True,
    # A worker killed while building (kill -9, out of memory) gives the message back to the
    # broker, so another worker gets it; the claim refuses a run already failed by the sweep.
    reject_on_worker_lost=True,
    # The run row is the result: no result backend is waited for (with Redis down, asking for
    # one held a web request for 19 s).
    ignore_result=True,
    max_retries=MAX_RETRIES,
)
def execute_report_run(self, run_id: int) -> str:  # type: ignore[no-untyped-def]
    """Build one report run (by its id)."""
    try:
        return report_run_execute(run_id)
    except TRANSIENT_ERRORS as exc:
        if self.request.retries >= MAX_RETRIES:
            report_run_fail(run_id, reason=transient_reason(exc))
            return "failed"
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc


@shared_task(name="reporting.tasks.schedule_monthly_reports")
def schedule_monthly_reports() -> int:
    """On the 1st of each month: last month's allowance and attendance of every unit."""
    return len(schedule_monthly_unit_reports(today=timezone.localdate()))


@shared_task(name="reporting.tasks.schedule_quarterly_reports")
def schedule_quarterly_reports() -> int:
    """On the 1st of each quarter: last quarter's outcome report of every project."""
    return len(schedule_quarterly_project_reports(today=timezone.localdate()))


@shared_task(name="reporting.tasks.sweep_report_runs", ignore_result=True)
def sweep_report_runs() -> int:
    """Every minute: fail runs whose worker died (no heartbeat for two minutes); send the runs
    that waited for the broker, and again those whose message was lost."""
    failed, resend = report_runs_sweep(now=timezone.now())
    sent = 0
    for run_id in resend:
        if not report_run_enqueue(run_id):
            break  # the broker is still away: the next sweep tries again
        sent += 1
    return failed + sent


@worker_ready.connect
def _send_waiting_runs(**kwargs: object) -> None:
    """A worker that starts (the broker is reachable again) sends the runs that waited."""
    try:
        sweep_report_runs.delay()
    except Exception:
        logger.warning("could not ask for a sweep of the report runs at start-up")
