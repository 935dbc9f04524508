"""The 24-month review (DOMAIN.md §2): a client's plan is reviewed when their calendar time in
KUTY since the last review reaches 24 months.

The time is the **union** of the days of the client's agreed, active and ended periods (both
ends included; overlapping periods count once), after the last 24-month review recorded on any
of the client's plans. It reaches 24 months on the day the union holds as many days as the 24
months from its first day do (``relativedelta``): a single period of 1.1.2025–31.12.2026 reaches
it on 31.12.2026, its last day. One review answers it for every plan of the client.

The union is walked in Python over the periods of the clients asked about: two queries, whatever
the number of clients.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Max

from clients.models import Period, PeriodStatus

from .models import FollowUpMeeting

REVIEW_MONTHS = 24
# The fewest days 24 months can have (two years without a 29 February): a union of fewer days
# has not reached them, whatever its first day.
FEWEST_DAYS = 730
ONE_DAY = datetime.timedelta(days=1)
Span = tuple[datetime.date, datetime.date]


def review_reached_on(
    spans: Iterable[Span], after: datetime.date | None = None
) -> datetime.date | None:
    """The day the union of ``spans`` (first and last day, both included), counted from the day
    after ``after``, reaches 24 months; None when it does not."""
    days = sorted(
        (max(first, after + ONE_DAY) if after else first, last)
        for first, last in spans
        if after is None or last > after
    )
    if not days or sum((last - first).days + 1 for first, last in days) < FEWEST_DAYS:
        return None  # the union has no more days than the spans together
    start = days[0][0]
    needed = (start + relativedelta(months=REVIEW_MONTHS) - start).days
    counted = 0
    current_first, current_last = days[0]
    for first, last in [*days[1:], (datetime.date.max, datetime.date.max)]:
        if first <= current_last + ONE_DAY:
            current_last = max(current_last, last)
            continue
        length = (current_last - current_first).days + 1
        if counted + length >= needed:
            return current_first + datetime.timedelta(days=needed - counted - 1)
        counted += length
        current_first, current_last = first, last
    return None


def clients_due_for_review(client_ids: Any, horizon: datetime.date) -> dict[int, datetime.date]:
    """For the given clients (ids, or a query of ids: it runs as a subquery), those whose 24
    months are reached by ``horizon`` and not yet answered by a review: client id → the day
    reached. Two queries: the last reviews (few), then the periods (a correlated look-up of
    the last review for each period took most of the time at 40,000 clients)."""
    reviews: dict[int, datetime.date] = dict(
        FollowUpMeeting.objects.filter(
            plan__period__client_id__in=client_ids, is_24_month_review=True
        )
        .values_list("plan__period__client_id")
        .annotate(last=Max("date"))
        .order_by()
    )
    rows = (
        Period.objects.filter(client_id__in=client_ids, start_date__lte=horizon)
        .exclude(status=PeriodStatus.DRAFT)
        .order_by()
        .values_list("client_id", "start_date", "end_date", "exit_date")
    )
    spans: dict[int, list[Span]] = defaultdict(list)
    for client_id, start, end, exit_date in rows:
        spans[client_id].append((start, min(exit_date or end, horizon)))
    due = {}
    for client_id, client_spans in spans.items():
        reached = review_reached_on(client_spans, after=reviews.get(client_id))
        if reached is not None and reached <= horizon:
            due[client_id] = reached
    return due
