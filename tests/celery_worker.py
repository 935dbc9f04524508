"""A real Celery worker in a subprocess, for the few tests that need a worker and a broker.

The worker runs with the test settings against the test database that pytest-django created, and
takes tasks from Redis (``CELERY_TEST_BROKER_URL``, database 15 by default, so a developer's own
queue is left alone). Use the fixture in a ``django_db(transaction=True)`` test, so that the
worker, which has its own database connection, sees the rows the test commits::

    from tests.celery_worker import celery_worker_process  # noqa: F401  (a fixture)

Tests of task *behaviour* call the task function directly (STYLE.md); this is for the one
integration test that proves the plumbing.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import pytest
from django.db import connection

from tests.conftest import need_service

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/15"
READY_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0


@dataclass
class CeleryWorkerProcess:
    process: subprocess.Popen[bytes]
    nodename: str
    broker_url: str
    log: IO[bytes]

    def output(self) -> str:
        """Everything the worker printed so far, for assertion messages."""
        # pread leaves the file offset alone: the worker shares it and keeps appending there.
        fd = self.log.fileno()
        data = os.pread(fd, os.fstat(fd).st_size, 0)
        return data.decode("utf-8", errors="replace")


def broker_url() -> str:
    """The broker of the test workers; under pytest-xdist each test process takes a Redis
    database of its own (15, 13, 11, ...), so that one process's worker never takes
    another's tasks (their test databases differ). Every other one: 14 is the cache test's."""
    url = os.environ.get("CELERY_TEST_BROKER_URL") or DEFAULT_BROKER_URL
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return url
    base, _, number = url.rpartition("/")
    database = int(number) if number.isdigit() else 15
    return f"{base}/{max(database - 2 * int(worker[2:]), 0)}"


def _check_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as exc:
        need_service(f"Redis not reachable at {url}: {exc}")


def worker_database_url() -> str:
    """A DATABASE_URL for the database this test process is using (pytest-django's test DB)."""
    settings = connection.settings_dict
    name = str(settings["NAME"])
    if connection.vendor == "postgresql":
        user = quote(settings.get("USER") or "", safe="")
        password = settings.get("PASSWORD") or ""
        credentials = f"{user}:{quote(password, safe='')}" if password else user
        host = settings.get("HOST") or "127.0.0.1"
        port = settings.get("PORT") or 5432
        return f"postgres://{credentials}@{host}:{port}/{quote(name, safe='')}"
    if connection.vendor == "sqlite" and name and "memory" not in name:
        return f"sqlite:///{Path(name).resolve()}"
    need_service("the Celery integration test needs PostgreSQL (set DATABASE_URL)")
    raise AssertionError("unreachable")  # need_service always raises


def _celery_command() -> list[str]:
    celery = REPO_ROOT / ".venv" / "bin" / "celery"
    if celery.exists():
        return [str(celery)]
    return [sys.executable, "-m", "celery"]


def _reset_app_connections(app: Any) -> None:
    """Forget the broker connections and result backend Celery cached for the old settings.

    Celery caches them on first use; without this, a test that runs after another one had used
    the app would still talk to the old (eager, no broker) configuration.
    """
    app._pool = None
    if "amqp" in app.__dict__:  # a cached property: don't create it just to reset it
        app.amqp._producer_pool = None
    app._backend_cache = None
    with contextlib.suppress(AttributeError):
        del app._local.backend


def _wait_until_ready(app: Any, worker: CeleryWorkerProcess) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if worker.process.poll() is not None:
            pytest.fail(
                f"the Celery worker exited with {worker.process.returncode} before it was ready"
                f"\n--- worker output ---\n{worker.output()}"
            )
        with contextlib.suppress(Exception):  # the broker may refuse while the worker starts
            if app.control.ping(destination=[worker.nodename], timeout=1):
                return
        time.sleep(0.2)
    pytest.fail(
        f"the Celery worker did not answer a ping within {READY_TIMEOUT_S:.0f} s"
        f"\n--- worker output ---\n{worker.output()}"
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()  # SIGTERM: warm shutdown, finishes the task in hand
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT_S)


@contextlib.contextmanager
def running_celery_worker(url: str | None = None) -> Iterator[CeleryWorkerProcess]:
    """Start a worker on the test broker (or ``url``) and database, point this process's app
    at it."""
    from kuty.celery import app

    url = url or broker_url()
    _check_redis(url)
    database_url = worker_database_url()

    nodename = f"kuty-test-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kuty.settings.test",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": url,
        "CELERY_RESULT_BACKEND": url,
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        *_celery_command(),
        "-A",
        "kuty",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        # The default queue and the reports' own (kuty/settings/base.py CELERY_TASK_ROUTES).
        "-Q",
        "celery,reports",
        "-l",
        "info",
        "-n",
        nodename,
        "--without-gossip",
        "--without-mingle",
    ]

    keys = ("broker_url", "result_backend", "task_always_eager")
    previous = {key: app.conf[key] for key in keys}
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(  # noqa: S603  (fixed command, no shell)
            command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        worker = CeleryWorkerProcess(
            process=process,
            nodename=nodename,
            broker_url=url,
            log=log,
        )
        app.conf.update(broker_url=url, result_backend=url, task_always_eager=False)
        _reset_app_connections(app)
        try:
            _wait_until_ready(app, worker)
            yield worker
        finally:
            _stop(process)
            app.conf.update(previous)
            _reset_app_connections(app)


@pytest.fixture
def celery_worker_process(transactional_db: None) -> Iterator[CeleryWorkerProcess]:
    """A real Celery worker subprocess; the test must be ``django_db(transaction=True)``."""
    with running_celery_worker() as worker:
        yield worker
