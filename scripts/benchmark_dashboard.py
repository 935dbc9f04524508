#!/usr/bin/env python
"""Time the dashboards on a throwaway PostgreSQL database with ~40,000 clients.

    .venv/bin/python scripts/benchmark_dashboard.py [--clients 40000] [--runs 7] [--keep]

Creates the database ``kuty_bench_<pid>`` on the PostgreSQL server of ``DATABASE_URL`` (or
postgres://postgres@127.0.0.1:5432), migrates it, bulk-loads the clients — each with a period
in the last two years, a plan, goals, follow-ups and a year of attendance on the period's
weekdays — and times the pages with Django's test client: the project manager's dashboard
(the default range, the last twelve months, and one unit), the municipal official's home and
the unit manager's home. Each page is asked ``--runs`` times after one warm-up; the median,
the fastest and the slowest time and the number of queries are printed. The dashboards read
whole months from the monthly attendance totals (counted after the load, and timed) and the
days of a month that a range covers in part from the records: "1 January to today" shows that
cost. The database is dropped at the end unless ``--keep``. ``--database NAME`` uses (and
loads, unless ``--no-load``) a database that already exists instead.
"""

from __future__ import annotations

import argparse
import datetime
import logging
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

STATUSES = [  # (status, weight): mostly present, a few absences, holidays
    ("present", 86),
    ("sick", 4),
    ("sick_certified", 2),
    ("child_sick", 1),
    ("job_interview", 1),
    ("office_of_trust", 1),
    ("unjustified", 2),
    ("not_organised", 3),
]
DESTINATIONS = [
    "open_labour_market",
    "subsidised_work",
    "education",
    "unemployed",
    "social_rehabilitation",
    "other_employment_service",
    "unknown",
]
WEEKDAYS = ["135", "234", "124", "1234", "35"]
COLD = "\nFigures counted in the database on every request (the cache emptied first):"
WARM = "\nFigures kept for the same filters (DASHBOARD_CACHE_SECONDS):"


def server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    return url


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def admin_sql(url: str, sql: str) -> None:
    import psycopg2

    connection = psycopg2.connect(with_database(url, "postgres"))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql)
    connection.close()


def load(clients: int, today: datetime.date, seed: int = 2025) -> dict[str, Any]:
    """Bulk-load the organisation, people, periods, plans and attendance."""
    from activation_plans.models import (
        ActivationPlan,
        ClientGoal,
        FollowUpMeeting,
        GoalAttainment,
        PlanType,
    )
    from clients.models import Client, Period, PeriodStatus
    from guidance.models import AttendanceRecord
    from organisations.models import (
        EmploymentAuthority,
        Municipality,
        Organiser,
        Role,
        RoleAssignment,
        Unit,
    )
    from tests.clients.factories import make_hetu
    from tests.organisations.factories import UserFactory

    rng = random.Random(seed)  # noqa: S311 (made-up test data, not secrets)
    organiser = Organiser.objects.create(code="bench", name="Hyvinvointialue Bench")
    authority = EmploymentAuthority.objects.create(code="bench-ea", name="Työllisyysalue")
    municipalities = Municipality.objects.bulk_create(
        Municipality(code=f"{100 + n:03d}", name=f"Kunta {n}") for n in range(10)
    )
    units = Unit.objects.bulk_create(
        Unit(
            code=f"B{n:02d}",
            name=f"Yksikkö {n:02d}",
            organiser=organiser,
            municipality=municipalities[n % 10],
        )
        for n in range(40)
    )
    people = []
    for n in range(clients):
        born = datetime.date(1960, 1, 1) + datetime.timedelta(days=n % 15000)
        people.append(
            Client(
                hetu=make_hetu(born, 2 + n // 15000),
                first_name=f"Etu{n}",
                last_name=f"Suku{n}",
                date_of_birth=born,
                sex=rng.choice(["woman", "man", "non_binary", "unknown"]),
                # A third of the clients live in the first municipality (the official's).
                home_municipality=municipalities[0] if n % 3 == 0 else rng.choice(municipalities),
                registered_unit=units[n % 40],
            )
        )
    people = Client.objects.bulk_create(people, batch_size=5000)
    periods = []
    for n, client in enumerate(people):
        start = today - datetime.timedelta(days=rng.randint(0, 730))
        end = start + datetime.timedelta(days=rng.randint(90, 365))
        ended = end < today or rng.random() < 0.1
        exit_date = min(end, today - datetime.timedelta(days=1)) if ended else None
        if exit_date is not None and exit_date < start:
            exit_date = start
        weekdays = rng.choice(WEEKDAYS)
        periods.append(
            Period(
                client=client,
                unit=units[n % 40],
                status=PeriodStatus.ENDED if exit_date else PeriodStatus.ACTIVE,
                start_date=start,
                end_date=end,
                days_per_week=len(weekdays),
                hours_per_day=Decimal("6.0"),
                weekdays=weekdays,
                exit_date=exit_date,
                exit_reason=rng.choice(["completed", "interrupted"]) if exit_date else "",
                destination=rng.choice(DESTINATIONS) if exit_date else "",
                labour_market_status="long_term_unemployed",
                education="isced_0_2",
            )
        )
    periods = Period.objects.bulk_create(periods, batch_size=5000)
    creator = UserFactory(username="bench-creator")
    plan_type = PlanType.objects.get(code="activation_plan")
    plans = ActivationPlan.objects.bulk_create(
        (
            ActivationPlan(
                period=period,
                plan_type=plan_type,
                organiser=organiser,
                employment_authority=authority,
                created_by=creator,
                activity_goal="Arjen rytmi",
                support_and_guidance="Yksilöohjaus",
                next_follow_up=today + datetime.timedelta(days=rng.randint(-60, 90)),
            )
            for period in periods
        ),
        batch_size=5000,
    )
    goals = ClientGoal.objects.bulk_create(
        (ClientGoal(plan=plan, order=1, text="Tavoite") for plan in plans), batch_size=5000
    )
    meetings = FollowUpMeeting.objects.bulk_create(
        (
            FollowUpMeeting(
                plan=plan,
                date=plan.period.start_date + datetime.timedelta(days=60),
                recorded_by=creator,
            )
            for plan in plans[::3]
        ),
        batch_size=5000,
    )
    goal_of_plan = {goal.plan_id: goal for goal in goals}
    GoalAttainment.objects.bulk_create(
        (
            GoalAttainment(meeting=m, goal=goal_of_plan[m.plan_id], score=rng.randint(-2, 2))
            for m in meetings
        ),
        batch_size=5000,
    )
    year_ago = today - datetime.timedelta(days=365)
    statuses = [status for status, _weight in STATUSES]
    weights = [weight for _status, weight in STATUSES]
    records = 0
    batch: list[AttendanceRecord] = []
    for period in periods:
        day = max(period.start_date, year_ago)
        last = min(period.exit_date or period.end_date, today)
        days = {int(d) for d in period.weekdays}
        while day <= last:
            if day.isoweekday() in days:
                batch.append(
                    AttendanceRecord(
                        period=period,
                        date=day,
                        status=rng.choices(statuses, weights)[0],
                    )
                )
            day += datetime.timedelta(days=1)
        if len(batch) >= 20000:
            AttendanceRecord.objects.bulk_create(batch)
            records += len(batch)
            batch = []
    AttendanceRecord.objects.bulk_create(batch)
    records += len(batch)

    users = {}
    for username, role, scope in (
        ("bench-pm", Role.PROJECT_MANAGER, {"organiser": organiser}),
        ("bench-official", Role.MUNICIPAL_OFFICIAL, {"municipality": municipalities[0]}),
        ("bench-manager", Role.UNIT_MANAGER, {"unit": units[0]}),
    ):
        users[username] = UserFactory(username=username)
        RoleAssignment.objects.create(user=users[username], role=role, **scope)
    return {"users": users, "units": units, "records": records, "periods": len(periods)}


def time_page(client: Any, url: str, runs: int, *, cold: bool) -> tuple[list[float], int, int]:
    """Ask for ``url`` ``runs`` times after a warm-up; ``cold`` empties the cache first each
    time, so the figures are counted in the database every time."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm-up: connections, templates (and the cache, when not cold)
    timings = []
    queries = 0
    status = 0
    for _ in range(runs):
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
        queries = len(captured.captured_queries)
        status = response.status_code
    return timings, queries, status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=40_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    parser.add_argument("--database", help="use this existing database instead")
    parser.add_argument("--no-load", action="store_true", help="the database is loaded already")
    args = parser.parse_args()

    server = server_url()
    name = args.database or f"kuty_bench_{os.getpid()}"
    if not args.database:
        admin_sql(server, f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = with_database(server, name)
    os.environ["DJANGO_SETTINGS_MODULE"] = "kuty.settings.test"
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import setup_test_environment
        from django.urls import reverse
        from django.utils import timezone

        from accounts.models import User
        from organisations.models import Unit
        from reporting.attendance_totals import rebuild

        setup_test_environment()
        logging.disable(logging.INFO)  # sign-ins (django-axes) would fill the output
        call_command("migrate", verbosity=0)
        today = timezone.localdate()
        if not args.no_load:
            started = time.perf_counter()
            loaded = load(args.clients, today)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            print(
                f"Loaded {args.clients} clients, {loaded['periods']} periods and "
                f"{loaded['records']} attendance records in "
                f"{time.perf_counter() - started:.1f} s into {name}."
            )
            # The records went in past the application's writer: count the monthly totals.
            started = time.perf_counter()
            written = rebuild()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE reporting_attendancemonthtotals")
            print(
                f"Counted {written} monthly attendance totals in "
                f"{time.perf_counter() - started:.1f} s."
            )
        unit = Unit.objects.get(code="B00")
        pages = [
            (
                "bench-pm",
                "project dashboard, last 12 months, 40 units",
                reverse("dashboards:project"),
            ),
            (
                "bench-pm",
                "project dashboard, last 12 months, one unit",
                f"{reverse('dashboards:project')}?units={unit.uuid}",
            ),
            (
                "bench-pm",
                "project dashboard, 1 January to today, 40 units",
                f"{reverse('dashboards:project')}?from={today:%Y}-01-01&to={today.isoformat()}",
            ),
            (
                "bench-pm",
                "project manager's home (the same dashboard)",
                reverse("home_project_manager"),
            ),
            (
                "bench-official",
                "municipal official's home, a third of the clients",
                reverse("home_municipal_official"),
            ),
            ("bench-manager", "unit manager's home", reverse("home_unit_manager")),
        ]
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        for cold in (True, False):
            print(COLD if cold else WARM)
            print(f"{'page':55} {'median':>8} {'fastest':>8} {'slowest':>8} {'queries':>8}")
            for username, label, url in pages:
                client.force_login(User.objects.get(username=username))
                timings, queries, status = time_page(client, url, args.runs, cold=cold)
                if status != 200:
                    print(f"{label}: HTTP {status}")
                    return 1
                median, fastest, slowest = (
                    statistics.median(timings) * 1000,
                    min(timings) * 1000,
                    max(timings) * 1000,
                )
                print(f"{label:55} {median:6.0f}ms {fastest:6.0f}ms {slowest:6.0f}ms {queries:8}")
        connection.close()
    finally:
        if not args.database and not args.keep:
            admin_sql(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            print(f"\nDropped {name}.")
        elif not args.database:
            print(f'\nKept {name}: DROP DATABASE "{name}" when done.')
    return 0


if __name__ == "__main__":
    sys.exit(main())
