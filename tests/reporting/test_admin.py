"""Administrators follow the report queue in the Django admin: what was asked and why a run
failed, read-only and without the files."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reporting.models import ReportRun, RunScope, RunStatus
from tests.organisations.factories import MunicipalityFactory, UserFactory
from tests.reporting.builder_data import d

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_run():
    return ReportRun.objects.create(
        kind="allowance", params={}, date_from=d(2025, 3, 1), date_to=d(2025, 3, 31),
        scope=RunScope.MUNICIPALITY, scope_code="091", scope_description="Helsinki",
        municipality=MunicipalityFactory(code="091"), requested_by=UserFactory(username="erkki"),
        status=RunStatus.FAILED, failure_reason="No allowance rate is in force on 01.03.2025.",
    )  # fmt: skip


def test_the_admin_lists_runs_and_why_one_failed(client, failed_run):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    listing = client.get(reverse("admin:reporting_reportrun_changelist"))
    page = client.get(reverse("admin:reporting_reportrun_change", args=[failed_run.pk]))

    assert listing.status_code == 200
    assert "Helsinki" in listing.content.decode()
    body = page.content.decode()
    assert "No allowance rate is in force on 01.03.2025." in body
    assert "/reports/" not in body  # no download links
    assert 'name="_save"' not in body  # nothing to save


def test_the_admin_cannot_add_change_or_delete_runs(client, failed_run):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    assert client.get(reverse("admin:reporting_reportrun_add")).status_code == 403
    delete = reverse("admin:reporting_reportrun_delete", args=[failed_run.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ReportRun.objects.filter(pk=failed_run.pk).exists()
