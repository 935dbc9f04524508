"""The client list: scoping, "my clients", search, filters, sorting, paging, logging."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry, Action
from clients.forms import SORT_CHOICES
from clients.models import PeriodStatus
from clients.selectors import SORTS, birth_dates_searched
from tests.clients.factories import ClientFactory, PeriodFactory, make_hetu
from tests.organisations.factories import RoleAssignmentFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("clients:list")


@pytest.fixture
def colleague(unit):  # type: ignore[no-untyped-def]
    user = UserFactory(username="cecilia")
    RoleAssignmentFactory(user=user, role="counsellor", unit=unit)
    return user


@pytest.fixture
def people(unit, other_unit, counsellor, colleague):  # type: ignore[no-untyped-def]
    """Alice's two clients, Cecilia's one, and one of another unit nobody here may see."""
    return {
        "aalto": ClientFactory(
            registered_unit=unit,
            responsible_counsellor=counsellor,
            last_name="Aalto",
            first_name="Anna",
            hetu=make_hetu(datetime.date(1990, 1, 1), 123, "-"),
        ),
        "bjork": ClientFactory(
            registered_unit=unit,
            responsible_counsellor=counsellor,
            last_name="Björk",
            first_name="Bertta",
            hetu=make_hetu(datetime.date(1980, 5, 5), 222),
        ),
        "cedar": ClientFactory(
            registered_unit=unit,
            responsible_counsellor=colleague,
            last_name="Cederberg",
            first_name="Cecilia",
            hetu=make_hetu(datetime.date(2001, 9, 9), 333),
        ),
        "hidden": ClientFactory(
            registered_unit=other_unit,
            last_name="Aalto",
            first_name="Piilo",
            hetu=make_hetu(datetime.date(1990, 1, 1), 123, "Y"),
        ),
    }


def names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.last_name + " " + c.first_name for c in response.context["page"].object_list]


def search(client, text: str, path: str = LIST_URL):  # type: ignore[no-untyped-def]
    """Post the search box; returns the redirect and the list it leads to."""
    redirect = client.post(path, {"q": text})
    assert redirect.status_code == 302
    return redirect, client.get(redirect["Location"])


def test_a_counsellor_opens_on_their_own_clients_and_can_see_all(client, counsellor, people):
    client.force_login(counsellor)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert names(response) == ["Aalto Anna", "Björk Bertta"]
    assert 'aria-current="page"' in response.content.decode()

    response = client.get(LIST_URL, {"show": "all"})
    assert names(response) == ["Aalto Anna", "Björk Bertta", "Cederberg Cecilia"]


def test_a_project_manager_opens_on_all_clients_of_the_units(client, project_manager, people):
    client.force_login(project_manager)
    response = client.get(LIST_URL)
    assert names(response) == ["Aalto Anna", "Björk Bertta", "Cederberg Cecilia"]
    assert "Register a client" not in response.content.decode()


def test_outsiders_see_only_their_units_and_officials_nothing(
    client, outsider, official, administrator, people
):
    client.force_login(outsider)
    assert names(client.get(LIST_URL, {"show": "all"})) == ["Aalto Piilo"]
    for user in (official, administrator):
        client.force_login(user)
        assert client.get(LIST_URL).status_code == 404
        assert client.post(LIST_URL, {"q": "Aalto"}).status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client):
    assert client.get(LIST_URL)["Location"].startswith(reverse("login"))


def test_name_search_never_puts_the_name_in_the_url(client, counsellor, people):
    client.force_login(counsellor)
    redirect, response = search(client, "aal")
    assert "aal" not in redirect["Location"].lower()
    assert "search=" in redirect["Location"]
    # A search looks through all of the user's clients, not just their own.
    assert names(response) == ["Aalto Anna"]
    assert response.context["searching"]


def test_name_search_matches_every_word_in_first_or_last_names(client, counsellor, people):
    client.force_login(counsellor)
    assert names(search(client, "anna aalto")[1]) == ["Aalto Anna"]
    assert names(search(client, "cecilia")[1]) == ["Cederberg Cecilia"]
    assert names(search(client, "anna cederberg")[1]) == []


def test_identity_code_search_is_exact_and_stays_out_of_urls_and_logs(client, counsellor, people):
    client.force_login(counsellor)
    code = people["aalto"].hetu
    redirect, response = search(client, code.lower())
    assert names(response) == ["Aalto Anna"]
    location = redirect["Location"]
    assert code[:6] not in location
    assert code.lower() not in location
    # The same code with another century sign is another person (and not visible here).
    assert names(search(client, people["hidden"].hetu)[1]) == []
    # Part of a code finds nobody: codes are matched whole (its first six are a birth date).
    assert names(search(client, code[:9])[1]) == []
    assert names(search(client, code[:7] + "12")[1]) == []
    for detail in AccessLogEntry.objects.values_list("detail", flat=True):
        assert code[:6] not in detail
        assert "search=identity code" in detail or "search" not in detail


def test_a_code_in_the_query_string_is_not_read(client, counsellor, people):
    client.force_login(counsellor)
    response = client.get(LIST_URL, {"q": people["aalto"].hetu, "show": "all"})
    assert len(names(response)) == 3


def test_a_search_key_of_another_session_finds_nothing_special(client, counsellor, people):
    client.force_login(counsellor)
    response = client.get(LIST_URL, {"search": "made-up-key", "show": "all"})
    assert len(names(response)) == 3
    assert not response.context["searching"]


def test_sorting_and_paging_links_keep_the_search(client, counsellor, people):
    client.force_login(counsellor)
    redirect, response = search(client, "a")
    key = dict(p.split("=") for p in urlsplit(redirect["Location"]).query.split("&"))["search"]
    body = response.content.decode()
    assert f"search={key}" in body
    response = client.get(LIST_URL, {"search": key, "sort": "-name"})
    assert names(response)[0] == "Cederberg Cecilia"
    assert all("a" in n.lower() for n in names(response))


def test_filter_by_unit(client, unit, other_unit, people):
    user = UserFactory()
    RoleAssignmentFactory(user=user, role="unit_manager", unit=unit)
    RoleAssignmentFactory(user=user, role="unit_manager", unit=other_unit)
    # A client of ``unit`` with a period in ``other_unit`` belongs to both.
    PeriodFactory(client=people["bjork"], unit=other_unit)
    client.force_login(user)
    response = client.get(LIST_URL, {"unit": str(other_unit.uuid)})
    assert names(response) == ["Aalto Piilo", "Björk Bertta"]
    response = client.get(LIST_URL, {"unit": str(unit.uuid)})
    assert names(response) == ["Aalto Anna", "Björk Bertta", "Cederberg Cecilia"]


def test_a_unit_one_may_not_see_is_refused_with_a_message(client, counsellor, other_unit, people):
    client.force_login(counsellor)
    response = client.get(LIST_URL, {"unit": str(other_unit.uuid), "show": "all"})
    assert response.status_code == 200
    assert "unit" in response.context["filters"].errors
    assert "Aalto Piilo" not in names(response)


def test_filter_by_counsellor(client, project_manager, colleague, people):
    client.force_login(project_manager)
    response = client.get(LIST_URL, {"counsellor": str(colleague.uuid)})
    assert names(response) == ["Cederberg Cecilia"]


def test_filter_by_status(client, counsellor, people, unit):
    PeriodFactory(client=people["aalto"], status=PeriodStatus.ACTIVE)
    PeriodFactory(client=people["bjork"], ended=True, start_date=datetime.date(2024, 2, 5))
    # Cederberg: one ended and one being planned.
    PeriodFactory(client=people["cedar"], ended=True, start_date=datetime.date(2024, 2, 5))
    PeriodFactory(client=people["cedar"], status=PeriodStatus.DRAFT)
    extra = ClientFactory(registered_unit=unit, last_name="Dahl", first_name="Daniel")
    client.force_login(counsellor)

    def with_status(status: str) -> list[str]:
        return names(client.get(LIST_URL, {"show": "all", "status": status}))

    assert with_status("active") == ["Aalto Anna"]
    assert with_status("ended") == ["Björk Bertta"]
    assert with_status("planned") == ["Cederberg Cecilia"]
    assert with_status("none") == [extra.full_name]
    response = client.get(LIST_URL, {"show": "all"})
    statuses = {c.last_name: c.current_period_status for c in response.context["page"]}
    assert statuses == {"Aalto": "active", "Björk": "ended", "Cederberg": "draft", "Dahl": None}


def test_sort_orders(client, counsellor, people, other_unit):
    unit_b = UnitFactory(name="B-paja")
    RoleAssignmentFactory(user=counsellor, role="counsellor", unit=unit_b)
    PeriodFactory(client=people["aalto"], unit=unit_b, start_date=datetime.date(2026, 1, 5))
    PeriodFactory(client=people["cedar"], start_date=datetime.date(2025, 6, 2))
    client.force_login(counsellor)

    def order(sort: str) -> list[str]:
        return [n.split()[0] for n in names(client.get(LIST_URL, {"show": "all", "sort": sort}))]

    assert order("name") == ["Aalto", "Björk", "Cederberg"]
    assert order("-name") == ["Cederberg", "Björk", "Aalto"]
    assert order("birth") == ["Björk", "Aalto", "Cederberg"]
    assert order("-birth") == ["Cederberg", "Aalto", "Björk"]
    # Aalto's current unit is B-paja; the others are in "Työkeskus n".
    assert order("unit")[0] == "Aalto"
    assert order("-unit")[-1] == "Aalto"
    # Clients without periods come last either way.
    assert order("-start") == ["Aalto", "Cederberg", "Björk"]
    assert order("start") == ["Cederberg", "Aalto", "Björk"]


def test_every_sort_choice_has_an_ordering():
    assert {key for key, _label in SORT_CHOICES} == set(SORTS)


def test_pages_of_25(client, counsellor, unit):
    for n in range(30):
        ClientFactory(
            registered_unit=unit, responsible_counsellor=counsellor, last_name=f"N{n:02d}"
        )
    client.force_login(counsellor)
    first = client.get(LIST_URL)
    assert len(names(first)) == 25
    assert "page=2" in first.content.decode()
    second = client.get(LIST_URL, {"page": 2})
    assert len(names(second)) == 5
    assert names(second)[0].startswith("N25")


def test_each_list_view_writes_one_log_row_with_the_filters(
    client, counsellor, unit, colleague, people
):
    client.force_login(counsellor)
    client.get(
        LIST_URL,
        {"show": "all", "status": "active", "unit": str(unit.uuid), "counsellor": colleague.uuid},
    )
    entry = AccessLogEntry.objects.get(object_type="clients.client_list")
    assert entry.action == "view"
    assert entry.user == counsellor
    assert entry.client_uuid is None
    assert "show=all" in entry.detail
    assert "status=active" in entry.detail
    assert f"unit={unit.code}" in entry.detail
    assert "counsellor=cecilia" in entry.detail

    search(client, "Björk")
    last = AccessLogEntry.objects.filter(object_type="clients.client_list").first()
    assert 'search=name "Björk"' in last.detail
    assert AccessLogEntry.objects.filter(object_type="clients.client_list").count() == 2


def test_each_client_on_the_page_shown_gets_a_row_a_search_as_a_search(client, counsellor, people):
    client.force_login(counsellor)
    client.get(LIST_URL)  # Alice's own clients
    rows = AccessLogEntry.objects.filter(object_type="clients.client_list", user=counsellor)
    assert sorted(rows.values_list("action", "client_uuid")) == sorted(
        [("view", people["aalto"].uuid), ("view", people["bjork"].uuid)]
    )

    search(client, "cederberg")
    assert list(rows.filter(action="search").values_list("client_uuid", flat=True)) == [
        people["cedar"].uuid
    ]
    assert not rows.filter(client_uuid=people["hidden"].uuid).exists()


def test_only_the_clients_of_the_page_shown_are_logged(client, counsellor, unit):
    make_clients(unit, counsellor, 30)
    client.force_login(counsellor)
    page = client.get(LIST_URL, {"page": 2}).context["page"]
    rows = AccessLogEntry.objects.filter(object_type="clients.client_list")
    assert sorted(rows.values_list("client_uuid", flat=True)) == sorted(c.uuid for c in page)
    assert rows.count() == 5
    assert all("page=2" in detail for detail in rows.values_list("detail", flat=True))


def make_clients(unit, counsellor, count: int) -> None:  # type: ignore[no-untyped-def]
    for n in range(count):
        client = ClientFactory(registered_unit=unit, responsible_counsellor=counsellor)
        PeriodFactory(client=client, start_date=datetime.date(2024, 1, 1) + datetime.timedelta(n))
        PeriodFactory(
            client=client, status=PeriodStatus.DRAFT, start_date=datetime.date(2026, 9, 7)
        )


# session, user, role assignments, count, page of clients (with the current period's status
# and unit, the latest start and the counsellor), the filters' unit and counsellor choices,
# the access-log insert, and the request's savepoint and release.
QUERIES_LIST = 10


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_takes_the_same_queries_for_3_or_30_clients(
    client, counsellor, unit, django_assert_num_queries, count
):
    make_clients(unit, counsellor, count)
    client.force_login(counsellor)
    with django_assert_num_queries(QUERIES_LIST):
        response = client.get(LIST_URL, {"sort": "unit", "status": "active"})
    assert len(names(response)) == min(count, 25)
    assert all(c.current_period_status == "active" for c in response.context["page"])


@pytest.mark.parametrize("typed", ["010190", "010190-", "1.1.1990", "01.01.1990", " 010190 "])
def test_a_birth_date_finds_the_clients_born_that_day(client, counsellor, people, typed):
    client.force_login(counsellor)
    redirect, response = search(client, typed)
    # Anna, not Piilo of another unit born the same day; the date stays out of the URL.
    assert names(response) == ["Aalto Anna"]
    assert "010190" not in redirect["Location"]
    detail = AccessLogEntry.objects.filter(action=Action.SEARCH).latest("pk").detail
    assert "search=birth date" in detail
    assert "1990" not in detail


def test_a_birth_date_reaches_both_centuries_and_never_the_future(client, counsellor, people):
    client.force_login(counsellor)
    assert names(search(client, "090901")[1]) == ["Cederberg Cecilia"]  # 2001, not 1901
    assert names(search(client, "090901-")[1]) == []  # the 1900s sign: 9.9.1901
    assert names(search(client, "050580")[1]) == ["Björk Bertta"]
    assert names(search(client, "310290")[1]) == []  # 31 February: nobody, not a name search


def test_birth_dates_searched_reads_the_century_sign():
    today = datetime.date(2026, 12, 4)
    assert birth_dates_searched("140384", today=today) == [datetime.date(1984, 3, 14)]
    assert birth_dates_searched("140304", today=today) == [
        datetime.date(1904, 3, 14),
        datetime.date(2004, 3, 14),
    ]
    assert birth_dates_searched("140304a", today=today) == [datetime.date(2004, 3, 14)]
    assert birth_dates_searched("140384+", today=today) == [datetime.date(1884, 3, 14)]
    assert birth_dates_searched("14.3.1984", today=today) == [datetime.date(1984, 3, 14)]
    assert birth_dates_searched("Aalto", today=today) == []


@pytest.mark.django_db
def test_postgresql_answers_a_name_search_from_trigram_indexes():
    """A search by part of a name need not read every client row (the rows are wider since
    the identity code is stored encrypted)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'clients_client'")
        definitions = " ".join(row[0] for row in cursor.fetchall())
    for column in ("last_name", "first_name"):
        assert f"gin (upper(({column})::text) gin_trgm_ops)" in definitions
