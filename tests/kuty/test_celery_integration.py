"""One task through a real broker and a real worker: proves the Celery plumbing end to end."""

from __future__ import annotations

import pytest

from kuty.tasks import heartbeat
from tests.celery_worker import CeleryWorkerProcess, celery_worker_process  # noqa: F401

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def test_heartbeat_runs_on_a_real_worker(celery_worker_process: CeleryWorkerProcess) -> None:  # noqa: F811
    result = heartbeat.delay()
    try:
        value = result.get(timeout=30)
    except Exception as exc:  # any failure: show what the worker said
        pytest.fail(
            f"heartbeat did not come back from the worker: {exc!r}"
            f"\n--- worker output ---\n{celery_worker_process.output()}"
        )
    assert value == "ok", celery_worker_process.output()
    assert "kuty.tasks.heartbeat" in celery_worker_process.output()
