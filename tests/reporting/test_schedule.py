"""The schedule: monthly unit reports and quarterly project reports, made once each, found by
the managers of those units and projects."""

from __future__ import annotations

import datetime

import pytest
from celery.schedules import crontab
from django.urls import reverse

from audit.models import AccessLogEntry, Action
from kuty.celery import app
from reporting.access import runs_visible_to
from reporting.models import ReportRun, RunStatus
from reporting.scheduling import (
    previous_month,
    previous_quarter,
    schedule_monthly_unit_reports,
    schedule_quarterly_project_reports,
)
from tests.organisations.factories import ProjectFactory
from tests.reporting.builder_data import make_world
from tests.reporting.test_runs import make_staff

d = datetime.date


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    w = make_world()
    w.staff = make_staff(w)
    return w


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (d(2025, 4, 1), (d(2025, 3, 1), d(2025, 3, 31))),
        (d(2025, 3, 1), (d(2025, 2, 1), d(2025, 2, 28))),
        (d(2024, 3, 15), (d(2024, 2, 1), d(2024, 2, 29))),
        (d(2026, 1, 1), (d(2025, 12, 1), d(2025, 12, 31))),
    ],
)
def test_previous_month(today, expected):
    assert previous_month(today) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (d(2025, 4, 1), (d(2025, 1, 1), d(2025, 3, 31))),
        (d(2025, 7, 1), (d(2025, 4, 1), d(2025, 6, 30))),
        (d(2025, 10, 1), (d(2025, 7, 1), d(2025, 9, 30))),
        (d(2026, 1, 1), (d(2025, 10, 1), d(2025, 12, 31))),
        (d(2025, 5, 20), (d(2025, 1, 1), d(2025, 3, 31))),
    ],
)
def test_previous_quarter(today, expected):
    assert previous_quarter(today) == expected


def test_monthly_reports_for_every_unit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        runs = schedule_monthly_unit_reports(today=d(2025, 4, 1))
    assert len(callbacks) == 6  # each run is sent to the workers after the commit
    made = {(run.kind, run.scope_code) for run in runs}
    assert made == {
        (kind, unit) for kind in ("allowance", "attendance") for unit in ("U1", "U2", "U3")
    }
    for run in runs:
        assert run.scheduled is True
        assert run.requested_by is None
        assert run.scope == "unit"
        assert (run.date_from, run.date_to) == (d(2025, 3, 1), d(2025, 3, 31))
        assert run.status == RunStatus.QUEUED
        assert run.include_personal is True
        assert run.formats == ["csv", "xlsx", "pdf"]
        assert list(run.units.values_list("code", flat=True)) == [run.scope_code]
    # Personal data: logged at creation, by the system.
    assert AccessLogEntry.objects.filter(action=Action.EXPORT, username="system").count() == 6


def test_schedule_makes_each_report_once(world):
    assert len(schedule_monthly_unit_reports(today=d(2025, 4, 1))) == 6
    assert schedule_monthly_unit_reports(today=d(2025, 4, 1)) == []
    assert ReportRun.objects.count() == 6
    assert len(schedule_monthly_unit_reports(today=d(2025, 5, 1))) == 6  # the next month


def test_quarterly_outcome_reports_for_projects_running_in_the_quarter(world):
    ProjectFactory(code="OLD", start_date=d(2023, 1, 1), end_date=d(2024, 12, 31), units=[world.u2])
    ProjectFactory(code="EMPTY", start_date=d(2025, 1, 1), end_date=d(2025, 12, 31))
    runs = schedule_quarterly_project_reports(today=d(2025, 4, 1))
    assert [(run.kind, run.scope, run.scope_code) for run in runs] == [
        ("outcome", "project", "ESF1")
    ]
    run = runs[0]
    assert (run.date_from, run.date_to) == (d(2025, 1, 1), d(2025, 3, 31))
    assert run.include_personal is False
    assert set(run.units.values_list("code", flat=True)) == {"U1", "U3"}
    assert schedule_quarterly_project_reports(today=d(2025, 4, 1)) == []


def test_managers_find_the_scheduled_runs(world, client):
    schedule_monthly_unit_reports(today=d(2025, 4, 1))
    schedule_quarterly_project_reports(today=d(2025, 4, 1))
    staff = world.staff

    def seen(user):  # type: ignore[no-untyped-def]
        return {(run.kind, run.scope_code) for run in runs_visible_to(user)}

    assert seen(staff.dora) == {("allowance", "U1"), ("attendance", "U1")}
    assert seen(staff.bob) == {
        ("allowance", "U1"), ("attendance", "U1"), ("allowance", "U3"), ("attendance", "U3"),
        ("outcome", "ESF1"),
    }  # fmt: skip
    assert seen(staff.charlie) == {("allowance", "U3"), ("attendance", "U3")}
    assert seen(staff.erkki) == set()  # officials: no unit's lists of people
    assert seen(staff.fiona) == {("outcome", "ESF1")}  # administrators: figures, not people

    client.force_login(staff.dora)
    page = client.get(reverse("reporting:index")).content.decode()
    for run in ReportRun.objects.all():
        link = reverse("reporting:run", kwargs={"code": run.uuid})
        assert (link in page) == (run.scope_code == "U1"), run


def test_beat_runs_the_schedule_in_helsinki_time():
    schedule = app.conf.beat_schedule
    monthly = schedule["reporting-monthly-unit-reports"]
    assert monthly["task"] == "reporting.tasks.schedule_monthly_reports"
    assert monthly["schedule"] == crontab(hour=6, minute=0, day_of_month=1)
    quarterly = schedule["reporting-quarterly-project-reports"]
    assert quarterly["task"] == "reporting.tasks.schedule_quarterly_reports"
    assert quarterly["schedule"] == crontab(
        hour=6, minute=0, day_of_month=1, month_of_year="1,4,7,10"
    )
    assert app.conf.timezone == "Europe/Helsinki"
    assert "reporting.tasks.sweep_report_runs" in {entry["task"] for entry in schedule.values()}
