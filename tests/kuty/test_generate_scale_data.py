"""``manage.py generate_scale_data`` (kuty/scale_data.py): a tiny data set on the test database,
PostgreSQL (COPY) or SQLite (INSERT), checked against the application's own definitions."""

from __future__ import annotations

import datetime
import io
from collections import Counter, defaultdict

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.utils import timezone

from activation_plans.models import ActivationPlan
from clients.crypto import hetu_digest
from clients.hetu import validate_hetu
from clients.models import Client, Period, PeriodStatus
from guidance.calendar import finnish_holidays, scheduled_days
from guidance.models import AttendanceRecord, AttendanceStatus, GroupMembership
from organisations.models import ClosureDay, Unit
from reporting.builders import build_report
from reporting.models import AttendanceMonthTotals
from reporting.params import ReportParams

pytestmark = pytest.mark.django_db

CLIENTS = 40


def generate(**options):  # type: ignore[no-untyped-def]
    out, err = io.StringIO(), io.StringIO()
    call_command("generate_scale_data", stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def generated():  # type: ignore[no-untyped-def]
    return generate(clients=CLIENTS, years=1)


def last_full_month() -> tuple[datetime.date, datetime.date]:
    last = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    return last.replace(day=1), last


def test_counts_and_progress(generated):  # type: ignore[no-untyped-def]
    out, err = generated
    assert Client.objects.count() == CLIENTS
    assert Unit.objects.filter(code__startswith="SC").count() == 40
    assert Unit.objects.values("organiser").distinct().count() == 3
    assert Unit.objects.values("municipality").distinct().count() == 12
    assert ClosureDay.objects.filter(unit__code="SC01").exists()
    periods = Period.objects.exclude(status=PeriodStatus.DRAFT)
    assert ActivationPlan.objects.count() == periods.count()
    assert GroupMembership.objects.count() == Period.objects.count()
    records = AttendanceRecord.objects.count()
    assert records > CLIENTS * 50
    assert f"{CLIENTS:,} clients" in out
    assert f"{records:,} attendance records" in out
    assert "attendance" in err  # the progress bar
    assert "100%" in err


def test_a_record_on_every_scheduled_day_and_not_organised_on_days_off(generated):  # type: ignore[no-untyped-def]
    """The records are what the month sheet expects: one on each of the period's scheduled
    days (guidance.calendar) up to yesterday, ``not_organised`` exactly on public holidays
    and the unit's closure days, the period's hours on present days."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    days = defaultdict(dict)
    for period_id, day, status, hours in AttendanceRecord.objects.values_list(
        "period_id", "date", "status", "hours"
    ):
        days[period_id][day] = (status, hours)
    closures = defaultdict(set)
    for unit_id, day in ClosureDay.objects.values_list("unit_id", "date"):
        closures[unit_id].add(day)
    holidays = set(finnish_holidays(yesterday - datetime.timedelta(days=800), yesterday))
    for period in Period.objects.all():
        recorded = days.get(period.pk, {})
        if period.status == PeriodStatus.DRAFT:
            assert recorded == {}
            continue
        expected = scheduled_days(period, period.start_date, yesterday)
        assert sorted(recorded) == expected
        for day, (status, hours) in recorded.items():
            day_off = day in holidays or day in closures[period.unit_id]
            assert (status == AttendanceStatus.NOT_ORGANISED) == day_off
            assert hours == (period.hours_per_day if status == AttendanceStatus.PRESENT else 0)


def test_identity_codes_are_valid_and_found_by_their_digest(generated):  # type: ignore[no-untyped-def]
    codes = [client.hetu for client in Client.objects.all()]
    assert len(set(codes)) == CLIENTS
    for code in codes:
        assert validate_hetu(code) == code
    if any(f.name == "hetu_hmac" for f in Client._meta.fields):  # encrypted at rest
        client = Client.objects.first()
        assert Client.objects.get(hetu_hmac=hetu_digest(client.hetu)) == client


def test_monthly_totals_agree_with_the_reports(generated):  # type: ignore[no-untyped-def]
    """The dashboards' kept totals of a month equal the attendance and state-compensation
    reports built from the records of the same month."""
    first, last = last_full_month()
    totals = AttendanceMonthTotals.objects.filter(month=first).aggregate(
        planned=Sum("planned_days"),
        present=Sum("present_days"),
        not_organised=Sum("not_organised_days"),
        sick=Sum("absent_sick"),
        compensated=Sum("compensated_days"),
    )
    raw = {"from": first.isoformat(), "to": last.isoformat()}
    attendance = build_report(ReportParams.parse({"kind": "attendance", **raw}))
    claim = build_report(ReportParams.parse({"kind": "state-compensation", **raw}))
    assert totals["planned"] == attendance["totals"]["planned_days"] > 0
    assert totals["present"] == attendance["totals"]["present_days"]
    assert totals["not_organised"] == attendance["totals"]["not_organised_days"]
    assert totals["sick"] == attendance["totals"]["absence_days"]["sick"]
    assert totals["compensated"] == claim["totals"]["compensated_days"] > 0


def test_reports_build_from_it(generated):  # type: ignore[no-untyped-def]
    first, last = last_full_month()
    raw = {"from": first.isoformat(), "to": last.isoformat()}
    allowance = build_report(ReportParams.parse({"kind": "allowance", **raw}))
    outcome = build_report(ReportParams.parse({"kind": "outcome", **raw}))
    assert allowance["totals"]["present_days"] > 0
    assert Counter(row["payer"] for row in allowance["rows"])["kela"] > 0
    assert outcome["participants"]["total"] > 0


def test_refuses_a_database_with_clients_unless_forced_or_flushed(generated):  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="--force"):
        generate(clients=5, years=1)
    assert Client.objects.count() == CLIENTS

    generate(clients=5, years=1, force=True, seed=7)
    assert Client.objects.count() == CLIENTS + 5
    assert Unit.objects.filter(code__startswith="SC").count() == 40  # reused

    generate(clients=6, years=1, flush=True)
    assert Client.objects.count() == 6
    assert not AttendanceRecord.objects.filter(period__client__isnull=True).exists()
