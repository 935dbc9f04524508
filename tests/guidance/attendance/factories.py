"""Attendance records for tests; clients and periods come from tests/clients/factories.py."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from guidance.models import AttendanceRecord, AttendanceStatus
from tests.clients.factories import PeriodFactory


class AttendanceRecordFactory(DjangoModelFactory):
    class Meta:
        model = AttendanceRecord

    period = factory.SubFactory(PeriodFactory)
    date = datetime.date(2025, 11, 3)
    status = AttendanceStatus.PRESENT
    hours = factory.LazyAttribute(
        lambda o: o.period.hours_per_day if o.status == AttendanceStatus.PRESENT else Decimal(0)
    )


def keep_counts(client_ids: set[int], first: datetime.date, last: datetime.date) -> None:
    """For records written past the application's writer (factories, ``bulk_create``): count
    what every write keeps — the busy weeks of the weekly-limit warning and the dashboards'
    monthly totals — for those clients and days, as the writer would."""
    from django.db import transaction

    from guidance import busy_weeks
    from reporting import attendance_totals

    with transaction.atomic():
        busy_weeks.refresh(client_ids, first, last)
        attendance_totals.refresh(client_ids, first, last)
