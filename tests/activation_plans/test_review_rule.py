"""The 24-month review rule (DOMAIN.md §2) to the day: the union of the client's period days
since the last review, reached when it holds as many days as the 24 months from its first day."""

from __future__ import annotations

import datetime

import pytest

from activation_plans.review import clients_due_for_review, review_reached_on
from clients.models import PeriodStatus
from tests.activation_plans.factories import AgreedPlanFactory, FollowUpFactory
from tests.clients.factories import ClientFactory, PeriodFactory

D = datetime.date


@pytest.mark.parametrize(
    ("spans", "after", "reached"),
    [
        # DOMAIN.md §2: a period of 1.1.2025–31.12.2026 is exactly 24 months.
        ([(D(2025, 1, 1), D(2026, 12, 31))], None, D(2026, 12, 31)),
        # One day short: never reached.
        ([(D(2025, 1, 1), D(2026, 12, 30))], None, None),
        # 24 months over a leap day: 16.10.2011–15.10.2013 (interfaces.md §1's example).
        ([(D(2011, 10, 16), D(2013, 10, 15))], None, D(2013, 10, 15)),
        # Two overlapping periods count once: 13 months of two units is 13 months.
        ([(D(2025, 1, 1), D(2026, 1, 31)), (D(2025, 1, 1), D(2026, 1, 31))], None, None),
        # Overlap then a later stretch: the union counts, not the sum.
        (
            [(D(2024, 1, 1), D(2024, 12, 31)), (D(2024, 6, 1), D(2025, 12, 31))],
            None,
            D(2025, 12, 31),
        ),
        # A gap: days outside periods do not count (366 days of 2024, then 365 more).
        (
            [(D(2024, 1, 1), D(2024, 12, 31)), (D(2025, 3, 1), D(2026, 3, 3))],
            None,
            D(2026, 2, 28),
        ),
        # After a review the count starts again the next day.
        ([(D(2023, 1, 1), D(2026, 12, 31))], D(2024, 12, 31), D(2026, 12, 31)),
        ([(D(2023, 1, 1), D(2026, 12, 31))], D(2025, 1, 1), None),
    ],
)
def test_review_reached_on(spans, after, reached):
    assert review_reached_on(spans, after=after) == reached


@pytest.mark.django_db
def test_one_review_answers_for_every_plan_and_later_periods_do_not_fire_again(unit):
    client = ClientFactory(registered_unit=unit)
    first = AgreedPlanFactory(
        period__client=client,
        period__unit=unit,
        period__ended=True,
        period__start_date=D(2023, 1, 1),
        period__end_date=D(2024, 12, 31),
    )
    horizon = D(2025, 6, 30)
    assert clients_due_for_review([client.pk], horizon) == {client.pk: D(2024, 12, 31)}
    FollowUpFactory(plan=first, date=D(2025, 1, 10), is_24_month_review=True)
    PeriodFactory(
        client=client,
        unit=unit,
        status=PeriodStatus.ACTIVE,
        start_date=D(2025, 2, 1),
        end_date=D(2026, 12, 31),
    )
    assert clients_due_for_review([client.pk], horizon) == {}
    # The next review falls due 24 months of KUTY time after the last one.
    assert clients_due_for_review([client.pk], D(2027, 1, 31)) == {}
    assert clients_due_for_review([client.pk], D(2026, 12, 31)) == {}
