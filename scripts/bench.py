#!/usr/bin/env python
"""``make bench``: KUTY's pages and reports timed on a deployment-sized PostgreSQL database, each
next to one hand-written SQL query that returns the same rows (docs/scaling.md).

    .venv/bin/python scripts/bench.py

Environment (all optional):

- ``BENCH_DATABASE_URL`` the database to use, created when missing
  (postgres://postgres@127.0.0.1:5432/kuty_bench);
- ``BENCH_CLIENTS``, ``BENCH_YEARS`` the size generated when the database has no clients
  (40,000 clients, 2 years: about 5 million attendance records);
- ``BENCH_RUNS`` runs of each measurement, the median is shown (3);
- ``BENCH_PDF`` the attendance PDF whose peak memory is measured: ``org`` (the whole
  organisation, a year), ``unit`` (one unit, a year) or ``off`` (org);
- ``BENCH_PDF_TIMEOUT`` seconds before the PDF is given up (1800);
- ``BENCH_OUTPUT`` where the table goes (bench/results.md).

The KUTY figures are measured in this process, without start-up: pages with Django's test
client (middleware, views, templates, the access log), reports with the builders. Each SQL query
is run with the same parameters and its rows compared with KUTY's where that is feasible (the
"same" column). The PDF is made in a child process, whose peak resident memory is read from
``getrusage``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kuty_bench"
KINDS = ("allowance", "attendance", "state-compensation", "outcome")
KNOWN_SEXES = ("woman", "man", "non_binary")
ABSENCES = (
    "sick",
    "sick_certified",
    "child_sick",
    "job_interview",
    "office_of_trust",
    "unjustified",
)


@dataclass
class Row:
    work: str
    kuty: float | None  # seconds
    sql: float | None = None
    queries: int | None = None
    same: str = "—"  # "yes", "no: …" or "—" (not compared)
    note: str = ""

    @property
    def ratio(self) -> str:
        if not self.kuty or not self.sql:
            return "—"
        return f"{self.kuty / self.sql:.1f}"


@dataclass
class Results:
    rows: list[Row] = field(default_factory=list)
    machine: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    pdf: dict[str, Any] = field(default_factory=dict)


# --- the database -----------------------------------------------------------------------------


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def ensure_database(url: str) -> None:
    """Create the database of ``url`` on its server unless it exists."""
    import psycopg2

    name = urlsplit(url).path.lstrip("/")
    connection = psycopg2.connect(with_database(url, "postgres"))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
            print(f"Created the database {name}.", flush=True)
    connection.close()


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuty.settings.test")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    import logging

    logging.disable(logging.INFO)


# --- measuring --------------------------------------------------------------------------------


class AllQueries:
    """The queries run on every database alias inside the block (the builders and dashboards
    read from the ``replica`` alias when there is one: kuty/routers.py)."""

    def __enter__(self) -> AllQueries:
        from contextlib import ExitStack

        from django.db import connections
        from django.test.utils import CaptureQueriesContext

        self.stack = ExitStack()
        self.contexts = [
            self.stack.enter_context(CaptureQueriesContext(connections[alias]))
            for alias in connections
        ]
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stack.__exit__(*exc)

    def __len__(self) -> int:
        return sum(len(context.captured_queries) for context in self.contexts)


def timed(function: Callable[[], Any], runs: int) -> tuple[float, int, Any]:
    """The median seconds of ``runs`` calls, the queries of the last and its result."""
    timings, queries, result = [], 0, None
    for _ in range(runs):
        with AllQueries() as captured:
            started = time.perf_counter()
            result = function()
            timings.append(time.perf_counter() - started)
        queries = len(captured)
    return statistics.median(timings), queries, result


def sql_timed(statements: Sequence[tuple[str, Any]], runs: int) -> tuple[float, list[list[Any]]]:
    """The median seconds of running ``statements`` (SQL, parameters) ``runs`` times, and the
    rows of each from the last run."""
    from django.db import connection

    timings, results = [], []
    for _ in range(runs):
        results = []
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                results.append(cursor.fetchall() if cursor.description else [])
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), results


def compare(kuty: Any, sql: Any) -> str:
    if kuty == sql:
        return "yes"
    if isinstance(kuty, Counter) and isinstance(sql, Counter):
        extra, missing = sql - kuty, kuty - sql
        return f"no: {sum(missing.values())} rows only in KUTY, {sum(extra.values())} only in SQL"
    return "no"


# --- the scope of the measurements ------------------------------------------------------------


@dataclass
class Scope:
    today: datetime.date
    year: tuple[datetime.date, datetime.date]
    month: tuple[datetime.date, datetime.date]
    unit: Any
    unit_ids: list[int]
    group: Any
    users: dict[str, Any]


def find_scope() -> Scope:
    from django.db.models import Count, Q
    from django.utils import timezone

    from accounts.models import User
    from kuty.scale_data import UNIT_PREFIX, USER_PREFIX
    from organisations.models import Group, Unit

    today = timezone.localdate()
    this_month = today.replace(day=1)
    month_last = this_month - datetime.timedelta(days=1)
    month_first = month_last.replace(day=1)
    year_first = this_month.replace(year=this_month.year - 1)
    unit = Unit.objects.get(code=f"{UNIT_PREFIX}01")
    group = (
        Group.objects.filter(unit=unit)
        .annotate(
            members=Count(
                "memberships",
                filter=Q(memberships__start_date__lte=month_last)
                & (
                    Q(memberships__end_date__isnull=True)
                    | Q(memberships__end_date__gte=month_first)
                ),
            )
        )
        .order_by("name")
    )
    # The group whose sheet is nearest to 30 clients, as a counsellor's group sheet is.
    group = min(group, key=lambda g: abs(g.members - 30))
    users = {
        key: User.objects.get(username=f"{USER_PREFIX}{name}")
        for key, name in (
            ("pm", "project-manager"),
            ("official", "official"),
            ("counsellor", "counsellor-01"),
        )
    }
    return Scope(
        today=today,
        year=(year_first, month_last),
        month=(month_first, month_last),
        unit=unit,
        unit_ids=list(
            Unit.objects.filter(code__startswith=UNIT_PREFIX).values_list("pk", flat=True)
        ),
        group=group,
        users=users,
    )


# --- pages ------------------------------------------------------------------------------------


def page(client: Any, url: str, runs: int, *, cold: bool = False) -> tuple[float, int]:
    from django.core.cache import cache

    def get() -> int:
        if cold:
            cache.clear()
        return client.get(url).status_code

    client.get(url)  # warm-up: connection, templates, the session
    seconds, queries, status = timed(get, runs)
    if status != 200:
        raise RuntimeError(f"{url}: HTTP {status}")
    return seconds, queries


CLIENT_PAGE_SQL = """
SELECT c.uuid, c.last_name, c.first_name FROM clients_client c
WHERE (c.registered_unit_id = ANY(%(units)s) OR EXISTS (
    SELECT 1 FROM clients_period p WHERE p.client_id = c.id AND p.unit_id = ANY(%(units)s)))
  {words}
ORDER BY c.last_name, c.first_name, c.id LIMIT 25
"""
CLIENT_COUNT_SQL = """
SELECT count(*) FROM clients_client c
WHERE (c.registered_unit_id = ANY(%(units)s) OR EXISTS (
    SELECT 1 FROM clients_period p WHERE p.client_id = c.id AND p.unit_id = ANY(%(units)s)))
  {words}
"""


def client_list_rows(results: Results, scope: Scope, runs: int) -> None:
    from django.core.paginator import Paginator
    from django.test import Client
    from django.urls import reverse

    from clients import selectors

    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(scope.users["pm"])
    url = reverse("clients:list")
    for label, query in (("client list, all visible", ""), ("client search by name", "")):
        if label.startswith("client search"):
            query = "Korhonen Mikko"
        if query:
            response = browser.post(url, {"q": query})
            target = response["Location"]
        else:
            target = url
        seconds, queries = page(browser, target, runs)
        words = "".join(
            f" AND (c.first_name ILIKE %(w{n})s OR c.last_name ILIKE %(w{n})s)"
            for n in range(len(query.split()))
        )
        params: dict[str, Any] = {"units": scope.unit_ids}
        params.update({f"w{n}": f"%{word}%" for n, word in enumerate(query.split())})
        sql_seconds, (rows, count) = sql_timed(
            [
                (CLIENT_PAGE_SQL.format(words=words), params),
                (CLIENT_COUNT_SQL.format(words=words), params),
            ],
            runs,
        )
        listed = Paginator(
            selectors.client_list(scope.users["pm"], query=query), selectors.PAGE_SIZE
        ).get_page(1)
        same = compare(
            ([c.uuid for c in listed], listed.paginator.count),
            ([row[0] for row in rows], count[0][0]),
        )
        note = f"{count[0][0]:,} clients"
        results.rows.append(Row(label, seconds, sql_seconds, queries, same, note))

    from django.db.models import Count

    from clients.models import Client as ClientModel

    busiest = (
        ClientModel.objects.filter(periods__unit=scope.unit)
        .annotate(n=Count("periods__attendance"))
        .order_by("-n", "pk")
        .first()
    )
    seconds, queries = page(browser, reverse("clients:detail", args=[busiest.uuid]), runs)
    sql_seconds, _rows = sql_timed(
        [
            ("SELECT * FROM clients_client WHERE uuid = %s", [busiest.uuid]),
            (
                "SELECT p.*, u.name FROM clients_period p JOIN organisations_unit u "
                "ON u.id = p.unit_id WHERE p.client_id = %s ORDER BY p.start_date DESC",
                [busiest.pk],
            ),
            (
                "SELECT r.status, count(*) FROM guidance_attendancerecord r JOIN clients_period p "
                "ON p.id = r.period_id WHERE p.client_id = %s AND r.date >= %s GROUP BY 1",
                [busiest.pk, scope.today - datetime.timedelta(days=90)],
            ),
        ],
        runs,
    )
    results.rows.append(Row("client page", seconds, sql_seconds, queries))


SHEET_SQL = """
SELECT p.client_id, r.date, r.status, r.hours FROM guidance_attendancerecord r
JOIN clients_period p ON p.id = r.period_id
WHERE p.unit_id = %(unit)s AND r.date BETWEEN %(first)s AND %(last)s AND p.client_id IN (
    SELECT m.client_id FROM guidance_groupmembership m WHERE m.group_id = %(group)s
    AND m.start_date <= %(last)s AND (m.end_date IS NULL OR m.end_date >= %(first)s))
ORDER BY p.client_id, r.date
"""


def month_sheet_rows(results: Results, scope: Scope, runs: int) -> None:
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse

    from guidance import attendance_selectors
    from guidance.models import AttendanceRecord

    first, last = scope.month
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(scope.users["counsellor"])
    url = reverse(
        "guidance:attendance_month",
        kwargs={"unit": scope.unit.uuid, "year": first.year, "month": first.month},
    )
    url = f"{url}?group={scope.group.uuid}"
    seconds, queries = page(browser, url, runs)
    params = {"unit": scope.unit.pk, "first": first, "last": last, "group": scope.group.pk}
    sql_seconds, (records,) = sql_timed([(SHEET_SQL, params)], runs)
    sheet = attendance_selectors.attendance_month_sheet(
        unit=scope.unit, first=first, last=last, group=scope.group
    )
    clients = {row.client.pk for row in sheet.rows}
    same = compare(clients, {row[0] for row in records})
    note = f"{len(clients)} clients, {len(records)} records"
    results.rows.append(
        Row("month sheet, one group: load", seconds, sql_seconds, queries, same, note)
    )

    # Save: up to 370 cells of the sheet changed (present ↔ sick), the loaded status with each.
    def edits() -> list[dict[str, str]]:
        found = (
            AttendanceRecord.objects.filter(
                period__unit=scope.unit,
                period__client_id__in=clients,
                date__range=(first, last),
                status__in=("present", "sick"),
            )
            .order_by("period__client_id", "date")
            .values_list("period__client__uuid", "date", "status")[:370]
        )
        return [
            {
                "client": str(uuid),
                "date": day.isoformat(),
                "status": "sick" if status == "present" else "present",
                "loaded": status,
            }
            for uuid, day, status in found
        ]

    timings, counts = [], []
    for _ in range(runs):
        cells = edits()
        with AllQueries() as captured:
            started = time.perf_counter()
            response = browser.post(url, {"cells": json.dumps(cells), "reason": ""})
            timings.append(time.perf_counter() - started)
        counts.append(len(captured))
        if response.status_code != 302:
            raise RuntimeError(f"month sheet save: HTTP {response.status_code}")
    cells = edits()
    values = ", ".join(["(%s::uuid, %s::date, %s)"] * len(cells))
    update = f"""
        UPDATE guidance_attendancerecord r SET status = v.status, updated_at = now()
        FROM (VALUES {values}) AS v (client, date, status), clients_period p, clients_client c
        WHERE r.period_id = p.id AND p.client_id = c.id AND c.uuid = v.client
          AND r.date = v.date AND p.unit_id = %s
    """  # noqa: S608 (placeholders only)
    flat = [value for cell in cells for value in (cell["client"], cell["date"], cell["status"])]
    sql_times = []
    for _ in range(runs):
        with transaction.atomic():
            sql_seconds, _rows = sql_timed([(update, [*flat, scope.unit.pk])], 1)
            transaction.set_rollback(True)
        sql_times.append(sql_seconds)
    results.rows.append(
        Row(
            "month sheet, one group: save",
            statistics.median(timings),
            statistics.median(sql_times),
            counts[-1],
            note=f"{len(cells)} cells",
        )
    )


DASHBOARD_SQL = """
SELECT p.unit_id, date_trunc('month', r.date) AS month,
       count(DISTINCT p.client_id) AS clients,
       count(*) FILTER (WHERE r.status <> 'not_organised') AS planned,
       count(*) FILTER (WHERE r.status = 'present') AS present,
       count(*) FILTER (WHERE r.status IN ('sick', 'sick_certified', 'child_sick')) AS sick
FROM guidance_attendancerecord r JOIN clients_period p ON p.id = r.period_id
JOIN clients_client c ON c.id = p.client_id
WHERE r.date BETWEEN %(first)s AND %(last)s AND p.status <> 'draft' {where}
GROUP BY 1, 2
"""
PERIODS_SQL = """
SELECT p.unit_id, date_trunc('month', p.start_date),
       count(*) FILTER (WHERE p.start_date >= %(first)s),
       count(*) FILTER (WHERE p.exit_date BETWEEN %(first)s AND %(last)s)
FROM clients_period p JOIN clients_client c ON c.id = p.client_id
WHERE p.status <> 'draft' AND p.start_date <= %(last)s
  AND coalesce(p.exit_date, p.end_date) >= %(first)s {where}
GROUP BY 1, 2
"""


def dashboard_rows(results: Results, scope: Scope, runs: int) -> None:
    from django.test import Client
    from django.urls import reverse

    from organisations.models import Municipality, RoleAssignment

    params = {"first": scope.year[0], "last": scope.today}
    for label, user, url, where in (
        ("project dashboard, 12 months, 40 units, cold", "pm", "dashboards:project", ""),
        (
            "municipal official's home, cold",
            "official",
            "home_municipal_official",
            "AND c.home_municipality_id = %(municipality)s",
        ),
    ):
        browser = Client(HTTP_ACCEPT_LANGUAGE="en")
        browser.force_login(scope.users[user])
        seconds, queries = page(browser, reverse(url), runs, cold=True)
        assignment = RoleAssignment.objects.filter(user=scope.users["official"]).first()
        municipality = Municipality.objects.get(pk=assignment.municipality_id)
        sql_seconds, _rows = sql_timed(
            [
                (DASHBOARD_SQL.format(where=where), {**params, "municipality": municipality.pk}),
                (PERIODS_SQL.format(where=where), {**params, "municipality": municipality.pk}),
            ],
            runs,
        )
        results.rows.append(Row(label, seconds, sql_seconds, queries, note="SQL from the records"))


# --- reports ----------------------------------------------------------------------------------


def report_params(kind: str, first: datetime.date, last: datetime.date, units: list[str]) -> Any:
    from reporting.params import ReportParams

    return ReportParams.parse(
        {"kind": kind, "from": first.isoformat(), "to": last.isoformat(), "units": units}
    )


def rate_sql(kind: str, column: str = "r.date") -> str:
    """The rate of each day in cents, as the builders price it (0 before the first rate)."""
    from reporting.models import Rate

    rates = list(Rate.objects.filter(kind=kind).order_by("-valid_from"))
    if not rates:
        return "0"
    whens = " ".join(
        f"WHEN {column} >= DATE '{rate.valid_from.isoformat()}' THEN {int(rate.amount * 100)}"
        for rate in rates
    )
    return f"CASE {whens} ELSE 0 END"


def first_rate_day(kind: str) -> datetime.date:
    from reporting.models import Rate

    rate = Rate.objects.filter(kind=kind).order_by("valid_from").first()
    return rate.valid_from if rate else datetime.date.max


def cap_sql() -> str:
    from clients.models import PeriodLimit

    rows = list(
        PeriodLimit.objects.filter(kind="compensated_days_per_week").order_by("-valid_from")
    )
    whens = " ".join(
        f"WHEN c.date >= DATE '{row.valid_from.isoformat()}' THEN {int(row.value)}" for row in rows
    )
    return f"CASE {whens} ELSE {int(rows[-1].value)} END"


def weekly_limit(day: datetime.date) -> int:
    from clients.models import PeriodLimit

    row = (
        PeriodLimit.objects.filter(kind="max_days_per_week", valid_from__lte=day)
        .order_by("-valid_from")
        .first()
    )
    return int(row.value) if row else 4


def scope_sql(units: list[str], alias: str = "p") -> str:
    where = f"{alias}.status <> 'draft'"
    if units:
        # The codes are the bench's own units (SC01…), never input.
        codes = ", ".join(f"'{code}'" for code in units)
        where += (
            f" AND {alias}.unit_id IN (SELECT id FROM organisations_unit WHERE code IN ({codes}))"  # noqa: S608
        )
    return where


DATA_QUALITY_SQL = """
WITH scoped AS (
    SELECT p.*, c.sex FROM clients_period p JOIN clients_client c ON c.id = p.client_id
    WHERE {scope} AND p.start_date <= %(to)s AND coalesce(p.exit_date, p.end_date) >= %(from)s
), ranked AS (
    SELECT s.*, row_number() OVER (PARTITION BY client_id ORDER BY start_date, id) AS first_rank,
           row_number() OVER (PARTITION BY client_id ORDER BY start_date DESC, id DESC) AS last_rank
    FROM scoped s
), planned AS (
    SELECT s.id, s.unit_id, d::date AS day FROM scoped s,
    generate_series(greatest(s.start_date, %(from)s), least(coalesce(s.exit_date, s.end_date),
                    %(to)s), interval '1 day') AS d
    WHERE strpos(CASE WHEN s.weekdays = '' THEN left('1234', s.days_per_week) ELSE s.weekdays END,
                 extract(isodow FROM d)::int::text) > 0
      AND d::date <> ALL(%(holidays)s)
)
SELECT
  (SELECT count(*) FROM ranked WHERE first_rank = 1 AND (labour_market_status = '' OR
     education = '' OR sex NOT IN ('woman', 'man', 'non_binary'))),
  (SELECT count(*) FROM ranked WHERE last_rank = 1 AND ((exit_date BETWEEN %(from)s AND %(to)s
     AND destination = 'unknown') OR (exit_date IS NULL AND end_date < %(to)s))),
  (SELECT count(*) FROM planned pl WHERE NOT EXISTS (SELECT 1 FROM organisations_closureday k
     WHERE k.unit_id = pl.unit_id AND k.date = pl.day) AND NOT EXISTS (
     SELECT 1 FROM guidance_attendancerecord r WHERE r.period_id = pl.id AND r.date = pl.day))
"""


def data_quality_statement(params: Any) -> tuple[str, dict[str, Any]]:
    from guidance.calendar import finnish_holidays

    return DATA_QUALITY_SQL.format(scope=scope_sql(params.units)), {
        "from": params.date_from,
        "to": params.date_to,
        "holidays": list(finnish_holidays(params.date_from, params.date_to)) or [datetime.date.min],
    }


def data_quality_of(row: Sequence[Any]) -> dict[str, int]:
    return {
        "unknown_entry_data": row[0],
        "ended_without_destination": row[1],
        "planned_days_without_record": row[2],
    }


# A present day counts once per client and date: a record is the client's first of its date
# unless an earlier period of the client has a present record that day, which only a client
# with overlapping periods can have (a small set, found first).
ALLOWANCE_SQL = """
WITH overlapping AS (
    SELECT DISTINCT a.client_id FROM clients_period a JOIN clients_period b
    ON b.client_id = a.client_id AND b.id <> a.id AND b.start_date <= %(to)s
    AND a.start_date <= coalesce(b.exit_date, b.end_date)
    AND b.start_date <= coalesce(a.exit_date, a.end_date)
), later AS (
    SELECT r.period_id, r.date FROM guidance_attendancerecord r
    JOIN clients_period p ON p.id = r.period_id
    WHERE p.client_id IN (SELECT client_id FROM overlapping) AND r.status = 'present'
      AND r.date BETWEEN %(from)s AND %(to)s AND EXISTS (
          SELECT 1 FROM guidance_attendancerecord r2 JOIN clients_period p2
          ON p2.id = r2.period_id WHERE p2.client_id = p.client_id AND r2.date = r.date
          AND r2.status = 'present' AND r2.period_id < r.period_id)
), records AS (
    SELECT r.date, r.status, p.client_id, p.unit_id, p.benefit,
           r.status = 'present' AND l.period_id IS NULL AS paid
    FROM guidance_attendancerecord r JOIN clients_period p ON p.id = r.period_id
    LEFT JOIN later l ON l.period_id = r.period_id AND l.date = r.date
    WHERE r.date BETWEEN %(from)s AND %(to)s AND {scope}
)
SELECT c.hetu, c.last_name, c.first_name, u.name, u.code,
       coalesce(nullif(r.benefit, ''), c.benefit) AS benefit,
       count(*) FILTER (WHERE paid) AS present,
       count(*) FILTER (WHERE paid AND r.date < %(first_rate)s),
       count(*) FILTER (WHERE r.status = 'not_organised'),
       {absences},
       coalesce(sum({rate}) FILTER (WHERE paid), 0)
FROM records r JOIN clients_client c ON c.id = r.client_id
JOIN organisations_unit u ON u.id = r.unit_id
GROUP BY c.id, u.id, 6
ORDER BY u.name, c.last_name, c.first_name, c.hetu, c.id, 6
"""


def allowance(params: Any, runs: int, report: dict[str, Any]) -> tuple[float, str]:
    absences = ", ".join(f"count(*) FILTER (WHERE r.status = '{code}')" for code in ABSENCES)
    sql = ALLOWANCE_SQL.format(
        absences=absences, rate=rate_sql("allowance"), scope=scope_sql(params.units)
    )
    values = {"from": params.date_from, "to": params.date_to}
    values["first_rate"] = first_rate_day("allowance")
    seconds, (rows, quality) = sql_timed([(sql, values), data_quality_statement(params)], runs)
    from decimal import Decimal

    ours = Counter(
        (
            f"{row[1]} {row[2]}",
            row[4],
            row[5] or "unknown",
            row[6],
            row[8],
            row[7],
            str(Decimal(row[15]).scaleb(-2)),
            tuple(row[9:15]),
        )
        for row in rows
    )
    theirs = Counter(
        (
            row["name"],
            row["unit_code"],
            row["benefit"],
            row["present_days"],
            row["not_organised_days"],
            row["unpriced_days"],
            row["amount"],
            tuple(row["absence_days"][code] for code in ABSENCES),
        )
        for row in report.get("rows", [])
    )
    same = compare(theirs, ours)
    if same == "yes" and data_quality_of(quality[0]) != report["data_quality"]:
        same = "no: data quality"
    return seconds, same


ATTENDANCE_ROWS_SQL = """
SELECT p.client_id, p.unit_id, c.hetu, c.last_name, c.first_name, u.name, u.code,
       count(*) FILTER (WHERE r.status <> 'not_organised'),
       count(*) FILTER (WHERE r.status = 'present'),
       count(*) FILTER (WHERE r.status = 'not_organised'), {absences}
FROM guidance_attendancerecord r JOIN clients_period p ON p.id = r.period_id
JOIN clients_client c ON c.id = p.client_id JOIN organisations_unit u ON u.id = p.unit_id
WHERE r.date BETWEEN %(from)s AND %(to)s AND {scope}
GROUP BY p.client_id, p.unit_id, c.hetu, c.last_name, c.first_name, u.name, u.code
ORDER BY u.name, c.last_name, c.first_name, c.hetu, p.unit_id
"""
# Runs of a status along a period's records (not_organised neither counts nor breaks a run),
# looked for 35 days around the range, as guidance.warnings does.
RUNS_SQL = """
WITH scoped AS (
    SELECT p.id, p.client_id, p.unit_id FROM clients_period p
    WHERE {scope} AND p.start_date <= %(to)s AND coalesce(p.exit_date, p.end_date) >= %(from)s
), days AS (
    SELECT s.client_id, s.unit_id, r.period_id, r.date, r.status,
           row_number() OVER (PARTITION BY r.period_id ORDER BY r.date)
         - row_number() OVER (PARTITION BY r.period_id, r.status ORDER BY r.date) AS island
    FROM guidance_attendancerecord r JOIN scoped s ON s.id = r.period_id
    WHERE r.date BETWEEN %(window_from)s AND %(window_to)s AND r.status <> 'not_organised'
)
SELECT DISTINCT client_id, unit_id, CASE status WHEN 'sick' THEN 'sick_over_3_days_uncertified'
    WHEN 'child_sick' THEN 'child_sick_over_4_days' ELSE 'unjustified_absence' END
FROM days WHERE status IN ('sick', 'child_sick', 'unjustified')
GROUP BY client_id, unit_id, period_id, status, island
HAVING min(date) <= %(to)s AND max(date) >= %(from)s AND max(date) - min(date) + 1 >
    CASE status WHEN 'sick' THEN 3 WHEN 'child_sick' THEN 4 ELSE 0 END
"""
WEEKS_SQL = """
SELECT p.client_id FROM guidance_attendancerecord r JOIN clients_period p ON p.id = r.period_id
WHERE r.status = 'present' AND p.status <> 'draft' AND r.date BETWEEN %(monday)s AND %(sunday)s
  AND p.client_id IN (SELECT client_id FROM clients_period p WHERE {scope}
      AND p.start_date <= %(to)s AND coalesce(p.exit_date, p.end_date) >= %(from)s)
GROUP BY p.client_id, date_trunc('week', r.date)
HAVING count(DISTINCT r.date) > %(limit)s
"""


def attendance(params: Any, runs: int, report: dict[str, Any]) -> tuple[float, str]:
    absences = ", ".join(f"count(*) FILTER (WHERE r.status = '{code}')" for code in ABSENCES)
    scope = scope_sql(params.units)
    first, last = params.date_from, params.date_to
    margin = datetime.timedelta(days=35)
    values = {
        "from": first,
        "to": last,
        "window_from": first - margin,
        "window_to": last + margin,
        "monday": first - datetime.timedelta(days=first.isoweekday() - 1),
        "sunday": last + datetime.timedelta(days=7 - last.isoweekday()),
        "limit": weekly_limit(first),
    }
    seconds, (rows, runs_found, weeks, quality) = sql_timed(
        [
            (ATTENDANCE_ROWS_SQL.format(absences=absences, scope=scope), values),
            (RUNS_SQL.format(scope=scope), values),
            (WEEKS_SQL.format(scope=scope), values),
            data_quality_statement(params),
        ],
        runs,
    )
    flags: dict[tuple[int, int], set[str]] = defaultdict(set)
    for client_id, unit_id, flag in runs_found:
        flags[(client_id, unit_id)].add(flag)
    over = {row[0] for row in weeks}
    order = ("unjustified_absence", "sick_over_3_days_uncertified", "child_sick_over_4_days")
    ours = Counter()
    for row in rows:
        found = flags.get((row[0], row[1]), set())
        named = [flag for flag in order if flag in found]
        if row[0] in over:
            named.append("over_weekly_days")
        ours[
            (f"{row[3]} {row[4]}", row[6], row[7], row[8], row[9], tuple(row[10:16]), tuple(named))
        ] += 1
    theirs = Counter(
        (
            row["name"],
            row["unit_code"],
            row["planned_days"],
            row["present_days"],
            row["not_organised_days"],
            tuple(row["absence_days"][code] for code in ABSENCES),
            tuple(row["flags"]),
        )
        for row in report.get("clients", [])
    )
    same = compare(theirs, ours)
    if same == "yes" and data_quality_of(quality[0]) != report["data_quality"]:
        same = "no: data quality"
    return seconds, same


STATE_SQL = """
WITH candidates AS (
    SELECT p.client_id, p.unit_id, r.date,
           dense_rank() OVER (PARTITION BY p.client_id, date_trunc('week', r.date)
                              ORDER BY r.date) AS nth,
           row_number() OVER (PARTITION BY p.client_id, r.date ORDER BY r.period_id) AS day_first,
           ({kept}) AS kept
    FROM guidance_attendancerecord r JOIN clients_period p ON p.id = r.period_id
    WHERE r.status = 'present' AND p.status <> 'draft'
      AND r.date BETWEEN %(monday)s AND %(sunday)s {clients}
), counted AS (
    SELECT client_id, unit_id, count(*) AS attended,
           count(*) FILTER (WHERE nth <= {cap} AND day_first = 1) AS compensated,
           coalesce(sum({rate}) FILTER (WHERE nth <= {cap} AND day_first = 1), 0) AS cents
    FROM candidates c WHERE kept GROUP BY client_id, unit_id
)
SELECT k.client_id, k.unit_id, c.hetu, c.last_name, c.first_name, u.name, u.code,
       k.attended, k.compensated, k.cents
FROM counted k JOIN clients_client c ON c.id = k.client_id
JOIN organisations_unit u ON u.id = k.unit_id
ORDER BY u.name, c.last_name, c.first_name, c.hetu, k.client_id, k.unit_id
"""


def state_compensation(params: Any, runs: int, report: dict[str, Any]) -> tuple[float, str]:
    from decimal import Decimal

    first, last = params.date_from, params.date_to
    scope = scope_sql(params.units)
    clients = ""
    if params.units:
        clients = f"AND p.client_id IN (SELECT client_id FROM clients_period p WHERE {scope})"  # noqa: S608
    sql = STATE_SQL.format(
        kept=f"{scope} AND r.date BETWEEN %(from)s AND %(to)s",
        clients=clients,
        cap=cap_sql(),
        rate=rate_sql("state_compensation", "c.date"),
    )
    values = {
        "from": first,
        "to": last,
        "monday": first - datetime.timedelta(days=first.isoweekday() - 1),
        "sunday": last + datetime.timedelta(days=7 - last.isoweekday()),
    }
    seconds, (rows, quality) = sql_timed([(sql, values), data_quality_statement(params)], runs)
    ours = Counter(
        (f"{row[3]} {row[4]}", row[6], row[7], row[8], str(Decimal(row[9]).scaleb(-2)))
        for row in rows
    )
    theirs = Counter(
        (
            row["name"],
            row["unit_code"],
            row["attended_days"],
            row["compensated_days"],
            row["amount"],
        )
        for row in report.get("rows", [])
    )
    same = compare(theirs, ours)
    if same == "yes" and data_quality_of(quality[0]) != report["data_quality"]:
        same = "no: data quality"
    return seconds, same


OUTCOME_SQL = """
WITH scoped AS (
    SELECT p.* FROM clients_period p
    WHERE {scope} AND p.start_date <= %(to)s AND coalesce(p.exit_date, p.end_date) >= %(from)s
), ranked AS (
    SELECT s.*, row_number() OVER (PARTITION BY client_id ORDER BY start_date, id) AS first_rank,
           row_number() OVER (PARTITION BY client_id ORDER BY start_date DESC, id DESC) AS last_rank
    FROM scoped s
)
SELECT 'first', c.sex, r.labour_market_status, r.education, '', count(*)
FROM ranked r JOIN clients_client c ON c.id = r.client_id WHERE first_rank = 1 GROUP BY 2, 3, 4
UNION ALL
SELECT 'last', c.sex, r.exit_reason, r.destination,
       CASE WHEN r.exit_date BETWEEN %(from)s AND %(to)s THEN 'exited' ELSE '' END, count(*)
FROM ranked r JOIN clients_client c ON c.id = r.client_id WHERE last_rank = 1 GROUP BY 2, 3, 4, 5
"""


def outcome(params: Any, runs: int, report: dict[str, Any]) -> tuple[float, str]:
    sql = OUTCOME_SQL.format(scope=scope_sql(params.units))
    values = {"from": params.date_from, "to": params.date_to}
    seconds, (rows, quality) = sql_timed([(sql, values), data_quality_statement(params)], runs)

    def sex_key(sex: str) -> str:
        return sex if sex in KNOWN_SEXES else "unknown"

    participants: Counter[str] = Counter()
    education: Counter[tuple[str, str]] = Counter()
    exits: Counter[tuple[str, str]] = Counter()
    for part, sex, first, second, exited, count in rows:
        if part == "first":
            participants["total"] += count
            participants[sex_key(sex)] += count
            education[(second or "unknown", "total")] += count
            education[(second or "unknown", sex_key(sex))] += count
        elif exited:
            exits[("total", "total")] += count
            exits[("total", sex_key(sex))] += count
            exits[(first, "total")] += count
            exits[(first, sex_key(sex))] += count
    theirs_participants = Counter({k: v for k, v in report["participants"].items() if v})
    theirs_education = Counter(
        {(code, sex): v for code, by in report["education"].items() for sex, v in by.items() if v}
    )
    theirs_exits = Counter(
        {
            (code, sex): v
            for code, by in report["exits"].items()
            if code != "continuing"
            for sex, v in by.items()
            if v
        }
    )
    same = compare(
        (theirs_participants, theirs_education, theirs_exits), (participants, education, exits)
    )
    if same == "yes" and data_quality_of(quality[0]) != report["data_quality"]:
        same = "no: data quality"
    return seconds, same


SQL_OF = {
    "allowance": allowance,
    "attendance": attendance,
    "state-compensation": state_compensation,
    "outcome": outcome,
}


def report_rows(results: Results, scope: Scope, runs: int) -> None:
    from reporting.builders import build_report

    for label, (first, last), units in (
        ("whole organisation, a year", scope.year, []),
        ("whole organisation, a month", scope.month, []),
        ("one unit, a year", scope.year, [scope.unit.code]),
    ):
        for kind in KINDS:
            params = report_params(kind, first, last, units)
            seconds, queries, report = timed(lambda p=params: build_report(p), runs)
            sql_seconds, same = SQL_OF[kind](params, runs, report)
            results.rows.append(Row(f"{kind}, {label}", seconds, sql_seconds, queries, same))
            print(
                f"  {results.rows[-1].work}: {seconds:.2f} s / SQL {sql_seconds:.2f} s", flush=True
            )


# --- the PDF, in a child process --------------------------------------------------------------


def pdf_child(arguments: dict[str, Any]) -> None:
    """In the child: build and render the attendance report as PDF, print what it cost."""
    setup_django(os.environ["DATABASE_URL"])
    import io

    from reporting.builders import build_report
    from reporting.renderers import get_renderer

    params = report_params(
        "attendance",
        datetime.date.fromisoformat(arguments["from"]),
        datetime.date.fromisoformat(arguments["to"]),
        arguments["units"],
    )
    started = time.perf_counter()
    report = build_report(params)
    built = time.perf_counter() - started
    data = get_renderer("pdf").render(report)
    seconds = time.perf_counter() - started
    pages = None
    try:
        from pypdf import PdfReader

        pages = len(PdfReader(io.BytesIO(data)).pages)
    except Exception:  # the count is a nicety
        pages = None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    # The part workers (kuty/pdf_workers.py) are this process's children: the largest of them.
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    print(
        json.dumps(
            {
                "seconds": seconds,
                "data_seconds": built,
                "peak": peak,
                "worker_peak": workers,
                "pages": pages,
                "bytes": len(data),
            }
        )
    )


def pdf_row(results: Results, scope: Scope, which: str, timeout: int) -> None:
    if which == "off":
        results.pdf = {"skipped": True}
        return
    units = [] if which == "org" else [scope.unit.code]
    label = "whole organisation" if which == "org" else f"one unit ({scope.unit.code})"
    arguments = {"from": scope.year[0].isoformat(), "to": scope.year[1].isoformat(), "units": units}
    command = [sys.executable, str(Path(__file__).resolve()), "--pdf-child", json.dumps(arguments)]
    try:
        done = subprocess.run(  # noqa: S603 (our own script)
            command, capture_output=True, text=True, timeout=timeout, env=os.environ.copy()
        )
    except subprocess.TimeoutExpired:
        results.pdf = {"label": label, "error": f"gave up after {timeout} s"}
        return
    if done.returncode != 0:
        results.pdf = {"label": label, "error": done.stderr.strip().splitlines()[-1:]}
        return
    results.pdf = {"label": label, **json.loads(done.stdout.strip().splitlines()[-1])}


# --- the machine and the table ----------------------------------------------------------------


def machine() -> dict[str, str]:
    from django.db import connection

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kilobytes = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kilobytes / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "RAM": memory,
        "PostgreSQL": version,
        "Python": platform.python_version(),
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
    }


def data_sizes() -> dict[str, int]:
    from clients.models import Client, Period
    from guidance.models import AttendanceRecord
    from organisations.models import Unit

    return {
        "units": Unit.objects.count(),
        "clients": Client.objects.count(),
        "periods": Period.objects.count(),
        "attendance records": AttendanceRecord.objects.count(),
    }


def milliseconds(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds >= 1:
        return f"{seconds:,.2f} s"
    return f"{seconds * 1000:,.0f} ms"


def markdown(results: Results, runs: int) -> str:
    lines = ["# KUTY benchmark", ""]
    lines.append(
        "Written by `make bench` (scripts/bench.py); what the figures mean: docs/scaling.md."
    )
    lines += ["", "## Machine", ""]
    lines += [f"- {key}: {value}" for key, value in results.machine.items()]
    lines += ["", "## Data", ""]
    lines += [f"- {key}: {value:,}" for key, value in results.data.items()]
    lines += [
        "",
        f"## Times (median of {runs})",
        "",
        "| work | KUTY | SQL for the same rows | ratio | queries | same rows | note |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for row in results.rows:
        lines.append(
            f"| {row.work} | {milliseconds(row.kuty)} | {milliseconds(row.sql)} | {row.ratio} | "
            f"{row.queries if row.queries is not None else '—'} | {row.same} | {row.note} |"
        )
    lines += ["", "## Attendance report as PDF, a year", ""]
    pdf = results.pdf
    if pdf.get("skipped"):
        lines.append("Not measured (BENCH_PDF=off).")
    elif "error" in pdf:
        lines.append(f"{pdf['label']}: failed: {pdf['error']}")
    else:
        lines.append(
            f"{pdf['label']}: {pdf['seconds']:.1f} s ({pdf['data_seconds']:.1f} s of it the "
            f"report's data), peak memory {pdf['peak'] / 1024**2:,.0f} MB "
            f"(each part worker at most {pdf.get('worker_peak', 0) / 1024**2:,.0f} MB), "
            f"{pdf['pages'] if pdf['pages'] is not None else '?'} pages, "
            f"{pdf['bytes'] / 1024**2:,.1f} MB."
        )
    return "\n".join(lines) + "\n"


def measure(runs: int, pdf: str, timeout: int) -> Results:
    """Every measurement, on the database Django is set up with (the data made already)."""
    results = Results(machine=machine(), data=data_sizes())
    scope = find_scope()
    print("Pages…", flush=True)
    client_list_rows(results, scope, runs)
    month_sheet_rows(results, scope, runs)
    dashboard_rows(results, scope, runs)
    print("Reports…", flush=True)
    report_rows(results, scope, runs)
    print("The attendance PDF…", flush=True)
    pdf_row(results, scope, pdf, timeout)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pdf-child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.pdf_child:
        pdf_child(json.loads(args.pdf_child))
        return 0
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    clients = int(os.environ.get("BENCH_CLIENTS", "40000"))
    years = int(os.environ.get("BENCH_YEARS", "2"))
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    pdf = os.environ.get("BENCH_PDF", "org")
    timeout = int(os.environ.get("BENCH_PDF_TIMEOUT", "1800"))
    output = Path(os.environ.get("BENCH_OUTPUT", BASE_DIR / "bench" / "results.md"))

    ensure_database(url)
    setup_django(url)
    from django.core.management import call_command

    from clients.models import Client

    call_command("migrate", verbosity=0)
    if not Client.objects.exists():
        print(f"Generating {clients:,} clients over {years} years…", flush=True)
        call_command("generate_scale_data", clients=clients, years=years)
    else:
        print(f"Using the {Client.objects.count():,} clients in the database.", flush=True)
    results = measure(runs, pdf, timeout)
    text = markdown(results, runs)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(text)
    print(f"Wrote {output}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
