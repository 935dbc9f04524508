"""What every report builder shares: the scope of periods and records, the report's header,
counts by sex and rates as SQL expressions (the data-quality figures are in
:mod:`.data_quality`, the hiding of small counts in :mod:`.protection`).

Scope
    A period is in the report when it is not a draft, overlaps the range (starts on or before
    ``to`` and its last day — the exit date, else the planned end — is on or after ``from``)
    and matches the filters: ``units`` (the period's unit), ``municipality`` (the client's home
    municipality: the municipal official's view), ``organiser`` (the unit's organiser) and
    ``project`` (the units of the project; the range stays ``from``–``to``).
    An attendance record is in the report when its date is in the range and its period matches
    the same filters.

First and last period
    A participant's first period in the range is the in-scope period with the earliest start
    (ties by id), the last one the period with the latest start. Both are picked in the
    database with ``ROW_NUMBER()`` over the client's periods.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import (
    ExtractDay,
    ExtractMonth,
    ExtractYear,
    RowNumber,
)
from django.db.models.lookups import LessThan
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.crypto import open_hetu
from clients.models import Client, Period, PeriodStatus, Sex
from guidance.models import AttendanceRecord, AttendanceStatus
from organisations.models import Organiser, Unit
from reporting.figures import ABSENCE_CODES as ABSENCE_CODES  # re-exported for the renderers
from reporting.figures import absence_counts as absence_counts
from reporting.figures import absence_days as absence_days
from reporting.models import Rate, RateKind
from reporting.params import ReportParams

SEX_KEYS = ("total", "woman", "man", "non_binary", "unknown")
KNOWN_SEXES = (Sex.WOMAN, Sex.MAN, Sex.NON_BINARY)


class ReportError(Exception):
    """The report cannot be built as asked, for a reason a person can fix (e.g. no rate)."""


# --- header -----------------------------------------------------------------------------------


def header(kind: str, params: ReportParams, *, include_personal: bool) -> dict[str, Any]:
    """The keys every JSON report starts with (interfaces.md §3), plus what shaped the figures:
    ``suppress_below`` and whether personal data is included."""
    return {
        "kind": kind,
        "from": params.date_from.isoformat(),
        "to": params.date_to.isoformat(),
        "filters": params.filters,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "suppress_below": params.suppress_below,
        "personal_data": include_personal,
    }


# --- scope ------------------------------------------------------------------------------------


def filter_q(params: ReportParams, prefix: str = "") -> Q:
    """The filters as a Q on Period (``prefix=""``) or across a relation (``"period__"``)."""
    q = ~Q(**{f"{prefix}status": PeriodStatus.DRAFT})
    if params.units:
        q &= Q(**{f"{prefix}unit__code__in": params.units})
    if params.municipality:
        q &= Q(**{f"{prefix}client__home_municipality__code": params.municipality})
    if params.organiser:
        q &= Q(**{f"{prefix}unit__organiser__code": params.organiser})
    if params.project:
        project_units = Unit.objects.filter(projects__code=params.project).values("pk")
        q &= Q(**{f"{prefix}unit__in": project_units})
    return q


def overlap_q(params: ReportParams, prefix: str = "") -> Q:
    """Periods whose days (start to exit, else to planned end) touch the range."""
    return Q(**{f"{prefix}start_date__lte": params.date_to}) & (
        Q(**{f"{prefix}exit_date__gte": params.date_from})
        | Q(**{f"{prefix}exit_date__isnull": True, f"{prefix}end_date__gte": params.date_from})
    )


def scoped_periods(params: ReportParams) -> QuerySet[Period]:
    return Period.objects.filter(filter_q(params) & overlap_q(params))


def scoped_records(params: ReportParams) -> QuerySet[AttendanceRecord]:
    return AttendanceRecord.objects.filter(
        filter_q(params, "period__"), date__gte=params.date_from, date__lte=params.date_to
    )


def ranked_periods(
    params: ReportParams, *, first: bool, per_unit: bool = False
) -> QuerySet[Period]:
    """Each participant's first (or last) in-scope period — per unit with ``per_unit`` —
    picked by ``ROW_NUMBER()`` and kept by filtering on it (Django wraps the ranked query).

    Only for ``aggregate()`` or to take ids from: a further ``.filter()`` on a field, or a
    ``values().annotate()`` grouping, would apply *before* the ranking and change which
    period is first or last. Aggregating over this directly reads the periods once;
    :func:`last_periods` reads them again by id.
    """
    order = (
        [F("start_date").asc(), F("pk").asc()]
        if first
        else [F("start_date").desc(), F("pk").desc()]
    )
    partition = [F("client_id"), F("unit_id")] if per_unit else [F("client_id")]
    return (
        scoped_periods(params)
        .annotate(rank=Window(RowNumber(), partition_by=partition, order_by=order))
        .filter(rank=1)
        .order_by()
    )


def count_ranked(
    ranked: QuerySet[Any],
    *,
    where: str,
    uses: Iterable[str],
    params: Sequence[Any] = (),
    group: Iterable[str],
    sums: Iterable[str] = (),
    order: Iterable[str] = (),
) -> list[tuple[Any, ...]]:
    """Rows of a ranked query (annotated with a window function) kept by ``where`` and
    counted by ``group``: each group's values, its number of rows and the ``SUM`` of each of
    ``sums``, ordered by ``order`` (names of ``group``).

    The ORM cannot group the rows that a window function keeps (it would group before the
    ranking), so Django's SQL of the ranked query is wrapped in one outer ``GROUP BY`` here.
    ``where`` and ``sums`` are SQL over the annotations named in ``group`` and ``uses``;
    ``where``'s values are in ``params``.
    """
    group = list(group)
    rows = ranked.values(*group, *uses).order_by()
    try:
        inner, values = rows.query.sql_with_params()
    except EmptyResultSet:
        return []
    names = ", ".join(group)
    totals = "".join(f", SUM({expression})" for expression in sums)
    sql = (
        f"SELECT {names}, COUNT(*){totals} FROM ({inner}) ranked "  # noqa: S608 (Django's SQL)
        f"WHERE {where} GROUP BY {names}"
    )
    if order := list(order):
        sql += " ORDER BY " + ", ".join(order)
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, [*values, *params])
        return cursor.fetchall()


def _ranked_period_ids(
    params: ReportParams, *, first: bool, per_unit: bool = False
) -> QuerySet[Period]:
    return ranked_periods(params, first=first, per_unit=per_unit).values("pk")


def first_periods(params: ReportParams) -> QuerySet[Period]:
    """One period per participant: their first in the range, after filters."""
    return Period.objects.filter(pk__in=_ranked_period_ids(params, first=True))


def last_periods(params: ReportParams, *, per_unit: bool = False) -> QuerySet[Period]:
    """One period per participant: their last in the range, after filters. ``per_unit``:
    one per participant and unit, their last in that unit (as a report of the unit alone
    finds it)."""
    return Period.objects.filter(pk__in=_ranked_period_ids(params, first=False, per_unit=per_unit))


def age_at(day_field: str, birth_field: str) -> Any:
    """Age in whole years on ``day_field``, in SQL that SQLite and PostgreSQL both run:
    the difference of years, minus one if the birthday is still ahead that year
    (the same rule as ``Client.age_on``)."""
    day_of_year = ExtractMonth(day_field) * 100 + ExtractDay(day_field)
    birthday = ExtractMonth(birth_field) * 100 + ExtractDay(birth_field)
    return (
        ExtractYear(day_field)
        - ExtractYear(birth_field)
        - Case(When(LessThan(day_of_year, birthday), then=Value(1)), default=Value(0))
    )


# --- counting ---------------------------------------------------------------------------------


def sex_q(sex: str, field: str = "client__sex") -> Q | None:
    if sex == "total":
        return None
    if sex == "unknown":
        return ~Q(**{f"{field}__in": KNOWN_SEXES})
    return Q(**{field: sex})


class CountTable:
    """Named ``Count`` expressions collected into one ``aggregate()`` query and read back
    as nested dictionaries, e.g. ``{"exits": {"completed": {"total": 3, "woman": 1, ...}}}``."""

    def __init__(self, sex_field: str = "client__sex") -> None:
        self.sex_field = sex_field
        self.expressions: dict[str, Count] = {}
        self.paths: dict[str, tuple[str, ...]] = {}

    def add(self, path: tuple[str, ...], condition: Q | None) -> None:
        alias = f"c{len(self.expressions)}"
        self.expressions[alias] = Count("pk", filter=condition)
        self.paths[alias] = path

    def add_by_sex(self, path: tuple[str, ...], condition: Q | None) -> None:
        for sex in SEX_KEYS:
            by_sex = sex_q(sex, self.sex_field)
            if condition is None:
                combined = by_sex
            elif by_sex is None:
                combined = condition
            else:
                combined = condition & by_sex
            self.add((*path, sex), combined)

    def aggregate(self, queryset: QuerySet[Any]) -> dict[str, Any]:
        values = queryset.aggregate(**self.expressions) if self.expressions else {}
        result: dict[str, Any] = {}
        for alias, path in self.paths.items():
            node = result
            for key in path[:-1]:
                node = node.setdefault(key, {})
            node[path[-1]] = values[alias] or 0
        return result


# --- money ------------------------------------------------------------------------------------


def rates_in_force(kind: RateKind, params: ReportParams) -> list[tuple[datetime.date, int]]:
    """The rates of ``kind`` in force during the range, oldest first, as (valid from, whole
    cents). A day before the first dated rate has no known rate: it is priced at nothing and
    counted as unpriced (:func:`priced_days`), never priced by a guess (DOMAIN.md §3)."""
    rates = Rate.objects.in_force(kind, params.date_from, params.date_to)
    return [(rate.valid_from, int(rate.amount * 100)) for rate in rates]


def rates_required(kind: RateKind, params: ReportParams) -> list[tuple[datetime.date, int]]:
    """:func:`rates_in_force`, for a report that must price every day (a claim to the state):
    ReportError, with what to do, when the range starts before the first dated rate."""
    cents = rates_in_force(kind, params)
    if not cents or cents[0][0] > params.date_from:
        raise ReportError(
            _("No %(kind)s rate is in force on %(day)s; add one in the rate table.")
            % {"kind": RateKind(kind).label, "day": params.date_from.strftime("%d.%m.%Y")}
        )
    return cents


def priced_days(kind: RateKind, params: ReportParams, date_field: str = "date") -> tuple[Any, Q]:
    """The rate of each record's day in cents (:func:`rate_case`) and the condition of the
    days before the first dated rate of ``kind`` (no rate is known for them: DOMAIN.md §3),
    from one read of the rate table."""
    rates = list(Rate.objects.filter(kind=kind).order_by("valid_from"))
    before = [rate for rate in rates if rate.valid_from <= params.date_from]
    in_force = before[-1:] + [
        rate for rate in rates if params.date_from < rate.valid_from <= params.date_to
    ]
    cents = [(rate.valid_from, int(rate.amount * 100)) for rate in in_force]
    unpriced = (
        Q(**{f"{date_field}__lt": rates[0].valid_from})
        if rates
        else Q(**{f"{date_field}__isnull": False})
    )
    return rate_case(cents, date_field), unpriced


def rate_case(cents: list[tuple[datetime.date, int]], date_field: str = "date") -> Any:
    """The rate of each row's day (``date_field``) in cents, as an SQL expression:
    ``CASE WHEN date >= newest.valid_from THEN newest WHEN ... ELSE 0 END`` (0 before the
    first rate: such a day is unpriced)."""
    if not cents:
        return Value(0, output_field=IntegerField())
    return Case(
        *(
            When(**{f"{date_field}__gte": valid_from}, then=Value(amount))
            for valid_from, amount in reversed(cents)
        ),
        default=Value(0),
        output_field=IntegerField(),
    )


def first_of_day(client_field: str = "period__client_id") -> Exists:
    """True for a present record that is the client's first of its date (by period): a client
    present in two units on one day is one person-day, paid and compensated once (DOMAIN.md
    §3). The later records of the same date are not."""
    return ~Exists(
        AttendanceRecord.objects.filter(
            period__client_id=OuterRef(client_field),
            date=OuterRef("date"),
            status=AttendanceStatus.PRESENT,
            period_id__lt=OuterRef("period_id"),
        )
    )


def money(cents: int | None) -> str:
    """Whole cents as euros with two decimals: 8100 → "81.00"."""
    return str(Decimal(cents or 0).scaleb(-2))


def week_monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.isoweekday() - 1)


def week_sunday(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=7 - day.isoweekday())


# --- names onto grouped rows ------------------------------------------------------------------


def with_names(
    using: str,
    grouped_sql: str,
    values: Sequence[Any],
    *,
    client_key: str,
    unit_key: str,
    include_personal: bool,
    organiser: bool = False,
    then_by: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """The rows of ``grouped_sql`` (records already grouped by ids only: ``client_key`` and
    ``unit_key`` name its client and unit id columns) with the unit's ``unit`` name and
    ``unit_code`` — the ``organiser`` name when asked — and, with ``include_personal``, the
    client's ``hetu`` (opened), ``last_name`` and ``first_name`` joined onto them afterwards.

    Grouping millions of records by identity codes and names makes the database sort wide rows
    (and the codes are ciphertext); the names are joined onto the few grouped rows instead.
    Ordered by unit name, then — with personal data — client name and date of birth, then the
    client and unit ids and ``then_by`` (grouped columns). One query."""
    connection = connections[using]
    quote = connection.ops.quote_name
    unit_table, client_table = quote(Unit._meta.db_table), quote(Client._meta.db_table)
    columns = ["u.name", "u.code"]
    joins = [f"JOIN {unit_table} u ON u.id = g.{quote(unit_key)}"]
    if organiser:
        columns.append("o.name")
        joins.append(f"JOIN {quote(Organiser._meta.db_table)} o ON o.id = u.organiser_id")
    order = ["u.name"]
    if include_personal:
        columns += ["c.hetu", "c.last_name", "c.first_name"]
        joins.append(f"JOIN {client_table} c ON c.id = g.{quote(client_key)}")
        order += ["c.last_name", "c.first_name", "c.date_of_birth"]
    order += [f"g.{quote(key)}" for key in (client_key, unit_key, *then_by)]
    sql = (
        f"SELECT g.*, {', '.join(columns)} FROM ({grouped_sql}) g "  # noqa: S608 (Django's SQL)
        f"{' '.join(joins)} ORDER BY {', '.join(order)}"
    )
    names = ["unit", "unit_code", *(["organiser"] if organiser else [])]
    if include_personal:
        names += ["hetu", "last_name", "first_name"]
    rows = []
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        grouped_names = [column[0] for column in cursor.description][: -len(names)]
        for found in cursor.fetchall():
            row = dict(zip([*grouped_names, *names], found, strict=True))
            if include_personal:
                row["hetu"] = open_hetu(row["hetu"]) if row["hetu"] else row["hetu"]
            rows.append(row)
    return rows
