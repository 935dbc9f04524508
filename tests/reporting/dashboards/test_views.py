"""The dashboard pages: filters kept in the address, wrong filters explained, who sees what,
the municipal view without personal data, the page's accessibility, and query counts."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from reporting.models import ReportFile, ReportRun, RunScope, RunStatus
from tests.organisations.factories import ProjectFactory, RoleAssignmentFactory, UserFactory

from .helpers import chart_data, get, kpis, table
from .world import RANGE, d, more_people

pytestmark = pytest.mark.django_db
NB = "\xa0"


# --- filters ----------------------------------------------------------------------------------


def test_unit_filter_changes_the_figures_and_stays_in_the_address(client, bob, world):
    client.force_login(bob)
    response = get(client, units=str(world.u1.uuid))

    assert response.status_code == 200
    # Only Aa-paja: A is active; 21 present days × 9 € = 189 €.
    assert kpis(response)["active"] == "1"
    assert kpis(response)["allowance"] == f"189,00{NB}€"
    assert [row[0] for row in table(response, "attendance")] == ["Aa-paja", "All units"]
    body = response.content.decode()
    bookmark = f"?from=2025-01-01&amp;to=2025-03-31&amp;units={world.u1.uuid}"
    assert f'href="{bookmark}"' in body
    # The unit filter is checkboxes (no Ctrl-click), the chosen unit ticked, the other not.
    box = r'type="checkbox" name="units" value="{}" id="[^"]+"'
    assert re.search(box.format(world.u1.uuid) + " checked>", body)
    assert re.search(box.format(world.u2.uuid) + ">", body)
    assert "Ctrl" not in body
    assert 'value="2025-01-01"' in body
    # The quick ranges keep the unit; they are whole months, to the end of this one.
    assert f"?from=2024-04-01&amp;to=2025-03-31&amp;units={world.u1.uuid}" in body


def test_range_filter_changes_the_figures(client, bob, world):
    client.force_login(bob)
    response = client.get(reverse("dashboards:project"), {"from": "2025-03-01", "to": "2025-03-31"})

    assert [row[0] for row in table(response, "starts-exits")] == ["3/2025", "Total"]
    assert kpis(response)["allowance"] == f"99,00{NB}€"  # A's 11 present days of March


def test_without_filters_the_last_twelve_months(client, bob, world):
    client.force_login(bob)
    response = client.get(reverse("dashboards:project"))

    selection = response.context["dashboard"].selection
    # Today is 20.3.2025: twelve whole months, this one to its end.
    assert (selection.date_from.isoformat(), selection.date_to.isoformat()) == (
        "2024-04-01",
        "2025-03-31",
    )
    assert not selection.chosen


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2025-03-31", "to": "2025-01-01"}, "The range ends before it starts"),
        ({"from": "31.2.2025"}, "Write the date as 31.1.2025 or 2025-01-31."),
        ({"from": "2020-01-01", "to": "2025-01-01"}, "Choose a range of at most 36 months."),
        ({"units": "not-a-unit"}, "“not-a-unit” is not one of your units; choose units from"),
        # Far outside any figures: a typing error or a probe, not a 500.
        (
            {"from": "9999-01-01", "to": "9999-12-31"},
            "Choose a date between 1.1.2000 and 31.12.2099.",
        ),
    ],
)
def test_wrong_filters_are_explained(client, bob, world, query, message):
    client.force_login(bob)
    response = client.get(reverse("dashboards:project"), {**RANGE, **query})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "dashboard" not in response.context


def test_a_unit_outside_the_scope_is_a_form_error(client, bob, world):
    client.force_login(bob)
    response = get(client, units=str(world.u3.uuid))

    assert response.status_code == 400
    message = f"“{world.u3.uuid}” is not one of your units; choose units from the list."
    assert message in response.content.decode()
    assert "Cc-talo" not in response.content.decode()


def test_dates_in_finnish_form_are_accepted(client, bob, world):
    client.force_login(bob)
    response = client.get(reverse("dashboards:project"), {"from": "1.1.2025", "to": "31.3.2025"})

    assert response.status_code == 200
    assert kpis(response)["allowance"] == f"252,00{NB}€"


# --- who sees what ----------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["alice", "dora", "erkki"])
def test_other_roles_get_404_on_the_project_dashboard(client, request, user):
    client.force_login(request.getfixturevalue(user))
    assert get(client).status_code == 404
    assert get(client, "home_project_manager").status_code == 404


@pytest.mark.parametrize("user", ["alice", "bob", "fiona"])
def test_other_roles_get_404_on_the_municipal_dashboard(client, request, user):
    client.force_login(request.getfixturevalue(user))
    assert get(client, "dashboards:municipality").status_code == 404
    assert get(client, "home_municipal_official").status_code == 404


def test_a_project_manager_sees_only_their_units(client, pekka, world):
    client.force_login(pekka)
    response = get(client)

    # U3 only: E and F are active; no Aa-paja or Bb-keskus anywhere.
    assert kpis(response)["active"] == "2"
    body = response.content.decode()
    assert "Aa-paja" not in body
    assert "Bb-keskus" not in body
    assert [row[0] for row in table(response, "attention")] == ["Cc-talo", "All units"]


def test_the_project_managers_home_is_the_dashboard(client, bob, world):
    client.force_login(bob)
    response = get(client, "home_project_manager")

    assert response.status_code == 200
    assert kpis(response)["active"] == "3"
    assert "Project manager's home" in response.content.decode()


def test_an_administrator_sees_every_unit_without_links_to_clients(client, fiona, world):
    client.force_login(fiona)
    response = get(client)

    # A, C, H, E and F are active in U1–U3.
    assert kpis(response)["active"] == "5"
    assert reverse("dashboards:records") not in response.content.decode()


def test_a_project_without_units_shows_no_figures(client, world):
    user = UserFactory(username="nelli")
    RoleAssignmentFactory(user=user, role="project_manager", project=ProjectFactory(units=[]))
    client.force_login(user)
    response = get(client)

    assert response.status_code == 200
    assert "Your role has no units yet" in response.content.decode()


# --- the municipal official --------------------------------------------------------------------


def test_the_official_sees_the_residents_figures_with_small_counts_hidden(client, erkki, world):
    client.force_login(erkki)
    response = get(client, "home_municipal_official")

    assert response.status_code == 200
    # Helsinki residents: A, B, D, F and H take part (5 is shown); A, F and H are active (3)
    # and B and D left (2): fewer than five are hidden ("–").
    assert kpis(response) == {
        "active": "–",
        "participants": "5",
        "working-life": "–",
        "attendance": "–",  # the attendance of fewer than five people
        # A, B, D and F came: the days and euros of four people are hidden with them.
        "allowance": "–",
        "compensation": "–",
    }
    # B started in January, C in February (Vantaa) and F in March; D left in January and B
    # in February. The February zero would leave January's start to be worked out from the
    # total, so the total is hidden too.
    assert table(response, "starts-exits") == [
        ["1/2025", "–", "–"],
        ["2/2025", "0", "–"],
        ["3/2025", "–", "0"],
        ["Total", "–", "–"],
    ]
    assert table(response, "attendance")[0] == ["Aa-paja", "–", "–", "–", "–"]
    assert table(response, "results-by-unit")[0] == ["Aa-paja", "–", "–", "–", "–", "–"]
    flow = {d["label"]: d["data"] for d in chart_data(response, "flow")["datasets"]}
    assert flow["Completed as planned"] == [None, None, None]  # no bar for a hidden count
    assert flow["Participants"] == [5, None, None]


def test_the_official_sees_no_personal_data_and_no_links_to_records(client, erkki, world):
    client.force_login(erkki)
    body = get(client, "home_municipal_official").content.decode()

    for person in world.people.values():
        assert person.last_name not in body
        assert person.first_name not in body
        assert person.hetu not in body
        assert str(person.uuid) not in body
    assert reverse("dashboards:records") not in body
    assert "/clients/" not in body
    assert "/guidance/attendance/" not in body


def test_the_official_cannot_choose_another_municipality(client, erkki, world):
    client.force_login(erkki)
    response = get(client, "dashboards:municipality", municipality="092")

    assert response.status_code == 400
    assert "That is not your municipality" in response.content.decode()


def test_the_small_count_limit_is_a_setting(client, erkki, world, settings):
    settings.REPORT_SUPPRESS_BELOW = 3
    client.force_login(erkki)
    response = get(client, "dashboards:municipality")

    # Three active clients, one in each unit: the units' ones are hidden, and so is the
    # total, or three hidden counts of at least one each making three would be one each.
    assert kpis(response)["active"] == "–"
    assert table(response, "attention")[-1][1] == "–"
    # The money and the attendance of four clients are shown at this limit.
    assert kpis(response)["allowance"] == f"243,00{NB}€"
    assert kpis(response)["attendance"] == f"75{NB}%"
    # One start and one exit in January: hidden, and so is one more cell of each column.
    assert table(response, "starts-exits")[0] == ["1/2025", "–", "–"]
    assert "Counts of 1 to 2 people are hidden" in response.content.decode()


def test_the_official_home_lists_the_municipalitys_reports_with_downloads(client, erkki, world):
    run = ReportRun.objects.create(
        kind="outcome",
        params={},
        formats=["pdf"],
        date_from=d(2025, 1, 1),
        date_to=d(2025, 3, 31),
        scope=RunScope.MUNICIPALITY,
        scope_code="091",
        scope_description="Helsinki",
        municipality=world.helsinki,
        scheduled=True,
        status=RunStatus.READY,
        progress=100,
        finished_at=timezone.now(),
    )
    ReportFile.objects.create(
        run=run, format="pdf", file="reports/outcome.pdf", size=10, content_type="application/pdf"
    )
    client.force_login(erkki)
    body = get(client, "home_municipal_official").content.decode()

    assert 'data-testid="municipal-reports"' in body
    assert reverse("reporting:download", kwargs={"code": run.uuid, "fmt": "pdf"}) in body
    assert reverse("reporting:index") in body


# --- the page ---------------------------------------------------------------------------------


def test_every_chart_has_its_data_and_an_accessible_table(client, bob, world):
    client.force_login(bob)
    response = get(client)
    body = response.content.decode()

    charts = response.context["dashboard"].charts
    assert [chart.key for chart in charts] == [
        "attention",
        "results-by-unit",
        "starts-exits",
        "flow",
        "attendance",
        "destinations",
        "absences",
        "money",
        "gas",
    ]
    for chart in charts:
        assert f'data-chart-source="{chart.data_id}"' in body
        assert f'<script id="{chart.data_id}" type="application/json">' in body
    assert body.count("<caption>") == len(charts)
    assert '<th scope="col"' in body
    assert '<th scope="row">' in body
    assert 'role="img"' in body
    assert "vendor/chartjs/chart.umd.min.js" in body
    assert "js/dashboard_charts.js" in body
    assert "css/dashboard.css" in body
    assert not re.search(r"\son[a-z]+=", body), "no inline event handlers"
    assert not re.search(r'src="(https?:)?//', body), "no scripts from other sites"


def test_figures_are_kept_for_the_same_filters(
    client, bob, world, settings, django_assert_max_num_queries
):
    settings.DASHBOARD_CACHE_SECONDS = 300
    cache.clear()
    client.force_login(bob)
    first = get(client)
    more_people(world, 2)  # not seen until the kept figures expire

    with django_assert_max_num_queries(8):
        again = get(client)

    assert kpis(again) == kpis(first)
    assert "Counted at" in again.content.decode()
    # Other filters are counted on their own.
    assert kpis(get(client, units=str(world.u1.uuid)))["active"] == "3"
    cache.clear()


# --- queries ----------------------------------------------------------------------------------

# The request's savepoint and its release (ATOMIC_REQUESTS), the session and the user, the
# roles (assignments, the project's units), the scope's units (7); starts, exits, the
# participants' exits, all and by unit, two rates, attendance and compensation per unit and
# month, those units' names, GAS scores (9); active clients now (2), warnings (1: the runs of
# the candidate periods, picked in the same statement — was a count of candidates, then the
# runs), reminders (5: the 24-month reviews read the live clients' last reviews and periods,
# then count the due ones).
PROJECT_QUERIES = 24


def test_project_dashboard_queries_do_not_grow_with_the_data(
    client, bob, world, django_assert_num_queries
):
    client.force_login(bob)
    with django_assert_num_queries(PROJECT_QUERIES):
        assert get(client).status_code == 200

    more_people(world, 30)

    with django_assert_num_queries(PROJECT_QUERIES):
        response = get(client)
    assert kpis(response)["active"] == "33"


# No project units and no scope units (−2); the official's municipalities and the form's check
# of the one chosen (+2); the clients per month and in the range (+2).
MUNICIPAL_QUERIES = PROJECT_QUERIES + 2


@pytest.mark.parametrize(
    ("url_name", "queries"),
    [
        ("dashboards:municipality", MUNICIPAL_QUERIES),
        # The official's report runs: their own and the scheduled ones (+2).
        ("home_municipal_official", MUNICIPAL_QUERIES + 2),
    ],
)
def test_municipal_queries_do_not_grow_with_the_data(
    client, erkki, world, django_assert_num_queries, url_name, queries
):
    client.force_login(erkki)
    with django_assert_num_queries(queries):
        assert get(client, url_name).status_code == 200

    more_people(world, 30)

    with django_assert_num_queries(queries):
        response = get(client, url_name)
    assert kpis(response)["active"] == "33"
