"""Factories for sessions, groups and attendance. Clients, periods and plans come from
tests/clients/factories.py and tests/activation_plans/factories.py."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from guidance.models import (
    AttendanceRecord,
    AttendanceStatus,
    GroupMembership,
    GroupSession,
    GroupSessionParticipant,
    IndividualSession,
    SessionKind,
)
from tests.clients.factories import ClientFactory
from tests.organisations.factories import GroupFactory, UserFactory


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """An aware datetime on ``day`` in Europe/Helsinki."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class IndividualSessionFactory(DjangoModelFactory):
    class Meta:
        model = IndividualSession
        skip_postgeneration_save = True

    client = factory.SubFactory(ClientFactory)
    unit = factory.SelfAttribute("client.registered_unit")
    starts_at = factory.LazyFunction(lambda: at(timezone.localdate()))
    duration_minutes = 60
    kind = SessionKind.OFFICE
    topic = factory.Sequence(lambda n: f"Aihe {n}")
    notes = ""
    recorded_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def counsellors(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create and extracted:
            self.counsellors.set(extracted)


class GroupMembershipFactory(DjangoModelFactory):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(GroupFactory)
    client = factory.SubFactory(
        ClientFactory, registered_unit=factory.SelfAttribute("..group.unit")
    )
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=60))


class GroupSessionFactory(DjangoModelFactory):
    class Meta:
        model = GroupSession
        skip_postgeneration_save = True

    group = factory.SubFactory(GroupFactory)
    starts_at = factory.LazyFunction(lambda: at(timezone.localdate(), 13))
    duration_minutes = 90
    topic = factory.Sequence(lambda n: f"Ryhmän aihe {n}")
    recorded_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def counsellors(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create and extracted:
            self.counsellors.set(extracted)


class ParticipantFactory(DjangoModelFactory):
    class Meta:
        model = GroupSessionParticipant

    session = factory.SubFactory(GroupSessionFactory)
    client = factory.SubFactory(ClientFactory)
    took_part = True
    note = ""


class AttendanceRecordFactory(DjangoModelFactory):
    class Meta:
        model = AttendanceRecord

    period = None  # always given
    date = factory.LazyFunction(timezone.localdate)
    status = AttendanceStatus.PRESENT
    hours = Decimal(6)
