"""The records behind a figure: every linked figure lists exactly what it counts, only for
users who may see those clients, and each view of a list is in the access log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry

from .helpers import get
from .world import RANGE, more_people

pytestmark = pytest.mark.django_db


def _linked_figures(response):  # type: ignore[no-untyped-def]
    """(figure text, url) of every linked figure on a dashboard."""
    dashboard = response.context["dashboard"]
    found = [(kpi.value, kpi.url) for kpi in dashboard.kpis if kpi.url]
    for chart in dashboard.charts:
        rows = [*chart.table.rows, *([chart.table.foot] if chart.table.foot else [])]
        found += [(cell.text, cell.url) for row in rows for cell in row.cells if cell.url]
    return found


def test_every_linked_figure_lists_what_it_counts(client, bob, world):
    client.force_login(bob)
    figures = _linked_figures(get(client))
    records = [
        (text, url)
        for text, url in figures
        if url.startswith("/dashboards/records/") and "%" not in text  # a rate's list: its part
    ]
    assert len(records) > 60  # the key figures and the cells of the tables

    for text, url in records:
        response = client.get(url)
        assert response.status_code == 200, url
        listed = response.context["total"]
        if listed is None:  # people or periods: one row each
            listed = response.context["page"].paginator.count
        assert listed == int(text), f"{url}: the figure says {text}, the list has {listed}"


def test_attendance_cells_link_to_the_month_sheet(client, bob, world):
    client.force_login(bob)
    figures = _linked_figures(get(client))

    sheet = reverse(
        "guidance:attendance_month", kwargs={"unit": world.u1.uuid, "year": "2025", "month": "03"}
    )
    assert ("92\xa0%", sheet) in figures


def test_active_clients_are_listed_by_name_and_the_view_is_logged(client, bob, world):
    client.force_login(bob)
    response = client.get(reverse("dashboards:records"), {**RANGE, "figure": "active"})

    rows = response.context["rows"]
    assert [period.client.last_name for period, _count in rows] == [
        "SukunimiA",
        "SukunimiC",
        "SukunimiH",
    ]
    body = response.content.decode()
    assert reverse("clients:detail", kwargs={"code": world.people["A"].uuid}) in body
    entries = AccessLogEntry.objects.filter(object_type="reporting.dashboard_records")
    assert sorted(entry.client_uuid for entry in entries) == sorted(
        world.people[key].uuid for key in ("A", "C", "H")
    )  # one row per client listed
    for entry in entries:
        assert entry.username == "bob"
        assert entry.action == "view"
        assert entry.detail == "figure=active; range=2025-01-01..2025-03-31; units=all; page=1"


def test_an_empty_list_is_logged_once_without_a_client(client, bob, world):
    client.force_login(bob)
    response = client.get(
        reverse("dashboards:records"),
        {"from": "2024-01-01", "to": "2024-01-31", "figure": "starts"},
    )

    assert response.status_code == 200
    assert not response.context["rows"]
    entry = AccessLogEntry.objects.get(object_type="reporting.dashboard_records")
    assert entry.client_uuid is None
    assert entry.detail.startswith("figure=starts; range=2024-01-01..2024-01-31")


def test_days_behind_a_figure_are_counted_per_period(client, bob, world):
    client.force_login(bob)
    response = client.get(
        reverse("dashboards:records"), {**RANGE, "figure": "absence", "key": "sick"}
    )

    assert response.context["drill"].title == "Absence days: Sick (own notice)"
    assert [(p.client.last_name, n) for p, n in response.context["rows"]] == [("SukunimiC", 8)]
    assert response.context["total"] == 8


def test_a_long_list_has_pages(client, bob, world):
    more_people(world, 30)  # 60 more periods starting 15.1.2025
    client.force_login(bob)
    query = {**RANGE, "figure": "starts", "month": "2025-01"}

    first = client.get(reverse("dashboards:records"), query)
    second = client.get(reverse("dashboards:records"), {**query, "page": 2})

    assert first.context["page"].paginator.count == 61
    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 11
    assert "page=2" in first.content.decode()


@pytest.mark.parametrize(
    ("user", "units"),
    [
        ("erkki", None),  # a municipal official never sees records
        ("fiona", None),  # an administrator without a unit role
        ("pekka", "u1"),  # a unit of someone else's project
        ("alice", "u2"),  # a counsellor of U1 asking for U2
    ],
)
def test_records_outside_the_users_clients_are_404(client, request, world, user, units):
    client.force_login(request.getfixturevalue(user))
    query = {**RANGE, "figure": "active"}
    if units:
        query["units"] = str(getattr(world, units).uuid)

    assert client.get(reverse("dashboards:records"), query).status_code == 404
    assert not AccessLogEntry.objects.filter(object_type="reporting.dashboard_records").exists()


def test_a_counsellor_sees_the_records_of_their_own_unit(client, alice, world):
    client.force_login(alice)
    response = client.get(
        reverse("dashboards:records"), {**RANGE, "figure": "active", "units": str(world.u1.uuid)}
    )

    assert response.status_code == 200
    assert [p.client.last_name for p, _n in response.context["rows"]] == ["SukunimiA"]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"figure": "names"}, 404),
        ({"figure": "absence", "key": "holiday"}, 400),
        ({"figure": "starts", "month": "2024-12"}, 400),
        ({"figure": "starts", "month": "2026-13"}, 400),  # no such month: not a 500
        ({"figure": "starts", "month": "2026-00"}, 400),
        ({"figure": "active", "key": "x"}, 400),
    ],
)
def test_unknown_figures_are_refused(client, bob, world, query, status):
    client.force_login(bob)
    assert client.get(reverse("dashboards:records"), {**RANGE, **query}).status_code == status


# The savepoint and its release, the session and the user, the roles (2), the user's units,
# the access-log rows (one insert); the active periods (one per client, counted and listed: 2).
RECORDS_QUERIES = 10


def test_records_queries_do_not_grow_with_the_data(client, bob, world, django_assert_num_queries):
    client.force_login(bob)
    query = {**RANGE, "figure": "active"}
    with django_assert_num_queries(RECORDS_QUERIES):
        client.get(reverse("dashboards:records"), query)

    more_people(world, 20)

    with django_assert_num_queries(RECORDS_QUERIES):
        response = client.get(reverse("dashboards:records"), query)
    assert response.context["page"].paginator.count == 23


def test_a_list_leads_back_to_the_figures_it_came_from(client, bob, dora, world):
    query = {**RANGE, "units": str(world.u1.uuid), "figure": "active"}
    client.force_login(bob)
    back = client.get(reverse("dashboards:records"), query).context["back"]
    assert back == (
        f"{reverse('dashboards:project')}?from=2025-01-01&to=2025-03-31&units={world.u1.uuid}"
    )
    assert client.get(back).status_code == 200

    client.force_login(dora)  # a unit manager: her figures are on her home page
    assert client.get(reverse("dashboards:records"), query).context["back"] == reverse("home")
