"""Chaos: a real Redis (the broker and the cache) stopped and started again while KUTY runs.

The test starts its own redis-server on a free port, and a real Celery worker against it, so
the machine's own Redis is left alone. With that Redis stopped: the dashboards answer (figures
counted live), a report asked for on the reports page answers within 2 s and waits, and
/readyz names the broker and the cache. With it started again: the sweep sends the waiting run,
the worker builds it, and /readyz is ready.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from kuty.models import Heartbeat
from reporting.models import ReportRun, RunStatus
from reporting.tasks import sweep_report_runs
from tests.celery_worker import running_celery_worker
from tests.conftest import need_service
from tests.reporting.builder_data import make_world
from tests.reporting.test_runs import make_people, make_staff

pytestmark = [pytest.mark.chaos, pytest.mark.celery, pytest.mark.django_db(transaction=True)]

WAIT_S = 60.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own, which it can stop and start on the same port."""

    def __init__(self, port: int, directory: Path) -> None:
        self.port, self.directory = port, directory
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - fixed command
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        pytest.fail(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:  # type: ignore[no-untyped-def]
    if shutil.which("redis-server") is None:
        need_service("redis-server is not installed")
    server = RedisServer(_free_port(), tmp_path)
    server.start()
    yield server
    server.stop()


def _wait_for(run: ReportRun, status: str, worker) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status == status:
            return
        if run.status == RunStatus.WAITING:
            sweep_report_runs()  # beat does this every minute
        time.sleep(0.5)
    pytest.fail(f"the run is {run.status}, not {status}\n--- worker ---\n{worker.output()}")


def test_redis_stopped_and_started_again(client, settings, tmp_path, monkeypatch, redis_server):
    url = f"redis://127.0.0.1:{redis_server.port}"
    media = tmp_path / "media"
    monkeypatch.setenv("MEDIA_ROOT", str(media))  # for the worker
    settings.MEDIA_ROOT = media
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"{url}/0"
    settings.CACHE_URL = f"{url}/1"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"{url}/1",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.DASHBOARD_CACHE_SECONDS = 300
    world = make_world()
    world.people = make_people(world)
    staff = make_staff(world)

    with running_celery_worker(f"{url}/0") as worker:
        Heartbeat.objects.create(name="worker", at=timezone.now())
        assert client.get("/readyz").status_code == 200

        redis_server.stop()

        client.force_login(staff.bob)
        dashboard = client.get(
            reverse("dashboards:project"), {"from": "2025-03-01", "to": "2025-03-31"}
        )
        assert dashboard.status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert set(ready.json()["failing"]) == {"cache", "broker"}

        client.force_login(staff.alice)
        started = time.monotonic()
        asked = client.post(
            reverse("reporting:index"),
            {
                "kind": "allowance",
                "scope": "unit:U1",
                "date_from": "2025-03-01",
                "date_to": "2025-03-31",
                "age_bands": "0-24,25-54,55-",
                "formats": ["json"],
            },
        )
        assert time.monotonic() - started < 2.5
        assert asked.status_code == 302
        run = ReportRun.objects.get()
        assert run.status == RunStatus.WAITING

        redis_server.start()
        _wait_for(run, RunStatus.READY, worker)
        assert client.get("/readyz").status_code == 200
