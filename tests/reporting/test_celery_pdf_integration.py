"""A PDF report end to end through a real broker and a real worker: asked for through the
service, built by the worker, stored, read back with pypdf.

Needs Redis and PostgreSQL (the worker has its own database connection, so the test commits
its rows: ``transaction=True``). Task behaviour is tested by calling the task (test_tasks.py).
"""

from __future__ import annotations

import io
import re
import time
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from reporting.models import Rate, ReportRun, RunStatus
from reporting.runs import report_run_request
from tests.celery_worker import running_celery_worker
from tests.organisations.factories import RoleAssignmentFactory, UserFactory
from tests.reporting.builder_data import attend, d, make_world, period, person

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

WAIT_S = 60.0


def wait_until_finished(run: ReportRun, worker) -> ReportRun:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if not run.is_active:
            return run
        time.sleep(0.25)
    pytest.fail(
        f"the report run is still {run.status} after {WAIT_S:.0f} s"
        f"\n--- worker output ---\n{worker.output()}"
    )


def test_pdf_report_built_by_a_real_worker(tmp_path, monkeypatch, settings):
    media = tmp_path / "media"
    monkeypatch.setenv("MEDIA_ROOT", str(media))  # for the worker, which reads the environment
    settings.MEDIA_ROOT = media
    # A transactional test starts from an emptied database: the rates are data, add them back.
    Rate.objects.get_or_create(
        kind="allowance", valid_from=d(2002, 1, 1),
        defaults={"amount": Decimal("9.00"), "source": "Act 1290/2002"},
    )  # fmt: skip
    world = make_world()
    anna = person(
        born=d(1980, 5, 1), sex="woman", municipality=world.helsinki, unit=world.u1,
        first_name="Anna", last_name="Aalto",
    )  # fmt: skip
    attend(period(anna, world.u1, d(2025, 2, 1), d(2025, 8, 31)), d(2025, 3, 3), "PPPPS..PPP")
    alice = UserFactory(username="alice", first_name="Alice", last_name="Ohjaaja")
    RoleAssignmentFactory(user=alice, role="counsellor", unit=world.u1)

    with running_celery_worker() as worker:
        run = report_run_request(
            user=alice,
            params={"kind": "allowance", "from": "2025-03-01", "to": "2025-03-31", "units": ["U1"]},
            formats=["pdf"],
        )  # committed at once (no transaction around the test): the task goes to the broker
        run = wait_until_finished(run, worker)
        output = worker.output()  # the log is gone once the worker stops

    assert run.status == RunStatus.READY, f"{run.failure_reason}\n{output}"
    assert "reporting.tasks.execute_report_run" in output
    stored = run.files.get()
    path = Path(media) / stored.file.name
    assert path.is_file()
    assert path.stat().st_size == stored.size
    text = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(path.read_bytes())).pages
    )
    # Seven present days at 9,00 €: 63,00 €; the person, the unit, who generated it.
    assert "63,00 €" in text
    assert re.search(r"(Sivu|Page) 1 / [0-9]", text)  # "Sivu" once the catalogue has it
    assert anna.hetu in text
    assert "Aa-paja" in text
    assert "Alice Ohjaaja" in text
    assert "1.3.2025–31.3.2025" in text
