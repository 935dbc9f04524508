"""A deployment-sized data set to measure KUTY with (``manage.py generate_scale_data``).

What it makes, from a fixed random seed and relative to ``today``:

- the organisation: three wellbeing services counties (organisers) with twelve municipalities,
  40 units over them, ten standing groups a unit, four closure days a unit a year, one
  employment authority, and a project that follows every unit;
- users: a counsellor and a unit manager in each unit, a project manager of the project and
  one of each organiser, a municipal official of the largest municipality and an administrator
  (no password: the benchmark signs them in with ``force_login``);
- clients with valid identity codes, written as the application stores them (encrypted, with
  their keyed digest, when the ``hetu_hmac`` column exists), each with one KUTY period in the
  ``years`` before today (two in five with a second one after it, 2 % with a short one in another
  unit at the same time, 2 % with a draft for next month), entry data, an activation plan with
  a goal, and membership of one of the unit's groups for the period;
- an attendance record on every scheduled day of every period up to yesterday: mostly
  present, runs of sickness, a few other absences, ``not_organised`` on public holidays and the
  unit's closure days, the period's hours on present days;
- the monthly attendance totals, counted by the application's own
  :func:`reporting.attendance_totals.rebuild`, so the dashboards and reports agree with the
  records.

The rates and limits the reports need are the ones the migrations seed (``tests/conftest.py``
``SEEDED_BY_MIGRATIONS``); :func:`ensure_seeded` puts them back if they are missing.

Rows go in with PostgreSQL's ``COPY`` (psycopg2 ``copy_expert``) into tables whose secondary
indexes and foreign keys are made again after the load, or with plain ``INSERT``s on SQLite.
Ids are given here, and the sequences moved past them afterwards.
"""

from __future__ import annotations

import datetime
import importlib
import io
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TextIO

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import User
from activation_plans.models import ActivationPlan, ClientGoal, FollowUpMeeting, PlanType
from clients.crypto import hetu_digest, seal_hetu
from clients.hetu import expected_check_character
from clients.models import Client, Period, PeriodStatus
from guidance.calendar import finnish_holidays
from guidance.models import AttendanceRecord, AttendanceStatus, GroupMembership
from organisations.models import (
    ClosureDay,
    EmploymentAuthority,
    Group,
    Municipality,
    Organiser,
    Project,
    Role,
    RoleAssignment,
    Unit,
)

# The rows the migrations seed, as (migration module, its forwards function): the same list as
# tests/conftest.py, for a database that lost them (a flush).
SEEDED_BY_MIGRATIONS = (
    ("clients.migrations.0003_period_limits", "seed_limits"),
    ("clients.migrations.0005_eligibility_limits", "seed_limits"),
    ("activation_plans.migrations.0003_plan_types", "forwards"),
    ("reporting.migrations.0007_allowance_rate_from_2010", "seed_rates"),
)

UNIT_PREFIX = "SC"
USER_PREFIX = "scale-"
PROJECT_CODE = "scale-project"
GROUPS_PER_UNIT = 10
CLOSURE_DAYS_PER_YEAR = 4

# (organiser code, name, [(municipality code, name, units)]): 40 units in all.
ORGANISATION = (
    (
        "scale-pirha",
        "Pirkanmaan hyvinvointialue",
        [
            ("837", "Tampere", 8),
            ("536", "Nokia", 2),
            ("980", "Ylöjärvi", 2),
            ("211", "Kangasala", 2),
            ("418", "Lempäälä", 2),
        ],
    ),
    (
        "scale-varha",
        "Varsinais-Suomen hyvinvointialue",
        [
            ("853", "Turku", 7),
            ("734", "Salo", 3),
            ("680", "Raisio", 2),
            ("202", "Kaarina", 2),
        ],
    ),
    (
        "scale-pshva",
        "Pohjois-Savon hyvinvointialue",
        [
            ("297", "Kuopio", 6),
            ("140", "Iisalmi", 2),
            ("915", "Varkaus", 2),
        ],
    ),
)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


UNIT_KINDS = ("Työkeskus", "Työpaja", "Päivätoimintakeskus", "Kuntouttava työtoiminta")
GROUP_NAMES = (
    "Puutyöryhmä",
    "Keittiöryhmä",
    "Tekstiiliryhmä",
    "Kiinteistöhuolto",
    "Kierrätyspiste",
    "Matalan kynnyksen ryhmä",
    "Viherryhmä",
    "Toimistoryhmä",
    "Kahvila",
    "Liikuntaryhmä",
)

FIRST_NAMES = _words(
    "Mikko Jari Timo Juha Petri Antti Janne Sami Marko Tuomas Ville Jussi Lauri Aleksi Joonas "
    "Eetu Niko Teemu Kalle Matti Heikki Pekka Tommi Henri Jani Kimmo Risto Arto Toni Ari "
    "Anne Tiina Sari Minna Johanna Laura Jenni Heidi Katja Elina Noora Emma Sanni Iida "
    "Pauliina Marja Päivi Riikka Satu Tanja Hanna Kirsi Merja Outi Veera Aino Jaana Susanna "
    "Milla Krista"
)
LAST_NAMES = _words(
    "Korhonen Virtanen Mäkinen Nieminen Mäkelä Hämäläinen Laine Heikkinen Koskinen Järvinen "
    "Lehtonen Lehtinen Saarinen Salminen Heinonen Niemi Heikkilä Kinnunen Salonen Turunen "
    "Salo Laitinen Tuominen Rantanen Karjalainen Jokinen Mattila Savolainen Lahtinen Ahonen "
    "Hiltunen Leinonen Miettinen Pitkänen Aaltonen Manninen Hakala Seppälä Kettunen Vainio "
    "Räsänen Peltonen Kallio Lindroos Koivisto Anttila Ketola Rinne Suominen Ojala Harju "
    "Vuorinen Nurmi Laaksonen Hirvonen Väisänen Lindholm Leppänen Huttunen Kokkonen "
    "Mustonen Hyvönen Toivonen Partanen Kärkkäinen Laakso Koponen Honkanen Oksanen Tikkanen "
    "Jääskeläinen Ikonen Korpela Björklund Lindqvist Nyberg Holmström Westerlund Halonen "
    "Rautiainen Eskola Aalto Lampinen Sirola Pesonen Vesterinen Keränen Ahola Mikkola "
    "Lahti Kauppinen Moilanen Karppinen Pietilä Kivelä Rissanen Jokela Ruotsalainen Lindberg"
)

# Weekday patterns of the periods (ISO digits) with their weights: 2–4 days a week.
WEEKDAYS = (("1234", 22), ("135", 16), ("234", 14), ("124", 10), ("123", 10), ("35", 8),
            ("24", 8), ("1235", 6), ("2345", 6))  # fmt: skip
HOURS = ((Decimal("4.0"), 20), (Decimal("5.0"), 25), (Decimal("6.0"), 40), (Decimal("7.0"), 15))
BENEFITS = (("labour_market_subsidy", 66), ("social_assistance", 16), ("basic_allowance", 9),
            ("earnings_related", 4), ("none", 2), ("", 3))  # fmt: skip
DESTINATIONS = (("open_labour_market", 8), ("subsidised_work", 10), ("education", 9),
                ("other_employment_service", 14), ("new_kuty_period", 10),
                ("social_rehabilitation", 8), ("health_or_rehabilitation", 7), ("pension", 2),
                ("unemployed", 22), ("outside_labour_force", 4), ("unknown", 6))  # fmt: skip
INTERRUPTIONS = (("interrupted", 55), ("interrupted_by_organiser", 20), ("moved", 20),
                 ("deceased", 1))  # fmt: skip

S = AttendanceStatus


def _weighted(rng: random.Random, pairs: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([value for value, _w in pairs], weights=[w for _v, w in pairs])[0]


# --- progress -------------------------------------------------------------------------------


class Progress:
    """A one-line progress bar on ``stream`` (standard error), redrawn at most 5 times a
    second: ``attendance  [#######.....]  58 %  3,240,000/5,600,000  61,000/s``."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.label, self.total, self.done = label, max(total, 1), 0
        self.stream = stream if stream is not None else sys.stderr
        self.started = self.drawn = time.perf_counter()

    def advance(self, count: int) -> None:
        self.done += count
        now = time.perf_counter()
        if now - self.drawn >= 0.2:
            self.drawn = now
            self._draw(now)

    def _draw(self, now: float, end: str = "") -> None:
        share = min(self.done / self.total, 1.0)
        bar = "#" * int(share * 30)
        rate = self.done / max(now - self.started, 1e-9)
        self.stream.write(
            f"\r{self.label:<18} [{bar:<30}] {share:4.0%}  {self.done:,}/{self.total:,}  "
            f"{rate:,.0f}/s{end}"
        )
        self.stream.flush()

    def finish(self) -> float:
        now = time.perf_counter()
        self.total = max(self.done, 1)
        self._draw(now, f"  {now - self.started:.1f} s\n")
        return now - self.started


# --- writing rows ---------------------------------------------------------------------------


def _copy_text(value: Any) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r")
        )  # fmt: skip
    return text


class _LineReader(io.RawIOBase):
    """A file to ``copy_expert`` that reads text lines from an iterator, encoded."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines
        self.buffer = b""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = 1 << 16 if size is None or size < 0 else size
        parts, length = [self.buffer], len(self.buffer)
        while length < size:
            chunk = "".join(_take(self.lines, 2000))
            if not chunk:
                break
            encoded = chunk.encode()
            parts.append(encoded)
            length += len(encoded)
        data = b"".join(parts)
        self.buffer = data[size:]
        return data[:size]


def _take(iterator: Iterator[str], count: int) -> Iterator[str]:
    for _ in range(count):
        try:
            yield next(iterator)
        except StopIteration:
            return


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def insert_lines(table: str, columns: Sequence[str], lines: Iterable[str]) -> None:
    """PostgreSQL: COPY tab-separated text ``lines`` (each ending in a newline) into
    ``table``."""
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN",
            _LineReader(iter(lines)),
            size=1 << 16,
        )


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert database-ready ``rows`` into ``table``: COPY on PostgreSQL, batches of plain
    INSERTs elsewhere. Returns the number of rows."""
    count = 0

    def counted() -> Iterator[Sequence[Any]]:
        nonlocal count
        for row in rows:
            count += 1
            yield row

    if is_postgresql():
        insert_lines(table, columns, ("\t".join(map(_copy_text, row)) + "\n" for row in counted()))
        return count
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {connection.ops.quote_name(table)} ({names}) VALUES ({marks})"  # noqa: S608
    batch: list[Sequence[Any]] = []
    with connection.cursor() as cursor:
        for row in counted():
            batch.append(row)
            if len(batch) >= 5000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
    return count


def insert_objects(
    model: type[models.Model],
    objects: Iterable[models.Model],
    raw: Callable[[models.Model], dict[str, Any]] | None = None,
) -> int:
    """Insert unsaved model instances (their ids already set) past the ORM's save: every
    concrete field as ``get_db_prep_save`` gives it, ``auto_now`` fields now; ``raw`` gives
    columns to write as they are, bypassing the field (the sealed identity code)."""
    fields = list(model._meta.concrete_fields)
    columns = [f.column for f in fields]

    def rows() -> Iterator[list[Any]]:
        for obj in objects:
            overrides = raw(obj) if raw else {}
            yield [
                overrides[f.column]
                if f.column in overrides
                else f.get_db_prep_save(f.pre_save(obj, add=True), connection)
                for f in fields
            ]

    return insert_rows(model._meta.db_table, columns, rows())


def next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1


def reset_sequences(model_list: Sequence[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


class LoadingTable:
    """PostgreSQL: the secondary indexes and the foreign keys of ``table`` dropped for a bulk
    load and made again after it (one pass each instead of a check per row), in the caller's
    transaction. Elsewhere nothing."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.constraints: list[tuple[str, str]] = []
        self.indexes: list[tuple[str, str]] = []

    def __enter__(self) -> LoadingTable:
        if not is_postgresql():
            return self
        quoted = connection.ops.quote_name(self.table)
        with connection.cursor() as cursor:
            # The deferred checks of the rows written so far, now: a table with pending
            # trigger events cannot be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY conname",
                [self.table],
            )
            self.constraints = cursor.fetchall()
            cursor.execute(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid "
                "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
                "ORDER BY i.relname",
                [self.table],
            )
            self.indexes = cursor.fetchall()
            for name, _definition in self.constraints:
                cursor.execute(f"ALTER TABLE {quoted} DROP CONSTRAINT {name}")
            for name, _definition in self.indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        return self

    def __exit__(self, kind: Any, *_: Any) -> None:
        if kind is not None or not is_postgresql():
            return
        quoted = connection.ops.quote_name(self.table)
        with connection.cursor() as cursor:
            for _name, definition in self.indexes:
                cursor.execute(definition)
            for name, definition in self.constraints:
                cursor.execute(f"ALTER TABLE {quoted} ADD CONSTRAINT {name} {definition}")


# --- the organisation -------------------------------------------------------------------------


@dataclass
class Organisation:
    units: list[Unit]
    groups: dict[int, list[Group]]  # unit id → its groups
    counsellors: dict[int, User]  # unit id → its counsellor
    organiser_of: dict[int, int]  # unit id → organiser id
    municipalities: dict[int, Municipality]  # unit id → the unit's municipality
    authority: EmploymentAuthority
    closures: dict[int, set[datetime.date]] = field(default_factory=dict)


def ensure_seeded() -> None:
    """The rates, limits and plan types the migrations seed, put back when they are missing."""
    from clients.models import PeriodLimit
    from reporting.models import Rate

    if Rate.objects.exists() and PeriodLimit.objects.exists() and PlanType.objects.exists():
        return
    for module, function in SEEDED_BY_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


def _user(username: str, first: str, last: str) -> User:
    user, _created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@example.invalid",
            "password": "!",  # unusable: the benchmark signs in with force_login
        },
    )
    return user


def _grant(user: User, role: str, **scope: Any) -> None:
    RoleAssignment.objects.get_or_create(user=user, role=role, **scope)


def create_organisation(
    rng: random.Random, first: datetime.date, last: datetime.date
) -> Organisation:
    """The organisers, municipalities, 40 units with groups and closure days, the project and
    the users; what exists already (same codes) is reused."""
    authority, _ = EmploymentAuthority.objects.get_or_create(
        code="scale-ea", defaults={"name": "Työllisyysalue (mittausaineisto)"}
    )
    units: list[Unit] = []
    organiser_of: dict[int, int] = {}
    municipality_of: dict[int, Municipality] = {}
    organisers = []
    for organiser_code, organiser_name, towns in ORGANISATION:
        organiser, _ = Organiser.objects.get_or_create(
            code=organiser_code, defaults={"name": organiser_name}
        )
        organisers.append(organiser)
        for code, name, count in towns:
            municipality, _ = Municipality.objects.get_or_create(code=code, defaults={"name": name})
            for n in range(count):
                number = len(units) + 1
                unit, _ = Unit.objects.get_or_create(
                    code=f"{UNIT_PREFIX}{number:02d}",
                    defaults={
                        "name": f"{name} {UNIT_KINDS[n % len(UNIT_KINDS)]} {n + 1}",
                        "organiser": organiser,
                        "municipality": municipality,
                    },
                )
                units.append(unit)
                organiser_of[unit.pk] = unit.organiser_id
                municipality_of[unit.pk] = municipality
    project, _ = Project.objects.get_or_create(
        code=PROJECT_CODE,
        defaults={
            "name": "Polkuja työelämään (mittausaineisto)",
            "funder": "ESR+",
            "start_date": first.replace(month=1, day=1),
            "end_date": last.replace(month=12, day=31),
        },
    )
    project.units.add(*units)
    groups: dict[int, list[Group]] = {}
    counsellors: dict[int, User] = {}
    holidays = set(finnish_holidays(first, last))
    closures: dict[int, set[datetime.date]] = {}
    for index, unit in enumerate(units, start=1):
        groups[unit.pk] = [
            Group.objects.get_or_create(unit=unit, name=name)[0] for name in GROUP_NAMES
        ]
        counsellor = _user(f"{USER_PREFIX}counsellor-{index:02d}", "Ohjaaja", f"Yksikkö {index}")
        _grant(counsellor, Role.COUNSELLOR, unit=unit)
        manager = _user(f"{USER_PREFIX}manager-{index:02d}", "Esihenkilö", f"Yksikkö {index}")
        _grant(manager, Role.UNIT_MANAGER, unit=unit)
        counsellors[unit.pk] = counsellor
        existing = set(
            ClosureDay.objects.filter(unit=unit, date__range=(first, last)).values_list(
                "date", flat=True
            )
        )
        if not existing:
            wanted = max(1, CLOSURE_DAYS_PER_YEAR * ((last - first).days + 1) // 365)
            while len(existing) < wanted:
                day = first + datetime.timedelta(days=rng.randrange((last - first).days + 1))
                if day.isoweekday() <= 5 and day not in holidays:
                    existing.add(day)
            ClosureDay.objects.bulk_create(
                ClosureDay(unit=unit, date=day, reason="Henkilöstön koulutuspäivä")
                for day in sorted(existing)
            )
        closures[unit.pk] = existing
    project_manager = _user(f"{USER_PREFIX}project-manager", "Projektipäällikkö", "Koko")
    _grant(project_manager, Role.PROJECT_MANAGER, project=project)
    for organiser in organisers:
        manager = _user(f"{USER_PREFIX}pm-{organiser.code}", "Projektipäällikkö", organiser.name)
        _grant(manager, Role.PROJECT_MANAGER, organiser=organiser)
    official = _user(f"{USER_PREFIX}official", "Viranhaltija", "Tampere")
    _grant(official, Role.MUNICIPAL_OFFICIAL, municipality=municipality_of[units[0].pk])
    admin = _user(f"{USER_PREFIX}admin", "Pääkäyttäjä", "Koko")
    _grant(admin, Role.ADMINISTRATOR)
    return Organisation(
        units=units,
        groups=groups,
        counsellors=counsellors,
        organiser_of=organiser_of,
        municipalities=municipality_of,
        authority=authority,
        closures=closures,
    )


# --- clients and periods ----------------------------------------------------------------------


@dataclass
class PeriodPlan:
    period: Period
    group: Group


@dataclass
class Generated:
    clients: int = 0
    periods: int = 0
    plans: int = 0
    memberships: int = 0
    records: int = 0
    totals: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def _identity_code(
    rng: random.Random, today: datetime.date, used: set[str]
) -> tuple[str, datetime.date]:
    while True:
        age = rng.choice((rng.randint(18, 24), rng.randint(25, 44), rng.randint(45, 64)))
        born = today - datetime.timedelta(days=age * 365 + rng.randrange(365))
        sign = "A" if born.year >= 2000 else "-"
        body = f"{born:%d%m%y}{sign}{rng.randrange(2, 900):03d}"
        code = body + expected_check_character(body)
        if code not in used:
            used.add(code)
            return code, born


def client_hetu_columns() -> Callable[[str], dict[str, str]]:
    """How a code is written: sealed, with its digest, when the table has ``hetu_hmac``
    (identity codes encrypted at rest); as it is before that."""
    with connection.cursor() as cursor:
        columns = {
            column.name
            for column in connection.introspection.get_table_description(
                cursor, Client._meta.db_table
            )
        }
    if "hetu_hmac" in columns:
        return lambda code: {"hetu": seal_hetu(code), "hetu_hmac": hetu_digest(code)}
    return lambda code: {"hetu": code}


def existing_codes() -> set[str]:
    """The identity codes already stored (opened when sealed), so that new ones differ."""
    return {client.hetu for client in Client.objects.only("hetu").iterator(chunk_size=5000)}


def _period_dates(rng: random.Random, start: datetime.date, today: datetime.date) -> dict[str, Any]:
    """Dates, status and exit of a period starting on ``start``."""
    length = rng.randint(200, 540)
    end = start + datetime.timedelta(days=length)
    values: dict[str, Any] = {"start_date": start, "end_date": end, "status": PeriodStatus.ACTIVE}
    exit_date = None
    if end < today:
        exit_date = end
        reason = "completed"
        if rng.random() < 0.25:
            exit_date = start + datetime.timedelta(days=rng.randint(20, length - 1))
            reason = _weighted(rng, INTERRUPTIONS)
    elif rng.random() < 0.08 and (today - start).days > 21:
        exit_date = start + datetime.timedelta(days=rng.randint(20, (today - start).days - 1))
        reason = _weighted(rng, INTERRUPTIONS)
    if exit_date is not None:
        destination = _weighted(rng, DESTINATIONS)
        consent = rng.random() < 0.6
        values.update(
            status=PeriodStatus.ENDED,
            exit_date=exit_date,
            exit_reason=reason,
            destination=destination,
            follow_up_consent=consent,
        )
        if consent and exit_date + datetime.timedelta(days=92) < today:
            values["destination_3m"] = _weighted(rng, DESTINATIONS)
        if consent and exit_date + datetime.timedelta(days=183) < today:
            values["destination_6m"] = _weighted(rng, DESTINATIONS)
    return values


def plan_clients(
    organisation: Organisation,
    count: int,
    *,
    years: int,
    today: datetime.date,
    rng: random.Random,
    used_codes: set[str],
) -> tuple[list[Client], dict[int, str], list[PeriodPlan]]:
    """Unsaved clients (ids set), each one's identity code by id, and their periods with the
    group each period's client joins."""
    units = organisation.units
    weights = [3 if unit.municipality.code in ("837", "853", "297") else 2 for unit in units]
    client_id, period_id = next_id(Client), next_id(Period)
    first_start = today - datetime.timedelta(days=365 * years)
    latest_start = today - datetime.timedelta(days=14)
    span = max((latest_start - first_start).days, 1)
    clients: list[Client] = []
    codes: dict[int, str] = {}
    periods: list[PeriodPlan] = []

    def add_period(client: Client, unit: Unit, **values: Any) -> None:
        nonlocal period_id
        weekdays = values.pop("weekdays", None) or _weighted(rng, WEEKDAYS)
        hours = _weighted(rng, HOURS)
        if len(weekdays) * hours > 32:
            hours = Decimal("6.0")
        period = Period(
            pk=period_id,
            client=client,
            unit=unit,
            days_per_week=len(weekdays),
            hours_per_day=hours,
            weekdays=weekdays,
            benefit=client.benefit if rng.random() < 0.9 else _weighted(rng, BENEFITS),
            labour_market_status=client.labour_market_status,
            education=client.education,
            foreign_background=client.foreign_background,
            disability=client.disability,
            created_by=organisation.counsellors[unit.pk],
            **values,
        )
        period_id += 1
        periods.append(PeriodPlan(period, rng.choice(organisation.groups[unit.pk])))

    for _n in range(count):
        code, born = _identity_code(rng, today, used_codes)
        unit = rng.choices(units, weights=weights)[0]
        sex = _weighted(rng, (("man", 54), ("woman", 43), ("non_binary", 1), ("unknown", 2)))
        home = organisation.municipalities[unit.pk]
        if rng.random() < 0.15:
            home = organisation.municipalities[rng.choice(units).pk]
        client = Client(
            pk=client_id,
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            date_of_birth=born,
            sex=sex,
            home_municipality=home,
            registered_unit=unit,
            responsible_counsellor=organisation.counsellors[unit.pk],
            benefit=_weighted(rng, BENEFITS),
            labour_market_status=_weighted(
                rng, (("long_term_unemployed", 70), ("unemployed", 20), ("inactive", 7), ("", 3))
            ),
            education=_weighted(
                rng, (("isced_0_2", 60), ("isced_3_4", 32), ("isced_5_8", 5), ("", 3))
            ),
            foreign_background=_weighted(rng, (("no", 80), ("yes", 12), ("declined", 4), ("", 4))),
            disability=_weighted(rng, (("no", 82), ("yes", 6), ("declined", 6), ("", 6))),
            phone=f"040 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            postal_code=f"{rng.randint(10, 99)}{rng.randint(100, 999)}",
            post_office=home.name.upper(),
        )
        codes[client_id] = code
        client_id += 1
        clients.append(client)
        start = first_start + datetime.timedelta(days=rng.randrange(span))
        add_period(client, unit, **_period_dates(rng, start, today))
        main = periods[-1].period
        if rng.random() < 0.4:
            following = main.last_day + datetime.timedelta(days=rng.randint(14, 120))
            if following < latest_start:
                other = unit if rng.random() < 0.6 else rng.choice(units)
                add_period(client, other, **_period_dates(rng, following, today))
        if rng.random() < 0.02 and main.start_date + datetime.timedelta(days=60) < today:
            # A short period in another unit at the same time: some weeks over the limit.
            other = rng.choice([u for u in units if u.pk != unit.pk])
            start = main.start_date + datetime.timedelta(days=rng.randint(7, 40))
            values = _period_dates(rng, start, today)
            values["weekdays"] = rng.choice(("5", "45", "1"))
            add_period(client, other, overlap_confirmed=True, **values)
        if rng.random() < 0.02:
            start = (today.replace(day=1) + datetime.timedelta(days=40)).replace(day=1)
            add_period(
                client,
                unit,
                status=PeriodStatus.DRAFT,
                start_date=start,
                end_date=start + datetime.timedelta(days=180),
            )
    return clients, codes, periods


# --- attendance -------------------------------------------------------------------------------


def scheduled_count(period: Period, last: datetime.date) -> int:
    """Days of ``period`` on its weekdays from its start to ``last`` (or its last day)."""
    end = min(period.last_day, last)
    if end < period.start_date:
        return 0
    days = (end - period.start_date).days + 1
    weeks, rest = divmod(days, 7)
    first_weekday = period.start_date.isoweekday()
    wanted = {int(d) for d in period.weekdays}
    extra = sum(1 for n in range(rest) if (first_weekday - 1 + n) % 7 + 1 in wanted)
    return weeks * len(wanted) + extra


class StatusDrawer:
    """Statuses of a period's planned days: mostly present; absences in short runs."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def statuses(self, count: int, *, parent: bool) -> list[str]:
        rng = self.rng
        found: list[str] = []
        present = S.PRESENT.value
        while len(found) < count:
            roll = rng.random()
            if roll < 0.885:
                found.append(present)
                continue
            if roll < 0.925:
                status, length = S.SICK.value, rng.choice((1, 1, 1, 2, 2, 3, 4))
            elif roll < 0.94:
                status, length = S.SICK_CERTIFIED.value, rng.randint(3, 8)
            elif roll < 0.95:
                status, length = S.JOB_INTERVIEW.value, 1
            elif roll < 0.953:
                status, length = S.OFFICE_OF_TRUST.value, 1
            elif roll < 0.97:
                status, length = S.UNJUSTIFIED.value, rng.choice((1, 1, 2))
            elif parent:
                status, length = S.CHILD_SICK.value, rng.choice((1, 2, 2, 3, 5))
            else:
                status, length = present, 1
            found.extend([status] * length)
            found.append(present)  # a run ends with a day back at the unit
        return found[:count]


def attendance_lines(
    periods: Sequence[PeriodPlan],
    organisation: Organisation,
    *,
    last: datetime.date,
    rng: random.Random,
    progress: Progress,
    sqlite: bool,
) -> Iterator[Any]:
    """The attendance of every scheduled day of the periods up to ``last``: COPY text lines
    (PostgreSQL) or tuples (elsewhere), with ``progress`` advanced by rows."""
    first = min((p.period.start_date for p in periods), default=last)
    holidays = set(finnish_holidays(first, last)) if first <= last else set()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    drawer = StatusDrawer(rng)
    not_organised = S.NOT_ORGANISED.value
    present = S.PRESENT.value
    one_day = datetime.timedelta(days=1)
    iso_dates: dict[datetime.date, str] = {}
    for item in periods:
        period = item.period
        if period.status == PeriodStatus.DRAFT:
            continue
        end = min(period.last_day, last)
        if end < period.start_date:
            continue
        wanted = {int(d) for d in period.weekdays}
        closed = holidays | organisation.closures.get(period.unit_id, set())
        days = []
        day = period.start_date
        while day <= end:
            if day.isoweekday() in wanted:
                days.append(day)
            day += one_day
        statuses = drawer.statuses(len(days), parent=rng.random() < 0.15)
        hours = str(period.hours_per_day)
        pid = period.pk
        for day, status in zip(days, statuses, strict=True):
            if day in closed:
                status = not_organised
            text = iso_dates.get(day)
            if text is None:
                text = iso_dates[day] = day.isoformat()
            worked = hours if status == present else "0.0"
            if sqlite:
                yield (pid, text, status, worked, None, now)
            else:
                yield f"{pid}\t{text}\t{status}\t{worked}\t\\N\t{now}\n"
        progress.advance(len(days))


# --- the whole load ---------------------------------------------------------------------------


def client_tables() -> list[type[models.Model]]:
    """Client and every model that refers to it or to those, leaves first: what ``--flush``
    empties (the organisation, users, rates and the access log stay)."""
    found: list[type[models.Model]] = []
    seen: set[type[models.Model]] = set()

    def visit(model: type[models.Model]) -> None:
        if model in seen:
            return
        seen.add(model)
        for relation in model._meta.get_fields(include_hidden=True):
            if (
                relation.auto_created
                and not relation.concrete
                and (relation.one_to_many or relation.one_to_one)
                and relation.related_model._meta.managed
            ):
                visit(relation.related_model)
        found.append(model)  # after what refers to it

    visit(Client)
    return found


def flush_clients(stream: TextIO) -> None:
    """Empty the client data: every table that depends on Client, then Client."""
    tables = [model for model in client_tables() if model._meta.app_label != "audit"]
    with transaction.atomic(), connection.cursor() as cursor:
        if is_postgresql():
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks on them
            names = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in tables)
            cursor.execute(f"TRUNCATE {names}")
        else:
            for model in tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
    stream.write(f"Emptied {len(tables)} tables of client data.\n")


def generate(
    *,
    clients: int,
    years: int,
    seed: int = 2026,
    today: datetime.date | None = None,
    stream: TextIO | None = None,
) -> Generated:
    """Make the organisation (or reuse it), ``clients`` clients with periods, plans, group
    memberships and attendance over ``years`` years up to yesterday, and count the monthly
    totals. Progress goes to ``stream`` (standard error)."""
    from reporting.attendance_totals import rebuild

    stream = stream if stream is not None else sys.stderr
    today = today or timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    rng = random.Random(seed)  # noqa: S311 (made-up data, not secrets)
    result = Generated()
    started = time.perf_counter()
    sqlite = not is_postgresql()
    first = today - datetime.timedelta(days=365 * years + 200)
    with transaction.atomic():
        ensure_seeded()
        organisation = create_organisation(rng, first, today + datetime.timedelta(days=400))
        result.seconds["organisation"] = time.perf_counter() - started

        step = time.perf_counter()
        sealed = client_hetu_columns()
        used = existing_codes() if Client.objects.exists() else set()
        people, codes, periods = plan_clients(
            organisation, clients, years=years, today=today, rng=rng, used_codes=used
        )
        progress = Progress("clients", len(people), stream)
        result.clients = insert_objects(
            Client, _advancing(people, progress), raw=lambda c: sealed(codes[c.pk])
        )
        progress.finish()
        progress = Progress("periods", len(periods), stream)
        result.periods = insert_objects(Period, _advancing([p.period for p in periods], progress))
        progress.finish()
        result.seconds["clients and periods"] = time.perf_counter() - step

        step = time.perf_counter()
        result.plans, result.memberships = _plans_and_groups(organisation, periods, rng, today)
        reset_sequences([Client, Period, ActivationPlan, ClientGoal, FollowUpMeeting])
        result.seconds["plans and groups"] = time.perf_counter() - step

        step = time.perf_counter()
        expected = sum(
            scheduled_count(p.period, yesterday)
            for p in periods
            if p.period.status != PeriodStatus.DRAFT
        )
        progress = Progress("attendance", expected, stream)
        lines = attendance_lines(
            periods, organisation, last=yesterday, rng=rng, progress=progress, sqlite=sqlite
        )
        columns = ("period_id", "date", "status", "hours", "updated_by_id", "updated_at")
        table = AttendanceRecord._meta.db_table
        with LoadingTable(table):
            if sqlite:
                result.records = insert_rows(table, columns, lines)
            else:
                insert_lines(table, columns, lines)
                result.records = progress.done
        progress.finish()
        result.seconds["attendance"] = time.perf_counter() - step

    step = time.perf_counter()
    stream.write("Counting the monthly attendance totals…\n")
    result.totals = rebuild()
    result.seconds["monthly totals"] = time.perf_counter() - step
    if is_postgresql():
        step = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        result.seconds["analyze"] = time.perf_counter() - step
    result.seconds["total"] = time.perf_counter() - started
    return result


def _advancing(items: Sequence[Any], progress: Progress) -> Iterator[Any]:
    for item in items:
        yield item
        progress.advance(1)


def _plans_and_groups(
    organisation: Organisation,
    periods: Sequence[PeriodPlan],
    rng: random.Random,
    today: datetime.date,
) -> tuple[int, int]:
    """An activation plan with one goal for each period that is not a draft, a follow-up for
    a third of them, and the period's client in one group of the unit for the period."""
    plan_type = PlanType.objects.get(code="activation_plan")
    plan_id, goal_id, meeting_id = (
        next_id(ActivationPlan),
        next_id(ClientGoal),
        next_id(FollowUpMeeting),
    )
    membership_id = next_id(GroupMembership)
    plans, goals, meetings, memberships = [], [], [], []
    seen_memberships: set[tuple[int, int, datetime.date]] = set()
    for item in periods:
        period = item.period
        key = (item.group.pk, period.client_id, period.start_date)
        if key not in seen_memberships:
            seen_memberships.add(key)
            memberships.append(
                GroupMembership(
                    pk=membership_id + len(memberships),
                    group=item.group,
                    client_id=period.client_id,
                    start_date=period.start_date,
                    end_date=period.exit_date or period.end_date,
                )
            )
        if period.status == PeriodStatus.DRAFT:
            continue
        counsellor = organisation.counsellors[period.unit_id]
        plans.append(
            ActivationPlan(
                pk=plan_id,
                period_id=period.pk,
                plan_type=plan_type,
                organiser_id=organisation.organiser_of[period.unit_id],
                employment_authority=organisation.authority,
                client_agreed_on=period.start_date,
                organiser_agreed_on=period.start_date,
                employment_authority_agreed_on=period.start_date,
                activity_goal="Arjen rytmi ja työelämävalmiuksien vahvistaminen",
                support_and_guidance="Yksilöohjaus kerran kuukaudessa, ryhmätoiminta",
                next_follow_up=period.start_date + datetime.timedelta(days=90),
                created_by=counsellor,
            )
        )
        goals.append(
            ClientGoal(pk=goal_id, plan_id=plan_id, order=1, text="Säännöllinen osallistuminen")
        )
        meeting_day = period.start_date + datetime.timedelta(days=60)
        if rng.random() < 0.33 and meeting_day < min(period.last_day, today):
            meetings.append(
                FollowUpMeeting(
                    pk=meeting_id, plan_id=plan_id, date=meeting_day, recorded_by=counsellor
                )
            )
            meeting_id += 1
        plan_id += 1
        goal_id += 1
    insert_objects(ActivationPlan, plans)
    insert_objects(ClientGoal, goals)
    insert_objects(FollowUpMeeting, meetings)
    insert_objects(GroupMembership, memberships)
    reset_sequences([GroupMembership])
    return len(plans), len(memberships)
