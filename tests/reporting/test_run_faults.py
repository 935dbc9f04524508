"""Report runs when a worker or the broker fails (issue: faults are normal).

- The broker cannot be reached: the request still answers at once, the run *waits* with a
  message the user understands, and the sweep sends it when the broker is back (the run row is
  the outbox). The broker here is a real address nobody listens on, not a mock.
- A worker dies while building: its run's heartbeat stops, and the run is failed within three
  minutes, by the sweep or when its page is opened; the user can ask again.
"""

from __future__ import annotations

import datetime
import time

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from kuty.celery import app
from reporting.models import ReportRun, RunStatus
from reporting.runs import heartbeat, report_run_enqueue, report_runs_sweep
from tests.celery_worker import _reset_app_connections
from tests.reporting.builder_data import make_world
from tests.reporting.test_runs import ask, make_people, make_staff
from tests.reporting.test_views import form_data

pytestmark = pytest.mark.django_db

NOBODY = "redis://127.0.0.1:6399/0"  # nothing listens here: the broker is down


@pytest.fixture(autouse=True)
def english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    w = make_world()
    w.people = make_people(w)
    w.staff = make_staff(w)
    return w


@pytest.fixture
def broker_down(settings):  # type: ignore[no-untyped-def]
    """Celery pointed at a broker that refuses connections, tasks not run in-process."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    keys = ("broker_url", "task_always_eager")
    previous = {key: app.conf[key] for key in keys}
    app.conf.update(broker_url=NOBODY, task_always_eager=False)
    _reset_app_connections(app)
    yield
    app.conf.update(previous)
    _reset_app_connections(app)


def test_a_report_asked_for_while_the_broker_is_down_waits_and_says_so(
    client, world, broker_down, django_capture_on_commit_callbacks
):
    client.force_login(world.staff.alice)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:index"), form_data(formats=["json"]))
    assert time.monotonic() - started < 2
    assert response.status_code == 302
    run = ReportRun.objects.get()
    assert run.status == RunStatus.WAITING
    with translation.override("en"):
        page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert "The report service is unavailable just now" in page.content.decode()


def test_the_sweep_sends_waiting_runs_when_the_broker_is_back(world, settings, broker_down):
    run = ask(world.staff.alice, units=["U1"])
    ReportRun.objects.filter(pk=run.pk).update(status=RunStatus.WAITING)
    # Still down: the sweep leaves it waiting.
    failed, resend = report_runs_sweep(now=timezone.now())
    assert (failed, resend) == (0, [run.pk])
    assert report_run_enqueue(run.pk) is False
    run.refresh_from_db()
    assert run.status == RunStatus.WAITING
    # Back (the embedded run builds it at once): the run is built.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    assert report_run_enqueue(run.pk) is True
    run.refresh_from_db()
    assert run.status == RunStatus.READY


def test_a_run_whose_worker_stopped_is_failed_within_three_minutes(world):
    run = ask(world.staff.alice, units=["U1"])
    now = timezone.now()
    ReportRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=now, heartbeat_at=now
    )
    assert report_runs_sweep(now=now + datetime.timedelta(seconds=90))[0] == 0
    assert report_runs_sweep(now=now + datetime.timedelta(seconds=150))[0] == 1
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "the report service stopped while building it" in run.failure_reason


def test_the_run_page_fails_a_run_without_a_heartbeat_and_offers_to_ask_again(client, world):
    run = ask(world.staff.alice, units=["U1"])
    long_ago = timezone.now() - datetime.timedelta(minutes=5)
    ReportRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=long_ago, heartbeat_at=long_ago, progress=5
    )
    client.force_login(world.staff.alice)
    page = client.get(
        reverse("reporting:run", kwargs={"code": run.uuid}), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "the report service stopped while building it" in page
    assert reverse("reporting:run_again", kwargs={"code": run.uuid}) in page
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED


@pytest.mark.django_db(transaction=True)
def test_a_long_build_keeps_its_run_alive(world):
    """The heartbeat thread writes while the build goes on, so the sweep leaves it alone."""
    run = ask(world.staff.alice, units=["U1"])
    long_ago = timezone.now() - datetime.timedelta(minutes=5)
    ReportRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=long_ago, heartbeat_at=long_ago
    )
    with heartbeat(run.pk, every=0.05):
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.heartbeat_at > long_ago:
                break
            time.sleep(0.05)
    assert run.heartbeat_at > long_ago
    assert report_runs_sweep(now=timezone.now())[0] == 0
