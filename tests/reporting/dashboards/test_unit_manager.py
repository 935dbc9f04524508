"""The unit manager's home: their units' figures and which months' attendance is locked,
next to the reminders."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.organisations.factories import RoleAssignmentFactory

from .world import d, lock_month, more_people

pytestmark = pytest.mark.django_db
NB = "\xa0"


def _home(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)
    response = client.get(reverse("home_unit_manager"))
    assert response.status_code == 200
    return response


def test_the_units_figures_and_locks(client, dora, world):
    lock_month(world.u1, d(2025, 2, 1))
    response = _home(client, dora)

    (row,) = response.context["unit_figures"]
    assert row.unit == world.u1
    assert row.active == "1"  # A
    assert row.rate_this_month == f"92{NB}%"  # A in March: 11 present of 12 planned days
    assert row.rate_last_month == f"100{NB}%"  # A and B in February: 8 of 8
    assert row.warnings == "1"  # A: unjustified absence on 12.3.
    months = [(item.month, item.lock is not None) for item in row.locks]
    assert months == [
        (d(2025, 3, 1), False),
        (d(2025, 2, 1), True),
        (d(2025, 1, 1), False),
        (d(2024, 12, 1), False),
        (d(2024, 11, 1), False),
        (d(2024, 10, 1), False),
    ]
    body = response.content.decode()
    sheet = reverse(
        "guidance:attendance_month", kwargs={"unit": world.u1.uuid, "year": "2025", "month": "02"}
    )
    assert f'href="{sheet}"' in body
    assert "Locked" in body
    # The reminders are still there.
    assert 'data-testid="reminder-awaiting-agreement"' in body
    assert "SukunimiG EtunimiG" in body


def test_the_figures_link_to_the_records(client, dora, world):
    response = _home(client, dora)
    (row,) = response.context["unit_figures"]

    listed = client.get(row.warnings_url)
    assert listed.status_code == 200
    assert [p.client.last_name for p, _n in listed.context["rows"]] == ["SukunimiA"]
    assert client.get(row.active_url).context["page"].paginator.count == 1


def test_a_manager_of_two_units_sees_both(client, dora, world):
    RoleAssignmentFactory(user=dora, role="unit_manager", unit=world.u2)
    response = _home(client, dora)

    rows = {row.unit.code: row for row in response.context["unit_figures"]}
    assert set(rows) == {"U1", "U2"}
    assert rows["U2"].active == "2"  # C and H
    assert rows["U2"].rate_this_month == f"0{NB}%"  # C sick every planned day of March
    assert rows["U2"].rate_last_month == f"50{NB}%"


def test_a_counsellors_home_has_no_unit_figures(client, alice, world):
    client.force_login(alice)
    response = client.get(reverse("home_counsellor"))

    assert 'data-testid="unit-figures"' not in response.content.decode()


# The savepoint and its release, the session and the user, the roles, the reminders (5),
# the managed units; active clients, attendance rates (last month from the monthly totals,
# this month's days from the records: two), warnings (the candidates with their
# clients; only unjustified absences here, which need no check of runs), month locks; the
# access-log rows of the clients the reminders name (one insert); unusual access to the units;
# the absence notices to send (units, periods, records, closure days, notices sent).
UNIT_MANAGER_QUERIES = 23


def test_unit_manager_home_queries_do_not_grow(client, dora, world, django_assert_num_queries):
    client.force_login(dora)
    with django_assert_num_queries(UNIT_MANAGER_QUERIES):
        client.get(reverse("home_unit_manager"))

    more_people(world, 20)
    lock_month(world.u1, d(2025, 1, 1))

    with django_assert_num_queries(UNIT_MANAGER_QUERIES):
        response = client.get(reverse("home_unit_manager"))
    assert response.context["unit_figures"][0].active == "21"
