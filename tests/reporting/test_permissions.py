"""Who may open, download and run again which report (reporting/access.py).

Three users for each run (STYLE.md): the owner, a colleague with read-only access, an
outsider. A municipal official gets aggregates of their own municipality only, whatever URL or
form value they send.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import pgettext

from reporting.access import runs_visible_to
from reporting.models import ReportRun, RunScope
from reporting.runs import report_run_execute, report_run_request
from reporting.scheduling import schedule_quarterly_project_reports
from tests.organisations.factories import ProjectFactory
from tests.reporting.builder_data import d, make_world
from tests.reporting.test_runs import ask, make_people, make_staff

INDEX = reverse("reporting:index")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def client(client):  # type: ignore[no-untyped-def]
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    w = make_world()
    w.people = make_people(w)
    w.staff = make_staff(w)
    return w


def urls(run: ReportRun) -> dict[str, str]:
    code = {"code": run.uuid}
    return {
        "page": reverse("reporting:run", kwargs=code),
        "status": reverse("reporting:run_status", kwargs=code),
        "download": reverse("reporting:download", kwargs={**code, "fmt": "json"}),
        "again": reverse("reporting:run_again", kwargs=code),
    }


def statuses(client, user, run: ReportRun) -> dict[str, int]:  # type: ignore[no-untyped-def]
    client.force_login(user)
    found = {name: client.get(url).status_code for name, url in urls(run).items()}
    found["again"] = client.get(urls(run)["again"]).status_code  # GET where POST is required
    found["again_post"] = client.post(urls(run)["again"]).status_code
    return found


def test_a_persons_run_owner_colleague_outsider(world, client):
    staff = world.staff
    run = ask(staff.alice, units=["U1"])
    report_run_execute(run.pk)
    owner = statuses(client, staff.alice, run)
    assert owner == {"page": 200, "status": 200, "download": 200, "again": 405, "again_post": 302}
    # Bob follows U1 and may see its clients, but Alice's run is hers.
    colleague = statuses(client, staff.bob, run)
    assert colleague == {"page": 404, "status": 404, "download": 404, "again": 405,
                         "again_post": 404}  # fmt: skip
    outsider = statuses(client, staff.charlie, run)
    assert outsider == colleague


def test_a_scheduled_project_run_manager_counsellor_outsider(world, client):
    """A project of U1 alone: its unit manager may run the outcome report again; the unit's
    counsellor sees it (read-only: counsellors do not run outcome reports); others do not."""
    ProjectFactory(code="P1", name="Pieni hanke", start_date=d(2025, 1, 1),
                   end_date=d(2025, 12, 31), units=[world.u1])  # fmt: skip
    run = next(
        run
        for run in schedule_quarterly_project_reports(today=d(2025, 4, 1))
        if run.scope_code == "P1"
    )
    ReportRun.objects.filter(pk=run.pk).update(formats=["json"])
    report_run_execute(run.pk)
    staff = world.staff
    assert statuses(client, staff.dora, run)["again_post"] == 302
    read_only = statuses(client, staff.alice, run)
    assert read_only == {"page": 200, "status": 200, "download": 200, "again": 405,
                         "again_post": 403}  # fmt: skip
    outsider = statuses(client, staff.charlie, run)
    assert outsider == {"page": 404, "status": 404, "download": 404, "again": 405,
                        "again_post": 404}  # fmt: skip


def test_a_run_is_closed_when_the_role_ends(world, client):
    run = ask(world.staff.alice, units=["U1"])
    report_run_execute(run.pk)
    world.staff.alice.role_assignments.all().delete()
    client.force_login(world.staff.alice)
    assert client.get(urls(run)["download"]).status_code == 404


# --- the municipal official -------------------------------------------------------------------


def test_official_form_offers_only_their_municipality(world, client):
    client.force_login(world.staff.erkki)
    page = client.get(INDEX).content.decode()
    assert 'value="municipality:091"' in page
    assert 'value="unit:' not in page
    assert 'value="municipality:092"' not in page


@pytest.mark.parametrize(
    "tampered",
    [
        {"scope": "unit:U1"},
        {"scope": "municipality:092"},
        {"scope": "organiser:orgA"},
        {"scope": "all"},
    ],
)
def test_official_tampered_scope_is_404(world, client, tampered):
    client.force_login(world.staff.erkki)
    data = {"kind": "allowance", "date_from": "2025-03-01", "date_to": "2025-03-31",
            "formats": ["json"], **tampered}  # fmt: skip
    assert client.post(INDEX, data).status_code == 404
    assert not ReportRun.objects.exists()


def test_official_never_gets_identifying_rows(world, client):
    client.force_login(world.staff.erkki)
    data = {
        "kind": "allowance", "scope": "municipality:091",
        "date_from": "2025-03-01", "date_to": "2025-03-31", "formats": ["json", "csv"],
        # Values no form sends, to ask for more than aggregates:
        "include_personal": "1", "personal_data": "true", "suppress_below": "1",
        "units": "U1", "municipality": "092", "aggregate_only": "",
    }  # fmt: skip
    response = client.post(INDEX, data)
    assert response.status_code == 302
    run = ReportRun.objects.get()
    assert (run.scope, run.scope_code, run.include_personal) == ("municipality", "091", False)
    assert run.params["municipality"] == "091"
    assert run.params["units"] == []
    assert run.params["suppress_below"] == 5
    report_run_execute(run.pk)

    report = json.loads(b"".join(client.get(urls(run)["download"]).streaming_content))
    assert report["personal_data"] is False
    assert "rows" not in report
    assert report["totals"]["clients"] is None  # two Helsinki clients: a small count, hidden
    csv_url = reverse("reporting:download", kwargs={"code": run.uuid, "fmt": "csv"})
    table = list(csv.reader(io.StringIO(b"".join(client.get(csv_url).streaming_content)
                                        .decode("utf-8-sig")), delimiter=";"))  # fmt: skip
    # No client section; the file ends with the legend of the hidden figures ("–").
    assert pgettext("report", "Clients") not in {row[0] for row in table if row}
    assert table[-1][0].startswith("– = ")
    everything = json.dumps(report) + str(table)
    for person in world.people.values():
        assert person.hetu not in everything
        assert person.last_name not in everything


def test_official_cannot_open_other_runs(world, client):
    theirs = ask(world.staff.alice, units=["U1"])
    report_run_execute(theirs.pk)
    vantaa = ReportRun.objects.create(
        kind="outcome", params={}, date_from=d(2025, 3, 1), date_to=d(2025, 3, 31),
        scope=RunScope.MUNICIPALITY, scope_code="092", scope_description="Vantaa",
        municipality=world.vantaa, requested_by=world.staff.erkki,
    )  # fmt: skip
    # A row no service makes: a Helsinki run with personal data must stay closed too.
    personal = ReportRun.objects.create(
        kind="allowance", params={}, date_from=d(2025, 3, 1), date_to=d(2025, 3, 31),
        scope=RunScope.MUNICIPALITY, scope_code="091", scope_description="Helsinki",
        municipality=world.helsinki, requested_by=world.staff.erkki, include_personal=True,
    )  # fmt: skip
    client.force_login(world.staff.erkki)
    for run in (theirs, vantaa, personal):
        for name in ("page", "status", "download"):
            assert client.get(urls(run)[name]).status_code == 404, (run, name)
    assert list(runs_visible_to(world.staff.erkki)) == []


def test_official_service_refuses_other_scopes(world):
    erkki = world.staff.erkki
    for filters in ({"units": ["U1"]}, {"municipality": "092"}, {"organiser": "orgA"},
                    {"municipality": "091", "project": "ESF1"}):  # fmt: skip
        with pytest.raises(PermissionDenied):
            report_run_request(
                user=erkki,
                params={"kind": "allowance", "from": "2025-03-01", "to": "2025-03-31", **filters},
                formats=["json"],
            )


def test_administrator_gets_figures_not_people(world, client):
    run = ask(world.staff.fiona, kind="allowance")
    assert (run.scope, run.include_personal) == ("all", False)
    report_run_execute(run.pk)
    client.force_login(world.staff.fiona)
    report = json.loads(b"".join(client.get(urls(run)["download"]).streaming_content))
    assert "rows" not in report
    assert report["totals"]["clients"] == 3
