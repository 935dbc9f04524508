"""The counsellor's agenda: today's and this week's sessions, and follow-ups due."""

from __future__ import annotations

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.template.loader import render_to_string

from clients.models import Destination, ExitReason, PeriodStatus
from guidance.agenda import counsellor_agenda
from organisations.access import get_access
from tests.guidance.sessions.conftest import active_period
from tests.guidance.sessions.factories import GroupSessionFactory, IndividualSessionFactory, at
from tests.organisations.factories import GroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_day(today: datetime.date) -> datetime.date:
    """Another day of the same week (Monday to Sunday)."""
    return today + datetime.timedelta(days=1 if today.weekday() == 0 else -1)


def test_the_agenda_lists_today_and_the_week(
    counsellor, kuty_client, group, other_unit, today, other_day
):
    todays = GroupSessionFactory(group=group, starts_at=at(today, 13), topic="Tänään")
    weeks = GroupSessionFactory(group=group, starts_at=at(other_day, 10), topic="Viikolla")
    GroupSessionFactory(group=group, starts_at=at(today - datetime.timedelta(days=8), 10))
    GroupSessionFactory(group=GroupFactory(unit=other_unit), starts_at=at(today, 9))
    mine = IndividualSessionFactory(
        client=kuty_client, starts_at=at(today, 9), counsellors=[counsellor], topic="Oma"
    )
    IndividualSessionFactory(client=kuty_client, starts_at=at(today, 11))  # someone else's

    agenda = counsellor_agenda(counsellor, today)

    assert [item.topic for item in agenda.today_items] == [mine.topic, todays.topic]
    assert [item.kind for item in agenda.today_items] == ["individual", "group"]
    assert agenda.today_items[0].title == kuty_client.full_name
    assert [item.topic for item in agenda.week_items] == [weeks.topic]
    assert agenda.week_start.weekday() == 0
    assert agenda.week_end == agenda.week_start + datetime.timedelta(days=6)


def test_the_agenda_lists_follow_ups_due(counsellor, kuty_client, unit, today):
    exit_date = today - relativedelta(months=3)
    period = active_period(
        kuty_client,
        unit,
        today,
        start_date=exit_date - relativedelta(months=4),
        end_date=exit_date,
        status=PeriodStatus.ENDED,
        exit_date=exit_date,
        exit_reason=ExitReason.COMPLETED,
        destination=Destination.UNEMPLOYED,
        follow_up_consent=True,
    )
    agenda = counsellor_agenda(counsellor, today)
    assert [(item.period, item.months) for item in agenda.follow_ups] == [(period, 3)]
    html = render_to_string("guidance/partials/home_agenda.html", {"agenda": agenda})
    assert kuty_client.full_name in html
    assert 'data-testid="follow-up-row"' in html


def test_nothing_for_users_without_units_of_their_own(project_manager, outsider, group, today):
    GroupSessionFactory(group=group, starts_at=at(today, 13))
    assert counsellor_agenda(project_manager, today).is_empty
    assert counsellor_agenda(outsider, today).is_empty


def test_the_agenda_takes_three_queries(
    counsellor, kuty_client, group, today, other_day, django_assert_num_queries
):
    get_access(counsellor)
    for hour in (9, 11, 13):
        GroupSessionFactory(group=group, starts_at=at(today, hour))
        IndividualSessionFactory(
            client=kuty_client, starts_at=at(other_day, hour), counsellors=[counsellor]
        )
    with django_assert_num_queries(3):
        agenda = counsellor_agenda(counsellor, today)
    assert len(agenda.today_items) == 3
    assert len(agenda.week_items) == 3
    html = render_to_string("guidance/partials/home_agenda.html", {"agenda": agenda})
    assert html.count('data-testid="agenda-today"') == 3
