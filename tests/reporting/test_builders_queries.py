"""Each builder runs a fixed number of queries, whatever the size of the data: the counting
happens in the database, not in Python loops over rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guidance.models import AttendanceRecord
from reporting.builders import BUILDERS
from tests.reporting.builder_data import bulk_people, d, make_world, params

pytestmark = pytest.mark.django_db

# Data quality (every report): participants' first and last periods, and planned days
# without a record (periods, closure days, records by weekday) — 4.
# outcome: entry counts, exit counts + 4.
# allowance: rates, rows + 4.
# attendance: the records grouped by client and unit (the units and totals add up from them),
# the warnings with the candidate weeks over the person's limit (one statement), the dated
# limits + 4 (was 13: units, totals, clients, in-scope periods, warnings in three queries).
# state-compensation: rates, rows + 4.
# state-compensation reads its dated weekly cap too (PeriodLimit).
MAX_QUERIES = {"outcome": 6, "allowance": 6, "attendance": 7, "state-compensation": 7}


def _queries(kind: str) -> int:
    report_params = params(kind, "2025-03-01", "2025-03-31")
    with CaptureQueriesContext(connection) as context:
        BUILDERS[kind](report_params)
    return len(context.captured_queries)


@pytest.mark.parametrize("size", [20, 200])
@pytest.mark.parametrize("kind", list(MAX_QUERIES))
def test_query_count_is_pinned(django_assert_max_num_queries, kind, size):
    bulk_people(make_world(), size, start=d(2025, 3, 3))
    assert AttendanceRecord.objects.count() == size * 20
    report_params = params(kind, "2025-03-01", "2025-03-31")

    with django_assert_max_num_queries(MAX_QUERIES[kind]):
        report = BUILDERS[kind](report_params)

    assert report["kind"] == kind


@pytest.mark.parametrize("kind", list(MAX_QUERIES))
def test_query_count_does_not_grow_with_the_data(kind):
    world = make_world()
    bulk_people(world, 20, start=d(2025, 3, 3))
    small = _queries(kind)
    bulk_people(world, 180, start=d(2025, 3, 10), first=20)
    assert AttendanceRecord.objects.count() == 200 * 20

    assert _queries(kind) == small


def test_big_data_figures(db):
    """The bigger set also adds up: 200 clients, 4 weeks, each week's pattern known."""
    bulk_people(make_world(), 200, start=d(2025, 3, 3))

    allowance = BUILDERS["allowance"](params("allowance", "2025-03-01", "2025-03-31"))
    # ``PPPPP..SSSSP..KKKKK..PUPPN..`` has 9 present days.
    assert allowance["totals"] == {
        "clients": 200, "present_days": 1800, "unpriced_days": 0, "amount": "16200.00"
    }  # fmt: skip
    state = BUILDERS["state-compensation"](params("state-compensation", "2025-03-01", "2025-03-31"))
    # Weeks: 5 present → 4, 1 → 1, 0 → 0, 3 → 3: 8 compensated days each.
    assert state["totals"]["compensated_days"] == 1600
    assert state["totals"]["amount"] == "16144.00"
    attendance = BUILDERS["attendance"](params("attendance", "2025-03-01", "2025-03-31"))
    flags = [row["flags"] for row in attendance["clients"]]
    # The first week has 5 present days: over the person's 4 (DOMAIN.md §2).
    assert all(
        f
        == [
            "unjustified_absence",
            "sick_over_3_days_uncertified",
            "child_sick_over_4_days",
            "over_weekly_days",
        ]
        for f in flags
    )
    outcome = BUILDERS["outcome"](params("outcome", "2025-03-01", "2025-03-31"))
    assert outcome["participants"]["total"] == 200
    assert outcome["participants"]["woman"] == 50
    # Every third client (n % 3 == 0: 67 of 200) left on 23.3. to the open labour market.
    assert outcome["exits"]["total"]["total"] == 67
    assert outcome["destinations"]["into_working_life"]["total"] == 67
