"""``manage.py import_organisations FILE`` as a person migrating a spreadsheet meets it."""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from organisations import services
from organisations.importing import CellError, parse_date
from organisations.models import EmploymentAuthority, Municipality, Organiser, Project, Unit
from tests.organisations.factories import MunicipalityFactory, OrganiserFactory, UnitFactory

pytestmark = pytest.mark.django_db

HEADER = ["type", "code", "name", "parent", "municipality", "units", "start_date", "end_date"]

MUNICIPALITIES = [
    ["municipality", "398", "Lahti", "", "", "", "", ""],
    ["municipality", "638", "Porvoo", "", "", "", "", ""],
]
ORGANISERS = [
    ["organiser", "paijat-hame", "Päijät-Hämeen hyvinvointialue", "", "", "", "", ""],
    ["organiser", "ita-uusimaa", "Itä-Uudenmaan hyvinvointialue", "", "", "", "", ""],
]
AUTHORITIES = [
    ["employment_authority", "lahden-seutu", "Lahden seudun työllisyysalue", "", "", "", "", ""],
]
UNITS = [
    ["unit", "LAHTI", "Lahden työtoimintakeskus", "paijat-hame", "398", "", "", ""],
    ["unit", "PORVOO", "Porvoon päivätoimintakeskus", "ita-uusimaa", "638", "", "", ""],
]
PROJECTS = [
    ["project", "KYVYT", "Kyvyt käyttöön", "", "", "LAHTI|PORVOO", "1.1.2024", "2027-12-31"],
]
STRUCTURE = MUNICIPALITIES + ORGANISERS + AUTHORITIES + UNITS + PROJECTS


def csv_text(rows: list[list[str]], delimiter: str = ";", header: list[str] = HEADER) -> str:
    return "".join(delimiter.join(row) + "\r\n" for row in [header, *rows])


def write(tmp_path: Path, text: str, *, bom: bool = False, name: str = "structure.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def run_import(path: Path) -> str:
    """The command's standard output; fails the test if the import fails."""
    out, err = StringIO(), StringIO()
    with translation.override("en"):
        call_command("import_organisations", str(path), stdout=out, stderr=err)
    assert err.getvalue() == ""
    return out.getvalue()


def run_failing_import(path: Path) -> str:
    """The command's standard error; fails the test unless the command exits with status 1."""
    out, err = StringIO(), StringIO()
    with translation.override("en"), pytest.raises(CommandError) as failure:
        call_command("import_organisations", str(path), stdout=out, stderr=err)
    assert failure.value.returncode == 1
    assert "nothing was saved" in str(failure.value)
    assert out.getvalue() == ""
    return err.getvalue()


def snapshot() -> dict[str, Any]:
    """Every value the import may write, primary keys included (an update must not re-create)."""
    return {
        "municipalities": sorted(Municipality.objects.values_list("pk", "code", "name")),
        "organisers": sorted(Organiser.objects.values_list("pk", "code", "name")),
        "authorities": sorted(EmploymentAuthority.objects.values_list("pk", "code", "name")),
        "units": sorted(
            Unit.objects.values_list("pk", "code", "name", "organiser__code", "municipality__code")
        ),
        "projects": sorted(
            (
                project.pk,
                project.code,
                project.name,
                project.funder,
                project.start_date,
                project.end_date,
                tuple(sorted(project.units.values_list("code", flat=True))),
            )
            for project in Project.objects.all()
        ),
    }


@pytest.mark.parametrize(
    ("delimiter", "bom"),
    [(";", False), (",", False), (";", True), (",", True)],
    ids=["semicolon", "comma", "semicolon-bom", "comma-bom"],
)
def test_a_file_creates_the_structure(tmp_path, delimiter, bom):
    path = write(tmp_path, csv_text(STRUCTURE, delimiter), bom=bom)

    output = run_import(path)

    assert "municipality: 2 created, 0 updated, 0 unchanged" in output
    assert "organiser: 2 created, 0 updated, 0 unchanged" in output
    assert "employment_authority: 1 created, 0 updated, 0 unchanged" in output
    assert "unit: 2 created, 0 updated, 0 unchanged" in output
    assert "project: 1 created, 0 updated, 0 unchanged" in output
    lahti = Unit.objects.get(code="LAHTI")
    assert lahti.name == "Lahden työtoimintakeskus"
    assert lahti.organiser.name == "Päijät-Hämeen hyvinvointialue"
    assert lahti.municipality.name == "Lahti"
    assert EmploymentAuthority.objects.get(code="lahden-seutu").name == (
        "Lahden seudun työllisyysalue"
    )
    project = Project.objects.get(code="KYVYT")
    assert project.name == "Kyvyt käyttöön"
    assert (project.start_date, project.end_date) == (
        datetime.date(2024, 1, 1),
        datetime.date(2027, 12, 31),
    )
    assert set(project.units.values_list("code", flat=True)) == {"LAHTI", "PORVOO"}


def test_rows_may_come_in_any_order(tmp_path):
    # The project before its units, the units before their organisers and municipalities.
    rows = PROJECTS + UNITS[::-1] + ORGANISERS + AUTHORITIES + MUNICIPALITIES[::-1]
    path = write(tmp_path, csv_text(rows))

    run_import(path)

    assert Unit.objects.get(code="PORVOO").organiser.code == "ita-uusimaa"
    assert Unit.objects.get(code="PORVOO").municipality.code == "638"
    assert Project.objects.get(code="KYVYT").units.count() == 2


def test_a_file_may_refer_to_what_the_database_already_has(tmp_path):
    OrganiserFactory(code="paijat-hame")
    MunicipalityFactory(code="398", name="Lahti")
    UnitFactory(code="HOLLOLA")
    rows = [
        UNITS[0],
        ["project", "P1", "Hanke", "", "", "LAHTI|HOLLOLA", "2025-01-01", "2025-12-31"],
    ]
    path = write(tmp_path, csv_text(rows))

    output = run_import(path)

    assert "unit: 1 created" in output
    assert Unit.objects.get(code="LAHTI").organiser.code == "paijat-hame"
    assert set(Project.objects.get(code="P1").units.values_list("code", flat=True)) == {
        "LAHTI",
        "HOLLOLA",
    }


def test_the_header_may_leave_out_columns_no_row_needs(tmp_path):
    header = ["type", "code", "name"]
    path = write(tmp_path, csv_text([["municipality", "061", "Forssa"]], ",", header))

    run_import(path)

    assert Municipality.objects.get(code="061").name == "Forssa"


def test_a_file_with_errors_saves_nothing_and_names_every_bad_row(tmp_path):
    OrganiserFactory(code="paijat-hame", name="Päijät-Hämeen hyvinvointialue")
    MunicipalityFactory(code="398", name="Lahti")
    UnitFactory(code="LAHTI", name="Vanha nimi")
    before = snapshot()
    rows = [
        # row 2: fine on its own, and would change a name: must not be saved either
        ["unit", "LAHTI", "Lahden työtoimintakeskus", "paijat-hame", "398", "", "", ""],
        # row 3: fine, a new municipality: must not be saved
        ["municipality", "061", "Forssa", "", "", "", "", ""],
        # row 4: unknown type
        ["office", "X1", "Toimisto", "", "", "", "", ""],
        # row 5: no name
        ["organiser", "kanta-hame", "", "", "", "", "", ""],
        # row 6: municipality code not three digits, organiser unknown
        ["unit", "FORSSA", "Forssan työkeskus", "kanta-hame-x", "61", "", "", ""],
        # row 7: the same unit code again
        ["unit", "LAHTI", "Toinen Lahti", "paijat-hame", "398", "", "", ""],
        # row 8: a unit without its organiser
        ["unit", "SALO", "Salon työkeskus", "", "734", "", "", ""],
        # row 9: a date that is not a date, a unit that does not exist
        ["project", "P1", "Hanke", "", "", "LAHTI|NOWHERE", "31.2.2025", "2025-12-31"],
        # row 10: ends before it starts
        ["project", "P2", "Hanke 2", "", "", "LAHTI", "2026-01-01", "31.12.2025"],
        # row 11: a municipality whose code is not three digits
        ["municipality", "1234", "Liian pitkä", "", "", "", "", ""],
        # row 12: a unit in a municipality nobody defined
        ["unit", "TURKU", "Turun työkeskus", "paijat-hame", "853", "", "", ""],
        # row 13: a value that belongs to units only
        ["organiser", "varsinais-suomi", "Varsinais-Suomen hva", "", "853", "", "", ""],
    ]
    path = write(tmp_path, csv_text(rows))

    errors = run_failing_import(path)

    for expected in [
        "row 4, column type:",
        "row 5, column name:",
        "row 6, column municipality:",
        "row 6, column parent:",
        "row 7, column code:",
        "row 8, column parent:",
        "row 9, column start_date:",
        "row 9, column units:",
        "row 10, column end_date:",
        "row 11, column code:",
        "row 12, column municipality:",
        "row 13, column municipality:",
    ]:
        assert expected in errors
    assert "row 2," not in errors
    assert "row 3," not in errors
    assert "Row 2 already has the unit code “LAHTI”" in errors
    assert "NOWHERE" in errors
    assert snapshot() == before


def test_a_refusal_while_saving_rolls_back_the_rows_saved_before_it(tmp_path, monkeypatch):
    # Validation should catch everything first; if the model still refuses a row while saving,
    # the rows saved before it must go too, and the error must name the row.
    def refuse(**values: Any) -> None:
        raise ValidationError({"organiser": ["This organiser cannot have units."]})

    monkeypatch.setattr(services, "unit_upsert", refuse)
    path = write(tmp_path, csv_text(MUNICIPALITIES + ORGANISERS + UNITS[:1]))

    errors = run_failing_import(path)

    assert errors == "row 6, column parent: This organiser cannot have units.\n"
    assert not Municipality.objects.exists()
    assert not Organiser.objects.exists()


def test_a_file_that_is_not_utf8_saves_nothing(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(csv_text(ORGANISERS).encode("latin-1"))

    errors = run_failing_import(path)

    assert "row 2: The file is not UTF-8 text" in errors
    assert not Organiser.objects.exists()


def test_a_missing_required_column_is_named(tmp_path):
    header = ["type", "code", "parent"]
    path = write(tmp_path, csv_text([["organiser", "kanta-hame", ""]], ";", header))

    errors = run_failing_import(path)

    assert "row 1, column name:" in errors


def test_an_unknown_column_is_named(tmp_path):
    header = [*HEADER, "notes"]
    path = write(tmp_path, csv_text([[*MUNICIPALITIES[0], "x"]], ";", header))

    errors = run_failing_import(path)

    assert "row 1, column notes: Unknown column" in errors


def test_row_numbers_are_line_numbers_blank_lines_included(tmp_path):
    text = csv_text(MUNICIPALITIES) + "\r\n;;;;;;;\r\n" + "municipality;12;Kaksinumeroinen;;;;;\r\n"
    path = write(tmp_path, text)

    errors = run_failing_import(path)

    # Header row 1, two municipalities on rows 2-3, two blank lines, the bad row on line 6.
    assert errors.startswith("row 6, column code:")


def test_a_second_import_of_the_same_file_changes_nothing(tmp_path):
    path = write(tmp_path, csv_text(STRUCTURE))
    run_import(path)
    before = snapshot()

    output = run_import(path)

    assert "municipality: 0 created, 0 updated, 2 unchanged" in output
    assert "organiser: 0 created, 0 updated, 2 unchanged" in output
    assert "employment_authority: 0 created, 0 updated, 1 unchanged" in output
    assert "unit: 0 created, 0 updated, 2 unchanged" in output
    assert "project: 0 created, 0 updated, 1 unchanged" in output
    assert snapshot() == before


def test_a_changed_name_counts_as_updated(tmp_path):
    run_import(write(tmp_path, csv_text(STRUCTURE)))
    unit_pk = Unit.objects.get(code="LAHTI").pk
    renamed = [
        ["unit", "LAHTI", "Lahden Tuoterengas", "paijat-hame", "398", "", "", ""],
        UNITS[1],
    ]

    output = run_import(write(tmp_path, csv_text(renamed), name="renamed.csv"))

    assert "unit: 0 created, 1 updated, 1 unchanged" in output
    unit = Unit.objects.get(code="LAHTI")
    assert (unit.pk, unit.name) == (unit_pk, "Lahden Tuoterengas")


def test_a_unit_may_move_to_another_organiser(tmp_path):
    run_import(write(tmp_path, csv_text(STRUCTURE)))
    moved = [["unit", "PORVOO", "Porvoon päivätoimintakeskus", "paijat-hame", "638", "", "", ""]]

    output = run_import(write(tmp_path, csv_text(moved), name="moved.csv"))

    assert "unit: 0 created, 1 updated, 0 unchanged" in output
    assert Unit.objects.get(code="PORVOO").organiser.code == "paijat-hame"


def test_the_project_units_become_those_of_the_file(tmp_path):
    run_import(write(tmp_path, csv_text(STRUCTURE)))
    project_pk = Project.objects.get(code="KYVYT").pk
    fewer = [["project", "KYVYT", "Kyvyt käyttöön", "", "", "PORVOO", "2024-01-01", "31.12.2027"]]

    output = run_import(write(tmp_path, csv_text(fewer), name="fewer.csv"))

    assert "project: 0 created, 1 updated, 0 unchanged" in output
    project = Project.objects.get(code="KYVYT")
    assert project.pk == project_pk
    assert list(project.units.values_list("code", flat=True)) == ["PORVOO"]


def test_a_missing_file_is_a_clear_error(tmp_path):
    with translation.override("en"), pytest.raises(CommandError, match="Cannot read"):
        call_command("import_organisations", str(tmp_path / "nothing.csv"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-01-31", datetime.date(2025, 1, 31)),
        ("31.1.2025", datetime.date(2025, 1, 31)),
        ("01.02.2025", datetime.date(2025, 2, 1)),
        ("29.2.2024", datetime.date(2024, 2, 29)),
    ],
)
def test_dates_are_iso_or_finnish(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["29.2.2025", "2025/01/31", "1.13.2025", "31.1.25", "huomenna"])
def test_other_dates_are_refused(text):
    with pytest.raises(CellError):
        parse_date(text)
