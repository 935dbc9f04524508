"""The builder of a client's access log (interfaces.md §4): the JSON's shape, time order, the
range in local days, who and in which role, what in words, no identity code, few queries."""

from __future__ import annotations

import datetime
import json
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory

from audit.models import Action
from audit.services import access_log_record
from clients.access_log_report import build_client_access_log, may_see_access_log
from clients.access_log_what import describe_entry
from tests.clients.factories import ClientFactory, PeriodFactory
from tests.organisations.factories import RoleAssignmentFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=HELSINKI)


def logged(moment: datetime.datetime, **kwargs):  # type: ignore[no-untyped-def]
    """A log row written at ``moment`` (the log stamps rows itself)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return access_log_record(**kwargs)


@pytest.fixture
def history(kuty_client, counsellor, unit_manager):  # type: ignore[no-untyped-def]
    """Three rows for the client, written out of time order, and one for another client."""
    counsellor.first_name, counsellor.last_name = "Alice", "Ahonen"
    counsellor.save()
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7")
    logged(
        at(2026, 1, 14, 8, 0),
        action=Action.CHANGE,
        user=counsellor,
        client_uuid=kuty_client.uuid,
        obj=kuty_client,
        detail="changed: phone, email",
    )
    logged(
        at(2026, 1, 12, 9, 14, 3),
        action=Action.VIEW,
        request=request,
        user=counsellor,
        client_uuid=kuty_client.uuid,
        obj=kuty_client,
        detail="page",
    )
    logged(
        at(2026, 7, 1, 23, 30),
        action=Action.IMPORT,
        username="import_participants",
        client_uuid=kuty_client.uuid,
        object_type="clients.client",
        detail=f"import_participants: file sha256 0123abcd {kuty_client.hetu}",
    )
    logged(
        at(2026, 1, 13, 10, 0),
        action=Action.VIEW,
        user=unit_manager,
        client_uuid=ClientFactory().uuid,
        detail="page",
    )
    return kuty_client


def test_json_has_the_contract_shape_in_time_order(history, unit):
    report = build_client_access_log(client=history)

    assert list(report) == ["client", "from", "to", "generated_at", "entries"]
    assert report["client"] == {"hetu": history.hetu, "name": history.full_name}
    assert report["from"] is None
    assert report["to"] is None
    assert datetime.datetime.fromisoformat(report["generated_at"]).tzinfo is not None
    assert [entry["at"] for entry in report["entries"]] == [
        "2026-01-12T09:14:03+02:00",
        "2026-01-14T08:00:00+02:00",
        "2026-07-01T23:30:00+03:00",  # summer time
    ]
    first = report["entries"][0]
    assert first == {
        "at": "2026-01-12T09:14:03+02:00",
        "user": "alice",
        "name": "Alice Ahonen",
        "action": "view",
        "what": "Client: page opened",
        "ip": "203.0.113.7",
        "role": f"Counsellor, {unit.name}",
    }
    assert report["entries"][1]["what"] == "Client: changed: phone, email"
    assert report["entries"][1]["ip"] is None
    json.dumps(report)  # plain JSON, nothing lazy left in it


def test_a_command_without_a_user_is_named_and_its_detail_is_cleaned(history):
    imported = build_client_access_log(client=history)["entries"][-1]

    assert imported["user"] == "import_participants"
    assert imported["name"] == "import_participants"
    assert imported["role"] == "System"
    assert imported["what"] == "Client: participants imported from a file"
    assert history.hetu not in json.dumps(build_client_access_log(client=history)["entries"])


def test_the_range_is_in_local_days_both_included(history, counsellor):
    # 13.1. at 0.30 in Helsinki is still 12.1. in UTC: it belongs to the 13th.
    logged(
        at(2026, 1, 13, 0, 30),
        action=Action.VIEW,
        user=counsellor,
        client_uuid=history.uuid,
        obj=history,
        detail="edit form",
    )

    report = build_client_access_log(
        client=history, date_from=datetime.date(2026, 1, 13), date_to=datetime.date(2026, 7, 1)
    )

    assert (report["from"], report["to"]) == ("2026-01-13", "2026-07-01")
    assert [entry["what"] for entry in report["entries"]] == [
        "Client: edit form opened",
        "Client: changed: phone, email",
        "Client: participants imported from a file",
    ]
    only_the_12th = build_client_access_log(
        client=history, date_from=datetime.date(2026, 1, 12), date_to=datetime.date(2026, 1, 12)
    )
    assert [entry["what"] for entry in only_the_12th["entries"]] == ["Client: page opened"]


def test_a_role_in_the_clients_units_is_preferred_to_a_role_elsewhere(kuty_client, unit):
    elsewhere = UnitFactory(name="Muu paja")
    worker = UserFactory(username="ville", first_name="Ville", last_name="Virtanen")
    RoleAssignmentFactory(user=worker, role="unit_manager", unit=elsewhere)
    RoleAssignmentFactory(user=worker, role="counsellor", unit=unit)
    logged(
        at(2026, 2, 1, 12, 0),
        action=Action.VIEW,
        user=worker,
        client_uuid=kuty_client.uuid,
        obj=kuty_client,
        detail="page",
    )

    (entry,) = build_client_access_log(client=kuty_client)["entries"]

    assert entry["role"] == f"Counsellor, {unit.name}"
    assert entry["name"] == "Ville Virtanen"


def test_the_builder_reads_in_three_queries_whatever_the_length(
    history, django_assert_num_queries, unit_manager
):
    for n in range(20):
        logged(
            at(2026, 3, 1, 8, n),
            action=Action.VIEW,
            user=UserFactory(),
            client_uuid=history.uuid,
            detail="page",
        )
    with django_assert_num_queries(3):  # entries with users, the client's units, the roles
        report = build_client_access_log(client=history)
    assert len(report["entries"]) == 23


@pytest.mark.parametrize(
    ("object_type", "detail", "what"),
    [
        ("clients.client", "identity code shown", "Client: identity code shown"),
        ("clients.client_list", "show=all; sort=name; page=1", "Client list"),
        (
            "clients.access_log",
            "access log printed as PDF (sv); 2026-01-01–2026-01-31",
            "Access log: printed as PDF (sv); 2026-01-01–2026-01-31",
        ),
        ("organisations.unit", "attendance 2026-01 group x", "Unit: attendance 1/2026"),
        (
            "reporting.reportrun",
            "report run 6f1c2b4e-0a4b-4c7e-9d55-2f8a0a1b2c3d downloaded as pdf (sha256 "
            "0123456789abcdef): outcome 2026-01-01–2026-03-31, unit U1",
            "Report run: report downloaded (PDF): outcome 2026-01-01–2026-03-31, unit U1",
        ),
        (
            "clients.period",
            "period ended 2026-02-27: completed, unemployed",
            "Period: period ended 27.2.2026",
        ),
        ("", "", "Client data"),
        ("clients.client", "something new 131052-308T", "Client: something new ***"),
    ],
)
def test_what_is_a_short_readable_text_without_identity_codes(object_type, detail, what):
    text = describe_entry(object_type, detail)

    assert text == what
    assert "131052-308T" not in text
    assert "sha256" not in text
    assert "6f1c2b4e" not in text
    assert len(text) <= 200


def test_who_may_read_the_log(kuty_client, counsellor, unit_manager, unit, other_unit):
    colleague = UserFactory(username="greta")
    RoleAssignmentFactory(user=colleague, role="counsellor", unit=unit)
    manager_elsewhere = UserFactory(username="henna")
    RoleAssignmentFactory(user=manager_elsewhere, role="unit_manager", unit=other_unit)

    assert may_see_access_log(counsellor, kuty_client)  # the responsible counsellor
    assert may_see_access_log(unit_manager, kuty_client)
    assert not may_see_access_log(colleague, kuty_client)
    assert not may_see_access_log(manager_elsewhere, kuty_client)
    PeriodFactory(client=kuty_client, unit=other_unit)
    assert may_see_access_log(manager_elsewhere, kuty_client)
