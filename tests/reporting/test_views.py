"""The reports page: the form and its shortcuts, the run list with live status, the run page
with data quality, downloads (each one logged) and frozen copies."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry, Action
from reporting.models import ReportRun, RunStatus
from reporting.runs import report_run_execute
from reporting.scheduling import previous_month, previous_quarter
from tests.organisations.factories import RoleAssignmentFactory, UserFactory
from tests.reporting.builder_data import attend, d, make_world
from tests.reporting.test_runs import ask, make_people, make_staff

INDEX = reverse("reporting:index")
# The request's savepoint and its release (2), session and user (2), the user's roles (1), the
# scopes (4: units, organisers, projects' units, projects), the user's runs and their files (2),
# the scheduled runs (1; none here, so no files to fetch).
QUERIES_FOR_INDEX = 12


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


def options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S)
    assert select, name
    return re.findall(r'<option value="([^"]*)"', select.group(0))


def value_of(page: str, name: str) -> str:
    match = re.search(rf'<input type="date" name="{name}" value="([^"]*)"', page)
    assert match, name
    return match.group(1)


def form_data(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "allowance",
        "scope": "unit:U1",
        "date_from": "2025-03-01",
        "date_to": "2025-03-31",
        "age_bands": "0-24,25-54,55-",
        "formats": ["json", "csv"],
    }
    data.update(changes)
    return data


def test_form_offers_what_the_user_may_run(world, client):
    client.force_login(world.staff.alice)
    page = client.get(INDEX).content.decode()
    assert options(page, "kind") == ["allowance", "attendance"]
    assert options(page, "scope") == ["unit:U1"]
    client.force_login(world.staff.bob)
    page = client.get(INDEX).content.decode()
    assert options(page, "kind") == ["outcome", "allowance", "attendance", "state-compensation"]
    # U3 is organiser B's only unit, so Bob may report on organiser B as well.
    assert options(page, "scope") == ["unit:U1", "unit:U3", "organiser:orgB", "project:ESF1"]
    client.force_login(world.staff.fiona)
    assert options(client.get(INDEX).content.decode(), "scope")[:2] == ["all", "unit:U1"]


def test_the_page_is_for_reporting_roles_only(world, client):
    client.force_login(UserFactory(username="norole"))
    assert client.get(INDEX).status_code == 404
    client.force_login(world.staff.alice)
    assert f'href="{INDEX}"' in client.get(reverse("home_counsellor")).content.decode()


@pytest.mark.parametrize(
    ("shortcut", "dates"),
    [
        ("last_month", previous_month),
        ("last_quarter", previous_quarter),
        ("this_year", lambda today: (today.replace(month=1, day=1), today)),
    ],
)
def test_shortcuts_fill_the_dates_without_javascript(world, client, shortcut, dates):
    client.force_login(world.staff.alice)
    first, last = dates(timezone.localdate())
    # As a link: GET parameters.
    page = client.get(INDEX, {"range": shortcut, "kind": "attendance"}).content.decode()
    assert (value_of(page, "date_from"), value_of(page, "date_to")) == (
        first.isoformat(), last.isoformat(),
    )  # fmt: skip
    assert '<option value="attendance" selected>' in page
    # As a button inside the form: the choices so far are kept and nothing is asked for.
    response = client.post(INDEX, form_data(kind="attendance", range=shortcut, formats=["pdf"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert value_of(page, "date_from") == first.isoformat()
    assert '<option value="attendance" selected>' in page
    assert re.search(r'value="pdf"[^>]*checked', page)
    assert not re.search(r'value="xlsx"[^>]*checked', page)
    assert not ReportRun.objects.exists()


def test_bad_get_values_are_ignored(world, client):
    client.force_login(world.staff.alice)
    page = client.get(INDEX, {"range": "forever", "date_from": "yesterday"}).content.decode()
    first, _last = previous_month(timezone.localdate())
    assert value_of(page, "date_from") == first.isoformat()


def test_asking_for_a_report(world, client):
    client.force_login(world.staff.alice)
    response = client.post(INDEX, form_data())
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:run", kwargs={"code": run.uuid})
    assert run.requested_by == world.staff.alice
    assert (run.kind, run.scope_code, run.formats) == ("allowance", "U1", ["json", "csv"])
    assert run.include_personal is True
    assert AccessLogEntry.objects.filter(action=Action.EXPORT, object_id=str(run.uuid)).exists()


def test_form_errors_are_shown(world, client):
    client.force_login(world.staff.alice)
    response = client.post(INDEX, form_data(date_to="2025-02-01", formats=[]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "The range ends before it starts." in page
    assert "Choose at least one format." in page
    assert 'aria-invalid="true"' in page
    assert not ReportRun.objects.exists()
    # A report the user may not run on that scope is an error, not a silent change: a
    # counsellor of U1 who manages U2 runs the outcome report for U2 only.
    RoleAssignmentFactory(user=world.staff.alice, role="unit_manager", unit=world.u2)
    response = client.post(INDEX, form_data(kind="outcome"))
    assert response.status_code == 200
    assert "You may run this report only for units where you are a manager." in (
        response.content.decode()
    )


def test_run_list_polls_while_a_run_is_being_built(world, client):
    client.force_login(world.staff.alice)
    run = ask(world.staff.alice, units=["U1"])
    page = client.get(INDEX).content.decode()
    assert 'aria-live="polite"' in page
    assert f'hx-get="{reverse("reporting:run_lists")}"' in page
    assert 'hx-trigger="every 2s"' in page
    partial = client.get(reverse("reporting:run_lists"), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' in partial.content.decode()
    assert "<html" not in partial.content.decode()
    report_run_execute(run.pk)
    partial = client.get(reverse("reporting:run_lists"), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in partial  # nothing left to wait for: polling stops
    assert reverse("reporting:download", kwargs={"code": run.uuid, "fmt": "json"}) in partial


def test_run_page_polls_its_status_and_shows_data_quality(world, client):
    client.force_login(world.staff.alice)
    run = ask(world.staff.alice, units=["U1"])
    status_url = reverse("reporting:run_status", kwargs={"code": run.uuid})
    page = client.get(reverse("reporting:run", kwargs={"code": run.uuid})).content.decode()
    assert f'hx-get="{status_url}"' in page
    assert "Queued" in page
    report_run_execute(run.pk)
    partial = client.get(status_url).content.decode()
    assert "hx-trigger" not in partial
    assert "Ready" in partial
    assert "Data quality" in partial
    # Anna's sex is known but her education is not: one participant to complete, with a
    # link to the client records for a counsellor.
    assert re.search(r"labour-market status, education or sex</th>\s*<td[^>]*>1<", partial)
    assert reverse("clients:list") in partial


def test_no_record_links_for_figures_only_roles(world, client):
    client.force_login(world.staff.fiona)
    run = ask(world.staff.fiona, kind="outcome")
    report_run_execute(run.pk)
    page = client.get(reverse("reporting:run", kwargs={"code": run.uuid})).content.decode()
    assert "Data quality" in page
    assert reverse("clients:list") not in page


def test_a_failed_run_shows_its_reason(world, client):
    client.force_login(world.staff.alice)
    run = ask(world.staff.alice, units=["U1"])
    ReportRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED, failure_reason="No rate is in force.", finished_at=timezone.now()
    )
    page = client.get(reverse("reporting:run", kwargs={"code": run.uuid})).content.decode()
    assert "No rate is in force." in page
    assert 'role="alert"' in page


def test_download_is_logged_and_serves_the_frozen_copy(world, client):
    client.force_login(world.staff.alice)
    run = ask(world.staff.alice, units=["U1"], formats=("json", "csv"))
    report_run_execute(run.pk)
    url = reverse("reporting:download", kwargs={"code": run.uuid, "fmt": "json"})
    first = client.get(url)
    assert first.status_code == 200
    assert first["Content-Type"] == "application/json"
    assert first["Content-Disposition"].startswith("attachment;")
    assert "allowance_U1_2025-03-01_2025-03-31.json" in first["Content-Disposition"]
    body = b"".join(first.streaming_content)
    assert b'"amount": "36.00"' in body

    # One row per client the file names (Anna, the only client of U1), for the downloader.
    entry = AccessLogEntry.objects.get(action=Action.EXPORT, basis="report download")
    assert entry.user == world.staff.alice
    assert entry.client_uuid == world.people["anna"].uuid
    assert entry.object_id == str(run.uuid)
    assert str(run.uuid) in entry.detail
    assert "json" in entry.detail

    # The data changes; the run's file does not.
    attend(world.people["anna"].periods.get(), d(2025, 3, 17), "PPPP")
    second = client.get(url)
    assert b"".join(second.streaming_content) == body
    assert AccessLogEntry.objects.filter(action=Action.EXPORT, basis="report download").count() == 2

    # Asking again makes a new run with today's figures.
    response = client.post(reverse("reporting:run_again", kwargs={"code": run.uuid}))
    new = ReportRun.objects.exclude(pk=run.pk).get()
    assert response["Location"] == reverse("reporting:run", kwargs={"code": new.uuid})
    assert new.params == run.params
    report_run_execute(new.pk)
    new_url = reverse("reporting:download", kwargs={"code": new.uuid, "fmt": "json"})
    assert b'"amount": "72.00"' in b"".join(client.get(new_url).streaming_content)


def test_download_of_a_format_not_built_is_404(world, client):
    client.force_login(world.staff.alice)
    run = ask(world.staff.alice, units=["U1"])
    url = reverse("reporting:download", kwargs={"code": run.uuid, "fmt": "json"})
    assert client.get(url).status_code == 404  # not built yet
    report_run_execute(run.pk)
    assert client.get(url.replace("/json/", "/pdf/")).status_code == 404
    assert not AccessLogEntry.objects.filter(basis="report download").exists()


def test_index_query_count_does_not_grow_with_runs(world, client, django_assert_num_queries):
    client.force_login(world.staff.alice)
    for _ in range(3):
        report_run_execute(ask(world.staff.alice, units=["U1"], formats=("json", "csv")).pk)
    client.get(INDEX)  # warm up: session, content types
    with django_assert_num_queries(QUERIES_FOR_INDEX):
        client.get(INDEX)
    for _ in range(5):
        report_run_execute(ask(world.staff.alice, units=["U1"]).pk)
    with django_assert_num_queries(QUERIES_FOR_INDEX):
        client.get(INDEX)
