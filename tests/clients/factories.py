"""Factories for clients and periods. Identity codes are valid: the check character is
computed, never made up."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import factory
from dateutil.relativedelta import relativedelta
from factory.django import DjangoModelFactory

from clients.hetu import birth_date as hetu_birth_date
from clients.hetu import expected_check_character
from clients.models import Client, Destination, ExitReason, Period, PeriodStatus
from tests.organisations.factories import MunicipalityFactory, UnitFactory

_DEFAULT_SIGNS = {18: "+", 19: "-", 20: "A"}


def make_hetu(birth_date: datetime.date, number: int, sign: str | None = None) -> str:
    """A valid personal identity code for ``birth_date`` and individual ``number``.

    ``sign`` defaults to the classic century sign (+, - or A); any other sign of the same
    century (Y X W V U for the 1900s, B–F for the 2000s) gives a different, equally valid code.
    """
    if sign is None:
        sign = _DEFAULT_SIGNS[birth_date.year // 100]
    body = f"{birth_date:%d%m}{birth_date.year % 100:02d}{sign}{number:03d}"
    return body + expected_check_character(body + "?")


def _sequential_hetu(n: int) -> str:
    # One code per day from 1.1.1960, individual numbers 002–899 (never temporary).
    day = datetime.date(1960, 1, 1) + datetime.timedelta(days=n % 15000)
    return make_hetu(day, 2 + (n // 15000) % 898)


class ClientFactory(DjangoModelFactory):
    class Meta:
        model = Client

    hetu = factory.Sequence(_sequential_hetu)
    date_of_birth = factory.LazyAttribute(lambda o: hetu_birth_date(o.hetu))
    first_name = factory.Faker("first_name", locale="fi_FI")
    last_name = factory.Faker("last_name", locale="fi_FI")
    sex = "woman"
    home_municipality = factory.SubFactory(MunicipalityFactory)
    registered_unit = factory.SubFactory(UnitFactory)
    phone = "040 123 4567"
    email = factory.LazyAttribute(lambda o: f"{o.first_name.lower()}@example.invalid")
    street_address = "Kotikatu 1 A 2"
    postal_code = "00100"
    post_office = "Helsinki"


class PeriodFactory(DjangoModelFactory):
    class Meta:
        model = Period

    client = factory.SubFactory(ClientFactory)
    unit = factory.LazyAttribute(lambda o: o.client.registered_unit)
    status = PeriodStatus.ACTIVE
    start_date = datetime.date(2025, 9, 1)
    end_date = factory.LazyAttribute(lambda o: o.start_date + relativedelta(months=6))
    days_per_week = 3
    hours_per_day = Decimal("6.0")
    weekdays = "135"

    class Params:
        # An ended period: exit on the planned end date, completed as planned.
        ended = factory.Trait(
            status=PeriodStatus.ENDED,
            exit_date=factory.LazyAttribute(lambda o: o.end_date),
            exit_reason=ExitReason.COMPLETED,
            destination=Destination.UNEMPLOYED,
        )


def client_form_data(*, unit: Any, municipality: Any, counsellor: Any, **overrides: Any) -> dict:
    """A complete, valid client form as a browser posts it."""
    data = {
        "hetu": "131052-308T",
        "first_name": "Matti",
        "last_name": "Virtanen",
        "sex": "man",
        "home_municipality": municipality.pk,
        "mother_tongue": "fi",
        "service_language": "fi",
        "phone": "040 111 2222",
        "email": "matti@example.invalid",
        "street_address": "Kotikatu 1",
        "postal_code": "00100",
        "post_office": "Helsinki",
        "benefit": "labour_market_subsidy",
        "labour_market_status": "long_term_unemployed",
        "education": "isced_0_2",
        "foreign_background": "no",
        "minority": "declined",
        "disability": "",
        "other_disadvantaged": "",
        "homeless": "no",
        "rural": "",
        "registered_unit": unit.pk,
        "responsible_counsellor": counsellor.pk,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
