"""Reminders on the counsellor's and unit manager's home pages, for a fixed today."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from activation_plans.selectors import reminders_for
from clients.models import PeriodStatus
from tests.activation_plans.factories import AgreedPlanFactory, FollowUpFactory, PlanFactory
from tests.clients.factories import ClientFactory, PeriodFactory
from tests.organisations.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)
DAY = datetime.timedelta(days=1)


def fresh(user: User) -> User:
    """The user without the cached access, as a new request would have it."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def colleague(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="eeva")


def client_of(unit, counsellor=None, **kwargs):  # type: ignore[no-untyped-def]
    return ClientFactory(registered_unit=unit, responsible_counsellor=counsellor, **kwargs)


def active(client, unit, start, end, **kwargs):  # type: ignore[no-untyped-def]
    return PeriodFactory(
        client=client, unit=unit, status=PeriodStatus.ACTIVE, start_date=start, end_date=end,
        **kwargs,
    )  # fmt: skip


def test_plans_waiting_for_agreement_own_clients_first(counsellor, colleague, unit, other_unit):
    theirs = PlanFactory(period__client=client_of(unit, colleague), period__unit=unit)
    mine = PlanFactory(
        period__client=client_of(unit, counsellor),
        period__unit=unit,
        period__start_date=datetime.date(2026, 7, 6),
    )
    PlanFactory(period__client=client_of(other_unit), period__unit=other_unit)
    AgreedPlanFactory(period__client=client_of(unit), period__unit=unit)

    reminders = reminders_for(user=counsellor, today=TODAY)
    assert reminders.awaiting_agreement == [mine, theirs]
    assert [plan.own for plan in reminders.awaiting_agreement] == [True, False]


def test_follow_ups_due_within_14_days_or_overdue(counsellor, unit):
    def plan(next_follow_up, factory=AgreedPlanFactory):  # type: ignore[no-untyped-def]
        return factory(
            period__client=client_of(unit), period__unit=unit, next_follow_up=next_follow_up
        )

    overdue = plan(TODAY - 3 * DAY)
    in_14_days = plan(TODAY + 14 * DAY)
    plan(TODAY + 15 * DAY)
    plan(None)
    plan(TODAY, factory=PlanFactory)  # a draft has no follow-ups yet

    reminders = reminders_for(user=counsellor, today=TODAY)
    assert reminders.follow_ups_due == [overdue, in_14_days]


def test_periods_ending_within_30_days_without_an_exit(counsellor, unit):
    start = datetime.date(2026, 1, 5)
    ends_in_30 = active(client_of(unit), unit, start, TODAY + 30 * DAY)
    ended_unrecorded = active(client_of(unit), unit, start, TODAY - 2 * DAY)
    active(client_of(unit), unit, start, TODAY + 31 * DAY)
    PeriodFactory(client=client_of(unit), unit=unit, start_date=start, end_date=TODAY, ended=True)
    PeriodFactory(  # agreed, not yet started: not "ending"
        client=client_of(unit), unit=unit, status=PeriodStatus.AGREED, start_date=start,
        end_date=TODAY + 5 * DAY,
    )  # fmt: skip

    reminders = reminders_for(user=counsellor, today=TODAY)
    assert reminders.ending_soon == [ended_unrecorded, ends_in_30]


def test_clients_reaching_24_months_in_kuty(counsellor, unit, other_unit):
    def long_client(unit_now):  # type: ignore[no-untyped-def]
        client = client_of(unit)
        # An earlier period from 3.6.2024, then one running on from 3.6.2025: one unbroken
        # stretch, 24 months on 2.6.2026 (within today + 30 days).
        PeriodFactory(
            client=client, unit=unit, start_date=datetime.date(2024, 6, 3),
            end_date=datetime.date(2025, 6, 2), ended=True,
        )  # fmt: skip
        return AgreedPlanFactory(
            period__client=client,
            period__unit=unit_now,
            period__status=PeriodStatus.ACTIVE,
            period__start_date=datetime.date(2025, 6, 3),
            period__end_date=datetime.date(2026, 12, 31),
        )

    due = long_client(unit)
    reviewed = long_client(unit)
    FollowUpFactory(plan=reviewed, is_24_month_review=True)
    long_client(other_unit)  # not this counsellor's unit
    # 546 days by 1.7.2026: not yet.
    active(client_of(unit), unit, datetime.date(2025, 1, 1), datetime.date(2026, 12, 31))

    reminders = reminders_for(user=counsellor, today=TODAY)
    assert reminders.review_24_months == [due.period]
    assert reminders.review_24_months[0].review_reached_on == datetime.date(2026, 6, 2)


def test_reminders_are_scoped_to_editable_units(
    counsellor, outsider, unit, other_unit, django_user_model
):
    PlanFactory(period__client=client_of(unit), period__unit=unit)
    theirs = PlanFactory(period__client=client_of(other_unit), period__unit=other_unit)
    assert reminders_for(user=outsider, today=TODAY).awaiting_agreement == [theirs]
    nobody = UserFactory()
    assert reminders_for(user=nobody, today=TODAY).total == 0


def test_reminder_queries_do_not_grow_with_the_data(counsellor, unit, django_assert_num_queries):
    def make_some() -> None:
        PlanFactory(period__client=client_of(unit, counsellor), period__unit=unit)
        AgreedPlanFactory(period__client=client_of(unit), period__unit=unit, next_follow_up=TODAY)
        plan = AgreedPlanFactory(
            period__client=client_of(unit),
            period__unit=unit,
            period__status=PeriodStatus.ACTIVE,
            period__start_date=datetime.date(2024, 6, 10),
            period__end_date=TODAY + 10 * DAY,
        )
        FollowUpFactory(plan=plan)

    make_some()
    user = fresh(counsellor)
    # Roles, a query per list, the 24-month reviews: the last reviews, then the periods.
    with django_assert_num_queries(7):
        reminders = reminders_for(user=user, today=TODAY)
    assert reminders.total == 4
    for _ in range(4):
        make_some()
    user = fresh(counsellor)
    with django_assert_num_queries(7):
        reminders = reminders_for(user=user, today=TODAY)
        # Reading what the page shows needs nothing more.
        for plan in reminders.awaiting_agreement + reminders.follow_ups_due:
            str(plan.period.client.full_name), str(plan.period.unit)
        for period in reminders.ending_soon + reminders.review_24_months:
            str(period.client.full_name), period.plan.uuid
    assert reminders.total == 20


def test_home_pages_show_the_reminders(client, counsellor, unit_manager, unit):
    today = timezone.localdate()  # the page's today
    plan = PlanFactory(period__client=client_of(unit, counsellor, last_name="Odottaja"))
    follow = AgreedPlanFactory(
        period__client=client_of(unit, last_name="Seurattava"), next_follow_up=today
    )
    for user, url_name in ((counsellor, "home_counsellor"), (unit_manager, "home_unit_manager")):
        client.force_login(user)
        response = client.get(reverse(url_name))
        body = response.content.decode()
        assert response.status_code == 200
        assert "Plans waiting for agreement" in body
        assert "Follow-ups due" in body
        assert "Periods ending within 30 days" in body
        assert "24 months in KUTY: review the plan" in body
        assert reverse("activation_plans:detail", args=[plan.uuid]) in body
        assert reverse("activation_plans:follow_up_create", args=[follow.uuid]) in body
        assert "Odottaja" in body
        assert "Seurattava" in body
