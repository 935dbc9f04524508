"""Who got which clients in a report file: the clients a run's files name are kept when the
files are built, and each download logs one export row per client for the downloader, in one
INSERT (interfaces.md §3 "Who ran it", §4)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AccessLogEntry, Action
from reporting import exports
from reporting.models import ReportRunClients
from reporting.runs import report_run_execute
from tests.reporting.builder_data import attend, d, make_world, period, person
from tests.reporting.test_runs import ask, make_people, make_staff

LOG_TABLE = AccessLogEntry._meta.db_table


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    """The run tests' world (Anna in U1, Bertta in U2, Cecilia in U3) and Ville, in U1 too."""
    w = make_world()
    w.people = make_people(w)
    w.staff = make_staff(w)
    ville = person(
        born=d(1995, 7, 7), sex="man", municipality=w.helsinki, unit=w.u1,
        first_name="Ville", last_name="Virta",
    )  # fmt: skip
    attend(period(ville, w.u1, d(2025, 2, 1), d(2025, 8, 31)), d(2025, 3, 10), "PPP")
    w.people["ville"] = ville
    return w


def built(user, kind="allowance", formats=("json",), **filters):  # type: ignore[no-untyped-def]
    run = ask(user, kind, formats, **filters)
    assert report_run_execute(run.pk) == "ready"
    return run


def download(client, run, fmt="json"):  # type: ignore[no-untyped-def]
    """Download a run's file; returns the body and the number of INSERTs into the log."""
    url = reverse("reporting:download", kwargs={"code": run.uuid, "fmt": fmt})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        body = b"".join(response.streaming_content)
    assert response.status_code == 200
    inserts = sum(1 for q in queries if q["sql"].startswith(f'INSERT INTO "{LOG_TABLE}"'))
    return body, inserts


def downloads() -> list[tuple[object, str]]:
    return sorted(
        AccessLogEntry.objects.filter(action=Action.EXPORT, basis="report download").values_list(
            "client_uuid", "username"
        ),
        key=str,
    )


def uuids(world, *names: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {str(world.people[name].uuid) for name in names}


# --- building ---------------------------------------------------------------------------------


def test_building_keeps_the_clients_the_files_name(world):
    personal = built(world.staff.alice, units=["U1"])
    aggregate = built(world.staff.erkki)  # a municipal official: no identity codes

    assert set(ReportRunClients.objects.get(run=personal).client_uuids) == uuids(
        world, "anna", "ville"
    )
    assert ReportRunClients.objects.get(run=aggregate).client_uuids == []


# --- downloading ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "who"),
    [("allowance", "alice"), ("attendance", "alice"), ("state-compensation", "dora")],
)
def test_a_download_logs_every_client_the_file_names_in_one_insert(world, client, kind, who):
    user = getattr(world.staff, who)
    run = built(user, kind, formats=("json", "csv"), units=["U1"])
    client.force_login(user)

    body, inserts = download(client, run, "csv")

    anna, ville = world.people["anna"], world.people["ville"]
    assert anna.hetu.encode() in body
    assert ville.hetu.encode() in body
    assert world.people["bertta"].hetu.encode() not in body
    assert inserts == 1
    assert downloads() == sorted([(anna.uuid, who), (ville.uuid, who)], key=str)
    entries = AccessLogEntry.objects.filter(basis="report download")
    assert {e.user_id for e in entries} == {user.pk}
    assert {e.object_id for e in entries} == {str(run.uuid)}
    assert all(anna.hetu not in e.detail and "csv" in e.detail for e in entries)

    download(client, run, "json")  # each download is logged again

    assert AccessLogEntry.objects.filter(basis="report download").count() == 4


def test_an_aggregate_file_logs_the_download_and_no_client(world, client):
    official = built(world.staff.erkki)  # allowance of Helsinki's residents, no personal rows
    outcome = built(world.staff.bob, "outcome", project="ESF1")  # outcome: aggregate by nature

    for user, run in ((world.staff.erkki, official), (world.staff.bob, outcome)):
        client.force_login(user)
        body, inserts = download(client, run)
        assert world.people["anna"].hetu.encode() not in body
        assert inserts == 1

    entries = AccessLogEntry.objects.filter(basis="report download").order_by("id")
    assert [(e.client_uuid, e.username, e.object_id) for e in entries] == [
        (None, "erkki", str(official.uuid)),
        (None, "bob", str(outcome.uuid)),
    ]


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx", "pdf"])
def test_a_run_built_before_the_clients_were_kept_finds_them_once(world, client, fmt):
    run = built(world.staff.alice, formats=(fmt,), units=["U1"])
    ReportRunClients.objects.filter(run=run).delete()  # as a run built before the change
    client.force_login(world.staff.alice)

    _body, inserts = download(client, run, fmt)

    assert inserts == 1
    assert downloads() == sorted(
        [(world.people["anna"].uuid, "alice"), (world.people["ville"].uuid, "alice")], key=str
    )
    assert set(ReportRunClients.objects.get(run=run).client_uuids) == uuids(world, "anna", "ville")


def test_the_codes_map_to_clients_in_order_across_query_batches(world, monkeypatch):
    monkeypatch.setattr(exports, "_codes_per_query", lambda: 1)
    anna, ville = world.people["anna"], world.people["ville"]

    found = exports.client_uuids_for_hetus([ville.hetu, "010101-0101", anna.hetu])

    assert found == [ville.uuid, anna.uuid]  # a code of no client is left out
