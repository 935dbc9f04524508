#!/usr/bin/env python
"""Time what identity-code encryption could slow down, at 40,000 clients (docs/security.md).

    .venv/bin/python scripts/benchmark_identity_codes.py [--clients 40000] [--runs 5] [--keep]

Creates ``kuty_idbench_<pid>`` on the PostgreSQL server of ``DATABASE_URL`` (or
postgres://postgres@127.0.0.1:5432), migrates it, bulk-loads the clients (each with a period),
and times with Django's test client, as a unit manager of every unit: the client list's
first page, a search by identity code, by name and by birth date, a client's page, and an import
of 200 participant rows (100 new clients, 100 known ones; rolled back after each run). Prints
the median of ``--runs`` after one warm-up, and the number of queries. Run it on two commits to
compare them; the database is dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import datetime
import logging
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def _server_url() -> str:
    url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres"))


def _create_database(name: str) -> str:
    import psycopg2

    admin = psycopg2.connect(_server_url().replace("postgres://", "postgresql://"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return urlunsplit(urlsplit(_server_url())._replace(path=f"/{name}"))


def _drop_database(name: str) -> None:
    import psycopg2

    admin = psycopg2.connect(_server_url().replace("postgres://", "postgresql://"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _load(clients: int) -> dict[str, Any]:
    from clients.models import Client, Period, PeriodStatus
    from organisations.models import Municipality, Organiser, Role, RoleAssignment, Unit
    from tests.clients.factories import make_hetu
    from tests.organisations.factories import UserFactory

    organiser = Organiser.objects.create(code="bench", name="Hyvinvointialue Bench")
    municipality = Municipality.objects.create(code="091", name="Helsinki")
    units = Unit.objects.bulk_create(
        Unit(
            code=f"B{n:02d}",
            name=f"Yksikkö {n:02d}",
            organiser=organiser,
            municipality=municipality,
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
                last_name=f"Suku{n:05d}",
                date_of_birth=born,
                home_municipality=municipality,
                registered_unit=units[n % 40],
            )
        )
    people = Client.objects.bulk_create(people, batch_size=5000)
    Period.objects.bulk_create(
        (
            Period(
                client=client,
                unit=units[n % 40],
                start_date=datetime.date(2025, 1, 1),
                end_date=datetime.date(2027, 12, 31),
                days_per_week=3,
                hours_per_day=6,
                status=PeriodStatus.ACTIVE,
            )
            for n, client in enumerate(people)
        ),
        batch_size=5000,
    )
    manager = UserFactory(username="bench-pm")
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user=manager, role=Role.UNIT_MANAGER, unit=unit) for unit in units
    )
    return {"user": manager, "sample": people[12345 % len(people)], "units": units}


def _import_file(clients: int) -> bytes:
    from clients.models import Client
    from clients.participant_import import PARTICIPANT_COLUMNS
    from tests.clients.factories import make_hetu

    known = list(Client.objects.order_by("pk")[:100])
    rows = []
    for n in range(200):
        if n < 100:
            code, last = known[n].hetu, known[n].last_name
            born_unit = f"B{(known[n].registered_unit.code[1:])}"
        else:
            born = datetime.date(1970, 1, 1) + datetime.timedelta(days=n)
            code, last, born_unit = make_hetu(born, 700 + n % 100), f"Uusi{n}", "B00"
        values = {
            "hetu": code,
            "first_name": "Etu",
            "last_name": last,
            "sex": "woman",
            "home_municipality": "091",
            "unit": born_unit,
            "start_date": "2028-01-03",
            "end_date": "2028-06-30",
            "days_per_week": "3",
            "hours_per_day": "6",
            "benefit": "labour_market_subsidy",
            "labour_market_status": "long_term_unemployed",
            "education": "isced_0_2",
            **dict.fromkeys(
                ("foreign_background", "minority", "disability", "other_disadvantaged"), "no"
            ),
            "homeless": "no",
            "rural": "no",
        }
        rows.append(";".join(values.get(column, "") for column in PARTICIPANT_COLUMNS))
    return ("\r\n".join([";".join(PARTICIPANT_COLUMNS), *rows]) + "\r\n").encode()


class Mismatch(Exception):
    """A timed page did not show what it should."""


def _check(condition: bool, what: str) -> None:
    if not condition:
        raise Mismatch(what)


def _time(work: Any, runs: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    work()  # warm-up
    times = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            work()
            times.append(time.perf_counter() - start)
        queries = len(captured)
    return statistics.median(times) * 1000, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=40000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    name = f"kuty_idbench_{os.getpid()}"
    os.environ["DATABASE_URL"] = _create_database(name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuty.settings.test")
    import django

    django.setup()
    logging.disable(logging.CRITICAL)
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client as Browser
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from clients.participant_import import participants_import

    setup_test_environment()
    try:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        world = _load(args.clients)
        load_s = time.perf_counter() - started
        browser = Browser()
        browser.force_login(world["user"])
        sample = world["sample"]
        list_url = reverse("clients:list")

        def search(text: str) -> Any:
            def work() -> None:
                redirect = browser.post(f"{list_url}?show=all", {"q": text})
                page = browser.get(redirect["Location"])
                _check(page.status_code == 200, str(page.status_code))
                _check(sample.last_name.encode() in page.content, f"{text} found nobody")

            return work

        def list_page() -> None:
            _check(browser.get(list_url, {"show": "all"}).status_code == 200, "list")

        def detail() -> None:
            url = reverse("clients:detail", args=[sample.uuid])
            _check(browser.get(url).status_code == 200, "client page")

        data = _import_file(args.clients)

        def import_rows() -> None:
            with transaction.atomic():
                participants_import(data=data, user=world["user"])
                transaction.set_rollback(True)

        work = {
            "client list, first page of all": list_page,
            "search by identity code": search(sample.hetu),
            "search by name": search(sample.last_name),
            "search by birth date (ddmmyy)": search(f"{sample.date_of_birth:%d%m%y}"),
            "client page": detail,
            "import of 200 participant rows": import_rows,
        }
        print(f"{args.clients} clients loaded in {load_s:.1f} s; median of {args.runs} runs")
        print(f"{'work':40} {'ms':>9} {'queries':>8}")
        for label, job in work.items():
            try:
                ms, queries = _time(job, args.runs)
            except Mismatch as exc:  # e.g. no birth-date search before it existed
                print(f"{label:40} {'—':>9} {'':>8}  ({exc})")
                continue
            print(f"{label:40} {ms:9.1f} {queries:8d}")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _drop_database(name)


if __name__ == "__main__":
    main()
