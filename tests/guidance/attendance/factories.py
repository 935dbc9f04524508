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
