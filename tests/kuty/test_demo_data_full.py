"""``manage.py demo_data`` with every app's demo step: what someone trying KUTY out clicks
through.

The command takes some seconds (tens on PostgreSQL), so a test checks much of one run. The tests
carry no marker that deselects them: CI runs them with the rest (``make test``)."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from io import StringIO

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.utils import timezone, translation

from accounts.models import User
from activation_plans.models import (
    ActivationPlan,
    ClientGoal,
    FollowUpMeeting,
    GoalAttainment,
    PlanVersion,
)
from activation_plans.selectors import reminders_for
from audit.models import AccessLogEntry
from clients.hetu import validate_hetu
from clients.models import Client, Language, Period, PeriodStatus
from guidance.calendar import scheduled_days
from guidance.models import (
    AttendanceCorrection,
    AttendanceMonthLock,
    AttendanceRecord,
    AttendanceStatus,
    GroupMembership,
    GroupSession,
    GroupSessionParticipant,
    IndividualSession,
    SessionKind,
)
from guidance.session_selectors import follow_ups_due
from guidance.warnings import over_weekly_days, units_warning_clients
from organisations.access import get_access
from organisations.demo import DEMO_PASSWORD
from organisations.models import Unit

pytestmark = pytest.mark.django_db

UNIT_MUNICIPALITIES = {"061", "398", "638", "734"}


def run_demo() -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("demo_data", stdout=out)
    return out.getvalue()


def test_clients_plans_attendance_and_sessions_over_the_four_units():
    output = run_demo()

    check_clients(output)
    check_periods_in_every_state()
    check_attendance_one_record_per_scheduled_day()
    check_groups_and_individual_sessions()


def check_clients(output: str) -> None:
    clients = list(Client.objects.select_related("registered_unit__municipality"))
    per_unit = Counter(c.registered_unit.municipality.code for c in clients)
    assert set(per_unit) == UNIT_MUNICIPALITIES
    assert 75 <= len(clients) <= 85
    assert all(15 <= count <= 25 for count in per_unit.values())
    for client in clients:
        assert validate_hetu(client.hetu) == client.hetu
        assert 19 <= client.age_on(timezone.localdate()) <= 63
        assert client.responsible_counsellor is not None
    assert {client.hetu[6] for client in clients} >= {"-", "Y", "A", "B"}
    swedish = [c for c in clients if c.service_language == Language.SWEDISH]
    assert swedish
    assert {c.registered_unit.municipality.code for c in swedish} == {"638"}
    assert any(c.non_disclosure for c in clients)
    assert len({c.home_municipality_id for c in clients}) > 4
    assert "demo-ohjaaja-porvoo" in output
    assert "demo-ohjaaja-salo" in output
    assert DEMO_PASSWORD in output
    for unit in Unit.objects.all():
        assert unit.name in output


def check_periods_in_every_state() -> None:
    statuses = Counter(Period.objects.values_list("status", flat=True))
    assert statuses[PeriodStatus.DRAFT] >= 5
    assert statuses[PeriodStatus.AGREED] >= 3
    assert statuses[PeriodStatus.ACTIVE] >= 40
    assert statuses[PeriodStatus.ENDED] >= 15
    today = timezone.localdate()
    for period in Period.objects.select_related("plan"):
        plan = period.plan
        if period.status == PeriodStatus.DRAFT:
            assert period.start_date > today
            continue
        assert plan.all_parties_agreed
        assert max(
            plan.client_agreed_on, plan.organiser_agreed_on, plan.employment_authority_agreed_on
        ) <= min(period.start_date, today)
        if period.status == PeriodStatus.AGREED:
            assert period.start_date > today
        elif period.status == PeriodStatus.ENDED:
            assert period.exit_date <= today
            assert period.exit_reason
            assert period.destination
    ended = Period.objects.filter(status=PeriodStatus.ENDED)
    assert ended.exclude(destination_3m="").exists()
    assert ended.exclude(destination_6m="").exists()
    assert {"open_labour_market", "subsidised_work", "education", "unemployed"} <= set(
        ended.values_list("destination", flat=True)
    )
    assert PlanVersion.objects.exists()
    assert GoalAttainment.objects.exists()
    assert ClientGoal.objects.exclude(gas_0="").exists()
    assert FollowUpMeeting.objects.exists()
    assert ActivationPlan.objects.count() == Period.objects.count()
    assert AccessLogEntry.objects.filter(detail="agreed by all three parties").exists()


def check_attendance_one_record_per_scheduled_day() -> None:
    today = timezone.localdate()
    first, last = today - relativedelta(months=3), today - datetime.timedelta(days=1)
    dates: dict[int, set[datetime.date]] = defaultdict(set)
    for period_id, day in AttendanceRecord.objects.values_list("period_id", "date"):
        dates[period_id].add(day)
    live = Period.objects.exclude(status=PeriodStatus.DRAFT).filter(start_date__lte=last)
    checked = 0
    extra: list[tuple[Period, datetime.date]] = []
    for period in live:
        expected = set(scheduled_days(period, first, last))
        recorded = dates.get(period.pk, set())
        assert expected <= recorded, period
        extra += [(period, day) for day in recorded - expected]
        checked += bool(expected)
    assert checked >= 45
    # One client came on an extra day, so the demo shows a week over the person's limit.
    ((period, day),) = extra
    weeks = over_weekly_days([period.client_id], day, day)[period.client_id]
    assert [monday for monday, _dates in weeks] == [day - datetime.timedelta(days=day.weekday())]
    # Last month is locked in Lahti, with a late correction and its reason.
    (correction,) = AttendanceCorrection.objects.all()
    assert correction.reason
    assert AttendanceMonthLock.objects.filter(
        unit=correction.record.period.unit, month=correction.record.date.replace(day=1)
    ).exists()
    statuses = Counter(AttendanceRecord.objects.values_list("status", flat=True))
    marked = sum(statuses.values()) - statuses[AttendanceStatus.NOT_ORGANISED]
    assert 0.8 <= statuses[AttendanceStatus.PRESENT] / marked <= 0.92
    for status in ("sick", "sick_certified", "child_sick", "job_interview", "unjustified"):
        assert statuses[status], status
    present = AttendanceRecord.objects.filter(status=AttendanceStatus.PRESENT)
    assert not present.filter(hours=0).exists()


def check_groups_and_individual_sessions() -> None:
    assert GroupMembership.objects.count() >= 45
    sessions = GroupSession.objects.all()
    assert sessions.count() >= 8 * 12  # 1–2 a week for each of the eight groups
    assert set(sessions.values_list("group__unit__municipality__code", flat=True)) == (
        UNIT_MUNICIPALITIES
    )
    assert GroupSessionParticipant.objects.filter(took_part=True).exists()
    assert GroupSessionParticipant.objects.exclude(note="").exists()
    kinds = set(IndividualSession.objects.values_list("kind", flat=True))
    assert {SessionKind.OFFICE, SessionKind.PHONE, SessionKind.HOME_VISIT} <= kinds
    assert not IndividualSession.objects.filter(starts_at__date__gte=timezone.localdate()).exists()


def test_the_counsellor_sees_warnings_and_every_kind_of_reminder():
    run_demo()

    user = User.objects.get(username="demo-ohjaaja")
    today = timezone.localdate()
    warnings = units_warning_clients(get_access(user).client_unit_ids, today)
    kinds = {warning.kind for client in warnings for warning in client.warnings}
    assert {"sick_over_3_days_uncertified", "unjustified_absence"} <= kinds
    reminders = reminders_for(user=user, today=today)
    assert reminders.awaiting_agreement
    assert reminders.follow_ups_due
    assert reminders.ending_soon
    assert reminders.review_24_months
    assert follow_ups_due(user, today)
    every_unit = Unit.objects.values_list("pk", flat=True)
    assert len(units_warning_clients(every_unit, today)) > len(warnings)


def everything() -> dict[str, object]:
    """What a second run could add to or change."""
    models = [
        Client,
        Period,
        ActivationPlan,
        PlanVersion,
        ClientGoal,
        FollowUpMeeting,
        GoalAttainment,
        GroupMembership,
        GroupSession,
        GroupSessionParticipant,
        IndividualSession,
        AttendanceRecord,
        AccessLogEntry,
        User,
    ]
    return {
        "counts": {model.__name__: model.objects.count() for model in models},
        "periods": sorted(Period.objects.values_list("pk", "status", "updated_at")),
        "attendance": sorted(AttendanceRecord.objects.values_list("pk", "status", "updated_at")),
    }


def test_a_second_run_changes_nothing():
    run_demo()
    before = everything()

    output = run_demo()

    assert "Demo data already exists" in output
    assert everything() == before
