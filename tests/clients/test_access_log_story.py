"""The access-log issue's end: a counsellor opens the month sheet, searches for a client and
downloads a report that names them; the unit manager opens the client and prints the client's
access log as PDF, and finds all three there, with who and when."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from reporting.models import ReportRun
from reporting.runs import report_run_execute, report_run_request
from tests.clients.factories import ClientFactory, PeriodFactory
from tests.guidance.attendance.factories import AttendanceRecordFactory
from tests.organisations.factories import RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_unit_manager_prints_who_saw_the_client(client, unit, counsellor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    first = today.replace(day=1)
    person = ClientFactory(
        registered_unit=unit, first_name="Sanni", last_name="Suojattu", responsible_counsellor=None
    )
    period = PeriodFactory(
        client=person,
        unit=unit,
        start_date=first - datetime.timedelta(days=60),
        end_date=first + datetime.timedelta(days=200),
    )
    AttendanceRecordFactory(period=period, date=first, status="present")
    manager = UserFactory(username="dora", first_name="Dora", last_name="Esimies")
    RoleAssignmentFactory(user=manager, role="unit_manager", unit=unit)

    # The counsellor's day: the month sheet, a search, a report with the client's name.
    client.force_login(counsellor)
    sheet = reverse(
        "guidance:attendance_month",
        kwargs={"unit": unit.uuid, "year": first.year, "month": first.month},
    )
    assert "Suojattu Sanni" in client.get(sheet).content.decode()
    found = client.post(reverse("clients:list"), {"q": "Suojattu"}, follow=True)
    assert "Suojattu" in found.content.decode()
    run = report_run_request(
        user=counsellor,
        params={
            "kind": "allowance",
            "from": first.isoformat(),
            "to": today.isoformat(),
            "units": [unit.code],
        },
        formats=["csv"],
    )
    report_run_execute(run.pk)
    run = ReportRun.objects.get(pk=run.pk)
    download = client.get(reverse("reporting:download", kwargs={"code": run.uuid, "fmt": "csv"}))
    assert download.status_code == 200
    assert person.hetu in b"".join(download.streaming_content).decode("utf-8-sig")

    # The unit manager: the client page, then the client's access log as a PDF.
    client.force_login(manager)
    assert client.get(reverse("clients:detail", kwargs={"code": person.uuid})).status_code == 200
    pdf = client.get(
        reverse("clients:access_log_pdf", kwargs={"code": person.uuid}), {"lang": "fi"}
    )
    assert pdf.status_code == 200
    text = " ".join(
        "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).split()
    )
    name = counsellor.get_full_name()
    for what in (
        "Katselu Yksikkö: läsnäolo",  # the month sheet
        "Haku Asiakaslista",  # the search
        "Vienti Raporttiajo: raportti ladattu (CSV)",  # the download
    ):
        # who, their role and unit, when (d.m.yyyy hh.mm), what: one row of the table
        row = rf"{re.escape(name)} alice Ohjaaja, {re.escape(unit.name)} [\d.]+ [\d.]+ "
        assert re.search(row + re.escape(what), text), what
    assert "Tulostus Käyttöloki: tulostettu PDF-tiedostoksi" in text  # the printout itself
    assert "Suojattu Sanni" in text
    assert person.hetu in text  # the client's own printout names them
    assert "Dora Esimies" in text  # who printed it
