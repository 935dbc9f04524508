"""Administrators' search of the access log, and the unit manager's warning of unusual access
(clients/log_search.py). Users from tests/clients/conftest.py: alice (counsellor), dora (unit
manager), fiona (administrator), charlie (a counsellor of another unit)."""

from __future__ import annotations

import datetime
import zoneinfo
from urllib.parse import unquote

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry, Action
from audit.services import access_log_record, access_log_record_many
from clients.log_search import unusual_access_for_units
from tests.clients.factories import ClientFactory

pytestmark = pytest.mark.django_db

URL = "/access-log/"
HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")


def search(browser, /, **data):  # type: ignore[no-untyped-def]
    """POST the search form as a browser does; returns the redirect and the results page."""
    posted = browser.post(URL, {"user": "", "client": "", "date_from": "", "date_to": "", **data})
    assert posted.status_code == 302, posted.status_code
    return posted, browser.get(posted["Location"])


def shown(response) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(e.username, e.detail) for e in response.context["page"].object_list]


def log_at(when: datetime.datetime, monkeypatch, **fields) -> AccessLogEntry:  # type: ignore[no-untyped-def]
    """A log row written at ``when`` (the log's time is set by the database write)."""
    with monkeypatch.context() as patched:
        patched.setattr(timezone, "now", lambda: when)
        return access_log_record(**fields)


# --- the search page --------------------------------------------------------------------------


def test_the_url_is_the_one_the_home_page_links_to(client, administrator):
    client.force_login(administrator)

    home = client.get(reverse("home_administrator"))

    assert reverse("access_log_search") == URL
    assert f'href="{URL}"' in home.content.decode()


def test_administrator_finds_by_user(client, administrator, counsellor, unit_manager, kuty_client):
    access_log_record(
        action=Action.VIEW, user=counsellor, client_uuid=kuty_client.uuid, detail="page"
    )
    access_log_record(
        action=Action.VIEW, user=unit_manager, client_uuid=kuty_client.uuid, detail="p2"
    )
    client.force_login(administrator)

    posted, response = search(client, user="alice")

    assert posted["Location"] == f"{URL}?user=alice"
    assert response.status_code == 200
    assert shown(response) == [("alice", "page")]
    body = response.content.decode()
    assert kuty_client.hetu not in body
    assert kuty_client.last_name not in body  # the results name no client
    assert str(kuty_client.uuid)[:8] in body  # only a reference to tell rows apart


def test_administrator_finds_by_identity_code_which_never_goes_into_a_url(
    client, administrator, counsellor, kuty_client
):
    other = ClientFactory(registered_unit=kuty_client.registered_unit)
    access_log_record(action=Action.VIEW, user=counsellor, client_uuid=kuty_client.uuid, detail="a")
    access_log_record(action=Action.VIEW, user=counsellor, client_uuid=other.uuid, detail="b")
    access_log_record_many(
        action=Action.VIEW,
        client_uuids=[kuty_client.uuid, other.uuid],
        user=counsellor,
        detail="list",
    )
    client.force_login(administrator)

    # Typed with spaces and in lower case, like a person might.
    posted, response = search(client, client=f" {kuty_client.hetu.lower()} ")

    location = unquote(posted["Location"])
    assert kuty_client.hetu not in location.upper()
    assert kuty_client.hetu[:6] not in location  # not even the date of birth
    assert "search=" in location
    rows = list(response.context["page"].object_list)
    assert {row.client_uuid for row in rows} == {kuty_client.uuid}
    assert [(r.username, r.detail) for r in rows] == [
        ("fiona", "access log search; client=identity code; page=1"),  # this very search
        ("alice", "list"),
        ("alice", "a"),
    ]
    # Nowhere on the page does a link carry the code.
    body = response.content.decode()
    assert f"={kuty_client.hetu}" not in body
    assert "?client=" not in body


def test_each_search_writes_its_own_row_and_never_the_code(client, administrator, kuty_client):
    client.force_login(administrator)

    search(client, client=kuty_client.hetu, date_from="1.1.2026", action="view")

    entry = AccessLogEntry.objects.filter(action=Action.SEARCH).get()
    assert entry.user == administrator
    assert entry.client_uuid == kuty_client.uuid
    assert entry.object_type == "clients.access_log_search"
    assert entry.detail == (
        "access log search; client=identity code; from=2026-01-01; action=view; page=1"
    )
    assert kuty_client.hetu not in entry.detail
    assert kuty_client.hetu[:6] not in entry.detail


def test_a_search_by_user_only_is_logged_without_a_client(client, administrator):
    client.force_login(administrator)

    _posted, response = search(client, user="alice")
    client.get(f"{URL}?user=alice&page=2")

    assert "Nothing recorded." in response.content.decode()

    rows = AccessLogEntry.objects.filter(action=Action.SEARCH, user=administrator)
    assert sorted(rows.values_list("detail", flat=True)) == [
        "access log search; user=alice; page=1",
        "access log search; user=alice; page=2",
    ]
    assert not rows.exclude(client_uuid=None).exists()


def test_administrator_finds_by_date(client, administrator, counsellor, kuty_client, monkeypatch):
    def at(day: int, hour: int) -> datetime.datetime:
        return datetime.datetime(2026, 1, day, hour, tzinfo=HELSINKI)

    for day, hour, detail in [
        (9, 23, "before"),
        (10, 0, "first"),
        (11, 23, "last"),
        (12, 0, "after"),
    ]:
        log_at(
            at(day, hour),
            monkeypatch,
            action=Action.VIEW,
            user=counsellor,
            client_uuid=kuty_client.uuid,
            detail=detail,
        )
    client.force_login(administrator)

    posted, response = search(client, date_from="10.1.2026", date_to="11.1.2026")

    assert posted["Location"] == f"{URL}?from=10.1.2026&to=11.1.2026"
    assert shown(response) == [("alice", "last"), ("alice", "first")]


def test_a_search_for_an_unknown_code_finds_nothing(client, administrator, counsellor, kuty_client):
    access_log_record(action=Action.VIEW, user=counsellor, client_uuid=kuty_client.uuid)
    client.force_login(administrator)

    _posted, response = search(client, client="131052-308T")

    assert list(response.context["page"].object_list) == []
    assert "No client has this personal identity code." in response.content.decode()
    entry = AccessLogEntry.objects.get(action=Action.SEARCH)
    assert entry.client_uuid is None
    assert entry.detail == "access log search; client=identity code (no such client); page=1"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"client": "131052-308A"}, "The check character is wrong"),
        ({"client": "131052"}, "A personal identity code has the form"),
        ({"date_from": "32.1.2026"}, "Enter a valid date."),
        ({"date_from": "2.1.2026", "date_to": "1.1.2026"}, "The range ends before it starts."),
    ],
)
def test_a_wrong_filter_is_shown_and_nothing_is_searched(client, administrator, data, message):
    client.force_login(administrator)

    response = client.post(URL, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["page"] is None
    assert not AccessLogEntry.objects.filter(action=Action.SEARCH).exists()


def test_pages_keep_the_search_and_never_the_code(client, administrator, counsellor, kuty_client):
    for n in range(55):
        access_log_record(
            action=Action.VIEW, user=counsellor, client_uuid=kuty_client.uuid, detail=f"v{n}"
        )
    client.force_login(administrator)
    posted, first = search(client, client=kuty_client.hetu)

    key = posted["Location"].split("search=")[1]
    assert first.context["page"].paginator.count == 56  # with the search itself
    second = client.get(f"{URL}?search={key}&page=2")

    assert f"search={key}" in first.content.decode()  # the link to the next page
    assert [e.detail for e in second.context["page"].object_list][-2:] == ["v1", "v0"]
    assert kuty_client.hetu not in second.request["QUERY_STRING"]


def test_another_session_cannot_use_the_search_key(client, administrator, kuty_client):
    client.force_login(administrator)
    posted, _response = search(client, client=kuty_client.hetu)

    client.logout()
    client.force_login(administrator)
    response = client.get(posted["Location"])

    # The key means nothing in the new session: no client filter, no client on the log row.
    assert response.status_code == 200
    assert response.context["form"].cleaned_data["client"] == ""
    assert AccessLogEntry.objects.filter(action=Action.SEARCH).latest("id").client_uuid is None


def test_queries_do_not_grow_with_the_rows_shown(client, administrator, counsellor, kuty_client):
    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{URL}?user=alice")
        assert response.status_code == 200
        return len(queries)

    client.force_login(administrator)
    access_log_record(action=Action.VIEW, user=counsellor, client_uuid=kuty_client.uuid)
    client.get(f"{URL}?user=alice")  # the session and the language settle
    one = queries_for_page()
    access_log_record_many(
        action=Action.VIEW,
        client_uuids=[ClientFactory().uuid for _ in range(30)],
        user=counsellor,
    )

    assert queries_for_page() == one


@pytest.mark.parametrize("who", ["counsellor", "unit_manager", "project_manager", "official"])
def test_nobody_else_finds_the_page(client, request, who, kuty_client):
    client.force_login(request.getfixturevalue(who))

    assert client.get(URL).status_code == 404
    assert client.post(URL, {"client": kuty_client.hetu}).status_code == 404
    assert not AccessLogEntry.objects.filter(action=Action.SEARCH).exists()


def test_the_anonymous_are_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- unusual access -------------------------------------------------------------------------


@pytest.fixture
def clients_of_unit(unit):  # type: ignore[no-untyped-def]
    return ClientFactory.create_batch(25, registered_unit=unit)


def opened(user, clients, *, action=Action.VIEW) -> None:  # type: ignore[no-untyped-def]
    access_log_record_many(action=action, client_uuids=[c.uuid for c in clients], user=user)


def test_more_than_the_threshold_is_flagged(counsellor, unit, clients_of_unit):
    opened(counsellor, clients_of_unit[:21])

    flagged = unusual_access_for_units(unit_ids=[unit.pk], now=timezone.now(), threshold=20)

    assert [(u.username, u.clients_opened) for u in flagged] == [("alice", 21)]


def test_the_threshold_itself_is_not(counsellor, unit, clients_of_unit):
    opened(counsellor, clients_of_unit[:20])
    opened(counsellor, clients_of_unit[:20])  # the same clients again count once

    assert unusual_access_for_units(unit_ids=[unit.pk], now=timezone.now(), threshold=20) == []


def test_the_threshold_comes_from_the_settings(counsellor, unit, clients_of_unit, settings):
    opened(counsellor, clients_of_unit[:6])
    settings.ACCESS_LOG_UNUSUAL_CLIENTS = 5

    flagged = unusual_access_for_units(unit_ids=[unit.pk], now=timezone.now())

    assert [u.clients_opened for u in flagged] == [6]


def test_own_caseload_is_not_counted(counsellor, unit, clients_of_unit):
    own = clients_of_unit[0]
    own.responsible_counsellor = counsellor
    own.save()
    opened(counsellor, clients_of_unit[:21])

    assert unusual_access_for_units(unit_ids=[unit.pk], now=timezone.now(), threshold=20) == []


def test_only_opening_counts(counsellor, unit, clients_of_unit):
    opened(counsellor, clients_of_unit[:20])
    opened(counsellor, clients_of_unit[20:25], action=Action.SEARCH)
    opened(counsellor, clients_of_unit[20:25], action=Action.CHANGE)

    assert unusual_access_for_units(unit_ids=[unit.pk], now=timezone.now(), threshold=20) == []

    opened(counsellor, clients_of_unit[20:21], action=Action.PRINT)

    assert len(unusual_access_for_units(unit_ids=[unit.pk], now=timezone.now(), threshold=20)) == 1


def test_outside_the_window_is_not_counted(counsellor, unit, clients_of_unit):
    opened(counsellor, clients_of_unit[:21])
    now = timezone.now()

    later = unusual_access_for_units(
        unit_ids=[unit.pk], now=now + datetime.timedelta(minutes=61), threshold=20
    )
    before = unusual_access_for_units(
        unit_ids=[unit.pk], now=now - datetime.timedelta(minutes=5), threshold=20
    )

    assert later == []
    assert before == []
    assert unusual_access_for_units(
        unit_ids=[unit.pk], now=now + datetime.timedelta(minutes=59), threshold=20
    )


def test_only_people_of_the_units_are_listed(
    counsellor, outsider, unit, other_unit, clients_of_unit, django_assert_num_queries
):
    opened(outsider, clients_of_unit[:22])
    opened(counsellor, clients_of_unit[:21])

    with django_assert_num_queries(1):
        flagged = unusual_access_for_units(unit_ids=[unit.pk], now=timezone.now(), threshold=20)
    other = unusual_access_for_units(unit_ids=[other_unit.pk], now=timezone.now(), threshold=20)

    assert [u.username for u in flagged] == ["alice"]
    assert [(u.username, u.clients_opened) for u in other] == [("charlie", 22)]
    assert unusual_access_for_units(unit_ids=[], now=timezone.now()) == []


def test_the_partial_names_who_and_how_many(counsellor, unit, clients_of_unit):
    counsellor.first_name, counsellor.last_name = "Alice", "Aalto"
    counsellor.save()
    opened(counsellor, clients_of_unit[:21])
    flagged = unusual_access_for_units(unit_ids=[unit.pk], now=timezone.now(), threshold=20)

    html = render_to_string("clients/partials/unusual_access.html", {"unusual_access": flagged})
    empty = render_to_string("clients/partials/unusual_access.html", {"unusual_access": []})

    assert "Unusual number of clients opened" in html
    assert (
        "Alice Aalto (alice) opened clients outside their own caseload in the past hour: 21."
        in " ".join(html.split())
    )
    assert empty.strip() == ""


def test_the_unit_managers_home_shows_the_flag(client, counsellor, unit_manager, clients_of_unit):
    client.force_login(unit_manager)
    assert (
        "Unusual number of clients opened" not in client.get("/home/unit-manager/").content.decode()
    )
    opened(counsellor, clients_of_unit[:21])
    body = client.get("/home/unit-manager/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Unusual number of clients opened" in body
    assert "outside their own caseload in the past hour: 21." in body
