"""Ending a period with the exit codes (DOMAIN.md §4) and the follow-ups at 3 and 6 months."""

from __future__ import annotations

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AccessLogEntry, Action
from clients.models import Destination, ExitReason, PeriodStatus
from guidance.session_selectors import follow_ups_due
from guidance.transition_services import period_follow_up_record
from tests.guidance.sessions.conftest import active_period
from tests.guidance.sessions.factories import AttendanceRecordFactory, GroupMembershipFactory

pytestmark = pytest.mark.django_db


def end_url(period) -> str:  # type: ignore[no-untyped-def]
    return reverse("guidance:period_end", kwargs={"code": period.uuid})


def follow_up_url(period, months: int) -> str:  # type: ignore[no-untyped-def]
    return reverse("guidance:period_follow_up", kwargs={"code": period.uuid, "months": months})


def exit_data(day: datetime.date, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "exit_date": day.isoformat(),
        "exit_reason": ExitReason.INTERRUPTED,
        "destination": Destination.EDUCATION,
        "follow_up_consent": "on",
    }
    data.update(overrides)
    return data


def test_ending_a_period_records_the_codes_and_ends_it(
    client, counsellor, period, plan, group, today
):
    membership = GroupMembershipFactory(group=group, client=period.client)
    client.force_login(counsellor)
    assert client.get(end_url(period)).status_code == 200
    response = client.post(end_url(period), exit_data(today))

    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", kwargs={"code": period.client.uuid})
    period.refresh_from_db()
    assert period.status == PeriodStatus.ENDED
    assert (period.exit_date, period.exit_reason, period.destination) == (
        today,
        "interrupted",
        "education",
    )
    assert period.follow_up_consent is True
    membership.refresh_from_db()
    assert membership.end_date == today
    assert AccessLogEntry.objects.filter(
        action=Action.CHANGE, client_uuid=period.client.uuid, object_id=str(period.uuid)
    ).exists()


def test_a_new_kuty_period_continues_to_a_new_plan(client, counsellor, period, plan, today):
    client.force_login(counsellor)
    response = client.post(
        end_url(period),
        exit_data(today, exit_reason=ExitReason.COMPLETED, destination="new_kuty_period"),
    )
    create = reverse("activation_plans:create", kwargs={"client": period.client.uuid})
    assert response.status_code == 302
    assert response["Location"] == f"{create}?from={plan.uuid}"


def test_the_exit_is_refused_while_attendance_exists_after_it(client, counsellor, period, today):
    yesterday = today - datetime.timedelta(days=1)
    AttendanceRecordFactory(period=period, date=today)
    client.force_login(counsellor)
    response = client.post(end_url(period), exit_data(yesterday))

    assert response.status_code == 200
    errors = response.context["form"].errors["exit_date"]
    assert f"{today.day}.{today.month}.{today.year}" in errors[0]
    period.refresh_from_db()
    assert period.status == PeriodStatus.ACTIVE
    assert period.exit_date is None


@pytest.mark.parametrize(
    "offset",
    [pytest.param(1, id="tomorrow"), pytest.param(-61, id="before the start")],
)
def test_the_exit_date_is_today_or_earlier_and_not_before_the_start(
    client, counsellor, period, today, offset
):
    client.force_login(counsellor)
    response = client.post(end_url(period), exit_data(today + datetime.timedelta(days=offset)))
    assert response.status_code == 200
    assert response.context["form"].errors["exit_date"]
    period.refresh_from_db()
    assert period.status == PeriodStatus.ACTIVE


def test_an_unknown_code_is_refused(client, counsellor, period, today):
    client.force_login(counsellor)
    response = client.post(end_url(period), exit_data(today, destination="abroad"))
    assert response.status_code == 200
    assert response.context["form"].errors["destination"]


def test_an_ended_period_cannot_be_ended_again(client, counsellor, period, today):
    client.force_login(counsellor)
    client.post(end_url(period), exit_data(today))
    response = client.post(end_url(period), exit_data(today, destination="pension"))
    assert response.status_code == 200
    period.refresh_from_db()
    assert period.destination == "education"


def test_ending_scope(client, project_manager, outsider, counsellor, period, today):
    client.force_login(project_manager)
    assert client.get(end_url(period)).status_code == 403
    assert client.post(end_url(period), exit_data(today)).status_code == 403
    client.force_login(outsider)
    assert client.get(end_url(period)).status_code == 404
    assert client.post(end_url(period), exit_data(today)).status_code == 404
    period.refresh_from_db()
    assert period.status == PeriodStatus.ACTIVE


# Follow-ups ---------------------------------------------------------------------------------


def ended(client, unit, exit_date: datetime.date, consent: bool = True, **overrides):  # type: ignore[no-untyped-def]
    return active_period(
        client,
        unit,
        exit_date,
        start_date=exit_date - relativedelta(months=4),
        end_date=exit_date,
        status=PeriodStatus.ENDED,
        exit_date=exit_date,
        exit_reason=ExitReason.COMPLETED,
        destination=Destination.UNEMPLOYED,
        follow_up_consent=consent,
        **overrides,
    )


def test_follow_ups_are_listed_two_weeks_before_they_are_due(counsellor, kuty_client, unit, today):
    due_3 = ended(kuty_client, unit, today - relativedelta(months=3) + datetime.timedelta(days=10))
    later = ended(kuty_client, unit, today - relativedelta(months=3) + datetime.timedelta(days=20))
    overdue_6 = ended(
        kuty_client,
        unit,
        today - relativedelta(months=6) - datetime.timedelta(days=3),
        destination_3m=Destination.EDUCATION,
    )
    ended(kuty_client, unit, today - relativedelta(months=3), consent=False)

    due = follow_ups_due(counsellor, today)

    assert [(item.period, item.months) for item in due] == [(overdue_6, 6), (due_3, 3)]
    assert due[0].overdue
    assert not due[1].overdue
    assert due[1].due_date == due_3.exit_date + relativedelta(months=3)
    assert later not in [item.period for item in due]


def test_both_follow_ups_are_listed_when_neither_is_recorded(counsellor, kuty_client, unit, today):
    period = ended(kuty_client, unit, today - relativedelta(months=7))
    assert [item.months for item in follow_ups_due(counsellor, today)] == [3, 6]
    period.destination_3m = Destination.EDUCATION
    period.save()
    assert [item.months for item in follow_ups_due(counsellor, today)] == [6]


def test_follow_ups_are_listed_for_the_units_own_staff_only(
    counsellor, project_manager, outsider, kuty_client, unit, today
):
    ended(kuty_client, unit, today - relativedelta(months=3))
    assert len(follow_ups_due(counsellor, today)) == 1
    assert follow_ups_due(project_manager, today) == []
    assert follow_ups_due(outsider, today) == []


def test_recording_a_follow_up(client, counsellor, kuty_client, unit, today):
    period = ended(kuty_client, unit, today - relativedelta(months=3))
    client.force_login(counsellor)
    listing = client.get(reverse("guidance:follow_ups"))
    assert follow_up_url(period, 3) in listing.content.decode()
    assert client.get(follow_up_url(period, 3)).status_code == 200

    response = client.post(follow_up_url(period, 3), {"destination": "subsidised_work"})

    assert response.status_code == 302
    period.refresh_from_db()
    assert (period.destination_3m, period.destination_6m) == ("subsidised_work", "")
    assert follow_ups_due(counsellor, today) == []
    assert AccessLogEntry.objects.filter(
        action=Action.CHANGE, client_uuid=kuty_client.uuid, detail__startswith="3-month"
    ).exists()


def test_a_follow_up_is_not_recorded_too_early_or_without_consent(
    counsellor, kuty_client, unit, today
):
    recent = ended(kuty_client, unit, today - datetime.timedelta(days=30))
    with pytest.raises(ValidationError):
        period_follow_up_record(
            user=counsellor, period=recent, months=3, destination="education", today=today
        )
    no_consent = ended(kuty_client, unit, today - relativedelta(months=7), consent=False)
    with pytest.raises(ValidationError):
        period_follow_up_record(
            user=counsellor, period=no_consent, months=6, destination="education", today=today
        )


def test_follow_up_scope(client, counsellor, project_manager, outsider, kuty_client, unit, today):
    period = ended(kuty_client, unit, today - relativedelta(months=3))
    client.force_login(counsellor)
    assert client.get(follow_up_url(period, 5)).status_code == 404
    client.force_login(project_manager)
    assert client.post(follow_up_url(period, 3), {"destination": "education"}).status_code == 403
    client.force_login(outsider)
    assert client.post(follow_up_url(period, 3), {"destination": "education"}).status_code == 404
    period.refresh_from_db()
    assert period.destination_3m == ""
