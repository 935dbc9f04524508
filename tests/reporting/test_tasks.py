"""The Celery tasks, called directly (STYLE.md): retries of transient errors with backoff,
the final failure with a reason, duplicate delivery, the periodic tasks.

``task.apply()`` runs a task in this process the way a worker would, retries included (their
countdowns are not waited for) — provided errors are not propagated (``task_eager_propagates``
off, else apply raises the first ``Retry``); calling the task object runs its body once, as a
worker's first delivery would.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone, translation

from reporting.models import ReportRun, RunStatus
from reporting.tasks import (
    MAX_RETRIES,
    execute_report_run,
    schedule_monthly_reports,
    sweep_report_runs,
)
from tests.reporting.builder_data import make_world
from tests.reporting.test_runs import ask, make_people, make_staff


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def retries_run_in_apply():  # type: ignore[no-untyped-def]
    conf = execute_report_run.app.conf
    previous = conf.task_eager_propagates
    conf.task_eager_propagates = False
    yield
    conf.task_eager_propagates = previous


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    w = make_world()
    w.people = make_people(w)
    w.staff = make_staff(w)
    return w


def flaky_renderer(monkeypatch: pytest.MonkeyPatch, failures: int) -> list[int]:
    """Make the CSV renderer raise OSError ``failures`` times, then work; returns the calls."""
    from reporting.renderers import csv

    calls: list[int] = []
    real = csv.render

    def render(report: dict[str, Any], meta: Any = None) -> bytes:
        calls.append(1)
        if len(calls) <= failures:
            raise OSError(5, "Input/output error")
        return real(report, meta=meta)

    monkeypatch.setattr(csv, "render", render)
    return calls


def test_task_builds_the_run(world):
    run = ask(world.staff.alice, units=["U1"], formats=("csv",))
    assert execute_report_run(run.pk) == RunStatus.READY
    assert execute_report_run(run.pk) == "skipped"  # delivered twice: the second does nothing
    run.refresh_from_db()
    assert run.status == RunStatus.READY
    assert run.attempts == 1


def test_a_transient_error_is_retried_and_then_succeeds(world, monkeypatch):
    calls = flaky_renderer(monkeypatch, failures=1)
    run = ask(world.staff.alice, units=["U1"], formats=("csv",))
    result = execute_report_run.apply(args=[run.pk])
    assert result.get() == RunStatus.READY
    assert len(calls) == 2
    run.refresh_from_db()
    assert run.status == RunStatus.READY
    assert run.attempts == 2
    assert run.files.get().size > 0


def test_retries_wait_longer_each_time(world, monkeypatch):
    flaky_renderer(monkeypatch, failures=99)
    countdowns: list[int] = []
    real_retry = execute_report_run.retry

    def retry(*args: Any, **kwargs: Any) -> Any:
        countdowns.append(kwargs["countdown"])
        return real_retry(*args, **kwargs)

    monkeypatch.setattr(execute_report_run, "retry", retry)
    run = ask(world.staff.alice, units=["U1"], formats=("csv",))
    execute_report_run.apply(args=[run.pk])
    assert countdowns == [15, 30, 60]


def test_after_the_last_retry_the_run_fails_with_a_reason(world, monkeypatch):
    calls = flaky_renderer(monkeypatch, failures=99)
    run = ask(world.staff.alice, units=["U1"], formats=("csv",))
    with translation.override("en"):
        assert execute_report_run.apply(args=[run.pk]).get() == "failed"
    assert len(calls) == 1 + MAX_RETRIES
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.attempts == 1 + MAX_RETRIES
    assert "could not be saved" in run.failure_reason
    assert "Input/output error" in run.failure_reason
    assert not run.files.exists()


def test_a_non_transient_error_is_not_retried(world, monkeypatch):
    calls: list[int] = []

    def broken(report: dict[str, Any], meta: Any = None) -> bytes:
        calls.append(1)
        raise ValueError("a bug")

    monkeypatch.setattr("reporting.renderers.csv.render", broken)
    run = ask(world.staff.alice, units=["U1"], formats=("csv",))
    assert execute_report_run.apply(args=[run.pk]).get() == RunStatus.FAILED
    assert len(calls) == 1
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED


def test_monthly_schedule_task_uses_helsinki_today(world, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2025, 4, 1))
    assert schedule_monthly_reports() == 2 * 3  # two reports for each of the three units
    run = ReportRun.objects.filter(scheduled=True).first()
    assert (run.date_from, run.date_to) == (datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))


def test_sweep_task_fails_runs_whose_worker_died(world):
    run = ask(world.staff.alice, units=["U1"])
    ReportRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=timezone.now() - datetime.timedelta(hours=2)
    )
    assert sweep_report_runs() == 1
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
