"""Identity codes as the registry takes them in (DOMAIN.md §6)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from stdnum.fi import hetu as stdnum_hetu

from clients.hetu import expected_check_character, validate_hetu
from clients.models import Client
from clients.services import client_create
from tests.clients.factories import ClientFactory, make_hetu

pytestmark = pytest.mark.django_db


def register(actor, unit, municipality, code, **extra):  # type: ignore[no-untyped-def]
    return client_create(
        actor=actor,
        hetu=code,
        first_name="Testi",
        last_name="Asiakas",
        home_municipality=municipality,
        registered_unit=unit,
        responsible_counsellor=actor,
        **extra,
    )


def with_check(body: str) -> str:
    """``body`` (DDMMYYCNNN) completed with its right check character."""
    return body + expected_check_character(body + "?")


def test_make_hetu_gives_the_code_everyone_knows():
    assert make_hetu(datetime.date(1952, 10, 13), 308) == "131052-308T"
    code = make_hetu(datetime.date(2005, 1, 1), 2)
    assert code.startswith("010105A002")
    assert stdnum_hetu.is_valid(code)
    assert validate_hetu(code) == code


def test_a_valid_code_registers_with_the_birth_date_from_the_code(counsellor, unit, municipality):
    client = register(counsellor, unit, municipality, " 131052-308t ")
    assert client.hetu == "131052-308T"
    assert client.date_of_birth == datetime.date(1952, 10, 13)
    assert not client.temporary_hetu


def test_a_wrong_check_character_says_which_is_expected(counsellor, unit, municipality):
    with pytest.raises(ValidationError) as error:
        register(counsellor, unit, municipality, "131052-308A")
    message = error.value.message_dict["hetu"][0]
    assert "T" in message
    assert "should be T, not A" in message
    assert not Client.objects.exists()


@pytest.mark.parametrize(
    ("sign", "year"),
    [("Y", 1990), ("X", 1990), ("W", 1990), ("V", 1990), ("U", 1990)]
    + [(sign, 2005) for sign in "BCDEF"],
)
def test_each_new_century_sign_is_accepted(counsellor, unit, municipality, sign, year):
    code = make_hetu(datetime.date(year, 3, 15), 123, sign)
    client = register(counsellor, unit, municipality, code)
    assert client.hetu == code
    assert client.hetu[6] == sign
    assert client.date_of_birth == datetime.date(year, 3, 15)


def test_plus_sign_is_the_1800s(counsellor, unit, municipality):
    client = register(counsellor, unit, municipality, make_hetu(datetime.date(1899, 12, 31), 45))
    assert client.hetu[6] == "+"
    assert client.date_of_birth == datetime.date(1899, 12, 31)


def test_a_sign_of_the_wrong_century_is_a_different_check(counsellor, unit, municipality):
    # Y is a 1900s sign: 15.3.2005 written with Y means 1905, so the code is a valid other date.
    code = make_hetu(datetime.date(1905, 3, 15), 123, "Y")
    assert register(counsellor, unit, municipality, code).date_of_birth.year == 1905


def test_temporary_codes_are_refused_unless_allowed(counsellor, unit, municipality):
    code = make_hetu(datetime.date(1980, 5, 5), 901)
    with pytest.raises(ValidationError) as error:
        register(counsellor, unit, municipality, code)
    assert error.value.error_dict["hetu"][0].code == "temporary"
    assert "temporary" in error.value.message_dict["hetu"][0]

    client = register(counsellor, unit, municipality, code, temporary_hetu=True)
    assert client.temporary_hetu


def test_allowing_a_temporary_code_does_not_mark_an_ordinary_one(counsellor, unit, municipality):
    client = register(counsellor, unit, municipality, "131052-308T", temporary_hetu=True)
    assert not client.temporary_hetu


@pytest.mark.parametrize(
    "body",
    [
        "310299-123",  # 31 February
        "290201-123",  # 1901 was not a leap year
        "290200-123",  # nor was 1900
        "320190-123",
        "011390-123",
    ],
)
def test_impossible_dates_are_refused(counsellor, unit, municipality, body):
    with pytest.raises(ValidationError) as error:
        register(counsellor, unit, municipality, with_check(body))
    assert error.value.error_dict["hetu"][0].code == "date"


def test_29_february_2000_exists(counsellor, unit, municipality):
    client = register(counsellor, unit, municipality, with_check("290200A123"))
    assert client.date_of_birth == datetime.date(2000, 2, 29)


def test_a_birth_date_in_the_future_is_refused(counsellor, unit, municipality):
    with pytest.raises(ValidationError) as error:
        register(counsellor, unit, municipality, with_check("010190A123"))  # 2090
    assert error.value.error_dict["hetu"][0].code == "future"


@pytest.mark.parametrize("code", ["131052308T", "131052-30T", "131052/308T", "", "abc"])
def test_malformed_codes_say_what_a_code_looks_like(counsellor, unit, municipality, code):
    with pytest.raises(ValidationError) as error:
        register(counsellor, unit, municipality, code)
    assert "DDMMYYCNNNT" in error.value.message_dict["hetu"][0]


def test_codes_differing_only_by_sign_are_two_clients(counsellor, unit, municipality):
    dash = make_hetu(datetime.date(1990, 1, 1), 123, "-")
    why = make_hetu(datetime.date(1990, 1, 1), 123, "Y")
    assert dash[:6] + dash[7:] == why[:6] + why[7:]  # the same code apart from the sign
    first = register(counsellor, unit, municipality, dash)
    second = register(counsellor, unit, municipality, why)
    assert first.pk != second.pk
    assert set(Client.objects.values_list("hetu", flat=True)) == {dash, why}


def test_the_same_code_twice_is_a_validation_error_not_a_database_error(
    counsellor, unit, municipality
):
    ClientFactory(hetu="131052-308T")
    with pytest.raises(ValidationError) as error:
        register(counsellor, unit, municipality, "131052-308T")
    assert "hetu" in error.value.message_dict
    assert Client.objects.count() == 1
