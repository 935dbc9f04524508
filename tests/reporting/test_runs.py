"""Report runs as services: asking (permission, parameters, the access log, the queue) and
building (claim, files with checksums, frozen copies, failures with a reason).

The helpers at the top (``make_people``, ``make_staff``, ``ask``) are shared by the other run
tests of this package.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from accounts.models import User
from audit.models import AccessLogEntry, Action
from reporting.models import ReportRun, RunScope, RunStatus
from reporting.params import InvalidReportParams
from reporting.runs import report_run_execute, report_run_request, report_runs_sweep
from tests.organisations.factories import RoleAssignmentFactory, UserFactory
from tests.reporting.builder_data import World, attend, d, make_world, period, person

MARCH = {"from": "2025-03-01", "to": "2025-03-31"}


@dataclass
class Staff:
    alice: User  # counsellor of U1
    dora: User  # unit manager of U1
    bob: User  # project manager of ESF1 (U1 and U3)
    charlie: User  # counsellor of U3
    erkki: User  # municipal official of Helsinki (091)
    fiona: User  # administrator


def make_staff(world: World) -> Staff:
    def user(name: str, **role: Any) -> User:
        person = UserFactory(username=name, first_name=name.capitalize(), last_name="Testaaja")
        RoleAssignmentFactory(user=person, **role)
        return person

    return Staff(
        alice=user("alice", role="counsellor", unit=world.u1),
        dora=user("dora", role="unit_manager", unit=world.u1),
        bob=user("bob", role="project_manager", project=world.project),
        charlie=user("charlie", role="counsellor", unit=world.u3),
        erkki=user("erkki", role="municipal_official", municipality=world.helsinki),
        fiona=user("fiona", role="administrator"),
    )


def make_people(world: World) -> dict[str, Any]:
    """Anna in U1 (Helsinki), Bertta in U2 (Helsinki), Cecilia in U3 (Vantaa), March 2025."""
    anna = person(
        born=d(1980, 5, 1), sex="woman", municipality=world.helsinki, unit=world.u1,
        first_name="Anna", last_name="Aalto",
    )  # fmt: skip
    attend(period(anna, world.u1, d(2025, 2, 1), d(2025, 8, 31)), d(2025, 3, 3), "PPPPS")
    bertta = person(
        born=d(1990, 6, 1), sex="man", municipality=world.helsinki, unit=world.u2,
        first_name="Bertta", last_name="Berg",
    )  # fmt: skip
    attend(period(bertta, world.u2, d(2025, 2, 1), d(2025, 8, 31)), d(2025, 3, 3), "PP")
    cecilia = person(
        born=d(1985, 1, 1), sex="woman", municipality=world.vantaa, unit=world.u3,
        first_name="Cecilia", last_name="Carlsson",
    )  # fmt: skip
    attend(period(cecilia, world.u3, d(2025, 2, 1), d(2025, 8, 31)), d(2025, 3, 3), "PPP")
    return {"anna": anna, "bertta": bertta, "cecilia": cecilia}


def ask(user: User, kind: str = "allowance", formats: tuple[str, ...] = ("json",), **filters: Any):  # type: ignore[no-untyped-def]
    return report_run_request(
        user=user, params={"kind": kind, **MARCH, **filters}, formats=list(formats)
    )


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


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


# --- asking -----------------------------------------------------------------------------------


def test_request_creates_a_queued_run_narrowed_to_the_scope(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        run = ask(world.staff.alice, units=["U1"], formats=("pdf", "json"))
    assert len(callbacks) == 1  # the task is sent only after the commit
    assert run.status == RunStatus.QUEUED
    assert (run.scope, run.scope_code, run.scope_description) == ("unit", "U1", "Aa-paja")
    # The kind of scope is shown in the reader's language, not stored in the asker's.
    for language, shown in (("en", "Unit: Aa-paja"), ("fi", "Yksikkö: Aa-paja")):
        with translation.override(language):
            assert run.scope_display == shown
    assert run.requested_by == world.staff.alice
    assert run.scheduled is False
    assert run.formats == ["json", "pdf"]
    assert run.include_personal is True
    assert set(run.units.values_list("code", flat=True)) == {"U1"}
    assert run.params["units"] == ["U1"]
    assert run.params["from"] == "2025-03-01"


def test_request_with_personal_data_is_logged_at_creation(world):
    run = ask(world.staff.alice, units=["U1"])
    entry = AccessLogEntry.objects.get(action=Action.EXPORT)
    assert entry.user == world.staff.alice
    assert entry.client_uuid is None
    assert entry.object_id == str(run.uuid)
    assert str(run.uuid) in entry.detail


def test_aggregate_request_writes_no_log_row(world):
    run = report_run_request(
        user=world.staff.alice,
        params={"kind": "allowance", **MARCH, "units": ["U1"]},
        formats=["json"],
        aggregate_only=True,
    )
    assert run.include_personal is False
    assert not AccessLogEntry.objects.filter(action=Action.EXPORT).exists()


def test_counsellor_may_not_run_outcome_or_state_compensation(world):
    for kind in ("outcome", "state-compensation"):
        with pytest.raises(PermissionDenied):
            ask(world.staff.alice, kind=kind, units=["U1"])
    assert ask(world.staff.dora, kind="state-compensation", units=["U1"]).kind == (
        "state-compensation"
    )


def test_nobody_reports_on_units_they_do_not_see(world):
    with pytest.raises(PermissionDenied):
        ask(world.staff.alice, units=["U3"])
    with pytest.raises(PermissionDenied):
        ask(world.staff.alice, organiser="orgA")  # U2 is not Alice's
    with pytest.raises(PermissionDenied):
        ask(world.staff.alice)  # no filter means everything: administrators only
    assert ask(world.staff.bob, kind="outcome", project="ESF1").scope == RunScope.PROJECT


def test_official_gets_their_municipality_aggregates_with_small_counts_hidden(world):
    run = ask(world.staff.erkki, suppress_below="2")  # no filter: their municipality
    assert (run.scope, run.scope_code) == ("municipality", "091")
    assert run.include_personal is False
    assert run.params["municipality"] == "091"
    assert run.params["suppress_below"] == 5  # at least REPORT_SUPPRESS_BELOW
    for filters in (
        {"municipality": "092"},
        {"units": ["U1"]},
        {"municipality": "091", "units": ["U1"]},
    ):
        with pytest.raises(PermissionDenied):
            ask(world.staff.erkki, **filters)


def test_suppression_setting_is_used(world, settings):
    settings.REPORT_SUPPRESS_BELOW = 10
    assert ask(world.staff.erkki, municipality="091").params["suppress_below"] == 10


def test_wrong_parameters_are_errors(world):
    with pytest.raises(InvalidReportParams) as excinfo:
        report_run_request(
            user=world.staff.dora,
            params={"kind": "outcome", "from": "2025-03-31", "to": "2025-03-01", "units": ["U1"],
                    "age_bands": "0-30,20-"},
            formats=["docx"],
        )  # fmt: skip
    assert set(excinfo.value.errors) == {"to", "age_bands", "formats"}
    assert not ReportRun.objects.exists()


# --- building ---------------------------------------------------------------------------------


def test_execute_builds_every_format_with_checksums(world, media):
    run = ask(world.staff.alice, units=["U1"], formats=("json", "csv", "xlsx", "pdf"))
    assert report_run_execute(run.pk) == RunStatus.READY
    run.refresh_from_db()
    assert run.status == RunStatus.READY
    assert run.progress == 100
    assert run.attempts == 1
    assert run.started_at <= run.finished_at
    assert run.data_quality == {
        "unknown_entry_data": 1, "ended_without_destination": 0,
        "planned_days_without_record": run.data_quality["planned_days_without_record"],
    }  # fmt: skip
    files = {item.format: item for item in run.files.all()}
    assert set(files) == {"json", "csv", "xlsx", "pdf"}
    now = timezone.localtime()
    for item in files.values():
        data = item.file.read()
        assert hashlib.sha256(data).hexdigest() == item.sha256
        assert len(data) == item.size
        assert item.file.name.startswith(f"reports/{now:%Y}/{now:%m}/{run.uuid}/allowance_U1_")
        assert (media / item.file.name).exists()
    assert files["pdf"].content_type == "application/pdf"
    assert b'"amount": "36.00"' in files["json"].file.open().read()


def test_claim_is_idempotent(world):
    run = ask(world.staff.alice, units=["U1"])
    assert report_run_execute(run.pk) == RunStatus.READY
    assert report_run_execute(run.pk) == "skipped"  # a duplicate delivery does nothing
    run.refresh_from_db()
    assert run.attempts == 1
    assert run.files.count() == 1


def test_a_finished_run_is_a_frozen_copy(world):
    run = ask(world.staff.alice, units=["U1"])
    report_run_execute(run.pk)
    before = run.files.get().file.open().read()
    attend(world.people["anna"].periods.get(), d(2025, 3, 17), "PPPP")  # more days, more money
    run.refresh_from_db()
    assert run.files.get().file.open().read() == before
    again = ask(world.staff.alice, units=["U1"])
    report_run_execute(again.pk)
    assert again.files.get().file.open().read() != before
    assert b'"amount": "72.00"' in again.files.get().file.open().read()


def test_a_report_error_fails_the_run_with_a_reason(world, monkeypatch):
    from reporting.builders import ReportError

    def refuse(params: Any, *, include_personal: bool) -> dict[str, Any]:
        raise ReportError("The units' organiser has no claim period for this range.")

    monkeypatch.setattr("reporting.runs.build_report", refuse)
    run = ask(world.staff.alice, units=["U1"])
    assert report_run_execute(run.pk) == RunStatus.FAILED
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.failure_reason == "The units' organiser has no claim period for this range."
    assert run.finished_at is not None
    assert not run.files.exists()


def test_an_unexpected_error_fails_the_run_never_left_running(world, monkeypatch):
    def broken(report: dict[str, Any]) -> bytes:
        raise RuntimeError("boom")

    monkeypatch.setattr("reporting.renderers.json.render", broken)
    run = ask(world.staff.alice, units=["U1"])
    assert report_run_execute(run.pk) == RunStatus.FAILED
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "unexpected error" in run.failure_reason
    assert "boom" not in run.failure_reason


def test_a_transient_error_queues_the_run_again_and_removes_partial_files(
    world, media, monkeypatch
):
    def disk_full(report: dict[str, Any], meta: Any = None) -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("reporting.renderers.csv.render", disk_full)
    run = ask(world.staff.alice, units=["U1"], formats=("json", "csv"))
    with pytest.raises(OSError, match="No space"):
        report_run_execute(run.pk)
    run.refresh_from_db()
    assert (run.status, run.attempts, run.progress) == (RunStatus.QUEUED, 1, 0)
    assert not run.files.exists()
    assert not [path for path in media.rglob("*") if path.is_file()]  # the JSON was removed


def test_sweep_fails_stale_runs_and_resends_lost_ones(world):
    now = timezone.now()
    stale = ask(world.staff.alice, units=["U1"])
    ReportRun.objects.filter(pk=stale.pk).update(
        status=RunStatus.RUNNING, started_at=now - datetime.timedelta(hours=1)
    )
    lost = ask(world.staff.alice, units=["U1"])
    ReportRun.objects.filter(pk=lost.pk).update(created_at=now - datetime.timedelta(minutes=30))
    fresh = ask(world.staff.alice, units=["U1"])
    failed, resend = report_runs_sweep(now=now, stale_after=datetime.timedelta(minutes=35))
    assert failed == 1
    assert resend == [lost.pk]
    stale.refresh_from_db()
    assert stale.status == RunStatus.FAILED
    assert "interrupted" in stale.failure_reason
    fresh.refresh_from_db()
    assert fresh.status == RunStatus.QUEUED


def test_a_run_stored_with_its_scope_in_finnish_reads_in_the_readers_language(world):
    """Runs made before the name was stored alone carry "Kotikunta: Lahti"."""
    run = ask(world.staff.alice, units=["U1"], formats=("json",))
    run.scope, run.scope_description = "municipality", "Kotikunta: Lahti"
    with translation.override("sv"):
        swedish = run.scope_display
    with translation.override("en"):
        english = run.scope_display
    assert english == "Home municipality: Lahti"
    assert swedish.endswith(": Lahti")
    assert "Kotikunta" not in swedish
