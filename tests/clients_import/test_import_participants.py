"""``manage.py import_participants FILE`` as a unit moving its spreadsheet meets it."""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from activation_plans.models import ActivationPlan
from audit.models import AccessLogEntry
from clients.models import Client, Period, PeriodStatus
from clients.participant_import import PARTICIPANT_COLUMNS, participants_import
from organisations.importing import ImportFailed
from tests.organisations.factories import MunicipalityFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

# Valid identity codes; the check characters are worked out by hand, not by the code under test.
MAIJA = "131052-308T"
PEKKA = "150385-456R"
DASH = "010190-123M"  # born in the 1900s, century sign "-"
WHY = "010190Y123M"  # the same digits with the sign "Y": another person
TEMPORARY = "051175-912V"  # individual number 912

HEADER = list(PARTICIPANT_COLUMNS)
LOG_TABLE = AccessLogEntry._meta.db_table

DEFAULTS = {
    "hetu": MAIJA,
    "first_name": "Maija",
    "last_name": "Meikäläinen",
    "sex": "woman",
    "home_municipality": "638",
    "unit": "PORVOO",
    "start_date": "2024-01-08",
    "end_date": "2024-12-31",
    "days_per_week": "3",
    "hours_per_day": "6",
    "benefit": "labour_market_subsidy",
    "labour_market_status": "long_term_unemployed",
    "education": "isced_0_2",
    "foreign_background": "no",
    "minority": "no",
    "disability": "no",
    "other_disadvantaged": "yes",
    "homeless": "no",
    "rural": "no",
    "exit_date": "",
    "exit_reason": "",
    "destination": "",
    "destination_6m": "",
}
PEKKA_ROW = {
    "hetu": PEKKA,
    "first_name": "Pekka",
    "last_name": "Virtanen",
    "sex": "man",
    "home_municipality": "398",
    "unit": "LAHTI",
    "benefit": "social_assistance",
    "labour_market_status": "unemployed",
}


def row(**values: str) -> dict[str, str]:
    return {**DEFAULTS, **values}


def csv_text(rows: list[dict[str, str]], delimiter: str = ";", header: list[str] = HEADER) -> str:
    lines = [header] + [[item.get(column, "") for column in header] for item in rows]
    return "".join(delimiter.join(line) + "\r\n" for line in lines)


def write(tmp_path: Path, text: str, *, bom: bool = False, name: str = "participants.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def run_import(path: Path, *args: str) -> str:
    """The command's standard output; fails the test if the import fails."""
    out, err = StringIO(), StringIO()
    with translation.override("en"):
        call_command("import_participants", str(path), *args, stdout=out, stderr=err)
    assert err.getvalue() == ""
    return out.getvalue()


def run_failing_import(path: Path, *args: str) -> list[str]:
    """The lines on standard error; fails the test unless the command exits with status 1."""
    out, err = StringIO(), StringIO()
    with translation.override("en"), pytest.raises(CommandError) as failure:
        call_command("import_participants", str(path), *args, stdout=out, stderr=err)
    assert failure.value.returncode == 1
    assert "nothing was saved" in str(failure.value)
    assert out.getvalue() == ""
    return err.getvalue().splitlines()


def snapshot() -> dict[str, Any]:
    """Every value the import may write, keys and modification times included."""
    return {
        "clients": sorted(Client.objects.values_list()),
        "periods": sorted(Period.objects.values_list()),
        "log": AccessLogEntry.objects.count(),
    }


def nothing_saved() -> bool:
    return (
        not Client.objects.exists()
        and not Period.objects.exists()
        and not AccessLogEntry.objects.exists()
    )


@pytest.fixture(autouse=True)
def places(db):  # type: ignore[no-untyped-def]
    porvoo = MunicipalityFactory(code="638", name="Porvoo")
    lahti = MunicipalityFactory(code="398", name="Lahti")
    return {
        "PORVOO": UnitFactory(code="PORVOO", municipality=porvoo),
        "LAHTI": UnitFactory(code="LAHTI", municipality=lahti),
    }


# --- a good file ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delimiter", "bom", "dates"),
    [
        (";", False, ("8.1.2024", "31.12.2024")),
        (",", False, ("2024-01-08", "2024-12-31")),
        (";", True, ("2024-01-08", "31.12.2024")),
        (",", True, ("08.01.2024", "2024-12-31")),
    ],
    ids=["semicolon-finnish", "comma-iso", "semicolon-bom", "comma-bom"],
)
def test_a_file_creates_clients_and_periods(tmp_path, places, delimiter, bom, dates):
    start, end = dates
    rows = [row(start_date=start, end_date=end), {**DEFAULTS, **PEKKA_ROW}]
    path = write(tmp_path, csv_text(rows, delimiter), bom=bom)

    output = run_import(path)

    assert "clients: 2 created, 0 updated, 0 unchanged" in output
    assert "periods: 2 created, 0 updated, 0 unchanged" in output
    maija = Client.objects.with_hetu(MAIJA).get()
    assert (maija.first_name, maija.last_name, maija.sex) == ("Maija", "Meikäläinen", "woman")
    assert maija.date_of_birth == datetime.date(1952, 10, 13)
    assert maija.home_municipality.code == "638"
    assert maija.registered_unit == places["PORVOO"]
    assert maija.responsible_counsellor is None
    assert not maija.temporary_hetu
    assert (maija.benefit, maija.labour_market_status, maija.education) == (
        "labour_market_subsidy",
        "long_term_unemployed",
        "isced_0_2",
    )
    assert (maija.other_disadvantaged, maija.homeless) == ("yes", "no")
    period = maija.periods.get()
    assert period.unit == places["PORVOO"]
    assert (period.start_date, period.end_date) == (
        datetime.date(2024, 1, 8),
        datetime.date(2024, 12, 31),
    )
    assert (period.days_per_week, period.hours_per_day) == (3, Decimal(6))
    assert period.status == PeriodStatus.ACTIVE
    assert period.imported
    assert period.weekdays == ""
    assert not period.overlap_confirmed
    assert period.exit_date is None
    assert (period.exit_reason, period.destination, period.destination_6m) == ("", "", "")
    assert (period.labour_market_status, period.other_disadvantaged) == (
        "long_term_unemployed",
        "yes",
    )
    pekka = Client.objects.with_hetu(PEKKA).get()
    assert pekka.registered_unit == places["LAHTI"]
    assert pekka.periods.get().benefit == "social_assistance"


def test_optional_columns_may_be_left_out_and_empty_cells_are_unknown(tmp_path):
    header = [
        "hetu",
        "first_name",
        "last_name",
        "home_municipality",
        "unit",
        "start_date",
        "end_date",
        "days_per_week",
        "hours_per_day",
        "labour_market_status",
    ]
    path = write(tmp_path, csv_text([row(hours_per_day="7,5")], header=header))

    run_import(path)

    client = Client.objects.get()
    assert client.sex == "unknown"
    assert (client.benefit, client.education, client.rural) == ("", "", "")
    period = client.periods.get()
    assert period.hours_per_day == Decimal("7.5")
    assert period.education == ""


def test_a_client_with_two_periods_has_two_rows(tmp_path, places):
    # Rows in any order; the client's current data come from the latest period.
    rows = [
        row(
            unit="LAHTI",
            home_municipality="398",
            start_date="2025-02-03",
            end_date="2025-08-29",
            labour_market_status="unemployed",
            education="isced_3_4",
            sex="",
        ),
        row(
            start_date="2024-01-08",
            end_date="2024-12-31",
            exit_date="2024-12-31",
            exit_reason="completed",
            destination="new_kuty_period",
        ),
    ]
    path = write(tmp_path, csv_text(rows))

    output = run_import(path)

    assert "clients: 1 created" in output
    assert "periods: 2 created" in output
    client = Client.objects.get()
    assert client.registered_unit == places["PORVOO"]  # the unit of the first period
    assert client.home_municipality.code == "398"
    assert (client.labour_market_status, client.education) == ("unemployed", "isced_3_4")
    first, second = client.periods.order_by("start_date")
    assert (first.unit, first.status, first.education) == (places["PORVOO"], "ended", "isced_0_2")
    assert (second.unit, second.status, second.education) == (
        places["LAHTI"],
        "active",
        "isced_3_4",
    )
    assert not first.overlap_confirmed
    assert not second.overlap_confirmed


def test_overlapping_periods_of_one_client_are_allowed_and_marked(tmp_path):
    rows = [
        # Two days here and two there while they overlap: the person's 4 days a week.
        row(unit="PORVOO", start_date="2024-01-08", end_date="2024-12-31", days_per_week="2"),
        row(unit="LAHTI", start_date="2024-06-03", end_date="2025-03-31", days_per_week="2"),
        row(unit="PORVOO", start_date="2025-06-02", end_date="2025-11-28"),
    ]
    path = write(tmp_path, csv_text(rows))

    run_import(path)

    periods = Period.objects.order_by("start_date")
    assert [period.overlap_confirmed for period in periods] == [True, True, False]


def test_the_status_follows_the_dates(tmp_path):
    start = timezone.localdate() + datetime.timedelta(days=30)
    rows = [
        row(hetu=MAIJA),
        row(
            hetu=PEKKA,
            first_name="Pekka",
            start_date=start.isoformat(),
            end_date=(start + datetime.timedelta(days=180)).isoformat(),
        ),
        row(
            hetu=DASH,
            first_name="Matti",
            exit_date="2024-05-31",
            exit_reason="interrupted",
            destination="social_rehabilitation",
        ),
    ]
    path = write(tmp_path, csv_text(rows))

    run_import(path)

    status = {period.client.hetu: period.status for period in Period.objects.all()}
    assert status == {MAIJA: "active", PEKKA: "agreed", DASH: "ended"}


def test_exit_columns_are_saved(tmp_path):
    path = write(
        tmp_path,
        csv_text(
            [
                row(
                    exit_date="28.6.2024",
                    exit_reason="interrupted_by_organiser",
                    destination="education",
                    destination_6m="open_labour_market",
                )
            ]
        ),
    )

    run_import(path)

    period = Period.objects.get()
    assert period.status == PeriodStatus.ENDED
    assert period.exit_date == datetime.date(2024, 6, 28)
    assert (period.exit_reason, period.destination, period.destination_6m) == (
        "interrupted_by_organiser",
        "education",
        "open_labour_market",
    )
    assert not period.follow_up_consent
    assert period.destination_3m == ""


def test_imported_periods_are_marked_imported_and_have_no_plan(tmp_path):
    path = write(tmp_path, csv_text([row(), {**DEFAULTS, **PEKKA_ROW}]))

    run_import(path)

    assert Period.objects.count() == 2
    assert all(period.imported for period in Period.objects.all())
    assert not ActivationPlan.objects.exists()


# --- identity codes -------------------------------------------------------------------------


def test_century_signs_dash_and_y_are_two_different_people(tmp_path):
    rows = [
        row(hetu=DASH, first_name="Matti", last_name="Nieminen"),
        row(hetu=WHY, first_name="Juha", last_name="Korhonen"),
    ]
    path = write(tmp_path, csv_text(rows))

    output = run_import(path)

    assert "clients: 2 created" in output
    assert set(Client.objects.values_list("hetu", "first_name")) == {
        (DASH, "Matti"),
        (WHY, "Juha"),
    }
    assert {client.date_of_birth for client in Client.objects.all()} == {datetime.date(1990, 1, 1)}


def test_a_code_is_matched_after_upper_casing_and_removing_spaces(tmp_path):
    rows = [
        row(hetu=" 131052-308t", start_date="2024-01-08", end_date="2024-06-28"),
        row(hetu="131052 -308T", start_date="2024-08-05", end_date="2024-12-31"),
    ]
    path = write(tmp_path, csv_text(rows))

    run_import(path)

    assert Client.objects.get().hetu == MAIJA
    assert Period.objects.count() == 2


def test_a_temporary_code_is_refused(tmp_path):
    path = write(tmp_path, csv_text([row(hetu=TEMPORARY)]))

    lines = run_failing_import(path)

    assert len(lines) == 1
    assert lines[0].startswith("row 2, column hetu: This is a temporary identity code")
    assert "--allow-temporary" in lines[0]
    assert nothing_saved()


def test_a_temporary_code_is_accepted_with_allow_temporary(tmp_path):
    path = write(tmp_path, csv_text([row(hetu=TEMPORARY)]))

    output = run_import(path, "--allow-temporary")

    assert "clients: 1 created" in output
    client = Client.objects.get()
    assert client.hetu == TEMPORARY
    assert client.temporary_hetu
    assert client.date_of_birth == datetime.date(1975, 11, 5)


# --- rows with errors -----------------------------------------------------------------------

BAD_ROWS = [
    ({"hetu": ""}, "hetu", "A value is required here."),
    ({"hetu": "131052-308A"}, "hetu", "The check character is wrong"),
    ({"hetu": "1310523-08T"}, "hetu", "A personal identity code has the form DDMMYYCNNNT"),
    ({"hetu": "310252-308T"}, "hetu", "not a real date"),
    ({"first_name": ""}, "first_name", "A value is required here."),
    ({"last_name": "x" * 101}, "last_name", "at most 100 fit"),
    ({"sex": "female"}, "sex", "“female” is not one of: woman, man, non_binary."),
    ({"home_municipality": ""}, "home_municipality", "A value is required here."),
    ({"home_municipality": "63"}, "home_municipality", "it has three digits"),
    ({"home_municipality": "999"}, "home_municipality", "No municipality has the code 999"),
    ({"unit": "NOWHERE"}, "unit", "No unit has the code “NOWHERE”"),
    ({"unit": ""}, "unit", "A value is required here."),
    ({"start_date": ""}, "start_date", "A value is required here."),
    ({"start_date": "2024-13-01"}, "start_date", "is not a date of the calendar"),
    ({"start_date": "1/8/2024"}, "start_date", "write it as YYYY-MM-DD or D.M.YYYY"),
    ({"end_date": ""}, "end_date", "A value is required here."),
    ({"days_per_week": "three"}, "days_per_week", "“three” is not a whole number."),
    ({"hours_per_day": ""}, "hours_per_day", "A value is required here."),
    ({"hours_per_day": "six"}, "hours_per_day", "“six” is not a number."),
    ({"hours_per_day": "6.25"}, "hours_per_day", "Hours a day are recorded to one decimal"),
    ({"benefit": "kela"}, "benefit", "“kela” is not one of"),
    ({"labour_market_status": ""}, "labour_market_status", "A value is required here."),
    ({"labour_market_status": "retired"}, "labour_market_status", "is not one of"),
    ({"education": "phd"}, "education", "“phd” is not one of"),
    ({"foreign_background": "maybe"}, "foreign_background", "is not one of: yes, no, declined"),
    ({"rural": "kylä"}, "rural", "is not one of: yes, no, declined"),
    ({"exit_reason": "completed"}, "exit_reason", "Give this only with an exit date"),
    ({"destination": "education"}, "destination", "Give this only with an exit date"),
    ({"destination_6m": "pension"}, "destination_6m", "Give this only with an exit date"),
    (
        {"exit_date": "2024-06-28", "destination": "education"},
        "exit_reason",
        "An exit date needs an exit reason.",
    ),
    (
        {"exit_date": "2024-06-28", "exit_reason": "completed"},
        "destination",
        "An exit date needs the destination at exit.",
    ),
    (
        {"exit_date": "2024-06-28", "exit_reason": "fired", "destination": "education"},
        "exit_reason",
        "“fired” is not one of",
    ),
    (
        {"exit_date": "2024-06-28", "exit_reason": "moved", "destination": "prison"},
        "destination",
        "“prison” is not one of",
    ),
    (
        {
            "exit_date": "2024-06-28",
            "exit_reason": "moved",
            "destination": "unknown",
            "destination_6m": "abroad",
        },
        "destination_6m",
        "“abroad” is not one of",
    ),
    (
        {"exit_date": "2024-01-05", "exit_reason": "moved", "destination": "unknown"},
        "exit_date",
        "The exit date is before the period's start date.",
    ),
    (
        {"exit_date": "31.2.2024", "exit_reason": "moved", "destination": "unknown"},
        "exit_date",
        "is not a date of the calendar",
    ),
]


@pytest.mark.parametrize(("values", "column", "message"), BAD_ROWS)
def test_a_bad_row_is_named_and_nothing_is_saved(tmp_path, values, column, message):
    # Row 2 is fine on its own and must not be saved either.
    rows = [{**DEFAULTS, **PEKKA_ROW}, row(**values)]
    path = write(tmp_path, csv_text(rows))

    lines = run_failing_import(path)

    assert len(lines) == 1, lines
    assert lines[0].startswith(f"row 3, column {column}: ")
    assert message in lines[0]
    assert nothing_saved()


def test_an_absurd_number_of_hours_is_an_error_not_a_crash(tmp_path):
    lines = run_failing_import(write(tmp_path, csv_text([row(hours_per_day="1e30")])))

    assert lines[0] == "row 2, column hours_per_day: A day lasts 4–8 hours, travel not included."
    assert nothing_saved()


def test_an_exit_date_in_the_future_is_refused(tmp_path):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    rows = [
        row(
            start_date="2025-06-02",
            end_date="2026-05-29",
            exit_date=tomorrow.isoformat(),
            exit_reason="completed",
            destination="unknown",
        )
    ]
    path = write(tmp_path, csv_text(rows))

    lines = run_failing_import(path)

    assert lines == [
        "row 2, column exit_date: The exit date is in the future. Leave it empty for a "
        "period that continues."
    ]


def test_every_error_of_every_row_is_printed_in_file_order(tmp_path):
    rows = [
        row(hetu="131052-308A", unit="NOWHERE"),  # row 2: two errors
        {**DEFAULTS, **PEKKA_ROW},  # row 3: fine
        row(hetu=DASH, days_per_week="", exit_reason="completed"),  # row 4: two errors
    ]
    path = write(tmp_path, csv_text(rows))

    lines = run_failing_import(path)

    assert [line.split(":")[0] for line in lines] == [
        "row 2, column hetu",
        "row 2, column unit",
        "row 4, column days_per_week",
        "row 4, column exit_reason",
    ]
    assert nothing_saved()


def test_one_code_with_two_names_is_an_error(tmp_path):
    rows = [
        row(start_date="2024-01-08", end_date="2024-06-28"),
        row(first_name="Maria", start_date="2024-08-05", end_date="2024-12-31"),
    ]
    path = write(tmp_path, csv_text(rows))

    lines = run_failing_import(path)

    assert lines == [
        "row 3, column first_name: Row 2 gives this identity code to Maija Meikäläinen. "
        "One person has one name in the file."
    ]
    assert nothing_saved()


def test_the_same_period_twice_is_an_error(tmp_path):
    rows = [row(), row(end_date="2024-10-31")]
    path = write(tmp_path, csv_text(rows))

    lines = run_failing_import(path)

    assert lines == [
        "row 3, column start_date: Row 2 already has a period for this person in this unit "
        "starting on this day."
    ]
    assert nothing_saved()


def test_the_same_start_in_another_unit_is_another_period(tmp_path):
    rows = [row(days_per_week="2"), row(unit="LAHTI", days_per_week="2")]
    path = write(tmp_path, csv_text(rows))

    run_import(path)

    assert Period.objects.count() == 2
    assert all(period.overlap_confirmed for period in Period.objects.all())


def test_a_header_without_a_required_column_is_refused(tmp_path):
    header = [column for column in HEADER if column != "labour_market_status"]
    path = write(tmp_path, csv_text([row()], header=header))

    lines = run_failing_import(path)

    assert lines == [
        "row 1, column labour_market_status: The header has no such column; it is required."
    ]


def test_an_unknown_column_is_refused(tmp_path):
    path = write(tmp_path, csv_text([row()], header=[*HEADER, "phone"]))

    lines = run_failing_import(path)

    assert len(lines) == 1
    assert lines[0].startswith("row 1, column phone: Unknown column.")


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(csv_text([row()]).encode("latin-1"))

    lines = run_failing_import(path)

    assert len(lines) == 1
    assert "is not UTF-8" in lines[0]
    assert nothing_saved()


# --- the period rules (DOMAIN.md §2) --------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "column", "message"),
    [
        (
            {"start_date": "2024-01-08", "end_date": "2024-04-06"},
            "end_date",
            "A period lasts at least 3 months",
        ),
        (
            {"start_date": "2024-01-08", "end_date": "2026-01-08"},
            "end_date",
            "A period lasts at most 24 months",
        ),
        (
            {"start_date": "2024-01-08", "end_date": "2024-01-08"},
            "end_date",
            "The period must end after it starts.",
        ),
        ({"days_per_week": "0"}, "days_per_week", "is organised on 1–4 days a week"),
        ({"days_per_week": "5", "hours_per_day": "4"}, "days_per_week", "on 1–4 days a week"),
        (
            {"start_date": "2015-07-01", "end_date": "2015-12-31", "days_per_week": "5"},
            "days_per_week",
            "on 1–4 days a week",
        ),
        (
            {
                "start_date": "2015-01-05",
                "end_date": "2015-12-31",
                "days_per_week": "6",
                "hours_per_day": "4",
            },
            "days_per_week",
            "on 1–5 days a week",
        ),
        ({"hours_per_day": "3,5"}, "hours_per_day", "A day lasts 4–8 hours, travel not included."),
        ({"hours_per_day": "8.5"}, "hours_per_day", "A day lasts 4–8 hours, travel not included."),
        (
            {
                "start_date": "2015-01-05",
                "end_date": "2015-12-31",
                "days_per_week": "5",
                "hours_per_day": "7",
            },
            "hours_per_day",
            "5 days of 7 hours make 35 hours a week; the most allowed is 32 hours.",
        ),
    ],
    ids=[
        "under-3-months",
        "over-24-months",
        "ends-on-start",
        "0-days",
        "5-days-2024",
        "5-days-from-1.7.2015",
        "6-days-before-2015",
        "3.5-hours",
        "8.5-hours",
        "35-hours-a-week",
    ],
)
def test_the_period_rules_are_checked(tmp_path, values, column, message):
    path = write(tmp_path, csv_text([row(**values)]))

    lines = run_failing_import(path)

    assert len(lines) == 1, lines
    assert lines[0].startswith(f"row 2, column {column}: ")
    assert message in lines[0]
    assert nothing_saved()


@pytest.mark.parametrize(
    "values",
    [
        {"start_date": "2024-01-08", "end_date": "2024-04-07"},  # exactly 3 months
        {"start_date": "2024-01-08", "end_date": "2026-01-07"},  # exactly 24 months
        {"days_per_week": "4", "hours_per_day": "8"},  # 32 hours a week
        {"days_per_week": "1", "hours_per_day": "4"},
        {"start_date": "2015-01-05", "end_date": "2015-12-31", "days_per_week": "5"},
    ],
    ids=["3-months", "24-months", "32-hours", "least", "5-days-before-1.7.2015"],
)
def test_the_limits_themselves_are_allowed(tmp_path, values):
    path = write(tmp_path, csv_text([row(**values)]))

    run_import(path)

    assert Period.objects.count() == 1


# --- importing again ------------------------------------------------------------------------


def test_importing_the_same_file_again_changes_nothing(tmp_path):
    rows = [
        row(start_date="2024-01-08", end_date="2024-12-31", days_per_week="2"),
        row(unit="LAHTI", start_date="2024-06-03", end_date="2025-03-31", days_per_week="2"),
        {**DEFAULTS, **PEKKA_ROW},
        row(
            hetu=DASH,
            first_name="Matti",
            sex="",
            education="",
            exit_date="2024-05-31",
            exit_reason="moved",
            destination="unknown",
            destination_6m="unemployed",
        ),
    ]
    path = write(tmp_path, csv_text(rows))
    run_import(path)
    before = snapshot()

    output = run_import(path)

    assert "clients: 0 created, 0 updated, 3 unchanged" in output
    assert "periods: 0 created, 0 updated, 4 unchanged" in output
    assert snapshot() == before


def test_a_changed_file_updates_the_records(tmp_path):
    path = write(tmp_path, csv_text([row()]))
    run_import(path)
    client = Client.objects.get()
    period = Period.objects.get()
    changed = row(
        last_name="Virtanen",
        home_municipality="398",
        end_date="2024-11-29",
        days_per_week="4",
        exit_date="2024-10-31",
        exit_reason="completed",
        destination="open_labour_market",
    )
    path = write(tmp_path, csv_text([changed]))

    output = run_import(path)

    assert "clients: 0 created, 1 updated, 0 unchanged" in output
    assert "periods: 0 created, 1 updated, 0 unchanged" in output
    client.refresh_from_db()
    period.refresh_from_db()
    assert (client.last_name, client.home_municipality.code) == ("Virtanen", "398")
    assert (period.end_date, period.days_per_week) == (datetime.date(2024, 11, 29), 4)
    assert (period.status, period.exit_date, period.destination) == (
        "ended",
        datetime.date(2024, 10, 31),
        "open_labour_market",
    )
    assert Client.objects.count() == 1
    assert Period.objects.count() == 1


def test_an_empty_cell_does_not_erase_what_is_recorded(tmp_path):
    run_import(write(tmp_path, csv_text([row(sex="woman", education="isced_3_4")])))
    before = snapshot()

    output = run_import(write(tmp_path, csv_text([row(sex="", education="")])))

    assert "clients: 0 created, 0 updated, 1 unchanged" in output
    assert snapshot() == before


def test_a_new_period_for_a_known_client_adds_to_it(tmp_path, places):
    run_import(write(tmp_path, csv_text([row()])))
    client = Client.objects.get()

    output = run_import(
        write(
            tmp_path,
            csv_text([row(), row(unit="LAHTI", start_date="2025-02-03", end_date="2025-08-29")]),
        )
    )

    assert "clients: 0 created, 0 updated, 1 unchanged" in output
    assert "periods: 1 created, 0 updated, 1 unchanged" in output
    assert client.periods.count() == 2
    client.refresh_from_db()
    assert client.registered_unit == places["PORVOO"]
    assert list(AccessLogEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "import",  # created
        "import",  # a period added
    ]


def test_a_client_with_a_later_recorded_period_keeps_the_recorded_values(tmp_path, places):
    run_import(
        write(
            tmp_path, csv_text([row(unit="LAHTI", start_date="2025-02-03", end_date="2025-08-29")])
        )
    )
    client = Client.objects.get()
    older = row(last_name="Vanhanimi", education="isced_5_8")

    output = run_import(write(tmp_path, csv_text([older])))

    assert "clients: 0 created, 0 updated, 1 unchanged" in output
    assert "periods: 1 created" in output
    client.refresh_from_db()
    assert (client.last_name, client.education) == ("Meikäläinen", "isced_0_2")


def test_a_period_recorded_in_kuty_is_matched_and_stays_not_imported(tmp_path, places):
    client = Client.objects.create(
        hetu=MAIJA,
        first_name="Maija",
        last_name="Meikäläinen",
        date_of_birth=datetime.date(1952, 10, 13),
        sex="woman",
        home_municipality=places["PORVOO"].municipality,
        registered_unit=places["PORVOO"],
    )
    period = Period.objects.create(
        client=client,
        unit=places["PORVOO"],
        status=PeriodStatus.ACTIVE,
        start_date=datetime.date(2024, 1, 8),
        end_date=datetime.date(2024, 12, 31),
        days_per_week=3,
        hours_per_day=Decimal(6),
        weekdays="135",
    )

    output = run_import(write(tmp_path, csv_text([row(hours_per_day="5")])))

    assert "clients: 0 created, 1 updated, 0 unchanged" in output  # the entry data
    assert "periods: 0 created, 1 updated, 0 unchanged" in output
    period.refresh_from_db()
    assert (period.hours_per_day, period.weekdays) == (Decimal(5), "135")
    assert (period.status, period.imported) == ("active", False)

    lines = run_failing_import(write(tmp_path, csv_text([row(days_per_week="2")])))

    assert lines == [
        "row 2, column days_per_week: The period is recorded in KUTY with 3 weekdays; "
        "change its days a week there."
    ]


# --- the access log -------------------------------------------------------------------------


def test_one_import_row_per_client_created_or_changed_in_one_insert(tmp_path):
    rows = [
        row(start_date="2024-01-08", days_per_week="2"),
        row(unit="LAHTI", days_per_week="2"),
        {**DEFAULTS, **PEKKA_ROW},
    ]
    text = csv_text(rows)
    with CaptureQueriesContext(connection) as queries:
        run_import(write(tmp_path, text))

    entries = list(AccessLogEntry.objects.order_by("id"))
    assert sorted(str(entry.client_uuid) for entry in entries) == sorted(
        str(uuid) for uuid in Client.objects.values_list("uuid", flat=True)
    )  # Maija once, for her two periods, and Pekka
    assert sum(1 for q in queries if q["sql"].startswith(f'INSERT INTO "{LOG_TABLE}"')) == 1
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    for entry in entries:
        assert entry.action == "import"
        assert (entry.user, entry.username) == (None, "import_participants")
        assert entry.detail == f"import_participants: file sha256 {digest}"
        assert entry.object_type == "clients.client"
        fields = [entry.detail, entry.object_id, entry.object_type, entry.basis, entry.username]
        assert MAIJA not in " ".join(fields)
        assert PEKKA not in " ".join(fields)

    # Maija changes, Pekka does not: one row, for Maija.
    changed = [
        row(first_name="Maija Liisa", unit="LAHTI", days_per_week="2"),
        {**DEFAULTS, **PEKKA_ROW},
    ]
    run_import(write(tmp_path, csv_text(changed)))

    assert AccessLogEntry.objects.count() == 3
    change = AccessLogEntry.objects.order_by("id").last()
    assert change is not None
    maija = Client.objects.with_hetu(MAIJA).get()
    assert (change.action, change.client_uuid) == ("import", maija.uuid)


def test_the_user_who_imports_is_named_in_the_log(tmp_path):
    importer = UserFactory(username="siirtaja")
    run_import(write(tmp_path, csv_text([row(), {**DEFAULTS, **PEKKA_ROW}])), "--user", "siirtaja")

    assert set(AccessLogEntry.objects.values_list("action", "user", "username")) == {
        ("import", importer.pk, "siirtaja")
    }
    assert AccessLogEntry.objects.count() == 2


@pytest.mark.parametrize("active", [True, False])
def test_an_unknown_or_inactive_user_saves_nothing(tmp_path, active):
    UserFactory(username="someone", is_active=False)
    name = "nobody" if active else "someone"
    path = write(tmp_path, csv_text([row()]))

    with translation.override("en"), pytest.raises(CommandError, match="No active user") as exc:
        call_command("import_participants", str(path), "--user", name, stderr=StringIO())

    assert exc.value.returncode == 1
    assert nothing_saved()


def test_a_failed_import_logs_nobody(tmp_path):
    rows = [row(), {**DEFAULTS, **PEKKA_ROW, "unit": "NOWHERE"}]

    run_failing_import(write(tmp_path, csv_text(rows)), "--user", UserFactory().username)

    assert nothing_saved()  # Maija's good row neither: no client, no period, no log row


# --- the service and the command ------------------------------------------------------------


def test_the_service_returns_the_counts_and_raises_with_every_error():
    counts = participants_import(data=csv_text([row()]), allow_temporary=False)
    assert counts.as_dict() == {
        "clients": {"created": 1, "updated": 0, "unchanged": 0},
        "periods": {"created": 1, "updated": 0, "unchanged": 0},
    }

    with translation.override("en"), pytest.raises(ImportFailed) as failure:
        participants_import(data=csv_text([row(hetu=PEKKA, unit="X")]).encode())
    assert [str(error) for error in failure.value.errors] == [
        "row 2, column unit: No unit has the code “X”. Import it first or correct the code."
    ]


def test_the_command_exits_with_status_1_on_errors(tmp_path):
    path = write(tmp_path, csv_text([row(unit="NOWHERE")]))

    with translation.override("en"), pytest.raises(CommandError) as failure:
        call_command("import_participants", str(path), stdout=StringIO(), stderr=StringIO())

    assert failure.value.returncode == 1
    assert str(failure.value) == "1 error in the file; nothing was saved."


def test_the_command_reports_a_missing_file(tmp_path):
    # In English whatever an earlier test left active (the deployment's language is Finnish).
    with translation.override("en"), pytest.raises(CommandError, match="Cannot read"):
        call_command("import_participants", str(tmp_path / "missing.csv"))


def test_a_birth_date_in_the_future_is_a_row_error(tmp_path):
    """The web form refused it; the import now does too (one rule: clients.hetu)."""
    from tests.clients.factories import make_hetu

    unborn = make_hetu(timezone.localdate() + datetime.timedelta(days=400), 123)
    lines = run_failing_import(write(tmp_path, csv_text([row(hetu=unborn)])))

    assert lines == [
        "row 2, column hetu: The birth date in the personal identity code is in the future."
    ]
    assert nothing_saved()


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x7f"])
def test_a_control_character_in_a_cell_is_a_row_error(tmp_path, character):
    lines = run_failing_import(write(tmp_path, csv_text([row(last_name=f"Vir{character}tanen")])))

    assert lines == [
        "row 2, column last_name: The cell contains a control character (such as NUL) that "
        "text cannot hold; remove it and save the file again."
    ]
    assert nothing_saved()


def test_overlapping_periods_add_up_to_the_persons_week_limit(tmp_path):
    """DOMAIN.md §2: the week limit is the person's. 3 days in one unit and 2 in another at
    the same time make 5: refused, naming the row and the other unit."""
    rows = [
        row(unit="PORVOO", days_per_week="3"),
        row(unit="LAHTI", days_per_week="2"),
    ]
    lines = run_failing_import(write(tmp_path, csv_text(rows)))

    assert any(
        line.startswith("row 3, column days_per_week: Together with the client's period in")
        and "this makes 5 days a week" in line
        for line in lines
    ), lines
    assert nothing_saved()


def test_overlapping_periods_within_the_limit_are_imported(tmp_path):
    rows = [row(unit="PORVOO", days_per_week="3"), row(unit="LAHTI", days_per_week="1")]
    run_import(write(tmp_path, csv_text(rows)))
    assert Period.objects.count() == 2
